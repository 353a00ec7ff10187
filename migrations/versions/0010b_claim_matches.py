"""Claim matches: claims found at detection to be the same as one checked before

Revision ID: 0010b
Revises: 0004b
Create Date: 2026-12-07 13:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010b"
down_revision = "0004b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "claim_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("matched_claim_id", sa.Integer(), nullable=True),
        sa.Column("known_fact_check_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("(matched_claim_id IS NULL) <> (known_fact_check_id IS NULL)",
                           name=op.f("ck_claim_matches_one_target")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name=op.f("fk_claim_matches_claim_id_claims"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["known_fact_check_id"], ["known_fact_checks.id"],
                                name=op.f("fk_claim_matches_known_fact_check_id_known_fact_checks"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["matched_claim_id"], ["claims.id"],
                                name=op.f("fk_claim_matches_matched_claim_id_claims"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_matches")),
    )
    with op.batch_alter_table("claim_matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_matches_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_matches_known_fact_check_id"),
                              ["known_fact_check_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_matches_matched_claim_id"),
                              ["matched_claim_id"], unique=False)


def downgrade():
    with op.batch_alter_table("claim_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_matches_matched_claim_id"))
        batch_op.drop_index(batch_op.f("ix_claim_matches_known_fact_check_id"))
        batch_op.drop_index(batch_op.f("ix_claim_matches_claim_id"))
    op.drop_table("claim_matches")
