"""How a check says what went wrong, in the lesson's words.

Every failing check tells the learner three things (CURRICULUM §2): the scenario, what was
expected and what was observed, plus a timeline of calls where it helps::

    scenario = Scenario("the users service fails every call with 503; retry(fetch, attempts=3)")
    outcome = scenario.run(lambda: impl.retry(fetch, attempts=3))
    scenario.expect(users.call_count == 3,
                    expected="3 calls reach the service",
                    observed=f"{users.call_count} calls reached it",
                    timeline=users.timeline())
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


class CheckFailed(AssertionError):
    """A check's verdict, carrying its explanation for the report."""

    def __init__(self, scenario: str, expected: str, observed: str,
                 timeline: str | None = None) -> None:
        self.scenario = scenario
        self.expected = expected
        self.observed = observed
        self.timeline = timeline
        super().__init__(f"{scenario}: expected {expected}, observed {observed}")


def fail(scenario: str, expected: str, observed: str, timeline: str | None = None) -> None:
    """Fail the current check with an explanation."""
    raise CheckFailed(scenario, expected, observed, timeline)


@dataclass
class Outcome:
    """What a call into the learner's code did: returned a value or raised an exception."""

    value: Any = None
    error: BaseException | None = None

    @property
    def returned(self) -> bool:
        return self.error is None

    def raised(self, kind: type[BaseException] | tuple[type[BaseException], ...] = BaseException
               ) -> bool:
        return self.error is not None and isinstance(self.error, kind)

    def __str__(self) -> str:
        if self.error is not None:
            text = str(self.error)
            if len(text) > 120:
                text = text[:117] + "..."
            return f"raised {type(self.error).__name__}({text!r})" if text else \
                f"raised {type(self.error).__name__}"
        text = repr(self.value)
        if len(text) > 120:
            text = text[:117] + "..."
        return f"returned {text}"


class Scenario:
    """One situation a check sets up, named in words the learner can follow."""

    def __init__(self, description: str) -> None:
        self.description = description

    def run(self, action: Callable[[], Any]) -> Outcome:
        """Run ``action`` and capture what it returned or raised.

        ``NotImplementedError`` is not captured: it means the learner has not written this
        part yet, and the report says so instead of judging the outcome. Nor is
        ``MemoryError``: running out of memory is never an outcome a check asks for, and the
        report names it directly.
        """
        try:
            return Outcome(value=action())
        except (NotImplementedError, MemoryError):
            raise
        except Exception as exc:  # the learner's code may raise anything; we judge it
            return Outcome(error=exc)

    def expect(self, condition: bool, *, expected: str, observed: str,
               timeline: str | None = None) -> None:
        """Fail the check unless ``condition`` holds."""
        if not condition:
            raise CheckFailed(self.description, expected, observed, timeline)

    def fail(self, *, expected: str, observed: str, timeline: str | None = None) -> None:
        raise CheckFailed(self.description, expected, observed, timeline)
