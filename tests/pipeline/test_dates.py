import pytest

from pipeline.dates import normalize_date


@pytest.mark.parametrize("text,iso", [
    ("March 15, 2020", "2020-03-15"), ("November 14, 2025", "2025-11-14"), ("14 November 2025", "2025-11-14"),
    ("Sept. 5, 2025", "2025-09-05"), ("June 2022", "2022-06"), ("1986", "1986"), ("in 1986", "1986"),
    ("2020-03-15T10:00:00Z", "2020-03-15"), ("this year", None), ("May 45, 2020", None),
])
def test_normalize_date(text, iso):
    assert normalize_date(text) == iso
