"""referral codes: each loyalty member's own code to share with friends (given on first ask).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 18:40:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loyaltyaccount", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("referral_code", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_loyaltyaccount_referral_code"), ["referral_code"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("loyaltyaccount", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loyaltyaccount_referral_code"))
        batch_op.drop_column("referral_code")
