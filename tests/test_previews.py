"""What the Dagster UI shows of a run: table previews (rendered inline), the facts one readable by an analyst."""
import shutil

from tests.conftest import SAMPLE, run_pipeline


def latest_metadata(asset: str) -> dict:
    from dagster import AssetKey, DagsterInstance

    with DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(AssetKey(asset))
    return event.asset_materialization.metadata


def test_facts_preview_is_a_table_contested_and_best_supported_first(tmp_path, dagster_home):
    from dagster import TableMetadataValue

    from assets.metadata import FACT_PREVIEW_COLUMNS, column_descriptions
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox)
    assert run_pipeline(inbox, tmp_path / "w.duckdb") == 0
    preview = latest_metadata("facts")["preview"]
    assert isinstance(preview, TableMetadataValue)
    assert [c.name for c in preview.schema.columns] == FACT_PREVIEW_COLUMNS
    rows = [r.data for r in preview.records]
    contested = [r for r in rows if r["contested"]]
    assert {r["object"] for r in contested} == {"Jonah Reyes", "Marisol Okafor"} and rows[:2] == contested
    supports = [r["n_independent"] for r in rows[2:]]
    assert supports == sorted(supports, reverse=True) and supports[0] >= 2
    okafor = next(r for r in contested if r["object"] == "Marisol Okafor")
    assert okafor["subject"] == "Tides of Glass" and okafor["first_source"] in {"Film Ledger", "FilmWire",
                                                                               "coastlinecinema.example"}
    # one description per column, the model's (schemas/), the same the column schema shows
    descriptions = column_descriptions("facts")
    assert {c.name: c.description for c in preview.schema.columns if c.name != "first_source"} == {
        c: descriptions[c] for c in FACT_PREVIEW_COLUMNS if c != "first_source"}


def test_every_output_preview_is_a_table_with_the_models_descriptions(dagster_home, sample_warehouse):
    from dagster import TableMetadataValue

    from assets.metadata import column_descriptions
    # the entities asset carries the batch's entities (batch_entities); the warehouse's table adds their counts
    for asset, model in (("entities", "batch_entities"), ("quarantine", "quarantine"),
                         ("cleaned_documents", "cleaned_documents")):
        metadata = latest_metadata(asset)
        preview = metadata["preview"]
        assert isinstance(preview, TableMetadataValue) and preview.records
        assert "text" not in [c.name for c in preview.schema.columns]  # whole pages stay out of the grid
        assert {c.name: c.description for c in preview.schema.columns} == {
            c: d for c, d in column_descriptions(model).items() if c in {x.name for x in preview.schema.columns}}
        assert {c.name: c.description for c in metadata["dagster/column_schema"].schema.columns} == \
            column_descriptions(model)
