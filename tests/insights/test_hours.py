"""Business hours count only the time a team works: across a weekend, a public holiday, a lunch
break and a change of clocks; calendar hours count everything."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.insights.hours import Hours, TeamHours, business_time, elapsed, team_rules
from helpdesk.policies.support_schema import SupportPolicy

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")

SUPPORT = SupportPolicy.model_validate(
    {
        "teams": {
            "eu": {
                "timezone": "Europe/Amsterdam",
                "languages": ["en", "de"],
                "hours": {
                    **dict.fromkeys(WEEKDAYS, "08:30-18:00"),
                    "saturday": "10:00-14:00",
                    "sunday": "closed",
                },
                "holidays": ["2026-12-25", "2026-12-26"],
                "max_wait_minutes": 10,
            },
            "americas": {
                "timezone": "America/Sao_Paulo",
                "languages": ["pt"],
                "hours": dict.fromkeys(WEEKDAYS, ["09:00-12:00", "13:00-19:00"]),
                "max_wait_minutes": 15,
            },
        },
        "fallback_team": "eu",
    }
)
EU = SUPPORT.teams["eu"]


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def test_a_weekend_counts_only_saturday_mornings_opening_hours():
    friday_evening = datetime(2026, 11, 13, 17, 0, tzinfo=AMSTERDAM)
    monday_morning = datetime(2026, 11, 16, 9, 30, tzinfo=AMSTERDAM)
    # Friday 17:00-18:00, Saturday 10:00-14:00, Sunday closed, Monday 08:30-09:30.
    assert hours(business_time(EU, friday_evening, monday_morning)) == 6
    assert hours(elapsed(friday_evening, monday_morning, hours=Hours.CALENDAR, team=EU)) == 64.5


def test_public_holidays_count_nothing_even_on_a_saturday():
    christmas_eve = datetime(2026, 12, 24, 17, 0, tzinfo=AMSTERDAM)  # a Thursday
    monday = datetime(2026, 12, 28, 9, 0, tzinfo=AMSTERDAM)
    # Thursday 17:00-18:00; Friday 25th and Saturday 26th are holidays; Sunday closed; Monday 30 min.
    assert hours(business_time(EU, christmas_eve, monday)) == 1.5


def test_a_lunch_break_is_not_working_time():
    americas = SUPPORT.teams["americas"]
    morning = datetime(2026, 11, 18, 11, 0, tzinfo=SAO_PAULO)
    afternoon = datetime(2026, 11, 18, 14, 0, tzinfo=SAO_PAULO)
    assert hours(business_time(americas, morning, afternoon)) == 2


def test_instants_are_compared_whatever_zone_they_are_written_in():
    start = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)  # 17:00 in Amsterdam
    end = datetime(2026, 11, 18, 18, 0, tzinfo=AMSTERDAM)
    assert hours(business_time(EU, start, end)) == 1


def test_the_night_the_clocks_go_back_is_closed_time_of_its_real_length():
    saturday = datetime(2026, 10, 24, 13, 0, tzinfo=AMSTERDAM)  # summer time ends on the 25th
    monday = datetime(2026, 10, 26, 9, 0, tzinfo=AMSTERDAM)
    assert hours(business_time(EU, saturday, monday)) == 1.5  # Saturday 1 h, Monday 30 min
    assert hours(elapsed(saturday, monday, hours=Hours.CALENDAR, team=EU)) == 45  # 44 + 1


def test_closed_time_only_and_backwards_ranges_are_nothing():
    sunday = datetime(2026, 11, 15, 9, 0, tzinfo=AMSTERDAM)
    assert business_time(EU, sunday, sunday + timedelta(hours=8)) == timedelta(0)
    assert business_time(EU, sunday + timedelta(hours=8), sunday) == timedelta(0)


def test_an_unknown_team_works_the_fallback_teams_hours_and_no_policy_means_calendar_time():
    assert team_rules(SUPPORT, "gone") is EU and team_rules(SUPPORT, None) is EU
    start = datetime(2026, 11, 15, 9, 0, tzinfo=AMSTERDAM)
    end = start + timedelta(hours=3)
    assert elapsed(start, end, hours=Hours.BUSINESS, team=team_rules(None, "eu")) == end - start


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="aware"):
        business_time(EU, datetime(2026, 11, 18, 9), datetime(2026, 11, 18, 10, tzinfo=UTC))


@pytest.mark.parametrize("team", ["eu", "americas"])
def test_seconds_between_counts_as_between_does_in_any_order_of_asking(team):
    """The constant-time count the KPIs use is the day-by-day one: over a year of moments with
    its clock changes, lunch breaks and holidays, asked out of order (the timeline grows both
    ways), including moments inside and outside the opening hours and zero-length spans."""
    rules = SUPPORT.teams[team]
    fast, slow = TeamHours(rules), TeamHours(rules)
    chance = random.Random(16)
    origin = datetime(2026, 6, 1, tzinfo=UTC).timestamp()
    for _ in range(2000):
        start = origin + chance.uniform(-200, 200) * 86400
        end = start + chance.choice([0, 60, 3600, 86400, 10 * 86400]) * chance.random()
        expected = slow.between(
            datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC)
        ).total_seconds()
        assert fast.seconds_between(start, end) == pytest.approx(expected, abs=1e-3)
