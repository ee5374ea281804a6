"""Measure what learners and CI wait for, and what the breaker costs.

    make bench                      (or: .venv/bin/python bench/benchmark.py [--runs N])

1. Grading time per lesson, as a ratio to a floor measured in the same run, interleaved
   (one round runs every command once, so drift in the machine's load hits all alike):

   * the **import floor**: ``python -c "import pytest, requests, responses"``, the least any
     pytest-based grader of requests code pays;
   * the **collection floor** (the fairer one, and the headline ratio): ``pytest
     --collect-only`` of the lesson's checks, which also pays for pytest's start-up (plugins,
     configuration) and for importing the lesson's check module, the harness and the fake
     services: everything a grading does except running the checks;
   * **grading**: ``python -m kata check N --impl solutions``, the whole thing (parent and
     child process, snapshots, the grader-file check, the report). Goal: at most 3x the
     collection floor for every lesson.
   * **child alone**: ``python -m kata.child N solutions``, the grading process by itself;
     grading minus this is what running in a child costs (a second interpreter, the events,
     the parent's own work).

   Medians of ``--runs`` rounds; the machine's load average is printed with them, because
   other work on the machine moves every number (the ratios move much less).
2. ``make check`` once, to show what make adds.
3. The whole project suite: ``make test``, median wall seconds (goal: under 60 s).
4. Every ``bench/measure_*.py`` script, run in turn (the breaker's cost per call side by side
   with pybreaker, the windows' cost and memory).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kata import manifest  # noqa: E402

GOAL_RATIO = 3.0
PY = sys.executable
# As on a learner's machine: Python keeps compiled modules (PYTHONDONTWRITEBYTECODE unset),
# and the grader-file check (a `git status`, ~10 ms) does not refuse a contributor's tree.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
ENV["KATA_DEV"] = "1"


def run(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds and CPU seconds (user + system, with its children) of one run, and its
    exit status. CPU time moves less than wall time when the machine is busy."""
    start = time.perf_counter()
    if hasattr(os, "wait4"):
        process = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        cpu, status = usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)
    else:  # Windows: wall time only
        status = subprocess.run(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode
        cpu = float("nan")
    return time.perf_counter() - start, cpu, status


def seconds(command: list[str]) -> tuple[float, int]:
    took, _, status = run(command)
    return took, status


def commands(lesson: manifest.Lesson) -> dict[str, list[str]]:
    solutions = str(manifest.SOLUTIONS_DIR)
    return {
        "collect": [PY, "-m", "pytest", "--collect-only", "-q", str(lesson.tests_dir),
                    f"--kata-impl={solutions}", "-p", "no:faulthandler"],
        "child": [PY, "-m", "kata.child", str(lesson.number), solutions],
        "grade": [PY, "-m", "kata", "check", str(lesson.number), "--impl", solutions],
    }


def load() -> str:
    try:
        return "load average %.1f, %.1f, %.1f" % os.getloadavg()
    except (AttributeError, OSError):
        return "load average unknown"


def grading(runs: int) -> bool:
    lessons = manifest.lessons()
    floor = [PY, "-c", "import pytest, requests, responses"]
    wall: dict[tuple[int, str], list[float]] = {}
    cpu: dict[tuple[int, str], list[float]] = {}
    imports: list[tuple[float, float]] = []
    failed: set[int] = set()
    print(f"Grading the reference: medians of {runs} interleaved rounds ({load()})")
    run(commands(lessons[0])["grade"])  # warm-up: compiled modules, file caches
    for _ in range(runs):
        imports.append(run(floor)[:2])
        for lesson in lessons:
            for name, command in commands(lesson).items():
                took, used, status = run(command)
                wall.setdefault((lesson.number, name), []).append(took)
                cpu.setdefault((lesson.number, name), []).append(used)
                if name == "grade" and status != 0:
                    failed.add(lesson.number)
    import_wall = statistics.median(t for t, _ in imports)
    import_cpu = statistics.median(c for _, c in imports)
    print(f"  import floor (python -c 'import pytest, requests, responses'): "
          f"{import_wall:.3f} s wall, {import_cpu:.3f} s CPU\n")
    print(f"  {'':<34} {'wall seconds':^33} | {'CPU seconds':^25}")
    print(f"  {'lesson':<34} {'collect':>7} {'grade':>6} {'ratio':>6} {'/import':>7} "
          f"{'child+':>6} | {'collect':>7} {'grade':>6} {'ratio':>6} {'child+':>6}")
    worst, ok = 0.0, True
    overheads = []
    for lesson in lessons:
        w = {name: statistics.median(wall[(lesson.number, name)])
             for name in ("collect", "child", "grade")}
        c = {name: statistics.median(cpu[(lesson.number, name)])
             for name in ("collect", "child", "grade")}
        ratio = w["grade"] / w["collect"]
        worst = max(worst, ratio)
        overheads.append((w["grade"] - w["child"], c["grade"] - c["child"]))
        verdict = "FAILS" if lesson.number in failed else \
            ("ok" if ratio <= GOAL_RATIO else f"over {GOAL_RATIO:g}x")
        ok &= verdict == "ok"
        name = f"{lesson.number:>2} {lesson.title}"[:34]
        print(f"  {name:<34} {w['collect']:7.3f} {w['grade']:6.3f} {ratio:5.2f}x "
              f"{w['grade'] / import_wall:6.2f}x {w['grade'] - w['child']:+6.3f} | "
              f"{c['collect']:7.3f} {c['grade']:6.3f} {c['grade'] / c['collect']:5.2f}x "
              f"{c['grade'] - c['child']:+6.3f}  {verdict}")
    print(f"\n  collect: pytest --collect-only of the lesson's checks (the floor the ratio "
          f"uses); grade: python -m kata check N --impl solutions; child+: grade minus the "
          f"child process alone, what grading in a child costs")
    print(f"  worst wall ratio: {worst:.2f}x (goal: at most {GOAL_RATIO:g}x); the child "
          f"process costs {statistics.median(o[0] for o in overheads):.3f} s wall, "
          f"{statistics.median(o[1] for o in overheads):.3f} s CPU (medians over lessons)")
    print(f"  ({load()} at the end)")
    return ok


def make_check(runs: int) -> None:
    """What make adds to a grading (its own start, and the restart that carries the status)."""
    if not shutil.which("make"):
        return
    plain_command = [PY, "-m", "kata", "check", "1", "--impl", "solutions"]
    make_command = ["make", "-s", "check", "LESSON=1", "IMPL=solutions"]
    plain, made = [], []
    for _ in range(runs):  # interleaved, like the rest
        plain.append(run(plain_command)[:2])
        made.append(run(make_command)[:2])
    p_wall, m_wall = (statistics.median(t for t, _ in x) for x in (plain, made))
    p_cpu, m_cpu = (statistics.median(c for _, c in x) for x in (plain, made))
    print(f"\nmake check LESSON=1: {m_wall:.3f} s wall, {m_cpu:.3f} s CPU; python -m kata "
          f"check 1: {p_wall:.3f} s wall, {p_cpu:.3f} s CPU (make adds {m_wall - p_wall:+.3f} s "
          f"wall, {m_cpu - p_cpu:+.3f} s CPU)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="rounds (medians are reported)")
    parser.add_argument("--suite-runs", type=int, default=1, help="runs of make test")
    parser.add_argument("--skip-suite", action="store_true")
    parser.add_argument("--only-grading", action="store_true",
                        help="grading times only (no make test, no measure_*.py)")
    args = parser.parse_args()

    ok = grading(args.runs)
    make_check(args.runs)
    if not (args.skip_suite or args.only_grading):
        command = ["make", "-s", "test"] if shutil.which("make") else [PY, "-m", "kata", "test"]
        runs = [seconds(command) for _ in range(args.suite_runs)]
        status = runs[-1][1]
        print(f"\nmake test: {statistics.median(t for t, _ in runs):.1f} s median of "
              f"{args.suite_runs} ({'passed' if status == 0 else 'FAILED'}; goal under 60 s)")
    if not args.only_grading:
        for script in sorted((ROOT / "bench").glob("measure_*.py")):
            print(f"\n== {script.relative_to(ROOT)}")
            sys.stdout.flush()
            subprocess.run([PY, str(script)], cwd=ROOT)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
