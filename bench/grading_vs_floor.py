"""Grading time per lesson against the floor, measured in one interleaved run.

    .venv/bin/python bench/grading_vs_floor.py [N ...] [--runs R] [--tree DIR ...]

The floor is what any grading pays before a check runs: ``python -c "import pytest,
requests, responses"``. Each lesson's ``python -m kata check N --impl solutions`` is timed
against it, wall and CPU (user + system of the child and its children), median of R runs,
interleaved so that a load on the machine weighs on both alike. The goal for the breaker
lessons: at most 3x the floor, in wall and in CPU time. ``--tree`` times the same lessons in
other checkouts too (``git archive main | tar -x -C /tmp/main``), for a before/after.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (children) and the exit status of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = perf_counter()
    status = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode
    wall = perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lessons", nargs="*", type=int, default=[4, 5, 6, 7, 8])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tree", action="append", default=[], type=Path,
                        help="another checkout to time as well")
    args = parser.parse_args()
    trees = [ROOT, *args.tree]
    floor: list[tuple[float, float, int]] = []
    runs: dict[tuple[Path, int], list[tuple[float, float, int]]] = {}
    for _ in range(args.runs):
        floor.append(timed([sys.executable, "-c", "import pytest, requests, responses"], ROOT))
        for lesson in args.lessons:
            for tree in trees:
                command = [sys.executable, "-m", "kata", "check", str(lesson), "--impl",
                           "solutions"]
                runs.setdefault((tree, lesson), []).append(timed(command, tree))
    wall = statistics.median(w for w, _, _ in floor)
    cpu = statistics.median(c for _, c, _ in floor)
    print(f"floor: wall {wall:.3f} s, cpu {cpu:.3f} s (median of {args.runs})")
    for lesson in args.lessons:
        for tree in trees:
            times = runs[tree, lesson]
            w = statistics.median(t[0] for t in times)
            c = statistics.median(t[1] for t in times)
            failed = " (a run FAILED)" if any(t[2] for t in times) else ""
            where = "" if tree == ROOT else f"  [{tree}]"
            print(f"lesson {lesson:>2}: wall {w:.3f} s = {w / wall:.2f}x, "
                  f"cpu {c:.3f} s = {c / cpu:.2f}x{failed}{where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
