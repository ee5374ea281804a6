"""The capstone's timeline, drawn in the terminal: one column per 50 ms, one row per measure.

::

    Unprotected: A and B call with plain requests, a 5 s timeout
                    0s        0.5       1.0       1.5       2.0       2.5       3.0
    C slow (2 s)                  ━━━━━━━━━━━━━━━━━━━━
    A /orders       ██ █ ██ ███ █ ×× ××××× ×××× ××××  ×× ×××× ██ ████ ██ █
    A /profile        █ █  █   ×   ×  ×  ×  ×    ×  ×    █     █
    A workers of 4  ▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▆█████████████████████████████████▆▄   peak 4
    ...

Each answer row has one cell per request (at 20 requests/s, 50 ms a cell): fresh, a
fallback, or failed / later than the SLO. Each measure row is a sparkline, two cells per
100 ms bucket; breaker rows show each breaker's state (closed, open, half-open).

Drawn with the standard library: Unicode block elements where the terminal takes them, plain
ASCII otherwise (``KATA_ASCII=1``, ``NO_COLOR``, a stream that is not a terminal, or one
that cannot encode the blocks), colour only on a terminal without ``NO_COLOR``. The whole
chart is at most 86 columns wide, so it fits a 100-column terminal even under a failing
check, which the grader indents by 8.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO, Sequence

from ..terminal import colour_wanted
from .measure import CLOSED, FAILED, FRESH, HALF_OPEN, OPEN, Breaker, Judged, Measures
from .scene import ORDERS, PROFILE, Run

LABEL = 16  #: width of the row labels
SLOTS = 2  #: cells per 100 ms bucket


@dataclass(frozen=True)
class Style:
    """How to draw: Unicode blocks or ASCII, with or without colour."""

    unicode: bool = True
    colour: bool = False

    @property
    def glyphs(self) -> dict[str, str]:
        return UNICODE if self.unicode else ASCII

    def paint(self, text: str, role: str) -> str:
        code = COLOURS.get(role)
        return f"\033[{code}m{text}\033[0m" if self.colour and code and text.strip() else text


UNICODE = {FRESH: "█", "fallback": "▒", FAILED: "×", CLOSED: "─", OPEN: "█", HALF_OPEN: "▒",
           "slow": "━", "levels": " ▁▂▃▄▅▆▇█"}
ASCII = {FRESH: "#", "fallback": "=", FAILED: "x", CLOSED: "-", OPEN: "#", HALF_OPEN: "+",
         "slow": "=", "levels": " .:-=+*#%@"}
COLOURS = {FRESH: "32", "fallback": "33", FAILED: "31", OPEN: "31", HALF_OPEN: "33",
           "slow": "35"}


def style_for(stream: IO[str] | None = None) -> Style:
    """The style for ``stream`` (a terminal, a pipe...), or for a grader's report (``None``).

    Plain ASCII with ``KATA_ASCII``, ``NO_COLOR`` or ``TERM=dumb`` set, and on a stream that
    is not a terminal or cannot encode the blocks; colour only on a terminal that wants it
    (``kata.terminal.colour_wanted``). The grader's report is drawn without colour.
    """
    plain = bool(os.environ.get("KATA_ASCII")) or os.environ.get("NO_COLOR") is not None \
        or os.environ.get("TERM") == "dumb"
    if stream is None:
        return Style(unicode=not plain, colour=False)
    terminal = hasattr(stream, "isatty") and stream.isatty()
    unicode = terminal and not plain and _can_encode(stream, "█▒×─━▁")
    return Style(unicode=unicode, colour=colour_wanted(stream))


def _can_encode(stream: IO[str], text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def draw(run: Run, style: Style = Style(), *, summary: bool = True) -> str:
    """The timeline of one run, as lines of text."""
    measures = Measures(run)
    s = run.settings
    g = style.glyphs
    cells = measures.span() * SLOTS
    slot = s.bucket / SLOTS
    lines = [run.title, _axis(measures.span(), s.bucket)]
    slow = "".join(g["slow"] if s.slow_from <= i * slot < s.slow_until else " "
                   for i in range(cells))
    lines.append(_row(f"C slow ({s.slow_latency:g} s)", style.paint(slow, "slow")))
    for path in (ORDERS, PROFILE):
        row = "".join(_answer_cell(j, s.slo, style) for j in measures.per_slot(SLOTS, path))
        lines.append(_row(f"A {path}", row))
    a, b = measures.service_buckets("A"), measures.service_buckets("B")
    c = measures.service_buckets("C")
    lines.append(_row(f"A workers of {s.workers}", _spark(_busy(a, s.workers), s.workers, g),
                      f"peak {max(_busy(a, s.workers), default=0)}"))
    lines.append(_row("A sheds", _spark([x.shed for x in a], max(2, _peak(a, "shed")), g),
                      f"total {sum(x.shed for x in a)}"))
    lines.append(_row(f"B workers of {s.workers}", _spark(_busy(b, s.workers), s.workers, g),
                      f"peak {max(_busy(b, s.workers), default=0)}"))
    lines.append(_row("calls to B", _spark([x.arrived for x in b], max(3, _peak(b)), g),
                      f"total {sum(x.arrived for x in b)}"))
    lines.append(_row("calls to C", _spark([x.arrived for x in c], max(3, _peak(c)), g),
                      f"total {sum(x.arrived for x in c)}"))
    lines.append("breakers" if measures.breakers else
                 _row("breakers", "none (the scene sees those built with kit.BreakerRegistry)"))
    for breaker in measures.breakers:
        lines.append(_row(f"  {breaker.label}", _breaker_row(breaker, cells, slot, style)))
    lines.append(_row("", _legend(style)))
    if summary:
        lines.extend(describe(measures))
    return "\n".join(line.rstrip() for line in lines)


def describe(measures: Measures) -> list[str]:
    """The run in two sentences: what happened while C was slow, and after."""
    s = measures.settings
    start, end = measures.slow_window
    good, offered = measures.goodput(start, end)
    fresh_profile, profiles = measures.fresh(0, s.duration, PROFILE)
    to_c = len(measures.calls_to("C", start, end))
    fallbacks = sum(j.kind == "fallback" for j in measures.judged)
    low, high = s.recovered_window
    fresh_after, after = measures.fresh(low, high)
    return [f"C slow {start:g}-{end:g} s: A's goodput {good}/{offered} "
            f"({_percent(good, offered)}), {to_c} calls reached C",
            f"/profile fresh {fresh_profile}/{profiles}, {fallbacks} fallbacks served, "
            f"fresh from {low:g} s {fresh_after}/{after}"]


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def _axis(buckets: int, width: float) -> str:
    marks = [" "] * (buckets * SLOTS + 4)
    every = round(0.5 / width)
    for i in range(0, buckets + 1, every):
        text = "0s" if i == 0 else f"{i * width:.1f}"
        for k, char in enumerate(text):
            if i * SLOTS + k < len(marks):
                marks[i * SLOTS + k] = char
    return " " * LABEL + "".join(marks)


def _row(label: str, cells: str, note: str = "") -> str:
    return f"{label[:LABEL - 1]:<{LABEL}}{cells}" + (f"  {note}" if note else "")


def _answer_cell(judged: Judged | None, slo: float, style: Style) -> str:
    """Fresh, a fallback (within the SLO), or failed / late. (A fallback for /profile is
    drawn as one, though it is no goodput.)"""
    if judged is None:
        return " "
    late = judged.answer.latency > slo
    role = FAILED if judged.kind == FAILED or late else judged.kind
    return style.paint(style.glyphs[role], role)


def _busy(series: Sequence, workers: int) -> list[int]:
    """Workers in use per bucket. (The log may count one more at the moment a worker is
    handed from one request to the next: never more than the pool has.)"""
    return [min(x.busy, workers) for x in series]


def _peak(series: Sequence, field: str = "arrived") -> int:
    return max((getattr(x, field) for x in series), default=0)


def _spark(values: list[int], top: int, glyphs: dict[str, str]) -> str:
    """Each value as one of the levels (0 is blank), two cells per bucket."""
    levels = glyphs["levels"]
    out = []
    for value in values:
        if value <= 0:
            cell = levels[0]
        else:
            cell = levels[max(1, min(len(levels) - 1,
                                     round(value / max(top, 1) * (len(levels) - 1))))]
        out.append(cell * SLOTS)
    return "".join(out)


def _breaker_row(breaker: Breaker, cells: int, slot: float, style: Style) -> str:
    out = []
    for i in range(cells):
        states = breaker.state_between(i * slot, (i + 1) * slot)
        state = HALF_OPEN if HALF_OPEN in states else OPEN if OPEN in states else CLOSED
        out.append(style.paint(style.glyphs[state], state))
    return "".join(out)


def _legend(style: Style) -> str:
    g = style.glyphs
    return (f"{style.paint(g[FRESH], FRESH)} fresh {style.paint(g['fallback'], 'fallback')} "
            f"fallback {style.paint(g[FAILED], FAILED)} failed/late   breaker "
            f"{g[CLOSED]} closed {style.paint(g[OPEN], OPEN)} open "
            f"{style.paint(g[HALF_OPEN], HALF_OPEN)} half-open")
