"""trust: proofs per address, state versions, known logins, shopify deliveries

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 21:31:26.825035
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email", "address"),
    )
    with op.batch_alter_table("known_login", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_known_login_email"), ["email"], unique=False)

    op.create_table(
        "shopify_delivery",
        sa.Column("webhook_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("webhook_id"),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state_version", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("client_address", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("bot_attempts", sa.Integer(), nullable=False, server_default="0")
        )

    with op.batch_alter_table("verificationattempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_verificationattempt_address"), ["address"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_verificationattempt_order_number"), ["order_number"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("verificationattempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verificationattempt_order_number"))
        batch_op.drop_index(batch_op.f("ix_verificationattempt_address"))
        batch_op.drop_column("address")

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("bot_attempts")

    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("client_address")
        batch_op.drop_column("state_version")

    op.drop_table("shopify_delivery")
    with op.batch_alter_table("known_login", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_known_login_email"))

    op.drop_table("known_login")
