"""`python -m helpdesk loyalty codes import|count`: good files fill a reward's pool once per code,
bad files are refused at their line and add nothing, unknown rewards are named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from helpdesk.__main__ import main
from helpdesk.loyalty import codes
from helpdesk.loyalty.models import LoyaltyCode

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def var_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    return tmp_path


def csv_file(tmp_path, text: str, name: str = "codes.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_a_file_with_a_header_blanks_and_repeats_adds_each_code_once(tmp_path, capsys):
    first = csv_file(tmp_path, "\ufeffCode\nNORD-AAA1\n\n  NORD-AAA2  \nNORD-AAA1\n,\nNORD-AAA3\n")
    assert main(["loyalty", "codes", "import", "eur_25_off", first]) == 0
    assert capsys.readouterr().out.strip() == (
        "eur_25_off: 3 codes added; skipped: 1 repeated in the file, 2 blank lines"
    )
    # A second file overlapping the first, without a header: only the new code is added.
    again = csv_file(tmp_path, "NORD-AAA3\nNORD-AAA4\n", name="more.csv")
    assert main(["loyalty", "codes", "import", "eur_25_off", again]) == 0
    assert capsys.readouterr().out.strip() == (
        "eur_25_off: 1 codes added; skipped: 1 already imported"
    )
    # A code in another reward's pool is the same code at the shop: not added twice.
    other = csv_file(tmp_path, "NORD-AAA4\nGB-0001\n", name="gb.csv")
    assert main(["loyalty", "codes", "import", "gbp_20_off", other]) == 0
    assert "1 codes added; skipped: 1 already imported" in capsys.readouterr().out
    assert main(["loyalty", "codes", "count"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "eur_25_off\t4 free\t0 given out" in lines
    assert "gbp_20_off\t1 free\t0 given out" in lines
    assert "eur_50_off\t0 free\t0 given out" in lines


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code\nNORD-1\nNORD-2,NORD-3\n", "codes.csv line 3: 2 values; put one code on each line"),
        ("NORD-1\nNORD 2\n", "codes.csv line 2: 'NORD 2' is not a discount code"),
        ("NORD-1\nx\n", "codes.csv line 2: 'x' is not a discount code"),
        ("NORD-1\nNORD-\x002\n", "codes.csv contains NUL characters"),
        ("code\n\n", "codes.csv has no codes"),
        ("", "codes.csv has no codes"),
    ],
)
def test_a_bad_file_is_refused_at_its_line_and_adds_nothing(tmp_path, capsys, text, message):
    assert main(["loyalty", "codes", "import", "eur_25_off", csv_file(tmp_path, text)]) == 1
    assert message in capsys.readouterr().err
    assert main(["loyalty", "codes", "count"]) == 0
    assert "eur_25_off\t0 free\t0 given out" in capsys.readouterr().out


def test_a_file_that_is_not_utf8_is_refused(tmp_path, capsys):
    path = csv_file(tmp_path, "NORD-1\nRÉDUC-2\n", encoding="latin-1")
    assert main(["loyalty", "codes", "import", "eur_25_off", path]) == 1
    assert "codes.csv is not UTF-8 text" in capsys.readouterr().err


def test_an_unknown_reward_is_refused_with_the_rewards_there_are(tmp_path, capsys):
    assert main(["loyalty", "codes", "import", "eur_1000_off", csv_file(tmp_path, "A-1\n")]) == 1
    err = capsys.readouterr().err
    assert "no reward 'eur_1000_off' in loyalty.yml; its rewards: eur_25_off, eur_50_off" in err


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path, capsys):
    missing = str(tmp_path / "nope.csv")
    assert main(["loyalty", "codes", "import", "eur_25_off", missing]) == 1
    assert "nope.csv" in capsys.readouterr().err


async def test_the_database_adds_a_code_once_on_both_engines(database):
    read = codes.read_code_file(b"A-100\nA-101\nA-102\n", "a.csv")
    async with database.session() as session:
        first = await codes.add_codes(session, "eur_25_off", read, now=NOW)
        again = await codes.add_codes(session, "eur_50_off", read, now=NOW)
        await session.commit()
    assert (first.added, first.already_imported) == (3, 0)
    assert (again.added, again.already_imported) == (0, 3)
    async with database.session() as session:
        stored = (await session.exec(select(LoyaltyCode.reward, LoyaltyCode.code))).all()
    assert sorted(stored) == [("eur_25_off", f"A-{n}") for n in (100, 101, 102)]


async def test_a_large_file_goes_in_chunks(database):
    read = codes.read_code_file("\n".join(f"BIG-{n:05}" for n in range(1203)).encode(), "b.csv")
    async with database.session() as session:
        imported = await codes.add_codes(session, "eur_25_off", read, now=NOW)
        await session.commit()
    assert imported.added == 1203
