"""The regex bank: what page furniture looks like as a line of text (captions, boilerplate, calls to action,
cross-links, widget messages, site notices, bylines), in the languages of the pages we read."""
from __future__ import annotations

import re

CAPTION = re.compile(
    r"\((?:photo|image|picture|credit|illustration)s?\b[^)]*\)|^(?:photo|image|credit|picture)s?\s*(?:by|:|credit)",
    re.IGNORECASE,
)
BOILERPLATE_LINE = re.compile(
    r"^(?:related (?:articles|stories|posts|links)|latest (?:articles|news|stories)|share this(?: article| story)?|"
    r"share on \w+|(?:read|see) (?:more|next|also)\b.{0,80}|you (?:may|might) also like|more from \w+|advertisement|sponsored|"
    r"subscribe(?: to our newsletter)?|sign up for (?:our|the) newsletter.*|comments?(?: \(\d+\))?|\d+ comments?|"
    r"leave a (?:comment|reply)|(?:published|updated|posted|last updated)\b.{0,60}\d{4}.{0,40}|"
    r"follow us(?: on .*)?|tags?:.*|filed under:?.*|(?:all rights reserved|copyright|©).*|"
    r"what do you think.*|tell us what you think.*|click here.*|cookie(?:s| settings| policy).*|"
    r"accept(?: all)?(?: cookies)?)[.!:]?$",
    re.IGNORECASE,
)
# Blocks that end an article in text dumps: everything after them is site chrome.
TAIL_MARKER = re.compile(
    r"^(?:related (?:articles|stories|posts)|latest (?:articles|news|stories)|share this(?: article| story)?|"
    r"you (?:may|might) also like|more from .{1,40}|read next|comments?|tags?)[.:!…]*$",
    re.IGNORECASE,
)
# Calls to action and cross-links: newsletter boxes, "follow us", "Also on…", in several languages.
CALL_TO_ACTION = re.compile(
    r"^(?:(?:sign up|subscribe|register|join|download|follow|share|listen|watch|click|tap|submit|get)\b.{0,200}"
    r"\b(?:newsletters?|inbox|updates|twitter|facebook|instagram|youtube|app|friends?|podcast|here)\b|"
    r"like this (?:story|article)\b.*|.{0,120}\b(?:newsletters?|in your inbox)\b.{0,120})[.!?…]*$",
    re.IGNORECASE,
)
CROSS_LINK = re.compile(
    r"^\(?(?:also on|also read|read also|see also|related|recommended|more:|lea también|vea también|lesen sie auch|"
    r"mehr zum thema|auch interessant|weiterlesen|weitere (?:artikel|beiträge|\w*tipps)\b|"
    r"(?:das|dies|diese[sr]?) (?:\w+ )?könnte (?:dich|sie|euch) auch interessieren|vorschau auf|"
    r"à lire aussi|lire aussi|leggi anche|zobacz też|czytaj też)\b"
    # Lead-ins that only introduce a link when a colon follows them: "Lea más: …", "MIRA: …", "Auch lesen: …".
    r"|^\(?(?:read more|more on this|watch|listen|lea(?: más)?|lee (?:también|más)|mira|mire|ver también|"
    r"(?:también )?(?:le|te) puede interesar|puedes ver|leia (?:também|mais)|veja (?:também|mais)|auch lesen|"
    r"lesen sie (?:hier|mehr)|zum weiterlesen|dowiedz się więcej|czytaj (?:także|więcej|również)|"
    r"zobacz (?:także|również))\s*:",
    re.IGNORECASE,
)
# Headings of a block of links to other stories; the short teaser lines after one go with it.
CROSS_LINK_HEADING = re.compile(
    r"^(?:don'?t miss|must read|schon gelesen|(?:noticias|notas|artículos) relacionad[oa]s|weitere themen|"
    r"beiträge aus dem forum|most (?:read|popular|viewed|shared)|trending(?: now| stories)?|top stories|"
    r"more (?:stories|news|articles|videos)|editor'?s picks|popular (?:posts|stories|articles)|"
    r"recommended for you|más (?:noticias|sobre .{1,40})|te recomendamos|relacionad[oa]s)[.:!?…]*$",
    re.IGNORECASE,
)
# Messages of forms and widgets that trafilatura keeps as text: "Thanks for signing up!", "An error has occurred".
UI_MESSAGE = re.compile(
    r"^(?:thanks? (?:you )?for (?:signing up|subscribing|registering|your (?:feedback|submission|interest|vote))\b.*|"
    r"thank you|sorry|oops|(?:an? )?(?:unexpected )?error (?:has )?occurred\b.*|there was (?:an error|a problem)\b.*|"
    r"something went wrong\b.*|please try again(?: later)?|"
    r"(?:this|the) (?:article|story|page|link) (?:has been|was) sent to\b.*|"
    r"keep an eye on your inbox\b.*|loading(?:\.\.\.|…)?|you are (?:not|currently not) (?:logged|signed) in\b.*|"
    r"sie sind (?:aktuell |derzeit )?nicht (?:eingeloggt|angemeldet)|wird geladen(?:\.\.\.|…)?|bild anzeigen)[.!…]*$",
    re.IGNORECASE,
)
# Notices a site prints on every page: reprint terms, affiliate disclosures, copyright claims, shortcodes
# a theme failed to render.
SITE_NOTICE = re.compile(
    r".*\b(?:for your personal,? non-commercial use only|contains? (?:affiliate links|references to products)|"
    r"we may (?:receive|earn|get) (?:a )?(?:small )?(?:compensation|commission)|enthält affiliate.?links|"
    r"materiał chroniony prawem autorskim)\b.*|^\[\w+(?:\s[^\]]*)?\](?:\W*\b\w+\b){0,8}\W*\[/\w+\]$",
    re.IGNORECASE,
)
# A dateline: the place (and agency) a news story is filed from, which opens its first paragraph or stands on
# a line above it. "VIENNA — ", "NEW YORK (Reuters) - ", "BAAR, SWITZERLAND", "Berlin (dpa) – ",
# "Washington, DC, United States: ". Place names in capitals, or capitalised words before a dash or after a comma.
_CAPS_PLACE = r"[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{1,30}"
_PLACE_WORDS = r"[A-ZÀ-Þ][\w.'’-]*(?: [A-ZÀ-Þ][\w.'’-]*){0,3}"
DATELINE = re.compile(
    rf"^(?:{_CAPS_PLACE}(?:,\s*[A-Za-zÀ-ÿ.'’ -]{{2,30}}){{0,2}}(?:\s*\([^)]{{1,40}}\))?\s*(?:[—–]|--?)\s"
    rf"|{_CAPS_PLACE}(?:,\s*[A-Za-zÀ-ÿ.'’ -]{{2,30}}){{1,2}}\s*(?:$|:\s)"
    rf"|{_PLACE_WORDS}(?:,\s*{_PLACE_WORDS}){{0,2}}\s*(?:\([^)]{{1,40}}\)\s*)?[—–]\s"
    rf"|{_PLACE_WORDS}(?:,\s*{_PLACE_WORDS}){{1,3}}:\s)"
)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
EMAIL_ADDRESS = re.compile(r"\b[\w.+-]+@[\w-]+\.[a-z]{2,}\b", re.IGNORECASE)
AUTHOR_BIO = re.compile(
    r"\bis an? (?:[\w-]+ ){0,8}?(?:writer|journalist|editor|reporter|contributor|author|correspondent|"
    r"columnist|blogger|critic|freelancer)\b",
    re.IGNORECASE,
)
NAV_SEPARATORS = re.compile(r"\s[|•»›·>]\s")
