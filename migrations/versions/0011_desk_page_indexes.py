"""Desk page indexes: "my claims" in index order, recent audit records per action

The desk home read every claim assigned to the user and sorted them to show
20, counted a month of activity by reading every record of each action ever
written, grouped every submission ever recorded to find when each claim began
waiting, and looked up each claim in research to count the load per person.
These indexes let each read only what it shows (docs/team.md, "Speed").
The object index gains the action and time (its old columns are its prefix).

Revision ID: 0011
Revises: 0005
Create Date: 2026-12-07 16:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("claims") as batch_op:
        batch_op.create_index(
            "ix_claims_assignee_order",
            ["assignee_id", sa.text("priority DESC"), "updated_at", "id"], unique=False)
        batch_op.create_index("ix_claims_state_assignee", ["state", "assignee_id"],
                              unique=False)
    with op.batch_alter_table("audit_records") as batch_op:
        batch_op.create_index("ix_audit_records_action_at", ["action", "at"], unique=False)
        batch_op.create_index("ix_audit_records_object_action",
                              ["object_type", "object_id", "action", "at"], unique=False)
        batch_op.drop_index("ix_audit_records_object")


def downgrade():
    with op.batch_alter_table("audit_records") as batch_op:
        batch_op.create_index("ix_audit_records_object", ["object_type", "object_id"],
                              unique=False)
        batch_op.drop_index("ix_audit_records_object_action")
        batch_op.drop_index("ix_audit_records_action_at")
    with op.batch_alter_table("claims") as batch_op:
        batch_op.drop_index("ix_claims_state_assignee")
        batch_op.drop_index("ix_claims_assignee_order")
