"""Benchmark: the chat API under load against Rasa's bare REST webhook on the same model.

Run: .venv/bin/python -m benchmarks.chat_load [--shoppers 20] [--messages 400] [--json OUT]
     [--model PATH.tar.gz] [--reuse-helpdesk URL --reuse-rasa URL [--helpdesk-pid P] [--rasa-pid P]]
     [--sockets N] [--claims N [--agents 8]] [--compare-rasa-patches]
     [--database postgresql://HOST:PORT/DB]

Starts the product as `make run` does (`python -m helpdesk demo load` and `serve` on a temporary
var/, `rasa run` through bot/rasa_run.py on the newest model in var/models/ or --model; never
trains), or reaches running ones (whose rate limiter remembers earlier runs for 10 minutes: the
429s that causes are counted and reported). N shoppers, each from its own loopback address
127.16.x.y (the helpdesk's per-address and per-session rate limits stay on: a plan that would
exceed them is refused, not run with raised limits), send two mixes, small talk (answered by responses) and
policy questions (answered by custom actions), in six languages, through both paths: the chat API
exactly as the widget uses it, and Rasa's REST webhook with the metadata the helpdesk sends (the
same Rasa process, so the same model and the same callbacks to the helpdesk). Batches alternate
between the paths, round after round, so that the machine's other work falls on both alike.

Prints p50/p95/p99 latency and throughput per path and mix, the chat/bare ratios, the p50 of one
shopper alone, and the CPU time per message of the helpdesk and of Rasa (utime+stime of the
`helpdesk serve` and `rasa run` children, from /proc, while each batch ran; on the bare path the
helpdesk's is only Rasa's calls back to it, actions and texts). --sockets N then opens N
shoppers' websockets at once (several shoppers per address, within its new-chats limit), sends
one message from each, and counts the pushes that arrive (the shopper's own message and the bot's
replies) and how late. --compare-rasa-patches measures bare Rasa with bot/patches/ against a
second Rasa as shipped (SHOP_SUPPORT_RASA_PATCHES=off), interleaved the same way, no chat path.
--claims N queues N conversations (shoppers asking for a person), then --agents agents (admins,
made for the run) claim from that queue at once through the agent API: claims a second, and
conversations claimed twice; before they claim, one of them reads the queue (GET
/api/agent/queue, all N waiting) 20 times in a row, timed. --database runs the product on a
PostgreSQL server instead of its SQLite files: a database made for the run on the server the URL
names (the URL's own database is only connected to, to create and drop it), dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import os
import secrets
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from benchmarks.load.claims import agent_email, claim_all, queue_conversations
from benchmarks.load.figures import BatchResult, Report, as_json, render, tally
from benchmarks.load.plan import Batch, Plan, limit_problems, schedule, shopper_address
from benchmarks.load.servers import Servers, started
from benchmarks.load.shoppers import BarePath, ChatPath, MessagePath, run_batch
from benchmarks.load.sockets import socket_capacity
from helpdesk.settings import PROJECT_ROOT

log = logging.getLogger("benchmarks.chat_load")
UNPATCHED = "bare_unpatched"
AGENT_PASSWORD_BYTES = 18


def newest_model(models: Path = PROJECT_ROOT / "var" / "models") -> Path:
    """The model trained last (someone may have retrained while we ran before): never trains."""
    found = sorted(models.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not found:
        raise FileNotFoundError(f"no model in {models}: `make train`, or pass --model")
    return found[-1]


async def run(
    plan: Plan,
    paths: dict[str, MessagePath],
    cpu: Callable[[str], dict[str, float]] | None = None,
) -> tuple[list[BatchResult], dict[str, list[float]]]:
    """Warm-up (not counted), the interleaved batches, then the shopper alone on each path."""
    crowd = [shopper_address(index) for index in range(plan.shoppers)]
    warm_up = [shopper_address(plan.shoppers + 1)]
    for mix in plan.mixes:
        for name in plan.paths:
            await run_batch(paths[name], Batch(0, mix, name, 0, 1), warm_up)
    results = []
    batches = schedule(plan)
    for number, batch in enumerate(batches, 1):
        log.info("batch %d/%d: %s through %s", number, len(batches), batch.mix, batch.path)
        reading = functools.partial(cpu, batch.path) if cpu else None
        results.append(await run_batch(paths[batch.path], batch, crowd, reading))
    solo: dict[str, list[float]] = {name: [] for name in plan.paths}
    for round_, start in enumerate(range(0, plan.solo, plan.batch_size)):
        count = min(plan.batch_size, plan.solo - start)
        order = plan.paths if round_ % 2 == 0 else tuple(reversed(plan.paths))
        for name in order:
            alone = Batch(round_, "small_talk", name, start, count)
            solo[name] += (await run_batch(paths[name], alone, [plan.solo_address])).latencies
    return results, solo


def paths_answers(paths: dict[str, MessagePath]) -> dict[str, int]:
    """What the bare paths' replies were, by intent sent (the mixes are answered as meant)."""
    answers: dict[str, int] = {}
    for path in paths.values():
        for what, count in getattr(path, "answers", {}).items():
            answers[what] = answers.get(what, 0) + count
    return answers


