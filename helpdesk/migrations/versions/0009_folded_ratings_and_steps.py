"""folded ratings and steps: each conversation's counted ratings beside its other facts, and the
timed steps of its hand-overs (insights/steps.py), so that a year of KPIs reads no events of
folded conversations. The facts folded so far are dropped: the next fold (within a minute)
computes them again, with their ratings and steps, and until then the figures come from the log.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 16:20:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

RATING_COUNTS = ("ratings", "satisfied", "commented")


def upgrade() -> None:
    op.execute("DELETE FROM conversation_facts")
    with op.batch_alter_table("conversation_facts", schema=None) as batch_op:
        for name in RATING_COUNTS:
            batch_op.add_column(
                sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0"))
            )
    op.create_table(
        "handover_steps",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("started", sa.Float(), nullable=False),
        sa.Column("ended", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("handover_steps", schema=None) as batch_op:
        batch_op.create_index("ix_handover_steps_opened_at", ["opened_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_handover_steps_conversation_id"), ["conversation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("handover_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_steps_conversation_id"))
        batch_op.drop_index("ix_handover_steps_opened_at")
    op.drop_table("handover_steps")
    with op.batch_alter_table("conversation_facts", schema=None) as batch_op:
        for name in RATING_COUNTS:
            batch_op.drop_column(name)
