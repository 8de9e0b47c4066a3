import pytest

from pipeline.dates import normalize_date


@pytest.mark.parametrize("text,iso", [
    ("March 15, 2020", "2020-03-15"), ("November 14, 2025", "2025-11-14"), ("14 November 2025", "2025-11-14"),
    ("Sept. 5, 2025", "2025-09-05"), ("June 2022", "2022-06"), ("1986", "1986"), ("in 1986", "1986"),
    ("2020-03-15T10:00:00Z", "2020-03-15"), ("this year", None), ("May 45, 2020", None),
])
def test_normalize_date(text, iso):
    assert normalize_date(text) == iso


@pytest.mark.parametrize("text, iso", [
    ("15 March", "--03-15"), ("on 15 March", "--03-15"), ("March 15th", "--03-15"), ("29 February", "--02-29"),
    ("February 31, 2004", None), ("30 February", None), ("February 29, 2003", None), ("February 29, 2004", "2004-02-29"),
])
def test_a_day_without_a_year_is_kept_without_one_and_impossible_dates_never_made(text, iso):
    assert normalize_date(text) == iso


def test_a_day_without_a_year_agrees_with_that_day_in_any_year():
    from pipeline.facts import _conflicting
    assert not _conflicting("--03-15", "2005-03-15", "date")
    assert _conflicting("--03-15", "2005-03-16", "date")
