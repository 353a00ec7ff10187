"""Claimant type: Person or Organization

The ClaimReview's itemReviewed.author is a Person or an Organization; a
newspaper or a party quoted as the claimant is not a Person. Existing claims
keep "Person", which is what their markup said until now.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 06:25:44.508394

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimant_type", sa.String(length=16),
                                      server_default="Person", nullable=False))
        batch_op.create_check_constraint(
            "claimant_type_known", "claimant_type IN ('Person', 'Organization')"
        )


def downgrade():
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_constraint("claimant_type_known", type_="check")
        batch_op.drop_column("claimant_type")
