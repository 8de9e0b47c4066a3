"""What do sources claim, how many agree, where do they disagree? (marimo notebook)

Open interactively: `.venv/bin/marimo edit notebooks/explore_facts.py`
Run headless:       `.venv/bin/python notebooks/explore_facts.py` (WEBFACTS_WAREHOUSE picks the warehouse)
"""
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo
    import polars as pl

    from pipeline.config import settings_from_env
    from warehouse.store import Warehouse

    settings = settings_from_env()  # WEBFACTS_WAREHOUSE: a DuckDB file or ducklake:<catalog>
    store = Warehouse(settings.warehouse, settings.ducklake_data_path)
    # Read-only: a run can publish a new DuckDB file at any time without touching this connection. A local
    # DuckLake catalog (a DuckDB file) is different: while this connection is open, runs cannot publish.
    con = store.connect(read_only=True)

    def query(sql, params=None):
        return pl.from_arrow(con.execute(sql, params or []).to_arrow_table())

    mo.md(f"# Facts in `{store.local_file.name if store.local_file else store}`")
    return mo, pl, query


@app.cell
def _(mo, query):
    top_entities = query("""
        SELECT type, name, n_documents, n_mentions FROM (
            SELECT *, row_number() OVER (PARTITION BY type ORDER BY n_documents DESC, n_mentions DESC, name) AS rank
            FROM entities) WHERE rank <= 5 ORDER BY type, rank""")
    mo.vstack([mo.md("## Top entities by type"), mo.ui.table(top_entities, selection=None)])
    return (top_entities,)


@app.cell
def _(mo):
    about = mo.ui.text(value="Tides of Glass", label="Facts about")
    about
    return (about,)


@app.cell
def _(about, mo, query):
    facts_about = query("""
        SELECT subject, predicate, object, n_documents, n_independent, round(confidence, 2) AS confidence, contested
        FROM facts WHERE subject ILIKE '%' || ? || '%' OR object ILIKE '%' || ? || '%'
        ORDER BY subject, predicate, n_independent DESC""", [about.value, about.value])
    mo.vstack([mo.md(f"## Every fact about *{about.value}*"), mo.ui.table(facts_about, selection=None)])
    return (facts_about,)


@app.cell
def _(mo, query):
    contested = query("""
        SELECT subject, predicate, object, n_independent, site, sentence
        FROM contested_facts ORDER BY subject, predicate, object, site""")
    sides = [mo.vstack([mo.md(f"**{obj}** ({grp['n_independent'][0]} independent)"),
                        *[mo.md(f"> {s}  \n— *{site}*") for site, s in grp.select("site", "sentence").unique().iter_rows()]])
             for (obj,), grp in contested.group_by("object", maintain_order=True)]
    mo.vstack([mo.md("## Contested facts, competing evidence side by side"), mo.hstack(sides, widths="equal")])
    return (contested,)


@app.cell
def _(mo, query):
    support = query("SELECT site, n_documents, n_facts, corroborated_share, contested_share FROM sources")
    mo.vstack([mo.md("## Support per source site"), mo.ui.table(support, selection=None)])
    return (support,)


@app.cell
def _(mo, query):
    per_predicate = query("SELECT predicate, count(*) AS facts FROM facts GROUP BY predicate ORDER BY facts DESC")
    chart = mo.md("\n".join(f"`{p:<24}` {'█' * n} {n}" for p, n in per_predicate.iter_rows()))
    mo.vstack([mo.md("## Facts per predicate"), chart])
    return (per_predicate,)


if __name__ == "__main__":
    app.run()
