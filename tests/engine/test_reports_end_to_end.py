"""What a learner sees from a real grading: a report that fits a screen, what their code
printed, colour on a terminal only, suggestions spelled as they run the kata, and direct
diagnoses for the usual ways of getting time wrong."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from kata.manifest import ROOT, find

# These run `python -m kata` in subprocesses: minutes on a loaded machine is not a hang.
pytestmark = pytest.mark.timeout(120)

BREAKER = find(4)


def breaker_with(impl_with, old: str, new: str):
    """Lesson 4's reference with one change, as a folder to grade."""
    source = BREAKER.reference_file.read_text()
    assert old in source
    return impl_with(source.replace(old, new, 1), BREAKER.slug, BREAKER.module_file)


def test_the_first_failure_in_full_the_rest_one_line_each(kata):
    result = kata("check", "4")
    assert result.returncode == 1
    assert result.said.count("not implemented yet") == 1
    assert "the other 16 one line each" in result.said and "check 4 --all" in result.said
    assert len(result.stdout.splitlines()) < 30
    every = kata("check", "4", "--all")
    assert every.said.count("not implemented yet") == 17


def test_what_the_code_printed_shows_under_the_check_that_printed_it(kata, impl_with):
    folder = impl_with("print('loading retry')\n\n"
                       "def retry(func, attempts=3):\n"
                       "    print('attempt 1 of', attempts)\n"
                       "    raise NotImplementedError('retry')\n")
    result = kata("check", "1", "--impl", str(folder))
    lines = result.stdout.splitlines()
    assert "your module printed while it was imported (1 line):" in result.said
    assert lines[lines.index("  your module printed while it was imported (1 line):") + 1] \
        == "    loading retry"
    check = next(n for n, line in enumerate(lines) if "✗ Returns the result" in line)
    printed = lines.index("      your code printed (1 line):")
    assert lines[printed + 1] == "        attempt 1 of 3"
    assert check < printed and not any("✗" in line for line in lines[check + 1:printed])


def test_a_flood_of_prints_is_trimmed_with_a_count(kata, impl_with):
    folder = impl_with("def retry(func, attempts=3):\n"
                       "    for n in range(100_000):\n"
                       "        print('attempt', n)\n"
                       "    raise NotImplementedError('retry')\n")
    result = kata("check", "1", "--impl", str(folder), env={"KATA_TIMEOUT": "10"})
    assert "your code printed (100,000 lines):" in result.said
    assert "… 99,988 more lines not shown" in result.said
    assert len(result.stdout) < 5_000


def test_a_breaker_reading_the_real_clock_is_told_so(kata, impl_with):
    folder = breaker_with(impl_with, "self._clock() - self._opened_at",
                          "__import__('time').monotonic() - self._opened_at")
    result = kata("check", "4", "--impl", str(folder))
    assert result.returncode == 1
    assert "read the real clock, time.monotonic()" in result.said
    assert "injected `clock`" in result.said


def test_a_real_wait_is_told_so(kata, impl_with):
    folder = breaker_with(impl_with, "self._opened_at = self._clock()",
                          "self._opened_at = self._clock(); "
                          "__import__('threading').Event().wait(60)")
    result = kata("check", "4", "--impl", str(folder))
    assert result.returncode == 1
    assert "waited for real, Event.wait(60)" in result.said


def test_a_missing_name_is_reported_once(kata, impl_with):
    folder = impl_with("def retries(func, attempts=3):\n    return func()\n")
    result = kata("check", "1", "--impl", str(folder))
    assert result.returncode == 1
    assert result.said.count("does not define `retry`") == 1
    assert "No checks ran" in result.said and "✗" not in result.said


def test_suggestions_follow_how_the_kata_was_run(kata):
    plain = kata("check", "1")
    assert "-m kata hint 1" in plain.said and "make hint" not in plain.said
    under_make = kata("check", "1", env={"KATA_VIA": "make"})
    assert "`make hint LESSON=1`" in under_make.said
    assert "`make check LESSON=1 ALL=1`" in under_make.said


def _on_a_terminal(*args: str, env: dict[str, str]) -> str:
    """Run ``python -m kata ARGS`` with a pseudo-terminal as its standard output."""
    controller, terminal = pty.openpty()
    environment = {**os.environ, "KATA_TIMEOUT": "0.5", "KATA_DEV": "1", **env}
    process = subprocess.Popen([sys.executable, "-m", "kata", *args], cwd=ROOT,
                               stdout=terminal, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL, env=environment)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="no pseudo-terminals on Windows")
def test_colour_on_a_terminal_and_never_with_no_color(kata):
    coloured = _on_a_terminal("check", "1", env={})
    assert "\033[31m✗\033[0m" in coloured
    assert "grading…" in coloured  # shown while it waits, then erased
    plain = _on_a_terminal("check", "1", env={"NO_COLOR": "1"})
    assert "\033[31m" not in plain and "✗" in plain
    piped = kata("check", "1")
    assert "\033" not in piped.said and "grading…" not in piped.said


def test_a_closed_pipe_ends_quietly(repo_copy):
    for command in (["progress"], ["list"], ["check", "4"]):
        process = subprocess.Popen([sys.executable, "-m", "kata", *command], cwd=repo_copy,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env={**os.environ, "KATA_DEV": "1"})
        process.stdout.close()  # like `| head` that has already gone
        error = process.stderr.read()
        status = process.wait(timeout=60)
        assert error == b"", (command, error)
        assert status == (1 if command[0] == "check" else 0), command
