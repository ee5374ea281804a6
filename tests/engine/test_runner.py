"""The learner's loop from the outside: what `python -m kata ...` prints and returns.

Bad input gets a clear message and loses nothing (DEVELOPERS.md, quality bar).
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from kata import manifest, progress
from kata.manifest import ROOT, find
from kata.progress import check_count

# These run `python -m kata` in subprocesses: minutes on a loaded machine is not a hang.
pytestmark = pytest.mark.timeout(120)

#: How many checks lessons 1 and 2 have (their checks grow; these tests need only the number).
L1, L2 = check_count(find(1)), check_count(find(2))

LESSON_1 = "01_naive_retry"


def test_check_without_a_lesson_resumes_where_the_learner_is(kata, repo_copy):
    first = kata("check", cwd=repo_copy, env={"KATA_VIA": "make"})
    assert first.returncode == 1
    assert first.stdout.startswith("Lesson 1 (the first not yet passed; `make check LESSON=n` "
                                   "picks another)")
    assert "Lesson 1: Naive retry" in first.said
    solved = repo_copy / "solutions" / LESSON_1 / "retry.py"
    shutil.copyfile(solved, repo_copy / "lessons" / LESSON_1 / "retry.py")
    passed = kata("check", cwd=repo_copy)  # still lesson 1, which now passes
    assert passed.returncode == 0 and passed.stdout.startswith("Lesson 1 (the first")
    after = kata("check", cwd=repo_copy)
    assert after.stdout.startswith("Lesson 2 (the first not yet passed;")
    assert "Lesson 2: Backoff" in after.said


def test_check_without_a_lesson_when_every_lesson_passed(kata, repo_copy):
    from kata.check import file_digest

    (repo_copy / ".kata").mkdir()
    results = {l.slug: {"sha1": file_digest(repo_copy / "lessons" / l.slug / l.module_file),
                        "passed": 3, "total": 3} for l in manifest.lessons()}
    (repo_copy / ".kata" / "state.json").write_text(__import__("json").dumps(
        {"results": results}))
    result = kata("check", cwd=repo_copy)
    assert result.returncode == 0 and "Every lesson passes" in result.said


def test_check_without_a_lesson_of_another_folder_asks_which(kata):
    result = kata("check", "--impl", "solutions")
    assert result.returncode == 2
    assert "which lesson of" in result.stderr and "Naive retry" in result.stderr


@pytest.mark.parametrize("lesson", ["99", "abc", "0"])
def test_check_with_an_unknown_lesson_names_the_valid_range(kata, lesson):
    result = kata("check", lesson)
    assert result.returncode == 2
    assert f"no lesson '{lesson}'" in result.stderr and "numbered 1.." in result.stderr


def test_check_with_a_missing_impl_folder(kata):
    result = kata("check", "1", "--impl", "/no/such/folder")
    assert result.returncode == 2 and "no such folder" in result.stderr


SOURCES = {
    "syntax_error": "def retry(func, attempts=3)\n    return func()\n",
    "import_error": "import requests\n\nBROKEN = undefined_name\n",
    "missing_name": "def retries(func, attempts=3):\n    return func()\n",
    "loop_in_one_check": ("def retry(func, attempts=3):\n"
                          "    if attempts == 5:\n"
                          "        while True:\n"
                          "            pass\n"
                          "    raise ValueError\n"),
    "real_sleep": "import time\ndef retry(func, attempts=3):\n    time.sleep(60)\n    return func()\n",
    "threads_left": ("import threading\n"
                     "_never = threading.Event()\n"
                     "def retry(func, attempts=3):\n"
                     "    threading.Thread(target=_never.wait).start()\n"
                     "    raise NotImplementedError('retry')\n"),
}


@pytest.fixture(scope="module")
def graded(kata, two_at_a_time, tmp_path_factory):
    """The gradings these tests look at, each run once (two at a time)."""
    def module(name: str) -> str:
        folder = tmp_path_factory.mktemp(name)
        (folder / LESSON_1).mkdir()
        (folder / LESSON_1 / "retry.py").write_text(SOURCES[name])
        return str(folder)

    mine = tmp_path_factory.mktemp("outside") / "mine"
    shutil.copytree(ROOT / "solutions", mine)
    empty = tmp_path_factory.mktemp("empty")
    runs = {name: (lambda name=name: kata("check", "1", "--impl", module(name), "--all"))
            for name in SOURCES}
    runs["starter"] = lambda: kata("check", "1")
    runs["outside"] = lambda: kata("check", "1", "--impl", str(mine))
    runs["no_lesson_file"] = lambda: kata("check", "1", "--impl", str(empty))
    runs["verbose"] = lambda: kata("check", "1", "--impl", "solutions", "-v")
    return two_at_a_time(runs)


def test_impl_folder_without_the_lesson_file(graded):
    result = graded["no_lesson_file"]
    assert result.returncode == 1
    assert f"{LESSON_1}/retry.py not found" in result.said


def test_untouched_starter_fails_readably(graded):
    result = graded["starter"]
    assert result.returncode == 1
    assert "Lesson 1: Naive retry" in result.said
    assert "not implemented yet: retry" in result.said
    assert f"0 of {L1} checks pass." in result.said and "-m kata hint 1" in result.said
    assert "Traceback" not in result.said + result.stderr


def test_reference_passes_from_an_absolute_path_outside_the_repo(graded):
    result = graded["outside"]
    assert result.returncode == 0, result.stdout
    assert f"{L1} of {L1} checks pass." in result.said and "Lesson complete." in result.said


def test_syntax_error_is_one_message_with_file_and_line(graded):
    result = graded["syntax_error"]
    assert result.returncode == 1
    assert "syntax error in" in result.said and "retry.py, line 1" in result.said
    assert "No checks ran" in result.said and "✗" not in result.said


def test_error_at_import_time_names_the_line(graded):
    result = graded["import_error"]
    assert result.returncode == 1
    assert "importing your module failed" in result.said
    assert "NameError" in result.said and "line 3" in result.said


def test_missing_function_is_named(graded):
    result = graded["missing_name"]
    assert result.returncode == 1
    assert result.said.count("does not define `retry`") == 1  # once, like a syntax error
    assert "No checks ran" in result.said and "✗" not in result.said


def test_infinite_loop_ends_in_a_timeout_that_says_so(graded):
    result = graded["loop_in_one_check"]
    assert result.returncode == 1
    assert "timed out" in result.said and "retry.py, line" in result.said


def test_a_real_sleep_is_reported_at_once(graded):
    assert "time.sleep(60) for real" in graded["real_sleep"].said


def test_verbose_shows_pytest_output(graded):
    result = graded["verbose"]
    assert result.returncode == 0 and "PASSED" in result.said


def test_threads_left_running_do_not_hang_the_grader(graded):
    result = graded["threads_left"]
    assert result.returncode == 1
    assert "left" in result.said and "thread(s) running" in result.said


def test_hints_come_one_at_a_time_and_the_last_repeats(kata, repo_copy):
    first = kata("hint", "1", cwd=repo_copy).stdout
    second = kata("hint", "1", cwd=repo_copy).stdout
    third = kata("hint", "1", cwd=repo_copy).stdout
    fourth = kata("hint", "1", cwd=repo_copy).stdout
    assert "hint 1 of 3" in first and "hint 2 of 3" in second and "hint 3 of 3" in third
    assert "hint 3 of 3" in fourth and "-m kata solution 1" in fourth


def test_a_hint_by_number_and_reset_starts_them_again(kata, repo_copy):
    again = kata("hint", "1", "-n", "2", cwd=repo_copy, env={"KATA_VIA": "make"})
    assert "hint 2 of 3" in again.said and "`make hint LESSON=1`" in again.said
    assert "hint 3 of 3" in kata("hint", "1", cwd=repo_copy).said  # 1 and 2 count as seen
    missing = kata("hint", "1", "-n", "9", cwd=repo_copy)
    assert missing.returncode == 2 and "has 3 hints" in missing.stderr
    (repo_copy / "lessons" / LESSON_1 / "retry.py").write_text("# mine\n")
    assert kata("reset", "1", "--yes", cwd=repo_copy).returncode == 0
    assert "hint 1 of 3" in kata("hint", "1", cwd=repo_copy).said


def test_solution_asks_first(kata, repo_copy):
    refused = kata("solution", "1", cwd=repo_copy)
    assert refused.returncode == 2 and "def retry" not in refused.stdout
    assert "--yes" in refused.stderr
    shown = kata("solution", "1", "--yes", cwd=repo_copy)
    assert shown.returncode == 0 and "def retry" in shown.said


def test_progress_reports_each_lesson(kata, repo_copy):
    solved = repo_copy / "solutions" / LESSON_1 / "retry.py"
    shutil.copyfile(solved, repo_copy / "lessons" / LESSON_1 / "retry.py")
    result = kata("progress", cwd=repo_copy, timeout=120)
    assert result.returncode == 0
    line = next(l for l in result.stdout.splitlines() if "Naive retry" in l)
    assert line.rstrip().endswith("passed")
    assert "not started" in result.said
    summary = result.stdout.splitlines()[-1]
    lessons = manifest.lessons()
    checks = sum(progress.check_count(lesson) for lesson in lessons)
    assert summary.startswith(f"1 of {len(lessons)} lessons passed; {L1} of {checks} checks "
                              f"pass. Next: lesson 2")


def test_help_without_a_command(kata):
    result = kata()
    assert result.returncode == 0 and "check" in result.said


def test_an_old_python_gets_a_one_line_message():
    code = ("import sys, runpy; sys.version_info = (3, 9, 18, 'final', 0); "
            "runpy.run_module('kata', run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 1
    assert "needs Python 3.11 or newer; this is Python 3.9" in result.stderr
