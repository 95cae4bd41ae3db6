"""The dashboard's charts, drawn on the server as SVG: no script and no library reach the page,
which shows each chart as an image beside a table of the same figures (the accessible version).

Numbers and dates are written in the agent's language (CLDR conventions, through Babel). The
colours are the Okabe-Ito palette, told apart by people with any colour vision deficiency; lines
also differ by their dashes. Every text is escaped; the SVG holds no script, link or style sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
INK, GRID, FONT = "#1f2933", "#d9dee3", "system-ui, sans-serif"
WIDTH = 720
MOST_GROUPS = 15  # a taller chart is no longer read; the table holds the rest
LONGEST_NAME = 24  # characters of a group's name at the left of its bar


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None: nothing to count there (a gap in a line)


def percent(lang: str) -> Callable[[float], str]:
    return lambda value: format_percent(value, locale=lang)  # whole percents, as CLDR writes them


def number(lang: str) -> Callable[[float], str]:
    return lambda value: format_decimal(value, format="#,##0", locale=lang)


def period_label(lang: str, period: str) -> Callable[[date], str]:
    """A period by its first day: "Nov 2026" for a month, "23 Nov" for a day or a week."""
    pattern = "MMM y" if period == "month" else "d MMM"
    return lambda day: format_date(day, format=pattern, locale=lang)


def lines(title: str, labels: Sequence[str], series: Sequence[Series], lang: str) -> str:
    """Rates (0 to 1) per period, one line each, on a scale of 0 to 100 %."""
    left, right, top, bottom = 56, 16, 44, 36
    height = 300
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if len(labels) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - value)

    shown = percent(lang)
    parts = [_legend(series, top=12)]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(_line(left, y(tick), WIDTH - right, y(tick), GRID))
        parts.append(_text(left - 6, y(tick) + 4, shown(tick), anchor="end"))
    every = max(1, -(-len(labels) // 12))  # at most 12 dates under the axis
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(_text(x(i), height - bottom + 18, label, anchor="middle"))
    for n, each in enumerate(series):
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        for run in _runs(each.values):
            points = " ".join(f"{x(i):.1f},{y(value):.1f}" for i, value in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
        for i, value in enumerate(each.values):
            if value is not None:
                tip = f"{each.label}, {labels[i]}: {shown(value)}"
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}">'
                    f"<title>{escape(tip)}</title></circle>"
                )
    return _svg(title, height, parts)


def bars(
    title: str,
    groups: Sequence[str],
    series: Sequence[Series],
    lang: str,
    *,
    stacked: bool,
    rates: bool = False,
) -> str:
    """A horizontal bar per group: the series stacked in one bar, or side by side."""
    groups = list(groups)[:MOST_GROUPS]
    per_group = 1 if stacked else len(series)
    bar_h, gap = 16, 10
    left, right, top, bottom = 190, 56, 44, 28
    height = top + len(groups) * (per_group * bar_h + gap) + bottom
    plot_w = WIDTH - left - right
    shown = percent(lang) if rates else number(lang)
    values = [[each.values[g] or 0 for each in series] for g in range(len(groups))]
    widest = max((sum(v) if stacked else max(v, default=0) for v in values), default=0)
    scale = 1.0 if rates else (widest or 1)
    parts = [_legend(series, top=12)]
    for tick in (0, 0.5, 1):
        at = left + plot_w * tick
        parts.append(_line(at, top - 4, at, height - bottom, GRID))
        parts.append(_text(at, height - bottom + 16, shown(scale * tick), anchor="middle"))
    row_top = top
    for g, name in enumerate(groups):
        middle = row_top + per_group * bar_h / 2 + 4
        short = name if len(name) <= LONGEST_NAME else name[: LONGEST_NAME - 1] + "…"
        parts.append(
            f"<g>{_text(left - 8, middle, short, anchor='end')}<title>{escape(name)}</title></g>"
        )
        start = 0.0
        for n, each in enumerate(series):
            value = values[g][n]
            width = plot_w * value / scale
            bar_x = left + plot_w * start / scale
            bar_y = row_top + (0 if stacked else n * bar_h)
            tip = f"{name}, {each.label}: {shown(value)}"
            parts.append(
                f'<rect x="{bar_x:.1f}" y="{bar_y:.1f}" width="{max(width, 0):.1f}" '
                f'height="{bar_h - 2}" fill="{COLOURS[n % len(COLOURS)]}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            if stacked:
                start += value
            else:
                parts.append(_text(bar_x + width + 4, bar_y + bar_h - 5, shown(value)))
        if stacked:
            parts.append(_text(left + plot_w * start / scale + 4, middle, shown(start)))
        row_top += per_group * bar_h + gap
    return _svg(title, height, parts)


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """The stretches of values without a gap, each as (index, value) pairs."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((i, value))
    return [run for run in runs if run]


def _legend(series: Sequence[Series], *, top: float) -> str:
    parts, at = [], 8.0
    for n, each in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        parts.append(f'<rect x="{at:.1f}" y="{top}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(at + 16, top + 10, each.label))
        at += 28 + 7 * len(each.label)
    return "".join(parts)


def _line(x1: float, y1: float, x2: float, y2: float, colour: str) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}"/>'


def _text(x: float, y: float, content: str, *, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="12" fill="{INK}">'
        f"{escape(content)}</text>"
    )


def _svg(title: str, height: float, parts: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label={quoteattr(title)} '
        f'font-family="{FONT}"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )
