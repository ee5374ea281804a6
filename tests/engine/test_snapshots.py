"""Nothing the learner writes is lost: snapshots before each grading, ``restore`` to bring
one back, and a report that says so when graded code deletes files, the grader's included."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from kata import snapshots

pytestmark = pytest.mark.timeout(120)

LESSON_1, LESSON_4 = "01_naive_retry", "04_count_breaker"
DELETES_LESSON_4 = ("import pathlib\n"
                    "pathlib.Path(__file__).parents[1].joinpath('04_count_breaker', "
                    "'breaker.py').unlink()\n\n"
                    "def retry(func, attempts=3):\n    raise NotImplementedError('retry')\n")


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A snapshot store of its own, in a temporary folder."""
    root = tmp_path / "snapshots"
    monkeypatch.setattr(snapshots, "STORE", root)
    monkeypatch.setattr(snapshots, "INDEX", root / "index.json")
    monkeypatch.setattr(snapshots, "OBJECTS", root / "objects")
    return root


def test_snapshots_are_taken_when_a_file_changes_and_stored_by_content(tmp_path, store):
    mine = tmp_path / "retry.py"
    mine.write_text("one\n")
    snapshots.take([mine])
    snapshots.take([mine])  # unchanged: no new snapshot
    mine.write_text("two\n")
    snapshots.take([mine])
    mine.write_text("one\n")  # back to the first content: stored once
    snapshots.take([mine])
    assert [s.content() for s in snapshots.history(mine)] == [b"one\n", b"two\n"]
    assert len(list((store / "objects").iterdir())) == 2


def test_snapshots_are_bounded_but_those_before_a_reset_are_kept(tmp_path, store, monkeypatch):
    monkeypatch.setattr(snapshots, "KEEP", 3)
    mine = tmp_path / "retry.py"
    mine.write_text("before the reset\n")
    snapshots.take([mine], why=snapshots.RESET)
    for n in range(10):
        mine.write_text(f"version {n}\n")
        snapshots.take([mine])
    kept = [s.content() for s in snapshots.history(mine)]
    assert kept == [b"version 9\n", b"version 8\n", b"version 7\n", b"before the reset\n"]
    assert len(list((store / "objects").iterdir())) == 4


def test_code_that_deletes_another_lessons_file_loses_nothing(kata, repo_copy):
    lesson_4 = repo_copy / "lessons" / LESSON_4 / "breaker.py"
    lesson_4.write_text(lesson_4.read_text() + "# my lesson 4 work\n")
    work = lesson_4.read_bytes()
    (repo_copy / "lessons" / LESSON_1 / "retry.py").write_text(DELETES_LESSON_4)
    result = kata("check", "1", cwd=repo_copy, env={"KATA_VIA": "make"})
    assert result.returncode == 1 and not lesson_4.exists()
    assert f"your code deleted lessons/{LESSON_4}/breaker.py while it was graded" in result.said
    assert "`make restore LESSON=4` brings it back" in result.said
    restored = kata("restore", "4", cwd=repo_copy)
    assert restored.returncode == 0, restored.stderr
    assert lesson_4.read_bytes() == work
    assert "Snapshots of lessons/04_count_breaker/breaker.py" in restored.said


def test_restore_brings_back_the_latest_different_version_and_can_be_undone(kata, repo_copy):
    mine = repo_copy / "lessons" / LESSON_1 / "retry.py"
    mine.write_text("# good work\n")
    kata("check", "1", cwd=repo_copy)
    mine.write_text("# ruined\n")
    kata("check", "1", cwd=repo_copy)  # the ruined version is snapshotted too
    restored = kata("restore", "1", cwd=repo_copy)
    assert mine.read_text() == "# good work\n" and "Restored snapshot 2" in restored.said
    undo = kata("restore", "1", "--pick", "1", cwd=repo_copy)
    assert undo.returncode == 0 and mine.read_text() == "# ruined\n"
    wrong = kata("restore", "1", "--pick", "99", cwd=repo_copy)
    assert wrong.returncode == 2 and "there is no snapshot 99" in wrong.stderr


def test_reset_keeps_the_learners_version_restorable(kata, repo_copy):
    mine = repo_copy / "lessons" / LESSON_1 / "retry.py"
    mine.write_text("# my precious work\n")
    refused = kata("reset", "1", cwd=repo_copy)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert mine.read_text() == "# my precious work\n"
    done = kata("reset", "1", "--yes", cwd=repo_copy)
    assert done.returncode == 0, done.stderr
    starter = repo_copy / "lessons" / LESSON_1 / ".starter" / "retry.py"
    assert mine.read_bytes() == starter.read_bytes()
    assert kata("restore", "1", cwd=repo_copy).returncode == 0
    assert mine.read_text() == "# my precious work\n"


def test_restore_with_nothing_to_restore(kata, repo_copy):
    result = kata("restore", "3", cwd=repo_copy)
    assert result.returncode == 2 and "no snapshots" in result.stderr


@pytest.fixture
def clone(repo_copy):
    """The repository copy as a git checkout, as a learner's clone is."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for command in (["init", "-q"], ["add", "-A"],
                    ["-c", "user.name=k", "-c", "user.email=k@k", "commit", "-qm", "clone"]):
        subprocess.run(["git", *command], cwd=repo_copy, check=True, capture_output=True)
    return repo_copy


def test_a_changed_grader_is_said_instead_of_grading(kata, clone):
    checks = clone / "tests" / LESSON_1 / "test_retry.py"
    checks.write_text(checks.read_text().replace("attempts=3", "attempts=2"))
    refused = kata("check", "1", cwd=clone, env={"KATA_DEV": ""})
    assert refused.returncode == 2
    assert f"tests/{LESSON_1}/test_retry.py (changed)" in refused.said
    assert "nothing was graded" in refused.said and "git checkout --" in refused.said
    noted = kata("check", "1", "--impl", "solutions", cwd=clone, env={"KATA_DEV": ""})
    assert "this report comes from the changed grader" in noted.said
    assert kata("check", "1", cwd=clone).returncode == 1  # KATA_DEV=1: graded


def test_code_that_deletes_a_check_file_is_named_not_blamed_on_the_grader(kata, clone):
    (clone / "lessons" / LESSON_1 / "retry.py").write_text(
        "import pathlib\n"
        "pathlib.Path(__file__).parents[2].joinpath('tests', '01_naive_retry', "
        "'test_retry.py').unlink()\n")
    result = kata("check", "1", cwd=clone, env={"KATA_DEV": ""})
    assert result.returncode == 1
    assert "your code changed the grader's own files" in result.said
    assert f"tests/{LESSON_1}/test_retry.py (deleted)" in result.said
    assert "the grader itself failed" not in result.said
