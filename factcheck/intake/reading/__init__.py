"""Intake's readers: a pasted text, an HTML page or a URL into plain values.

Pure: no Flask, no database; settings and limits come in as arguments. The
public entry points are :func:`~factcheck.intake.reading.inspect.inspect_html`
and :func:`~factcheck.intake.reading.inspect.inspect_text` (what an article
would import as) and :func:`~factcheck.intake.reading.fetch.fetch_url` (the one
outbound fetcher, reading :func:`~factcheck.intake.reading.fetch.stream_url` whole).
Beside them: ``charset`` (the one sniffer and decoder of page bytes),
``dates``, ``metadata`` and ``text`` (what is read from a page), ``worker``
(the killable parsing process) and ``settings`` (fetch and parse budgets from
a settings mapping). Every error they raise for bad input is an
:class:`IntakeError` whose ``message`` can be shown to a reviewer.
"""


class IntakeError(Exception):
    """Input we cannot import, with a message a reviewer understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
