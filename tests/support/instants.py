"""The instants tests run at. Nothing in a test reads the wall clock: every app gets a clock set
to one of these, so that a test that passes at 10:00 passes at 19:00 and on a Sunday too.

Hour-sensitive tests (routing to the team at work, outside-hours notices) run at all of them;
the rest at the first. The demo shop's orders are dated relative to the clock's day.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from helpdesk.chat.handover import route
from helpdesk.policies import load_policies
from helpdesk.settings import PROJECT_ROOT

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

WEEKDAY_MORNING_IN_AMSTERDAM = datetime(2026, 11, 18, 10, 30, tzinfo=AMSTERDAM)  # a Wednesday
INSTANTS = {
    "weekday morning in Amsterdam": WEEKDAY_MORNING_IN_AMSTERDAM,
    # eu closed (20:00 in Amsterdam), americas at work (16:00 in São Paulo)
    "Friday 19:00 UTC": datetime(2026, 11, 13, 19, 0, tzinfo=UTC),
    "Sunday": datetime(2026, 11, 15, 12, 0, tzinfo=UTC),  # only nobody at work
    "a holiday of support.yml": datetime(2026, 12, 25, 10, 0, tzinfo=AMSTERDAM),  # eu and americas
}


def team_for(lang: str, instant: datetime) -> str:
    """The team the shop's own support.yml routes a shopper of `lang` to at `instant`."""
    policies = load_policies(PROJECT_ROOT / "policies")
    return route(policies.support, lang, instant).team
