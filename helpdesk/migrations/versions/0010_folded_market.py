"""folded market: each conversation's country of the first order it proved, and the customer
the shop signed in, beside its other facts, so that a split by market reads them instead of
looking up the proofs of every conversation. The signed-in customer's market still follows
their latest order, looked up as the figures are read. The facts folded so far are dropped:
the next fold (within a minute) computes them again, and until then the figures come from the
log.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 16:15:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM handover_steps")
    op.execute("DELETE FROM conversation_facts")
    with op.batch_alter_table("conversation_facts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("country", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(
            sa.Column("signed_in", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation_facts", schema=None) as batch_op:
        batch_op.drop_column("signed_in")
        batch_op.drop_column("country")
