"""The fallback sits outside the deadline: a get that ran out of time raises DeadlineExceeded despite the fallback."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_error_and_fallback', 'test_spent_deadline_makes_no_call', 'test_never_sleeps_past_the_deadline']
rewrite(globals(), __file__,
        ('    return isinstance(error, (CircuitOpenError, DeadlineExceeded)) or is_transient(error)',
         '    return isinstance(error, CircuitOpenError) or is_transient(error)'))
