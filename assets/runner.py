"""`webfacts run`: new or changed inbox files become batch partitions, each run through the same Dagster job the
UI and the schedules use, in this process."""
from __future__ import annotations

import gc
import os
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from assets.preflight import requirement_problems
from assets.progress import PROGRESS_ENV
from pipeline.config import PROJECT_ROOT, command_settings

QUIET, NORMAL, VERBOSE = 0, 1, 2
# Step logs and failure traces stay in the run (visible in `make dev`); the terminal gets the CLI's own lines,
# the summary, or one line saying what failed. -v shows the steps' log too.
STEP_LOG_LEVEL = {QUIET: "CRITICAL", NORMAL: "CRITICAL", VERBOSE: "INFO"}
DAGSTER_YAML = "telemetry:\n  enabled: false\n"
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a program Ctrl-C ended


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME defaults to a git-ignored .dagster/ in the project, configured by the project's
    dagster.instance.yaml (telemetry off, queued runs, the duckdb pool). A DAGSTER_HOME the user set is theirs."""
    chosen = "DAGSTER_HOME" in os.environ
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    source = PROJECT_ROOT / "dagster.instance.yaml"
    wanted = source.read_text() if source.exists() else DAGSTER_YAML
    if not config.exists() or not chosen and config.read_text() != wanted:
        config.write_text(wanted)
    return home


# polars allocates through its own jemalloc, read from this variable when polars is imported. By default it keeps
# freed pages for seconds after a batch let go of them, and the next batch's peak came on top: with both decays at
# 0 the parent's memory after the first 1,000-file batch was 579 MB instead of 714 MB (its peak 874 instead of
# 1,033), at the same speed. Spawned workers inherit it.
POLARS_MALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"


def configure_allocators() -> None:
    """Before polars is imported (it reads the setting once); a value the user set is kept."""
    if "polars" not in sys.modules:
        os.environ.setdefault("_RJEM_MALLOC_CONF", POLARS_MALLOC_CONF)


def say(line: str, verbosity: int, error: bool = False) -> None:
    """A line for the terminal: errors always, the rest unless -q."""
    if error or verbosity > QUIET:
        print(line, file=sys.stderr if error else sys.stdout, flush=True)


@dataclass
class RunTally:
    """What this run's batches did, for the summary: it must agree with each batch's balance line."""
    outcomes: list["BatchOutcome"] = field(default_factory=list)

    def total(self, figure: str) -> int:
        return sum(getattr(outcome, figure) for outcome in self.outcomes)


def run(inbox: str | None, warehouse: str | None, verbosity: int = NORMAL) -> int:
    """Register new or changed inbox files as batch partitions, then run every unpublished batch."""
    configure_allocators()
    ensure_dagster_home()
    from warehouse.publish import READ_WRITE_WARNING, read_write_holder
    from warehouse.store import Warehouse

    env = command_settings(inbox, warehouse)  # the one settings object: the store, the ledger and the resource
    inbox_path = Path(env.inbox)
    store = Warehouse.from_settings(env)
    # Everything the run will need, checked before any work: a wrong model name used to fail after 20 s.
    problems = requirement_problems(env, inbox_path, store)
    if problems:
        for problem in problems:
            say(f"webfacts: {problem}", verbosity, error=True)
        return 2
    ledger, published_before = store.ledger(env.batch_ledger), store.exists()
    if read_write_holder(store):
        say(f"webfacts: warning: {READ_WRITE_WARNING.format(path=store)}", verbosity, error=True)
    started = time.perf_counter()
    registered = register(ledger, inbox_path, published_before, env, verbosity)
    if registered is not None:
        return registered
    from pipeline.batches import pending_batches
    pending = pending_batches(ledger)
    if not pending:
        say(nothing_to_do(inbox_path, ledger), verbosity)
        if published_before:
            say(summary(store, time.perf_counter() - started), verbosity)
        return 0
    tally = RunTally()
    try:
        failed = run_pending(pending, ledger, env, tally, verbosity)
    except KeyboardInterrupt:
        failed = EXIT_INTERRUPTED
    if failed == EXIT_INTERRUPTED:
        say(f"webfacts: batch interrupted; re-run resumes it (`webfacts run`): {len(tally.outcomes)} of "
            f"{len(pending)} batch(es) were published before the interruption, the interrupted one was not",
            verbosity, error=True)
        return EXIT_INTERRUPTED
    if failed:
        return failed
    say(summary(store, time.perf_counter() - started, tally), verbosity)
    return 0


def register(ledger: Path, inbox: Path, published_before: bool, env, verbosity: int) -> int | None:
    """New or changed inbox files into the ledger; an exit code when that failed, else None."""
    from pipeline.batches import register_batches
    try:
        held: list[str] = []
        register_batches(ledger, inbox, published_before, env.batch_max_files, env.batch_max_bytes,
                         env.settle_s, held, env.batch_max_urls)
        if held:
            say(f"webfacts: {len(held)} file(s) changed in the last {env.settle_s:g} s may still be being written: "
                "left for the next run (WEBFACTS_SETTLE_S)", verbosity, error=True)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "malformed" not in str(exc):
            return cannot_write_ledger(ledger, exc)
        say(f"webfacts: the batch ledger {ledger} is corrupted ({exc}): move it aside and run again; every inbox "
            "file is then registered and published again, without duplicating what the warehouse holds",
            verbosity, error=True)
        return 2
    except (OSError, sqlite3.Error) as exc:
        return cannot_write_ledger(ledger, exc)
    return None


def nothing_to_do(inbox: Path, ledger: Path) -> str:
    """Why there is no batch: an empty inbox, or nothing new since the last run (not the same news)."""
    from pipeline.batches import published_batches, scan_inbox
    if not scan_inbox(inbox):
        return (f"webfacts: the inbox {inbox} is empty: no files to read (add HTML, text, JSON Lines, WARC or .urls "
                "files, or pass --inbox DIR)")
    if not published_batches(ledger):
        return f"webfacts: no file in {inbox} is ready yet: nothing to do"
    return f"webfacts: nothing new in {inbox} since the last run: no extraction work done"


def run_pending(pending: list[str], ledger: Path, env, tally: RunTally, verbosity: int) -> int:
    """Run each pending batch through the job, in order; 0, or the exit code of the first that failed."""
    from assets.pool import run_worker_pool
    sizes = {batch_id: batch_size(ledger, batch_id) for batch_id in pending}
    # Enough work for the worker pool: the run owns one, started now, while this process is still small and before
    # the first batch is read, so the workers load spaCy and trafilatura during Dagster's start and the first
    # ingest and then serve every batch of the run; stopped when the run ends.
    os.environ[PROGRESS_ENV] = "1" if verbosity > QUIET else "0"
    with run_worker_pool(sum(sizes.values()), env.spacy_model):
        # Dagster, spaCy and trafilatura load only now: an unchanged inbox costs a scan and a summary.
        from dagster import DagsterInstance

        from assets.definitions import build_definitions
        from assets.partitions import inbox_batches
        from assets.resources import WebfactsSettings
        from assets.runs import release_dead_runs

        job = build_definitions(WebfactsSettings.from_settings(env)).resolve_job_def("materialize_all")
        with DagsterInstance.get() as instance:
            released = release_dead_runs(instance)
            if released:
                say(f"webfacts: released {len(released)} earlier run(s) whose process had died "
                    f"(their pool slots were still held)", verbosity, error=True)
            known = set(instance.get_dynamic_partitions(inbox_batches.name))
            instance.add_dynamic_partitions(inbox_batches.name, [b for b in pending if b not in known])
            for batch_id in pending:
                say(f"webfacts: batch {batch_id}: {sizes[batch_id]} files", verbosity)
                outcome = run_batch(job, instance, batch_id, verbosity)
                if outcome.interrupted:
                    return EXIT_INTERRUPTED
                if not outcome.ok:
                    say(f"webfacts: batch {batch_id} failed: {outcome.line}", verbosity, error=True)
                    return 1
                tally.outcomes.append(outcome)
                say(f"webfacts: batch {batch_id}: {outcome.line}", verbosity)
    return 0


def cannot_write_ledger(ledger: Path, exc: BaseException) -> int:
    from warehouse.publish import DISK_FULL, is_disk_full

    reason = DISK_FULL if is_disk_full(exc) else getattr(exc, "strerror", None) or exc
    print(f"webfacts: cannot write beside the warehouse ({ledger}): {reason}; choose a writable --warehouse path",
          file=sys.stderr)
    return 1


@dataclass(frozen=True)
class BatchOutcome:
    ok: bool
    line: str  # the balance line, or what failed
    interrupted: bool = False
    inputs: int = 0
    quarantined_at_ingest: int = 0
    rejected_later: int = 0


def run_batch(job, instance, batch_id: str, verbosity: int = NORMAL) -> BatchOutcome:
    """Run one batch in-process: its balance line, or what failed.

    The Dagster result keeps every output of the run (execute_in_process captures them), and it goes out of scope
    here, before the next batch starts: held in a loop variable, it kept the previous batch's frames (~90 MB of
    DuckDB-read columns and the batch's text, measured) alive through the whole next batch.
    """
    from assets.runs import process_tags

    run_config = {"loggers": {"console": {"config": {"log_level": STEP_LOG_LEVEL[verbosity]}}}}
    result = job.execute_in_process(instance=instance, partition_key=batch_id, raise_on_error=False,
                                    run_config=run_config, tags=process_tags())
    if result.success:
        outcome = batch_outcome(result)
    else:
        outcome = BatchOutcome(False, failure_reason(result), interrupted=was_interrupted(result))
    del result
    # The run's objects (context, step outputs, events) reference one another: reference counting alone does not
    # free the batch's frames, and the cyclic collector's oldest generation rarely runs on its own.
    gc.collect()
    return outcome


def batch_size(ledger: Path, batch_id: str) -> int:
    """Files in the batch, a part of a long URL list counting as one."""
    from pipeline.batches import batch_files, batch_url_parts
    return len(batch_files(ledger, batch_id)) + len(batch_url_parts(ledger, batch_id))


LATER_REJECTIONS = ("cleaning_rejections", "parsing_rejections")  # documents quarantined after ingest


def batch_outcome(result) -> BatchOutcome:
    """The balance of a batch (from its check result) and the documents later stages quarantined."""
    rows = {event.asset_key.to_user_string(): event.materialization.metadata["dagster/row_count"].value
            for event in result.get_asset_materialization_events()
            if "dagster/row_count" in event.materialization.metadata}
    later = sum(rows.get(name, 0) for name in LATER_REJECTIONS)
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.check_name == "every_input_accounted_for":
            m = {k: v.value for k, v in evaluation.metadata.items()}
            state = "balanced" if evaluation.passed else "UNBALANCED"
            line = (f"inputs seen {m['inputs_seen']} = sources {m['sources_recorded']} + quarantined "
                    f"{m['quarantined']} + skipped {m['skipped_records']}: {state}")
            if later:
                line += f"; then {later} of those documents quarantined by cleaning or parsing"
            return BatchOutcome(True, line, inputs=m["inputs_seen"], quarantined_at_ingest=m["quarantined"],
                                rejected_later=later)
    return BatchOutcome(True, "no reconciliation result")


INTERRUPTIONS = ("DagsterExecutionInterruptedError", "KeyboardInterrupt")


def was_interrupted(result) -> bool:
    """A step ended by Ctrl-C (Dagster turns the signal into DagsterExecutionInterruptedError inside a step)."""
    for event in result.all_events:
        error = event.step_failure_data.error if event.is_step_failure else None
        while error is not None:
            if error.cls_name in INTERRUPTIONS:
                return True
            error = error.cause
    return False


def failure_reason(result) -> str:
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            meta = {k: v.value for k, v in evaluation.metadata.items()}
            first = first_failure(meta.get("failures_by_check"))
            return (f"check {evaluation.check_name} failed on {evaluation.asset_key.to_user_string()}"
                    + (f" ({meta['failures']} failing values; first: {first})" if "failures" in meta else "")
                    + "; see the run's checks in `make dev`")
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause is not None and error.cls_name in ("DagsterExecutionStepExecutionError",):
                error = error.cause
            first = error.message.strip().splitlines()[0] if error.message.strip() else error.cls_name
            return f"step {event.step_key}: {first}"
    return "unknown failure (see the run in `make dev`)"


def first_failure(by_check) -> str:
    """'column, check, count' of the most frequent failure, from a contract check's table of failures."""
    records = getattr(by_check, "records", None)
    return ", ".join(str(v) for v in records[0].data.values()) if records else ""


