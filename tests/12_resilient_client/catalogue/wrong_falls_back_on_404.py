"""Falls back on every answer that is not ok, a 404 included."""
from harness.derive import rewrite

CAUGHT_BY = ['test_answers_are_not_retried', 'test_no_fallback_for_answers']
rewrite(globals(), __file__,
        ('if self._fallback is not None and is_transient(response):',
         'if self._fallback is not None and not response.ok:'))
