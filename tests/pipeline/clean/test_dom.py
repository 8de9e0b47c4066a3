"""pipeline/clean/dom.py: hidden content, tabs and folds, bodies split by ad rows, embedded posts, the lead in the
headline box."""
from pipeline.clean.guard import rules_disabled
from pipeline.clean.html import clean_html
from tests.pipeline.clean.pages import (ARTICLE, FURNACE_CREWS, LONG_STORY, PART_ONE, PART_TWO, headline_box_page, page,
                                       split_body_page)


def test_hidden_blocks_are_not_article_text():
    hidden = ('<div style="display: none" itemscope itemtype="http://schema.org/NewsArticle">'
              '<div itemprop="headline">Harbor siblings sell the glassworks</div>'
              '<div itemprop="datePublished">2025-11-19T08:57:40+01:00</div>'
              '<div itemprop="image">https://img.example/glassworks.jpg</div></div>'
              '<p hidden>Members-only teaser about an unrelated auction.</p>')
    text = clean_html(page(f"<article><p>{ARTICLE}</p><p>The sale closes in spring.</p>{hidden}</article>")).text
    assert "harbor drama" in text and "sale closes in spring" in text
    for junk in ("2025-11-19T08:57:40", "img.example", "unrelated auction"):
        assert junk not in text


def test_article_body_split_by_ad_rows_is_joined():
    """Long bodies split into repeated containers with an ad row between: both parts are the article."""
    text = clean_html(split_body_page('<div class="ad-row">Advertisement<div class="ad-slot"></div></div>')).text
    for p in PART_ONE + PART_TWO:
        assert p in text
    assert text.index(PART_ONE[-1]) < text.index(PART_TWO[0])
    assert "Advertisement" not in text


def test_look_alike_containers_behind_other_content_are_not_joined():
    """A same-class container after a block of other prose (a teaser list, comments) is not a continuation."""
    other = '<section class="promo">' + " ".join(["Another story about the city budget and new ferry routes."] * 8) + "</section>"
    text = clean_html(split_body_page(other)).text
    assert PART_ONE[0] in text
    assert not any(p in text for p in PART_TWO)


def test_an_inline_element_wrapping_the_whole_article_with_a_picture_and_links_is_kept():
    html = page('<nav class="breadcrumb"><a href="/">Home</a> › <a href="/news">News</a></nav>'
                f'<p><span class="story"><img src="/i/furnace.jpg"><a href="/crews">The crews</a> and '
                f'<a href="/owners">the owners</a> met. {LONG_STORY}</span></p>')
    doc = clean_html(html)
    assert LONG_STORY in doc.text


def test_reader_comments_styled_like_the_body_are_not_joined_as_its_continuation():
    comments = ('<div class="grid article-grid"><div class="article__body body-text"><ol class="comment-list">'
                + "".join(f'<li class="comment"><p>harborfan{i}: I worked at that furnace for twenty years and '
                          f'the new owners will never understand how the crews ran it, mark my words.</p></li>'
                          for i in range(4)) + "</ol></div></div>")
    doc = clean_html(split_body_page('<div class="ad-row">Advertisement</div>').replace("</main>", comments + "</main>"))
    assert all(p in doc.text for p in PART_ONE + PART_TWO)
    assert "harborfan" not in doc.text
    assert any(d.startswith("split_body: left out") for d in doc.guard)


def test_article_text_in_a_closed_tab_is_kept_and_hidden_comments_are_not():
    review = LONG_STORY.replace("glassworks sale", "lamp review")
    tabs = (f'<div class="tabs"><div class="tab-panel" id="tab-overview"><p>{ARTICLE}</p></div>'
            f'<div class="tab-panel" id="tab-review" style="display: none"><p>{review}</p></div></div>')
    comments = f'<section class="comments" style="display:none"><p>{LONG_STORY.replace("crews", "commenters")}</p></section>'
    doc = clean_html(page(f"<article>{tabs}{comments}</article>"))
    assert review in doc.text and ARTICLE in doc.text
    assert "commenters" not in doc.text
    assert any(d.startswith("hidden: revealed") for d in doc.guard)


def test_the_folded_panels_of_a_privacy_dialog_are_not_revealed():
    consent = ('<div class="gdpr-overlay"><div class="toggle-details" style="display:none"><p>'
               + LONG_STORY.replace("glassworks sale", "processing of your data") + "</p></div></div>")
    text = clean_html(page(f"<article><p>{ARTICLE}</p><p>{FURNACE_CREWS}</p></article>{consent}")).text
    assert FURNACE_CREWS in text and "processing of your data" not in text


LEAD = ("The harbor glassworks has new owners: its own furnace crews, who bought it from the founding family "
        "on Friday after two years of talks.")


def test_the_lead_in_the_headline_box_outside_the_body_container_is_kept():
    doc = clean_html(headline_box_page(f"<p>{LEAD}</p>"))
    assert doc.text.startswith(LEAD + "\n\n") and "part 2, day 11" in doc.text
    assert doc.title == "Crews buy the glassworks" and "Crews buy the glassworks" not in doc.text
    assert any(d.startswith("lead: added 24 words") for d in doc.guard)


def test_a_kicker_or_a_row_of_links_under_the_headline_is_not_a_lead():
    links = '<p><a href="/a">Ferry fares to rise again next spring, the council says</a> <a href="/b">Harbor ' \
            'festival line-up revealed in full by the organisers this morning.</a></p>'
    doc = clean_html(headline_box_page("<p>Exclusive</p>" + links))
    assert doc.text.startswith("The glassworks sale was signed on part 1")
    assert not any(d.startswith("lead:") for d in doc.guard)


