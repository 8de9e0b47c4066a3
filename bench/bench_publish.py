"""What one small batch's publish costs as the warehouse grows: synthetic warehouses of N claims, one batch each.

Issue 18 asks for publishes whose cost is the batch's, not the warehouse's; today a publish rewrites the whole
facts, sources and entity_facts tables, and the facts asset and the near-duplicate step read every claim and
every signature. This measures it. A template warehouse (the bundled sample, built by `webfacts run` unless
--template names one) is replicated until the warehouse holds N claims: each replica gets new ids (doc_id,
cluster_id, entity_id, fact_id, subject/object ids: sha256 of the replica number and the id, cut to the same
length), so keys stay unique and references stay whole. Then the template once more, under new ids, is published
as one batch into a copy, in a fresh process, timed, with that process's peak RSS; the reads a batch's steps make
(every claim for the facts asset, every signature for near-duplicates) are timed the same way.

    .venv/bin/python bench/bench_publish.py --claims 100000 1000000            # DuckDB file
    .venv/bin/python bench/bench_publish.py --claims 100000 1000000 --lake     # local DuckLake catalog

Prints one line per size: `publish_bench: backend=... claims=... publish_s=... publish_peak_rss_mb=...
read_claims_s=... read_signatures_s=...`. Flat within 2x from the smallest to the largest size is the issue's
target. Building 1,000,000 claims writes ~26,000 replicas of the sample (a few GB with the documents' text) and
takes minutes: run it on a quiet machine, not beside other people's test suites.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ID_COLUMNS = ("doc_id", "cluster_id", "entity_id", "fact_id", "subject_id", "object_id")
# Tables copied per replica; the derived tables (sources, entity_facts) are rebuilt once at the end, and
# publish_log / schema_migrations stay the template's.
REPLICATED = ("raw_documents", "document_sources", "quarantine", "skipped_records", "documents",
              "document_signatures", "stage_skips", "entities", "mentions", "claims", "fact_evidence", "facts")
# Batch-scoped text keys that must differ per replica beside the ids.
PER_REPLICA_TEXT = {"document_sources": ("input_uri", "batch_id"), "quarantine": ("source_uri", "batch_id"),
                    "skipped_records": ("input_uri", "batch_id")}


def replica_select(con, table: str, source: str, replicas: str) -> str:
    """SELECT of the table's columns from `source`, once per replica number k in `replicas` (a SQL table of k)."""
    columns = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND "
                                         "database_name = current_database() ORDER BY column_index",
                                         [table]).fetchall()]
    exprs = []
    for c in columns:
        if c in ID_COLUMNS:
            exprs.append(f"left(sha256(k::VARCHAR || ':' || {c}), length({c})) AS {c}")
        elif c == "batch_id":
            exprs.append(f"'synthetic-' || k AS batch_id")
        elif c in PER_REPLICA_TEXT.get(table, ()):
            # a prefix, not a '#suffix': the publish treats the part before '#' as the file, and a batch's file
            # supersedes what earlier batches read from it
            exprs.append(f"'replica-' || k || '/' || {c} AS {c}")
        else:
            exprs.append(c)
    return f"SELECT {', '.join(exprs)} FROM {source}.{table}, {replicas}"


def build_template(workdir: Path) -> Path:
    """The bundled sample through `webfacts run` (spaCy included): a real warehouse to replicate."""
    template = workdir / "template.duckdb"
    env = dict(os.environ, DAGSTER_HOME=str(workdir / "dagster_home"), WEBFACTS_SETTLE_S="0")
    Path(env["DAGSTER_HOME"]).mkdir(exist_ok=True)
    subprocess.run([str(ROOT / ".venv" / "bin" / "webfacts"), "run", "--inbox", str(ROOT / "data" / "sample"),
                    "--warehouse", str(template)], env=env, check=True, stdout=subprocess.DEVNULL)
    return template


def template_claims(template: Path) -> int:
    import duckdb
    with duckdb.connect(str(template), read_only=True) as con:
        return con.execute("SELECT count(*) FROM claims").fetchone()[0]


