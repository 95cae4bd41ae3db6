"""`make run`: train if bot/ changed, start the bot and the helpdesk, watch both, stop on Ctrl-C."""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request

from helpdesk.agents.accounts import DEMO_AGENT, DEMO_PASSWORD_FILE
from helpdesk.rasa.process import ChildProcess, rasa_server
from helpdesk.rasa.training import ensure_model
from helpdesk.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)


def run(settings: Settings) -> int:
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    model = ensure_model(settings.var_dir)
    # The embedded default serves the example shop: its orders, the first time only.
    subprocess.run([sys.executable, "-m", "helpdesk", "demo", "load"], check=True, cwd=PROJECT_ROOT)
    # Two secrets, new at every start: Rasa's API token, and the one Rasa shows when it calls the
    # helpdesk back (actions, replies). Both travel in the environment, never on a command line.
    rasa_token = settings.rasa_token or secrets.token_urlsafe(24)
    callbacks_token = settings.rasa_callbacks_token or secrets.token_urlsafe(32)
    bot = rasa_server(
        model=model,
        rasa_url=settings.rasa_url,
        token=rasa_token,
        callbacks_url=_callbacks_url(settings),
        callbacks_token=callbacks_token,
        var_dir=settings.var_dir,
    )
    # The embedded default is the demo: /demo?customer= signs the example shop's customers in.
    env = {
        **os.environ,
        "RASA_TOKEN": rasa_token,
        "RASA_CALLBACKS_TOKEN": callbacks_token,
        "DEMO_MODE": "true",
        "IDENTITY_SECRET": settings.identity_secret or secrets.token_urlsafe(32),
    }
    helpdesk = ChildProcess(
        "helpdesk",
        [sys.executable, "-m", "helpdesk", "serve"],
        env=env,
        cwd=PROJECT_ROOT,
        log_path=settings.var_dir / "log" / "helpdesk.log",
    )
    children = [bot, helpdesk]
    # Ctrl-C and `kill` both stop cleanly, even where the shell started us with SIGINT ignored.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, _interrupt)
    try:
        for child in children:
            child.start()
        _wait_until_ready(settings, children)
        _print_urls(settings)
        while True:
            _supervise(children)
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
    finally:
        for child in reversed(children):
            child.stop()
    print("Stopped.", flush=True)
    return 0


def _interrupt(*_signal) -> None:
    raise KeyboardInterrupt


def _callbacks_url(settings: Settings) -> str:
    host = settings.rasa_callbacks_host
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{settings.rasa_callbacks_port}"


_reported: dict[str, str | None] = {}


def _supervise(children: list[ChildProcess]) -> None:
    """Restart what died; say once, on the terminal, why a child keeps failing."""
    for child in children:
        child.supervise()
        if child.problem and _reported.get(child.name) != child.problem:
            print(f"\n  ! {child.problem}", flush=True)
        _reported[child.name] = child.problem


def health(settings: Settings) -> dict:
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{settings.port}/healthz", timeout=3
        ) as answer:
            return json.load(answer)
    except (OSError, ValueError):
        return {}


def _wait_until_ready(settings: Settings, children: list[ChildProcess]) -> None:
    started = time.monotonic()
    while (state := health(settings)).get("bot") != "ready":
        _supervise(children)
        elapsed = int(time.monotonic() - started)
        what = "helpdesk starting…" if not state else f"bot {state.get('bot', 'starting')}…"
        if sys.stdout.isatty() or elapsed % 10 == 0:
            print(
                f"\r  {what} {elapsed}s (usually under a minute; logs: var/log/)   ",
                end="" if sys.stdout.isatty() else "\n",
                flush=True,
            )
        time.sleep(1)
    print(f"\r  bot ready after {int(time.monotonic() - started)}s{' ' * 40}", flush=True)


def _print_urls(settings: Settings) -> None:
    base = f"http://127.0.0.1:{settings.port}"
    print(
        f"""
The shop's support bot and helpdesk are running.
  Demo shop:     {base}/demo   (the chat widget, as shoppers see it)
  Agents:        {base}/agent  (log in as {DEMO_AGENT}, password in var/{DEMO_PASSWORD_FILE})
  Health:        {base}/healthz
  Chat API:      {base}/api/chat/sessions   (see README.md)
  API reference: {base}/api/openapi.yaml
  Logs:          var/log/helpdesk.log, var/log/rasa.log
Press Ctrl-C to stop.
""",
        flush=True,
    )
