"""What do sources claim, how many agree, where do they disagree? (marimo notebook)

Open interactively: `.venv/bin/marimo edit notebooks/explore_facts.py`
Run headless:       `.venv/bin/python notebooks/explore_facts.py` (WEBFACTS_WAREHOUSE picks the warehouse): prints
                    every table. The SQL is warehouse/queries.py's, the same the `webfacts` commands run.
"""
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo

    from pipeline.config import settings_from_env
    from warehouse import queries
    from warehouse.store import Warehouse

    settings = settings_from_env()  # WEBFACTS_WAREHOUSE: a DuckDB file or ducklake:<catalog>
    store = Warehouse(settings.warehouse, settings.ducklake_data_path)
    # Read-only: a run can publish a new DuckDB file at any time without touching this connection. A local
    # DuckLake catalog (a DuckDB file) is different: while this connection is open, runs cannot publish.
    con = store.connect(read_only=True)

    mo.md(f"# Facts in `{store.local_file.name if store.local_file else store}`")
    return con, mo, queries


@app.cell
def _(con, mo, queries):
    top_entities = queries.top_entities(con)
    mo.vstack([mo.md("## Top entities by type"), mo.ui.table(top_entities, selection=None)])
    return (top_entities,)


@app.cell
def _(mo):
    about = mo.ui.text(value="Tides of Glass", label="Facts about")
    about
    return (about,)


@app.cell
def _(about, con, mo, queries):
    facts_about = queries.facts(con, queries.FactFilter(about=about.value))
    mo.vstack([mo.md(f"## Every fact about *{about.value}*"), mo.ui.table(facts_about, selection=None)])
    return (facts_about,)


@app.cell
def _(con, mo, queries):
    contested = queries.contested_evidence(con)
    sides = [mo.vstack([mo.md(f"**{obj}** ({grp['n_independent'][0]} independent)"),
                        *[mo.md(f"> {s}  \n— *{site}*") for site, s in grp.select("site", "sentence").unique().iter_rows()]])
             for (obj,), grp in contested.group_by("object", maintain_order=True)]
    mo.vstack([mo.md("## Contested facts, competing evidence side by side"), mo.hstack(sides, widths="equal")])
    return (contested,)


@app.cell
def _(con, mo, queries):
    support = queries.sources(con)
    mo.vstack([mo.md("## Support per source domain"), mo.ui.table(support, selection=None)])
    return (support,)


@app.cell
def _(con, mo, queries):
    per_predicate = queries.facts_per_predicate(con)
    chart = mo.md("\n".join(f"`{p:<24}` {'█' * n} {n}" for p, n in per_predicate.iter_rows()))
    mo.vstack([mo.md("## Facts per predicate"), chart])
    return (per_predicate,)


# What the notebook shows, in the order it shows it, for a run as a script (no browser to show the cells).
SCRIPT_TABLES = {"top_entities": "Top entities by type", "facts_about": "Every fact about the name typed",
                 "contested": "Contested facts, competing evidence", "support": "Support per source domain",
                 "per_predicate": "Facts per predicate"}

if __name__ == "__main__":
    from assets.output import render

    _, definitions = app.run()
    for name, title in SCRIPT_TABLES.items():
        print(f"\n{title}")
        render(definitions[name])
