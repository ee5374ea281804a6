"""Measure what learners and CI wait for, and what the breaker costs.

    make bench                      (or: .venv/bin/python bench/benchmark.py [--runs N])

1. Grading time per lesson: `make check LESSON=n IMPL=solutions`, median wall seconds of N
   runs (the goal: at most 1.0 s; lesson 6 at most 2 s).
2. The whole project suite: `make test`, median wall seconds (goal: under 60 s).
3. Every `bench/measure_*.py` script, run in turn (the breaker's cost per call side by side
   with pybreaker, the windows' cost and memory).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kata import manifest  # noqa: E402

GOAL_SECONDS = {6: 2.0}


def wall_seconds(command: list[str], runs: int) -> tuple[float, int]:
    """Median wall time of ``runs`` runs, and the exit status of the last one."""
    times, status = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        status = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), status


def check_command(lesson: manifest.Lesson) -> list[str]:
    if shutil.which("make"):
        return ["make", "-s", "check", f"LESSON={lesson.number}", "IMPL=solutions"]
    return [sys.executable, "-m", "kata", "check", str(lesson.number), "--impl", "solutions"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per lesson (median)")
    parser.add_argument("--suite-runs", type=int, default=1, help="runs of make test")
    parser.add_argument("--skip-suite", action="store_true")
    args = parser.parse_args()

    print(f"Grading the reference, median of {args.runs} runs (wall seconds):")
    worst = 0.0
    for lesson in manifest.lessons():
        seconds, status = wall_seconds(check_command(lesson), args.runs)
        goal = GOAL_SECONDS.get(lesson.number, 1.0)
        verdict = "ok" if seconds <= goal and status == 0 else \
            ("FAILS" if status else f"over {goal:.1f} s")
        worst = max(worst, seconds)
        print(f"  lesson {lesson.number:>2}  {lesson.title:<40} {seconds:6.2f} s  {verdict}")
    print(f"  slowest: {worst:.2f} s")

    if not args.skip_suite:
        command = ["make", "-s", "test"] if shutil.which("make") else \
            [sys.executable, "-m", "kata", "test"]
        seconds, status = wall_seconds(command, args.suite_runs)
        print(f"\nmake test: {seconds:.1f} s median of {args.suite_runs} "
              f"({'passed' if status == 0 else 'FAILED'}; goal under 60 s)")

    for script in sorted((ROOT / "bench").glob("measure_*.py")):
        print(f"\n== {script.relative_to(ROOT)}")
        sys.stdout.flush()
        subprocess.run([sys.executable, str(script)], cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
