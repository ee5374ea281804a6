"""Honours Retry-After on every 5xx and 429, not only on 429 and 503."""
from harness.derive import rewrite

CAUGHT_BY = ["test_retry_after_counts_only_on_429_and_503"]
rewrite(globals(), __file__,
        ("RETRY_AFTER_STATUSES = frozenset({429, 503})",
         "RETRY_AFTER_STATUSES = frozenset({429, *range(500, 600)})"))
