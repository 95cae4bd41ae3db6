"""Answers from insights.yml: how long without an order makes a customer lost, and how long after
a conversation an order counts as influenced by it."""

from __future__ import annotations

from datetime import timedelta

from .insights_schema import InsightsPolicy


def churn_window(policy: InsightsPolicy) -> timedelta:
    """A customer with no order within this span before a moment has churned at that moment."""
    return timedelta(days=policy.churn_days)


def influence_window(policy: InsightsPolicy) -> timedelta:
    """An order placed within this span after a conversation began counts as influenced by it."""
    return timedelta(days=policy.influence_days)
