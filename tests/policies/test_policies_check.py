from policy_files import SHIPPED, edited_copy

from helpdesk.policies import run_check


def test_valid_directory_summary():
    code, text = run_check(SHIPPED)
    assert code == 0
    assert text.startswith(
        "7 policy files valid: returns (6 markets), shipping (6 markets, 6 carriers)"
    )


def test_every_error_printed_and_non_zero(tmp_path):
    edited_copy(tmp_path, "returns.yml", "    window_days: 30\n", "    window_days: thirty\n")
    directory = edited_copy(tmp_path, "support.yml", "max_wait_minutes: 10", "max_wait_minutes: 0")
    code, text = run_check(directory)
    lines = text.splitlines()
    assert code == 1
    assert lines[0].startswith("returns.yml line ") and "markets.EU.window_days" in lines[0]
    assert lines[1].startswith("support.yml line ") and "teams.eu.max_wait_minutes" in lines[1]
    assert lines[2].startswith("2 error(s) in 2 file(s)")
