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
from kata.progress import check_count

# These run `python -m kata` in subprocesses: minutes on a loaded machine is not a hang.
pytestmark = pytest.mark.timeout(120)

BREAKER = find(4)
REFERENCE_4 = BREAKER.reference_file.read_text()


def lesson_1(source: str) -> tuple[str, str, str]:
    return "01_naive_retry", "retry.py", source


def lesson_4(old: str, new: str) -> tuple[str, str, str]:
    """Lesson 4's reference with one change."""
    assert old in REFERENCE_4
    return BREAKER.slug, BREAKER.module_file, REFERENCE_4.replace(old, new, 1)


#: name -> (the module to grade, or None for lessons/ as it is; arguments; environment)
STARTER_4 = (BREAKER.slug, BREAKER.module_file, BREAKER.starter_file.read_text())
RUNS = {
    "starter": (STARTER_4, ["4"], {}),
    "starter_all": (STARTER_4, ["4", "--all"], {"KATA_VIA": "make"}),
    "printed": (lesson_1("print('loading retry')\n\n"
                         "def retry(func, attempts=3):\n"
                         "    print('attempt 1 of', attempts)\n"
                         "    raise NotImplementedError('retry')\n"), ["1"], {}),
    "flood": (lesson_1("def retry(func, attempts=3):\n"
                       "    for n in range(100_000):\n"
                       "        print('attempt', n)\n"
                       "    raise NotImplementedError('retry')\n"), ["1"], {"KATA_TIMEOUT": "10"}),
    "real_clock": (lesson_4("self._clock() - self._opened_at",
                            "__import__('time').monotonic() - self._opened_at"), ["4"], {}),
    "real_wait": (lesson_4("self._opened_at = self._clock()",
                           "self._opened_at = self._clock(); "
                           "__import__('threading').Event().wait(60)"), ["4"], {}),
}


@pytest.fixture(scope="module")
def graded(kata, two_at_a_time, tmp_path_factory):
    """Every run of ``RUNS`` once, two at a time: ``{name: completed process}``."""

    def grade(name: str):
        module, args, env = RUNS[name]
        impl = []
        if module is not None:
            slug, file, source = module
            folder = tmp_path_factory.mktemp(name)
            (folder / slug).mkdir()
            (folder / slug / file).write_text(source)
            impl = ["--impl", str(folder)]
        return kata("check", *args, *impl, env=env, timeout=150)

    return two_at_a_time({name: (lambda name=name: grade(name)) for name in RUNS})


def test_the_first_failure_in_full_the_rest_one_line_each(graded):
    result = graded["starter"]
    assert result.returncode == 1
    assert result.said.count("not implemented yet") == 1
    checks = check_count(find("4"))
    assert f"the other {checks - 1} one line each" in result.said
    assert "--all` shows every" in result.said
    assert len(result.stdout.splitlines()) < checks + 14
    assert graded["starter_all"].said.count("not implemented yet") == checks


def test_what_the_code_printed_shows_under_the_check_that_printed_it(graded):
    result = graded["printed"]
    lines = result.stdout.splitlines()
    assert "your module printed while it was imported (1 line):" in result.said
    assert lines[lines.index("  your module printed while it was imported (1 line):") + 1] \
        == "    loading retry"
    check = next(n for n, line in enumerate(lines) if "✗ Returns the result" in line)
    printed = lines.index("      your code printed (1 line):")
    assert lines[printed + 1] == "        attempt 1 of 3"
    assert check < printed and not any("✗" in line for line in lines[check + 1:printed])


def test_a_flood_of_prints_is_trimmed_with_a_count(graded):
    result = graded["flood"]
    assert "your code printed (100,000 lines):" in result.said
    assert "… 99,988 more lines not shown" in result.said
    assert len(result.stdout) < 5_000


def test_a_breaker_reading_the_real_clock_is_told_so(graded):
    result = graded["real_clock"]
    assert result.returncode == 1
    assert "read the real clock, time.monotonic()" in result.said
    assert "injected `clock`" in result.said


def test_a_real_wait_is_told_so(graded):
    result = graded["real_wait"]
    assert result.returncode == 1
    assert "waited for real, Event.wait(60)" in result.said


def test_suggestions_follow_how_the_kata_was_run(graded):
    plain, under_make = graded["starter"], graded["starter_all"]
    assert "-m kata hint 4" in plain.said and "make hint" not in plain.said
    assert "`make hint LESSON=4`" in under_make.said and "-m kata" not in under_make.said
    assert "\033" not in plain.stdout and "grading…" not in plain.stdout  # piped: plain text


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
def test_colour_and_grading_on_a_terminal():
    coloured = _on_a_terminal("check", "1", env={})
    assert "\033[31m✗\033[0m" in coloured
    assert "grading…" in coloured  # shown while it waits, then erased


def test_no_color_and_dumb_terminals_get_no_colour(monkeypatch):
    from kata.terminal import colour_wanted

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert colour_wanted(Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(Terminal())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not colour_wanted(Terminal())


def test_a_closed_pipe_ends_quietly(repo_copy):
    for command in (["progress"], ["list"]):
        process = subprocess.Popen([sys.executable, "-m", "kata", *command], cwd=repo_copy,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env={**os.environ, "KATA_DEV": "1"})
        process.stdout.close()  # like `| head` that has already gone
        error = process.stderr.read()
        status = process.wait(timeout=60)
        assert error == b"", (command, error)
        assert status == 0, command
