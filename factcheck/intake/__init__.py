"""Article intake: read a pasted text, an HTML page or a URL into plain values.

Pure: no Flask, no database. The public entry points live in
:mod:`factcheck.intake.inspect` (``inspect_html``, ``inspect_text``) and
:mod:`factcheck.intake.fetch` (``fetch_url``); every error they raise for bad
input is an :class:`IntakeError` whose ``message`` can be shown to a reviewer.
"""


class IntakeError(Exception):
    """Input we cannot import, with a message a reviewer understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# The largest file the ``articles`` commands read (inspect and import alike).
MAX_FILE_BYTES = 5_000_000
