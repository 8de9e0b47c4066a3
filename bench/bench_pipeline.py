"""End-to-end performance benchmark: N real web pages through the whole webfacts pipeline.

    .venv/bin/python bench/bench_pipeline.py [--n 1000] [--workdir bench/out/bench] [--keep]

1. Corpus: N .html files in a fresh inbox, from the 181 Zyte pages and the 990 trafilatura-eval pages
   (pooled, shuffled with a fixed seed). Past 1,171 the pages are recycled. Copy k > 0 of a page gets one
   extra paragraph naming k after its last </p>, so every file is a distinct document (the pipeline
   deduplicates identical bytes by content hash).
2. The full pipeline (`assets.runner.run`, exactly what `webfacts run` does) on that inbox into a fresh
   warehouse and DAGSTER_HOME. It runs in a child process of this script so the peak memory of that
   process tree (spaCy forks workers) can be sampled. Per-stage times come from the Dagster event log
   (STEP_START -> STEP_SUCCESS per step key).
3. The limit, on the same pages: trafilatura.extract(html) alone over all N pages, plus spaCy nlp.pipe
   alone (load_nlp(), batch_size=32, n_process=2) over the English texts the pipeline cleaned.
4. Incremental runs: the unchanged inbox again (a no-op), then with 1 % new pages added; the second one's time
   as a share of the full run is `incremental_1pct_share`.
5. Facts about one entity from a synthetic 1,000,000-row fact table (warehouse/tables.py's tables, the derived
   tables built whole by warehouse/derived.py and views.sql, as a migration leaves them; 1.33 evidence rows a fact): median and worst of 5 lookups, each from a
   fresh read-only connection, through `webfacts facts --about` (warehouse.queries.facts).

Memory (`peak_rss_mb`): the largest 0.2 s sample of the summed PSS of the child and its descendants, and at
least the exact ru_maxrss of the largest single process (a sample can miss a short peak). PSS divides each
shared page among the processes sharing it, so the sum is the tree's footprint: the summed VmRSS would count the
libraries the worker processes share (and, for forked workers, the parent's pages) once per process. The summed
RSS and the largest process are printed beside it.

Prints a per-stage table, a few `name=value` lines and one final line:
    bench: docs=N docs_per_s=X ratio_to_limit=R peak_rss_mb=M incremental_noop_s=S
All figures go to <workdir>/bench.json. The inbox, warehouse and DAGSTER_HOME are deleted unless --keep.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from locations import DATASETS  # noqa: E402  (bench/ is on sys.path: run as bench/<script>.py)

ROOT = Path(__file__).resolve().parent.parent

ZYTE_HTML = DATASETS / "article-extraction-benchmark" / "html"
TRAF_HTML = DATASETS / "trafilatura-eval" / "html"
STEPS = ["raw_documents", "cleaned_documents", "entity_mentions", "entities", "claims", "facts", "fact_warehouse"]
SAMPLE_EVERY_S = 0.2
SEED = 20240607
GENERATED = ("inbox", "warehouse", "dagster_home", "facts1m")  # the only folders this script creates and deletes


# ---------------------------------------------------------------- corpus

def source_pages() -> list[tuple[str, Path]]:
    """(label, path) of every real page, in a fixed shuffled order."""
    pages = [("zyte", p) for p in sorted(ZYTE_HTML.glob("*.html.gz"))]
    pages += [("traf", p) for p in sorted(TRAF_HTML.glob("*/*.html.gz"))]
    if not pages:
        raise SystemExit(f"bench: no pages under {ZYTE_HTML} or {TRAF_HTML}")
    random.Random(SEED).shuffle(pages)
    return pages


def variant(raw: bytes, tag: str) -> bytes:
    """The page with one short extra paragraph after its last </p> (or before </body>)."""
    para = (f"<p>Benchmark copy {tag}: this paragraph, numbered {tag}, makes copy {tag} of the page "
            f"a distinct document.</p>").encode()
    lower = raw.lower()
    at = lower.rfind(b"</p>")
    if at >= 0:
        at += len(b"</p>")
    else:
        at = lower.rfind(b"</body>")
        at = at if at >= 0 else len(raw)
    return raw[:at] + para + raw[at:]


def slug(path: Path) -> str:
    stem = path.name.removesuffix(".gz").removesuffix(".html")
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem)[:60].strip("_") or "page"


def write_pages(inbox: Path, start: int, count: int, tag_prefix: str = "") -> dict:
    """Files start..start+count-1 of the recycled corpus. Returns counts of originals and variants."""
    inbox.mkdir(parents=True, exist_ok=True)
    pages = source_pages()
    stats = {"files": 0, "original": 0, "variant": 0, "bytes": 0, "zyte": 0, "traf": 0}
    for i in range(start, start + count):
        label, path = pages[i % len(pages)]
        k = i // len(pages)
        raw = gzip.decompress(path.read_bytes())
        if k > 0 or tag_prefix:
            raw = variant(raw, f"{tag_prefix}{k}")
            stats["variant"] += 1
        else:
            stats["original"] += 1
        (inbox / f"{i:05d}-{label}-{slug(path)}.html").write_bytes(raw)
        stats["files"] += 1
        stats["bytes"] += len(raw)
        stats[label] += 1
    return stats


# ---------------------------------------------------------------- the pipeline, in a child process

def child_main(inbox: str, warehouse: str, out: str) -> int:
    """Runs in the child: `webfacts run` in-process, then the step times of every run in the instance."""
    from assets.runner import run

    started = time.perf_counter()
    code = run(inbox, warehouse)
    seconds = time.perf_counter() - started
    sys.stdout.flush()

    from dagster import DagsterEventType, DagsterInstance

    kinds = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE,
             DagsterEventType.RUN_START, DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE}
    runs = []
    with DagsterInstance.get() as instance:
        for dagster_run in instance.get_runs():
            steps, run_start, run_end = {}, None, None
            for entry in instance.all_logs(dagster_run.run_id, of_type=kinds):
                kind = entry.dagster_event.event_type_value
                if kind == "RUN_START":
                    run_start = entry.timestamp
                elif kind in ("RUN_SUCCESS", "RUN_FAILURE"):
                    run_end = entry.timestamp
                elif entry.step_key:
                    step = steps.setdefault(entry.step_key, {})
                    step["start" if kind == "STEP_START" else "end"] = entry.timestamp
                    if kind == "STEP_FAILURE":
                        step["failed"] = True
            runs.append({"run_id": dagster_run.run_id, "status": str(dagster_run.status.value),
                         "run_start": run_start, "run_end": run_end, "steps": steps})
    Path(out).write_text(json.dumps({"exit_code": code, "run_s": seconds, "runs": runs}))
    return 0


def tree_pids(root: int) -> list[int]:
    """root and all its descendants, from the ppid field of /proc/<pid>/stat."""
    parent = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent[int(entry)] = int(stat[stat.rfind(")") + 2:].split()[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parent.items() if ppid in frontier]
        found += frontier
    return found


def memory_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, Pss) of one process in KiB; zeros if it is gone."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


def run_pipeline(inbox: Path, warehouse: Path, dagster_home: Path, log: Path, result: Path) -> dict:
    """One `webfacts run` in a child process, sampling the memory of its process tree."""
    env = os.environ | {"DAGSTER_HOME": str(dagster_home), "PYTHONUNBUFFERED": "1",
                        "WEBFACTS_SETTLE_S": "0"}  # the inbox was just written, and completely
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(inbox), str(warehouse), str(result)]
    peak_rss = peak_pss = peak_procs = 0
    started = time.perf_counter()
    # Every sample goes to <log>.memory.tsv (seconds since start, unix time, summed PSS, pid:PSS of each
    # process, KiB), so a peak can be placed against the step times in the Dagster event log.
    with log.open("w") as out, log.with_suffix(".memory.tsv").open("w") as trace:
        child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        while child.poll() is None:
            pids = tree_pids(child.pid)
            mem = [memory_kib(pid) for pid in pids]
            trace.write(f"{time.perf_counter() - started:.1f}\t{time.time():.1f}\t{sum(m[1] for m in mem)}\t"
                        + " ".join(f"{pid}:{m[1]}" for pid, m in zip(pids, mem) if m[1]) + "\n")
            peak_rss = max(peak_rss, sum(m[0] for m in mem))
            peak_pss = max(peak_pss, sum(m[1] for m in mem))
            peak_procs = max(peak_procs, sum(1 for m in mem if m[0]))
            time.sleep(SAMPLE_EVERY_S)
    process_s = time.perf_counter() - started
    if child.returncode != 0 or not result.exists():
        sys.stderr.write(log.read_text()[-4000:])
        raise SystemExit(f"bench: pipeline child failed (exit {child.returncode}); log: {log}")
    data = json.loads(result.read_text())
    if data["exit_code"] != 0:
        sys.stderr.write(log.read_text()[-4000:])
        raise SystemExit(f"bench: webfacts run returned {data['exit_code']}; log: {log}")
    return data | {"process_s": process_s, "peak_rss_mb": peak_rss / 1024, "peak_pss_mb": peak_pss / 1024,
                   "peak_processes": peak_procs}


def step_seconds(runs: list[dict], skip: set[str]) -> tuple[dict[str, float], list[str]]:
    """Seconds per step key, summed over the runs not in `skip`, and those runs' ids."""
    totals: dict[str, float] = {}
    new = [r for r in runs if r["run_id"] not in skip]
    for r in new:
        for key, s in r["steps"].items():
            if "start" in s and "end" in s:
                totals[key] = totals.get(key, 0.0) + s["end"] - s["start"]
    return totals, [r["run_id"] for r in new]


