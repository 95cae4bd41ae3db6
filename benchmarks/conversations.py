"""Benchmark: task success in multi-turn conversations written as shoppers write, per language.

Run: .venv/bin/python -m benchmarks.conversations [--part tuning|held_back|all] [--lang es ...]
     [--only ID ...] [--model PATH.tar.gz] [--json OUT] [--require PCT]

The product as shoppers have it: a real Rasa server on the trained model (the helpdesk's own
ensure_model, which trains when bot/ changed; --model serves the given file and never trains),
and for each conversation a helpdesk app started afresh on the example shop (a copy of the SQLite
database `demo load` makes, in a temporary folder), so that no conversation sees what another did,
with its clock set to one fixed instant (tests/support/instants.py) so that the example shop's
dates and the support hours read the same at any time of day. Conversations come
from tests/conversations/ (tests/conversations/suite.py) and go through the public chat API
(tests/conversations/runner.py). Prints passed/total per part and language and per kind, then
every failed conversation with its failing turn, why, and the whole transcript
(benchmarks/conversation_report.py). Exit code 0, unless --require
is given and a language falls below it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiohttp
from aiohttp import web

from benchmarks.conversation_report import as_json, below, figures, render_failure, render_figures
from helpdesk.app import NLU_DIR, create_app
from helpdesk.clock import SetClock
from helpdesk.database import Database
from helpdesk.languages.detection import LanguageDetector
from helpdesk.languages.locales import Locales
from helpdesk.orders.demo import load_demo_shop, stock_demo_codes
from helpdesk.policies import load_policies
from helpdesk.rasa.evaluation import production_translator
from helpdesk.rasa.training import ensure_model
from helpdesk.settings import PROJECT_ROOT, Settings
from tests.conversations.runner import ChatEndpoint, Outcome, run_conversations
from tests.conversations.suite import PARTS, Conversation, load_suite
from tests.support.instants import WEEKDAY_MORNING_IN_AMSTERDAM
from tests.support.rasa_server import RasaServer, shop_settings, start_rasa

BOT_READY_TIMEOUT_SECONDS = 300
# Every conversation happens at this instant (a Wednesday, 10:30 in Amsterdam: the EU team at
# work), on the example shop dated from that day.
INSTANT = WEEKDAY_MORNING_IN_AMSTERDAM


@dataclass
class ShopFactory:
    """Opens the example shop afresh for each conversation: a helpdesk app, started on a copy of
    the shop's database as `demo load` leaves it, with its clock at `instant`, on the ports the
    run's Rasa server calls back."""

    rasa: RasaServer
    template: Path  # helpdesk.db, migrated and holding the example shop
    folder: Path
    instant: datetime
    shared: dict  # what every app may share (detector, translator, locales): loaded once
    opened: int = 0

    @asynccontextmanager
    async def open(self) -> AsyncIterator[ChatEndpoint]:
        self.opened += 1
        folder = self.folder / f"shop-{self.opened}"
        folder.mkdir()
        shutil.copy(self.template, folder / self.template.name)
        secret, clock = secrets.token_urlsafe(32), SetClock(self.instant)
        settings = shop_settings(
            self.rasa, folder, identity_secret=secret, port=self.rasa.helpdesk_port
        )
        runner = web.AppRunner(create_app(settings, clock=clock, **self.shared))
        try:
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.rasa.helpdesk_port).start()
            await _until_the_helpdesk_sees_the_bot(settings.base_url)
            yield ChatEndpoint(settings.base_url, secret, clock.now)
        finally:
            await runner.cleanup()
            shutil.rmtree(folder, ignore_errors=True)


async def example_shop(rasa: RasaServer, folder: Path, instant: datetime) -> Path:
    """The database `python -m helpdesk demo load` makes, dated from the fixed clock's day."""
    settings = shop_settings(rasa, folder)
    database = Database(settings.database)
    await database.upgrade()
    async with database.session() as session:
        policies = load_policies(settings.policies_dir)
        await load_demo_shop(session, policies, today=SetClock(instant).today())
        await stock_demo_codes(session, policies, now=instant)
        await session.commit()
    await database.close()
    return folder / "helpdesk.db"


