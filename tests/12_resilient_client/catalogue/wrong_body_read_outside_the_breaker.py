"""Only session.get runs inside the breaker; the body is read after it, so a body cut short or too slow is never a failure."""
from harness.derive import rewrite

CAUGHT_BY = ['test_broken_bodies_and_timeouts_count_for_the_breaker']
rewrite(globals(), __file__,
        ('outcome: object = breaker.call(self._attempt, url, ends_at - now, ends_at)',
         'outcome: object = self._attempt_outside(breaker, url, ends_at - now, ends_at)'))

_Reference = ResilientClient


class ResilientClient(_Reference):
    def _attempt_outside(self, breaker, url, timeout, ends_at):
        response = breaker.call(self._session.get, url, timeout=(timeout, timeout),
                                stream=True)
        try:
            return with_body(response, self._read_body(response, ends_at))
        except BaseException:
            response.close()
            raise
