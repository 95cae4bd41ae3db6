"""insights.yml: the churn and influence windows, and the errors a merchant's edit can make."""

import os
from datetime import timedelta

import pytest
from policy_files import SHIPPED, edited_copy, errors_of, line_of, shipped

from helpdesk.policies import PolicyStore, churn_window, influence_window, run_check

FILE = "insights.yml"


def test_shipped_insights_file():
    insights = shipped().insights
    assert (insights.churn_days, insights.influence_days) == (180, 7)
    assert churn_window(insights) == timedelta(days=180)
    assert influence_window(insights) == timedelta(days=7)


def test_check_summary_names_it():
    code, text = run_check(SHIPPED)
    assert code == 0 and "insights (churn after 180 days)" in text


def copy_of_shipped(tmp_path):
    return edited_copy(tmp_path, FILE, "churn_days", "churn_days")


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("half a year", "'half a year'"),
        ("90.5", "90.5"),
        ("-30", "-30"),
        ("0", "0"),
        ("100000", "100000"),
        ("true", "true"),
        ("[180]", "a list"),
        ("", "nothing"),
    ],
)
def test_churn_days_must_be_a_whole_number_of_days_in_range(tmp_path, written, shown):
    directory = edited_copy(tmp_path, FILE, "churn_days: 180", f"churn_days: {written}")
    line = line_of(directory, FILE, "churn_days:")
    assert errors_of(directory) == [
        f"insights.yml line {line}: churn_days must be a whole number of days from 7 to 1095, "
        f"got {shown}"
    ]


@pytest.mark.parametrize("written", ["0", "-1", "91", "seven"])
def test_influence_days_must_be_a_whole_number_of_days_in_range(tmp_path, written):
    directory = edited_copy(tmp_path, FILE, "influence_days: 7", f"influence_days: {written}")
    [error] = errors_of(directory)
    assert "influence_days must be a whole number of days from 1 to 90, got " in error


def test_influence_may_not_outlast_churn(tmp_path):
    edited_copy(tmp_path, FILE, "churn_days: 180", "churn_days: 30")
    directory = edited_copy(tmp_path, FILE, "influence_days: 7", "influence_days: 60")
    line = line_of(directory, FILE, "influence_days: 60")
    assert errors_of(directory) == [
        f"insights.yml line {line}: influence_days is 60, longer than churn_days (30): an order "
        "that late would follow a customer already counted as lost"
    ]


def test_empty_file(tmp_path):
    directory = copy_of_shipped(tmp_path)
    (directory / FILE).write_text("# only comments left\n", encoding="utf-8")
    assert errors_of(directory) == ["insights.yml line 1: is empty"]


def test_not_a_block_of_fields(tmp_path):
    directory = copy_of_shipped(tmp_path)
    (directory / FILE).write_text("- churn_days: 180\n", encoding="utf-8")
    [error] = errors_of(directory)
    assert error == "insights.yml line 1: must be a block of fields (name: value lines), got a list"


def test_missing_field(tmp_path):
    directory = edited_copy(tmp_path, FILE, "influence_days: 7\n", "")
    [error] = errors_of(directory)
    assert error.endswith("influence_days is missing; it is required")


def test_mistyped_field(tmp_path):
    directory = edited_copy(tmp_path, FILE, "churn_days: 180", "churn_dayz: 180")
    first, second = errors_of(directory)
    assert "churn_days is missing; it is required" in first
    assert "churn_dayz is not a known field here (did you mean churn_days?)" in second


def test_missing_file(tmp_path):
    directory = copy_of_shipped(tmp_path)
    (directory / FILE).unlink()
    [error] = errors_of(directory)
    assert error.startswith("insights.yml: is missing: expected at ")


def test_an_edit_is_served_and_a_bad_one_refused(tmp_path):
    directory = copy_of_shipped(tmp_path)
    store = PolicyStore(directory)
    assert store.reload() is True
    edit(directory / FILE, "churn_days: 180", "churn_days: 90")
    assert store.reload() is True and store.policies.insights.churn_days == 90
    edit(directory / FILE, "churn_days: 90", "churn_days: -90")
    assert store.reload() is False
    assert store.policies.insights.churn_days == 90
    [error] = store.errors
    assert (error.file, error.path) == ("insights.yml", "churn_days")


def edit(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    stat = path.stat()  # a new mtime even on file systems with coarse timestamps
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
