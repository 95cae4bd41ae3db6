"""The public chat API with a fake bot: sessions, messages, retries, errors, transcript."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.conftest import open_session


async def test_a_session_gets_an_id_and_a_token(client):
    response = await client.post("/api/chat/sessions", json={"locale": "es"})
    assert response.status == 201
    body = await response.json()
    assert body["session_id"] and len(body["token"]) >= 32


async def test_a_session_needs_no_body(client):
    response = await client.post("/api/chat/sessions")
    assert response.status == 201


async def test_the_bot_answers_in_the_conversation_language(client, fake_bot):
    shopper = await open_session(client, locale="en-GB")
    answer = await shopper.say("hi")
    assert answer["state"] == "bot"
    [greeting] = answer["messages"]
    assert greeting["from"] == "bot" and greeting["lang"] == "en"
    assert greeting["text"].startswith("Hi! I'm the Atelier Nord assistant")
    assert {"title": "Where is my order?", "payload": "/order_status"} in greeting["buttons"]
    assert fake_bot.calls[0][2]["lang"] == "en"


async def test_a_retried_message_is_stored_once_and_answered_the_same(shopper, fake_bot):
    client_id = str(uuid.uuid4())
    first = await shopper.say("where is my order?", client_id)
    again = await shopper.say("where is my order?", client_id)
    assert again == first
    assert fake_bot.texts() == ["where is my order?"]
    transcript = await shopper.transcript()
    assert [m["from"] for m in transcript] == ["shopper", "bot"]


async def test_the_transcript_lists_every_message_in_order(shopper):
    await shopper.say("hi")
    await shopper.say("where is my order?")
    transcript = await shopper.transcript()
    assert [(m["from"], m["text"][:12]) for m in transcript] == [
        ("shopper", "hi"),
        ("bot", "Hi! I'm the "),
        ("shopper", "where is my "),
        ("bot", "I can check "),
    ]
    assert transcript[1]["reply_to"] == transcript[0]["id"]


async def test_a_missing_or_wrong_token_is_401(client, shopper):
    url = f"/api/chat/sessions/{shopper.session_id}/messages"
    body = {"text": "hi", "client_id": str(uuid.uuid4())}
    missing = await client.post(url, json=body)
    wrong = await client.post(url, json=body, headers={"Authorization": "Bearer nope"})
    assert (missing.status, wrong.status) == (401, 401)
    assert "token" in (await missing.json())["error"]
    assert await shopper.transcript() == []


async def test_another_shoppers_session_is_404(client, shopper):
    other = await open_session(client)
    response = await client.get(
        f"/api/chat/sessions/{other.session_id}/messages", headers=shopper.auth
    )
    assert response.status == 404
    assert await other.transcript() == []


async def test_bad_messages_are_400_with_what_to_fix(client, shopper):
    url = f"/api/chat/sessions/{shopper.session_id}/messages"
    cases = {
        "empty": ({"text": "   ", "client_id": str(uuid.uuid4())}, "text is empty"),
        "too long": ({"text": "x" * 2001, "client_id": str(uuid.uuid4())}, "limit is 2000"),
        "no client id": ({"text": "hi"}, "client_id"),
        "bad client id": ({"text": "hi", "client_id": "abc"}, "client_id"),
    }
    for name, (body, expected) in cases.items():
        response = await client.post(url, json=body, headers=shopper.auth)
        assert response.status == 400, name
        assert expected in (await response.json())["error"], name
    malformed = await client.post(url, data="{not json", headers=shopper.auth)
    assert malformed.status == 400
    assert (await malformed.json())["error"] == "the body is not valid JSON"
    raw = {  # what a hand-written client or a fuzzer sends; each would have broken storage
        "NUL": ('{"text": "hi\\u0000there", "client_id": "%s"}', "NUL"),
        "lone surrogate": ('{"text": "\\ud800", "client_id": "%s"}', "surrogate"),
        "nested": ('{"text": ' + "[" * 3000 + "]" * 3000 + ', "client_id": "%s"}', "nested"),
        "not UTF-8": ('{"text": "caf\xe9", "client_id": "%s"}', "not valid JSON"),
        "number": ('{"text": 7, "client_id": "%s"}', "text"),
    }
    for name, (body, expected) in raw.items():
        data = (body % uuid.uuid4()).encode("latin-1")
        response = await client.post(url, data=data, headers=shopper.auth)
        assert response.status == 400, name
        assert expected in (await response.json())["error"], name
    assert await shopper.transcript() == []


async def test_2000_characters_are_accepted(shopper):
    answer = await shopper.say("y" * 2000)
    assert answer["messages"]


async def test_unknown_locale_falls_back_to_english(client):
    shopper = await open_session(client, locale="xx")
    answer = await shopper.say("hi")
    assert answer["messages"][0]["lang"] == "en"


async def test_healthz_reports_bot_and_database(client):
    response = await client.get("/healthz")
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["bot"] in {"ready", "starting"}


async def test_a_signed_identity_marks_the_session_identified(
    aiohttp_client, settings, fake_bot, detector
):
    from helpdesk.app import create_app
    from helpdesk.clock import SetClock
    from helpdesk.orders.verification import identity_signature

    settings.identity_secret = "shop-secret"
    now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    client = await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, clock=SetClock(now))
    )
    expires = int(now.timestamp()) + 3600
    good = {
        "email": "ana@example.com",
        "expires": expires,
        "signature": identity_signature("shop-secret", "ana@example.com", expires),
    }
    forged = {**good, "signature": identity_signature("guess", "ana@example.com", expires)}
    expired = {
        **good,
        "expires": expires - 7200,
        "signature": identity_signature("shop-secret", "ana@example.com", expires - 7200),
    }
    signed = await (await client.post("/api/chat/sessions", json={"identity": good})).json()
    assert signed["identified"] is True and signed["identity_problem"] is None
    for refused, why in ((forged, "signature does not match"), (expired, "expired")):
        answer = await client.post("/api/chat/sessions", json={"identity": refused})
        body = await answer.json()
        assert (
            answer.status == 201 and body["identified"] is False and why in body["identity_problem"]
        )
    malformed = await client.post("/api/chat/sessions", json={"identity": {"email": "a@b.c"}})
    assert malformed.status == 400 and "signature" in (await malformed.json())["error"]


async def test_a_language_picked_in_the_widget_is_the_language_of_the_answers(client):
    shopper = await open_session(client, "en")
    assert (await shopper.say("hi"))["messages"][0]["lang"] == "en"
    url = f"/api/chat/sessions/{shopper.session_id}/language"
    picked = await client.post(url, headers=shopper.auth, json={"locale": "de-AT"})
    assert await picked.json() == {"lang": "de"}
    answer = await shopper.say("/greet")  # a button: its payload says nothing about language
    assert answer["messages"][0]["lang"] == "de"
    refused = await client.post(url, headers=shopper.auth, json={"locale": "ja"})
    assert refused.status == 400
    assert (await refused.json())["error"] == (
        "this shop chats in en, es, pt, fr, de, it, zh; 'ja' is not one of them"
    )
