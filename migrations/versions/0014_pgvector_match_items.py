"""Claim matching on pgvector: a vector(384) copy of each vector and its HNSW index, when the server has pgvector

Only on PostgreSQL, and only when the server offers the ``vector`` extension
(``pg_available_extensions``) or it is already installed; elsewhere (SQLite,
a PostgreSQL without pgvector) this revision changes nothing, and matching
keeps its in-process vector index (factcheck.matching.store.vector_backend
decides, from whether the column exists). The copy is a stored generated
column, computed by the server from the ``vector`` bytes (float32,
little-endian), which stay the reference: every writer keeps it in step
without knowing of it (an older release still running during the upgrade, a
bulk load), as 0007's tsvector column does for full text, and the rows
already stored get theirs when the column is added. The column, its function
and the index are named match_items_vec*, outside the models
(factcheck.database.include_object leaves them out of the comparison;
tests/matching/test_vector_backends.py checks them where they exist).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 23:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# float32 little-endian bytes to pgvector, bit for bit: each float is rebuilt from its
# sign, exponent and mantissa in double precision (exact), and pgvector stores float32.
# NULL for bytes of another length (another model's vectors stay in the process).
VECTOR_OF_BYTES = """
CREATE FUNCTION match_items_vec_of(b bytea) RETURNS vector(384)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT CASE WHEN length(b) = 1536 THEN (
  SELECT array_agg(CASE WHEN e = 0 THEN m * 2 ^ (-149) ELSE (m + 8388608) * 2 ^ (e - 150) END
                   * (1 - 2 * sg) ORDER BY i)::vector(384)
  FROM (SELECT i, get_byte(b, 4 * i + 3) >> 7 AS sg,
               ((get_byte(b, 4 * i + 3) & 127) << 1) | (get_byte(b, 4 * i + 2) >> 7) AS e,
               ((get_byte(b, 4 * i + 2) & 127) << 16) | (get_byte(b, 4 * i + 1) << 8)
               | get_byte(b, 4 * i) AS m
        FROM generate_series(0, 383) AS i) AS f) END
$$"""


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
    op.execute(VECTOR_OF_BYTES)
    op.execute(
        "ALTER TABLE match_items ADD COLUMN match_items_vec vector(384) "
        "GENERATED ALWAYS AS (match_items_vec_of(vector)) STORED"
    )
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
    op.execute("DROP FUNCTION IF EXISTS match_items_vec_of(bytea)")
