"""Falls back on a last 5xx only: an exhausted 429 is returned as it is despite the fallback."""
from harness.derive import rewrite

CAUGHT_BY = ['test_fallback_on_every_kind_of_unavailability']
rewrite(globals(), __file__,
        ('        if self._fallback is not None and is_transient(response):',
         '        if self._fallback is not None and response.status_code >= 500:'))
