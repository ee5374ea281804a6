"""What one call through a circuit breaker costs, side by side in one run.

Prints the cost per call, in microseconds, of:

* the lesson-6 reference breaker (solutions/06_thread_safety/breaker.py, loaded by path),
  closed, wrapping a no-op function;
* pybreaker 1.4.1 (a benchmark-only dependency: requirements-bench.txt), the same way:
  ``pybreaker.CircuitBreaker().call(noop)``;
* a bare ``threading.Lock`` acquire + release, the floor of any locked design.

Each figure is the median of several ``timeit`` repeats. The goal (issue 5): the reference
costs at most half of what pybreaker does. Always exits 0: it reports, it does not judge.

    .venv/bin/python bench/measure_breaker_cost.py
"""

from __future__ import annotations

import importlib.util
import platform
import statistics
import sys
import threading
import timeit
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "solutions" / "06_thread_safety" / "breaker.py"
CALLS = 200_000
REPEATS = 7


def load_reference() -> ModuleType:
    name = "bench_lesson06_breaker"
    spec = importlib.util.spec_from_file_location(name, REFERENCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def noop() -> None:
    return None


def per_call_us(stmt: str, names: dict[str, Any]) -> float:
    """Median cost of one execution of ``stmt``, in microseconds."""
    timer = timeit.Timer(stmt, globals=names)
    runs = timer.repeat(repeat=REPEATS, number=CALLS)
    return statistics.median(runs) / CALLS * 1e6


def main() -> int:
    reference = load_reference().CircuitBreaker()
    rows: list[tuple[str, float | None, str]] = []
    ours = per_call_us("call(noop)", {"call": reference.call, "noop": noop})
    rows.append(("reference breaker (lesson 6)", ours, "CircuitBreaker().call(noop)"))
    try:
        import pybreaker
    except ImportError:
        theirs = None
        rows.append(("pybreaker", None, "not installed: pip install -r requirements-bench.txt"))
    else:
        theirs = per_call_us("call(noop)", {"call": pybreaker.CircuitBreaker().call,
                                            "noop": noop})
        version = getattr(pybreaker, "__version__", None) or _version("pybreaker")
        rows.append((f"pybreaker {version}", theirs, "CircuitBreaker().call(noop)"))
    lock = threading.Lock()
    bare = per_call_us("acquire(); release()", {"acquire": lock.acquire,
                                                "release": lock.release})
    rows.append(("bare threading.Lock", bare, "acquire() + release()"))

    print(f"Circuit breaker cost per call: median of {REPEATS} runs x {CALLS:,} calls, "
          f"CPython {platform.python_version()}")
    for label, cost, how in rows:
        shown = f"{cost:6.3f} µs" if cost is not None else "     n/a"
        print(f"  {label:30s} {shown}   {how}")
    if theirs:
        ratio = ours / theirs
        verdict = "met" if ratio <= 0.5 else "NOT met"
        print(f"  reference / pybreaker          {ratio:6.2f}      goal: at most 0.50 ({verdict})")
    return 0


def _version(distribution: str) -> str:
    try:
        from importlib.metadata import version
        return version(distribution)
    except Exception:  # noqa: BLE001 - a label only
        return "(version unknown)"


if __name__ == "__main__":
    sys.exit(main())
