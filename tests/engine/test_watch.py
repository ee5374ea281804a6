"""``make watch``: grades on every save, drops a stale run when a newer save arrives, and
offers to move on after a pass."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from kata.manifest import ROOT, find
from kata.progress import check_count

pytestmark = [pytest.mark.timeout(120),
              pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals and signals")]

#: How many checks lessons 1 and 2 have (their checks grow; these tests need only the number).
L1, L2 = check_count(find(1)), check_count(find(2))

LESSON_1 = "01_naive_retry"
SLOW_IMPORT = "import threading\nthreading.Event().wait(20)\n"  # a grading that takes 20 s


class Watched:
    """A running ``python -m kata watch``; what it has written so far."""

    def __init__(self, args: list[str], cwd, terminal: bool = False) -> None:
        env = {**os.environ, "KATA_DEV": "1", "KATA_TIMEOUT": "30"}
        env.pop("NO_COLOR", None)
        command = [sys.executable, "-m", "kata", "watch", *args, "--interval", "0.05"]
        self.output = b""
        if terminal:
            self.controller, device = os.openpty()
            self.process = subprocess.Popen(command, cwd=cwd, env=env, stdin=device,
                                            stdout=device, stderr=device)
            os.close(device)
            source = self.controller
        else:
            self.controller = None
            self.process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            source = self.process.stdout.fileno()
        threading.Thread(target=self._read, args=(source,), daemon=True).start()

    def _read(self, fd: int) -> None:
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def text(self) -> str:
        return self.output.decode("utf-8", "replace")

    def wait_for(self, phrase: str, count: int = 1, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while self.text().count(phrase) < count:
            assert time.monotonic() < deadline, f"never saw {phrase!r} x{count}:\n{self.text()}"
            assert self.process.poll() is None, f"watch ended:\n{self.text()}"
            time.sleep(0.05)

    def type(self, text: str) -> None:
        os.write(self.controller, text.encode())

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)  # Ctrl-C
        status = self.process.wait(timeout=30)
        if self.controller is not None:
            os.close(self.controller)
        return status


@pytest.fixture
def folder(tmp_path):
    impl = tmp_path / "impl" / LESSON_1
    impl.mkdir(parents=True)
    (impl / "retry.py").write_text("def retry(func, attempts=3):\n    raise NotImplementedError\n")
    return tmp_path / "impl"


def test_a_save_grades_again_and_a_newer_save_cancels_a_stale_run(folder):
    mine = folder / LESSON_1 / "retry.py"
    watched = Watched(["1", "--impl", str(folder)], ROOT)
    try:
        watched.wait_for(f"0 of {L1} checks pass.")
        mine.write_text(SLOW_IMPORT)  # this grading would take 20 s...
        time.sleep(1)
        started = time.monotonic()
        shutil.copyfile(ROOT / "solutions" / LESSON_1 / "retry.py", mine)  # ...this one not
        watched.wait_for(f"{L1} of {L1} checks pass.")
        assert time.monotonic() - started < 15
        assert "a newer save arrived" in watched.text()
    finally:
        status = watched.stop()
    assert status == 0  # Ctrl-C is how watching ends


def test_after_a_pass_enter_moves_on_to_the_next_lesson(repo_copy):
    shutil.copyfile(repo_copy / "solutions" / LESSON_1 / "retry.py",
                    repo_copy / "lessons" / LESSON_1 / "retry.py")
    watched = Watched([], repo_copy, terminal=True)
    try:
        watched.wait_for("Lesson 1 (the first not yet passed")
        watched.wait_for("Press Enter to go on to lesson 2")
        assert "grading…" in watched.text()
        watched.type("\n")
        watched.wait_for("02_backoff_jitter/backoff.py")
        watched.wait_for(f"0 of {L2} checks pass.")
    finally:
        watched.stop()
