"""Retries inside one breaker call: the breaker sees 1 outcome per 3 attempts and opens 3× too late."""
from harness.derive import rewrite

CAUGHT_BY = ['test_breaker_sees_every_attempt', 'test_dead_service_gets_only_trials']
rewrite(globals(), __file__,
        ('outcome: object = breaker.call(self._attempt, url, ends_at - now, ends_at)',
         'outcome: object = self._attempt(url, ends_at - now, ends_at)'))

_Reference = ResilientClient


class ResilientClient(_Reference):
    def _with_retries(self, url, deadline_at, seconds):
        # The misconception: the whole retry loop is one call of the breaker.
        return self._registry.for_url(url).call(super()._with_retries, url, deadline_at,
                                                seconds)
