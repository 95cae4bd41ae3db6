"""A supervised child process comes back after it dies, and stops when asked."""

from __future__ import annotations

import os
import signal
import sys
import time

from helpdesk.rasa import process as bot_process
from helpdesk.rasa.process import ChildProcess


def test_a_killed_process_is_restarted_and_stopped_cleanly(tmp_path, monkeypatch):
    monkeypatch.setattr(bot_process, "RESTART_BACKOFF_SECONDS", (0,))
    child = ChildProcess(
        "sleeper",
        [sys.executable, "-c", "import time; time.sleep(60)"],
        env=dict(os.environ),
        cwd=tmp_path,
    )
    child.start()
    first = child.pid
    os.kill(first, signal.SIGKILL)
    child.process.wait()
    deadline = time.monotonic() + 10
    while not child.supervise() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert child.running() and child.pid != first and child.restarts == 1
    child.stop()
    assert not child.running()


def test_a_running_process_is_left_alone(tmp_path):
    child = ChildProcess(
        "sleeper",
        [sys.executable, "-c", "import time; time.sleep(60)"],
        env=dict(os.environ),
        cwd=tmp_path,
    )
    child.start()
    try:
        assert child.supervise() is False and child.restarts == 0
    finally:
        child.stop()


def test_a_child_failing_the_same_way_is_reported_with_the_reason_from_its_log(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(bot_process, "RESTART_BACKOFF_SECONDS", (0,))
    failing = (
        "import sys; print('loading the model…'); "
        "print('rasa: error: argument -t/--auth-token: expected one argument'); sys.exit(2)"
    )
    child = ChildProcess(
        "bot",
        [sys.executable, "-c", failing],
        env=dict(os.environ),
        cwd=tmp_path,
        log_path=tmp_path / "log" / "bot.log",
    )
    child.start()
    deadline = time.monotonic() + 20
    while child.restarts < 3 and time.monotonic() < deadline:
        child.supervise()
        time.sleep(0.05)
    while child.running():
        time.sleep(0.05)
    child.supervise()
    assert child.problem is not None
    assert "4 times in a row" in child.problem
    assert "expected one argument" in child.problem
    child.stop()


def test_logs_are_readable_by_their_owner_only(tmp_path):
    child = ChildProcess(
        "sleeper",
        [sys.executable, "-c", "print('hello')"],
        env=dict(os.environ),
        cwd=tmp_path,
        log_path=tmp_path / "log" / "sleeper.log",
    )
    child.start()
    child.process.wait()
    assert (tmp_path / "log" / "sleeper.log").stat().st_mode & 0o777 == 0o600
