"""Accepts a zero or negative deadline, attempt_timeout, min_attempt_time or max_attempts."""
from harness.derive import rewrite

CAUGHT_BY = ['test_rejects_bad_settings']
rewrite(globals(), __file__,
        ('        _require_seconds("deadline", deadline)\n        _require_seconds("attempt_timeout", attempt_timeout)\n        _require_seconds("min_attempt_time", min_attempt_time)\n        _require_positive_int("max_attempts", max_attempts)\n',
         ''))
