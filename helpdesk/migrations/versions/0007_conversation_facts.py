"""conversation facts: each conversation's figures folded out of its events (insights/facts.py),
so that the KPIs of a year read one row per conversation

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 13:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_facts",
        sa.Column("conversation_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("fallbacks", sa.Integer(), nullable=False),
        sa.Column("resolutions", sa.Integer(), nullable=False),
        sa.Column("handed_over", sa.Integer(), nullable=False),
        sa.Column("bot_resolved", sa.Integer(), nullable=False),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("durable_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    with op.batch_alter_table("conversation_facts", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_facts_opened_at", ["opened_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_conversation_facts_last_event_id"), ["last_event_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_facts_last_event_id"))
        batch_op.drop_index("ix_conversation_facts_opened_at")
    op.drop_table("conversation_facts")
