"""Retries only the usual 5xx (500, 502, 503, 504) and 429: a 501 or a 599 is not retried."""
from harness.derive import rewrite

CAUGHT_BY = ['test_retries_transient_statuses_until_success']
rewrite(globals(), __file__,
        ('    return status == 429 or 500 <= status <= 599',
         '    return status in (429, 500, 502, 503, 504)'))
