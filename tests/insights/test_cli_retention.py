"""`python -m helpdesk insights --report retention|influence`: the shop of retention_scene.py as
tables and as CSV, the same CSV the API exports."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest

from helpdesk.__main__ import main
from helpdesk.database import Database
from tests.insights.retention_scene import INSIGHTS, History, fill
from tests.support.agent_clients import policies_with_support

# The scene's range: the 30 days before Wednesday 18 November 2026, both included.
RANGE = ["--from", "2026-10-19", "--to", "2026-11-17"]


@pytest.fixture
async def shop(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    database = Database(url)
    await database.upgrade()
    async with database.session() as session:
        await fill(History(session))
        await session.commit()
    await database.close()
    policies = policies_with_support(tmp_path / "policies")
    (policies / "insights.yml").write_text(
        f"churn_days: {INSIGHTS.churn_days}\ninfluence_days: {INSIGHTS.influence_days}\n"
    )
    for name, value in {
        "DATABASE_URL": url,
        "POLICIES_DIR": str(policies),
        "VAR_DIR": str(tmp_path),
    }.items():
        monkeypatch.setenv(name, value)


async def command(*args: str) -> int:
    return await asyncio.to_thread(main, ["insights", *args])


@pytest.mark.usefixtures("shop")
async def test_retention_as_a_table_compares_who_contacted_support_with_who_did_not(capsys):
    assert await command("--report", "retention", *RANGE) == 0
    table = capsys.readouterr().out
    assert "Retention, 2026-10-19 to 2026-11-17 (UTC)" in table
    everyone = table.split("\n\n")[1].splitlines()
    assert everyone == [
        "all                         contacted support      did not",
        "  customers                                 4            3",
        "  repeat-purchase rate              75.0% (3)    66.7% (2)",
        "  churn rate                        25.0% (1)    33.3% (1)",
        "  average order value  EUR              52.50       100.00",
        "                       GBP              40.00            -",
        "                       USD                  -            -",
        "  lifetime value       EUR             105.00       150.00",
        "                       GBP             110.00            -",
        "                       USD                  -        22.50",
    ]
    assert "\nmarket EU " in table and "\nlanguage unknown " in table


@pytest.mark.usefixtures("shop")
async def test_retention_as_csv(capsys):
    assert await command("--report", "retention", *RANGE, "--csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    gbp = next(row for row in rows if row["split"] == "all" and row["currency"] == "GBP")
    assert (gbp["cohort"], gbp["customers"], gbp["currency_customers"]) == ("contacted", "4", "1")
    assert (gbp["average_order_value"], gbp["lifetime_value"]) == ("40.00", "110.00")
    assert {row["split"] for row in rows} == {"all", "market", "language"}


@pytest.mark.usefixtures("shop")
async def test_influenced_revenue_as_a_table_and_csv(capsys):
    assert await command("--report", "influence", *RANGE) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("Support-influenced revenue: orders placed within 7 days after")
    assert table[2:] == [
        "  handled by     conversations  orders  net revenue",
        "  bot                        4       2  EUR 65.00",
        "  person                     3       1  EUR 60.00",
        "  handed over                1       1  GBP 50.00",
    ]
    assert await command("--report", "influence", *RANGE, "--csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["handled_by"], r["currency"], r["net_revenue"]) for r in rows] == [
        ("bot", "EUR", "65.00"),
        ("person", "EUR", "60.00"),
        ("handed_over", "GBP", "50.00"),
    ]


@pytest.mark.usefixtures("shop")
async def test_the_support_reports_splits_and_days_out_of_range_are_refused(capsys):
    assert await command("--report", "retention", "--by", "team") == 2
    assert "--by, --period and --hours split the support report" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="2"):  # argparse's own refusal
        await command("--report", "influence", "--from", "1999-12-31")
    assert "give a day from 2000-01-01 to 2099-12-31" in capsys.readouterr().err
