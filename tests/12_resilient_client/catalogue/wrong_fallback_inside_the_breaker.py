"""The fallback answers inside the breaker's call: every failure looks like a success, so the breaker never opens."""
from harness.derive import rewrite

CAUGHT_BY = ['test_dead_service_gets_only_trials']
rewrite(globals(), __file__)

_Reference = ResilientClient


class ResilientClient(_Reference):
    def _attempt(self, url, timeout, ends_at):
        try:
            response = super()._attempt(url, timeout, ends_at)
        except Exception as error:
            if self._fallback is None or not is_transient(error):
                raise
            return self._fallback(error, url)
        if self._fallback is not None and is_transient(response):
            return self._fallback(_http_error(response), url)
        return response
