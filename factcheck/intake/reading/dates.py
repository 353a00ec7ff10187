"""Dates as pages really carry them, normalised to ISO 8601.

Structured data promises ISO 8601 and often delivers something else:
``2020-06-24 00:03`` (a space, no zone), ``2021-01-08T11:33:52+0200`` (no colon
in the offset), ``Tue Jan 28 15:28:56 CET 2020`` (Java's ``Date.toString``),
RFC 2822 from feeds, or ``08 January 2021``. :func:`normalize_date` reads these
and returns an ISO 8601 string that keeps exactly the precision the page gave:
a date stays a date, a time without a zone stays without one (we never invent
a zone).
"""

from __future__ import annotations

import email.utils
import re
from datetime import date, datetime, timedelta, timezone

_ISO = re.compile(
    r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<zone>Z|[A-Za-z]{2,5}|[+-]\d{2}(?::?\d{2})?)?"
)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
# Java's Date.toString and Unix date(1): "Tue Jan 28 15:28:56 CET 2020".
_CTIME = re.compile(
    r"(?:[A-Za-z]{3},?\s+)?(?P<mon>[A-Za-z]{3,9})\s+(?P<d>\d{1,2})\s+"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s+"
    r"(?:(?P<zone>[A-Za-z]{2,5}|[+-]\d{4})\s+)?(?P<y>\d{4})"
)
# "08 January 2021", "8 Jan. 2021", "January 8, 2021".
_DAY_MONTH_YEAR = re.compile(
    r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})"
)
_MONTH_DAY_YEAR = re.compile(
    r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
# Abbreviations that news sites use and that mean one thing. Ambiguous ones
# (IST: India or Ireland) are left out: a wrong zone is worse than none.
_ZONES = {
    "Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "WET": 0, "WEST": 60, "BST": 60,
    "CET": 60, "CEST": 120, "MET": 60, "MEST": 120, "EET": 120, "EEST": 180,
    "MSK": 180, "SAST": 120, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480,
    "HST": -600, "BRT": -180, "ART": -180, "JST": 540, "KST": 540, "HKT": 480,
    "SGT": 480, "WIB": 420, "PHT": 480, "AEST": 600, "AEDT": 660, "ACST": 570,
    "AWST": 480, "NZST": 720, "NZDT": 780,
}


def _zone(text: str | None) -> timezone | bool | None:
    """A tzinfo for ``text``; None when absent; False when present but unknown."""
    if not text:
        return None
    upper = text.upper()
    if upper in _ZONES:
        return timezone(timedelta(minutes=_ZONES[upper]))
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", text)
    if not match:
        return False
    minutes = int(match[2]) * 60 + int(match[3] or 0)
    if minutes > 18 * 60:
        return False
    return timezone(timedelta(minutes=-minutes if match[1] == "-" else minutes))


def _build(
    year: str, month: int | str, day: str,
    hour: str | None = None, minute: str | None = None, second: str | None = None,
    zone: str | None = None,
) -> str | None:
    """Assemble and validate; None when any part is out of range."""
    tz = _zone(zone)
    if tz is False:
        return None
    try:
        if hour is None:
            return date(int(year), int(month), int(day)).isoformat()
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute or 0),
                          int(second or 0), tzinfo=tz or None)
    except ValueError:
        return None
    return moment.isoformat()


def normalize_date(value: object) -> str | None:
    """Return ``value`` as an ISO 8601 date or date-time string, or None.

    Accepts ISO 8601 and its common deviations, RFC 2822, ``ctime``-style
    strings with a zone name, and day-month-year or month-day-year with an
    English month name. Anything else (including numbers, lists and
    impossible dates) gives None; the caller decides whether to warn.
    """
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > 64:
        return None
    if match := _ISO.fullmatch(text):
        return _build(match["y"], match["m"], match["d"], match["H"], match["M"],
                      match["S"], match["zone"])
    if match := _COMPACT.fullmatch(text):
        return _build(match["y"], match["m"], match["d"])
    if match := _CTIME.fullmatch(text):
        month = _MONTHS.get(match["mon"].lower())
        if month:
            return _build(match["y"], month, match["d"], match["H"], match["M"],
                          match["S"], match["zone"])
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return parsed.isoformat()
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        if (match := pattern.fullmatch(text)) and (month := _MONTHS.get(match["mon"].lower())):
            return _build(match["y"], month, match["d"])
    return None
