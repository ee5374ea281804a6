"""Treats every requests exception as transient: a body that cannot be decoded is retried and falls back."""
from harness.derive import rewrite

CAUGHT_BY = ['test_undecodable_body_is_not_retried']
rewrite(globals(), __file__,
        ('    return isinstance(outcome, (requests.ConnectionError, requests.Timeout,\n                                requests.exceptions.ChunkedEncodingError))',
         '    return isinstance(outcome, requests.RequestException)'))
