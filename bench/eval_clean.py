#!/usr/bin/env python3
"""Score text extractors side by side on two main-text extraction benchmarks.

Datasets (read-only, under /work/shared/datasets, see their README.md files):

* ``zyte``        article-extraction-benchmark (181 pages). Metric: upstream
                  ``evaluate.py`` -- 4-gram shingles over ``\\w+`` tokens,
                  per-page normalised TP/FP/FN, P and R averaged over pages,
                  F1 from the averaged P and R.
* ``trafilatura`` trafilatura's own 990-page benchmark. Metric: upstream
                  ``tests/eval_common.py`` -- whitespace-normalised substring
                  test of the ``with``/``without`` snippets, counts summed over
                  the corpus (micro P, R, accuracy, F1).

Usage::

    python bench/eval_clean.py [--dataset zyte|trafilatura|all] [--limit N]
                               [--baselines] [--systems a,b] [--out PATH]

``--baselines`` only scores the 14 stored extractor outputs of the Zyte
benchmark (no extraction is run) so the scorer can be checked against the
published numbers.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlparse
from locations import DATASETS  # noqa: E402  (bench/ is on sys.path: run as bench/<script>.py)

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent

ZYTE_DIR = DATASETS / "article-extraction-benchmark"
TRAF_DIR = DATASETS / "trafilatura-eval"
WARC_DIR = DATASETS / "warc-samples"
DEFAULT_OUT = BENCH_DIR / "out" / "eval_clean.json"

# Published figures quoted in the datasets' README.md files.
PUBLISHED = {
    "zyte": {"system": "trafilatura 2.0.0 (include_comments=False)",
             "P": 0.938, "R": 0.978, "F1": 0.958, "acc": 0.293},
    "trafilatura": {"system": "trafilatura 2.2.0 standard (best, 2026-08-04)",
                    "P": 0.906, "R": 0.943, "F1": 0.924, "acc": 0.923},
}
# Zyte upstream README.rst table (baseline-outputs file stem -> (F1, P, R, acc)).
# None where the README only gives F1 (Nov 2019 table).
PUBLISHED_ZYTE_BASELINES = {
    "rs_trafilatura": (0.970, 0.951, 0.990, 0.287),
    "go_trafilatura": (0.960, 0.940, 0.980, 0.287),
    "trafilatura": (0.958, 0.938, 0.978, 0.293),
    "newspaper": (0.949, 0.964, 0.934, 0.326),
    "news_please": (0.948, 0.964, 0.933, 0.326),
    "readability_js": (0.947, 0.914, 0.982, 0.166),
    "readability": (0.922, 0.913, 0.931, 0.315),
    "goose3": (0.896, 0.940, 0.856, 0.232),
    "justext": (0.804, 0.858, 0.756, 0.088),
    "html-text": (0.665, 0.500, 0.994, 0.000),
    "AutoExtract": (0.970, None, None, None),
    "Diffbot": (0.951, None, None, None),
    "dragnet": (0.907, None, None, None),
    "boilerpipe": (0.860, None, None, None),
}


# ---------------------------------------------------------------------------
# Zyte metric (re-implementation of upstream evaluate.py)
# ---------------------------------------------------------------------------
# Upstream flags; IGNORECASE does not change what \w matches, case is kept.
_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def tokenize(text: str | None) -> list[str]:
    """``\\w+`` tokens, case kept; None counts as the empty string."""
    return _TOKEN_RE.findall(text or "")


def ngrams(text: str | None, n: int = 4) -> list[tuple[str, ...]]:
    """Token n-gram shingles. As upstream: a text with 1..n-1 tokens yields one
    shorter shingle holding all its tokens; an empty text yields none."""
    tokens = tokenize(text)
    result = []
    for i in range(0, max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i:i + n])
        if shingle:
            result.append(shingle)
    return result


def shingle_match(true: str | None, pred: str | None, n: int = 4) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingle multisets, divided by their sum (if > 0)."""
    true_c, pred_c = Counter(ngrams(true, n)), Counter(ngrams(pred, n))
    tp = fp = fn = 0.0
    for key in true_c.keys() | pred_c.keys():
        t, p = true_c.get(key, 0), pred_c.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    s = tp + fp + fn
    if s > 0:
        tp, fp, fn = tp / s, fp / s, fn / s
    return tp, fp, fn


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def page_p(tp: float, fp: float, fn: float) -> float | None:
    """Per-page precision, None when the page is left out of the P mean (empty output)."""
    return precision_score(tp, fp, fn) if tp + fp > 0 else None


