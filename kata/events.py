"""The pytest plugin of a grading child (``kata.child``): the run, one event per check.

For each check: ``start`` (its time limit starts, and the process's own watchdog is armed at
the limit plus the grace), then ``result`` with its outcome, its explanation and what the
learner's code printed while it ran (into a temporary file per check). A check stopped by its
time limit stops the session: the next checks would most likely loop the same way.
"""

from __future__ import annotations

import faulthandler
from typing import Any, Iterator

import pytest

from .child import INBAND_TIMEOUTS, Channel, Recorder, CapturedPrints, watchdog, default_limit
from .limits import grace


class Events:
    """A pytest plugin that turns the run into events, one check at a time."""

    def __init__(self, channel: Channel | Recorder) -> None:
        self.channel = channel
        self.index: dict[str, int] = {}
        self.limits: list[float] = []
        self.problems: list[str] = []
        self.current: dict[str, Any] = {}

    def pytest_collection_finish(self, session: Any) -> None:
        from harness.plugin import check_name

        default = default_limit()
        checks = []
        for number, item in enumerate(session.items):
            marker = item.get_closest_marker("timeout")
            limit = float(marker.args[0]) if marker and marker.args else default
            self.index[item.nodeid] = number
            self.limits.append(limit)
            checks.append({"name": check_name(item), "limit": limit})
        self.channel.send("collected", checks=checks)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> Iterator[None]:
        index = self.index[item.nodeid]
        self.current = {"index": index, "outcome": None, "explanation": [], "timed_out": False}
        self.channel.send("start", index=index)
        watchdog(self.limits[index] + grace(INBAND_TIMEOUTS))
        try:
            with CapturedPrints() as printed:
                return (yield)
        finally:
            faulthandler.cancel_dump_traceback_later()
            self.channel.send("result", printed=printed.summary(), **self.current)
            if self.current["timed_out"]:  # the rest would most likely loop the same way
                item.session.shouldstop = "a check ran out of time"

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when == "call" or (report.when == "setup" and not report.passed):
            if self.current.get("outcome") not in (None, "passed"):
                return
            self.current["outcome"] = report.outcome
            if report.failed:
                explanation = getattr(report, "kata_explanation", None)
                if explanation is None:
                    prefix = "the grader could not set this check up: " \
                        if report.when == "setup" else ""
                    explanation = [("", prefix + _short(report.longreprtext))]
                self.current["explanation"] = explanation
                self.current["timed_out"] = bool(getattr(report, "kata_timed_out", False))
            elif report.skipped:
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
                self.current["explanation"] = [("", str(reason).removeprefix("Skipped: "))]

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.problems.append(_short(report.longreprtext))


def _short(text: str, limit: int = 600) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " ..."
