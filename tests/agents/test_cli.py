"""`python -m helpdesk agents add|list`: accounts an operator creates, refused with a reason when wrong."""

from __future__ import annotations

import pytest

from helpdesk.__main__ import main


@pytest.fixture(autouse=True)
def var_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    return tmp_path


def password_file(tmp_path, password="a long enough password"):
    path = tmp_path / "password.txt"
    path.write_text(password + "\n")
    return str(path)


def test_add_then_list_one_agent_a_line_email_first(tmp_path, capsys):
    assert (
        main(
            [
                "agents",
                "add",
                "Ana@Shop.Example",
                "--name",
                "Ana",
                "--languages",
                "en,es",
                "--password-file",
                password_file(tmp_path),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "agents",
                "add",
                "wei@shop.example",
                "--name",
                "Wei",
                "--languages",
                "zh,en",
                "--team",
                "apac",
                "--role",
                "admin",
                "--capacity",
                "5",
                "--password-file",
                password_file(tmp_path),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["agents", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["ana@shop.example", "wei@shop.example"]
    assert lines[1].split("\t")[1:5] == ["Wei", "admin", "apac", "zh,en"]


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["--languages", "english"], "languages must be ISO 639-1 codes"),
        (["--languages", "en", "--team", "mars"], "no team 'mars'"),
        (["--languages", "en", "--capacity", "0"], "capacity must be from 1 to 50"),
    ],
)
def test_a_wrong_option_says_what_to_fix_and_creates_nothing(
    tmp_path, capsys, arguments, complaint
):
    code = main(
        [
            "agents",
            "add",
            "ana@shop.example",
            "--name",
            "Ana",
            *arguments,
            "--password-file",
            password_file(tmp_path),
        ]
    )
    assert code == 1 and complaint in capsys.readouterr().err
    main(["agents", "list"])
    assert capsys.readouterr().out == ""


def test_a_short_password_or_a_second_account_is_refused(tmp_path, capsys):
    short = main(
        [
            "agents",
            "add",
            "ana@shop.example",
            "--name",
            "Ana",
            "--languages",
            "en",
            "--password-file",
            password_file(tmp_path, "short"),
        ]
    )
    assert short == 1 and "at least 10 characters" in capsys.readouterr().err
    args = [
        "agents",
        "add",
        "ana@shop.example",
        "--name",
        "Ana",
        "--languages",
        "en",
        "--password-file",
        password_file(tmp_path),
    ]
    assert main(args) == 0
    assert main(args) == 1 and "already an agent ana@shop.example" in capsys.readouterr().err


def test_the_example_shop_comes_with_an_agent_to_log_in_as(tmp_path, capsys):
    assert main(["demo", "load"]) == 0
    first = capsys.readouterr().out
    assert "agent workspace login: ana@atelier-nord.example / " in first
    assert main(["demo", "load"]) == 0
    assert first.splitlines()[-1] == capsys.readouterr().out.splitlines()[-1]  # same password
    main(["agents", "list"])
    assert capsys.readouterr().out.split("\t")[0] == "ana@atelier-nord.example"


def test_a_shop_with_its_own_agents_gets_no_demo_agent(tmp_path, capsys):
    main(
        [
            "agents",
            "add",
            "ana@shop.example",
            "--name",
            "Ana",
            "--languages",
            "en",
            "--password-file",
            password_file(tmp_path),
        ]
    )
    main(["demo", "load"])
    assert "agent workspace login" not in capsys.readouterr().out
    main(["agents", "list"])
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == [
        "ana@shop.example"
    ]
