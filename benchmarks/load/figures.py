"""The load benchmark's figures: latency percentiles, throughput and CPU per path and mix, the
chat/bare ratios, and the printed report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from benchmarks.load.plan import Batch


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), interpolated between the two nearest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class BatchResult:
    batch: Batch
    latencies: list[float]  # seconds, of the messages answered
    seconds: float  # from the first message sent to the last answer
    failures: Counter[str] = field(default_factory=Counter)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # "helpdesk", "rasa": CPU time


@dataclass
class Figures:
    """Everything measured for one path on one mix."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    sent: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def add(self, result: BatchResult) -> None:
        self.latencies += result.latencies
        self.seconds += result.seconds
        self.sent += len(result.latencies) + sum(result.failures.values())
        self.failures.update(result.failures)
        for process, seconds in result.cpu_seconds.items():
            self.cpu_seconds[process] = self.cpu_seconds.get(process, 0.0) + seconds

    def ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    @property
    def throughput(self) -> float:
        """Messages answered per second while the batches ran."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def cpu_ms_per_message(self, process: str) -> float | None:
        if process not in self.cpu_seconds or not self.sent:
            return None
        return self.cpu_seconds[process] * 1000 / self.sent


def tally(results: list[BatchResult]) -> dict[tuple[str, str], Figures]:
    """(path, mix) -> its figures, summed over its batches."""
    figures: dict[tuple[str, str], Figures] = {}
    for result in results:
        figures.setdefault((result.batch.path, result.batch.mix), Figures()).add(result)
    return figures


@dataclass
class Report:
    figures: dict[tuple[str, str], Figures]
    solo: dict[str, list[float]]  # path -> latencies of the shopper alone
    setup: dict[str, Any]  # shoppers, messages, model, machine load, where CPU was read
    paths: tuple[str, str] = ("chat", "bare")  # compared: the first over the second
    problems: list[str] = field(default_factory=list)
    more: dict[str, Any] = field(default_factory=dict)  # other measures: their JSON
    more_lines: list[str] = field(default_factory=list)  # and their lines in the report

    def ratio(self, mix: str, measure: str) -> float:
        chat, bare = self.figures.get((self.paths[0], mix)), self.figures.get((self.paths[1], mix))
        if chat is None or bare is None:
            return float("nan")
        both = [_measure(chat, measure), _measure(bare, measure)]
        return both[0] / both[1] if both[1] else float("nan")


def _measure(figures: Figures, measure: str) -> float:
    return figures.throughput if measure == "throughput" else figures.ms(float(measure[1:]))


MEASURES = ("p50", "p95", "p99", "throughput")


def render(report: Report) -> list[str]:
    """The report as printed: one line per path and mix, then the ratios, the shopper alone and
    the helpdesk's CPU."""
    lines = [*(f"{key}: {value}" for key, value in report.setup.items()), ""]
    lines.append(
        f"{'path':14} {'mix':11} {'sent':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'msg/s':>6} {'CPU ms/msg: helpdesk':>20} {'rasa':>5}  failures"
    )
    for (path, mix), figures in sorted(report.figures.items(), key=lambda item: item[0][::-1]):
        helpdesk, rasa = (figures.cpu_ms_per_message(who) for who in ("helpdesk", "rasa"))
        lines.append(
            f"{path:14} {mix:11} {figures.sent:5} {figures.ms(50):7.0f} {figures.ms(95):7.0f} "
            f"{figures.ms(99):7.0f} {figures.throughput:6.1f} {_cpu(helpdesk):>20} "
            f"{_cpu(rasa):>5}  {dict(figures.failures) or 'none'}"
        )
    lines.append("")
    mixes = sorted({mix for _path, mix in report.figures})
    over = "/".join(report.paths)
    for mix in mixes:
        ratios = " / ".join(f"{report.ratio(mix, measure):.2f}" for measure in MEASURES)
        lines.append(f"{over} on {mix}, p50 / p95 / p99 / throughput: {ratios}")
    solo = " | ".join(
        f"{path} p50 {percentile(latencies, 50) * 1000:.0f} ms ({len(latencies)} messages)"
        for path, latencies in report.solo.items()
    )
    lines.append(f"one shopper alone: {solo}")
    lines.append(
        "CPU ms/msg: each process's CPU time while the path's batches ran, per message sent; "
        "the helpdesk's on a bare path is only Rasa's calls back to it (actions and texts)"
    )
    lines += report.more_lines
    lines += [f"PROBLEM: {problem}" for problem in report.problems]
    return lines


def _cpu(milliseconds: float | None) -> str:
    return "-" if milliseconds is None else f"{milliseconds:.1f}"


def as_json(report: Report) -> dict[str, Any]:
    return {
        "setup": report.setup,
        "paths": [
            {
                "path": path,
                "mix": mix,
                "sent": figures.sent,
                "answered": len(figures.latencies),
                "p50_ms": figures.ms(50),
                "p95_ms": figures.ms(95),
                "p99_ms": figures.ms(99),
                "throughput_per_s": figures.throughput,
                "helpdesk_cpu_ms_per_message": figures.cpu_ms_per_message("helpdesk"),
                "rasa_cpu_ms_per_message": figures.cpu_ms_per_message("rasa"),
                "failures": dict(figures.failures),
            }
            for (path, mix), figures in sorted(report.figures.items())
        ],
        "ratios": "/".join(report.paths),
        "ratio": {
            mix: {measure: report.ratio(mix, measure) for measure in MEASURES}
            for mix in sorted({mix for _path, mix in report.figures})
        },
        "solo_p50_ms": {
            path: percentile(latencies, 50) * 1000 for path, latencies in report.solo.items()
        },
        "problems": report.problems,
        **report.more,
    }