def batch_frames(template: Path, k: int) -> dict:
    """The whole template as one batch's frames, its ids those of replica k (none of the warehouse's)."""
    import duckdb
    import polars as pl
    frames = {}
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{template}' AS t (READ_ONLY)")
        con.execute("USE t")
        for table in REPLICATED:
            if table == "facts":
                continue  # the publish aggregates them, as after any concurrent publish
            frames[table] = pl.from_arrow(con.execute(replica_select(con, table, "t", f"(SELECT {k} AS k)"))
                                          .to_arrow_table())
    frames["documents"] = frames["documents"].with_columns(pl.col("published_date").cast(pl.String))
    return frames


def build_warehouse(template: Path, target: str, replicas: int) -> None:
    """`target` holding `replicas` copies of the template under distinct ids, derived tables rebuilt."""
    from pipeline.facts import aggregate_facts
    from warehouse.publish import SQL_DIR, publish_batch
    from warehouse.store import Warehouse
    warehouse = Warehouse(target)
    publish_batch("synthetic-0", batch_frames(template, 0), warehouse, aggregate_facts)  # creates the tables
    with warehouse.connect(read_only=False) as con:
        con.execute(f"ATTACH '{template}' AS template (READ_ONLY)")
        for table in REPLICATED:
            con.execute(f"INSERT INTO {table} {replica_select(con, table, 'template', f'range(1, {replicas}) r(k)')}")
        con.execute("DELETE FROM facts WHERE fact_id NOT IN (SELECT fact_id FROM claims)")
        con.execute((SQL_DIR / "derived.sql").read_text())
        con.execute("DETACH template")


def measure(target: str, template: str, k: int) -> dict:
    """In this (fresh) process: the reads a batch's steps make, then the batch's publish; seconds and peak RSS."""
    from pipeline.facts import aggregate_facts
    from warehouse.publish import publish_batch
    from warehouse.published import PublishedState
    from warehouse.store import Warehouse
    from schemas import polars_schema
    warehouse = Warehouse(target)
    frames = batch_frames(Path(template), k)
    started = time.perf_counter()
    claims = PublishedState(warehouse).claims()
    read_claims_s = time.perf_counter() - started
    started = time.perf_counter()
    PublishedState(warehouse).signatures(polars_schema("document_signatures"))
    read_signatures_s = time.perf_counter() - started
    del claims
    started = time.perf_counter()
    counts = publish_batch(f"measured-{k}", frames, warehouse, aggregate_facts)
    publish_s = time.perf_counter() - started
    return {"claims": counts["claims"], "publish_s": round(publish_s, 3), "read_claims_s": round(read_claims_s, 3),
            "read_signatures_s": round(read_signatures_s, 3),
            "publish_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--lake", action="store_true", help="a local DuckLake catalog instead of a DuckDB file")
    parser.add_argument("--template", type=Path, help="a warehouse to replicate (default: the sample, built now)")
    parser.add_argument("--workdir", type=Path, help="where the warehouses go (default: a temporary folder)")
    parser.add_argument("--measure", nargs=3, metavar=("TARGET", "TEMPLATE", "K"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # the child process: one measurement, as JSON
        print(json.dumps(measure(args.measure[0], args.measure[1], int(args.measure[2]))))
        return 0
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="webfacts-bench-publish-"))
    workdir.mkdir(parents=True, exist_ok=True)
    template = args.template or build_template(workdir)
    per_replica = template_claims(template)
    backend = "ducklake" if args.lake else "duckdb"
    for n in args.claims:
        replicas = max(1, math.ceil(n / per_replica))
        folder = workdir / f"{backend}-{n}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        target = f"ducklake:{folder / 'catalog.ducklake'}" if args.lake else str(folder / "w.duckdb")
        started = time.perf_counter()
        build_warehouse(template, target, replicas)
        build_s = time.perf_counter() - started
        child = subprocess.run([sys.executable, __file__, "--measure", target, str(template), str(replicas)],
                               check=True, capture_output=True, text=True)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"publish_bench: backend={backend} claims={result.pop('claims')} replicas={replicas} "
              f"build_s={build_s:.1f} " + " ".join(f"{k}={v}" for k, v in result.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
