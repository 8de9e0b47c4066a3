import polars as pl
import pytest
import yaml

from pipeline.registry import RegistryError, load_registry, parse_predicate
from schemas import ContractViolation, validate_frame

REQUIRED = {"director": "P57", "cast_member": "P161", "screenwriter": "P58", "producer": "P162", "composer": "P86",
            "performer": "P175", "author": "P50", "part_of": "P361", "publication_date": "P577",
            "recording_date": "P10135", "distributed_by": "P750", "founded_by": "P112",
            "headquarters_location": "P159", "record_label": "P264", "award_received": "P166",
            "nominated_for": "P1411", "employer": "P108", "occupation": "P106", "place_of_birth": "P19",
            "date_of_birth": "P569", "educated_at": "P69", "member_of": "P463", "spouse": "P26",
            "owned_by": "P127", "chief_executive_officer": "P169", "located_in": "P131"}


def test_definitions_load_with_every_asset_and_the_job():
    from assets.definitions import defs
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"raw_documents", "cleaned_documents", "entity_mentions", "entities", "claims", "facts",
            "fact_warehouse", "quarantine", "document_sources", "mentions", "fact_evidence"} <= keys
    assert defs.resolve_job_def("materialize_all") is not None


def test_dg_check_defs_loads_the_project():
    import os
    import subprocess

    from tests.conftest import ROOT
    bin_dir = ROOT / ".venv" / "bin"
    done = subprocess.run([str(bin_dir / "dg"), "check", "defs"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, VIRTUAL_ENV=str(bin_dir.parent),
                                                PATH=f"{bin_dir}:{os.environ['PATH']}"))
    assert done.returncode == 0 and "All definitions loaded successfully" in done.stdout + done.stderr, done.stderr


def test_registry_has_every_contract_predicate_with_its_wikidata_id():
    registry = {p.name: p.wikidata for p in load_registry()}
    assert {k: registry.get(k) for k in REQUIRED} == REQUIRED


def test_registry_rejects_bad_entries():
    with pytest.raises(RegistryError):
        parse_predicate({"name": "Director", "wikidata": "P57", "subject_types": ["WORK"],
                         "object_types": ["PERSON"], "multi_valued": True, "verbs": []})
    with pytest.raises(RegistryError):
        parse_predicate({"name": "x", "wikidata": "57", "subject_types": ["WORK"], "object_types": ["PERSON"],
                         "multi_valued": True, "verbs": [{"lemmas": ["a"], "subject": "patient", "object": "agent"}]})
    unquoted = yaml.safe_load("{lemmas: [track], subject: referent, object: of, preps: [from, off, on]}")
    with pytest.raises(RegistryError, match="preps"):
        parse_predicate({"name": "part_of", "wikidata": "P361", "subject_types": ["WORK"], "object_types": ["WORK"],
                         "multi_valued": True, "nouns": [unquoted]})


def test_contract_violation_names_failing_rows():
    bad = pl.DataFrame({"entity_id": ["0123456789abcdef", "0123456789abcdef"], "name": ["A", ""],
                        "type": ["PERSON", "PLANET"], "aliases": [["A"], ["B"]], "n_mentions": [1, 1],
                        "n_documents": [1, 1]})
    with pytest.raises(ContractViolation) as exc:
        validate_frame("entities", bad)
    failed = set(exc.value.failures["column"].to_list())
    assert {"entity_id", "type", "name"} <= failed
    assert "PLANET" in str(exc.value)


def test_each_warehouse_table_is_an_asset_downstream_of_the_publish_and_published_reads_are_visible():
    from dagster import AssetKey

    from assets.definitions import defs
    from warehouse.publish import TABLES

    graph = defs.resolve_asset_graph()

    def ancestors(key: AssetKey) -> set[AssetKey]:
        parents = set(graph.get(key).parent_keys)
        return parents.union(*(ancestors(p) for p in parents))

    for table in TABLES + ("fact_sources", "contested_facts"):
        assert AssetKey("fact_warehouse") in ancestors(AssetKey(["warehouse", table])), table
    assert {"facts", "entities", "claims", "fact_evidence"} <= {k.to_user_string() for k in
                                                                 graph.get(AssetKey("fact_warehouse")).parent_keys}
    # the steps that read the published warehouse declare it
    readers = {key.to_user_string() for key in graph.get_all_asset_keys() if not graph.get(key).is_external
               and "published" in defs.resolve_assets_def(key).required_resource_keys}
    assert {"raw_documents", "cleaned_documents", "entities", "facts", "fact_warehouse"} <= readers
    # the job materializes the batch's assets; the tables are reported by the publish
    job_keys = {k.to_user_string() for k in defs.resolve_job_def("materialize_all").asset_layer.selected_asset_keys}
    assert "fact_warehouse" in job_keys and not any(k.startswith("warehouse/") for k in job_keys)


def test_registry_rejects_overrides_of_unknown_predicates(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump({"predicates": [
        {"name": "employer", "wikidata": "P108", "subject_types": ["PERSON"], "object_types": ["ORG"],
         "multi_valued": True, "overrides": ["membr_of"],
         "verbs": [{"lemmas": ["work"], "subject": "agent", "object": "prep:for"}]}]}))
    with pytest.raises(RegistryError, match="membr_of"):
        load_registry(path)
