"""The learner's code runs in a child process: nothing it does can fake a verdict or bring the
grader down, and whatever ends grading early gets one line that names it.

Each case is a lesson-1 module written the way a learner might (or a saboteur would); the
report must say what happened, and the exit status is 0 only when every check passed. The
cases are graded two at a time (CI has two cores), once for the whole module.
"""

from __future__ import annotations

import time

import pytest

from kata.manifest import find
from kata.progress import check_count

# These run `python -m kata` in subprocesses: minutes on a loaded machine is not a hang.
pytestmark = pytest.mark.timeout(180)

#: How many checks lessons 1 and 2 have (their checks grow; these tests need only the number).
L1, L2 = check_count(find(1)), check_count(find(2))

LOOP = "def retry(func, attempts=3):\n    while True:\n        pass\n"
CASES: dict[str, tuple[str, dict[str, str]]] = {
    "exit_at_import": ("import os\nprint('8 of 8 checks pass.')\nos._exit(0)\n", {}),
    "exit_in_function": ("import os\n\ndef retry(func, attempts=3):\n    os._exit(0)\n", {}),
    "signal": ("import os, signal\n\ndef retry(func, attempts=3):\n"
               "    os.kill(os.getpid(), signal.SIGTERM)\n", {}),
    "segfault": ("import ctypes\n\ndef retry(func, attempts=3):\n"
                 "    return ctypes.string_at(0)\n", {}),
    "memory": ("def retry(func, attempts=3):\n    hoard = bytearray(8 * 1024 ** 3)\n", {}),
    "loop_everywhere": (LOOP, {}),
    "loop_at_import": ("while True:\n    pass\n", {}),
    "swallows_the_interruption": (
        "def retry(func, attempts=3):\n"
        "    while True:\n"
        "        try:\n"
        "            while True:\n"
        "                pass\n"
        "        except:  # swallows the check's timeout too\n"
        "            pass\n", {}),
    "no_sigalrm": (LOOP, {"KATA_NO_SIGALRM": "1"}),
    "million_prints": (
        "for n in range(10 ** 6):\n"
        "    print('importing', n)\n"
        "printed = False\n"
        "def retry(func, attempts=3):\n"
        "    global printed\n"
        "    if not printed:\n"
        "        printed = True\n"
        "        for n in range(10 ** 6):\n"
        "            print('retrying', n)\n"
        "    raise NotImplementedError('retry')\n", {"KATA_TIMEOUT": "20"}),
    "flood_past_print": ("import os\nfor _ in range(100):\n"
                         "    os.write(1, b'x' * 100_000 + b'\\n')\n"
                         "def retry(func, attempts=3):\n    raise NotImplementedError\n", {}),
}


@pytest.fixture(scope="module")
def graded(kata, two_at_a_time, tmp_path_factory):
    """Every case graded once: ``{name: (the completed process, seconds it took)}``."""

    def grade(name: str):
        source, env = CASES[name]
        folder = tmp_path_factory.mktemp(name) / "01_naive_retry"
        folder.mkdir()
        (folder / "retry.py").write_text(source)
        started = time.monotonic()
        result = kata("check", "1", "--impl", str(folder.parent), env=env, timeout=150)
        return result, time.monotonic() - started

    return two_at_a_time({name: (lambda name=name: grade(name)) for name in CASES})


def test_os_exit_at_import_is_named(graded):
    result, _ = graded["exit_at_import"]
    assert result.returncode == 1
    assert "os._exit" in result.said and "while your module was being imported" in result.said
    assert "No checks ran" in result.said


def test_os_exit_in_the_function_is_named_and_fakes_nothing(graded):
    result, _ = graded["exit_in_function"]
    assert result.returncode == 1
    assert "os._exit" in result.said and "exit status 0" in result.said
    assert "while the check “Returns the result" in result.said
    assert "(not run)" in result.said


def test_a_signal_is_named(graded):
    result, _ = graded["signal"]
    assert result.returncode == 1 and "SIGTERM" in result.said


def test_a_segfault_is_named_with_the_line(graded):
    result, _ = graded["segfault"]
    assert result.returncode == 1
    assert "segmentation fault (SIGSEGV)" in result.said and "retry.py, line 4" in result.said


def test_running_out_of_memory_is_named(graded):
    result, _ = graded["memory"]
    assert result.returncode == 1 and "ran out of memory" in result.said


def test_an_infinite_loop_in_every_check_stops_in_a_few_seconds(graded):
    result, seconds = graded["loop_everywhere"]
    assert result.returncode == 1
    assert "timed out" in result.said and "retry.py, line " in result.said
    assert result.said.count("(not run)") == L1 - 1
    assert seconds < 10


def test_an_infinite_loop_at_import_stops_at_the_limit(graded):
    result, seconds = graded["loop_at_import"]
    assert result.returncode == 1
    assert "importing your module did not finish within 0.5 s" in result.said
    assert "retry.py, line 1" in result.said and seconds < 10


def test_code_that_swallows_the_interruption_is_still_stopped(graded):
    result, seconds = graded["swallows_the_interruption"]
    assert result.returncode == 1
    assert "kept running past its time limit" in result.said and "bare" in result.said
    assert seconds < 12


def test_without_sigalrm_the_watchdog_is_the_time_limit(graded):
    # What Windows does (no SIGALRM): the child's own watchdog ends a check at its limit.
    result, seconds = graded["no_sigalrm"]
    assert result.returncode == 1
    assert "timed out" in result.said and "retry.py, line " in result.said
    assert seconds < 10


def test_a_million_prints_at_import_and_in_the_function(graded):
    result, _ = graded["million_prints"]
    assert result.returncode == 1
    assert f"0 of {L1} checks pass." in result.said
    assert "your module printed while it was imported (1,000,000 lines)" in result.said
    assert "your code printed (1,000,000 lines)" in result.said
    assert "999,988 more lines not shown" in result.said
    assert len(result.stdout) < 10_000


def test_a_flood_past_print_is_capped(graded):
    result, _ = graded["flood_past_print"]
    assert result.returncode == 1 and len(result.stdout) < 10_000
    assert "10,000,100 bytes straight to the terminal" in result.said
