"""Composing an email: both parts from locales/ in the shopper's language, HTML escaped, links
clickable, the one-click unsubscribe headers, one id for every try of a job; and the signed
tokens of the unsubscribe links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest

from helpdesk.languages.locales import Locales
from helpdesk.mail import tokens
from helpdesk.mail.addresses import BadAddress, normalise
from helpdesk.mail.compose import Letter, compose, message_id
from helpdesk.settings import PROJECT_ROOT

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)
KEY = b"a key for the tests, long enough"
UNSUBSCRIBE = "https://support.example.com/mail/unsubscribe?t=abc.def"


@pytest.fixture(scope="module")
def locales() -> Locales:
    return Locales.load(PROJECT_ROOT / "locales")


def letter(lang: str, **variables) -> Letter:
    values = {
        "greeting_key": "mail_greeting_named",  # "Hello {name},"
        "name": "Ana",
        "order_number": "AN-1001",
        "tracking_url": "https://track.example.com/?id=1&x=2",
        **variables,
    }
    return Letter("shipped_thank_you", "ana@example.com", lang, values)


def sent(locales, mail_letter, **options):
    message = compose(
        locales,
        mail_letter,
        sender="Atelier Nord <support@atelier-nord.example>",
        unsubscribe_url=UNSUBSCRIBE,
        now=NOW,
        **options,
    )
    # As the receiving side reads it: bytes on the wire, parsed again.
    return message_from_bytes(bytes(message), policy=policy.default)


@pytest.mark.parametrize(
    ("lang", "subject", "said"),
    [
        ("en", "Your order AN-1001 is on its way", "Thank you for your order AN-1001"),
        ("de", "Ihre Bestellung AN-1001 ist unterwegs", "vielen Dank für Ihre Bestellung AN-1001"),
        ("zh", "您的订单 AN-1001 已发货", "感谢您的订单 AN-1001"),
    ],
)
def test_both_parts_say_the_same_in_the_shoppers_language(locales, lang, subject, said):
    message = sent(locales, letter(lang))
    assert message["Subject"] == subject and message["Content-Language"] == lang
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert said in text and said in html
    assert f"{UNSUBSCRIBE}" in text and f'href="{UNSUBSCRIBE}"' in html
    assert message.get_content_type() == "multipart/alternative"


def test_headers_of_a_one_click_unsubscribe(locales):
    message = sent(locales, letter("en"))
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["To"] == "ana@example.com"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"] == "Wed, 18 Nov 2026 09:30:00 +0000"


def test_what_a_shopper_or_merchant_wrote_is_escaped_in_html(locales):
    hostile = '<script>alert("x")</script> & <b>bold</b>'
    message = sent(locales, letter("en", name=hostile))
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert hostile in message.get_body(("plain",)).get_content()  # text is text
    # The link keeps its query, escaped as HTML wants it.
    assert 'href="https://track.example.com/?id=1&amp;x=2"' in html


def test_a_line_break_in_a_value_never_makes_a_header(locales):
    message = sent(locales, letter("en", order_number="1\nBcc: all@example.com"))
    assert message["Bcc"] is None
    assert message["Subject"] == "Your order 1 Bcc: all@example.com is on its way"


def test_every_try_of_a_job_has_the_same_message_id():
    sender = "Atelier Nord <support@atelier-nord.example>"
    first = message_id(sender, "shipped:AN-1001")
    assert first == message_id(sender, "shipped:AN-1001") != message_id(sender, "shipped:AN-1002")
    assert first.endswith("@atelier-nord.example>")
    assert message_id(sender, None) != message_id(sender, None)


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("  Ana@Example.COM ", "ana@example.com"),
        ("a.b+c@mail.example.co.uk", "a.b+c@mail.example.co.uk"),
    ],
)
def test_addresses_are_kept_in_one_spelling(written, kept):
    assert normalise(written) == kept


@pytest.mark.parametrize(
    "written",
    ["", "ana", "ana@", "@example.com", "a b@example.com", "a@b.c\r\nBcc: x@y.z", "<a@b.co>"],
)
def test_what_is_no_address_is_refused(written):
    with pytest.raises(BadAddress):
        normalise(written)


def test_a_signed_token_says_who_from_which_email_and_until_when():
    token = tokens.sign(KEY, "ana@example.com", "review_request", "pt", now=NOW)
    link = tokens.verify(KEY, token, now=NOW + timedelta(days=30))
    assert (link.email, link.kind, link.lang) == ("ana@example.com", "review_request", "pt")
    assert link.expires == NOW + tokens.LIFETIME


def test_a_tampered_token_or_another_key_is_refused():
    token = tokens.sign(KEY, "ana@example.com", "review_request", "pt", now=NOW)
    body, mac = token.split(".")
    other = tokens.sign(KEY, "bob@example.com", "review_request", "pt", now=NOW).split(".")[0]
    for bad in (f"{other}.{mac}", f"{body}.{mac[:-2]}", f"{body}x.{mac}", "", "a.b.c", "é.x"):
        with pytest.raises(tokens.BadToken):
            tokens.verify(KEY, bad, now=NOW)
    with pytest.raises(tokens.BadToken):
        tokens.verify(b"another key entirely, also long", token, now=NOW)


def test_an_old_token_has_expired():
    token = tokens.sign(KEY, "ana@example.com", "review_request", "pt", now=NOW)
    with pytest.raises(tokens.ExpiredToken):
        tokens.verify(KEY, token, now=NOW + tokens.LIFETIME + timedelta(seconds=1))