def page_r(tp: float, fp: float, fn: float) -> float | None:
    """Per-page recall, None when the page is left out of the R mean (empty truth)."""
    return recall_score(tp, fp, fn) if tp + fn > 0 else None


def zyte_metrics(tp_fp_fns: list[tuple[float, float, float]]) -> dict[str, float]:
    """P = mean page precision over pages with output (tp+fp>0), R = mean page
    recall over pages with truth (tp+fn>0), F1 from the averaged P and R."""
    ps = [precision_score(*x) for x in tp_fp_fns if x[0] + x[1] > 0]
    rs = [recall_score(*x) for x in tp_fp_fns if x[0] + x[2] > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": p, "R": r, "F1": f1}


def zyte_accuracy(true: str | None, pred: str | None) -> float:
    """1.0 when the token lists are identical."""
    return float(tokenize(true) == tokenize(pred))


def zyte_bootstrap_std(tp_fp_fns, accs, n: int = 1000, seed: int = 0) -> dict[str, float]:
    """Bootstrap standard deviations (upstream: 1000 resamples)."""
    rng = random.Random(seed)
    vals: dict[str, list[float]] = {}
    k = len(tp_fp_fns)
    for _ in range(n):
        idx = [rng.randint(0, k - 1) for _ in range(k)]
        m = zyte_metrics([tp_fp_fns[i] for i in idx])
        m["acc"] = statistics.mean(accs[i] for i in idx)
        for key, v in m.items():
            vals.setdefault(key, []).append(v)
    return {f"{key}_std": statistics.stdev(v) for key, v in vals.items()}


# ---------------------------------------------------------------------------
# trafilatura-eval metric (re-implementation of upstream tests/eval_common.py)
# ---------------------------------------------------------------------------
def norm_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def snippet_counts(item: dict, result: str | None) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn): ``with`` snippets found / ``without`` snippets found /
    ``with`` missing / ``without`` absent. None (crash, no output) = full miss."""
    if isinstance(result, str):
        res = norm_ws(result)
        tp = sum(1 for w in item["with"] if norm_ws(w) in res)
        fp = sum(1 for w in item["without"] if norm_ws(w) in res)
    else:
        tp = fp = 0
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def snippet_metrics(counts: Iterable[tuple[int, int, int, int]]) -> dict[str, float]:
    """Micro scores over summed counts; each 0.0 when its denominator is 0."""
    tp = fp = fn = tn = 0
    for a, b, c, d in counts:
        tp, fp, fn, tn = tp + a, fp + b, fn + c, tn + d
    total = tp + fp + fn + tn
    return {
        "P": tp / (tp + fp) if tp + fp else 0.0,
        "R": tp / (tp + fn) if tp + fn else 0.0,
        "F1": 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 0.0,
        "acc": (tp + tn) / total if total else 0.0,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
    }


# ---------------------------------------------------------------------------
# Systems: name -> callable(html: str) -> str
# ---------------------------------------------------------------------------
def _trafilatura_default(html: str) -> str:
    import trafilatura
    return trafilatura.extract(html) or ""


def _webfacts(html: str) -> str:
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from pipeline.clean import clean_html
    return clean_html(html).text


def _trafilatura_zyte(html: str) -> str:
    """The call upstream Zyte used for its stored trafilatura output."""
    import trafilatura
    return trafilatura.extract(html, include_comments=False) or ""


def _trafilatura_canonical(html: str) -> str:
    """trafilatura-eval's canonical "standard"/fallback call."""
    import trafilatura
    return trafilatura.extract(html, fast=False, include_comments=False, include_tables=True,
                               include_formatting=False) or ""


