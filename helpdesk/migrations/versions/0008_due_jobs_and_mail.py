"""due jobs, mail suppressions and mail records: work due later claimed atomically by any replica
(jobs/), the addresses that unsubscribed, and what was mailed or unsubscribed for the insights

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 15:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "due_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key", name="uq_due_job_dedupe_key"),
    )
    with op.batch_alter_table("due_job", schema=None) as batch_op:
        batch_op.create_index("ix_due_job_state_due_at", ["state", "due_at"], unique=False)
        batch_op.create_index(
            "ix_due_job_state_lease_until", ["state", "lease_until"], unique=False
        )
    op.create_table(
        "mail_suppression",
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("message_kind", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("email"),
    )
    op.create_table(
        "mail_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("message_kind", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("conversation_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("order_number", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mail_record", schema=None) as batch_op:
        batch_op.create_index("ix_mail_record_event_at", ["event", "at"], unique=False)
        batch_op.create_index("ix_mail_record_recipient_at", ["recipient", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mail_record", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_record_recipient_at")
        batch_op.drop_index("ix_mail_record_event_at")
    op.drop_table("mail_record")
    op.drop_table("mail_suppression")
    with op.batch_alter_table("due_job", schema=None) as batch_op:
        batch_op.drop_index("ix_due_job_state_lease_until")
        batch_op.drop_index("ix_due_job_state_due_at")
    op.drop_table("due_job")
