"""daily roll-up: per closed UTC day and group of each split, the sums the support KPIs are
computed from (insights/rollup.py), each day's generation (raised when the facts of one of its
conversations change), and partial indexes for what stays live on rolled-up days: waits still
unclaimed, and the conversations of a signed-in shopper whose market follows their orders.
Nothing is folded here: the first read of a range folds its closed days.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 19:10:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COUNTED = ["conversations", "automated", "handed_over", "resolved", "reopened", "resolutions"]
COUNTED += ["bot_turns", "fallbacks", "ratings", "satisfied", "comments", "held"]
UNCLAIMED = "ended IS NULL"
SIGNED_IN = "country IS NULL AND signed_in IS NOT NULL"


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "insights_days",
        sa.Column("day", text(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "insights_daily",
        sa.Column("fingerprint", text(), nullable=False),
        sa.Column("dimension", text(), nullable=False),
        sa.Column("day", text(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("grp", text(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTED),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("business", sa.Text(), nullable=False),
        sa.Column("calendar", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", "dimension", "day", "generation", "grp"),
    )
    op.create_index(
        "ix_handover_steps_unclaimed",
        "handover_steps",
        ["opened_at"],
        sqlite_where=sa.text(UNCLAIMED),
        postgresql_where=sa.text(UNCLAIMED),
    )
    op.create_index(
        "ix_conversation_facts_signed_in",
        "conversation_facts",
        ["opened_at"],
        sqlite_where=sa.text(SIGNED_IN),
        postgresql_where=sa.text(SIGNED_IN),
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_facts_signed_in", table_name="conversation_facts")
    op.drop_index("ix_handover_steps_unclaimed", table_name="handover_steps")
    op.drop_table("insights_daily")
    op.drop_table("insights_days")
