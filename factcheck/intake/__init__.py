"""Article intake: import a pasted text, an uploaded HTML page or a URL.

Two halves, and the path says which is which:

* :mod:`factcheck.intake.reading` is pure (no Flask, no database): it fetches,
  decodes and reads a page or a text into plain values, and stores nothing;
* the modules beside it (``models``, ``drafts``, ``operations``, ``forms``,
  ``views``, ``jobs``, ``cli``…) are the
  web and database side: the import form, drafts, the stored article, the
  fetch job and the ``factcheck articles`` commands.
"""

# The largest file the ``articles`` commands read (inspect and import alike).
MAX_FILE_BYTES = 5_000_000
