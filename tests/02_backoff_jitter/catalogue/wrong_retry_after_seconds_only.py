"""Reads Retry-After only as seconds; an HTTP-date falls back to backoff."""
from harness.derive import rewrite

CAUGHT_BY = ["test_honours_retry_after_as_an_http_date"]
rewrite(globals(), __file__)  # then replaces retry_after_seconds for every caller:


def retry_after_seconds(outcome, wall_clock):
    response = _response_of(outcome)
    if response is None or response.status_code not in RETRY_AFTER_STATUSES:
        return None
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if _DELAY_SECONDS.fullmatch(value) else None  # a date: never parsed
