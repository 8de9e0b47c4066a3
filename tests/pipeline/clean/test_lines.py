"""pipeline/clean/lines.py (and its regexes in patterns.py): page furniture recognised line by line."""
from pipeline.clean.html import clean_html
from tests.pipeline.clean.pages import ARTICLE, FURNACE_CREWS, article_page, page


def test_photo_credits_and_widget_lines_dropped():
    html = ("Kendrick Lamar (Photo by Someone/Agency)\n"
            f"<p>{ARTICLE}</p><p>Second paragraph of real prose about the film and its release.</p>"
            "<div>What Do You Think Roomies?</div><div>+1</div>")
    text = clean_html(html).text
    assert "Photo by" not in text and "Roomies" not in text and "+1" not in text


def test_headline_repeated_at_the_top_of_the_body_is_the_title_only():
    html = ('<html><head><meta property="og:title" content="Harbor siblings sell the glassworks"></head><body>'
            f"<article><h1>Harbor siblings sell the glassworks</h1><p>{ARTICLE}</p></article></body></html>")
    doc = clean_html(html)
    assert doc.title == "Harbor siblings sell the glassworks"
    assert doc.text.startswith("The harbor drama")


def test_calls_to_action_and_cross_links_are_dropped_but_prose_about_them_kept():
    body = [
        "The harbor paper launched a weekly newsletter in 2019 to cover the glassworks sale.",
        ARTICLE,
        "Also on Coast Daily: Ferry timetable changes for the winter season",
        "Like many of us, the siblings had never read the ledgers before the sale.",
        "The furnace crews kept their own records, written in pencil on the back of order forms.",
        "Sign up for the Morning Tide newsletter to get the day's top stories in your inbox.",
        "Email the writer at ines.marlow@coastdaily.example.",
        "Weitere Artikel zum Thema",
        "Das könnte Sie auch interessieren:",
    ]
    text = clean_html(page("<article>" + "".join(f"<p>{p}</p>" for p in body) + "</article>")).text
    assert "weekly newsletter in 2019" in text
    assert "Like many of us" in text and "written in pencil" in text
    for junk in ("Also on Coast Daily", "Sign up for", "ines.marlow@", "Weitere Artikel", "auch interessieren"):
        assert junk not in text


def test_form_and_widget_messages_are_dropped_but_sentences_with_the_same_words_kept():
    text = clean_html(article_page([
        ARTICLE,
        "Sorry, the glassworks said, was not a word the old owner ever used with his crews.",
        "The furnace was relit in spring, and the first batch sold out within a week of the sale.",
        "Thanks for signing up!",
        "There was an error processing your subscription.",
        "An error has occurred, please try again later.",
        "This article has been sent to",
        "The new owners plan a small museum in the old packing hall, open on weekends.",
    ])).text
    assert "Sorry, the glassworks said" in text and "small museum" in text
    for junk in ("Thanks for signing up", "error processing", "error has occurred", "has been sent to"):
        assert junk not in text


def test_the_pages_own_address_printed_as_a_line_is_dropped_but_cited_links_kept():
    head = '<link rel="canonical" href="https://coastdaily.example/news/glassworks-sale">'
    text = clean_html(article_page([
        "https://coastdaily.example/news/glassworks-sale",
        ARTICLE,
        "The sale documents are public: https://registry.example/filings/2291",
        "https://registry.example/filings/2291",
    ], head)).text
    assert not text.startswith("https://coastdaily.example")
    assert text.endswith("https://registry.example/filings/2291")


def test_cross_link_lead_ins_in_several_languages_are_dropped():
    lead_ins = ["Lea más: El puerto cierra por obras", "MIRA: Así fue la venta de la fábrica",
                "Le puede interesar: Nueva ruta del ferry", "Auch lesen: Die Fähre fährt im Winter seltener",
                "Dowiedz się więcej: Kto kupił hutę szkła?", "Read more: Ferry timetable changes"]
    text = clean_html(article_page([ARTICLE, *lead_ins, "Mira la fábrica desde el muelle y verás el humo del horno."])).text
    assert "Mira la fábrica desde el muelle" in text  # no colon: a sentence, not a lead-in
    for junk in lead_ins:
        assert junk.split(":")[1].strip() not in text


