"""The pytest side of the grader: which implementation a check runs against, and verdicts.

Two modes, one set of checks:

* **grading** (``--kata-impl DIR``, what ``make check`` uses): the ``impl`` fixture is the
  learner's module from ``DIR/NN_slug/<module>.py``; each failure gets an explanation in
  the lesson's words (``report.kata_explanation``) for the runner's report.
* **audit** (no option, what ``make test`` uses): every check that asks for ``impl`` runs
  against the reference, the starter and the catalogue (see ``variants``). For a variant that
  must fail, the verdict is inverted: the check *passes* when it rejects the variant, and
  fails, saying so, when a wrong implementation or the starter gets through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from fake_services import FakeClock, FakeNetwork
from kata import manifest

from . import guards, loader
from .explain import explain, timed_out
from .variants import LEARNER, STARTER, Variant, audit_variants

_CLEAN_STARTER_ERRORS = (NotImplementedError, AssertionError, loader.MissingName)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--kata-impl", metavar="DIR", default=None,
                     help="grade the lesson modules in DIR (laid out like lessons/)")


def pytest_configure(config: pytest.Config) -> None:
    guards.install()
    config.addinivalue_line("markers", "audit_only: a check of the grader itself")


def _impl_dir(config: pytest.Config) -> Path | None:
    value = config.getoption("--kata-impl")
    return Path(value).resolve() if value else None


def lesson_of(path: Path) -> manifest.Lesson:
    for parent in path.parents:
        lesson = manifest.by_slug(parent.name)
        if lesson is not None:
            return lesson
    raise LookupError(f"{path} is not inside a lesson's test folder")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "impl" not in metafunc.fixturenames:
        return
    lesson = lesson_of(metafunc.definition.path)
    impl_dir = _impl_dir(metafunc.config)
    if impl_dir is not None:
        variants = [Variant(LEARNER, "learner", lesson.learner_file(impl_dir))]
    else:
        check = metafunc.definition.originalname
        variants = [v for v in audit_variants(lesson) if v.applies_to(check)]
    params = [v for v in variants for _ in v.ids()]
    ids = [i for v in variants for i in v.ids()]
    metafunc.parametrize("impl", params, ids=ids, indirect=True)


@pytest.fixture
def impl(request: pytest.FixtureRequest) -> loader.LearnerModule:
    """The module under grading (the learner's, or in the audit one variant)."""
    variant: Variant = request.param
    module = loader.load(variant.path)
    return loader.LearnerModule(module, _shown(variant.path))


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    """A fresh fake monotonic clock at t=0.

    While a check uses it, graded code that waits for real is stopped at once with a message
    naming the call, and a read of the real clock is named under the check if it fails
    (``guards.fake_time``).
    """
    with guards.fake_time():
        yield FakeClock()


@pytest.fixture
def network(clock: FakeClock) -> Iterator[FakeNetwork]:
    """Fake services reachable with ``requests`` for the duration of the check."""
    with FakeNetwork(clock) as net:
        yield net


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item,
                              call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    variant = _variant_of(item)
    if variant is None:
        return report
    report.kata_name = check_name(item)
    if report.when != "call":
        return report
    if variant.kind == LEARNER:
        if report.failed and call.excinfo is not None:
            report.kata_explanation = explain(call.excinfo.value, variant.path, manifest.ROOT)
            report.kata_timed_out = timed_out(call.excinfo.value)
            if guards.real_clock_read is not None:
                report.kata_explanation.append(("note", real_clock_note(guards.real_clock_read)))
        return report
    if variant.must_fail:
        _invert(report, call, variant)
    return report


def real_clock_note(read: tuple[str, str]) -> str:
    call, where = read
    try:
        path, line = where.rsplit(", ", 1)
        where = f"{Path(path).resolve().relative_to(manifest.ROOT)}, {line}"
    except ValueError:
        pass
    return (f"your code read the real clock, {call} ({where}), while this check runs on a fake "
            f"one: read the injected `clock` instead (the check moves it; the real clock "
            f"barely moves during a check)")


def _invert(report: pytest.TestReport, call: pytest.CallInfo[None], variant: Variant) -> None:
    """In the audit, a check passes when it rejects a variant that must be rejected."""
    if report.passed:
        report.outcome = "failed"
        report.longrepr = (f"{variant.label()} passed this check, but it must be rejected "
                           f"by it")
        return
    error = call.excinfo.value if call.excinfo else None
    if variant.kind == STARTER and not isinstance(error, _CLEAN_STARTER_ERRORS):
        report.longrepr = (f"the untouched starter failed this check with "
                           f"{type(error).__name__}: {error}; a starter must fail cleanly "
                           f"(NotImplementedError or a check's verdict)")
        return
    report.outcome = "passed"
    report.longrepr = None


def _variant_of(item: pytest.Item) -> Variant | None:
    callspec = getattr(item, "callspec", None)
    value = callspec.params.get("impl") if callspec else None
    return value if isinstance(value, Variant) else None


def check_name(item: pytest.Item) -> str:
    """The check's one-line plain name: the first line of its docstring."""
    function = getattr(item, "function", None)
    doc = (function.__doc__ or "").strip() if function else ""
    return doc.splitlines()[0] if doc else item.name.replace("_", " ")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(manifest.ROOT))
    except ValueError:
        return str(path)
