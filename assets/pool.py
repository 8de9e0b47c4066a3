"""When a run starts the worker pool (pipeline/workers.py): imports no Dagster, so `webfacts run` can start it first."""
from pipeline import workers


def start_worker_pool_for(files: int, model: str | None) -> bool:
    """Start the worker pool, without waiting for it, when `files` are enough work for it and it is not running;
    True when this call started it. Started early, the workers load trafilatura and spaCy while ingest reads."""
    if workers.default_processes() > 1 and files >= workers.PARALLEL_FROM and not workers.running():
        workers.start(workers.default_processes(), model)
        return True
    return False
