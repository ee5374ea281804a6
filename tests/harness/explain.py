"""Turn whatever a check raised into a few lines the learner can act on.

The result is a list of ``(label, text)`` pairs; an empty label is a headline. The runner's
report prints them under the failing check. No pytest traceback unless asked for (``V=1``).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from .checks import CheckFailed
from .guards import NetworkBlocked, RealSleepError
from .loader import MissingName

Explanation = list[tuple[str, str]]


def timed_out(error: BaseException) -> bool:
    """Whether a check was stopped by its time limit (pytest-timeout's signal method)."""
    return type(error).__name__ == "Failed" and str(error).startswith("Timeout")


def explain(error: BaseException, graded_file: Path | None, root: Path) -> Explanation:
    shown = _shown(graded_file, root) if graded_file else "your module"
    if isinstance(error, CheckFailed):
        lines = [("scenario", error.scenario), ("expected", error.expected),
                 ("observed", error.observed)]
        if error.timeline:
            lines.append(("timeline", error.timeline))
        return lines
    where = _learner_frame(error.__traceback__, graded_file, root)
    if isinstance(error, NotImplementedError):
        # The stub's own words name the missing piece best: NotImplementedError("call").
        name = str(error) or (where[1] if where else "a function")
        place = f" ({where[0]})" if where else ""
        return [("", f"not implemented yet: {name}{place}")]
    if isinstance(error, MissingName):
        return [("", str(error))]
    if isinstance(error, RealSleepError):
        return [("", str(error) + (f" ({where[0]})" if where else ""))]
    if isinstance(error, NetworkBlocked):
        return [("", str(error))]
    if timed_out(error):
        stuck = f"; your code was at {where[0]}, in {where[1]}" if where else ""
        return [("", f"timed out: the check did not finish within its time limit{stuck}. "
                     f"An infinite loop, a deadlock, or a wait that never ends?")]
    if isinstance(error, MemoryError):
        place = f" ({where[0]}, in {where[1]})" if where else ""
        return [("", f"your code ran out of memory{place}: the grader caps the memory one "
                     f"grading may use. A list or dict that grows without bound?")]
    message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if where:
        return [("", f"your code raised {message}"), ("where", f"{where[0]}, in {where[1]}")]
    if isinstance(error, AssertionError):
        return [("", message)]
    return [("", f"the check stopped on {message} (not inside {shown})")]


def learner_frame(error: BaseException, graded_file: Path | None,
                  root: Path) -> tuple[str, str] | None:
    """``("path, line N", function)``: where in the graded file ``error`` was raised."""
    return _learner_frame(error.__traceback__, graded_file, root)


def _learner_frame(tb: TracebackType | None, graded_file: Path | None,
                   root: Path) -> tuple[str, str] | None:
    """``("path, line N", function)`` of the innermost frame in the graded file."""
    if tb is None or graded_file is None:
        return None
    target = str(graded_file.resolve())
    found = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == target:
            found = (f"{_shown(graded_file, root)}, line {tb.tb_lineno}", code.co_qualname)
        tb = tb.tb_next
    return found


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
