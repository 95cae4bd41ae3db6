"""Benchmark: the real Rasa pipeline against its budgets: training time, parse latency, memory.

Run from the project root (standard library only; Rasa runs as a child process):
    .venv-bot/bin/python -m benchmarks.nlu_budget [--config bot/config.yml] [--model M.tar.gz]

It copies bot/ (config, domain, data) to a temporary directory, so that edits made meanwhile do
not change what is measured, and trains it with `rasa train` and an empty Rasa cache (a full
training, as after a fresh clone), timing it. Then it starts `rasa run --enable-api` on 127.0.0.1
with that model and sends every dev sentence (tests/eval/dev_*.csv) to /model/parse, one client,
one request at a time, after one warm-up pass: it prints the latency (p50, p95), the intent
accuracy per language (nlu_fallback counts as out_of_scope, as in the eval command) and the
resident memory of the Rasa process (now and at its peak).

Budgets: training <= 5 minutes on 2 cores, parse p95 <= 50 ms, RSS at most 0.5 GB above the
pipeline it replaces (run once with --config pointing at the old config to get that figure).
Languages without training data are sent as they are (no translation).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = Path(sys.executable).parent / "rasa"
READY_TIMEOUT_SECONDS = 300


def snapshot_bot(config: Path, into: Path, data: Path) -> Path:
    bot = into / "bot"
    shutil.copytree(data, bot / "data")
    shutil.copy(ROOT / "bot" / "domain.yml", bot / "domain.yml")
    shutil.copy(config, bot / "config.yml")
    return bot


def rasa_environment(work: Path) -> dict[str, str]:
    # An empty cache: the time is that of a full training. No telemetry.
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(work / "rasa-cache"),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


def train(bot: Path, work: Path) -> tuple[Path, float]:
    command = [str(RASA), "train", "--config", str(bot / "config.yml"), "--domain"]
    command += [str(bot / "domain.yml"), "--data", str(bot / "data"), "--out", str(work)]
    command += ["--fixed-model-name", "budget"]
    started = time.monotonic()
    with (work / "train.log").open("w") as log:
        subprocess.run(
            command, cwd=work, env=rasa_environment(work), stdout=log, stderr=log, check=True
        )
    return work / "budget.tar.gz", time.monotonic() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(model: Path, work: Path, port: int) -> subprocess.Popen:
    command = [str(RASA), "run", "--enable-api", "--interface", "127.0.0.1"]
    command += ["--port", str(port), "--model", str(model)]
    log = (work / "rasa.log").open("w")
    return subprocess.Popen(
        command, cwd=work, env=rasa_environment(work), stdout=log, stderr=log,
        start_new_session=True,
    )  # fmt: skip


def wait_until_ready(server: subprocess.Popen, port: int) -> float:
    started = time.monotonic()
    while time.monotonic() - started < READY_TIMEOUT_SECONDS:
        if server.poll() is not None:
            raise RuntimeError("rasa run stopped; see rasa.log in the work directory")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2) as answer:
                if json.load(answer).get("model_file"):
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(1)
    raise TimeoutError("rasa run did not load its model in time")


def parse(port: int, text: str) -> tuple[str, float]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/model/parse",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as answer:
        intent = json.load(answer)["intent"]["name"]
    return intent, time.perf_counter() - started


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return tuple(int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


def dev_rows() -> list[dict[str, str]]:
    rows = []
    for path in sorted((ROOT / "tests" / "eval").glob("dev_*.csv")):
        with path.open(newline="", encoding="utf-8") as lines:
            rows += list(csv.DictReader(lines))
    return rows


def score(
    port: int, rows: list[dict[str, str]], show_errors: bool = False
) -> tuple[dict[str, float], list[float]]:
    for row in rows:  # warm-up pass: every code path and cache touched once
        parse(port, row["text"])
    tally: dict[str, list[int]] = {}
    latencies = []
    for row in rows:
        intent, seconds = parse(port, row["text"])
        latencies.append(seconds)
        predicted = "out_of_scope" if intent == "nlu_fallback" else intent
        counts = tally.setdefault(row["lang"], [0, 0])
        counts[0] += predicted == row["label"]
        counts[1] += 1
        if show_errors and predicted != row["label"]:
            print(f"  {row['lang']}  {row['label']:<16} -> {predicted:<16} {row['text']}")
    return {lang: right / total for lang, (right, total) in tally.items()}, latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(trained_s: float | None, ready_s: float, accuracy, latencies, memory) -> None:
    if trained_s is not None:
        print(f"training (rasa train, empty cache): {trained_s:.0f} s")
    print(f"server ready after {ready_s:.0f} s")
    print(
        f"/model/parse over {len(latencies)} dev sentences: p50 "
        f"{1000 * statistics.median(latencies):.1f} ms, p95 "
        f"{1000 * percentile(latencies, 0.95):.1f} ms, max {1000 * max(latencies):.1f} ms"
    )
    print(f"rasa process RSS: {memory[0]:.0f} MB now, {memory[1]:.0f} MB peak")
    print("accuracy: " + "  ".join(f"{lang} {value:.3f}" for lang, value in accuracy.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "bot" / "config.yml")
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT / "bot" / "data",
        help="training data (another run's snapshot: compare on the same data)",
    )
    parser.add_argument("--model", type=Path, help="a trained model: skip the training")
    parser.add_argument("--work", type=Path, help="keep the model and logs here")
    parser.add_argument("--errors", action="store_true", help="print each misclassified sentence")
    arguments = parser.parse_args()
    work = arguments.work or Path(tempfile.mkdtemp(prefix="nlu-budget-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work directory: {work}")
    trained_s = None
    model = arguments.model
    if model is None:
        model, trained_s = train(snapshot_bot(arguments.config, work, arguments.data), work)
    port = free_port()
    server = start_server(model.resolve(), work, port)
    try:
        ready_s = wait_until_ready(server, port)
        accuracy, latencies = score(port, dev_rows(), arguments.errors)
        report(trained_s, ready_s, accuracy, latencies, memory_mb(server.pid))
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)


if __name__ == "__main__":
    main()
