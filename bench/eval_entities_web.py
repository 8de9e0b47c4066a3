"""Entity quality on real web pages (issue 13): the whole pipeline on real inboxes, then counts from the warehouse.

    .venv/bin/python bench/eval_entities_web.py [--dataset zyte|warc|both] [--workdir bench/out/eval_web]
                                                [--code worktree|head]
                                                [--sample-out bench/out/junk_sample.tsv]

Datasets (read from /work/shared/datasets):
  zyte  the 181 pages html/<id>.html.gz of article-extraction-benchmark (copied gzipped: the pipeline reads .gz)
  warc  the 5 WARC files of warc-samples (Common Crawl, IANA, ClueWeb09, warcio examples)

For each dataset: a fresh inbox, warehouse and DAGSTER_HOME (dagster.yaml with telemetry off) under --workdir,
then `webfacts run --inbox <dir> --warehouse <dir>/x.duckdb`, timed (wall seconds). The per-stage rates that
`webfacts run` prints on stderr ('stage: done/total documents (rate/s)') are kept, last line per stage.

From each warehouse: documents, total words (sum of documents.word_count, and over English documents only),
entities, entities and mentions per 1,000 words, the 30 most-mentioned entities with types, stage_skips by
reason, per-document distinct entities per 1,000 words (the maximum and its document, overall and over
documents of at least 100 words), and every country / located_in fact with the entity types of its subject and
object; a fact is flagged unless both are PLACE (an ORG subject of country is allowed, but listed).

With --sample-out, a seeded draw for the junk audit (100 Zyte entities, 50 WARC ones, random.Random(--seed, default 20261129))
(a fresh generator per dataset) is written with name, type, aliases and one mention in context (+-80 characters), for a human to judge.

Prints a readable report; everything goes to bench/out/eval_entities_web.json. The warehouses stay in --workdir.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from locations import DATASETS  # noqa: E402  (bench/ is on sys.path: run as bench/<script>.py)

ROOT = Path(__file__).resolve().parent.parent

ZYTE_HTML = DATASETS / "article-extraction-benchmark" / "html"
WARC_DIR = DATASETS / "warc-samples"
WEBFACTS = ROOT / ".venv" / "bin" / "webfacts"
OUT_JSON = ROOT / "bench" / "out" / "eval_entities_web.json"
SEED = 20261129
SAMPLE_SIZES = {"zyte": 100, "warc": 50}
CONTEXT = 80
TOP_N = 30
MIN_WORDS_FOR_DENSITY = 100
RATE_LINE = re.compile(r"^\s*(.+?): (\d+)/(\d+) documents \(([\d.]+)/s\)\s*$")


# ---------------------------------------------------------------- inbox and run

def inbox_files(dataset: str) -> list[Path]:
    """The input files of a dataset."""
    if dataset == "zyte":
        files = sorted(ZYTE_HTML.glob("*.html.gz"))
    else:
        files = sorted(p for p in WARC_DIR.iterdir() if ".warc" in p.name)
    if not files:
        raise SystemExit(f"eval_entities_web: no input files for {dataset}")
    return files


def fresh_workdir(workdir: Path, dataset: str) -> Path:
    """An empty <workdir>/<dataset> with inbox/ (the dataset's files) and dagster_home/ (telemetry off)."""
    base = workdir.resolve() / dataset
    if base.exists():
        shutil.rmtree(base)
    (base / "inbox").mkdir(parents=True)
    (base / "dagster_home").mkdir()
    (base / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    for src in inbox_files(dataset):
        shutil.copy2(src, base / "inbox" / src.name)
    return base


def head_snapshot(workdir: Path) -> Path:
    """The committed code (git archive HEAD) in <workdir>/code, to measure it while the working tree is edited."""
    code = workdir.resolve() / "code"
    if code.exists():
        shutil.rmtree(code)
    code.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
    return code


def run_pipeline(base: Path, code: Path | None) -> dict:
    """`webfacts run` on base/inbox into base/x.duckdb: wall seconds, exit code, output, per-stage rates.
    With `code`, the packages are imported from there (PYTHONPATH precedes the venv's editable install)."""
    env = dict(os.environ, DAGSTER_HOME=str(base / "dagster_home"), WEBFACTS_SETTLE_S="0")  # inbox complete
    if code:
        env["PYTHONPATH"] = str(code)
    cmd = [str(WEBFACTS), "run", "--inbox", str(base / "inbox"), "--warehouse", str(base / "x.duckdb")]
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=code or ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    (base / "run.stdout").write_text(proc.stdout)
    (base / "run.stderr").write_text(proc.stderr)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"eval_entities_web: webfacts run failed ({proc.returncode}) on {base}")
    return {"wall_seconds": round(seconds, 1), "stdout": proc.stdout, "stage_rates": stage_rates(proc.stderr)}


def stage_rates(stderr: str) -> dict:
    """The last progress line of each stage: {stage: {done, total, per_s}}."""
    rates = {}
    for line in stderr.splitlines():
        m = RATE_LINE.match(line)
        if m:
            rates[m.group(1)] = {"done": int(m.group(2)), "total": int(m.group(3)), "per_s": float(m.group(4))}
    return rates


# ---------------------------------------------------------------- measures

def rows(con, sql: str, params=()) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def one(con, sql: str):
    return con.execute(sql).fetchone()[0]


def per_k(n: int, words: int) -> float | None:
    return round(1000 * n / words, 2) if words else None


def totals(con) -> dict:
    """Documents, words, entities, mentions and their densities."""
    words = one(con, "SELECT coalesce(sum(word_count), 0) FROM documents")
    english_words = one(con, "SELECT coalesce(sum(word_count), 0) FROM documents "
                             "WHERE doc_id NOT IN (SELECT doc_id FROM stage_skips)")
    entities, mentions = one(con, "SELECT count(*) FROM entities"), one(con, "SELECT count(*) FROM mentions")
    return {
        "documents": one(con, "SELECT count(*) FROM documents"),
        "documents_nlp": one(con, "SELECT count(*) FROM documents WHERE doc_id NOT IN "
                                  "(SELECT doc_id FROM stage_skips)"),
        "total_words": words, "words_nlp": english_words,
        "entities": entities, "mentions": mentions, "facts": one(con, "SELECT count(*) FROM facts"),
        "entities_per_1k_words": per_k(entities, words), "mentions_per_1k_words": per_k(mentions, words),
        "entities_per_1k_nlp_words": per_k(entities, english_words),
        "mentions_per_1k_nlp_words": per_k(mentions, english_words),
        "entities_by_type": dict(con.execute("SELECT type, count(*) FROM entities GROUP BY 1 ORDER BY 2 DESC")
                                 .fetchall()),
    }


def top_entities(con) -> list[dict]:
    return rows(con, f"SELECT name, type, n_mentions, n_documents FROM entities "
                     f"ORDER BY n_mentions DESC, name LIMIT {TOP_N}")


def skips(con) -> dict:
    return {"documents": one(con, "SELECT count(DISTINCT doc_id) FROM stage_skips"),
            "by_reason": rows(con, "SELECT stage, reason, count(DISTINCT doc_id) AS documents FROM stage_skips "
                                   "GROUP BY 1, 2 ORDER BY 3 DESC")}


DENSITY_SQL = """
    SELECT d.doc_id, coalesce(d.url, s.source_uri) AS source, d.title, d.word_count,
           count(DISTINCT m.entity_id) AS entities,
           round(1000.0 * count(DISTINCT m.entity_id) / d.word_count, 2) AS entities_per_1k
    FROM documents d JOIN mentions m USING (doc_id)
    LEFT JOIN (SELECT doc_id, min(source_uri) AS source_uri FROM document_sources GROUP BY 1) s USING (doc_id)
    WHERE d.word_count >= ?
    GROUP BY d.doc_id, source, d.title, d.word_count ORDER BY entities_per_1k DESC LIMIT 1"""


def density(con) -> dict:
    """The document with the most distinct entities per 1,000 words, overall and among longer documents."""
    top = rows(con, DENSITY_SQL, [1])
    long_top = rows(con, DENSITY_SQL, [MIN_WORDS_FOR_DENSITY])
    return {"max": top[0] if top else None, f"max_min_{MIN_WORDS_FOR_DENSITY}_words": long_top[0] if long_top
            else None}


PLACE_FACTS_SQL = """
    SELECT f.subject, s.type AS subject_type, f.predicate, f.object, o.type AS object_type, f.n_documents,
           (SELECT min(e.sentence) FROM fact_evidence e WHERE e.fact_id = f.fact_id) AS evidence
    FROM facts f LEFT JOIN entities s ON s.entity_id = f.subject_id
    LEFT JOIN entities o ON o.entity_id = f.object_id
    WHERE f.predicate IN ('country', 'located_in')
    ORDER BY f.predicate, f.subject, f.object"""


def place_facts(con) -> list[dict]:
    """Every country / located_in fact with its entity types and a flag: ok, org_subject or NOT_PLACES."""
    facts = rows(con, PLACE_FACTS_SQL)
    for f in facts:
        if f["subject_type"] == "PLACE" and f["object_type"] == "PLACE":
            f["flag"] = "ok"
        elif f["predicate"] == "country" and f["subject_type"] == "ORG" and f["object_type"] == "PLACE":
            f["flag"] = "org_subject"
        else:
            f["flag"] = "NOT_PLACES"
    return facts


def measure(db: Path) -> dict:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return {"totals": totals(con), "top_entities": top_entities(con), "stage_skips": skips(con),
                "density": density(con), "place_facts": place_facts(con)}


# ---------------------------------------------------------------- junk-audit sample

MENTION_SQL = """
    SELECT m.surface, m.start_char, m.end_char, d.text
    FROM mentions m JOIN documents d USING (doc_id)
    WHERE m.entity_id = ? ORDER BY m.doc_id, m.start_char LIMIT 1"""


def context(text: str, start: int, end: int) -> str:
    """The mention marked [[...]] with CONTEXT characters either side, on one line."""
    left, right = text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]
    return re.sub(r"\s+", " ", f"{left}[[{text[start:end]}]]{right}")


