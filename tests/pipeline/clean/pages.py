"""Tiny pages we write for the cleaning tests (never benchmark pages)."""

ARTICLE = " ".join(["The harbor drama follows two siblings who return home to sell a glassworks."] * 3)


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>T</title>{head}</head><body>{body}</body></html>"


PART_ONE = [f"Part one, paragraph {i}: the glassworks opened in 1921 and employed most of the harbor town for decades."
            for i in range(1, 9)]


PART_TWO = [f"Part two, paragraph {i}: the siblings found the ledgers of the furnace crews in the attic of the office."
            for i in range(1, 5)]


def split_body_page(gap: str) -> str:
    grid = '<div class="grid article-grid">{}</div>'
    body = '<div class="article__body body-text">{}</div>'
    paragraphs = lambda ps: "".join(f"<p>{p}</p>" for p in ps)
    return page("<main>" + grid.format(body.format(paragraphs(PART_ONE)) + '<aside class="rail"></aside>')
                + gap + grid.format(body.format(paragraphs(PART_TWO))) + "</main>")


# A second paragraph, so that a test's page furniture stays under the content-loss guard's share of the article.
FURNACE_CREWS = ("The furnace crews kept their own records, written in pencil on the back of order forms, and the "
                 "siblings read every ledger before they signed the sale.")


def article_page(paragraphs: list[str], head: str = "") -> str:
    return page("<article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>", head)


# ---- the content-loss guard and the rules it watches (issue 19)
LONG_STORY = " ".join(
    f"The glassworks sale was signed on day {i} of the talks, and the crews kept their jobs under the new owners."
    for i in range(1, 12))  # 231 words of running prose


def headline_box_page(lead: str, lead_class: str = "teaser", dateline: str = "") -> str:
    """The headline and a lead in one box, the body in another: the extractor picks the body container.
    `dateline` opens the body's first paragraph ("PORT ELLEN — ")."""
    body = "".join(f"<p>{dateline if i == 1 else ''}{LONG_STORY.replace('day', f'part {i}, day')}</p>"
                   for i in range(1, 3))
    return ('<html><head><title>Crews buy the glassworks | Coast Daily</title>'
            '<meta property="og:site_name" content="Coast Daily"></head><body>'
            '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
            f'<div class="story-header"><h1>Crews buy the glassworks</h1><div class="{lead_class}">{lead}</div></div>'
            f'<div class="article-body">{body}</div><footer>Coast Daily 2025</footer></body></html>')
