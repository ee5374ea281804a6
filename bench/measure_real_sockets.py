"""What the real-socket fake services cost and how exactly their faults keep time.

    .venv/bin/python bench/measure_real_sockets.py      (also run by `make bench`)

1. Throughput: one keep-alive ``requests.Session`` against one healthy ``LiveService``,
   requests per second (best of 3 runs of 2,000; goal: at least 1,000).
2. Start and stop: median milliseconds of 50 (goal: at most 20 ms each), and the same stop
   with a slow reply in flight and an idle keep-alive connection open; the thread count
   must be back where it was.
3. Fault timing: how far the client's wait lands from what was asked, median of 10, for a
   latency of 100 ms, slow headers of 100 ms and a dribble of 20 bytes at 10 ms (200 ms);
   goal: within 20 ms. The baseline cost of a request is subtracted.

Exits 1 if a goal is missed, 0 otherwise.
"""

from __future__ import annotations

import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fake_services import LiveService, Reply, dribble, ok, slow_headers  # noqa: E402

THROUGHPUT_GOAL = 1_000.0  # requests per second
START_STOP_GOAL = 0.020  # seconds, median
TIMING_GOAL = 0.020  # seconds, median distance from what was asked
REQUESTS = 2_000
RUNS = 50
TIMED = 10


def throughput() -> float:
    """Best of 3: requests per second over one keep-alive session."""
    best = 0.0
    with LiveService("users") as users:
        session = users.session()
        url = users.url + "/users/1"
        for _ in range(50):
            session.get(url, timeout=2)
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(REQUESTS):
                session.get(url, timeout=2)
            best = max(best, REQUESTS / (time.perf_counter() - started))
        session.close()
    return best


def start_and_stop(prepare: Callable[[LiveService], Callable[[], None]] | None = None
                   ) -> tuple[float, float, int]:
    """Median start and stop seconds over RUNS services, and the threads left behind."""
    before = set(threading.enumerate())
    starts, stops = [], []
    for _ in range(RUNS):
        service = LiveService("users")
        began = time.perf_counter()
        service.start()
        starts.append(time.perf_counter() - began)
        cleanup = prepare(service) if prepare else None
        began = time.perf_counter()
        service.stop()
        stops.append(time.perf_counter() - began)
        if cleanup:
            cleanup()
    left = len([t for t in set(threading.enumerate()) - before if t.is_alive()])
    return statistics.median(starts), statistics.median(stops), left


def slow_reply_in_flight(service: LiveService) -> Callable[[], None]:
    """A 30 s reply in flight on a raw socket, plus an idle keep-alive session."""
    service.always(ok(latency=30))
    session = service.session()
    session.get(service.url + "/", headers={"x-envoy-fault-abort-request": "200"}, timeout=2)
    raw = socket.create_connection(("127.0.0.1", service.port), timeout=2)
    raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    service.wait_until(lambda: service.in_flight == 1)

    def cleanup() -> None:
        session.close()
        raw.close()
    return cleanup


def timing(reply: Reply, asked: float) -> float:
    """Median |client wait - baseline - asked| over TIMED requests, in seconds."""
    with LiveService("users") as users:
        session = users.session()
        url = users.url + "/"
        for _ in range(20):
            session.get(url, timeout=2)
        baseline = []
        for _ in range(TIMED):
            began = time.perf_counter()
            session.get(url, timeout=2)
            baseline.append(time.perf_counter() - began)
        users.always(reply)
        errors = []
        for _ in range(TIMED):
            began = time.perf_counter()
            session.get(url, timeout=2).content
            errors.append(abs(time.perf_counter() - began - statistics.median(baseline) - asked))
        session.close()
    return statistics.median(errors)


def main() -> int:
    problems: list[str] = []

    rate = throughput()
    verdict = "ok" if rate >= THROUGHPUT_GOAL else f"UNDER {THROUGHPUT_GOAL:,.0f}"
    if rate < THROUGHPUT_GOAL:
        problems.append(f"throughput {rate:,.0f} requests/s < {THROUGHPUT_GOAL:,.0f}")
    print(f"Throughput, one keep-alive Session, one healthy service (best of 3 x {REQUESTS:,})")
    print(f"  {rate:8,.0f} requests/s  {verdict}")

    print(f"\nStart and stop, median of {RUNS} (milliseconds; goal at most "
          f"{START_STOP_GOAL * 1000:.0f} each)")
    for label, prepare in [("idle service", None),
                           ("30 s reply in flight + idle keep-alive", slow_reply_in_flight)]:
        start, stop, left = start_and_stop(prepare)
        ok_ = start <= START_STOP_GOAL and stop <= START_STOP_GOAL and left == 0
        if not ok_:
            problems.append(f"{label}: start {start * 1000:.2f} ms, stop {stop * 1000:.2f} ms, "
                            f"{left} threads left")
        print(f"  {label:<40} start {start * 1000:6.2f}  stop {stop * 1000:6.2f}  "
              f"threads left {left}  {'ok' if ok_ else 'MISSED'}")

    print(f"\nFault timing, median distance from what was asked over {TIMED} requests "
          f"(milliseconds; goal within {TIMING_GOAL * 1000:.0f})")
    for label, reply, asked in [
        ("latency 100 ms", ok(latency=0.1), 0.1),
        ("slow headers 100 ms", slow_headers(0.1), 0.1),
        ("dribble 20 bytes x 10 ms = 200 ms", dribble(every=0.01, size=20), 0.2),
    ]:
        error = timing(reply, asked)
        ok_ = error <= TIMING_GOAL
        if not ok_:
            problems.append(f"{label}: {error * 1000:.1f} ms off")
        print(f"  {label:<40} {error * 1000:6.2f}  {'ok' if ok_ else 'MISSED'}")

    if problems:
        print("\nGoals missed:\n  " + "\n  ".join(problems))
        return 1
    print("\nAll goals met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
