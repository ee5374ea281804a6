"""While grading, nothing leaves the machine and graded code never waits or reads time for real."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from harness import guards, loader


def test_connections_off_the_machine_are_blocked():
    # 203.0.113.0/24 is TEST-NET-3: the guard refuses before any packet is sent.
    with pytest.raises(guards.NetworkBlocked):
        socket.create_connection(("203.0.113.7", 80), timeout=0.1)


def test_loopback_stays_reachable():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        client = socket.create_connection(server.getsockname(), timeout=1)
        client.close()
    finally:
        server.close()


def test_graded_code_may_not_sleep_for_real(tmp_path):
    module_file = tmp_path / "sleepy.py"
    module_file.write_text("import time\n\ndef nap():\n    time.sleep(5)\n\n"
                           "def switch():\n    time.sleep(0)\n")
    module = loader.load(module_file)
    started = time.perf_counter()
    with pytest.raises(guards.RealSleepError, match=r"time.sleep\(5\)"):
        module.nap()
    module.switch()  # sleep(0), a thread switch, is allowed
    assert time.perf_counter() - started < 1


def test_the_harness_itself_may_still_sleep():
    time.sleep(0.001)


def _graded(tmp_path, source: str):
    module_file = tmp_path / "timely.py"
    module_file.write_text(source)
    return loader.load(module_file)


def test_real_clock_reads_on_fake_time_are_noted_not_refused(tmp_path):
    module = _graded(tmp_path, "import time\nfrom time import monotonic\n\n"
                               "def now():\n    return time.time()\n\n"
                               "def later():\n    return monotonic()\n")
    module.now()  # no check on the fake clock: nothing noted
    assert guards.real_clock_read is None
    with guards.fake_time():
        assert module.later() > 0 and module.now() > 0  # still the real clock: nothing breaks
        call, where = guards.real_clock_read
        assert call == "time.monotonic()" and where.endswith("timely.py, line 8")
        assert time.monotonic() > 0  # the harness and libraries read it unnoticed
    assert guards.real_clock_read is None  # a later check on the real clock is told nothing


def test_graded_code_may_not_wait_for_real_on_fake_time(tmp_path):
    module = _graded(tmp_path, "import threading\n\n"
                               "def wait():\n    threading.Event().wait(60)\n\n"
                               "def poll():\n    return threading.Event().wait(0)\n")
    with guards.fake_time():
        started = time.perf_counter()
        with pytest.raises(guards.RealTimeError, match=r"Event\.wait\(60\)"):
            module.wait()
        assert module.poll() is False  # a zero timeout does not wait
        assert time.perf_counter() - started < 1
        assert threading.Event().wait(0.001) is False  # the harness may wait


def test_the_real_wait_guard_is_a_real_sleep_error():
    # A retry loop that catches Exception must not swallow the diagnosis.
    assert issubclass(guards.RealTimeError, BaseException)
    assert not issubclass(guards.RealTimeError, Exception)
