"""Calls listeners without any try: a listener's error replaces the caller's result."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_raising_listener_never_changes_what_callers_get",
             "test_a_raising_listener_never_aborts_a_transition",
             "test_other_listeners_still_run"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _notify(self, callback, *args):
        callback(*args)  # the misconception: a listener cannot fail
