"""A supervised child process comes back after it dies, and stops when asked."""

from __future__ import annotations

import os
import signal
import sys
import time

from helpdesk import bot_process
from helpdesk.bot_process import ChildProcess


def test_a_killed_process_is_restarted_and_stopped_cleanly(tmp_path, monkeypatch):
    monkeypatch.setattr(bot_process, "RESTART_BACKOFF_SECONDS", (0,))
    child = ChildProcess("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"],
                         env=dict(os.environ), cwd=tmp_path)
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
    child = ChildProcess("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"],
                         env=dict(os.environ), cwd=tmp_path)
    child.start()
    try:
        assert child.supervise() is False and child.restarts == 0
    finally:
        child.stop()
