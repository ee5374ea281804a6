"""The hidden grader's machinery, shared by every lesson's checks.

* ``checks``: how a check states a failure (scenario, expected, observed, timeline);
* ``variants``: the implementations a lesson's checks can run against (the learner's, the
  reference, the starter, and the misconception catalogue);
* ``loader``: importing one implementation file in isolation;
* ``guards``: no real sleeps and no network while grading;
* ``explain``: turning whatever a check raised into words for the learner;
* ``plugin``: the pytest hooks and fixtures that tie these together.
"""

from .checks import CheckFailed, Outcome, Scenario, fail

__all__ = ["CheckFailed", "Outcome", "Scenario", "fail"]
