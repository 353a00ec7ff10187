"""Claim matching on pgvector: a vector(384) copy of each vector and its HNSW index, when the server has pgvector

Only on PostgreSQL, and only when the server offers the ``vector`` extension
(``pg_available_extensions``) or it is already installed; elsewhere (SQLite,
a PostgreSQL without pgvector) this revision changes nothing, and matching
keeps its in-process vector index (factcheck.matching.store.vector_backend
decides, from whether the column exists). The column and index are named
match_items_vec*, outside the models like the full-text index of 0007
(factcheck.database.include_object leaves them out of the comparison; a test
checks them where they exist). Existing rows get their column filled from
the ``vector`` bytes, which stay the reference copy.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 23:00:00

"""
import numpy as np
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

DIMENSIONS = 384  # the shipped encoder's (all-MiniLM-L6-v2); other models stay in process


def _extension_ready(bind) -> bool:
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'vector'")).first():
        return True
    if not bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
    ).first():
        return False
    # Creating an extension needs a superuser (or the database owner, for a trusted
    # one); without the right, this revision leaves matching as it was, not failing.
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _extension_ready(bind):
        return
    op.execute(f"ALTER TABLE match_items ADD COLUMN match_items_vec vector({DIMENSIONS})")
    rows = bind.execute(sa.text("SELECT id, vector FROM match_items")).all()
    fill = sa.text("UPDATE match_items SET match_items_vec = CAST(:v AS vector) WHERE id = :id")
    for start in range(0, len(rows), 1000):
        batch = [
            {"id": row_id, "v": "[" + ",".join(map(repr, vector.tolist())) + "]"}
            for row_id, blob in rows[start:start + 1000]
            if len(vector := np.frombuffer(blob, dtype="<f4")) == DIMENSIONS
        ]
        if batch:
            bind.execute(fill, batch)
    op.execute(
        "CREATE INDEX match_items_vec_hnsw ON match_items "
        "USING hnsw (match_items_vec vector_cosine_ops)"
    )


def downgrade():
    # The extension itself stays: other tables of the database may use it.
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS match_items_vec_hnsw")
    op.execute("ALTER TABLE match_items DROP COLUMN IF EXISTS match_items_vec")