# ---------------------------------------------------------------- warehouse figures

def warehouse_figures(warehouse: Path) -> dict:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "documents_ok": one("SELECT count(*) FROM documents"),
            "documents_en": one("SELECT count(*) FROM documents WHERE language = 'en'"),
            "quarantined": one("SELECT count(*) FROM quarantine"),
            "quarantine_reasons": dict(con.execute("SELECT reason, count(*) FROM quarantine GROUP BY 1 ORDER BY 1")
                                       .fetchall()),
            "raw_documents": one("SELECT count(*) FROM raw_documents"),
            "clusters": one("SELECT count(DISTINCT cluster_id) FROM documents"),
            "words": int(one("SELECT coalesce(sum(word_count), 0) FROM documents")),
            "words_en": int(one("SELECT coalesce(sum(word_count), 0) FROM documents WHERE language = 'en'")),
            "entities": one("SELECT count(*) FROM entities"),
            "facts": one("SELECT count(*) FROM facts"),
        }


def english_texts(warehouse: Path) -> list[str]:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT text FROM documents WHERE language = 'en' ORDER BY doc_id")
                .fetchall()]


# ---------------------------------------------------------------- the limit

def decode_html(raw: bytes) -> str:
    """As bench/eval_clean.py: UTF-8, else trafilatura's own charset detection."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        from trafilatura.utils import decode_file
        return decode_file(raw)


def limit_trafilatura(inbox: Path) -> dict:
    import trafilatura

    pages = [decode_html(p.read_bytes()) for p in sorted(inbox.glob("*.html"))]
    trafilatura.extract(pages[0])  # warm-up (lazy imports, compiled XPaths), not timed
    started = time.perf_counter()
    empty = sum(1 for html in pages if not trafilatura.extract(html))
    return {"seconds": time.perf_counter() - started, "pages": len(pages), "empty": empty}


def limit_spacy(texts: list[str]) -> dict:
    from pipeline.nlp import load_nlp

    nlp = load_nlp()
    list(nlp.pipe(["Warm-up sentence for the model."]))  # not timed
    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32, n_process=2))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "docs": len(docs), "tokens": sum(len(d) for d in docs), "model": nlp.meta["name"]}


# ---------------------------------------------------------------- facts about one entity, at 1,000,000 facts

FACT_ROWS = 1_000_000
LOOKUPS = 5


def synthetic_warehouse(path: Path, n_facts: int) -> None:
    """A warehouse file in the real schema with n_facts facts, as publishing leaves it (derived tables, views).

    n_facts / 5 entities, n_facts / 10 documents from 500 sites, a source per document, one evidence sentence a
    fact and a second one for every third fact (claims mirror the evidence). Subjects are skewed as real ones:
    entity k is the subject of about n_facts / (2 * sqrt(k * n_entities)) facts, so a few have thousands.
    """
    import duckdb

    from pipeline.registry import registry_by_name
    from warehouse import derived
    from warehouse.tables import create_statements

    sql = ROOT / "warehouse"
    n_entities, n_docs = n_facts // 5, max(1, n_facts // 10)
    predicates = ", ".join(f"({i}, '{name}', '{p.object_kind}', '{p.wikidata}')"
                           for i, (name, p) in enumerate(registry_by_name().items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(create_statements())
        con.execute(f"""
