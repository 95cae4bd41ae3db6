"""engagement.yml: what is on and when it is due, quiet hours where the shopper lives, the weekly
cap, review links; and the errors a merchant's edit can make, refused while the last valid
version keeps serving."""

import asyncio
import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from policy_files import SHIPPED, edited_copy, errors_of, line_of, shipped

from helpdesk.app import create_app
from helpdesk.policies import PolicyStore, UnknownName, run_check
from helpdesk.policies.engagement import (
    due_at,
    in_quiet_hours,
    is_domestic,
    is_on,
    next_weekly_slot,
    quiet_hours_end,
    reminder_due,
    review_link,
    send_time,
    shopper_zone,
)
from helpdesk.policies.watch import POLICIES

FILE = "engagement.yml"
AMSTERDAM, SAO_PAULO = ZoneInfo("Europe/Amsterdam"), ZoneInfo("America/Sao_Paulo")
DELIVERED = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


def test_which_messages_are_on_and_by_which_channel():
    policy = shipped().engagement
    assert is_on(policy, "review_request") and is_on(policy, "delay_notice", "widget")
    assert not is_on(policy, "review_request", "widget")
    with pytest.raises(UnknownName):
        is_on(policy, "birthday_card")


def test_days_differ_for_domestic_and_international_orders():
    policy = shipped().engagement
    assert is_domestic(policy, "nl") and not is_domestic(policy, "DE")
    assert due_at(
        policy, "review_request", moment=DELIVERED, country="NL"
    ) == DELIVERED + timedelta(days=10)
    assert due_at(
        policy, "review_request", moment=DELIVERED, country="BR"
    ) == DELIVERED + timedelta(days=14)
    # One number applies to both.
    assert due_at(policy, "csat_by_email", moment=DELIVERED, country="BR") == DELIVERED + timedelta(
        days=1
    )


def test_a_message_turned_off_is_never_due(tmp_path):
    directory = edited_copy(
        tmp_path, FILE, "  review_request:\n    on: true", "  review_request:\n    on: false"
    )
    policy = PolicyStore(directory)
    policy.reload()
    assert (
        due_at(policy.policies.engagement, "review_request", moment=DELIVERED, country="NL") is None
    )


@pytest.mark.parametrize(
    ("local", "zone", "quiet"),
    [
        ((2026, 11, 18, 20, 59), AMSTERDAM, False),
        ((2026, 11, 18, 21, 0), AMSTERDAM, True),
        ((2026, 11, 19, 3, 0), AMSTERDAM, True),
        ((2026, 11, 19, 7, 59), SAO_PAULO, True),
        ((2026, 11, 19, 8, 0), SAO_PAULO, False),
    ],
)
def test_quiet_hours_are_the_shoppers_own(local, zone, quiet):
    moment = datetime(*local, tzinfo=zone).astimezone(UTC)
    assert in_quiet_hours(shipped().engagement, moment, zone) is quiet


def test_the_quiet_time_ends_the_next_morning_where_the_shopper_lives():
    policy = shipped().engagement
    evening = datetime(2026, 11, 18, 22, 15, tzinfo=SAO_PAULO)
    morning = datetime(2026, 11, 19, 8, 0, tzinfo=SAO_PAULO)
    assert quiet_hours_end(policy, evening, SAO_PAULO) == morning
    assert quiet_hours_end(policy, morning - timedelta(hours=2), SAO_PAULO) == morning
    noon = datetime(2026, 11, 19, 12, 0, tzinfo=SAO_PAULO)
    assert quiet_hours_end(policy, noon, SAO_PAULO) == noon
    # 22:15 in São Paulo is 02:15 in Amsterdam: the same moment is quiet there too, until 08:00.
    assert quiet_hours_end(policy, evening, AMSTERDAM) == datetime(
        2026, 11, 19, 8, 0, tzinfo=AMSTERDAM
    )
    # A transcript the shopper asked for goes at once.
    assert send_time(policy, "transcript", evening, SAO_PAULO) == evening
    assert send_time(policy, "review_request", evening, SAO_PAULO) == morning


def test_the_shoppers_zone_known_from_their_country_or_the_default():
    policy = shipped().engagement
    assert shopper_zone(policy, "Asia/Tokyo", "NL") == ZoneInfo("Asia/Tokyo")
    assert shopper_zone(policy, "Mars/Olympus", "NL") == AMSTERDAM
    assert shopper_zone(policy, None, "fr") == ZoneInfo("Europe/Paris")
    assert shopper_zone(policy, None, "US") == AMSTERDAM  # many zones: the default


def test_the_weekly_cap_spaces_messages():
    policy = shipped().engagement  # 3 a week
    now = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
    two = [now - timedelta(days=6), now - timedelta(days=1)]
    assert next_weekly_slot(policy, two, now) == now
    three = [*two, now - timedelta(hours=1), now - timedelta(days=9)]
    assert next_weekly_slot(policy, three, now) == now + timedelta(days=1)


def test_the_points_reminder_is_due_days_before_expiry():
    moment = reminder_due(shipped().engagement, date(2027, 3, 31), AMSTERDAM)
    assert moment == datetime(2027, 3, 1, 0, 0, tzinfo=AMSTERDAM)


