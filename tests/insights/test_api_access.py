"""The insights API: for admins only (401 without a session, 403 for other agents); retention and
support-influenced revenue of the shop of retention_scene.py as JSON and CSV; and every kind of
bad query answered with a 400 that names what to fix."""

from __future__ import annotations

import csv
import io

import pytest

from helpdesk.app import create_app
from helpdesk.database import DB
from helpdesk.insights.retention import retention
from helpdesk.policies.watch import POLICIES
from tests.insights.retention_scene import END, INSIGHTS, START
from tests.insights.retention_shop import SCENE_RANGE, Shop, logged_in
from tests.support.agent_clients import AgentClient

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
FIGURES = ["support", "comments", "conversations", "retention", "influence"]


@pytest.fixture(params=["sqlite", "postgresql"])
async def any_engine(request, aiohttp_client, settings, detector, translator, clock, tmp_path):
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    async with Shop(server) as shop:
        yield await shop.started(aiohttp_client, settings, detector, translator, clock, tmp_path)


@pytest.mark.parametrize("figures", FIGURES)
async def test_only_admins_see_the_figures(shop_client, figures):
    path = f"/api/agent/insights/{figures}"
    nobody = await shop_client.get(path)
    assert nobody.status == 401 and (await nobody.json())["code"] == "unauthorized"
    agent = await logged_in(shop_client, "eva@shop.example", "agent")
    try:
        for asked in (path, f"{path}?format=csv", f"{path}?from=oops"):
            refused = await agent.get(asked)
            body = await refused.json()
            assert refused.status == 403 and body["code"] == "admins_only", body
            assert "admins" in body["error"]
    finally:
        await agent.close()


async def test_retention_as_json_is_the_figures_computed(any_engine):
    """On both engines: the range of days asked for is [from 00:00, the day after `to`)."""
    app = any_engine.app
    admin = await logged_in(any_engine, "boss@shop.example", "admin")
    try:
        answer = await admin.ok("GET", f"/api/agent/insights/retention?{SCENE_RANGE}")
        markets = app[POLICIES].policies.payments.markets
        async with app[DB].session() as session:
            computed = await retention(
                session, start=START, end=END, insights=INSIGHTS, markets=markets
            )
        assert answer == {
            "from": "2026-10-19",
            "to": "2026-11-17",
            **computed.model_dump(mode="json"),
        }
        assert answer["start"].startswith("2026-10-19T00:00:00")
        assert answer["end"].startswith("2026-11-18T00:00:00")
        contacted = answer["everyone"]["contacted"]
        assert (contacted["customers"], contacted["repeat_purchase_rate"]) == (4, 0.75)
        assert contacted["currencies"][0] == {
            "currency": "EUR",
            "customers": 3,
            "orders": 2,
            "order_total": "105.00",
            "average_order_value": "52.50",
            "net_revenue": "315.00",
            "lifetime_value": "105.00",
        }
    finally:
        await admin.close()


async def csv_rows(admin: AgentClient, path: str) -> tuple[str, list[dict[str, str]]]:
    response = await admin.get(path)
    assert response.status == 200, await response.text()
    assert response.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    return response.headers["Content-Disposition"], rows


async def test_retention_as_csv_has_a_row_per_cohort_and_currency(admin):
    disposition, rows = await csv_rows(
        admin, f"/api/agent/insights/retention?{SCENE_RANGE}&format=csv"
    )
    assert disposition == 'attachment; filename="retention-2026-10-19-to-2026-11-17.csv"'
    everyone = {(row["cohort"], row["currency"]): row for row in rows if row["split"] == "all"}
    assert sorted(everyone) == [
        ("contacted", "EUR"),
        ("contacted", "GBP"),
        ("not_contacted", "EUR"),
        ("not_contacted", "USD"),
    ]
    eur = everyone[("contacted", "EUR")]
    assert (eur["customers"], eur["repeat_customers"], eur["churned_customers"]) == ("4", "3", "1")
    assert (eur["currency_customers"], eur["lifetime_value"]) == ("3", "105.00")
    assert everyone[("not_contacted", "USD")]["average_order_value"] == ""  # no order in range
    markets = {(row["group"], row["cohort"]) for row in rows if row["split"] == "market"}
    assert ("US", "contacted") in markets  # an empty cohort still has its row
    assert {row["group"] for row in rows if row["split"] == "language"} == {
        "de",
        "en",
        "es",
        "nl",
        "unknown",
    }


async def test_support_influenced_revenue_as_json_and_csv(admin):
    answer = await admin.ok("GET", f"/api/agent/insights/influence?{SCENE_RANGE}")
    assert (answer["from"], answer["to"], answer["influence_days"]) == (
        "2026-10-19",
        "2026-11-17",
        7,
    )
    assert [
        (group["handled_by"], group["conversations"], group["orders"], group["currencies"])
        for group in answer["groups"]
    ] == [
        ("bot", 4, 2, [{"currency": "EUR", "orders": 2, "net_revenue": "65.00"}]),
        ("person", 3, 1, [{"currency": "EUR", "orders": 1, "net_revenue": "60.00"}]),
        ("handed_over", 1, 1, [{"currency": "GBP", "orders": 1, "net_revenue": "50.00"}]),
    ]
    disposition, rows = await csv_rows(
        admin, f"/api/agent/insights/influence?{SCENE_RANGE}&format=csv"
    )
    assert disposition == 'attachment; filename="influence-2026-10-19-to-2026-11-17.csv"'
    assert rows == [
        {
            "handled_by": "bot",
            "conversations": "4",
            "orders": "2",
            "currency": "EUR",
            "currency_orders": "2",
            "net_revenue": "65.00",
        },
        {
            "handled_by": "person",
            "conversations": "3",
            "orders": "1",
            "currency": "EUR",
            "currency_orders": "1",
            "net_revenue": "60.00",
        },
        {
            "handled_by": "handed_over",
            "conversations": "1",
            "orders": "1",
            "currency": "GBP",
            "currency_orders": "1",
            "net_revenue": "50.00",
        },
    ]


