"""The chat load benchmark's own logic (benchmarks/chat_load.py, benchmarks/load/), with fake paths
and no servers: addresses, the interleaved plan, the rate-limit check, the figures, the report."""

from __future__ import annotations

import ipaddress
import json
import os
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from aiohttp import web

from benchmarks import chat_load
from benchmarks.load.claims import agent_email, claim_all, queue_conversations
from benchmarks.load.figures import as_json, percentile, render, tally
from benchmarks.load.mixes import MIXES, language_of, lines_for
from benchmarks.load.plan import Plan, limit_problems, schedule, shopper_address
from benchmarks.load.servers import process_cpu_seconds
from benchmarks.load.shoppers import Refused
from benchmarks.load.sockets import socket_address, socket_capacity


class FakePath:
    """A path that answers at once, recording who said what, from which address, in which language."""

    def __init__(self, name: str, log: list, refuse_every: int = 0) -> None:
        self.name, self.log, self.refuse_every, self.said = name, log, refuse_every, 0

    @asynccontextmanager
    async def conversation(self, address: str, lang: str):
        path = self

        class Conversation:
            async def say(self, line):
                path.said += 1
                path.log.append((path.name, address, lang, line.text))
                if path.refuse_every and path.said % path.refuse_every == 0:
                    raise Refused("rate_limited")
                return 1

        yield Conversation()


def test_percentiles_interpolate_between_ranks():
    values = [0.010, 0.020, 0.030, 0.040, 0.050]
    assert percentile(values, 50) == pytest.approx(0.030)
    assert percentile(values, 95) == pytest.approx(0.048)
    assert percentile(list(reversed(values)), 0) == pytest.approx(0.010)
    assert percentile([0.2], 99) == pytest.approx(0.2)


def test_every_shopper_has_its_own_loopback_address():
    addresses = [shopper_address(index) for index in range(1000)]
    assert len(set(addresses)) == 1000
    assert all(ipaddress.ip_address(a) in ipaddress.ip_network("127.0.0.0/8") for a in addresses)
    with pytest.raises(ValueError):
        shopper_address(250 * 250)


def test_batches_alternate_the_paths_round_after_round():
    plan = Plan(shoppers=4, messages=48, batch_size=5)  # 12 each per path and mix: 5 + 5 + 2
    batches = schedule(plan)
    assert plan.rounds == 3 and len(batches) == 3 * 2 * 2
    firsts = [batches[i].path for i in range(0, len(batches), 2)]
    assert firsts == ["chat", "bare", "bare", "chat", "chat", "bare"]
    for path in ("chat", "bare"):
        for mix in ("small_talk", "policy"):
            mine = [b for b in batches if (b.path, b.mix) == (path, mix)]
            assert [(b.start, b.count) for b in mine] == [(0, 5), (5, 5), (10, 2)]


def test_a_plan_over_the_rate_limits_is_refused_not_raised():
    assert limit_problems(Plan(shoppers=20, messages=400)) == []
    too_many = limit_problems(Plan(shoppers=2, messages=400))  # 200 a shopper per mix
    assert any("messages per address" in problem for problem in too_many)
    assert any("--batch" in problem for problem in limit_problems(Plan(20, 400, batch_size=25)))
    assert limit_problems(Plan(2, 400, paths=("bare", "bare_unpatched"))) == []  # Rasa has none


def test_main_refuses_such_a_plan_before_starting_anything(capsys):
    assert chat_load.main(["--shoppers", "1", "--messages", "500"]) == 2
    assert "rate limits" in capsys.readouterr().out


def test_a_shopper_keeps_one_language_in_a_conversation_and_shoppers_spread_over_them():
    for mix, languages in MIXES.items():
        lines = lines_for(mix, shopper=3, round_=1, start=0, count=5)
        lang = language_of(mix, 3, 1)
        assert all(line in languages[lang] for line in lines)
        assert {language_of(mix, shopper, 0) for shopper in range(6)} == set(languages)


async def test_a_run_sends_every_message_through_both_paths_from_each_shoppers_address():
    log: list = []
    plan = Plan(shoppers=3, messages=12, batch_size=2, solo=3)
    paths = {"chat": FakePath("chat", log), "bare": FakePath("bare", log)}
    ticks = iter(range(1000))

    def cpu(path: str) -> dict[str, float]:
        tick = float(next(ticks))
        return {"helpdesk": tick, "rasa": 3 * tick}

    results, solo = await chat_load.run(plan, paths, cpu=cpu)

    crowd = {shopper_address(index) for index in range(3)}
    counted = [entry for entry in log if entry[1] in crowd]
    for path in ("chat", "bare"):
        assert len([e for e in counted if e[0] == path]) == 12 * 2  # both mixes
        assert {e[1] for e in counted if e[0] == path} == crowd
    assert {entry[1] for entry in log} == crowd | {
        shopper_address(3),  # the shopper alone
        shopper_address(4),  # the warm-up
    }
    assert [len(latencies) for latencies in solo.values()] == [3, 3]
    figures = tally(results)
    assert figures[("chat", "policy")].sent == 12
    assert figures[("chat", "policy")].cpu_seconds == {"helpdesk": 2.0, "rasa": 6.0}  # 2 batches
    assert figures[("chat", "policy")].cpu_ms_per_message("helpdesk") == pytest.approx(2000 / 12)
    assert figures[("bare", "policy")].cpu_ms_per_message("rasa") == pytest.approx(6000 / 12)


