"""Lesson 2's classification, not extended: a body cut short (ChunkedEncodingError) is neither retried nor counted."""
from harness.derive import rewrite

CAUGHT_BY = ['test_retries_a_reset_before_and_after_the_headers', 'test_broken_bodies_and_timeouts_count_for_the_breaker']
rewrite(globals(), __file__,
        ('    return isinstance(outcome, (requests.ConnectionError, requests.Timeout,\n                                requests.exceptions.ChunkedEncodingError))',
         '    return isinstance(outcome, (requests.ConnectionError, requests.Timeout))'))
