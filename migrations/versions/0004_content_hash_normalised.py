"""Content hashes of articles and drafts taken on normalised text

Until now ``sha256`` was of the bytes as received, so the same article pasted
from a browser (CRLF line endings) and from a file (LF) were not found to be
duplicates. The hash is now of the decoded text with line endings made LF and
Unicode in NFC (``factcheck.intake.reading.inspect.content_sha256``); this re-hashes
the rows stored before. The rule is repeated here, frozen, so the migration
does not change if the application's code does.

Two articles that were duplicates under the new rule cannot share a hash (the
column is unique): the later one keeps its old hash, and nothing is deleted.

Revision ID: 0004
Revises: 0007
Create Date: 2026-12-07 12:30:00

"""
import codecs
import hashlib
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0007"
branch_labels = None
depends_on = None


def _normalised_sha256(original: bytes, encoding: str | None) -> str:
    try:
        codec = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        codec = "utf-8"
    text = bytes(original).decode(codec, errors="replace")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rehash(table: str, unique: bool) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(f"SELECT id, original, original_encoding, sha256 FROM {table} ORDER BY id")  # noqa: S608
    ).all()
    taken = {row.sha256 for row in rows}
    for row in rows:
        new = _normalised_sha256(row.original, row.original_encoding)
        if new == row.sha256 or (unique and new in taken):
            continue
        taken.discard(row.sha256)
        taken.add(new)
        connection.execute(sa.text(f"UPDATE {table} SET sha256 = :new WHERE id = :id"),  # noqa: S608
                           {"new": new, "id": row.id})


def upgrade():
    _rehash("articles", unique=True)
    _rehash("import_drafts", unique=False)


def downgrade():
    # The hashes of the raw bytes are not kept; re-hashing them back is possible
    # since the bytes are, but an older version of the desk only needs them to
    # be unique, which they still are.
    pass