def problems_seen(results: list[BatchResult]) -> list[str]:
    failed: dict[str, int] = {}
    for result in results:
        for kind, count in result.failures.items():
            key = f"{result.batch.path}: {kind}"
            failed[key] = failed.get(key, 0) + count
    return [f"{count} messages failed ({key})" for key, count in sorted(failed.items())]


@asynccontextmanager
async def database_for_run(server: str | None) -> AsyncIterator[str | None]:
    """None (the product's SQLite files), or a fresh database on the PostgreSQL server `server`
    names, dropped when the run ends."""
    if not server:
        yield None
        return
    url = make_url(server)
    name = f"chat_load_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    try:
        await admin.execute(f"CREATE DATABASE {name}")
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        await admin.close()


@asynccontextmanager
async def servers_for(args: argparse.Namespace, model: Path) -> AsyncIterator[Servers]:
    if args.reuse_helpdesk:
        rasa_pids = {"bare": args.rasa_pid} if args.rasa_pid else {}
        yield Servers(args.reuse_helpdesk, {"bare": args.reuse_rasa}, args.helpdesk_pid, rasa_pids)
        return
    async with database_for_run(args.database) as database_url:
        if database_url:  # the servers started below inherit the environment
            os.environ["DATABASE_URL"] = database_url
        async with servers_of_this_run(args, model) as servers:
            yield servers


@asynccontextmanager
async def servers_of_this_run(args: argparse.Namespace, model: Path) -> AsyncIterator[Servers]:
    with tempfile.TemporaryDirectory(prefix="chat-load-") as folder:
        unpatched = UNPATCHED if args.compare_rasa_patches else None
        async with started(
            model, Path(folder), unpatched_rasa=unpatched, agents=args.agent_passwords
        ) as servers:
            yield servers