CREATE TEMP TABLE preds AS SELECT * FROM (VALUES {predicates}) p(i, predicate, object_kind, wikidata_property);
CREATE TEMP TABLE ent AS
    SELECT i, substr(md5('entity-' || i), 1, 16) AS entity_id, 'Entity ' || lpad(i::VARCHAR, 6, '0') AS name,
           ['PERSON', 'ORG', 'PLACE', 'WORK', 'AWARD', 'EVENT', 'MISC'][1 + i % 7] AS type
    FROM range({n_entities}) t(i);
CREATE TEMP TABLE doc AS
    SELECT i, substr(md5('doc-' || i), 1, 24) AS doc_id, 'site' || (i % 500) || '.example' AS site FROM range({n_docs}) t(i);
CREATE TEMP TABLE f AS
    SELECT i, substr(md5('fact-' || i), 1, 16) AS fact_id,
           least(floor((hash(i, 1) % 1000000 / 1000000.0) ^ 2 * {n_entities}), {n_entities - 1})::BIGINT AS s_idx,
           hash(i, 2) % {n_entities} AS o_idx, hash(i, 3) % (SELECT count(*) FROM preds) AS p_idx
    FROM range({n_facts}) t(i);
INSERT INTO raw_documents SELECT doc_id, 'text/html', 'utf-8', 1000, TIMESTAMPTZ '2025-01-01' + to_seconds(i) FROM doc;
INSERT INTO document_sources SELECT doc_id, 'https://' || site || '/a/' || i, 'file:///inbox/' || i || '.html',
    'synthetic', TIMESTAMPTZ '2025-01-01' FROM doc;
