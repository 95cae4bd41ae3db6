"""`python -m helpdesk insights`: the KPIs as a table or CSV; bad input is told, not a traceback."""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
import sys

import pytest

from helpdesk.__main__ import main
from helpdesk.settings import PROJECT_ROOT
from tests.insights.support_scene import SCRIPT, Helpdesk, fresh_database_url
from tests.support.fakes import FakeBot

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
DAY = ["--from", "2026-11-18", "--to", "2026-11-18"]


@pytest.fixture
async def helpdesk(aiohttp_client, settings, detector, translator, tmp_path, monkeypatch):
    """Two conversations on Wednesday 18 November: one the bot resolved, one handed over."""
    settings.database_url, _ = await fresh_database_url(None, tmp_path)
    desk = await Helpdesk.started(
        aiohttp_client, settings, detector, translator, tmp_path, FakeBot(SCRIPT)
    )
    desk.at(0, 10)
    await desk.shopper("was my order cancelled?")
    await desk.shopper("a person please")
    desk.at(0, 11, 30)
    assert await desk.sweep() == 1
    for name, value in {
        "DATABASE_URL": settings.database_url,
        "POLICIES_DIR": str(settings.policies_dir),
        "VAR_DIR": str(tmp_path),
    }.items():
        monkeypatch.setenv(name, value)
    return desk


async def command(*args: str) -> int:
    return await asyncio.to_thread(main, ["insights", *args])


async def test_the_table_says_each_figure_with_what_it_counts(helpdesk, capsys):
    assert await command(*DAY, "--period", "day") == 0
    table = capsys.readouterr().out
    assert "day of 2026-11-18 - all" in table
    assert "automation rate       50.0%  (1 of 2)" in table
    assert "hand-over rate        50.0%  (1 of 2)" in table
    assert "first human reply    -" in table


async def test_csv_has_a_row_per_period_and_group(helpdesk, capsys):
    assert await command(*DAY, "--by", "team", "--hours", "calendar", "--csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(row["period"], row["group"], row["conversations"]) for row in rows] == [
        ("2026-11-01", "eu", "1"),
        ("2026-11-01", "none", "1"),
    ]
    assert rows[1]["automation_rate"] == "1.0" and rows[0]["handover_rate"] == "1.0"
    assert "queue_wait_median_seconds" in rows[0]


async def test_a_range_backwards_or_broken_policy_files_are_refused_with_a_reason(
    helpdesk, capsys, tmp_path, monkeypatch
):
    assert await command("--from", "2026-11-20", "--to", "2026-11-18") == 2
    assert "--from 2026-11-20 is after --to 2026-11-18" in capsys.readouterr().err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "support.yml").write_text("teams: 3\n")
    monkeypatch.setenv("POLICIES_DIR", str(broken))
    assert await command(*DAY) == 1
    assert "policy files have errors" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--from", "18/11/2026"], "'18/11/2026' is not a date: write YYYY-MM-DD"),
        (["--by", "country"], "invalid choice: 'country'"),
        (["--period", "year"], "invalid choice: 'year'"),
    ],
)
def test_bad_options_end_with_a_message_and_no_traceback(args, said, tmp_path):
    ran = subprocess.run(
        [sys.executable, "-m", "helpdesk", "insights", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={"VAR_DIR": str(tmp_path), "PATH": ""},
        timeout=60,
    )
    assert ran.returncode == 2
    assert said in ran.stderr and "Traceback" not in ran.stderr
