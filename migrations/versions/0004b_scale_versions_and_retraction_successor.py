"""Rating-scale versions (in use from/until) and the successor of a retracted fact-check

A change of the scale's bounds, or of a used label's number, makes a new
version of the scale instead of changing the meaning of ratings already
given: ``created_at`` is when a version came into use and ``retired_at`` when
a newer one replaced it (the methodology page shows both). Existing scales
are dated to the migration. ``publications.superseded_by_id`` is the
fact-check that replaces a retracted one.

Revision ID: 0004b
Revises: 0004
Create Date: 2026-12-07 13:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004b"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rating_scales", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", sa.DateTime(), nullable=False,
                                      server_default=sa.func.current_timestamp()))
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_publications_superseded_by_id_publications"), "publications",
            ["superseded_by_id"], ["id"])


def downgrade():
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_publications_superseded_by_id_publications"), type_="foreignkey")
        batch_op.drop_column("superseded_by_id")
    with op.batch_alter_table("rating_scales", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
        batch_op.drop_column("created_at")
