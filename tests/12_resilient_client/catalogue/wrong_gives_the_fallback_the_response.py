"""Hands the fallback the last 503 response itself instead of its HTTPError."""
from harness.derive import rewrite

CAUGHT_BY = ['test_fallback_on_every_kind_of_unavailability']
rewrite(globals(), __file__,
        ('            return self._fall_back(_http_error(response), url)',
         '            return self._fall_back(response, url)'))
