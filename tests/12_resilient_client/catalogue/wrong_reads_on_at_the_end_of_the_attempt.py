"""Goes on reading when the attempt's time is exactly up (left < 0 where time up means left <= 0)."""
from harness.derive import rewrite

CAUGHT_BY = ['test_time_is_up_at_the_very_end']
rewrite(globals(), __file__,
        ('            if left <= 0:\n',
         '            if left < 0:\n'))
