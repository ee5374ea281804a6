"""The Makefile as a learner meets it: the exit status says what happened, without make's
own `make: *** ... Error 1` line after a grading that fails; the first run says what it
does; the README's quick start is the two commands a newcomer needs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from kata.manifest import ROOT, find
from kata.progress import check_count

pytestmark = [pytest.mark.timeout(120),
              pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")]

#: How many checks lessons 1 and 2 have (their checks grow; these tests need only the number).
L1, L2 = check_count(find(1)), check_count(find(2))


def make(*args: str, cwd=ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KATA_TIMEOUT": "0.5", "KATA_DEV": "1"}
    for name in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "KATA_VIA"):
        env.pop(name, None)
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=100,
                          stdin=subprocess.DEVNULL)


def test_failing_checks_exit_1_without_makes_error_line():
    result = make("check", "LESSON=1")
    assert result.returncode == 1
    assert "Error" not in result.stderr and "***" not in result.stderr
    assert f"0 of {L1} checks pass." in result.stdout
    assert "`make hint LESSON=1`" in result.stdout  # suggestions spelled for make
    assert not list((ROOT / ".kata").glob("make-check-*.mk"))  # the status file is gone


def test_passing_checks_exit_0():
    result = make("check", "LESSON=1", "IMPL=solutions")
    assert result.returncode == 0 and f"{L1} of {L1} checks pass." in result.stdout


def test_bad_input_exits_2():
    result = make("check", "LESSON=99")
    assert result.returncode == 2 and "no lesson '99'" in result.stderr


def test_the_first_run_says_what_it_does_and_how_long_it_takes(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    dry = make("-n", "list", cwd=tmp_path)  # what the first `make` would run, without a .venv
    assert "First run: setting up .venv" in dry.stdout and "about half a minute" in dry.stdout


def test_help_lists_every_command():
    text = make("help").stdout
    for command in ("check", "watch", "hint", "progress", "restore", "reset", "solution",
                    "list", "test", "bench"):
        assert f"make {command}" in text


def test_the_quick_start_is_two_commands():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start\n\n```\n(.*?)```", readme, re.DOTALL).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    assert commands == ["make check", "make test"]
    assert all("#" in line for line in block.splitlines())  # each says what it does
    prose = " ".join(readme.split())
    assert "The checks live in `tests/`" in prose and "hidden" not in prose.lower()


def test_pytest_ini_leaves_the_timeout_method_to_the_platform():
    ini = [line.split("#")[0] for line in (ROOT / "pytest.ini").read_text().splitlines()]
    assert not any(line.strip().startswith("timeout_method") for line in ini)
