"""What the failure-rate windows of lessons 7 and 8 cost, side by side with pybreaker.

    .venv/bin/python bench/measure_window_cost.py      (also run by `make bench`)

1. Cost per call (microseconds) of the reference breakers of lesson 7 (count window) and
   lesson 8 (time window in buckets) with a window of 10 and of 100,000, and the ratio
   between the two: a window that is O(1) per call keeps it within 1.3.
2. Peak memory (tracemalloc) of a breaker and its window after 100,000 and after 1,000,000
   calls: it must not grow with the number of calls.
3. pybreaker's cost per call on the same stream of calls, for scale (a consecutive-failure
   breaker: no window at all).

The stream: a call that returns at once, every 10th one raising a ConnectionError (a
failure). Thresholds are set so that no breaker ever opens: every call runs the CLOSED path.
Exits 1 if a bound is broken, 0 otherwise.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
import time
import tracemalloc
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import requests

ROOT = Path(__file__).resolve().parent.parent
RATIO_LIMIT = 1.3
MEMORY_SLACK = 1.05  # peak after 1,000,000 calls may exceed peak after 100,000 by 5% at most
CALLS = 200_000  # timed calls per measurement
REPEATS = 3  # best of


def load(relative: str, name: str) -> ModuleType:
    """Import a reference module by path, under its own name."""
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Ticker:
    """A fake monotonic clock that the benchmark moves by hand (cheaper than FakeClock)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def service_ok() -> str:
    return "ok"


def service_down() -> str:
    # A new exception each time: re-raising one instance would grow its traceback forever.
    raise requests.ConnectionError("down")


def run(call: Callable[[Callable[[], Any]], Any], count: int, tick: Ticker | None,
        step: float) -> None:
    """``count`` calls through ``call``; every 10th fails; the clock moves ``step`` each."""
    for number in range(count):
        if tick is not None:
            tick.now += step
        try:
            call(service_down if number % 10 == 9 else service_ok)
        except Exception:
            pass


def cost_per_call(make: Callable[[Ticker], Any], warm_up: int, step: float = 0.0,
                  use_clock: bool = True) -> float:
    """Best-of-REPEATS microseconds per call, once the window is full (after ``warm_up``)."""
    best = float("inf")
    for _ in range(REPEATS):
        tick = Ticker()
        breaker = make(tick)
        run(breaker.call, warm_up, tick if use_clock else None, step)
        started = time.perf_counter()
        run(breaker.call, CALLS, tick if use_clock else None, step)
        best = min(best, (time.perf_counter() - started) / CALLS * 1e6)
    return best


def peak_memory(make: Callable[[Ticker], Any], count: int, step: float) -> int:
    """Peak traced bytes while building a breaker and making ``count`` calls through it."""
    tracemalloc.start()
    try:
        tick = Ticker()
        breaker = make(tick)
        run(breaker.call, count, tick, step)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def main() -> int:
    seven = load("solutions/07_sliding_window/breaker.py", "reference_lesson_7")
    eight = load("solutions/08_time_window/breaker.py", "reference_lesson_8")
    problems: list[str] = []

    def count_breaker(size: int) -> Callable[[Ticker], Any]:
        return lambda tick: seven.CircuitBreaker(
            failure_rate_threshold=50, window_size=size, minimum_calls=size, clock=tick)

    def time_breaker(seconds: int, buckets: int) -> Callable[[Ticker], Any]:
        return lambda tick: eight.CircuitBreaker(
            failure_rate_threshold=50, window_seconds=seconds, window_buckets=buckets,
            minimum_calls=10, slow_call_duration=60, clock=tick)

    print(f"Cost per call, microseconds (best of {REPEATS} runs of {CALLS:,} calls, every "
          f"10th a failure, window already full)")
    print(f"  {'breaker':<56} {'size 10':>9} {'size 100,000':>13} {'ratio':>7}")
    rows = [
        ("lesson 7 reference (window_size calls)", count_breaker, 0.0),
        ("lesson 8 reference (window_seconds, 1 bucket a second)", None, 0.01),
    ]
    for label, factory, step in rows:
        costs = []
        for size in (10, 100_000):
            if factory is count_breaker:
                costs.append(cost_per_call(count_breaker(size), warm_up=size))
            else:
                # 100 calls a (fake) second: a new bucket every 100 calls; the warm-up fills
                # the whole window of the small breaker and 1,000 seconds of the large one.
                costs.append(cost_per_call(time_breaker(size, size), warm_up=100_000,
                                           step=step))
        ratio = costs[1] / costs[0]
        verdict = "ok" if ratio <= RATIO_LIMIT else f"OVER {RATIO_LIMIT}"
        if ratio > RATIO_LIMIT:
            problems.append(f"{label}: cost ratio {ratio:.2f} > {RATIO_LIMIT}")
        print(f"  {label:<56} {costs[0]:9.2f} {costs[1]:13.2f} {ratio:7.2f}  {verdict}")

    try:
        import pybreaker
    except ImportError:
        print("  pybreaker: not installed (pip install -r requirements-bench.txt)")
    else:
        version = importlib.metadata.version("pybreaker")
        cost = cost_per_call(lambda tick: pybreaker.CircuitBreaker(fail_max=5,
                                                                   reset_timeout=60),
                             warm_up=1_000, use_clock=False)
        print(f"  {'pybreaker ' + version + ' (fail_max=5, no window)':<56} {cost:9.2f}")

    print("\nPeak memory while making the calls (tracemalloc, KiB)")
    print(f"  {'breaker':<56} {'100,000 calls':>13} {'1,000,000':>10} {'growth':>7}")
    memory_rows = [
        ("lesson 7 reference, window_size=1,000", count_breaker(1_000), 0.0),
        ("lesson 8 reference, 100 s in 100 buckets, 1,000/s", time_breaker(100, 100), 0.001),
    ]
    for label, make, step in memory_rows:
        small = peak_memory(make, 100_000, step)
        large = peak_memory(make, 1_000_000, step)
        growth = large / small
        ok = large <= small * MEMORY_SLACK
        if not ok:
            problems.append(f"{label}: peak memory grew from {small} to {large} bytes")
        print(f"  {label:<56} {small / 1024:13.1f} {large / 1024:10.1f} {growth:7.2f}  "
              f"{'ok' if ok else 'GROWS'}")

    if problems:
        print("\nBounds broken:\n  " + "\n  ".join(problems))
        return 1
    print(f"\nAll bounds hold: cost ratio within {RATIO_LIMIT}, memory flat in the number of "
          f"calls.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
