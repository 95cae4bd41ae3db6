from datetime import time

from policy_files import edited_copy, errors_of, shipped


def test_shipped_support_file():
    support = shipped().support
    assert set(support.teams) == {"eu", "americas", "apac"}
    assert support.teams["americas"].hours.monday == ((time(9), time(12)), (time(13), time(19)))
    assert support.teams["eu"].hours.sunday == ()
    assert support.teams["apac"].hours.saturday == ()


def test_hours_must_be_ranges(tmp_path):
    directory = edited_copy(
        tmp_path, "support.yml", "saturday: 10:00-14:00", "saturday: 10am to 2pm"
    )
    [error] = errors_of(directory)
    assert "teams.eu.hours.saturday must be opening hours such as 09:00-17:30" in error
    assert error.endswith("got '10am to 2pm'")


def test_range_must_end_after_it_starts(tmp_path):
    directory = edited_copy(
        tmp_path, "support.yml", "saturday: 10:00-14:00", "saturday: 14:00-10:00"
    )
    [error] = errors_of(directory)
    assert "no overnight ranges" in error


def test_overlapping_ranges(tmp_path):
    directory = edited_copy(
        tmp_path, "support.yml", '["09:00-12:00", "13:00-19:00"]', '["09:00-14:00", "13:00-19:00"]'
    )
    [error] = errors_of(directory)
    assert "teams.americas.hours.monday has ranges that overlap" in error


def test_mistyped_weekday(tmp_path):
    directory = edited_copy(
        tmp_path, "support.yml", "wednesday: 08:30-18:00", "wendsday: 08:30-18:00"
    )
    [error] = errors_of(directory)
    assert "teams.eu.hours.wendsday is not a known field here (did you mean wednesday?)" in error


def test_unknown_time_zone_and_bad_holiday(tmp_path):
    edited_copy(tmp_path, "support.yml", "timezone: Asia/Shanghai", "timezone: Asia/Beijing")
    directory = edited_copy(
        tmp_path, "support.yml", "2025-12-25, 2025-12-26", "2025-12-25, 2025-12-32"
    )
    first, second = errors_of(directory)
    assert "teams.eu.holidays[1] must be a date written YYYY-MM-DD" in first
    assert "teams.apac.timezone must be an IANA time zone" in second
