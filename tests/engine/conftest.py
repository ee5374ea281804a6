"""Fixtures for the tests of the learner's loop: run ``python -m kata`` as a learner would."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
import subprocess
import sys
from pathlib import Path
from typing import Callable, TypeVar

import pytest

from kata.manifest import ROOT


Kata = Callable[..., subprocess.CompletedProcess]


def run_kata(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
             timeout: float = 60, stdin: int | None = subprocess.DEVNULL
             ) -> subprocess.CompletedProcess[str]:
    """``python -m kata ARGS`` with short time limits, as if typed (not under make)."""
    environment = {**os.environ, "KATA_TIMEOUT": "0.5", "KATA_GRACE": "0.5", "KATA_DEV": "1",
                   **(env or {})}
    for name in ("NO_COLOR", "MAKELEVEL", "MAKEFLAGS", "KATA_VIA"):
        if name not in (env or {}):
            environment.pop(name, None)
    result = subprocess.run([sys.executable, "-m", "kata", *args], cwd=cwd, env=environment,
                            capture_output=True, text=True, timeout=timeout, stdin=stdin)
    result.said = said(result.stdout)  # type: ignore[attr-defined]
    return result


def said(text: str) -> str:
    """The text with its line wrapping undone, to look for a phrase in a wrapped report."""
    return " ".join(text.split())


@pytest.fixture(scope="session")
def kata() -> Kata:
    """``kata("check", "1", env={...})``: run ``python -m kata`` (see ``run_kata``)."""
    return run_kata


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the repository, for commands that write files."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", ".kata",
                                                              "__pycache__"))
    return copy


T = TypeVar("T")


def run_two_at_a_time(runs: dict[str, Callable[[], T]]) -> dict[str, T]:
    """Each run's result, by name, two running at once: CI has two cores, and a grading keeps
    one busy while its parent waits."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(run) for name, run in runs.items()}
        return {name: future.result() for name, future in futures.items()}


@pytest.fixture(scope="session")
def two_at_a_time() -> Callable[[dict[str, Callable[[], T]]], dict[str, T]]:
    """``two_at_a_time({name: run})``: see ``run_two_at_a_time``."""
    return run_two_at_a_time
