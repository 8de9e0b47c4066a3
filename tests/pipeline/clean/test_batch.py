"""pipeline/clean/batch.py: language and the document-level result."""
from pipeline.clean.batch import detect_language
from tests.pipeline.clean.pages import ARTICLE


def test_language():
    assert detect_language(ARTICLE) == "en"
    assert detect_language("Le festival a présenté mardi la liste des quatorze films retenus pour sa prochaine édition.") == "fr"
