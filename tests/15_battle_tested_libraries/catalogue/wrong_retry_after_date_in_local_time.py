"""Reads a Retry-After date with time.mktime(email.utils.parsedate(...)): local time, off by the machine's time zone (right only on a machine set to UTC)."""

import time
from email.utils import parsedate

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_honours_retry_after_as_an_http_date"]
reference = inherit(globals(), __file__)


def retry_after_seconds(outcome, wall_clock):
    response = _response_of(outcome)
    if response is not None and response.status_code in RETRY_AFTER_STATUSES:
        value = (response.headers.get("Retry-After") or "").strip()
        if value and not _DELAY_SECONDS.fullmatch(value):
            parsed = parsedate(value)
            return None if parsed is None else max(0.0, time.mktime(parsed) - wall_clock())
    return reference.retry_after_seconds(outcome, wall_clock)


class RetryAfterOr(reference.RetryAfterOr):
    def __call__(self, retry_state):
        asked = retry_after_seconds(_outcome(retry_state), self._wall_clock)
        return asked if asked is not None else self._fallback(retry_state)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=RetryAfterOr(full_jitter, wall_clock=wall_clock),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