def audit_sample(db: Path, dataset: str, rng: random.Random) -> list[dict]:
    """A seeded draw of entities (all if fewer), each with one mention in context."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        ents = rows(con, "SELECT entity_id, name, type, aliases, n_mentions FROM entities ORDER BY entity_id")
        picked = rng.sample(ents, min(SAMPLE_SIZES[dataset], len(ents)))
        for e in picked:
            m = con.execute(MENTION_SQL, [e["entity_id"]]).fetchone()
            e["dataset"] = dataset
            e["context"] = context(m[3], m[1], m[2]) if m else ""
    return picked


def write_sample(path: Path, sample: list[dict]) -> None:
    clean = lambda s: str(s).replace("\t", " ").replace("\n", " ")  # noqa: E731
    lines = ["dataset\tname\ttype\taliases\tn_mentions\tcontext"]
    lines += ["\t".join(clean(v) for v in (e["dataset"], e["name"], e["type"], "|".join(e["aliases"]),
                                          e["n_mentions"], e["context"])) for e in sample]
    path.write_text("\n".join(lines) + "\n")


# ---------------------------------------------------------------- report

def evidence(sentence: str | None, width: int = 200) -> str:
    one_line = re.sub(r"\s+", " ", sentence or "")
    return one_line if len(one_line) <= width else one_line[:width] + "..."


def report(dataset: str, run: dict, m: dict) -> str:
    t = m["totals"]
    out = [f"=== {dataset} ===", run["stdout"].rstrip(), "",
           f"wall seconds            {run['wall_seconds']}",
           f"documents               {t['documents']} ({t['documents_nlp']} through English NLP)",
           f"total words             {t['total_words']} ({t['words_nlp']} in English-NLP documents)",
           f"entities                {t['entities']}  by type {t['entities_by_type']}",
           f"mentions                {t['mentions']}",
           f"entities / 1k words     {t['entities_per_1k_words']} (English-NLP words: "
           f"{t['entities_per_1k_nlp_words']})",
           f"mentions / 1k words     {t['mentions_per_1k_words']} (English-NLP words: "
           f"{t['mentions_per_1k_nlp_words']})",
           f"facts                   {t['facts']}"]
    rates = run["stage_rates"]
    out.append("per-stage rates (CLI)   " + (", ".join(f"{s} {r['done']}/{r['total']} at {r['per_s']}/s"
                                                    for s, r in rates.items()) or "none printed"))
    if t["documents"]:
        out.append(f"whole run               {t['documents'] / run['wall_seconds']:.2f} documents/s wall")
    s = m["stage_skips"]
    out.append(f"stage_skips             {s['documents']} documents: "
               + ("; ".join(f"{r['stage']}/{r['reason']}: {r['documents']}" for r in s["by_reason"]) or "none"))
    for key, d in m["density"].items():
        if d:
            out.append(f"density {key:<16}{d['entities_per_1k']} entities/1k words ({d['entities']} entities, "
                       f"{d['word_count']} words) in {d['source']} ({(d['title'] or '')[:60]!r})")
    out += ["", f"top {TOP_N} entities by mentions:"]
    out += [f"  {e['n_mentions']:>4} {e['n_documents']:>3} docs  {e['type']:<7} {e['name']}" for e in m["top_entities"]]
    pf = m["place_facts"]
    out += ["", f"country / located_in facts: {len(pf)} "
                f"({sum(f['flag'] == 'NOT_PLACES' for f in pf)} NOT between places, "
                f"{sum(f['flag'] == 'org_subject' for f in pf)} ORG subject of country)"]
    out += [f"  [{f['flag']}] {f['subject']} ({f['subject_type']}) --{f['predicate']}--> {f['object']} "
            f"({f['object_type']})  docs={f['n_documents']}\n      evidence: {evidence(f['evidence'])}" for f in pf]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", choices=["zyte", "warc", "both"], default="both")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "eval_entities_web",
                    help="inboxes, warehouses and DAGSTER_HOMEs go here (recreated per dataset)")
    ap.add_argument("--code", choices=["worktree", "head"], default="worktree",
                    help="run the working tree (default) or the committed HEAD (a git archive in --workdir)")
    ap.add_argument("--sample-out", type=Path, help="also write the seeded junk-audit draw here (TSV)")
    ap.add_argument("--seed", type=int, default=SEED, help="the draw's seed: a new audit takes a new one")
    args = ap.parse_args()
    datasets = ["zyte", "warc"] if args.dataset == "both" else [args.dataset]
    results, sample = {}, []
    code = head_snapshot(args.workdir) if args.code == "head" else None
    if code:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        print(f"code: committed HEAD {commit} (git archive in {code})\n")
    for dataset in datasets:
        base = fresh_workdir(args.workdir, dataset)
        run = run_pipeline(base, code)
        m = measure(base / "x.duckdb")
        print(report(dataset, run, m), flush=True)
        print()
        results[dataset] = {"code": args.code, "warehouse": str(base / "x.duckdb"), **{k: v for k, v in run.items() if k != "stdout"},
                            "cli_summary": run["stdout"], **m}
        if args.sample_out:
            sample += audit_sample(base / "x.duckdb", dataset, random.Random(args.seed))
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(results, indent=1, default=str))
    if args.sample_out:
        write_sample(args.sample_out, sample)
        print(f"audit sample: {len(sample)} entities -> {args.sample_out}")
    print(f"wrote {OUT_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
