"""The schema of insights.yml: when a customer counts as lost, and which orders support influenced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from .fields import PolicyFile, Problem, whole_check


class InsightsPolicy(PolicyFile):
    # A week at the least: shorter, a customer between two orders already counts as lost. Three
    # years at the most: longer, nobody ever does.
    churn_days: Annotated[int, whole_check(7, 1095, "days")]
    # Past a quarter, an order has little to do with a conversation.
    influence_days: Annotated[int, whole_check(1, 90, "days")]

    def problems(self) -> Iterator[Problem]:
        if self.influence_days > self.churn_days:
            yield (
                ("influence_days",),
                f"is {self.influence_days}, longer than churn_days ({self.churn_days}): an order "
                "that late would follow a customer already counted as lost",
            )
