"""End to end at a real SMTP server, with the clock moved: a parcel ships (the thank-you with its
tracking link), Shopify says it was delivered, and the check-in and the review request arrive on
the days engagement.yml gives (domestic or international), in the shopper's language; not a day
earlier."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from helpdesk.followups.jobs import CHECK_IN, REVIEW
from helpdesk.policies import engagement
from helpdesk.policies.watch import POLICIES
from helpdesk.web.keys import CLOCK
from tests.delays.shop import add_order
from tests.followups.orders import deliver_parcel, emails, sweep_and_run

CASES = [
    ("NL", "Your order 40010 is on its way", "Did your order 40010 arrive well?",
     "How do you like your order 40010?", "https://www.trustpilot.com/evaluate/atelier-nord.example"),
    ("FR", "Votre commande 40010 est en route", "Votre commande 40010 est-elle bien arrivée ?",
     "Que pensez-vous de votre commande 40010 ?",
     "https://www.trustpilot.com/evaluate/atelier-nord.example"),
    ("DE", "Ihre Bestellung 40010 ist unterwegs", "Ist Ihre Bestellung 40010 gut angekommen?",
     "Wie gefällt Ihnen Ihre Bestellung 40010?",
     "https://www.trustedshops.de/bewertung/bewerten_atelier-nord.html"),
    ("CN", "您的订单 40010 已发货", "您的订单 40010 完好送达了吗？", "您喜欢订单 40010 吗？",
     "https://www.atelier-nord.example/zh/reviews"),
]  # fmt: skip


def noon(day, zone) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=zone)


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize(("country", "shipped", "check_in", "review", "link"), CASES)
async def test_shipped_then_delivered_then_check_in_and_review_on_their_days(
    shop, smtp_server, country, shipped, check_in, review, link
):
    app, clock = shop.app, shop.app[CLOCK]
    policy = app[POLICIES].policies.engagement
    zone = engagement.shopper_zone(policy, None, country)
    order = await add_order(
        app, "40010", email="Shopper@Example.com", country=country, estimate=clock.today()
    )

    assert await sweep_and_run(app) == 2  # the thank-you's job, then its email
    [thanks] = await emails(smtp_server, 1)
    assert thanks["Subject"] == shipped and thanks["To"] == "shopper@example.com"
    text = thanks.get_body(("plain",)).get_content()
    assert "https://www.dhl.com/global-en/home/tracking.html?tracking-id=JD40010" in text

    delivered_on = clock.today() + timedelta(days=2)
    clock.set(noon(delivered_on, zone))
    await deliver_parcel(shop, order, at=clock.now())
    assert await sweep_and_run(app) == 0  # queued, not due yet

    for message, subject, count in ((CHECK_IN, check_in, 2), (REVIEW, review, 3)):
        day = delivered_on + timedelta(days=engagement.days_after(policy, message, country))
        clock.set(noon(day - timedelta(days=1), zone))
        assert await sweep_and_run(app) == 0, f"{message} came a day early"
        clock.set(noon(day, zone))
        assert await sweep_and_run(app) == 2
        received = await emails(smtp_server, count)
        assert received[-1]["Subject"] == subject
        for part in ("plain", "html"):
            body = received[-1].get_body((part,)).get_content()
            assert "40010" in body
            if message == REVIEW:
                assert link in body
    # Much later, nothing more: each follow-up went once.
    clock.set(clock.now() + timedelta(days=30))
    assert await sweep_and_run(app) == 0
    assert smtp_server.mailbox.count() == 3