INSERT INTO documents SELECT doc_id, 'https://' || site || '/a/' || i, site, site, 'Title ' || i, NULL, NULL, 'en',
    'Synthetic document ' || i || '.', 3, doc_id FROM doc;
INSERT INTO entities SELECT entity_id, name, type, [name], 1, 1 FROM ent;
INSERT INTO facts
    SELECT f.fact_id, s.entity_id, s.name, p.predicate, CASE WHEN p.object_kind = 'entity' THEN o.entity_id END,
           CASE p.object_kind WHEN 'entity' THEN o.name WHEN 'date' THEN (2000 + f.i % 25) || '-01-01'
                ELSE 'value ' || f.i % 1000 END,
           p.object_kind, p.wikidata_property, 1 + f.i % 3, 1 + f.i % 2, TIMESTAMPTZ '2025-01-01',
           TIMESTAMPTZ '2025-01-02', 0.5 + (f.i % 50) / 100.0, f.i % 17 = 0
    FROM f JOIN ent s ON s.i = f.s_idx JOIN ent o ON o.i = f.o_idx JOIN preds p ON p.i = f.p_idx
    ORDER BY 3, 4, 6;  -- as pipeline.facts.aggregate_facts sorts them
INSERT INTO fact_evidence (fact_id, doc_id, sentence, start_char, end_char, extractor, confidence)
    SELECT f.fact_id, d.doc_id, 'Synthetic sentence ' || f.i || '.' || k || ' asserting a fact about its subject.',
           0, 60, 'synthetic', 0.8
    FROM f CROSS JOIN range(2) r(k) JOIN doc d ON d.i = hash(f.i, k) % {n_docs}
    WHERE k = 0 OR f.i % 3 = 0;
INSERT INTO claims (fact_id, doc_id, subject_id, subject, predicate, object_id, object, object_kind,
                    wikidata_property, sentence_index, sentence, start_char, end_char, extractor, confidence, modality)
    SELECT e.fact_id, e.doc_id, f.subject_id, f.subject, f.predicate, f.object_id, f.object, f.object_kind,
           f.wikidata_property, 0, e.sentence, e.start_char, e.end_char, e.extractor, e.confidence, 'asserted'
    FROM fact_evidence e JOIN facts f USING (fact_id);
