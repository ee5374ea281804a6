"""harness.lockstep: an unlocked update loses on every run, a locked one never, and fast."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import threading
import time
from types import ModuleType

import pytest

from harness.lockstep import Lockstep

COUNTERS = '''
import threading


class Counter:
    def __init__(self):
        self.value = 0
        self.tally = 0
        self.lock = threading.Lock()

    def unlocked(self):
        self.value += 1

    def locked(self):
        with self.lock:
            self.value += 1

    def tally_locked_then_unlocked(self):
        with self.lock:
            self.tally += 1
        self.value += 1

    def locked_twice(self):
        with self.lock:
            self.tally += 1
        with self.lock:
            self.value += 1

    def check_then_act(self):
        if self.value < 1:
            self.value += 1
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    path = tmp_path_factory.mktemp("lockstep") / "counters.py"
    path.write_text(textwrap.dedent(COUNTERS))
    spec = importlib.util.spec_from_file_location("_lockstep_counters", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def race(graded: ModuleType, method: str, *, by_line: bool = False) -> int:
    counter = graded.Counter()
    errors = Lockstep({graded.__file__}, by_line=by_line).run(getattr(counter, method),
                                                             getattr(counter, method))
    assert errors == [None, None]
    return counter.value


@pytest.mark.parametrize("method", ["unlocked", "tally_locked_then_unlocked"])
def test_an_unlocked_update_loses_one_on_every_run(graded, method):
    assert [race(graded, method) for _ in range(10)] == [1] * 10


def test_an_unlocked_check_then_act_is_passed_by_both_in_line_steps(graded):
    assert [race(graded, "check_then_act", by_line=True) for _ in range(10)] == [2] * 10


@pytest.mark.parametrize("method", ["locked", "locked_twice"])
def test_a_locked_update_never_loses_and_costs_milliseconds(graded, method):
    start = time.monotonic()
    assert [race(graded, method) for _ in range(10)] == [2] * 10
    assert time.monotonic() - start < 1.0  # a blocked thread is found in ms, not by timeout


@pytest.mark.timeout(10)  # every step waits for the spinner's GIL slices (5 ms each)
def test_a_thread_waiting_for_the_gil_is_not_taken_for_blocked(graded):
    """A third thread that keeps the GIL busy (as a loaded machine's other work would) does
    not make either racer look blocked: the unlocked update still loses every time."""
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            pass

    spinner = threading.Thread(target=spin, daemon=True)
    spinner.start()
    try:
        assert [race(graded, "tally_locked_then_unlocked") for _ in range(3)] == [1] * 3
    finally:
        stop.set()
        spinner.join(1)
