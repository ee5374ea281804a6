"""Always makes the first attempt, even when the deadline is already spent."""
from harness.derive import rewrite

CAUGHT_BY = ['test_spent_deadline_makes_no_call']
rewrite(globals(), __file__,
        ('            if deadline_at - now < self._min_attempt_time:  # too little time to try (again)',
         '            if k > 0 and deadline_at - now < self._min_attempt_time:'),
        ('            ends_at = min(now + self._attempt_timeout, deadline_at)',
         '            ends_at = max(min(now + self._attempt_timeout, deadline_at), now + 0.05)'))