def summary(warehouse, seconds: float, tally: RunTally | None = None) -> str:
    from warehouse.queries import quarantine_by_reason, warehouse_counts

    with warehouse.connect(read_only=True) as con:
        n = warehouse_counts(con)
        by_reason = quarantine_by_reason(con)
    at_ingest = n["quarantined_at_ingest"]
    reasons = ", ".join(f"{r}: {k}" for r, k in by_reason)
    lines = [
        f"webfacts: warehouse {warehouse}",
        f"  inputs seen         {n['inputs']}",
        f"  documents ok        {n['documents']} ({n['raw_documents']} distinct raw, {n['clusters']} independent "
        f"clusters, {n['domains']} domains)",
        f"  quarantined         {n['quarantined']}"
        + (f" ({at_ingest} inputs at ingest + {n['quarantined'] - at_ingest} documents by cleaning or parsing; "
           f"{reasons})" if by_reason else ""),
        f"  skipped records     {n['skipped_records']} (archive records that are not documents)",
        f"  skipped by NLP      {n['stage_skips']} (not English)",
        f"  entities            {n['entities']}",
        f"  facts               {n['facts']}",
        f"  contested facts     {n['contested']}",
    ]
    if tally is not None:
        lines.append(f"  this run            {len(tally.outcomes)} batch(es), {tally.total('inputs')} inputs: "
                     f"quarantined {tally.total('quarantined_at_ingest')} at ingest + {tally.total('rejected_later')} "
                     "by cleaning or parsing")
    lines.append(f"  seconds             {seconds:.1f}")
    return "\n".join(lines)
