"""Known fact-checks: the library of published fact-checks (ours and others') and its sources

Revision ID: 0010
Revises: 0003
Create Date: 2026-12-07 12:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "factcheck_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=2000), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("poll_hours", sa.Integer(), nullable=True),
        sa.Column("next_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_status", sa.String(length=16), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_counts", sa.JSON(), nullable=False),
        sa.Column("last_skipped", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('auto', 'page', 'document', 'sitemap')",
                           name=op.f("ck_factcheck_sources_kind_known")),
        sa.CheckConstraint("poll_hours IS NULL OR poll_hours > 0",
                           name=op.f("ck_factcheck_sources_poll_positive")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_factcheck_sources_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factcheck_sources")),
        sa.UniqueConstraint("location", name=op.f("uq_factcheck_sources_location")),
    )
    with op.batch_alter_table("factcheck_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_factcheck_sources_next_run_at"), ["next_run_at"],
                              unique=False)

    op.create_table(
        "known_fact_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("claim_reviewed", sa.Text(), nullable=False),
        sa.Column("rating_label", sa.String(length=200), nullable=True),
        sa.Column("rating_value", sa.Float(), nullable=True),
        sa.Column("best_rating", sa.Float(), nullable=True),
        sa.Column("worst_rating", sa.Float(), nullable=True),
        sa.Column("publisher_name", sa.String(length=300), nullable=True),
        sa.Column("publisher_site", sa.String(length=255), nullable=True),
        sa.Column("date_published", sa.String(length=40), nullable=True),
        sa.Column("date_modified", sa.String(length=40), nullable=True),
        sa.Column("claim_date", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("claimant", sa.String(length=300), nullable=True),
        sa.Column("appearances", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("origin IN ('ours', 'imported')",
                           name=op.f("ck_known_fact_checks_origin_known")),
        sa.ForeignKeyConstraint(["publication_id"], ["publications.id"],
                                name=op.f("fk_known_fact_checks_publication_id_publications"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["source_id"], ["factcheck_sources.id"],
                                name=op.f("fk_known_fact_checks_source_id_factcheck_sources"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_fact_checks")),
        sa.UniqueConstraint("publication_id", name=op.f("uq_known_fact_checks_publication_id")),
        sa.UniqueConstraint("url", name=op.f("uq_known_fact_checks_url")),
    )
    with op.batch_alter_table("known_fact_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_known_fact_checks_date_published"),
                              ["date_published"], unique=False)
        batch_op.create_index(batch_op.f("ix_known_fact_checks_publisher_name"),
                              ["publisher_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_known_fact_checks_source_id"), ["source_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("known_fact_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_known_fact_checks_source_id"))
        batch_op.drop_index(batch_op.f("ix_known_fact_checks_publisher_name"))
        batch_op.drop_index(batch_op.f("ix_known_fact_checks_date_published"))
    op.drop_table("known_fact_checks")
    with op.batch_alter_table("factcheck_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_factcheck_sources_next_run_at"))
    op.drop_table("factcheck_sources")
