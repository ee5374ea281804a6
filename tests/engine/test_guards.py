"""While grading, nothing leaves the machine and graded code never sleeps for real."""

from __future__ import annotations

import socket
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
