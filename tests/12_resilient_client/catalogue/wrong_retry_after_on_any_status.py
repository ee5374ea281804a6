"""Honours a Retry-After header on any status (here a 500), where only a 429 or 503 asks for a wait."""
from harness.derive import rewrite

CAUGHT_BY = ['test_retry_after_is_honoured_within_the_deadline']
rewrite(globals(), __file__,
        ('        asked = retry_after_seconds(outcome, self._wall_clock)',
         '        asked = any_retry_after(outcome, self._wall_clock)'))


def any_retry_after(outcome, wall_clock):
    header = getattr(outcome, "headers", {}).get("Retry-After")
    try:
        return float(header)
    except (TypeError, ValueError):
        return retry_after_seconds(outcome, wall_clock)
