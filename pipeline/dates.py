"""Normalise date phrases to ISO 8601 (YYYY-MM-DD, YYYY-MM or YYYY; --MM-DD for a day without a year).

A day without a year ("on 15 March") is kept without inventing one, in ISO 8601's reduced form --03-15; an
impossible date ("February 31") is never produced.
"""
from __future__ import annotations

import calendar
import re

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
MDY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(\d{{4}})\b", re.I)
DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\s*,?\s+(\d{{4}})\b", re.I)
MY = re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(\d{{4}})\b", re.I)
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")
YEAR = re.compile(r"^(?:in\s+|the\s+year\s+)?((?:1[5-9]|20)\d{2})$", re.I)
MD = re.compile(rf"^(?:on\s+)?(?:the\s+)?{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?$", re.I)
DM = re.compile(rf"^(?:on\s+)?(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}$", re.I)
LEAP_YEAR = 2000  # a day without a year is possible when it is possible in some year: 29 February is


def _valid(y: int, m: int, d: int | None = None) -> bool:
    return 1 <= m <= 12 and (d is None or 1 <= d <= calendar.monthrange(y, m)[1])


def _month(word: str) -> int:
    word = word.lower()
    return MONTHS["sept"] if word.startswith("sept") else MONTHS[word[:3]]


def normalize_date(text: str) -> str | None:
    """'March 15, 2020' -> '2020-03-15'; '1986' -> '1986'; relative dates -> None."""
    t = text.strip()
    if m := ISO.search(t):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        return f"{y:04d}-{mo:02d}-{d:02d}" if _valid(y, mo, d) else None
    if m := MDY.search(t):
        mo, d, y = MONTHS[m[1].lower().rstrip(".")[:4] if m[1].lower().startswith("sept") else m[1].lower()[:3]], int(m[2]), int(m[3])
        return f"{y:04d}-{mo:02d}-{d:02d}" if _valid(y, mo, d) else None
    if m := DMY.search(t):
        d, mo, y = int(m[1]), MONTHS[m[2].lower()[:3]], int(m[3])
        return f"{y:04d}-{mo:02d}-{d:02d}" if _valid(y, mo, d) else None
    if m := MY.search(t):
        return f"{int(m[2]):04d}-{MONTHS[m[1].lower()[:3]]:02d}"
    if (m := MD.match(t)) or (m := DM.match(t)):
        mo, d = (_month(m[1]), int(m[2])) if m.re is MD else (_month(m[2]), int(m[1]))
        return f"--{mo:02d}-{d:02d}" if _valid(LEAP_YEAR, mo, d) else None
    if m := YEAR.match(t):
        return m[1]
    return None
