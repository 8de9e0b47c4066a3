"""What one small batch's publish costs as the warehouse grows: synthetic warehouses of N claims, one batch each.

Issue 18 asks for publishes whose cost is the batch's, not the warehouse's. A template warehouse (the bundled
sample, built by `webfacts run` unless --template names one) is replicated until the warehouse holds N claims: each
replica gets new ids (doc_id, cluster_id, entity_id, fact_id, subject/object ids: sha256 of the replica number and
the id, cut to the same length), so keys stay unique and references stay whole, its own entity names (the
replica number appended: entity ids derive from names, so distinct entities have distinct names), and LSH band
hashes XORed with a hash of the replica number, so replicas are not each other's near-duplicates (replica 0 keeps
the template's: the measured batch finds its near-duplicates there, as a new page finds its syndicated copies). The
replicas share the template's domains, so each domain grows with the warehouse. The derived tables are then built
whole, and the tables are in key order as maintenance leaves them (warehouse/tables.py CLUSTERED_BY: a DuckLake
sorts each insert, a DuckDB file is rewritten by maintenance.maintain_file).

Then the template once more, under new ids, is published as one batch into a copy of the built warehouse, in a
fresh process: the reads its steps make (the facts asset's earlier claims of the batch's groups, and the
near-duplicate step's band join) and the publish are timed, with that process's peak RSS. The publish computes the
batch's facts itself (as after a concurrent publish), the heavier of its two paths. For a DuckDB file, copy_s is a
copy and fsync of the live file, timed on its own after the publish: the copy-and-rename part of its publish; and
in_place_s the same batch merged into another copy of the warehouse in place and checkpointed, in another fresh
process: the publish without its copy, fsync and rename.

    .venv/bin/python bench/bench_publish.py --claims 100000 1000000 10000000   # DuckDB file
    .venv/bin/python bench/bench_publish.py --claims 100000 1000000 --lake     # local DuckLake catalog

Prints one line per size, `publish_bench: backend=... claims=... publish_s=... copy_s=... in_place_s=...
publish_peak_rss_mb=... facts_read_s=... near_dup_lookup_s=...`, then the ratios of the largest size to the
smallest, measured in this run: flat within 2x is the issue's target. Building 10,000,000 claims writes ~263,000
replicas of the sample (a few GB) and takes minutes: run it on a quiet machine, not beside other people's test
suites.
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
# Tables copied per replica; the derived tables are built once at the end, and publish_log / schema_migrations stay
# the first replica's.
REPLICATED = ("raw_documents", "document_sources", "quarantine", "skipped_records", "documents",
              "document_signatures", "document_bands", "stage_skips", "entities", "mentions", "claims",
              "fact_evidence", "facts")
# Batch-scoped text keys that must differ per replica beside the ids.
PER_REPLICA_TEXT = {"document_sources": ("input_uri", "batch_id"), "quarantine": ("source_uri", "batch_id"),
                    "skipped_records": ("input_uri", "batch_id")}
# Entity names, made the replica's own (a suffix): entity ids derive from names (pipeline.entities.entity_id_for), so
# a warehouse of distinct entities has about as many distinct names, and entity_facts is looked up by name.
PER_REPLICA_NAMES = {"entities": ("name",), "mentions": ("surface",), "claims": ("subject", "object"),
                     "facts": ("subject", "object")}
MEASURED = ("facts_read_s", "near_dup_lookup_s", "publish_s", "in_place_s", "publish_peak_rss_mb")


def replica_select(con, table: str, source: str, replicas: str, own_bands: bool = False) -> str:
    """SELECT of the table's columns from `source`, once per replica number k in `replicas` (a SQL table of k).
    Band hashes are the replica's own (XORed with a hash of k) unless k is 0 or own_bands is False."""
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
        elif c in PER_REPLICA_NAMES.get(table, ()):
            exprs.append(f"CASE WHEN k = 0 THEN {c} ELSE {c} || ' ' || k END AS {c}")
        elif c == "aliases" and table == "entities":
            exprs.append("CASE WHEN k = 0 THEN aliases ELSE list_transform(aliases, a -> a || ' ' || k) END AS aliases")
        elif c == "band_hash" and own_bands:
            exprs.append("CASE WHEN k = 0 THEN band_hash ELSE xor(band_hash, hash(k)) END AS band_hash")
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
    """The whole template as one batch's frames, its ids those of replica k (none of the warehouse's), its bands
    the template's own (what the near-duplicate step computes from the texts)."""
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
    """`target` holding `replicas` copies of the template under distinct ids, derived tables built whole."""
    from pipeline.facts import aggregate_facts
    from warehouse import derived
    from warehouse.maintenance import maintain_file
    from warehouse.publish import publish_batch
    from warehouse.store import Warehouse
    warehouse = Warehouse(target)
    publish_batch("synthetic-0", batch_frames(template, 0), warehouse, aggregate_facts)  # creates the tables
    with warehouse.connect(read_only=False) as con:
        con.execute(f"ATTACH '{template}' AS template (READ_ONLY)")
        for table in REPLICATED:
            con.execute(f"INSERT INTO {table} "
                        f"{replica_select(con, table, 'template', f'range(1, {replicas}) r(k)', own_bands=True)}")
        con.execute("DELETE FROM facts WHERE fact_id NOT IN (SELECT fact_id FROM claims)")
        derived.rebuild(con)
        con.execute("DETACH template")
    if not warehouse.is_lake:  # as maintenance leaves it (a lake sorts each insert: tables.CLUSTERED_BY)
        maintain_file(warehouse)


