"""A pytest plugin for a graded mutant (``-p kata.mutants.timeouts``): which checks ran
out of time. pytest-timeout stops such a check with ``pytest.fail("Timeout (>3.0s) ...")``;
the report's own words are for learners, and may change."""

from __future__ import annotations

import pytest

#: The checks of this process that pytest-timeout stopped.
stopped: list[str] = []


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, pytest.fail.Exception) and str(error).startswith("Timeout (>"):
        stopped.append(item.nodeid)
