"""A reconstructable handle on the same job with the multiprocess executor, the configured option
(WEBFACTS_EXECUTOR=multiprocess; other settings from the environment).

`python tests/multiprocess_job.py BATCH_ID` runs one partition with it and prints the steps it ran.
"""
import json
import sys
from pathlib import Path

# Run as a script (here and in each step's process), this file's folder comes first on sys.path, and there
# tests/pipeline (a package of tests) would stand for the project's pipeline package: pipeline.clean resolved to
# tests/pipeline/clean. The project's packages come from the root.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from assets.definitions import build_definitions  # noqa: E402
from assets.storage import MULTIPROCESS  # noqa: E402


def webfacts_job():
    return build_definitions(executor=MULTIPROCESS).resolve_job_def("materialize_all")


if __name__ == "__main__":
    from dagster import DagsterInstance, execute_job, reconstructable

    with DagsterInstance.get() as instance, execute_job(
            reconstructable(webfacts_job), instance=instance, tags={"dagster/partition": sys.argv[1]}) as result:
        steps = sorted({e.step_key for e in result.all_events if e.is_step_start})
        pids = sorted({e.pid for e in result.all_events if e.is_step_start and e.pid})
        print(json.dumps({"success": result.success, "steps": steps, "step_pids": pids}))
