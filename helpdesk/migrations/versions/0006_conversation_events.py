"""conversation events: the append-only log the support KPIs are computed from, and the
indexes the insights read orders, conversations and messages by

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 10:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("intent", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("refers_to", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.ForeignKeyConstraint(["refers_to"], ["conversation_event.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conversation_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversation_event_conversation_id_kind", ["conversation_id", "kind"], unique=False
        )
        batch_op.create_index("ix_conversation_event_kind_at", ["kind", "at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_conversation_event_refers_to"), ["refers_to"], unique=False
        )
    op.create_index(
        "ix_shop_order_customer_history",
        "shop_order",
        ["email", "placed_at", "status", "currency", "country", "total"],
    )
    op.create_index("ix_conversation_created_at", "conversation", ["created_at"])
    op.create_index("ix_message_conversation_id_sender", "message", ["conversation_id", "sender"])


def downgrade() -> None:
    op.drop_index("ix_message_conversation_id_sender", table_name="message")
    op.drop_index("ix_conversation_created_at", table_name="conversation")
    op.drop_index("ix_shop_order_customer_history", table_name="shop_order")
    with op.batch_alter_table("conversation_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_event_refers_to"))
        batch_op.drop_index("ix_conversation_event_kind_at")
        batch_op.drop_index("ix_conversation_event_conversation_id_kind")

    op.drop_table("conversation_event")
