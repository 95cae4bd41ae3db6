"""loyalty codes: the pools of discount codes per reward, and the points history says who gave
or spent points, when, in which conversation, why, and what a redemption bought.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 16:50:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "loyalty_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reward", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["loyaltyaccount.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_loyalty_code_free", "loyalty_code", ["reward", "account_id", "id"])
    op.create_index(op.f("ix_loyalty_code_account_id"), "loyalty_code", ["account_id"])
    with op.batch_alter_table("loyaltyentry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("agent_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("conversation_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("reward", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_foreign_key("fk_loyaltyentry_agent_id", "agent", ["agent_id"], ["id"])
        batch_op.create_foreign_key(
            "fk_loyaltyentry_conversation_id", "conversation", ["conversation_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("loyaltyentry", schema=None) as batch_op:
        batch_op.drop_constraint("fk_loyaltyentry_conversation_id", type_="foreignkey")
        batch_op.drop_constraint("fk_loyaltyentry_agent_id", type_="foreignkey")
        for column in ("code", "reward", "note", "conversation_id", "agent_id", "at"):
            batch_op.drop_column(column)
    op.drop_index(op.f("ix_loyalty_code_account_id"), table_name="loyalty_code")
    op.drop_index("ix_loyalty_code_free", table_name="loyalty_code")
    op.drop_table("loyalty_code")