def test_a_subheadline_marked_as_a_dek_or_standfirst_is_not_a_lead():
    """A dek is headline display, written to sell the story; a teaser or intro box is the story's first paragraph."""
    for marker in ("article-dek", "articleDek dekSummary", "standfirst", "entry-subtitle"):
        doc = clean_html(headline_box_page(f"<p>{LEAD}</p>", lead_class=marker))
        assert LEAD not in doc.text and doc.text.startswith("The glassworks sale"), marker
        assert not any(d.startswith("lead:") for d in doc.guard)
    assert clean_html(headline_box_page(f"<p>{LEAD}</p>", lead_class="decoration")).text.startswith(LEAD)


def test_no_lead_is_added_above_a_body_that_opens_with_a_dateline():
    """The dateline opens the story's first paragraph: the text above it in the header box is not the story."""
    for dateline in ("PORT ELLEN — ", "PORT ELLEN, Scotland (Coast Wire) - ", "Port Ellen (cw) – ",
                     "Port Ellen, Islay, Scotland: "):
        doc = clean_html(headline_box_page(f"<p>{LEAD}</p>", dateline=dateline))
        assert LEAD not in doc.text and doc.text.startswith(dateline.strip()), dateline
        assert any(d.startswith("lead: skipped, the body opens with a dateline") for d in doc.guard)
    place_line = clean_html(headline_box_page(f"<p>{LEAD}</p>").replace(
        '<div class="article-body">', '<div class="article-body"><p>PORT ELLEN, SCOTLAND</p>'))
    assert LEAD not in place_line.text
    # A body that opens with a sentence, or a heading in capitals, is no dateline: the lead goes first.
    for opening in ("Harbor news: ", "THE SALE "):
        assert clean_html(headline_box_page(f"<p>{LEAD}</p>", dateline=opening)).text.startswith(LEAD), opening


def test_a_hidden_tab_of_reader_comments_stays_closed_and_a_details_fold_of_the_story_opens():
    """Tabs and folds are revealed for the article's text, never for the comment thread in a sibling tab."""
    review = LONG_STORY.replace("glassworks sale", "lamp review")
    comments = LONG_STORY.replace("crews", "commenters")
    html = page(f"<article><p>{ARTICLE}</p>"
                f'<div class="tabs"><div class="tab-panel" id="tab-comments" style="display:none"><p>{comments}</p></div></div>'
                f"<details><summary>Full review</summary><p>{review}</p></details></article>")
    doc = clean_html(html)
    assert review in doc.text and "commenters" not in doc.text


def test_hidden_prose_without_a_layout_reason_is_left_for_the_extractor_not_dropped():
    """Prose hidden by a script we cannot see (no tab, fold or comment marker) is not ours to delete."""
    story = LONG_STORY.replace("glassworks sale", "ferry contract")
    doc = clean_html(page(f'<article><p>{ARTICLE}</p><div class="js-paywall" style="display:none"><p>{story}</p>'
                          "</div></article>"))
    assert any(d.startswith("hidden: kept") for d in doc.guard)
    assert story in doc.text


def test_the_body_container_on_a_tie_is_the_first_in_the_page_every_time():
    """Two classed containers holding as many extracted paragraphs: the choice may not follow memory addresses."""
    from lxml import html as lxml_html

    from pipeline.clean.dom import _body_container
    markup = "".join(f'<div class="part-{i}"><p>{p}</p></div>' for i, p in enumerate(PART_ONE[:4]))
    for _ in range(20):
        tree = lxml_html.document_fromstring(f"<html><body>{markup}</body></html>")
        assert _body_container(tree, PART_ONE[:4]).get("class") == "part-0"


def tweet(text: str, who: str = "Coast Daily (@coastdaily) May 2, 2025") -> str:
    """The embed code a social network gives for a post: a blockquote its script turns into a card."""
    return (f'<div class="embed embed--social"><blockquote class="twitter-tweet"><p lang="en">{text}<br>'
            f'pic.twitter.com/AbCdEf</p>&mdash; {who}</blockquote></div>')


def test_a_post_the_article_embeds_is_put_back_after_the_paragraph_it_follows():
    """Extractors drop embed boxes with the share buttons; an article quotes a post as it quotes a speaker."""
    quoted = "The crews signed tonight. The furnace stays lit"
    html = page('<div class="story-body">' + "".join(f"<p>{p}</p>" for p in PART_ONE[:4]) + tweet(quoted)
                + "".join(f"<p>{p}</p>" for p in PART_ONE[4:])
                + '<div class="comments">' + tweet("Great news for the town", "A reader (@reader) May 3, 2025")
                + "</div></div>"
                + '<aside class="rail">' + tweet("Ferry timetables for the summer are out now") + "</aside>")
    doc = clean_html(html)
    lines = doc.text.split("\n\n")
    at = lines.index(PART_ONE[3])
    assert lines[at + 1: at + 4] == [quoted, "pic.twitter.com/AbCdEf", "— Coast Daily (@coastdaily) May 2, 2025"]
    assert lines[at + 4] == PART_ONE[4]
    assert "Ferry timetables" not in doc.text and "Great news" not in doc.text
    assert [d for d in doc.guard if d.startswith("embedded_post:")] == [
        "embedded_post: put back 18 words of 1 embedded post"]  # not the reader's, though inside the body box
    with rules_disabled({"embedded_post"}):
        assert quoted not in clean_html(html).text  # the extractor left it out
