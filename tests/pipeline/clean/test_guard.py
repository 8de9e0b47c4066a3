"""pipeline/clean/guard.py: the content-loss guard and switching rules off."""
from pipeline.clean.guard import ContentGuard, rules_disabled
from pipeline.clean.html import clean_html
from tests.pipeline.clean.pages import ARTICLE, FURNACE_CREWS, LONG_STORY, article_page


def test_guard_refuses_a_rule_that_would_remove_a_paragraph_of_running_prose():
    """A boilerplate pattern ('Filed under: …') matching the paragraph that is the whole article."""
    story = f"Filed under: {LONG_STORY}"
    more = [LONG_STORY.replace("glassworks sale", deal) for deal in ("ferry contract", "harbor lease")]
    doc = clean_html(article_page(["Glassworks sold to the crews", story, *more]))  # under the share: prose alone
    assert LONG_STORY in doc.text and doc.text.startswith("Glassworks sold")
    assert "boilerplate_line: refused, would remove a 233-word paragraph of prose" in doc.guard


def test_guard_refuses_removals_past_its_share_of_the_article_and_records_it():
    lines = [f"The crews voted on day {i} to accept the offer of the siblings." for i in range(1, 5)] + ["Home"]
    guard = ContentGuard.over(lines)  # 4 sentences of 13 words: 52 words
    lines = guard.apply("nav_line", lambda ls: ls[:-1], lines)  # not a sentence: not counted
    lines = guard.apply("promo_tail", lambda ls: ls[:-1], lines)  # 13 of 52 words
    assert len(lines) == 3
    assert guard.apply("trailing_fragment", lambda ls: ls[:-1], lines) is lines  # 26 of 52 words: over 40 %
    assert guard.decisions == ["trailing_fragment: refused, would remove 13 of the 52 words in the article's "
                               "sentences (13 already removed)"]


def test_switching_a_rule_off_leaves_its_lines():
    html = article_page([ARTICLE, "Share this article", FURNACE_CREWS])
    assert "Share this" not in clean_html(html).text
    with rules_disabled({"boilerplate_line"}):
        assert "Share this article" in clean_html(html).text


def test_cuts_by_position_may_not_take_most_of_the_page():
    """A tail marker early in a page whose article is a list: the cut would take most of its words."""
    lines = ["The crews voted on Friday to accept the offer of the siblings.", "Tags"] + [
        f"- Kiln {i} relit in spring with a new crew" for i in range(8)]
    guard = ContentGuard.over(lines)
    assert guard.apply("tail_marker", lambda ls: ls[:1], lines) is lines
    assert guard.decisions == ["tail_marker: refused, would cut 73 of the page's 85 words (0 already cut by position)"]
