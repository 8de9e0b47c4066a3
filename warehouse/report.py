"""`webfacts report`: one self-contained HTML page on what the warehouse holds.

No script, font, stylesheet or image is fetched: styles are inline, charts are inline SVG, fonts are the reader's
own. The page opens from a file, offline, and can be mailed as one attachment. Figures come from
warehouse/queries.py, the same SQL the commands and the notebook run.
"""
from __future__ import annotations

import html
import importlib.metadata
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from warehouse import queries

BAR_HEIGHT, LABEL_WIDTH, BAR_AREA = 22, 190, 260
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;
     color:#1f2328;padding:0 1rem}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
.meta{color:#59636e}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.8rem}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.7rem}.card b{display:block;font-size:1.6rem}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:1.5rem}
figure{margin:0}figcaption{font-weight:600;margin-bottom:.4rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;padding:.35rem .5rem;
     border-bottom:1px solid #eaeef2;vertical-align:top}th{background:#f6f8fa}td.n{text-align:right}
.dispute{margin:1.2rem 0}.sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:1rem}
.side{border:1px solid #d0d7de;border-radius:8px;padding:.8rem;background:#fffdf5}
.side h4{margin:.1rem 0 .5rem}blockquote{margin:.5rem 0;padding-left:.7rem;border-left:3px solid #d4a72c}
cite{display:block;color:#59636e;font-size:.85rem}svg text{font-size:12px;fill:#1f2328}
"""


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def bar_chart(labels: list, values: list[int], caption: str, chart_id: str) -> str:
    """Horizontal bars, one per label, the value written at the bar's end."""
    top = max(values, default=0) or 1
    height = BAR_HEIGHT * max(len(values), 1) + 10
    bars = []
    for i, (label, value) in enumerate(zip(labels, values)):
        y, width = i * BAR_HEIGHT + 5, max(1.0, BAR_AREA * value / top)
        bars.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{esc(label)}</text>'
                    f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{BAR_HEIGHT - 6}" '
                    f'fill="#2f81f7"><title>{esc(label)}: {value}</title></rect>'
                    f'<text x="{LABEL_WIDTH + width + 5:.1f}" y="{y + 15}">{value}</text>')
    body = "".join(bars) or '<text x="10" y="20">nothing to chart</text>'
    return (f'<figure id="{chart_id}"><figcaption>{esc(caption)}</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{esc(caption)}" '
            f'width="{LABEL_WIDTH + BAR_AREA + 50}" height="{height}">{body}</svg></figure>')


def html_table(frame: pl.DataFrame, table_id: str) -> str:
    if frame.is_empty():
        return f'<p id="{table_id}">None.</p>'
    head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
    numeric = [dtype.is_numeric() for dtype in frame.dtypes]
    rows = "".join("<tr>" + "".join(f'<td class="n">{esc(v)}</td>' if n else f"<td>{esc(v)}</td>"
                                    for v, n in zip(row, numeric)) + "</tr>" for row in frame.iter_rows())
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def summary_cards(counts: dict[str, int], reasons: list[tuple[str, int]]) -> str:
    cards = [("inputs seen", counts["inputs"]), ("documents", counts["documents"]),
             ("independent clusters", counts["clusters"]), ("domains", counts["domains"]),
             ("quarantined", counts["quarantined"]), ("entities", counts["entities"]),
             ("facts", counts["facts"]), ("contested facts", counts["contested"])]
    quarantine = ", ".join(f"{esc(r)}: {n}" for r, n in reasons) or "none"
    return ('<div class="cards" id="summary">' + "".join(f'<div class="card"><b>{n}</b>{esc(label)}</div>'
                                                         for label, n in cards)
            + f'</div><p class="meta">Quarantine by reason: {quarantine}. Skipped archive records: '
              f'{counts["skipped_records"]}; documents not parsed (not English): {counts["stage_skips"]}.</p>')


def charts(con) -> str:
    predicate, domain = queries.facts_per_predicate(con), queries.facts_per_domain(con)
    support, contested = queries.support_distribution(con), queries.contested_over_time(con)
    return '<div class="charts">' + "".join([
        bar_chart(predicate["predicate"].to_list(), predicate["facts"].to_list(), "Facts per predicate",
                  "chart-predicate"),
        bar_chart(domain["domain"].to_list(), domain["facts"].to_list(), "Facts per source domain", "chart-domain"),
        bar_chart([f"{n} independent source{'s' if n > 1 else ''}" for n in support["n_independent"]],
                  support["facts"].to_list(), "Facts by independent support", "chart-support"),
        bar_chart(contested["month"].to_list(), contested["facts"].to_list(),
                  "Contested facts by the month first asserted", "chart-contested"),
    ]) + "</div>"


def disputes(con) -> str:
    """Each contested (subject, predicate): its competing objects side by side, each with its sentences."""
    evidence = queries.contested_evidence(con)
    blocks = []
    for (subject, predicate), claims in evidence.group_by("subject", "predicate", maintain_order=True):
        sides = []
        for (obj,), side in claims.group_by("object", maintain_order=True):
            quotes = "".join(f"<blockquote>{esc(s)}<cite>{esc(site)}</cite></blockquote>"
                             for site, s in side.select("site", "sentence").unique(maintain_order=True).iter_rows())
            sides.append(f'<div class="side"><h4>{esc(obj)}</h4><span class="meta">{side["n_independent"][0]} '
                         f"independent source(s)</span>{quotes}</div>")
        blocks.append(f'<div class="dispute"><h3>{esc(subject)} · {esc(predicate)}</h3>'
                      f'<div class="sides">{"".join(sides)}</div></div>')
    return "".join(blocks) or "<p>No contested facts.</p>"


def render_report(con, warehouse: str) -> str:
    counts, reasons = queries.warehouse_counts(con), queries.quarantine_by_reason(con)
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    version = importlib.metadata.version("webfacts")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>webfacts report</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head><body>'
            f'<h1>What the warehouse holds</h1><p class="meta">{esc(warehouse)} · webfacts {esc(version)} · '
            f"{made}</p><h2>Run summary</h2>{summary_cards(counts, reasons)}<h2>Charts</h2>{charts(con)}"
            f'<h2>Contested facts, the competing sentences side by side</h2><div id="contested">{disputes(con)}</div>'
            f"<h2>Most-supported facts</h2>{html_table(queries.best_supported(con), 'best-supported')}"
            "</body></html>")


def write_report(store, out: Path) -> Path:
    with store.connect(read_only=True) as con:
        page = render_report(con, str(store))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out.resolve()
