"""Turns the last 503 response into an HTTPError when there is no fallback."""
from harness.derive import rewrite

CAUGHT_BY = ['test_gives_up_after_max_attempts']
rewrite(globals(), __file__,
        ('        if self._fallback is not None and is_transient(response):  # the last try said 5xx/429\n',
         '        if self._fallback is None and is_transient(response):\n            raise _http_error(response)\n        if self._fallback is not None and is_transient(response):\n'))
