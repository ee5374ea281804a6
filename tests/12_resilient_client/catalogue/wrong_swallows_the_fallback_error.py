"""Returns None when the fallback fails too, instead of raising FallbackFailed with both causes."""
from harness.derive import rewrite

CAUGHT_BY = ['test_failing_fallback_raises_both_causes']
rewrite(globals(), __file__,
        ('            raise FallbackFailed(error, fallback_error) from fallback_error',
         '            return None'))
