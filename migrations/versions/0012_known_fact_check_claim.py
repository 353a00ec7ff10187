"""Known fact-checks: our own ones name their claim

A known fact-check of ours named only its publication, so telling which claim
it answers meant reading the publishing tables from the factchecks package,
which sits below publishing (docs/architecture.md, "Layers"). The claim is
copied from the publication when it is recorded; existing rows get theirs here.

The column is added and dropped in place (plain SQL that both engines take),
never by rebuilding the table as batch mode would on SQLite: migrations run with
foreign keys on, and dropping the old table would delete the claim matches that
point at it (ON DELETE CASCADE).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    # No ON DELETE: SQLite would not reflect it from a column's own REFERENCES (the
    # schema check would differ), and a claim with a publication is never deleted.
    op.execute(
        "ALTER TABLE known_fact_checks ADD COLUMN claim_id INTEGER"
        " CONSTRAINT fk_known_fact_checks_claim_id_claims REFERENCES claims (id)")
    op.create_index(op.f("ix_known_fact_checks_claim_id"), "known_fact_checks", ["claim_id"],
                    unique=True)
    op.execute(
        "UPDATE known_fact_checks SET claim_id = (SELECT publications.claim_id"
        " FROM publications WHERE publications.id = known_fact_checks.publication_id)"
        " WHERE publication_id IS NOT NULL")


def downgrade():
    op.drop_index(op.f("ix_known_fact_checks_claim_id"), table_name="known_fact_checks")
    op.execute("ALTER TABLE known_fact_checks DROP COLUMN claim_id")
