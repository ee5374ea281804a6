"""Reads Retry-After on 413, 429 and 503, as urllib3's Retry does; the README: 429 and 503."""
from harness.derive import rewrite

CAUGHT_BY = ["test_retry_after_counts_only_on_429_and_503"]
rewrite(globals(), __file__,
        ("RETRY_AFTER_STATUSES = frozenset({429, 503})",
         "RETRY_AFTER_STATUSES = frozenset({413, 429, 503})  # urllib3: Retry.RETRY_AFTER_STATUS_CODES"))
