"""the roll-up answers for every closed day: each row keeps the moments its resolutions held from
(so a day is read from it before they have all held for the window), and a split by market
folds the signed-in shoppers too, whose market follows their latest order: a trigger on the
orders notes the customer of each change (insights/rollup_orders.py), and the facts fold raises
the generation of their conversations' days. The rows folded so far are dropped (their market
rows leave those shoppers out): the next read folds them again, and until then the figures come
from the facts.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 23:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COUNTED = ["conversations", "automated", "handed_over", "resolved", "reopened", "resolutions"]
COUNTED += ["bot_turns", "fallbacks", "ratings", "satisfied", "comments", "held"]
SIGNED_IN = "country IS NULL AND signed_in IS NOT NULL"
# What the market of a signed-in shopper's conversation follows: the email, country and moment
# of their orders. Any other change of an order (its status, most often) is no change here.
FOLLOWED = ("email", "country", "placed_at")
TRIGGERS = ("insights_order_added", "insights_order_changed", "insights_order_removed")


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.drop_table("insights_daily")
    op.create_table(
        "insights_daily",
        sa.Column("fingerprint", text(), nullable=False),
        sa.Column("dimension", text(), nullable=False),
        sa.Column("day", text(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("grp", text(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTED),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("held_from", sa.Text(), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("business", sa.Text(), nullable=False),
        sa.Column("calendar", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", "dimension", "day", "generation", "grp"),
    )
    op.create_table(
        "insights_order_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The signed-in shoppers' conversations were read live by their opening; now they are
    # found by their customer, when the customer's orders change.
    op.drop_index("ix_conversation_facts_signed_in", table_name="conversation_facts")
    op.create_index(
        "ix_conversation_facts_signed_in",
        "conversation_facts",
        ["signed_in"],
        sqlite_where=sa.text(SIGNED_IN),
        postgresql_where=sa.text(SIGNED_IN),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _changed(columns: tuple[str, ...], old: str, new: str, differ: str) -> str:
    return " OR ".join(f"{old}.{name} {differ} {new}.{name}" for name in columns)


def _sqlite_triggers() -> None:
    note = "INSERT INTO insights_order_changes (email) VALUES ({}.email);"
    op.execute(
        f"CREATE TRIGGER insights_order_added AFTER INSERT ON shop_order "
        f"BEGIN {note.format('NEW')} END"
    )
    op.execute(
        f"CREATE TRIGGER insights_order_changed AFTER UPDATE OF {', '.join(FOLLOWED)} "
        f"ON shop_order WHEN {_changed(FOLLOWED, 'OLD', 'NEW', 'IS NOT')} "
        f"BEGIN {note.format('OLD')} {note.format('NEW')} END"
    )
    op.execute(
        f"CREATE TRIGGER insights_order_removed AFTER DELETE ON shop_order "
        f"BEGIN {note.format('OLD')} END"
    )


def _postgresql_triggers() -> None:
    op.execute(
        """
        CREATE FUNCTION insights_note_order_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                INSERT INTO insights_order_changes (email) VALUES (OLD.email);
            END IF;
            IF TG_OP <> 'DELETE' THEN
                INSERT INTO insights_order_changes (email) VALUES (NEW.email);
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    run = "FOR EACH ROW EXECUTE FUNCTION insights_note_order_change()"
    op.execute(f"CREATE TRIGGER insights_order_added AFTER INSERT ON shop_order {run}")
    op.execute(
        f"CREATE TRIGGER insights_order_changed AFTER UPDATE OF {', '.join(FOLLOWED)} "
        f"ON shop_order FOR EACH ROW "
        f"WHEN ({_changed(FOLLOWED, 'OLD', 'NEW', 'IS DISTINCT FROM')}) "
        "EXECUTE FUNCTION insights_note_order_change()"
    )
    op.execute(f"CREATE TRIGGER insights_order_removed AFTER DELETE ON shop_order {run}")


def downgrade() -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + _on_orders())
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS insights_note_order_change()")
    op.drop_index("ix_conversation_facts_signed_in", table_name="conversation_facts")
    op.create_index(
        "ix_conversation_facts_signed_in",
        "conversation_facts",
        ["opened_at"],
        sqlite_where=sa.text(SIGNED_IN),
        postgresql_where=sa.text(SIGNED_IN),
    )
    op.drop_table("insights_order_changes")
    op.drop_table("insights_daily")
    op.create_table(
        "insights_daily",
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("dimension", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("day", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("grp", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTED),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("business", sa.Text(), nullable=False),
        sa.Column("calendar", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", "dimension", "day", "generation", "grp"),
    )


def _on_orders() -> str:
    return " ON shop_order" if op.get_bind().dialect.name == "postgresql" else ""