def copy_warehouse(source: str, folder: Path, lake: bool) -> str:
    """A copy of a built warehouse to publish into, so one build serves several measurements."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    if lake:
        import duckdb
        built, copy = Path(source.removeprefix("ducklake:")), folder / Path(source).name
        shutil.copy(built, copy)
        shutil.copytree(f"{built}.files", f"{copy}.files")
        with duckdb.connect(str(copy)) as catalog:  # the copy's files are its own (their paths are relative)
            catalog.execute("UPDATE ducklake_metadata SET value = ? WHERE key = 'data_path'", [f"{copy}.files/"])
        return f"ducklake:{copy}"
    shutil.copy(source, folder / "w.duckdb")
    return str(folder / "w.duckdb")


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, round(time.perf_counter() - started, 3)


def measure(target: str, template: str, k: int) -> dict:
    """In this (fresh) process: the reads a batch's steps make, then the batch's publish; seconds and peak RSS."""
    from pipeline.facts import aggregate_facts
    from pipeline.near_duplicates import SIGNATURE_SCHEMA
    from warehouse.publish import publish_batch
    from warehouse.published import PublishedState
    from warehouse.store import Warehouse
    warehouse = Warehouse(target)
    frames = batch_frames(Path(template), k)
    state = PublishedState(warehouse)
    groups = frames["claims"].select("subject_id", "predicate").unique()
    earlier, facts_read_s = timed(lambda: state.fact_documents(
        state.claims_of_groups(groups)["doc_id"].unique().to_list()))
    candidates, near_dup_lookup_s = timed(lambda: state.near_duplicate_candidates(frames["document_bands"],
                                                                                 SIGNATURE_SCHEMA))
    counts, publish_s = timed(lambda: publish_batch(f"measured-{k}", frames, warehouse, aggregate_facts))
    result = {"claims": counts["claims"], "publish_s": publish_s, "copy_s": None, "publish_peak_rss_mb": peak_rss_mb(),
              "facts_read_s": facts_read_s, "near_dup_lookup_s": near_dup_lookup_s,
              "near_dup_candidates": candidates.height}
    if not warehouse.is_lake:
        result["copy_s"] = copy_seconds(Path(target))
    return result


def measure_in_place(target: str, template: str, k: int) -> dict:
    """In this (fresh) process: the same batch's publish merged into the DuckDB file itself and checkpointed, without
    the copy, fsync and rename that let readers keep the old file (what the publish would cost in place)."""
    import duckdb

    from pipeline.facts import aggregate_facts
    from warehouse.publish import _FactsSource, _merge
    from warehouse.store import prune_lookups
    frames = batch_frames(Path(template), k)

    def merge():
        with prune_lookups(duckdb.connect(target)) as con:
            _merge(con, f"measured-{k}", frames, _FactsSource(None, None, aggregate_facts), duckdb_file=True)
            con.execute("CHECKPOINT")
    return {"in_place_s": timed(merge)[1]}


def peak_rss_mb() -> int:
    """This process's peak resident memory: VmHWM, not ru_maxrss, which Linux carries over from before exec, when
    the forked child still counted the parent's pages (the parent that built a warehouse of millions of rows)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def copy_seconds(path: Path) -> float:
    """A copy and fsync of the live file, as a DuckDB-file publish makes one before it merges."""
    from warehouse.publish import _fsync
    copy = path.with_name(f"{path.name}.copy")
    try:
        _, seconds = timed(lambda: (shutil.copyfile(path, copy), _fsync(copy)))
    finally:
        copy.unlink(missing_ok=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--lake", action="store_true", help="a local DuckLake catalog instead of a DuckDB file")
    parser.add_argument("--template", type=Path, help="a warehouse to replicate (default: the sample, built now)")
    parser.add_argument("--workdir", type=Path, help="where the warehouses go (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="measure on warehouses an earlier run built in workdir")
    parser.add_argument("--measure", nargs=3, metavar=("TARGET", "TEMPLATE", "K"), help=argparse.SUPPRESS)
    parser.add_argument("--in-place", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # the child process: one measurement, as JSON
        how = measure_in_place if args.in_place else measure
        print(json.dumps(how(args.measure[0], args.measure[1], int(args.measure[2]))))
        return 0
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="webfacts-bench-publish-"))
    workdir.mkdir(parents=True, exist_ok=True)
    template = args.template or build_template(workdir)
    per_replica = template_claims(template)
    backend = "ducklake" if args.lake else "duckdb"
    results = {}
    for n in args.claims:
        replicas = max(1, math.ceil(n / per_replica))
        results[n] = run_size(template, workdir / f"{backend}-{n}", replicas, args.lake, args.reuse)
        print(f"publish_bench: backend={backend} " + " ".join(f"{k}={v}" for k, v in results[n].items()), flush=True)
    if len(results) > 1:
        small, large = results[min(results)], results[max(results)]
        print(f"publish_bench: backend={backend} ratio claims={large['claims']}/{small['claims']} " + " ".join(
            f"{k}={large[k] / max(small[k], 1e-3):.2f}" for k in MEASURED if k in large), flush=True)
    return 0


def run_size(template: Path, folder: Path, replicas: int, lake: bool, reuse: bool) -> dict:
    """Build (or reuse) the warehouse of `replicas` replicas, then measure one batch in a fresh process."""
    built = f"ducklake:{folder / 'built' / 'catalog.ducklake'}" if lake else str(folder / "built" / "w.duckdb")
    build_s = 0.0
    if not (reuse and Path(built.removeprefix("ducklake:")).exists()):
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "built").mkdir(parents=True)
        _, build_s = timed(lambda: build_warehouse(template, built, replicas))
    result = {}
    for how in ([], ["--in-place"]) if not lake else ([],):  # a DuckDB file again without its copy and rename
        target = copy_warehouse(built, folder / "measured", lake)
        os.sync()  # the copy's GBs of dirty pages are written out now, not during the measured publish's own fsync
        child = subprocess.run([sys.executable, __file__, "--measure", target, str(template), str(replicas), *how],
                               check=True, capture_output=True, text=True)
        result |= json.loads(child.stdout.strip().splitlines()[-1])
        shutil.rmtree(folder / "measured", ignore_errors=True)
    return {"claims": result.pop("claims"), "replicas": replicas, "build_s": round(build_s, 1)} | result


if __name__ == "__main__":
    sys.exit(main())