def test_a_dont_miss_block_goes_with_its_teaser_headlines_and_the_story_resumes():
    text = clean_html(article_page([
        ARTICLE,
        "DON'T MISS",
        "Ferry fares to rise again next spring [INSIGHT]",
        "Harbor festival: the full line-up revealed [VIDEO]",
        "The buyers said the furnace would be relit before the end of the year.",
    ])).text
    assert "furnace would be relit" in text
    for junk in ("DON'T MISS", "Ferry fares", "festival"):
        assert junk not in text


def test_tags_and_you_may_also_like_end_the_article():
    text = clean_html(article_page([
        ARTICLE, "The crews will keep their jobs under the new owners, the union confirmed on Friday.",
        "Tags", "glassworks, harbor, ferry, union",
        "Comentários ofensivos não serão aprovados pelo moderador.",
    ])).text
    assert text.endswith("the union confirmed on Friday.")
    text = clean_html(article_page([ARTICLE, "You may also like...", "Harbor festival line-up revealed"])).text
    assert text == ARTICLE


def test_site_notices_and_unrendered_shortcodes_are_dropped_but_code_in_brackets_kept():
    notices = [
        "This copy is for your personal, non-commercial use only. To order copies visit reprints.example.",
        "This post contains affiliate links. We may receive a commission when you buy through them.",
        '[button link="https://coastdaily.example/tips" type="big"] Send us your story[/button]',
    ]
    code = "[sourcecode language=\"bash\"]grep -x '/entry[@type=\"feed\"]/location' db.xml | sort > links.txt[/sourcecode]"
    text = clean_html(article_page([notices[0], ARTICLE, code, *notices[1:], FURNACE_CREWS,
                                    "The union will meet the buyers again in March."])).text
    assert "grep -x" in text and "meet the buyers" in text
    for junk in ("non-commercial", "affiliate links", "Send us your story"):
        assert junk not in text


def test_a_timestamp_above_the_story_is_dropped_but_dates_in_the_body_kept():
    text = clean_html(article_page([
        "segunda-feira, 22 de janeiro de 2018 às 0:13", ARTICLE,
        "Termin: 21.02.2020, 19 Uhr", "Opening: March 15, 2020 at 10:00",
        "The museum in the old packing hall will be open on weekends from then on.",
    ])).text
    assert text.startswith("The harbor drama")
    assert "21.02.2020" in text and "March 15, 2020" in text


def test_a_cross_link_in_parentheses_is_dropped():
    text = clean_html(article_page([ARTICLE, "(Leggi anche: Il porto chiude per lavori)",
                                    "The ferry will run again from April."])).text
    assert "Leggi anche" not in text and text.endswith("from April.")


def test_a_call_to_action_after_the_last_paragraph_cuts_the_promotional_tail():
    story = [ARTICLE, "The harbor paper's newsletter first reported the sale, and the union confirmed it on Friday "
                      "after a long meeting with the buyers in the old packing hall by the quay."]
    tail = ["Morning Tide Newsletter", "Join our free harbor quiz", "- Ferry fares to rise again next spring",
            "- Harbor festival: the full line-up revealed by the organisers this morning."]
    text = clean_html(article_page(story + tail)).text
    assert text.endswith("by the quay.") and "newsletter first reported" in text


def test_a_list_or_table_that_ends_the_article_is_not_trimmed_as_trailing_fragments():
    ranking = [f"{i:02d}. Furnace crew {i}" for i in range(1, 21)]
    html = page("<article>" + f"<p>{ARTICLE}</p><p>{FURNACE_CREWS}</p><p>The best crews of the decade:</p>"
                + "".join(f"<p>{item}</p>" for item in ranking)
                + "<table><tr><td>Kiln</td><td>1921</td></tr><tr><td>Crews</td><td>14</td></tr></table></article>")
    text = clean_html(html).text
    assert all(item in text for item in ranking)
    assert text.endswith("| Crews | 14 |")
