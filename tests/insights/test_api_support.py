"""The insights API on the week of ten known conversations (support_scene.py), on SQLite and on
PostgreSQL, through an admin's real login: the KPIs and comments as JSON and as CSV, and the
conversations behind each figure, exactly."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from helpdesk.database import DB
from helpdesk.insights.conversation_sql import Dimension
from helpdesk.insights.hours import Hours
from helpdesk.insights.support import Period, Scope, support_kpis
from helpdesk.policies.watch import POLICIES
from tests.insights.support_scene import (
    SCRIPT,
    Helpdesk,
    drop_database,
    fresh_database_url,
    live_through_the_week,
)
from tests.support.agent_clients import AgentClient, add_agent
from tests.support.fakes import FakeBot

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
WEDNESDAY = {"from": "2026-11-18", "to": "2026-11-18"}
BOT_RESOLVED = {"greeted", "cancelled", "no_account", "confused", "comes_back", "happy"}
HANDED_OVER = {"quick", "lost", "late"}


class Week:
    def __init__(self, helpdesk: Helpdesk, admin: AgentClient, ids: dict[str, str]) -> None:
        self.helpdesk, self.admin, self.ids = helpdesk, admin, ids
        self.names = {conversation: name for name, conversation in ids.items()}

    async def get(self, figures: str, **params: str) -> dict:
        return await self.admin.ok("GET", _path(figures, {**WEDNESDAY, **params}))

    async def csv(self, figures: str, **params: str) -> list[dict[str, str]]:
        response = await self.admin.get(_path(figures, {**WEDNESDAY, **params, "format": "csv"}))
        assert response.status == 200, await response.text()
        assert response.content_type == "text/csv" and response.charset == "utf-8"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment; filename=") and disposition.endswith('.csv"')
        assert response.headers["Cache-Control"] == "no-store"
        return list(csv.DictReader(io.StringIO(await response.text())))

    async def behind(self, **params: str) -> list[str]:
        """The names of the conversations behind a figure, in the order listed."""
        page = await self.get("conversations", **params)
        assert page["total"] == len(page["conversations"]) and page["next_offset"] is None
        return [self.names[row["conversation_id"]] for row in page["conversations"]]


def _path(figures: str, params: dict[str, str]) -> str:
    return f"/api/agent/insights/{figures}?" + "&".join(f"{k}={v}" for k, v in params.items())


@pytest.fixture(params=["sqlite", "postgresql"])
async def week(request, aiohttp_client, settings, detector, translator, tmp_path):
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    settings.database_url, name = await fresh_database_url(server, tmp_path)
    helpdesk = await Helpdesk.started(
        aiohttp_client, settings, detector, translator, tmp_path, FakeBot(SCRIPT)
    )
    ids = await live_through_the_week(helpdesk)
    helpdesk.at(10, 12)  # ten days on: every resolution has had its week
    await add_agent(helpdesk.app, "boss@shop.example", role="admin")
    admin = await AgentClient.logged_in(helpdesk.client.make_url("/"), "boss@shop.example")
    yield Week(helpdesk, admin, ids)
    await admin.close()
    if server and name:
        await drop_database(server, name)


async def test_the_kpis_as_json_are_the_kpis_computed_and_the_csv_says_the_same(week):
    answer = await week.get("support", period="week", hours="business", by="team")
    assert (answer["from"], answer["to"], answer["by"]) == ("2026-11-18", "2026-11-18", "team")
    assert (answer["period"], answer["hours"]) == ("week", "business")
    policies = week.helpdesk.app[POLICIES].policies
    scope = Scope(
        start=date(2026, 11, 18),
        end=date(2026, 11, 18),
        period=Period.WEEK,
        by=Dimension.TEAM,
        hours=Hours.BUSINESS,
        support=policies.support,
        markets=policies.payments.markets,
    )
    async with week.helpdesk.app[DB].session() as session:
        computed = await support_kpis(session, scope, now=week.helpdesk.clock.now())
    assert answer["figures"] == [kpis.model_dump(mode="json") for kpis in computed]
    eu, none = answer["figures"]
    assert (eu["period"], eu["group"], eu["conversations"], eu["handover_rate"]) == (
        "2026-11-16",
        "eu",
        3,
        1.0,
    )
    assert (none["group"], none["conversations"], none["automated"]) == ("none", 7, 6)
    assert eu["queue_wait"] == {"count": 3, "median_seconds": 240.0, "p90_seconds": 432.0}

    rows = await week.csv("support", period="week", hours="business", by="team")
    assert [(row["period"], row["group"], row["conversations"]) for row in rows] == [
        ("2026-11-16", "eu", "3"),
        ("2026-11-16", "none", "7"),
    ]
    assert rows[0]["queue_wait_median_seconds"] == "240.0"
    assert rows[0]["handover_intents"] == "order_status:2;none:1"
    assert rows[0]["automation_rate"] == "0.0"
    assert rows[1]["first_human_reply_median_seconds"] == ""  # nothing to time: empty, not 0
    everyone = (await week.get("support", hours="calendar"))["figures"]
    assert [(k["group"], k["conversations"], k["automation_rate"]) for k in everyone] == [
        ("all", 10, 0.6)
    ]


async def test_the_comments_as_json_and_csv(week):
    said = await week.get("comments", by="agent")
    assert [
        (c["group"], week.names[c["conversation_id"]], c["rating"], c["comment"])
        for c in said["comments"]
    ] == [("none", "happy", 5, "quick and clear"), ("ana@shop.example", "late", 2, "too slow")]
    rows = await week.csv("comments", by="agent", period="day")
    assert [(row["period"], row["rating"], row["comment"]) for row in rows] == [
        ("2026-11-18", "5", "quick and clear"),
        ("2026-11-18", "2", "too slow"),
    ]


async def test_each_figure_leads_to_exactly_the_conversations_it_counts(week):
    async def behind(**params: str) -> set[str]:
        return set(await week.behind(**params))

    assert await behind() == set(week.ids)
    assert await behind(kind="automated") == BOT_RESOLVED
    assert await behind(kind="handed_over") == HANDED_OVER
    assert await behind(kind="resolved") == set(week.ids) - {"abandoned"}
    assert await behind(kind="durable") == set(week.ids) - {"abandoned"}
    assert await behind(kind="reopened") == {"comes_back"}
    assert await behind(kind="fallback") == {"confused", "lost"}
    assert await behind(kind="rated") == {"quick", "happy", "late"}
    assert await behind(kind="satisfied") == {"quick", "happy"}
    assert await behind(kind="commented") == {"happy", "late"}
    # ... and each figure's count is the number listed
    [kpis] = (await week.get("support"))["figures"]
    for kind, figure in [("automated", "automated"), ("reopened", "reopened")]:
        assert kpis[figure] == len(await behind(kind=kind))


async def test_a_group_of_a_split_narrows_the_list_as_the_figures_name_it(week):
    async def behind(**params: str) -> set[str]:
        return set(await week.behind(**params))

    assert await behind(by="agent", group="ana@shop.example") == {"quick", "late"}
    assert await behind(by="agent", group="bea@shop.example", kind="fallback") == {"lost"}
    assert await behind(by="agent", group="none") == set(week.ids) - HANDED_OVER
    assert await behind(by="agent", group="nobody@shop.example") == set()
    assert await behind(by="team", group="eu", kind="rated") == {"quick", "late"}
    assert await behind(by="market", group="US") == {"quick"}
    assert await behind(by="market", group="EU") == {"cancelled"}
    assert await behind(by="market", group="unknown") == set(week.ids) - {"quick", "cancelled"}
    assert await behind(by="intent", group="loyalty_balance") == {"no_account", "happy"}
    assert await behind(by="language", group="en", kind="handed_over") == HANDED_OVER
    rows = (await week.get("conversations", by="agent", group="ana@shop.example"))["conversations"]
    assert {(row["group"], row["state"], row["handed_over"]) for row in rows} == {
        ("ana@shop.example", "resolved", True)
    }


async def test_pages_follow_each_other_oldest_first_and_export_as_csv(week):
    everything = await week.behind()
    # the seven of 10:30 (in the order of their ids), then 11:00, 11:10 and 16:50
    assert everything[-3:] == ["quick", "lost", "late"]
    assert everything[:7] == sorted(everything[:7], key=week.ids.__getitem__)
    first = await week.get("conversations", limit="4")
    assert (first["total"], first["next_offset"], first["limit"], first["offset"]) == (10, 4, 4, 0)
    second = await week.get("conversations", limit="4", offset="4")
    last = await week.get("conversations", limit="4", offset="8")
    assert (second["next_offset"], last["next_offset"]) == (8, None)
    paged = [row for page in (first, second, last) for row in page["conversations"]]
    assert [week.names[row["conversation_id"]] for row in paged] == everything
    beyond = await week.get("conversations", limit="4", offset="40")
    assert (beyond["total"], beyond["conversations"], beyond["next_offset"]) == (10, [], None)

    rows = await week.csv("conversations", kind="handed_over", limit="2", offset="1")
    assert [week.names[row["conversation_id"]] for row in rows] == ["lost", "late"]
    assert rows[0]["handed_over"] == "True" and rows[0]["group"] == "all"
    assert rows[0]["opened_at"].startswith("2026-11-18T10:10:00")  # 11:10 in Amsterdam
