"""The figures as the insights API asks for them: each reads the database in a session of its own,
with the policy files in force (support hours, markets, insights.yml) and the one clock."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from helpdesk.clock import Clock
from helpdesk.database import Database
from helpdesk.errors import Unavailable
from helpdesk.insights.answers import (
    CommentsAnswer,
    ConversationsAnswer,
    InfluenceAnswer,
    RetentionAnswer,
    SupportAnswer,
)
from helpdesk.insights.drilldown import conversations_behind
from helpdesk.insights.influence import support_influence
from helpdesk.insights.queries import (
    CommentsQuery,
    ConversationsQuery,
    RangeQuery,
    SupportQuery,
    midnight,
)
from helpdesk.insights.retention import retention
from helpdesk.insights.support import Scope, comments, support_kpis
from helpdesk.policies.loading import Policies
from helpdesk.policies.store import PolicyStore


class Insights:
    def __init__(self, *, database: Database, policies: PolicyStore, clock: Clock) -> None:
        self.database, self.policies, self.clock = database, policies, clock

    async def support(self, query: SupportQuery) -> SupportAnswer:
        first, last = query.days(self.clock.today())
        scope = self._scope(first, last, by=query.by, period=query.period, hours=query.hours)
        async with self.database.session() as session:
            figures = await support_kpis(session, scope, now=self.clock.now())
        return SupportAnswer(
            first=first,
            last=last,
            by=query.by,
            period=query.period,
            hours=query.hours,
            figures=figures,
        )

    async def comments(self, query: CommentsQuery) -> CommentsAnswer:
        first, last = query.days(self.clock.today())
        async with self.database.session() as session:
            scope = self._scope(first, last, by=query.by, period=query.period)
            said = await comments(session, scope)
        return CommentsAnswer(
            first=first, last=last, by=query.by, period=query.period, comments=said
        )

    async def conversations(self, query: ConversationsQuery) -> ConversationsAnswer:
        first, last = query.days(self.clock.today())
        async with self.database.session() as session:
            page = await conversations_behind(
                session,
                self._scope(first, last, by=query.by),
                query.kind,
                group=query.group,
                limit=query.limit,
                offset=query.offset,
                now=self.clock.now(),
            )
        return ConversationsAnswer(
            first=first,
            last=last,
            kind=query.kind,
            by=query.by,
            group=query.group,
            limit=query.limit,
            offset=query.offset,
            total=page.total,
            next_offset=page.next_offset,
            conversations=page.conversations,
        )

    async def retention(self, query: RangeQuery) -> RetentionAnswer:
        first, last = query.days(self.clock.today())
        policies = self._policies()
        async with self.database.session() as session:
            figures = await retention(
                session,
                start=midnight(first),
                end=midnight(last + timedelta(days=1)),
                insights=policies.insights,
                markets=policies.payments.markets,
            )
        return RetentionAnswer.model_validate({"from": first, "to": last, **dict(figures)})

    async def influence(self, query: RangeQuery) -> InfluenceAnswer:
        first, last = query.days(self.clock.today())
        async with self.database.session() as session:
            figures = await support_influence(
                session,
                start=midnight(first),
                end=midnight(last + timedelta(days=1)),
                insights=self._policies().insights,
            )
        return InfluenceAnswer.model_validate({"from": first, "to": last, **dict(figures)})

    def _scope(self, first: date, last: date, **asked: Any) -> Scope:
        policies = self._policies()
        return Scope(
            start=first,
            end=last,
            support=policies.support,
            markets=policies.payments.markets,
            **asked,
        )

    def _policies(self) -> Policies:
        if not self.policies.ready:
            raise Unavailable(
                "the policy files have errors and no valid version was loaded: see /healthz"
            )
        return self.policies.policies
