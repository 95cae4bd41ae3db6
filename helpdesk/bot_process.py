"""The Rasa server as a child process: started, restarted when it dies, stopped cleanly."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

from helpdesk.training import BOT_DIR, rasa_command, rasa_environment

log = logging.getLogger(__name__)
RESTART_BACKOFF_SECONDS = (1, 2, 5, 10, 30)


class ChildProcess:
    """A command kept running: `supervise()` restarts it (with back-off) after it exits."""

    def __init__(self, name: str, command: list[str], *, env: dict[str, str], cwd: Path,
                 log_path: Path | None = None) -> None:
        self.name, self.command, self.env, self.cwd, self.log_path = name, command, env, cwd, log_path
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self._restart_at: float | None = None

    def start(self) -> None:
        output = self.log_path.open("a") if self.log_path else None
        # Own process group: Ctrl-C reaches only the launcher, which stops children in order.
        self.process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd, stdout=output,
                                        stderr=subprocess.STDOUT if output else None,
                                        start_new_session=True)
        if output:
            output.close()
        log.info("started %s (pid %s)", self.name, self.process.pid)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def supervise(self) -> bool:
        """Restart the process after it died (waiting a back-off first); True when restarted."""
        if self.process is None or self.running():
            return False
        now = time.monotonic()
        if self._restart_at is None:
            delay = RESTART_BACKOFF_SECONDS[min(self.restarts, len(RESTART_BACKOFF_SECONDS) - 1)]
            log.warning("%s stopped (exit %s); restarting in %ss", self.name,
                        self.process.returncode, delay)
            self._restart_at = now + delay
        if now < self._restart_at:
            return False
        self._restart_at = None
        self.restarts += 1
        self.start()
        return True

    def stop(self, timeout: float = 15) -> None:
        if not self.running():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def rasa_server(*, model: Path, rasa_url: str, token: str, helpdesk_url: str, var_dir: Path) -> ChildProcess:
    """`rasa run` on 127.0.0.1 with an auth token, calling back the helpdesk at helpdesk_url."""
    port = urlparse(rasa_url).port or 5005
    (var_dir / "log").mkdir(parents=True, exist_ok=True)
    command = [*rasa_command(), "run", "--enable-api", "--auth-token", token,
               "--interface", "127.0.0.1", "--port", str(port), "--model", str(model),
               "--endpoints", str(BOT_DIR / "endpoints.yml"),
               "--credentials", str(BOT_DIR / "credentials.yml")]
    env = {**rasa_environment(var_dir), "HELPDESK_URL": helpdesk_url.rstrip("/"),
           "RASA_TRACKER_DB": str(var_dir / "rasa-tracker.db")}
    return ChildProcess("bot", command, env=env, cwd=var_dir, log_path=var_dir / "log" / "rasa.log")