SYSTEMS: dict[str, Callable[[str], str]] = {
    "trafilatura-default": _trafilatura_default,
    # The second baseline: what webfacts' rules are measured against (it is the extraction they start from).
    "trafilatura-comments-off": _trafilatura_zyte,
    "webfacts": _webfacts,
}
# Not run by default; select with --systems.
EXTRA_SYSTEMS: dict[str, Callable[[str], str]] = {
    "trafilatura-zyte": _trafilatura_zyte,
    "trafilatura-canonical": _trafilatura_canonical,
}


# ---------------------------------------------------------------------------
# Data loading
# ---------------------------------------------------------------------------
def decode_html(raw: bytes) -> str:
    """gunzip if needed, UTF-8, else trafilatura's own charset detection
    (the same decoding extract() applies to bytes). Every system gets this string."""
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        from trafilatura.utils import decode_file
        return decode_file(raw)


def load_zyte(limit: int | None = None) -> list[dict]:
    gt = json.loads((ZYTE_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(gt)[:limit]:
        raw = (ZYTE_DIR / "html" / f"{page_id}.html.gz").read_bytes()
        pages.append({"id": page_id, "html": decode_html(raw), "truth": gt[page_id].get("articleBody") or "",
                      "site": site_of(gt[page_id].get("url") or page_id)})
    return pages


def load_trafilatura(limit: int | None = None) -> list[dict]:
    data = json.loads((TRAF_DIR / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in list(data.items())[:limit]:
        name = item["file"] + ".gz"
        path = next((TRAF_DIR / "html" / sub / name for sub in ("cache", "eval")
                     if (TRAF_DIR / "html" / sub / name).is_file()), None)
        if path is None:
            raise FileNotFoundError(f"{url}: {name} under html/cache or html/eval")
        pages.append({"id": item["file"], "url": url, "html": decode_html(path.read_bytes()),
                      "with": item["with"], "without": item["without"], "site": site_of(url)})
    return pages


def site_of(url: str) -> str:
    host = urlparse(url).hostname or url
    return host.removeprefix("www.")


def half_of(site: str) -> str:
    """'dev' or 'held-out', by a hash of the site: every page of a site falls in the same half."""
    return "held-out" if hashlib.md5(site.encode()).digest()[0] % 2 else "dev"


def load_warc_pages() -> list[dict]:
    """The HTML responses of the WARC samples, read as the pipeline reads them (no ground truth)."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from pipeline.ingest import Rejected, decode_input
    from pipeline.sources import expand_file
    pages = []
    for path in sorted(WARC_DIR.glob("*.warc*")):
        for raw in expand_file(path, 20 * 2**20):
            if raw.data is None or raw.reason or raw.skipped:
                continue
            try:
                decoded = decode_input(raw.data, raw.declared_charset)
            except Rejected:
                continue
            if decoded.content_type == "text/html":
                pages.append({"id": f"{path.name}#{raw.input_uri.rsplit('#', 1)[-1]} {raw.source_uri}",
                              "html": decoded.content, "site": site_of(raw.source_uri)})
    return pages


def load_baseline(path: Path) -> dict[str, dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data.get("output"), dict):
        data = data["output"]
    return data


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------
WARMUP_HTML = ("<html><head><title>Warm-up</title></head><body><article>"
               + "<p>This paragraph only warms up the extractors before timing starts, it is long enough.</p>" * 5
               + "</article></body></html>")


def run_systems(pages: list[dict], systems: dict[str, Callable[[str], str]]):
    """Run every system on every page; returns (outputs, seconds, errors) per system.
    Only the extraction call is timed. The system order rotates per page so that
    no system always runs on a freshly warmed page."""
    names = list(systems)
    for name in names:  # untimed warm-up: imports, model and cache loading
        try:
            systems[name](WARMUP_HTML)
        except Exception:
            pass
    outputs = {n: {} for n in names}
    seconds = {n: 0.0 for n in names}
    errors = {n: {} for n in names}
    for i, page in enumerate(pages):
        for k in range(len(names)):
            name = names[(i + k) % len(names)]
            t0 = time.perf_counter()
            try:
                out = systems[name](page["html"])
            except Exception as exc:  # a crash counts as no output
                out = None
                errors[name][page["id"]] = f"{type(exc).__name__}: {exc}"
            seconds[name] += time.perf_counter() - t0
            outputs[name][page["id"]] = out
        if (i + 1) % 100 == 0:
            print(f"  ... {i + 1}/{len(pages)} pages", file=sys.stderr, flush=True)
    return outputs, seconds, errors


def _f1(p: float | None, r: float | None) -> float:
    p, r = p or 0.0, r or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def eval_zyte(pages, systems, summary, records, texts):
    outputs, seconds, errors = run_systems(pages, systems)
    for name in systems:
        tfs, accs = [], []
        for page in pages:
            pred = outputs[name][page["id"]]
            x = shingle_match(page["truth"], pred)
            tfs.append(x)
            accs.append(zyte_accuracy(page["truth"], pred))
            p, r = page_p(*x), page_r(*x)
            records.append({"dataset": "zyte", "page_id": page["id"], "system": name, "p": p, "r": r,
                            "f1": _f1(p, r), "tp": x[0], "fp": x[1], "fn": x[2],
                            "out_chars": len(pred or ""), "error": errors[name].get(page["id"])})
        m = zyte_metrics(tfs)
        m["acc"] = statistics.mean(accs)
        m.update(zyte_bootstrap_std(tfs, accs, n=1000))
        m.update(docs=len(pages), seconds=seconds[name], docs_per_s=len(pages) / seconds[name],
                 errors=len(errors[name]))
        summary.append({"dataset": "zyte", "system": name, **m})
        texts.setdefault("zyte", {})[name] = outputs[name]


def eval_trafilatura(pages, systems, summary, records, texts):
    outputs, seconds, errors = run_systems(pages, systems)
    for name in systems:
        counts = []
        for page in pages:
            c = snippet_counts(page, outputs[name][page["id"]])
            counts.append(c)
            tp, fp, fn, tn = c
            p = tp / (tp + fp) if tp + fp else None
            r = tp / (tp + fn) if tp + fn else None
            records.append({"dataset": "trafilatura", "page_id": page["id"], "system": name, "p": p, "r": r,
                            "tp": tp, "fp": fp, "fn": fn, "tn": tn,
                            "out_chars": len(outputs[name][page["id"]] or ""),
                            "error": errors[name].get(page["id"])})
        m = snippet_metrics(counts)
        m.update(docs=len(pages), seconds=seconds[name], docs_per_s=len(pages) / seconds[name],
                 errors=len(errors[name]))
        summary.append({"dataset": "trafilatura", "system": name, **m})
        texts.setdefault("trafilatura", {})[name] = outputs[name]


def print_table(summary: list[dict]) -> None:
    print(f"\n{'dataset':<13} {'system':<25} {'P':<6} {'R':<6} {'F1':<6} {'acc':<6} {'docs/s':>7}")
    for row in summary:
        print(f"{row['dataset']:<13} {row['system']:<25} {row['P']:.3f}  {row['R']:.3f}  {row['F1']:.3f}  "
              f"{row['acc']:.3f}  {row['docs_per_s']:7.1f}")
    for ds in dict.fromkeys(r["dataset"] for r in summary):
        pub = PUBLISHED[ds]
        print(f"published {ds}: {pub['system']}: P={pub['P']:.3f} R={pub['R']:.3f} "
              f"F1={pub['F1']:.3f} acc={pub['acc']:.3f}")


def rule_variants(pages: list[dict]) -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, ...]]]:
    """({variant: {page id: text}}, {page id: guard decisions}). Variant 'all' is webfacts as shipped;
    a rule's name is webfacts with that rule switched off. Post-rules reuse one extraction per page."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from pipeline.clean import PAGE_RULES, POST_RULES, clean_html, extract_html, finish_html, rules_disabled
    texts: dict[str, dict[str, str]] = {name: {} for name in ("all", *PAGE_RULES, *POST_RULES)}
    decisions = {}
    for i, page in enumerate(pages):
        try:
            extraction = extract_html(page["html"])
            doc = finish_html(extraction)
            texts["all"][page["id"]], decisions[page["id"]] = doc.text, doc.guard
            for rule in POST_RULES:
                with rules_disabled({rule}):
                    texts[rule][page["id"]] = finish_html(extraction).text
            for rule in PAGE_RULES:
                with rules_disabled({rule}):
                    texts[rule][page["id"]] = clean_html(page["html"]).text
        except Exception as exc:  # a crash counts as no output, in every variant
            decisions[page["id"]] = (f"crash: {type(exc).__name__}: {exc}",)
            for variant in texts.values():
                variant.setdefault(page["id"], "")
        if (i + 1) % 200 == 0:
            print(f"  ... rules: {i + 1}/{len(pages)} pages", file=sys.stderr, flush=True)
    return texts, decisions


def half_f1(dataset: str, pages: list[dict], texts: dict[str, str]) -> float:
    if dataset == "zyte":
        return zyte_metrics([shingle_match(p["truth"], texts.get(p["id"])) for p in pages])["F1"]
    return snippet_metrics(snippet_counts(p, texts.get(p["id"])) for p in pages)["F1"]


def print_halves(pages_by_ds: dict[str, list[dict]], texts: dict, variants: dict) -> list[dict]:
    """F1 of trafilatura comments-off and webfacts on the dev and held-out halves (split by site)."""
    rows = []
    print("\nheld-out split by site (md5 of the host): the rules' own gain over trafilatura comments-off")
    print(f"{'dataset':<13} {'half':<9} {'pages':>5} {'sites':>5}  {'comments-off':>12} {'webfacts':>8} {'gain':>7}")
    for ds, pages in pages_by_ds.items():
        for half in ("dev", "held-out"):
            part = [p for p in pages if half_of(p["site"]) == half]
            base = half_f1(ds, part, texts[ds]["trafilatura-comments-off"])
            ours = half_f1(ds, part, variants[ds]["all"])
            rows.append({"dataset": ds, "half": half, "pages": len(part), "comments_off_F1": base,
                         "webfacts_F1": ours, "gain": ours - base})
            print(f"{ds:<13} {half:<9} {len(part):>5} {len({p['site'] for p in part}):>5}  "
                  f"{base:12.4f} {ours:8.4f} {ours - base:+7.4f}")
    return rows


def print_rule_effects(pages_by_ds: dict[str, list[dict]], variants: dict) -> list[dict]:
    """Each rule's effect: F1 with every rule minus F1 with that rule switched off, per half."""
    rules = [name for name in next(iter(variants.values())) if name != "all"]
    cols = [(ds, half) for ds in pages_by_ds for half in ("dev", "held-out")]
    print("\neach rule's effect on F1 (all rules minus all but this one) and the pages it changes, per half; "
          "* = hurts held-out")
    print(f"{'rule':<18}" + "".join(f"{ds[:5] + ' ' + half:>21}" for ds, half in cols))
    rows = []
    for rule in rules:
        effects, changed = {}, {}
        for ds, half in cols:
            part = [p for p in pages_by_ds[ds] if half_of(p["site"]) == half]
            effects[f"{ds} {half}"] = (half_f1(ds, part, variants[ds]["all"])
                                       - half_f1(ds, part, variants[ds][rule]))
            changed[f"{ds} {half} pages"] = sum(variants[ds]["all"].get(p["id"]) != variants[ds][rule].get(p["id"])
                                                for p in part)
        hurts = any(v < -0.00005 for k, v in effects.items() if k.endswith("held-out"))
        print(f"{rule:<18}" + "".join(f"{v:+11.4f} {n:>4} pp" for v, n in zip(effects.values(), changed.values()))
              + ("  *" if hurts else ""))
        rows.append({"rule": rule, **effects, **changed})
    return rows


def decision_kind(decision: str) -> str:
    """'tail_marker: refused, would remove …' -> 'tail_marker refused'."""
    rule, _, what = decision.partition(": ")
    return f"{rule} {what.split()[0].rstrip(',') if what else ''}".strip()


def print_guard(decisions: dict[str, dict[str, tuple[str, ...]]]) -> dict[str, int]:
    counts = Counter(decision_kind(d) for per_page in decisions.values() for ds in per_page.values() for d in ds)
    pages = Counter(ds_name for ds_name, per_page in decisions.items() for d in per_page.values() if d)
    print("\ncontent-loss guard decisions (rule and decision: count); pages with any decision: "
          + ", ".join(f"{k} {v}" for k, v in pages.items()))
    for key, n in sorted(counts.items(), key=lambda x: -x[1]):
        print(f"  {key:<40} {n}")
    return dict(counts)


def print_under_half(rows: list[dict]) -> None:
    print(f"\npages where webfacts has fewer than half the words of trafilatura comments-off: {len(rows)}")
    for r in rows:
        print(f"  {r['dataset']:<12} {r['page_id'][:90]:<90} comments-off {r['base_words']:>6}  "
              f"webfacts {r['webfacts_words']:>6}  {'; '.join(r['guard'])[:200]}")


def under_half(dataset: str, ids: Iterable[str], base: dict[str, str], ours: dict[str, str],
               decisions: dict[str, tuple[str, ...]]) -> list[dict]:
    words = lambda t: len(_TOKEN_RE.findall(t or ""))  # noqa: E731
    return [{"dataset": dataset, "page_id": pid, "base_words": words(base[pid]), "webfacts_words": words(ours[pid]),
             "guard": list(decisions.get(pid, ()))}
            for pid in ids if words(ours[pid]) < 0.5 * words(base[pid])]


def print_worst(records: list[dict], ref: str, cand: str, n: int = 10) -> None:
    by = {}
    for rec in records:
        if rec["dataset"] == "zyte" and rec["system"] in (ref, cand):
            by.setdefault(rec["page_id"], {})[rec["system"]] = rec
    rows = [(v[ref]["f1"] - v[cand]["f1"], pid, v[ref], v[cand]) for pid, v in by.items()
            if ref in v and cand in v]
    rows.sort(key=lambda x: (-x[0], x[1]))
    fmt = lambda x: "  -  " if x is None else f"{x:.3f}"  # noqa: E731
    print(f"\nzyte: {n} pages where {cand} loses most page-F1 vs {ref}")
    print(f"{'page_id':<66} {'dF1':>6}  {ref[:12]:>12} P/R      {cand[:12]:>12} P/R")
    for d, pid, a, b in rows[:n]:
        print(f"{pid:<66} {d:6.3f}  {fmt(a['p'])}/{fmt(a['r'])}      {fmt(b['p'])}/{fmt(b['r'])}")


def run_baselines() -> list[dict]:
    gt = json.loads((ZYTE_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    rows = []
    print(f"{'baseline':<16} {'P':>12} {'R':>12} {'F1':>12} {'acc':>12}   published F1/P/R/acc")
    for path in sorted((ZYTE_DIR / "baseline-outputs").glob("*.json.gz"), key=lambda p: p.name.lower()):
        name = path.name.removesuffix(".json.gz")
        pred = load_baseline(path)
        if pred.keys() != gt.keys():
            raise ValueError(f"{name}: prediction keys do not match ground truth")
        tfs, accs = [], []
        for key in gt:
            true, out = gt[key].get("articleBody", ""), pred[key].get("articleBody", "")
            tfs.append(shingle_match(true, out))
            accs.append(zyte_accuracy(true, out))
        m = zyte_metrics(tfs)
        m["acc"] = statistics.mean(accs)
        m.update(zyte_bootstrap_std(tfs, accs, n=1000))
        pub = PUBLISHED_ZYTE_BASELINES.get(name)
        pub_s = " / ".join("  -  " if v is None else f"{v:.3f}" for v in pub) if pub else "n/a"
        print(f"{name:<16} " + " ".join(f"{m[k]:.3f}±{m[k + '_std']:.3f}" for k in ("P", "R", "F1", "acc"))
              + f"   {pub_s}")
        rows.append({"baseline": name, **m, "published": pub})
    traf = next(r for r in rows if r["baseline"] == "trafilatura")
    pub = PUBLISHED["zyte"]
    diff = abs(traf["F1"] - pub["F1"])
    print(f"\nstored trafilatura 2.0.0 output: P={traf['P']:.4f} R={traf['R']:.4f} F1={traf['F1']:.4f} "
          f"acc={traf['acc']:.4f}; published P={pub['P']} R={pub['R']} F1={pub['F1']} acc={pub['acc']} "
          f"-> |dF1|={diff:.4f} ({'OK' if diff <= 0.002 else 'MISMATCH'})")
    return rows


def rules_report(pages_by_ds: dict[str, list[dict]], texts: dict) -> dict:
    """Held-out split, each rule's effect, the guard's decisions and the under-half pages, printed."""
    variants, decisions = {}, {}
    for ds, pages in pages_by_ds.items():
        print(f"{ds}: each rule switched off in turn", file=sys.stderr)
        variants[ds], decisions[ds] = rule_variants(pages)
    halves = print_halves(pages_by_ds, texts, variants)
    effects = print_rule_effects(pages_by_ds, variants)
    warc = load_warc_pages()
    warc_base = {p["id"]: _trafilatura_zyte(p["html"]) for p in warc}
    warc_texts, decisions["warc"] = rule_variants(warc) if warc else ({"all": {}}, {})
    guard = print_guard(decisions)
    lost = [row for ds in pages_by_ds
            for row in under_half(ds, texts[ds]["webfacts"], texts[ds]["trafilatura-comments-off"],
                                  texts[ds]["webfacts"], decisions[ds])]
    lost += under_half("warc", warc_base, warc_base, warc_texts["all"], decisions["warc"])
    print_under_half(lost)
    print(f"(pages read: {', '.join(f'{ds} {len(p)}' for ds, p in pages_by_ds.items())}, warc {len(warc)})")
    return {"halves": halves, "rule_effects": effects, "guard_decisions": guard, "under_half": lost,
            "guard_by_page": {ds: {k: list(v) for k, v in d.items() if v} for ds, d in decisions.items()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", choices=["zyte", "trafilatura", "all"], default="all")
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each dataset")
    ap.add_argument("--baselines", action="store_true",
                    help="score the 14 stored Zyte baseline outputs only (no extraction)")
    ap.add_argument("--systems", default=",".join(SYSTEMS),
                    help=f"comma-separated; available: {', '.join([*SYSTEMS, *EXTRA_SYSTEMS])}")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-rules", dest="rules", action="store_false",
                    help="skip the per-rule, held-out, guard and under-half reports")
    args = ap.parse_args(argv)

    if args.baselines:
        rows = run_baselines()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        path = args.out.with_name(args.out.stem + ".baselines.json")
        path.write_text(json.dumps(rows, indent=1))
        print(f"wrote {path}")
        return 0

    registry = {**SYSTEMS, **EXTRA_SYSTEMS}
    names = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in names if s not in registry]
    if unknown:
        ap.error(f"unknown system(s): {', '.join(unknown)}")
    systems = {n: registry[n] for n in names}

    summary: list[dict] = []
    records: list[dict] = []
    texts: dict = {}
    pages_by_ds: dict[str, list[dict]] = {}
    if args.dataset in ("zyte", "all"):
        pages = pages_by_ds["zyte"] = load_zyte(args.limit)
        print(f"zyte: {len(pages)} pages, systems: {', '.join(systems)}", file=sys.stderr)
        eval_zyte(pages, systems, summary, records, texts)
    if args.dataset in ("trafilatura", "all"):
        pages = pages_by_ds["trafilatura"] = load_trafilatura(args.limit)
        print(f"trafilatura: {len(pages)} pages, systems: {', '.join(systems)}", file=sys.stderr)
        eval_trafilatura(pages, systems, summary, records, texts)

    print_table(summary)
    if "zyte" in texts and "trafilatura-default" in systems and "webfacts" in systems:
        print_worst(records, "trafilatura-default", "webfacts")

    report = {}
    if args.rules and {"webfacts", "trafilatura-comments-off"} <= set(systems):
        report = rules_report(pages_by_ds, texts)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "pages": records, **report}, indent=1))
    text_path = args.out.with_name(args.out.stem + ".outputs.json.gz")
    with gzip.open(text_path, "wt", encoding="utf-8") as f:
        json.dump(texts, f)
    print(f"\nwrote {args.out} (per-page p/r) and {text_path} (extracted texts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
