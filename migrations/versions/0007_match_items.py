"""Claim matching: vectors and texts of matchable items, and their full-text index

match_items holds one row per (kind, item, model) with the item's text and
its sentence vector; match_generation counts writes so other processes know
when to refresh their in-memory vector index. Full text: an FTS5 table with
triggers on SQLite; on PostgreSQL a stored generated tsvector column with a
GIN index (both outside the models, named match_items_fts*;
factcheck.database.include_object leaves them out of the comparison).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 13:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "match_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_items")),
        sa.UniqueConstraint("kind", "item_id", "model", name="uq_match_items_kind_item_model"),
        sa.UniqueConstraint("key", name=op.f("uq_match_items_key")),
    )
    op.create_index("ix_match_items_model_kind", "match_items", ["model", "kind"])
    op.create_table(
        "match_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_generation")),
    )
    op.execute("INSERT INTO match_generation (id, generation) VALUES (1, 0)")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE match_items_fts USING fts5("
            "text, content='match_items', content_rowid='id', tokenize='porter unicode61')"
        )
        op.execute(
            "CREATE TRIGGER match_items_fts_insert AFTER INSERT ON match_items BEGIN "
            "INSERT INTO match_items_fts(rowid, text) VALUES (new.id, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER match_items_fts_delete AFTER DELETE ON match_items BEGIN "
            "INSERT INTO match_items_fts(match_items_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); END"
        )
        op.execute(
            "CREATE TRIGGER match_items_fts_update AFTER UPDATE OF text ON match_items BEGIN "
            "INSERT INTO match_items_fts(match_items_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); "
            "INSERT INTO match_items_fts(rowid, text) VALUES (new.id, new.text); END"
        )
    else:
        # A stored tsvector: ts_rank then reads it instead of parsing each text again.
        op.execute(
            "ALTER TABLE match_items ADD COLUMN match_items_fts_tsv tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED"
        )
        op.execute("CREATE INDEX match_items_fts ON match_items USING gin (match_items_fts_tsv)")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS match_items_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS match_items_fts")
    else:
        op.execute("DROP INDEX IF EXISTS match_items_fts")
        op.execute("ALTER TABLE match_items DROP COLUMN IF EXISTS match_items_fts_tsv")
    op.drop_table("match_generation")
    op.drop_index("ix_match_items_model_kind", table_name="match_items")
    op.drop_table("match_items")
