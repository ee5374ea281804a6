"""The learner's loop from the outside: what `python -m kata ...` prints and returns.

Bad input gets a clear message and loses nothing (DEVELOPERS.md, quality bar).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kata.manifest import ROOT

#: How many checks lesson 1 has (its checks grow; these tests only need the number).
LESSON_1_CHECKS = (ROOT / "tests" / "01_naive_retry" / "test_retry.py").read_text().count(
    "\ndef test_")

LESSON_1 = "01_naive_retry"


def kata(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
         timeout: float = 30) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "KATA_TIMEOUT": "0.5", **(env or {})}
    environment.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "kata", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def impl_with(tmp_path: Path, source: str) -> Path:
    folder = tmp_path / "impl"
    (folder / LESSON_1).mkdir(parents=True)
    (folder / LESSON_1 / "retry.py").write_text(source)
    return folder


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the repository, for commands that write files."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", ".kata",
                                                              "__pycache__"))
    return copy


def test_check_without_a_lesson_prints_usage_and_the_list():
    result = kata("check")
    assert result.returncode == 2
    assert "which lesson?" in result.stderr and "Naive retry" in result.stderr


@pytest.mark.parametrize("lesson", ["99", "abc", "0"])
def test_check_with_an_unknown_lesson_names_the_valid_range(lesson):
    result = kata("check", lesson)
    assert result.returncode == 2
    assert f"no lesson '{lesson}'" in result.stderr and "numbered 1.." in result.stderr


def test_check_with_a_missing_impl_folder():
    result = kata("check", "1", "--impl", "/no/such/folder")
    assert result.returncode == 2 and "no such folder" in result.stderr


def test_impl_folder_without_the_lesson_file(tmp_path):
    result = kata("check", "1", "--impl", str(tmp_path))
    assert result.returncode == 1
    assert f"{LESSON_1}/retry.py not found" in result.stdout


def test_untouched_starter_fails_readably():
    result = kata("check", "1")
    assert result.returncode == 1
    assert "Lesson 1: Naive retry" in result.stdout
    assert "not implemented yet: retry" in result.stdout
    assert f"0 of {LESSON_1_CHECKS} checks pass." in result.stdout
    assert "make hint LESSON=1" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_reference_passes_from_an_absolute_path_outside_the_repo(tmp_path):
    shutil.copytree(ROOT / "solutions", tmp_path / "mine")
    result = kata("check", "1", "--impl", str(tmp_path / "mine"))
    assert result.returncode == 0, result.stdout
    assert f"{LESSON_1_CHECKS} of {LESSON_1_CHECKS} checks pass." in result.stdout
    assert "Lesson complete." in result.stdout


def test_syntax_error_is_one_message_with_file_and_line(tmp_path):
    folder = impl_with(tmp_path, "def retry(func, attempts=3)\n    return func()\n")
    result = kata("check", "1", "--impl", str(folder))
    assert result.returncode == 1
    assert "syntax error in" in result.stdout and "retry.py, line 1" in result.stdout
    assert "No checks ran" in result.stdout and "✗" not in result.stdout


def test_error_at_import_time_names_the_line(tmp_path):
    folder = impl_with(tmp_path, "import requests\n\nBROKEN = undefined_name\n")
    result = kata("check", "1", "--impl", str(folder))
    assert result.returncode == 1
    assert "importing your module failed" in result.stdout
    assert "NameError" in result.stdout and "line 3" in result.stdout


def test_missing_function_is_named(tmp_path):
    folder = impl_with(tmp_path, "def retries(func, attempts=3):\n    return func()\n")
    result = kata("check", "1", "--impl", str(folder))
    assert "does not define `retry`" in result.stdout


def test_infinite_loop_ends_in_a_timeout_that_says_so(tmp_path):
    folder = impl_with(tmp_path, (
        "def retry(func, attempts=3):\n"
        "    if attempts == 5:\n"
        "        while True:\n"
        "            pass\n"
        "    raise ValueError\n"))
    result = kata("check", "1", "--impl", str(folder))
    assert result.returncode == 1
    assert "timed out" in result.stdout and "retry.py, line" in result.stdout


def test_a_real_sleep_is_reported_at_once(tmp_path):
    folder = impl_with(tmp_path, (
        "import time\n"
        "def retry(func, attempts=3):\n"
        "    time.sleep(60)\n"
        "    return func()\n"))
    result = kata("check", "1", "--impl", str(folder), timeout=20)
    assert "time.sleep(60) for real" in result.stdout


def test_verbose_shows_pytest_output(tmp_path):
    result = kata("check", "1", "--impl", "solutions", "-v")
    assert result.returncode == 0 and "PASSED" in result.stdout


def test_hints_come_one_at_a_time_and_the_last_repeats(repo_copy):
    first = kata("hint", "1", cwd=repo_copy).stdout
    second = kata("hint", "1", cwd=repo_copy).stdout
    third = kata("hint", "1", cwd=repo_copy).stdout
    fourth = kata("hint", "1", cwd=repo_copy).stdout
    assert "hint 1 of 3" in first and "hint 2 of 3" in second and "hint 3 of 3" in third
    assert "hint 3 of 3" in fourth and "make solution LESSON=1" in fourth


def test_reset_keeps_a_backup_and_restores_the_starter(repo_copy):
    mine = repo_copy / "lessons" / LESSON_1 / "retry.py"
    mine.write_text("# my precious work\n")
    refused = kata("reset", "1", cwd=repo_copy)
    assert refused.returncode == 2 and "YES=1" in refused.stderr
    assert mine.read_text() == "# my precious work\n"
    done = kata("reset", "1", "--yes", cwd=repo_copy)
    assert done.returncode == 0, done.stderr
    starter = repo_copy / "lessons" / LESSON_1 / ".starter" / "retry.py"
    assert mine.read_bytes() == starter.read_bytes()
    backups = list((repo_copy / ".kata" / "backups" / LESSON_1).glob("retry-*.py"))
    assert [b.read_text() for b in backups] == ["# my precious work\n"]


def test_solution_asks_first(repo_copy):
    refused = kata("solution", "1", cwd=repo_copy)
    assert refused.returncode == 2 and "def retry" not in refused.stdout
    shown = kata("solution", "1", "--yes", cwd=repo_copy)
    assert shown.returncode == 0 and "def retry" in shown.stdout


def test_progress_reports_each_lesson(repo_copy):
    solved = repo_copy / "solutions" / LESSON_1 / "retry.py"
    shutil.copyfile(solved, repo_copy / "lessons" / LESSON_1 / "retry.py")
    result = kata("progress", cwd=repo_copy, timeout=120)
    assert result.returncode == 0
    line = next(l for l in result.stdout.splitlines() if "Naive retry" in l)
    assert line.rstrip().endswith("passed")
    assert "not started" in result.stdout


def test_help_without_a_command():
    result = kata()
    assert result.returncode == 0 and "check" in result.stdout


def test_an_old_python_gets_a_one_line_message():
    code = ("import sys, runpy; sys.version_info = (3, 9, 18, 'final', 0); "
            "runpy.run_module('kata', run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 1
    assert "needs Python 3.11 or newer; this is Python 3.9" in result.stderr


def test_threads_left_running_do_not_hang_the_grader(tmp_path):
    folder = impl_with(tmp_path, (
        "import threading\n"
        "_never = threading.Event()\n"
        "def retry(func, attempts=3):\n"
        "    threading.Thread(target=_never.wait).start()\n"
        "    raise NotImplementedError('retry')\n"))
    result = kata("check", "1", "--impl", str(folder), timeout=20)
    assert result.returncode == 1
    assert "left" in result.stdout and "thread(s) running" in result.stdout


def test_code_that_swallows_the_timeout_is_still_stopped(tmp_path):
    folder = impl_with(tmp_path, (
        "def retry(func, attempts=3):\n"
        "    while True:\n"
        "        try:\n"
        "            pass\n"
        "        except:  # swallows the check's timeout too\n"
        "            pass\n"))
    result = kata("check", "1", "--impl", str(folder), env={"KATA_HARD_LIMIT": "2"})
    assert result.returncode == 1
    assert "grading stopped after 2 s" in result.stdout and "bare" in result.stdout
