"""Login throttles: failed sign-ins per account, counted in the database

Per-account limits held only per worker process with the in-memory limiter;
counting here makes them hold across workers and servers (accounts/throttle.py).

Revision ID: 0005
Revises: 0010b
Create Date: 2026-12-07 13:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0010b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=True),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.Column("locked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint("email", name=op.f("uq_login_throttles_email")),
    )


def downgrade():
    op.drop_table("login_throttles")