def test_review_links_per_market_with_overrides():
    policy = shipped().engagement
    assert "trustedshops.de" in review_link(policy, "DE")
    assert "trustpilot.com" in review_link(policy, "FR")
    assert "reclameaqui" in review_link(policy, "BR")
    assert review_link(policy, "JP") == review_link(policy, "US")  # the default's


def test_check_summary_names_it():
    code, text = run_check(SHIPPED)
    assert code == 0 and "engagement (7 messages on)" in text


@pytest.mark.parametrize(
    ("old", "new", "field", "said"),
    [
        (
            'quiet_hours: "21:00-08:00"',
            'quiet_hours: "21:00"',
            "quiet_hours",
            "quiet hours such as",
        ),
        ('quiet_hours: "21:00-08:00"', 'quiet_hours: "08:00-08:00"', "quiet_hours", "must not end"),
        (
            "default_timezone: Europe/Amsterdam",
            "default_timezone: Europe/Atlantis",
            "default_timezone",
            "IANA",
        ),
        (
            "max_per_shopper_per_week: 3",
            "max_per_shopper_per_week: 0",
            "max_per_shopper_per_week",
            "from 1 to 50",
        ),
        ("home_countries: [NL]", "home_countries: [Holland]", "home_countries[0]", "ISO 3166"),
        (
            "after_days: {domestic: 2, international: 3}",
            "after_days: {domestic: 2}",
            "messages.delivery_check_in.after_days.international",
            "missing",
        ),
        (
            "after_days: {domestic: 10, international: 14}",
            "after_days: ten",
            "messages.review_request.after_days",
            "{domestic: 2, international: 5}",
        ),
        ("after_days: 1\n", "after_days: 400\n", "messages.csat_by_email.after_days", "0 to 365"),
        (
            "    days_before: 30",
            "    days_before: 0",
            "messages.points_expiry_reminder.days_before",
            "from 1 to 365",
        ),
        (
            "  review_request:\n    on: true",
            "  review_request:\n    on: yes",
            "messages.review_request.on",
            "true or false",
        ),
        (
            "  transcript:\n    on: true\n    channels: [email]",
            "  transcript:\n    on: true\n    channels: [widget]",
            "messages.transcript.channels[0]",
            "goes only by email",
        ),
        (
            "  transcript:\n    on: true\n    channels: [email]",
            "  transcript:\n    on: true\n    channels: []",
            "messages.transcript.channels",
            "at least 1",
        ),
        ("  transcript:\n", "  transcripts:\n", "messages.transcripts", "did you mean transcript?"),
        (
            "review_link: https://uk.trustpilot",
            "review_link: http://uk.trustpilot",
            "markets.GB.review_link",
            "https://",
        ),
        (
            "    countries: [GB]",
            "    countries: [GB, NL]",
            "markets.GB.countries[1]",
            "already covers",
        ),
    ],
)
def test_an_invalid_edit_names_file_line_and_field(tmp_path, old, new, field, said):
    directory = edited_copy(tmp_path, FILE, old, new)
    [error] = [error for error in errors_of(directory) if f": {field} " in error]
    line = line_of(directory, FILE, new.strip().split("\n")[-1].strip())
    assert error.startswith(f"{FILE} line {line}: {field} ") and said in error, error


def test_an_invalid_edit_is_refused_and_the_last_valid_version_keeps_serving(tmp_path):
    directory = edited_copy(
        tmp_path, FILE, "max_per_shopper_per_week: 3", "max_per_shopper_per_week: 3"
    )
    store = PolicyStore(directory)
    assert store.reload() and store.policies.engagement.max_per_shopper_per_week == 3
    path = directory / FILE
    path.write_text(
        path.read_text().replace("max_per_shopper_per_week: 3", "max_per_shopper_per_week: many")
    )
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert store.reload() is False
    [error] = store.errors
    expected = line_of(directory, FILE, "max_per_shopper_per_week:")
    assert (error.file, error.line, error.path) == (FILE, expected, "max_per_shopper_per_week")
    assert "'many'" in error.message
    assert store.version == 1 and store.policies.engagement.max_per_shopper_per_week == 3
    assert is_on(store.policies.engagement, "review_request")


def test_a_missing_engagement_file_is_named(tmp_path):
    directory = edited_copy(tmp_path, FILE, "home_countries", "home_countries")
    (directory / FILE).unlink()
    assert any(error.startswith(f"{FILE}: is missing") for error in errors_of(directory))


async def test_in_the_running_service_a_broken_edit_shows_on_healthz_and_the_rules_keep_serving(
    aiohttp_client, settings, fake_bot, detector, clock, tmp_path
):
    settings.policies_dir = edited_copy(tmp_path, FILE, "home_countries", "home_countries")
    client = await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, clock=clock)
    )
    path = settings.policies_dir / FILE
    path.write_text(path.read_text().replace("    days_before: 30", "    days_before: a month"))
    for _ in range(100):
        body = await (await client.get("/healthz")).json()
        if body["policies"]["status"] == "error":
            break
        await asyncio.sleep(0.1)
    line = line_of(settings.policies_dir, FILE, "days_before: a month")
    assert body["policies"]["errors"] == [
        f"{FILE} line {line}: messages.points_expiry_reminder.days_before must be a whole number "
        "of days from 1 to 365, got 'a month'"
    ]
    engagement = client.app[POLICIES].policies.engagement
    assert engagement.messages.points_expiry_reminder.days_before == 30
