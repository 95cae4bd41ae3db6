"""The Rasa server as a child process: started, restarted when it dies, stopped cleanly."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

from helpdesk.rasa.logs import open_private_log
from helpdesk.rasa.training import BOT_DIR, rasa_environment, rasa_run_command

log = logging.getLogger(__name__)
RESTART_BACKOFF_SECONDS = (1, 2, 5, 10, 30)
# A child that dies this soon after starting, this many times in a row, is failing the same way:
# the launcher says why (from its log) instead of restarting it in silence.
QUICK_EXIT_SECONDS = 60.0
FAILURES_REPORTED_AFTER = 3


class ChildProcess:
    """A command kept running: `supervise()` restarts it (with back-off) after it exits, and
    `problem` says why when it keeps failing right after starting."""

    def __init__(
        self,
        name: str,
        command: list[str],
        *,
        env: dict[str, str],
        cwd: Path,
        log_path: Path | None = None,
    ) -> None:
        self.name, self.command, self.env, self.cwd, self.log_path = (
            name,
            command,
            env,
            cwd,
            log_path,
        )
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self.quick_failures = 0  # exits soon after starting, in a row
        self.problem: str | None = None  # why it keeps failing, from its log
        self._restart_at: float | None = None
        self._started_at = 0.0
        self._log_offset = 0

    def start(self) -> None:
        output = open_private_log(self.log_path) if self.log_path else None
        self._log_offset = self.log_path.stat().st_size if self.log_path else 0
        self._started_at = time.monotonic()
        # Own process group: Ctrl-C reaches only the launcher, which stops children in order.
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=self.cwd,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )
        if output:
            output.close()
        log.info("started %s (pid %s)", self.name, self.process.pid)

    def _last_words(self) -> str:
        """The line of its log that most likely says why it stopped."""
        if not self.log_path or not self.log_path.exists():
            return f"exit code {self.process.returncode if self.process else '?'}"
        with self.log_path.open("rb") as written:
            written.seek(self._log_offset)
            lines = [
                line.strip()
                for line in written.read().decode(errors="replace").splitlines()
                if line.strip()
            ]
        said = next(
            (line for line in reversed(lines) if "error" in line.lower()),
            lines[-1] if lines else "",
        )
        return said[:300] or f"exit code {self.process.returncode if self.process else '?'}"

    def _note_exit(self) -> None:
        if time.monotonic() - self._started_at < QUICK_EXIT_SECONDS:
            self.quick_failures += 1
        else:
            self.quick_failures, self.problem = 0, None
        if self.quick_failures >= FAILURES_REPORTED_AFTER:
            self.problem = (
                f"{self.name} stopped {self.quick_failures} times in a row right after "
                f"starting: {self._last_words()} (log: {self.log_path})"
            )
            log.error("%s", self.problem)

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
            self._note_exit()
            delay = RESTART_BACKOFF_SECONDS[min(self.restarts, len(RESTART_BACKOFF_SECONDS) - 1)]
            log.warning(
                "%s stopped (exit %s); restarting in %ss", self.name, self.process.returncode, delay
            )
            self._restart_at = now + delay
        if now < self._restart_at:
            return False
        self._restart_at = None
        self.restarts += 1
        self.start()
        return True

    def stop(self, timeout: float = 15) -> None:
        process = self.process
        if process is None or process.poll() is not None:  # not running
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def rasa_server(
    *,
    model: Path,
    rasa_url: str,
    token: str,
    callbacks_url: str,
    callbacks_token: str,
    var_dir: Path,
) -> ChildProcess:
    """`rasa run` on 127.0.0.1 with an API token, calling the helpdesk back at callbacks_url with
    the shared secret. Both secrets travel in the environment, never on the command line."""
    port = urlparse(rasa_url).port or 5005
    (var_dir / "log").mkdir(parents=True, exist_ok=True)
    command = [
        *rasa_run_command(),
        "--enable-api",
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        "--model",
        str(model),
        "--endpoints",
        str(BOT_DIR / "endpoints.yml"),
        "--credentials",
        str(BOT_DIR / "credentials.yml"),
    ]
    env = {
        **rasa_environment(var_dir),
        "RASA_AUTH_TOKEN": token,
        "HELPDESK_CALLBACKS_URL": callbacks_url.rstrip("/"),
        "HELPDESK_CALLBACKS_TOKEN": callbacks_token,
        "RASA_TRACKER_DB": str(var_dir / "rasa-tracker.db"),
    }
    return ChildProcess("bot", command, env=env, cwd=var_dir, log_path=var_dir / "log" / "rasa.log")
