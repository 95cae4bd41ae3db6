"""Training the bot: one model per content of bot/, trained only when that content changed."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from helpdesk.rasa.logs import open_private_log
from helpdesk.settings import PROJECT_ROOT

log = logging.getLogger(__name__)
BOT_DIR = PROJECT_ROOT / "bot"
BOT_VENV = PROJECT_ROOT / ".venv-bot"
MODELS_KEPT = 3


def training_files(bot_dir: Path = BOT_DIR) -> list[Path]:
    """What a model is trained from (actions are not: they run in the helpdesk), and the code of
    the pipeline's own components, which shapes what the model learns."""
    files = [
        bot_dir / "config.yml",
        bot_dir / "domain.yml",
        *sorted((bot_dir / "data").rglob("*.yml")),
        *sorted((bot_dir / "components").glob("*.py")),
    ]
    return [path for path in files if path.is_file()]


def fingerprint(bot_dir: Path = BOT_DIR) -> str:
    digest = hashlib.sha256()
    for path in training_files(bot_dir):
        digest.update(str(path.relative_to(bot_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path(var_dir: Path, bot_dir: Path = BOT_DIR) -> Path:
    return var_dir / "models" / f"bot-{fingerprint(bot_dir)}.tar.gz"


def rasa_command() -> list[str]:
    """The `rasa` of the bot environment (RASA_BIN overrides it)."""
    explicit = os.environ.get("RASA_BIN")
    rasa = Path(explicit) if explicit else BOT_VENV / "bin" / "rasa"
    if not rasa.exists():
        raise FileNotFoundError(f"{rasa} not found: run `make setup` to create the bot environment")
    return [str(rasa)]


def rasa_run_command() -> list[str]:
    """`rasa run` through bot/rasa_run.py, which takes the API token from RASA_AUTH_TOKEN."""
    python = BOT_VENV / "bin" / "python"
    explicit = os.environ.get("RASA_BIN")  # a `rasa` elsewhere: its environment's python
    if explicit:
        python = Path(explicit).parent / "python"
    if not python.exists():
        raise FileNotFoundError(
            f"{python} not found: run `make setup` to create the bot environment"
        )
    return [str(python), str(BOT_DIR / "rasa_run.py")]


def rasa_environment(var_dir: Path) -> dict[str, str]:
    # Rasa's own caches and telemetry stay out of the source tree and off the network.
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(var_dir / "rasa-cache"),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


def ensure_model(var_dir: Path, bot_dir: Path = BOT_DIR) -> Path:
    """The trained model for bot/ as it is now, training it first if bot/ changed."""
    target = model_path(var_dir, bot_dir)
    if target.exists():
        log.info("bot model is up to date: %s", target.name)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    (var_dir / "log").mkdir(parents=True, exist_ok=True)
    command = [
        *rasa_command(),
        "train",
        "--config",
        str(bot_dir / "config.yml"),
        "--domain",
        str(bot_dir / "domain.yml"),
        "--data",
        str(bot_dir / "data"),
        "--out",
        str(target.parent),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    _run_with_progress(command, var_dir, var_dir / "log" / "train.log")
    if not target.exists():
        raise RuntimeError(
            f"training finished but {target} is missing; see {var_dir}/log/train.log"
        )
    _forget_old_models(target)
    return target


def _run_with_progress(command: list[str], var_dir: Path, log_path: Path) -> None:
    started = time.monotonic()
    print(f"Training the bot (bot/ changed); log: {log_path}", flush=True)
    with open_private_log(log_path, append=False) as output:
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=var_dir,
            env=rasa_environment(var_dir),
        )
        next_note = 30
        while process.poll() is None:
            time.sleep(1)
            elapsed = int(time.monotonic() - started)
            if sys.stdout.isatty():
                print(
                    f"\r  training… {elapsed // 60}m{elapsed % 60:02d}s  {_last_line(log_path)[:60]:<60}",
                    end="",
                    flush=True,
                )
            elif elapsed >= next_note:  # logs (CI) get a line every 30 s instead of a live line
                print(f"  training… {elapsed}s", flush=True)
                next_note += 30
    print(
        f"\n  trained in {int(time.monotonic() - started)}s" if process.returncode == 0 else "",
        flush=True,
    )
    if process.returncode != 0:
        raise RuntimeError(
            f"rasa train failed (exit {process.returncode}); see {log_path}:\n"
            + "".join(log_path.read_text(errors="replace").splitlines(True)[-20:])
        )


def _last_line(path: Path) -> str:
    lines = path.read_text(errors="replace").replace("\r", "\n").strip().splitlines()
    return lines[-1].strip() if lines else ""


def _forget_old_models(keep: Path) -> None:
    models = sorted(keep.parent.glob("bot-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[MODELS_KEPT:]:
        old.unlink(missing_ok=True)
