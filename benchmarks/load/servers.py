"""The servers a load run measures, started as the product starts them: the helpdesk as a child
(`python -m helpdesk serve`, after `demo load`, on a temporary var/) whose CPU time is read from
/proc, and `rasa run` on the given model, calling the helpdesk back with the shared secret."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from helpdesk.rasa.process import ChildProcess, rasa_server
from helpdesk.settings import PROJECT_ROOT

READY_TIMEOUT_SECONDS = 400  # Rasa loads its model in 20-70 s on an idle machine; ours is busy
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
AGENT_CAPACITY = 50  # the most `agents add` allows


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads, from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND  # utime, stime


@dataclass
class Servers:
    """Where the paths are, and the processes whose CPU time is read (none: not measured)."""

    helpdesk_url: str
    rasa_urls: dict[str, str]  # path name -> a Rasa server's URL ("bare": the product's Rasa)
    helpdesk_pid: int | None = None
    rasa_pids: dict[str, int] = field(default_factory=dict)  # path name -> its Rasa process

    def cpu_of(self, path: str) -> dict[str, float]:
        """CPU seconds so far of the helpdesk and of the Rasa that serves `path` (the chat path
        goes through the product's Rasa, which is also the bare path's)."""
        pids = {
            "helpdesk": self.helpdesk_pid,
            "rasa": self.rasa_pids.get(path, self.rasa_pids.get("bare")),
        }
        return {who: process_cpu_seconds(pid) for who, pid in pids.items() if pid}


async def _until(url: str, ready, what: str, children: list[ChildProcess]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            for child in children:
                if not child.running():
                    raise RuntimeError(f"{child.name} stopped; see its log {child.log_path}")
            try:
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=5)) as answer:
                    if answer.status == 200 and ready(await answer.json()):
                        return
            except (aiohttp.ClientError, TimeoutError, ValueError):
                pass
            await asyncio.sleep(1)
    raise TimeoutError(f"{what} was not ready in {READY_TIMEOUT_SECONDS}s")


def _helpdesk_command(arguments: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "helpdesk", *arguments],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"helpdesk {arguments[0]} {arguments[1]} failed: {done.stderr[-500:]}")


@asynccontextmanager
async def started(
    model: Path,
    folder: Path,
    *,
    unpatched_rasa: str | None = None,
    agents: dict[str, str] | None = None,
) -> AsyncIterator[Servers]:
    """The product on the example shop, with its Rasa serving `model` (the bare path is that same
    Rasa's REST webhook). With `unpatched_rasa` (a path name), a second Rasa on the same model,
    with bot/patches/ switched off, calling back the same helpdesk. `agents` (email -> password)
    are added as admins (they work every team's queue) holding as many conversations as allowed.
    Stopped however the run ends."""
    helpdesk_port, callbacks_port = free_port(), free_port()
    rasa_token, callbacks_token = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    rasas = {"bare": f"http://127.0.0.1:{free_port()}"}
    if unpatched_rasa:
        rasas[unpatched_rasa] = f"http://127.0.0.1:{free_port()}"
    children, rasa_children = [], {}
    for name, url in rasas.items():
        (folder / name).mkdir(parents=True)
        rasa = rasa_server(
            model=model,
            rasa_url=url,
            token=rasa_token,
            callbacks_url=f"http://127.0.0.1:{callbacks_port}",
            callbacks_token=callbacks_token,
            var_dir=folder / name,
        )
        if name == unpatched_rasa:
            rasa.env["SHOP_SUPPORT_RASA_PATCHES"] = "off"  # Rasa as shipped
        children.append(rasa)
        rasa_children[name] = rasa
    env = {
        **os.environ,
        "VAR_DIR": str(folder / "shop"),
        "HELPDESK_PORT": str(helpdesk_port),
        "RASA_URL": rasas["bare"],
        "RASA_TOKEN": rasa_token,
        "RASA_CALLBACKS_PORT": str(callbacks_port),
        "RASA_CALLBACKS_TOKEN": callbacks_token,
        "BOT_TIMEOUT_SECONDS": "120",
    }
    # As `make run` does (helpdesk/launcher.py): the example shop first, then the service.
    _helpdesk_command(["demo", "load"], env)
    for index, (email, password) in enumerate((agents or {}).items()):
        secret = folder / "agent-password"
        secret.write_text(password)
        secret.chmod(0o600)
        add = ["agents", "add", email, "--name", f"Load {index}", "--languages", "en"]
        add += [
            "--role",
            "admin",
            "--capacity",
            str(AGENT_CAPACITY),
            "--password-file",
            str(secret),
        ]
        _helpdesk_command(add, env)
    helpdesk = ChildProcess(
        "helpdesk",
        [sys.executable, "-m", "helpdesk", "serve"],
        env=env,
        cwd=PROJECT_ROOT,
        log_path=folder / "shop" / "log" / "helpdesk.log",
    )
    children.append(helpdesk)
    try:
        for child in children:
            child.start()
        status = {name: f"{url}/status?token={rasa_token}" for name, url in rasas.items()}
        for name, url in status.items():
            await _until(url, lambda body: bool(body.get("model_id")), f"Rasa ({name})", children)
        helpdesk_url = f"http://127.0.0.1:{helpdesk_port}"
        await _until(
            f"{helpdesk_url}/healthz", lambda body: body.get("bot") == "ready", "helpdesk", children
        )
        # bot/rasa_run.py runs Rasa in the process it starts: that pid is Rasa's.
        rasa_pids = {name: child.pid for name, child in rasa_children.items() if child.pid}
        yield Servers(helpdesk_url, rasas, helpdesk.pid, rasa_pids)
    finally:
        for child in reversed(children):
            child.stop()
