"""The two documents the product was conceived from: they disagree on who directed the film."""
import re

import duckdb
import pytest

from tests.conftest import SEEDS, run_pipeline

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"{SEEDS} is absent (../shared not beside the repo)")


@pytest.fixture(scope="module")
def seed_warehouse(tmp_path_factory, dagster_home):
    path = tmp_path_factory.mktemp("seeds") / "seeds.duckdb"
    assert run_pipeline(SEEDS, path) == 0
    return path


def test_both_directing_claims_with_sources_and_contested(seed_warehouse):
    with duckdb.connect(str(seed_warehouse), read_only=True) as con:
        found = con.execute(
            "SELECT object, contested, list(DISTINCT regexp_extract(source, '[^/]+$')) FROM fact_sources "
            "WHERE subject = 'We Cry Together' AND predicate = 'director' GROUP BY ALL").fetchall()
    by_director = {name: (contested, sorted(src)) for name, contested, src in found}
    plain, html = "000_90dbc34315fbace9.txt", "002_7dbf4336f65663ee.txt"
    assert by_director == {
        "Dave Free": (True, [html]), "Jake Schreier": (True, [html]),
        "Kendrick Lamar": (True, [plain]), "Taylour Paige": (True, [plain]),
    }


def test_the_other_facts_each_seed_states(seed_warehouse):
    with duckdb.connect(str(seed_warehouse), read_only=True) as con:
        found = con.execute(
            "SELECT subject, predicate, object, list(DISTINCT regexp_extract(source, '[^/]+$') ORDER BY 1) "
            "FROM fact_sources GROUP BY ALL").fetchall()
    sources = {(s, p, o): src for s, p, o, src in found}
    plain, html = "000_90dbc34315fbace9.txt", "002_7dbf4336f65663ee.txt"
    film = "We Cry Together"
    assert sources[(film, "cast_member", "Taylour Paige")] == [plain, html]  # html: 'Co-starring actress ...'
    assert sources[(film, "cast_member", "Kendrick Lamar")] == [plain]
    assert sources[(film, "screenwriter", "Kendrick Lamar")] == sources[(film, "screenwriter", "Taylour Paige")] == [plain]
    assert sources[(film, "part_of", "Mr. Morale & The Big Steppers")] == [html]  # '... track from the project, "X"'
    assert sources[(film, "recording_date", "2020-03-15")] == [html]
    assert sources[(film, "producer", "Top Dawg Entertainment")] == sources[(film, "producer", "Dreamville Records")] == [plain]
    assert sources[("pgLang", "founded_by", "Dave Free")] == [html]


def test_seed_boilerplate_gone_and_entities_merged(seed_warehouse):
    with duckdb.connect(str(seed_warehouse), read_only=True) as con:
        text = " ".join(r[0] for r in con.execute("SELECT text FROM documents").fetchall())
        lamar = con.execute("SELECT type, aliases FROM entities WHERE name = 'Kendrick Lamar'").fetchall()
        dates = con.execute("SELECT published_date FROM documents").fetchall()
    for junk in ("Ankita Gupta", "Related Articles", "Latest Articles", "Roomies", "Photo by", "&;"):
        assert junk not in text
    assert "Mr. Morale & The Big Steppers" in text
    assert lamar and lamar[0][0] == "PERSON" and {"Lamar", "Kendrick"} <= set(lamar[0][1])
    assert dates == [(None,), (None,)]  # the body's "March 15, 2020" is not a publication date


def _article_paragraphs(path) -> list[str]:
    """The article's own paragraphs, read from the seed itself: the plain-text seed's up to its author bio (the
    author's name alone on a line), the HTML seed's <p> elements with text, markup stripped, `&;` repaired."""
    raw = path.read_text(encoding="utf-8")
    if "<p" not in raw:
        lines = [line.strip() for line in raw.splitlines()]
        body = lines[:lines.index("Ankita Gupta")]
        return [line for line in body if line]
    paragraphs = (re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p[^>]*>(.*?)</p>", raw, flags=re.S))
    return [p.replace("&;", "&").strip() for p in paragraphs if p.strip()]


def test_every_article_sentence_of_both_seeds_is_kept(seed_warehouse):
    with duckdb.connect(str(seed_warehouse), read_only=True) as con:
        docs = con.execute("SELECT title, text FROM documents").fetchall()
    kept = " ".join(" ".join(filter(None, row)) for row in docs)
    kept = " ".join(kept.split())
    sentences = [s for seed in sorted(SEEDS.iterdir())
                 for p in _article_paragraphs(seed) for s in re.split(r"(?<=[.!?])\s+(?=[A-Z‘“])", p)]
    assert len(sentences) > 30
    missing = [s for s in sentences if " ".join(s.split()) not in kept]
    assert missing == []


def test_the_rumour_the_seed_reports_is_no_fact(seed_warehouse):
    """'In 2016, rumors began to circulate that the two were dating. These rumors were never confirmed.'"""
    with duckdb.connect(str(seed_warehouse), read_only=True) as con:
        rumoured = con.execute("SELECT count(*) FROM fact_evidence WHERE sentence ILIKE '%rumo%'").fetchone()[0]
    assert rumoured == 0


def test_a_rumoured_claim_is_kept_as_reported_and_supports_no_fact(nlp):
    from pipeline.mentions import document_mentions
    from pipeline.relations import extract_relations

    doc = nlp("Ina Berg and Tomas Reyne star in Salt Road. In 2016, rumours began to circulate that Ina Berg had "
              "married Tomas Reyne. These rumours were never confirmed.")
    spouse = [e for e in extract_relations(doc, document_mentions(doc)) if e.predicate == "spouse"]
    assert spouse and {e.modality for e in spouse} == {"reported"}
