"""The pools of discount codes the merchant imports per reward of loyalty.yml."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel

from helpdesk.columns import optional_timestamp


class LoyaltyCode(SQLModel, table=True):
    """One discount code; free while `account_id` is None, given out once when redeemed."""

    __tablename__ = "loyalty_code"
    # A redemption looks for the first free code of a reward: this index answers it alone.
    __table_args__ = (Index("ix_loyalty_code_free", "reward", "account_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    reward: str  # a reward name of policies/loyalty.yml
    # Unique across rewards: the shop's platform knows one code once, whatever it buys.
    code: str = Field(unique=True)
    imported_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    account_id: int | None = Field(default=None, foreign_key="loyaltyaccount.id", index=True)
    redeemed_at: datetime | None = optional_timestamp()
