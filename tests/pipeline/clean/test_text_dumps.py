"""pipeline/clean/text_dumps.py: plain-text dumps."""
from pipeline.clean.text_dumps import clean_plain_text
from tests.pipeline.clean.pages import ARTICLE


def test_plain_text_dump_boilerplate():
    dump = "\n\n".join([
        "DAILY REEL - film news since 1999", "Home | Film | Music | Contact", "Film > News",
        "Okafor wins the harbor prize",
        f"{ARTICLE}", "Okafor said the story grew out of summers she spent near the coast.",
        "Jane Doe", "Jane Doe",
        "Jane Doe is a staff writer who covers film festivals and the business of independent cinema.",
        "Share this", "Related Articles", "Another headline here", "Latest Articles"])
    doc = clean_plain_text(dump)
    assert doc.text.startswith("Okafor wins the harbor prize")
    assert doc.text.endswith("near the coast.")
    assert doc.author == "Jane Doe"
    assert doc.title == "Okafor wins the harbor prize"
