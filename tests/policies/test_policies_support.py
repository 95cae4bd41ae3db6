from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from policy_files import shipped

from helpdesk.policies import (
    UnknownName,
    always_human,
    availability,
    queue_wait_limit,
    team_availability,
    teams_for_language,
    wait_too_long,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def eu(now):
    return team_availability(shipped().support, "eu", now)


def test_open_within_hours_until_closing():
    answer = eu(datetime(2025, 6, 4, 10, 0, tzinfo=AMSTERDAM))
    assert answer.open and answer.closes_at == datetime(2025, 6, 4, 18, 0, tzinfo=AMSTERDAM)


def test_closing_time_is_closed_and_next_opening_is_tomorrow():
    answer = eu(datetime(2025, 6, 4, 16, 0, tzinfo=UTC))  # 18:00 in Amsterdam (summer time)
    assert not answer.open
    assert answer.next_open == datetime(2025, 6, 5, 8, 30, tzinfo=AMSTERDAM)
    assert answer.next_open.tzinfo == AMSTERDAM


def test_weekend_and_lunch_break():
    saturday_evening = eu(datetime(2025, 6, 7, 15, 0, tzinfo=AMSTERDAM))
    assert saturday_evening.next_open == datetime(
        2025, 6, 9, 8, 30, tzinfo=AMSTERDAM
    )  # Sunday closed
    lunch = team_availability(
        shipped().support, "americas", datetime(2025, 6, 2, 12, 30, tzinfo=SAO_PAULO)
    )
    assert not lunch.open and lunch.next_open == datetime(2025, 6, 2, 13, 0, tzinfo=SAO_PAULO)


def test_holidays_are_skipped():
    christmas_eve = eu(datetime(2025, 12, 24, 18, 30, tzinfo=AMSTERDAM))
    assert christmas_eve.next_open == datetime(2025, 12, 27, 10, 0, tzinfo=AMSTERDAM)
    assert not eu(datetime(2025, 12, 25, 11, 0, tzinfo=AMSTERDAM)).open


def test_next_opening_across_the_dst_change():
    # Amsterdam moves to summer time on Sunday 29 March 2026: Monday 08:30 is 06:30 UTC, a week
    # earlier it was 07:30 UTC.
    after = eu(datetime(2026, 3, 28, 15, 0, tzinfo=UTC)).next_open
    before = eu(datetime(2026, 3, 21, 15, 0, tzinfo=UTC)).next_open
    assert after.astimezone(UTC) == datetime(2026, 3, 30, 6, 30, tzinfo=UTC)
    assert before.astimezone(UTC) == datetime(2026, 3, 23, 7, 30, tzinfo=UTC)
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(days=7, hours=-1)


def test_now_must_be_aware():
    with pytest.raises(ValueError):
        eu(datetime(2025, 6, 4, 10, 0))


def test_routing_by_language():
    assert teams_for_language(shipped().support, "pt-BR") == ("americas",)
    assert teams_for_language(shipped().support, "zh") == ("apac",)
    assert teams_for_language(shipped().support, "en") == ("eu", "americas", "apac")
    assert teams_for_language(shipped().support, "ja") == ("eu",)  # the fallback team


def test_availability_for_a_language_prefers_an_open_team():
    # 20:00 in Amsterdam is 15:00 in São Paulo: English is answered by the americas team
    english = availability(
        shipped().support, datetime(2025, 6, 4, 18, 0, tzinfo=UTC), language="en"
    )
    assert english.open and english.team == "americas"
    # Sunday: nobody works; the soonest opening is apac's Monday 09:00 Shanghai (Sunday 01:00 UTC)
    sunday = availability(shipped().support, datetime(2025, 6, 8, 0, 0, tzinfo=UTC), language="en")
    assert not sunday.open and sunday.team == "apac"
    assert sunday.next_open.astimezone(UTC) == datetime(2025, 6, 9, 1, 0, tzinfo=UTC)


def test_availability_arguments():
    with pytest.raises(ValueError):
        availability(shipped().support, datetime(2025, 6, 4, tzinfo=UTC))
    with pytest.raises(UnknownName):
        availability(shipped().support, datetime(2025, 6, 4, tzinfo=UTC), team="night_shift")


def test_topics_that_always_go_to_a_person():
    assert always_human(shipped().support, "chargeback")
    assert always_human(shipped().support, "damaged_goods")
    assert not always_human(shipped().support, "order_status")


def test_queue_wait_limit():
    assert queue_wait_limit(shipped().support, "eu") == timedelta(minutes=10)
    assert wait_too_long(shipped().support, "apac", timedelta(minutes=21))
    assert not wait_too_long(shipped().support, "apac", timedelta(minutes=20))