async def measure(args: argparse.Namespace, plan: Plan, model: Path) -> Report:
    load_before = os.getloadavg()
    began = time.monotonic()
    async with servers_for(args, model) as servers:
        paths: dict[str, MessagePath] = {
            name: BarePath(url) for name, url in servers.rasa_urls.items()
        }
        paths["chat"] = ChatPath(servers.helpdesk_url)
        measured = servers.helpdesk_pid or servers.rasa_pids
        cpu = servers.cpu_of if measured else None
        log.info("servers ready after %.0fs; measuring", time.monotonic() - began)
        measuring = time.monotonic()
        results, solo = await run(plan, paths, cpu)
        sockets = None
        if args.sockets:
            log.info("opening %d websockets", args.sockets)
            sockets = await socket_capacity(servers.helpdesk_url, args.sockets)
        claims = None
        if args.claims:
            log.info("queueing %d conversations for %d agents", args.claims, args.agents)
            queued = await queue_conversations(servers.helpdesk_url, args.claims)
            claims = await claim_all(
                servers.helpdesk_url, queued, args.agent_passwords, args.claims
            )
    setup = {
        "shoppers": plan.shoppers,
        "messages per path and mix": plan.per_shopper * plan.shoppers,
        "model": model.name if not args.reuse_helpdesk else "as served",
        "database": "PostgreSQL"
        if args.database
        else "SQLite (as served)"
        if args.reuse_helpdesk
        else "SQLite",
        "measured for": f"{time.monotonic() - measuring:.0f}s",
        "load average (1, 5, 15 min) before": " ".join(f"{v:.1f}" for v in load_before),
        "after": " ".join(f"{v:.1f}" for v in os.getloadavg()),
        "cores": os.cpu_count(),
        "bare Rasa answered": ", ".join(
            f"{what} x{count}" for what, count in sorted(paths_answers(paths).items())
        ),
        "CPU": "utime+stime of the `helpdesk serve` and `rasa run` processes from /proc, per batch"
        if cpu
        else "not measured (give --helpdesk-pid, --rasa-pid)",
    }
    compared = (plan.paths[0], plan.paths[1])
    report = Report(tally(results), solo, setup, compared, problems_seen(results))
    if sockets:
        report.more["websockets"] = sockets.as_json()
        report.more_lines = sockets.render()
        if sockets.ready < sockets.wanted or len(sockets.echoes) < sockets.ready:
            report.problems.append("websockets: not every socket opened or got its pushes")
    if claims:
        report.more["claims"] = claims.as_json()
        report.more_lines += claims.render()
        if claims.doubles or claims.queued < claims.wanted:
            report.problems.append("claims: a double claim, or not every conversation queued")
    return report


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.chat_load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--shoppers", type=int, default=20, help="concurrent shoppers (20)")
    parser.add_argument(
        "--messages", type=int, default=400, help="per path and mix, all shoppers (400)"
    )
    parser.add_argument("--batch", type=int, default=5, help="messages per shopper per batch (5)")
    parser.add_argument("--solo", type=int, default=20, help="messages of one shopper alone (20)")
    parser.add_argument(
        "--sockets", type=int, default=0, help="websockets open at once, after the load (0: none)"
    )
    parser.add_argument(
        "--claims", type=int, default=0, help="conversations queued for the agents (0: none)"
    )
    parser.add_argument("--agents", type=int, default=8, help="agents claiming at once (8)")
    parser.add_argument("--model", type=Path, help="a trained model (default: the newest)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the figures here")
    parser.add_argument("--reuse-helpdesk", metavar="URL", help="a running helpdesk")
    parser.add_argument("--reuse-rasa", metavar="URL", help="the Rasa server it talks to")
    parser.add_argument("--helpdesk-pid", type=int, help="its process, to read its CPU time")
    parser.add_argument("--rasa-pid", type=int, help="Rasa's process, to read its CPU time")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="a PostgreSQL server (postgresql://host:port/db) to run the product on, in a "
        "database made for the run (default: SQLite files, as `make run`)",
    )
    parser.add_argument(
        "--compare-rasa-patches",
        action="store_true",
        help="bare Rasa with bot/patches/ against Rasa as shipped (no chat path)",
    )
    args = parser.parse_args(argv)
    if bool(args.reuse_helpdesk) != bool(args.reuse_rasa):
        parser.error("--reuse-helpdesk and --reuse-rasa go together")
    if args.reuse_helpdesk and (args.compare_rasa_patches or args.claims or args.database):
        parser.error("--compare-rasa-patches, --claims and --database start their own servers")
    if args.database and not args.database.startswith("postgresql"):
        parser.error("--database takes a postgresql:// URL (SQLite is the default)")
    # Accounts made for the run only (their passwords never leave it).
    args.agent_passwords = {
        agent_email(index): secrets.token_urlsafe(AGENT_PASSWORD_BYTES)
        for index in range(args.agents if args.claims else 0)
    }
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    paths = ("bare", UNPATCHED) if args.compare_rasa_patches else ("chat", "bare")
    plan = Plan(args.shoppers, args.messages, args.batch, args.solo, paths=paths)
    refused = limit_problems(plan)
    if refused:
        print("\n".join(["the plan would hit the helpdesk's rate limits:", *refused]))
        return 2
    model = args.model.resolve() if args.model else newest_model()
    # `kill` as well as Ctrl-C unwinds the run, so that the servers it started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    report = asyncio.run(measure(args, plan, model))
    print("\n".join(render(report)))
    if args.json:
        args.json.write_text(json.dumps(as_json(report), indent=2))
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
