"""Sitemap imports as runs of page jobs: the run row their counts are added to

A sitemap import used to read its pages one after another inside one job. Each
page is now its own job; the run row holds the totals (pages done and failed;
fact-checks added, updated, unchanged and skipped; the skipped items' reasons)
that the page jobs add to, so the admin page and the shell report one import.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 19:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "factcheck_import_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=2000), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("pages_total", sa.Integer(), nullable=False),
        sa.Column("pages_done", sa.Integer(), nullable=False),
        sa.Column("pages_failed", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("skipped_items", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('running', 'done')",
                           name=op.f("ck_factcheck_import_runs_state_known")),
        sa.ForeignKeyConstraint(["source_id"], ["factcheck_sources.id"],
                                name=op.f("fk_factcheck_import_runs_source_id_factcheck_sources"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factcheck_import_runs")),
    )
    with op.batch_alter_table("factcheck_import_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_factcheck_import_runs_source_id"), ["source_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("factcheck_import_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_factcheck_import_runs_source_id"))
    op.drop_table("factcheck_import_runs")
