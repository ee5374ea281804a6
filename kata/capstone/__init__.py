"""``make capstone``: lesson 13's scene, run twice and drawn, without grading.

    python -m kata capstone [--impl DIR] [--only unprotected|yours]

First the scene with today's clients (plain ``requests``, a 5 s timeout): C turns slow and
takes B, then A, down with it, ``/profile`` included. Then the same scene with the clients
your ``capstone.py`` places (``DIR/13_capstone_cascade/capstone.py``; ``lessons/`` unless
told, ``--impl solutions`` for the reference). Each run takes under 3 seconds of real time
on 127.0.0.1 and is drawn as a timeline (``chart``). ``make check LESSON=13`` grades it.

The pieces: ``scene`` (the services, the clients, one run), ``load`` (the open-loop load
generator), ``measure`` (goodput, freshness, breakers, retries) and ``chart`` (the drawing).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from .. import manifest
from ..manifest import shown as _shown

SLUG = "13_capstone_cascade"
MODULE = "capstone.py"


HELP = "lesson 13's scene: watch a slow service take its callers down, then your breakers stop it"


def configure(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m kata capstone`` (``kata.cli`` registers the command)."""
    p.description = __doc__
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("--impl", metavar="DIR", help="folder laid out like lessons/ (default: "
                   "lessons; 'solutions' runs the reference)")
    p.add_argument("--only", choices=["unprotected", "yours"],
                   help="run only one of the two scenes")


def main(args: argparse.Namespace) -> int:
    from ..cli import impl_folder
    from . import chart, scene  # imported late: the scene brings in requests and the services

    path = impl_folder(args.impl) / SLUG / MODULE  # a missing folder: UsageError, exit 2
    style = chart.style_for(sys.stdout)
    reference = scene.import_file(scene.LESSON_12_REFERENCE)
    s = scene.SETTINGS
    print(f"Lesson 13: A -> B -> C on 127.0.0.1, {s.rate:g} requests/s offered to A for "
          f"{s.duration:g} s; C answers in {s.healthy_latency * 1000:g} ms,\nthen in "
          f"{s.slow_latency:g} s from {s.slow_from:g} s to {s.slow_until:g} s. Each run takes "
          f"about {s.duration + 0.3:.0f} seconds.\n")
    if args.only != "yours":
        _show(scene.run(scene.UNPROTECTED, reference), style)
    if args.only == "unprotected":
        return 0
    try:
        placement, client = _yours(path, scene)
    except Exception as error:  # the learner's file: say what broke, and where
        print(f"Your placement could not be loaded from {_shown(path)}:\n"
              f"{_where(error, path)}", file=sys.stderr)
        return 1
    if _is_starter(path):
        print("Your capstone.py is still the starter: it places today's unprotected clients, "
              "so\nthe next run shows the same cascade. (`make capstone IMPL=solutions` shows "
              "the reference.)\n")
    try:
        run = scene.run(placement, client)
    except Exception as error:
        print(f"Your placement broke the scene:\n{_where(error, path)}", file=sys.stderr)
        return 1
    _show(run, style)
    if run.not_implemented is not None:
        print(f"  your placement uses a stub that is not written yet: {run.not_implemented}\n")
    print(f"Graded by `make check LESSON=13` (the checks and their thresholds are in "
          f"lessons/{SLUG}/README.md).")
    return 0


def _show(run, style) -> None:
    from . import chart

    print(chart.draw(run, style))
    for problem in run.problems[:3]:
        print(f"  problem while serving: {problem}")
    for problem in run.misbuilt[:3]:
        print(f"  broken placement: {problem}")
    print()


def _yours(path: Path, scene):
    module = scene.import_file(path)
    choice = getattr(module, "LESSON_12_CLIENT", "reference")
    client = scene.import_file(scene.lesson_12_client(path, choice))
    title = f"Yours ({_shown(path)}, on {'your' if choice == 'mine' else 'the reference'} " \
            f"lesson-12 client)"
    return scene.placement_of(module, title), client


def _is_starter(path: Path) -> bool:
    starter = manifest.LESSONS_DIR / SLUG / ".starter" / MODULE
    return starter.is_file() and path.is_file() and path.read_bytes() == starter.read_bytes()


def _where(error: BaseException, path: Path) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if Path(f.filename).resolve() == path.resolve()]
    place = f"  {_shown(path)}, line {frames[-1].lineno}, in {frames[-1].name}\n" if frames else ""
    return f"{place}  {type(error).__name__}: {error}"