async def test_without_days_the_range_is_the_thirty_days_up_to_today(admin):
    """The clock is set to Wednesday 18 November 2026 (tests/support/instants.py)."""
    for figures in FIGURES:
        answer = await admin.ok("GET", f"/api/agent/insights/{figures}")
        assert (answer["from"], answer["to"]) == ("2026-10-20", "2026-11-18"), figures
    only_from = await admin.ok("GET", "/api/agent/insights/influence?from=2026-11-01")
    assert (only_from["from"], only_from["to"]) == ("2026-11-01", "2026-11-18")


async def test_an_empty_range_is_figures_of_nothing_not_an_error(admin):
    nothing = "from=2024-01-01&to=2024-01-31"
    assert (await admin.ok("GET", f"/api/agent/insights/support?{nothing}"))["figures"] == []
    page = await admin.ok("GET", f"/api/agent/insights/conversations?{nothing}")
    assert (page["total"], page["conversations"], page["next_offset"]) == (0, [], None)
    _, rows = await csv_rows(admin, f"/api/agent/insights/support?{nothing}&format=csv")
    assert rows == []
    response = await admin.get(f"/api/agent/insights/support?{nothing}&format=csv")
    header = (await response.text()).splitlines()[0].split(",")
    assert header[:3] == ["period", "group", "conversations"]
    assert "queue_wait_p90_seconds" in header


BAD_QUERIES = [
    ("support", "from=18/11/2026", "from: write a day as YYYY-MM-DD; got '18/11/2026'"),
    ("support", "to=2026-11-18T00:00", "to: write a day as YYYY-MM-DD"),
    ("support", "from=20261118", "from: write a day as YYYY-MM-DD"),
    ("support", "from=2026-02-30", "from: 2026-02-30 is not a day of the calendar"),
    ("retention", "from=1999-12-31&to=2000-01-02", "from: give a day from 2000-01-01"),
    ("influence", "to=9999-12-31", "to: give a day from 2000-01-01 to 2099-12-31"),
    ("support", "from=2026-11-20&to=2026-11-18", "from (2026-11-20) is after to (2026-11-18)"),
    ("retention", "from=2024-11-17&to=2026-11-18", "is 732 days; ask for at most 731"),
    ("support", "from=", "from: write a day as YYYY-MM-DD; got ''"),
    ("support", "from=2026-11-18%00", "from: write a day as YYYY-MM-DD; got '2026-11-18\\x00'"),
    ("support", "by=country", "by: Input should be 'language', 'intent'"),
    ("support", "period=year", "period: Input should be 'day', 'week', 'month' or 'range'"),
    ("support", "hours=office", "hours: Input should be 'business' or 'calendar'"),
    ("comments", "hours=calendar", "unknown parameter 'hours': this call takes"),
    ("support", "format=xlsx", "format: Input should be 'json' or 'csv'"),
    ("support", "form=2026-11-18", "unknown parameter 'form'"),
    ("support", "from=2026-11-18&from=2026-11-17", "from is given twice"),
    ("conversations", "kind=everything", "kind: Input should be 'all', 'automated'"),
    ("conversations", "limit=0", "limit: give a number from 1 to 1000; got 0"),
    ("conversations", "limit=1001", "limit: give a number from 1 to 1000; got 1001"),
    ("conversations", "limit=1e3", "limit: write a whole number from 1 to 1000; got '1e3'"),
    ("conversations", "limit=%EF%BC%99", "limit: write a whole number"),  # a full-width 9
    ("conversations", "limit=+5", "limit: write a whole number"),
    ("conversations", "limit=1_0", "limit: write a whole number"),
    ("conversations", "offset=-1", "offset: write a whole number from 0 to 1000000"),
    ("conversations", "offset=" + "9" * 40, "offset: write a whole number"),
    ("conversations", "offset=1000001", "offset: give a number from 0 to 1000000"),
    ("conversations", "group=eu", "group needs by"),
    ("conversations", "by=team&group=", "group: name a group"),
    ("conversations", "by=team&group=e%00u", "group: name a group"),
    ("conversations", "by=team&group=" + "x" * 321, "group: is 321 characters long"),
]


async def test_a_bad_query_is_a_400_that_says_what_to_fix(admin):
    """One app for all: starting one (migrations and all) takes longer than the requests."""
    wrong = []
    for figures, query, said in BAD_QUERIES:
        response = await admin.get(f"/api/agent/insights/{figures}?{query}")
        body = await response.json()
        if response.status != 400 or body["code"] != "bad_request" or said not in body["error"]:
            wrong.append(f"{figures}?{query[:60]}: {response.status} {body}")
    assert not wrong, "\n".join(wrong)


async def test_without_valid_policy_files_the_figures_are_unavailable(
    aiohttp_client, settings, detector, translator, clock, tmp_path
):
    settings.policies_dir = tmp_path / "broken"
    settings.policies_dir.mkdir()
    (settings.policies_dir / "support.yml").write_text("teams: 3\n")
    client = await aiohttp_client(
        create_app(settings, detector=detector, translator=translator, clock=clock)
    )
    admin = await logged_in(client, "boss@shop.example", "admin")
    try:
        for figures in FIGURES:
            response = await admin.get(f"/api/agent/insights/{figures}")
            body = await response.json()
            assert response.status == 503 and body["code"] == "unavailable", body
            assert "/healthz" in body["error"]
    finally:
        await admin.close()
