"""`webfacts run` and `webfacts facts`: the same Definitions the UI and schedules use."""
from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import sys
import time
from contextlib import ExitStack
from functools import partial
from pathlib import Path

from pipeline.config import PROJECT_ROOT, describe, resolve_warehouse, settings_from_env

# Step logs and failure traces stay in the run (visible in `make dev`); the terminal gets the CLI's own
# warnings, the summary, or one line saying what failed.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
DAGSTER_YAML = "telemetry:\n  enabled: false\n"


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME defaults to a git-ignored .dagster/ in the project, configured by the project's
    dagster.yaml (telemetry off, queued runs, the duckdb pool). A DAGSTER_HOME the user set is theirs."""
    chosen = "DAGSTER_HOME" in os.environ
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    source = PROJECT_ROOT / "dagster.yaml"
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


def run(inbox: str | None, warehouse: str | None) -> int:
    """Register new or changed inbox files as batch partitions, then run every unpublished batch."""
    configure_allocators()
    ensure_dagster_home()
    from pipeline import workers
    from pipeline.batches import pending_batches, register_batches
    from pipeline.warm_up import load_document_steps
    from warehouse.publish import READ_WRITE_WARNING, read_write_holder
    from warehouse.store import Warehouse, WarehouseConfigError, WarehouseUnreadable

    overrides = {"inbox": str(Path(inbox).resolve())} if inbox else {}
    if warehouse:
        overrides["warehouse"] = resolve_warehouse(warehouse)
    env = settings_from_env(**overrides)  # the one settings object: the store, the ledger and the resource
    inbox_path = Path(env.inbox)
    if not inbox_path.exists():
        print(f"webfacts: inbox {inbox_path} does not exist (pass --inbox DIR or set WEBFACTS_INBOX)",
              file=sys.stderr)
        return 2
    store = Warehouse.from_settings(env)
    try:
        ledger, published_before = store.ledger(env.batch_ledger), store.exists()
        store.check_readable()
    except (WarehouseConfigError, WarehouseUnreadable) as exc:  # a missing extension, no place for the ledger,
        print(f"webfacts: {exc}", file=sys.stderr)                # a damaged warehouse file
        return 2
    if read_write_holder(store):
        print(f"webfacts: warning: {READ_WRITE_WARNING.format(path=store)}", file=sys.stderr)
    started = time.perf_counter()
    try:
        held: list[str] = []
        register_batches(ledger, inbox_path, published_before, env.batch_max_files, env.batch_max_bytes,
                         env.settle_s, held, env.batch_max_urls)
        if held:
            print(f"webfacts: {len(held)} file(s) changed in the last {env.settle_s:g} s may still be being written: "
                  "left for the next run (WEBFACTS_SETTLE_S)", file=sys.stderr)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "malformed" not in str(exc):
            return cannot_write_ledger(ledger, exc)
        print(f"webfacts: the batch ledger {ledger} is corrupted ({exc}): move it aside and run again; every inbox "
              "file is then registered and published again, without duplicating what the warehouse holds",
              file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as exc:
        return cannot_write_ledger(ledger, exc)
    pending = pending_batches(ledger)
    if not pending:
        print(f"webfacts: nothing new in {inbox_path} since the last run: no extraction work done")
        if published_before:
            print(summary(store, time.perf_counter() - started))
        return 0
    sizes = {batch_id: batch_size(ledger, batch_id) for batch_id in pending}
    # Enough work for the worker pool: start it now, while this process is still small and before the first
    # batch is read, so the workers load spaCy and trafilatura during Dagster's start and the first ingest and
    # then serve every batch of the run.
    run_pool = ExitStack()  # the run owns the pool: started here, stopped when the run ends
    if workers.default_processes() > 1 and sum(sizes.values()) >= workers.PARALLEL_FROM:
        pool = run_pool.enter_context(workers.WorkerPool(workers.default_processes(),
                                                         partial(load_document_steps, env.spacy_model)))
        run_pool.enter_context(pool.activated())
    # Dagster, spaCy and trafilatura load only now: an unchanged inbox costs a scan and a summary.
    from dagster import DagsterInstance

    from assets.definitions import build_definitions
    from assets.partitions import inbox_batches
    from assets.resources import WebfactsSettings
    from assets.runs import release_dead_runs

    settings = WebfactsSettings.from_settings(env)
    try:
        job = build_definitions(settings).resolve_job_def("materialize_all")
        os.environ.setdefault("WEBFACTS_PROGRESS", "1")
        with DagsterInstance.get() as instance:
            released = release_dead_runs(instance)
            if released:
                print(f"webfacts: released {len(released)} earlier run(s) whose process had died "
                      f"(their pool slots were still held)", file=sys.stderr)
            known = set(instance.get_dynamic_partitions(inbox_batches.name))
            instance.add_dynamic_partitions(inbox_batches.name, [b for b in pending if b not in known])
            for batch_id in pending:
                print(f"webfacts: batch {batch_id}: {sizes[batch_id]} files", file=sys.stderr)
                ok, line = run_batch(job, instance, batch_id)
                if not ok:
                    print(f"webfacts: batch {batch_id} failed: {line}", file=sys.stderr)
                    return 1
                print(f"webfacts: batch {batch_id}: {line}")
    finally:
        run_pool.close()
    print(summary(store, time.perf_counter() - started))
    return 0


def cannot_write_ledger(ledger: Path, exc: BaseException) -> int:
    from warehouse.publish import DISK_FULL, is_disk_full

    reason = DISK_FULL if is_disk_full(exc) else getattr(exc, "strerror", None) or exc
    print(f"webfacts: cannot write beside the warehouse ({ledger}): {reason}; choose a writable --warehouse path",
          file=sys.stderr)
    return 1


def run_batch(job, instance, batch_id: str) -> tuple[bool, str]:
    """Run one batch in-process: (succeeded, its reconciliation line or what failed).

    The Dagster result keeps every output of the run (execute_in_process captures them), and it goes out of scope
    here, before the next batch starts: held in a loop variable, it kept the previous batch's frames (~90 MB of
    DuckDB-read columns and the batch's text, measured) alive through the whole next batch.
    """
    from dagster import mem_io_manager

    from assets.runs import process_tags

    # In memory, not Dagster's default pickles under DAGSTER_HOME/storage: one process runs every step, so
    # pickling each output and unpickling it for each consumer only added copies (+250 MB transient for a 128 MB
    # batch's HTML, measured) and left every batch's pages on disk a second time, forever.
    result = job.execute_in_process(instance=instance, partition_key=batch_id, raise_on_error=False,
                                    run_config=QUIET, resources={"io_manager": mem_io_manager},
                                    tags=process_tags())
    outcome = (True, batch_line(result)) if result.success else (False, failure_reason(result))
    del result
    # The run's objects (context, step outputs, events) reference one another: reference counting alone does not
    # free the batch's frames, and the cyclic collector's oldest generation rarely runs on its own.
    gc.collect()
    return outcome


def batch_size(ledger: Path, batch_id: str) -> int:
    """Files in the batch, a part of a long URL list counting as one."""
    from pipeline.batches import batch_files, batch_url_parts
    return len(batch_files(ledger, batch_id)) + len(batch_url_parts(ledger, batch_id))


def batch_line(result) -> str:
    """The reconciliation line of a batch, from its check result."""
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.check_name == "every_input_accounted_for":
            m = {k: v.value for k, v in evaluation.metadata.items()}
            state = "balanced" if evaluation.passed else "UNBALANCED"
            return (f"inputs seen {m['inputs_seen']} = sources {m['sources_recorded']} + quarantined "
                    f"{m['quarantined']} + skipped {m['skipped_records']}: {state}")
    return "no reconciliation result"


def failure_reason(result) -> str:
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            meta = {k: v.value for k, v in evaluation.metadata.items()}
            detail = meta.get("failures_by_check") or meta.get("unaccounted") or meta.get("violating_rows") or ""
            first = next((ln for ln in str(detail).splitlines()[2:3]), "").strip()
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


def summary(warehouse, seconds: float) -> str:
    with warehouse.connect(read_only=True) as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        # A document a later stage rejected (no main content, a timeout) is quarantined and has its source row.
        inputs = one("SELECT (SELECT count(*) FROM document_sources) + (SELECT count(*) FROM quarantine WHERE "
                     "source_uri NOT IN (SELECT input_uri FROM document_sources)) + (SELECT count(*) FROM "
                     "skipped_records)")
        by_reason = con.execute("SELECT reason, count(*) FROM quarantine GROUP BY 1 ORDER BY 1").fetchall()
        lines = [
            f"webfacts: warehouse {warehouse}",
            f"  inputs seen         {inputs}",
            f"  documents ok        {one('SELECT count(*) FROM documents')}"
            f" ({one('SELECT count(*) FROM raw_documents')} distinct raw, "
            f"{one('SELECT count(DISTINCT cluster_id) FROM documents')} independent clusters)",
            f"  quarantined         {one('SELECT count(*) FROM quarantine')}"
            + (" (" + ", ".join(f"{r}: {n}" for r, n in by_reason) + ")" if by_reason else ""),
            f"  skipped records     {one('SELECT count(*) FROM skipped_records')} (archive records that are not documents)",
            f"  skipped by NLP      {one('SELECT count(*) FROM stage_skips')} (not English)",
            f"  entities            {one('SELECT count(*) FROM entities')}",
            f"  facts               {one('SELECT count(*) FROM facts')}",
            f"  contested facts     {one('SELECT count(*) FROM facts WHERE contested')}",
            f"  seconds             {seconds:.1f}",
        ]
    return "\n".join(lines)


# One entity by its exact name (any case): a lookup in entity_facts, which the publish keeps ordered by name_hash.
FACTS_ABOUT_ENTITY = """
    SELECT DISTINCT subject, predicate, object, n_documents AS docs, n_independent AS indep,
           round(confidence, 2) AS conf, CASE WHEN contested THEN 'CONTESTED' ELSE '' END AS contested, sources
    FROM entity_facts
    WHERE name_hash = md5_number_lower(lower(?)) AND lower(entity) = lower(?)
    ORDER BY subject, predicate, object"""
# Anything else: facts whose subject or object contains the text, or every fact (a scan of the fact table).
FACTS_MATCHING = """
    SELECT f.subject, f.predicate, f.object, f.n_documents AS docs, f.n_independent AS indep,
           round(f.confidence, 2) AS conf, CASE WHEN f.contested THEN 'CONTESTED' ELSE '' END AS contested,
           string_agg(DISTINCT coalesce(fs.site, fs.source), '; ' ORDER BY coalesce(fs.site, fs.source)) AS sources
    FROM facts f JOIN fact_sources fs USING (fact_id)
    {where}
    GROUP BY ALL ORDER BY f.subject, f.predicate, f.object"""


def facts_about(con, about: str | None) -> tuple[list[str], list[tuple]]:
    """(header, rows) of the facts about an entity named `about`; if no entity has that name, of the facts whose
    subject or object contains it; every fact without `about`."""
    import duckdb

    if about:
        try:
            rows = con.execute(FACTS_ABOUT_ENTITY, [about, about]).fetchall()
        except duckdb.CatalogException:  # published before entity_facts existed: it has one after its next publish
            rows = []
        if rows:
            return [d[0] for d in con.description], rows
        pattern = "%" + like_literal(about) + "%"
        rows = con.execute(FACTS_MATCHING.format(where="WHERE f.subject ILIKE ? ESCAPE '\\' OR f.object ILIKE ? "
                                                       "ESCAPE '\\'"), [pattern, pattern]).fetchall()
    else:
        rows = con.execute(FACTS_MATCHING.format(where="")).fetchall()
    return [d[0] for d in con.description], rows


def like_literal(text: str) -> str:
    """`text` matched as written by LIKE: % and _ are characters in a name, not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def facts(about: str | None, warehouse: str | None) -> int:
    from warehouse.store import Warehouse, WarehouseUnreadable

    path = Warehouse.from_settings(settings_from_env(**({"warehouse": resolve_warehouse(warehouse)} if warehouse else {})))
    if not path.exists():
        print(f"webfacts: no warehouse at {path}; run `webfacts run` first", file=sys.stderr)
        return 2
    try:
        path.check_readable()
    except WarehouseUnreadable as exc:
        print(f"webfacts: {exc}", file=sys.stderr)
        return 2
    with path.connect(read_only=True) as con:
        header, rows = facts_about(con, about)
    if not rows:
        print(f"no facts{' about ' + repr(about) if about else ''} in {path}")
        return 0
    print(render_table(header, rows))
    return 0


def render_table(header: list[str], rows: list[tuple], max_width: int = 70) -> str:
    cells = [[_fit(v, max_width) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    line = lambda vals: "  ".join(v.ljust(w) for v, w in zip(vals, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def _fit(value, width: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="webfacts", description="Web documents to a fact warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="materialize every asset from an inbox into the warehouse")
    p_run.add_argument("--inbox", help="folder or file to read (default: $WEBFACTS_INBOX or data/sample)")
    p_run.add_argument("--warehouse", help="DuckDB file or ducklake:<catalog> (default: $WEBFACTS_WAREHOUSE or "
                                           "warehouse/webfacts.duckdb)")
    p_facts = sub.add_parser("facts", help="print facts, optionally about one entity")
    p_facts.add_argument("--about", help="subject or object name to match (case-insensitive substring)")
    p_facts.add_argument("--warehouse", help="DuckDB file or ducklake:<catalog> to read")
    sub.add_parser("config", help="print every setting's environment variable, effective value and meaning")
    args = parser.parse_args(argv)
    if args.command == "config":
        print(describe(settings_from_env()))
        return 0
    if args.command == "run":
        return run(args.inbox, args.warehouse)
    return facts(args.about, args.warehouse)


if __name__ == "__main__":
    sys.exit(main())
