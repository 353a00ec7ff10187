"""Numbers that come from users and are used as database ids or versions.

Primary keys and version counters are 32-bit integers on PostgreSQL, and
SQLite refuses integers past 64 bits with an OverflowError; a number typed
into a URL or a form must be checked against that before it reaches a query,
or a typo becomes a 500.
"""

from __future__ import annotations

from wtforms import IntegerField

MAX_ID = 2**31 - 1


def parse_id(value: object) -> int | None:
    """``value`` as a whole number from 0 to ``MAX_ID``, or None when it is anything else."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


class WholeNumberField(IntegerField):
    """The only integer field our forms use: a whole number from 0 to ``MAX_ID``.

    WTForms' ``IntegerField`` takes any size of number, and a version or an id
    of 20 digits then fails in the database (OverflowError on SQLite, "out of
    range" on PostgreSQL) as a 500. Bounding it here bounds every form; a test
    walks every form class and refuses a plain ``IntegerField``.
    """

    def process_formdata(self, valuelist):
        """Parse with ``parse_id``; anything else is a field error, never an exception."""
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        self.data = parse_id(valuelist[0])
        if self.data is None:
            raise ValueError(self.gettext(f"Enter a whole number from 0 to {MAX_ID}."))