""")
        derived.rebuild(con)
        con.execute((sql / "views.sql").read_text())
        con.execute("CHECKPOINT")


def timed_lookups(path: Path, name: str, repeat: int) -> tuple[list[float], int]:
    """Milliseconds of `webfacts facts --about name`, each from a fresh read-only connection (open included)."""
    import duckdb

    from warehouse.queries import FactFilter, facts

    times, found = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        with duckdb.connect(str(path), read_only=True) as con:
            found = facts(con, FactFilter(about=name)).height
        times.append(1000 * (time.perf_counter() - started))
    return times, found


def facts_lookup(path: Path, n_facts: int) -> dict:
    import duckdb

    started = time.perf_counter()
    synthetic_warehouse(path, n_facts)
    build_s = time.perf_counter() - started
    with duckdb.connect(str(path), read_only=True) as con:
        one = lambda sql: con.execute(sql).fetchone()  # noqa: E731
        evidence = one("SELECT count(*) FROM fact_evidence")[0]
        # a typical entity (tens of facts) and the most connected one
        typical = one("SELECT name FROM entities WHERE name = 'Entity 004242'")[0]
        busiest = one("SELECT subject FROM facts GROUP BY subject ORDER BY count(*) DESC, subject LIMIT 1")[0]
    ms, found = timed_lookups(path, typical, LOOKUPS)
    busiest_ms, busiest_found = timed_lookups(path, busiest, 1)
    ordered = sorted(ms)
    return {"fact_rows": n_facts, "evidence_rows": evidence, "file_mb": path.stat().st_size / 1e6,
            "build_s": build_s, "entity": typical, "facts": found, "ms": ms, "median_ms": ordered[len(ms) // 2],
            "worst_ms": ordered[-1], "busiest": busiest, "busiest_facts": busiest_found, "busiest_ms": busiest_ms[0]}


# ---------------------------------------------------------------- report

def stage_table(stages: dict[str, float], end_to_end: float, n: int, words: int, figures: dict) -> str:
    rows = []
    for key in STEPS + sorted(k for k in stages if k not in STEPS):
        if key in stages:
            s = stages[key]
            rows.append((key, f"{s:.2f}", f"{100 * s / end_to_end:.1f}", f"{n / s:,.1f}", f"{words / s:,.0f}"))
    outside = end_to_end - sum(stages.values())
    rows.append(("(outside steps)", f"{outside:.2f}", f"{100 * outside / end_to_end:.1f}", "", ""))
    rows.append(("end to end", f"{end_to_end:.2f}", "100.0", f"{n / end_to_end:,.1f}", f"{words / end_to_end:,.0f}"))
    header = ("stage", "wall s", "share %", "docs/s", "words/s")
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]
    fmt = lambda r: "  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths)))  # noqa: E731
    lines = [fmt(header), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in rows[:-1]] + ["  ".join("-" * w for w in widths), fmt(rows[-1])]
    if "entity_mentions" in stages and figures["documents_en"]:
        s = stages["entity_mentions"]
        lines.append(f"(entity_mentions parses only the {figures['documents_en']} English documents, "
                     f"{figures['words_en']:,} words: {figures['documents_en'] / s:,.1f} docs/s, "
                     f"{figures['words_en'] / s:,.0f} words/s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="documents in the corpus (default 1000)")
    parser.add_argument("--workdir", default=str(ROOT / "bench" / "out" / "bench"),
                        help="where the inbox, warehouse, DAGSTER_HOME, logs and bench.json go")
    parser.add_argument("--keep", action="store_true", help="keep the generated inbox, warehouse and DAGSTER_HOME")
    parser.add_argument("--no-increment", action="store_true", help="skip the 1%% new-documents run")
    parser.add_argument("--no-facts", action="store_true", help="skip the 1,000,000-fact lookup")
    parser.add_argument("--child", nargs=3, metavar=("INBOX", "WAREHOUSE", "RESULT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(*args.child)
    if args.n < 1:
        parser.error("--n must be at least 1")

    n = args.n
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    for name in GENERATED:
        shutil.rmtree(workdir / name, ignore_errors=True)
    inbox, dagster_home = workdir / "inbox", workdir / "dagster_home"
    warehouse = workdir / "warehouse" / "webfacts.duckdb"
    warehouse.parent.mkdir(parents=True)
    dagster_home.mkdir(parents=True)
    report: dict = {"n": n, "workdir": str(workdir), "cpus": os.cpu_count(), "python": sys.version.split()[0]}

    # 1. corpus
    t = time.perf_counter()
    report["corpus"] = write_pages(inbox, 0, n)
    print(f"bench: corpus of {n} pages in {inbox} ({report['corpus']['original']} original, "
          f"{report['corpus']['variant']} variants, {report['corpus']['bytes'] / 1e6:.0f} MB) "
          f"in {time.perf_counter() - t:.1f}s", file=sys.stderr)

    # 2. full run
    print("bench: full pipeline run ...", file=sys.stderr)
    full = run_pipeline(inbox, warehouse, dagster_home, workdir / "run_full.log", workdir / "run_full.json")
    # The 0.2 s samples can miss a short peak: the figure is at least the largest single process's exact peak.
    largest_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    full["sampled_rss_mb"], full["peak_rss_mb"] = full["peak_rss_mb"], max(full["peak_pss_mb"], largest_mb)
    stages, run_ids = step_seconds(full["runs"], set())
    figures = warehouse_figures(warehouse)
    end_to_end = full["run_s"]
    report["full"] = {"end_to_end_s": end_to_end, "process_s": full["process_s"], "run_ids": run_ids,
                      "stages_s": stages, "steps_total_s": sum(stages.values()),
                      "peak_rss_mb": full["peak_rss_mb"], "peak_pss_mb": full["peak_pss_mb"],
                      "peak_processes": full["peak_processes"],
                      "sampled_tree_rss_mb": full["sampled_rss_mb"], "largest_process_rss_mb": largest_mb}
    report["warehouse"] = figures
    print(f"bench: full run {end_to_end:.1f}s, peak RSS {full['peak_rss_mb']:.0f} MB", file=sys.stderr)

    # 3. the limit
    print("bench: limit: trafilatura.extract alone ...", file=sys.stderr)
    traf = limit_trafilatura(inbox)
    print(f"bench: limit: spaCy nlp.pipe alone over {figures['documents_en']} English texts ...", file=sys.stderr)
    nlp = limit_spacy(english_texts(warehouse))
    limit_s = traf["seconds"] + nlp["seconds"]
    report["limit"] = {"trafilatura_extract_s": traf["seconds"], "trafilatura_pages": traf["pages"],
                       "trafilatura_empty": traf["empty"], "spacy_pipe_s": nlp["seconds"], "spacy_docs": nlp["docs"],
                       "spacy_tokens": nlp["tokens"], "spacy_model": nlp["model"], "limit_s": limit_s}
    ratio = end_to_end / limit_s

    # 4. incremental: unchanged inbox, then 1 % new pages
    print("bench: incremental no-op run ...", file=sys.stderr)
    noop = run_pipeline(inbox, warehouse, dagster_home, workdir / "run_noop.log", workdir / "run_noop.json")
    noop_stages, noop_runs = step_seconds(noop["runs"], set(run_ids))
    report["incremental_noop"] = {"seconds": noop["run_s"], "process_s": noop["process_s"], "dagster_runs": len(noop_runs)}
    seen = set(run_ids) | set(noop_runs)
    if not args.no_increment:
        extra = max(1, math.ceil(n / 100))
        print(f"bench: incremental run with {extra} new pages ...", file=sys.stderr)
        write_pages(inbox, n, extra, tag_prefix="new-")
        inc = run_pipeline(inbox, warehouse, dagster_home, workdir / "run_inc.log", workdir / "run_inc.json")
        inc_stages, inc_runs = step_seconds(inc["runs"], seen)
        report["incremental_1pct"] = {"new_documents": extra, "seconds": inc["run_s"], "process_s": inc["process_s"],
                                      "share_of_full": inc["run_s"] / end_to_end, "stages_s": inc_stages,
                                      "dagster_runs": len(inc_runs), "peak_rss_mb": inc["peak_rss_mb"]}

    # 5. facts about one entity from a 1,000,000-row fact table
    if not args.no_facts:
        print(f"bench: synthetic warehouse of {FACT_ROWS:,} facts ...", file=sys.stderr)
        report["facts_about"] = facts_lookup(workdir / "facts1m" / "webfacts.duckdb", FACT_ROWS)

    # 6. report
    docs_per_s = n / end_to_end
    report["summary"] = {"docs": n, "end_to_end_s": end_to_end, "docs_per_s": docs_per_s, "limit_s": limit_s,
                         "ratio_to_limit": ratio, "peak_rss_mb": full["peak_rss_mb"],
                         "incremental_noop_s": noop["run_s"]}
    (workdir / "bench.json").write_text(json.dumps(report, indent=2) + "\n")

    print()
    print(f"Corpus: {n} pages ({report['corpus']['zyte']} Zyte, {report['corpus']['traf']} trafilatura-eval; "
          f"{report['corpus']['variant']} recycled variants), {report['corpus']['bytes'] / 1e6:.0f} MB of HTML")
    print(f"Warehouse: {figures['documents_ok']} documents ok ({figures['documents_en']} English), "
          f"{figures['quarantined']} quarantined"
          + (f" {figures['quarantine_reasons']}" if figures["quarantine_reasons"] else "") + ", "
          f"{figures['words']:,} words, {figures['entities']} entities, {figures['facts']} facts")
    print()
    print(stage_table(stages, end_to_end, n, figures["words"], figures))
    print()
    print(f"Limit: trafilatura.extract {traf['seconds']:.1f}s ({n / traf['seconds']:.1f} pages/s) + spaCy nlp.pipe "
          f"{nlp['seconds']:.1f}s ({nlp['docs']} English docs, {figures['words_en'] / max(nlp['seconds'], 1e-9):,.0f} "
          f"words/s) = {limit_s:.1f}s; end to end {end_to_end:.1f}s = {ratio:.2f}x the limit")
    print(f"Memory: peak RSS of the run's process tree {full['peak_rss_mb']:.0f} MB (sampled sum over up to "
          f"{full['peak_processes']} processes {full['sampled_rss_mb']:.0f} MB, PSS {full['peak_pss_mb']:.0f} MB; "
          f"largest single process {largest_mb:.0f} MB)")
    print(f"Incremental: unchanged inbox {noop['run_s']:.2f}s (process {noop['process_s']:.1f}s)", end="")
    if "incremental_1pct" in report:
        inc = report["incremental_1pct"]
        print(f"; +{inc['new_documents']} new pages {inc['seconds']:.1f}s = {100 * inc['share_of_full']:.1f}% "
              f"of the full run", end="")
    print()
    if "facts_about" in report:
        fa = report["facts_about"]
        print(f"Facts about one entity: {fa['facts']} facts about {fa['entity']!r} from {fa['fact_rows']:,} facts "
              f"({fa['evidence_rows']:,} evidence rows, {fa['file_mb']:.0f} MB file): median {fa['median_ms']:.1f} ms, "
              f"worst {fa['worst_ms']:.1f} ms of {len(fa['ms'])} fresh read-only connections; the most connected "
              f"entity ({fa['busiest_facts']} facts) {fa['busiest_ms']:.1f} ms")
    print(f"Figures: {workdir / 'bench.json'}")
    print()
    print(f"memory_measure=pss_sum peak_pss_sum_mb={full['peak_pss_mb']:.0f} peak_rss_sum_mb={full['sampled_rss_mb']:.0f} "
          f"largest_process_rss_mb={largest_mb:.0f}")
    if "incremental_1pct" in report:
        print(f"incremental_1pct_share={report['incremental_1pct']['share_of_full']:.4f} "
              f"incremental_1pct_s={report['incremental_1pct']['seconds']:.2f}")
    if "facts_about" in report:
        print(f"facts_about_ms={report['facts_about']['median_ms']:.1f} "
              f"facts_about_worst_ms={report['facts_about']['worst_ms']:.1f}")

    if not args.keep:
        for name in GENERATED:
            shutil.rmtree(workdir / name, ignore_errors=True)
    print(f"bench: docs={n} docs_per_s={docs_per_s:.2f} ratio_to_limit={ratio:.2f} "
          f"peak_rss_mb={full['peak_rss_mb']:.0f} incremental_noop_s={noop['run_s']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