async def test_the_report_gives_ratios_and_names_failures():
    log: list = []
    plan = Plan(shoppers=2, messages=8, batch_size=4, solo=2)
    paths = {"chat": FakePath("chat", log, refuse_every=5), "bare": FakePath("bare", log)}
    results, solo = await chat_load.run(plan, paths)
    report = chat_load.Report(
        tally(results), solo, {"shoppers": 2}, ("chat", "bare"), chat_load.problems_seen(results)
    )
    text = "\n".join(render(report))
    assert "chat/bare on policy, p50 / p95 / p99 / throughput:" in text
    assert "one shopper alone: chat p50" in text
    assert "rate_limited" in text and "PROBLEM:" in text
    written = json.loads(json.dumps(as_json(report)))
    assert written["ratios"] == "chat/bare"
    assert set(written["ratio"]) == {"small_talk", "policy"}
    assert sum(p["failures"].get("rate_limited", 0) for p in written["paths"]) > 0


def test_cpu_time_is_read_from_proc():
    assert process_cpu_seconds(os.getpid()) > 0


def fake_chat_with_sockets() -> web.Application:
    """The chat API's sessions, sockets and messages, pushing each message back as the real one
    does (the shopper's own, then the bot's reply), with created_at stamps."""
    sockets: dict[str, web.WebSocketResponse] = {}

    async def create(_request):
        session_id = uuid.uuid4().hex
        return web.json_response({"session_id": session_id, "token": "t-" + session_id}, status=201)

    async def socket(request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        assert (await ws.receive_json())["token"] == "t-" + request.match_info["id"]
        sockets[request.match_info["id"]] = ws
        await ws.send_json({"type": "ready"})
        async for _frame in ws:
            pass
        return ws

    async def message(request):
        said = await request.json()
        now = datetime.now(UTC).isoformat()
        reply = {"from": "bot", "text": "hi", "client_id": None, "created_at": now}
        ws = sockets[request.match_info["id"]]
        await ws.send_json(
            {
                "type": "message",
                "message": {"from": "shopper", "client_id": said["client_id"], "created_at": now},
            }
        )
        await ws.send_json({"type": "message", "message": reply})
        return web.json_response({"messages": [reply], "state": "bot"})

    app = web.Application()
    app.router.add_post("/api/chat/sessions", create)
    app.router.add_get("/api/chat/sessions/{id}/ws", socket)
    app.router.add_post("/api/chat/sessions/{id}/messages", message)
    return app


async def test_socket_capacity_counts_every_push_and_shares_addresses_within_the_limit(
    aiohttp_server,
):
    server = await aiohttp_server(fake_chat_with_sockets())
    figures = await socket_capacity(str(server.make_url("")), 45)
    assert (figures.ready, len(figures.echoes), figures.answered, len(figures.replies)) == (
        45,
        45,
        45,
        45,
    )
    assert not figures.refused
    assert {socket_address(index) for index in range(45)} == {
        shopper_address(1000),
        shopper_address(1001),
        shopper_address(1002),
    }
    assert "45 of 45 open" in "\n".join(figures.render())


def fake_queue_and_agents(double_claim: str | None = None) -> web.Application:
    """Shoppers asking for a person are queued; logged-in agents claim, the first one wins (or
    everyone wins `double_claim`, the bug the benchmark must count)."""
    claimed: dict[str, str] = {}
    created: list[str] = []

    async def create(_request):
        created.append(uuid.uuid4().hex)
        return web.json_response({"session_id": created[-1], "token": "t"}, status=201)

    async def queue(request):
        assert request.cookies["helpdesk_agent"]
        waiting = [{"id": conversation} for conversation in created if conversation not in claimed]
        return web.json_response({"queued": waiting})

    async def message(_request):
        return web.json_response({"messages": [], "state": "queued"})

    async def login(request):
        body = await request.json()
        response = web.json_response({"csrf_token": "c-" + body["email"]})
        response.set_cookie("helpdesk_agent", body["email"])
        return response

    async def claim(request):
        agent = request.cookies["helpdesk_agent"]
        assert request.headers["X-CSRF-Token"] == "c-" + agent
        conversation = request.match_info["id"]
        if claimed.setdefault(conversation, agent) != agent and conversation != double_claim:
            return web.json_response({"code": "already_claimed"}, status=409)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/api/chat/sessions", create)
    app.router.add_post("/api/chat/sessions/{id}/messages", message)
    app.router.add_post("/api/agent/login", login)
    app.router.add_get("/api/agent/queue", queue)
    app.router.add_post("/api/agent/conversations/{id}/claim", claim)
    return app


async def test_claims_count_each_win_and_every_conversation_won_twice(aiohttp_server):
    server = await aiohttp_server(fake_queue_and_agents())
    url = str(server.make_url(""))
    queued = await queue_conversations(url, 30)
    assert len(queued) == 30
    passwords = {agent_email(index): "pw" for index in range(3)}
    figures = await claim_all(url, queued, passwords, 30)
    assert sum(figures.won.values()) == 30 and figures.refused == {409: 60}
    assert figures.doubles == 0
    assert figures.queue_listed == 30 and figures.queue_reads_ms  # read before any claim

    server = await aiohttp_server(fake_queue_and_agents(double_claim="x"))
    figures = await claim_all(str(server.make_url("")), ["x", "y"], passwords, 2)
    assert figures.doubles == 1 and "double claims 1" in figures.render()[0]