@asynccontextmanager
async def running_bot(model: Path, folder: Path) -> AsyncIterator[RasaServer]:
    """`rasa run` on `model` for the whole run, ready; stopped however the run ends."""
    rasa = start_rasa(folder, model)
    try:
        try:
            await rasa.wait_ready()
        except TimeoutError:
            _show_the_end_of(rasa.process.log_path)  # the folder, and the log, go with the run
            raise
        yield rasa
    finally:
        rasa.process.stop()


def _show_the_end_of(log_path: Path | None, lines: int = 20) -> None:
    if log_path and log_path.is_file():
        tail = log_path.read_text(errors="replace").splitlines()[-lines:]
        print("\n".join(["the end of Rasa's log:", *tail]), file=sys.stderr)


async def _until_the_helpdesk_sees_the_bot(base_url: str) -> None:
    deadline = time.monotonic() + BOT_READY_TIMEOUT_SECONDS
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            async with http.get(f"{base_url}/healthz") as answer:
                if (await answer.json()).get("bot") == "ready":
                    return
            await asyncio.sleep(0.2)
    raise TimeoutError(f"the helpdesk did not see the bot ready in {BOT_READY_TIMEOUT_SECONDS}s")


async def run_suite(
    conversations: list[Conversation], model: Path, instant: datetime = INSTANT
) -> list[Outcome]:
    """Every conversation through the real bot, each in a fresh example shop at `instant`."""
    with tempfile.TemporaryDirectory(prefix="conversations-") as temporary:
        folder = Path(temporary)
        async with running_bot(model, folder / "rasa") as rasa:
            template = await example_shop(rasa, folder / "template", instant)
            shared = {
                "detector": LanguageDetector.from_training_data(Settings().languages, NLU_DIR),
                # Translation as the service has it: the packages installed under var/argos.
                "translator": await production_translator(Settings()),
                "locales": Locales.load(PROJECT_ROOT / "locales"),
            }
            shops = ShopFactory(rasa, template, folder, instant, shared)
            print(f"Running {len(conversations)} conversations…", file=sys.stderr, flush=True)
            return await run_conversations(shops.open, conversations)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.conversations", description=__doc__)
    parser.add_argument("--part", choices=[*PARTS, "all"], default="all")
    parser.add_argument("--lang", nargs="+", help="only these languages (en es pt ...)")
    parser.add_argument("--only", nargs="+", metavar="ID", help="only these conversations")
    parser.add_argument("--model", type=Path, help="a trained model (.tar.gz); never trains")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the figures here")
    parser.add_argument("--require", type=float, metavar="PCT", help="exit 1 below this")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    logging.basicConfig(level=logging.WARNING)
    parts = list(PARTS) if args.part == "all" else [args.part]
    conversations = load_suite(parts, args.lang)
    if args.only:
        conversations = [c for c in conversations if c.id in args.only]
    if not conversations:
        print("no conversations match", file=sys.stderr)
        return 2
    model = args.model.resolve() if args.model else ensure_model(PROJECT_ROOT / "var")
    if not model.is_file():
        print(f"no model at {model}", file=sys.stderr)
        return 2
    outcomes = asyncio.run(run_suite(conversations, model))
    result = figures(outcomes)
    print("\n".join(render_figures(result)))
    for outcome in outcomes:
        if not outcome.passed:
            print("\n" + "\n".join(render_failure(outcome)))
    if args.json:
        args.json.write_text(
            json.dumps(as_json(outcomes, model, INSTANT), indent=2, ensure_ascii=False)
        )
    failing = below(result, args.require) if args.require is not None else []
    if failing:
        print("\nbelow the required share: " + "; ".join(failing))
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
