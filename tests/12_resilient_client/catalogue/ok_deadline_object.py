"""Correct, built differently: a Deadline object, recursive retries and outcomes as values."""
from harness.derive import rewrite

ACCEPTED = True

rewrite(globals(), __file__, source="starter")

_TRANSIENT_ERRORS = (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                     requests.exceptions.ChunkedEncodingError)


def is_transient(outcome):
    response = outcome if isinstance(outcome, requests.Response) else \
        getattr(outcome, "response", None) if isinstance(outcome, requests.HTTPError) else None
    if response is not None:
        return response.status_code == 429 or 500 <= response.status_code < 600
    return isinstance(outcome, _TRANSIENT_ERRORS)


class Deadline:
    """A point in time on an injected clock."""

    def __init__(self, clock, seconds):
        self.clock, self.seconds, self.at = clock, seconds, clock() + seconds

    def left(self):
        return self.at - self.clock()

    def passed(self):
        return self.left() <= 0


class ResilientClient:
    def __init__(self, *, registry, budget, fallback=None, deadline=2.0, attempt_timeout=0.5,
                 max_attempts=3, min_attempt_time=0.01, backoff=full_jitter_backoff(),
                 session=None, clock=time.monotonic, sleep=time.sleep, wall_clock=time.time):
        numbers = {"deadline": deadline, "attempt_timeout": attempt_timeout,
                   "min_attempt_time": min_attempt_time}
        for name, value in numbers.items():
            if type(value) not in (int, float) or value <= 0:
                raise ValueError(f"{name}: {value!r}")
        if type(max_attempts) is not int or max_attempts < 1:
            raise ValueError(f"max_attempts: {max_attempts!r}")
        self.registry, self.budget, self.fallback = registry, budget, fallback
        self.deadline, self.attempt_timeout = deadline, attempt_timeout
        self.max_attempts, self.min_attempt_time = max_attempts, min_attempt_time
        self.backoff, self.clock, self.sleep, self.wall_clock = backoff, clock, sleep, wall_clock
        if session is None:
            session = requests.Session()
        self.session = session

    def get(self, url, *, deadline=None):
        limit = Deadline(self.clock, self.deadline if deadline is None else deadline)
        kind, value = self.attempts(url, limit, number=1)
        if kind == "answer":
            return value
        if kind == "raise":
            raise value  # not transient: the caller's to see, never the fallback's
        if self.fallback is None:
            if kind == "unserved":
                raise value
            return value  # the last failed response, as it is
        if kind == "response":
            try:
                value.raise_for_status()
            except requests.HTTPError as error:
                value = error
        try:
            return self.fallback(value, url)
        except Exception as problem:
            raise FallbackFailed(value, problem) from problem

    def attempts(self, url, limit, number, last_error=None):
        """("answer", response) | ("response", failed response) | ("raise", error) |
        ("unserved", error the fallback may answer)"""
        if limit.left() < self.min_attempt_time:
            return "unserved", self.too_late(limit, url, last_error)
        started = self.clock()
        until = min(started + self.attempt_timeout, limit.at)
        try:
            outcome = self.registry.for_url(url).call(self.fetch, url, until - started, until)
        except CircuitOpenError as rejected:
            return "unserved", rejected
        except Exception as error:
            outcome = error
        if not is_transient(outcome):
            self.budget.record_success()
            if isinstance(outcome, Exception):
                return "raise", outcome
            return "answer", outcome
        self.budget.record_failure()
        error = outcome if isinstance(outcome, Exception) else None
        if limit.passed():
            return "unserved", self.too_late(limit, url, error)
        if number == self.max_attempts or not self.budget.can_retry():
            if isinstance(outcome, Exception):
                return "unserved", outcome
            return "response", outcome
        pause = retry_after_seconds(outcome, self.wall_clock)
        pause = self.backoff(number - 1) if pause is None else pause
        if limit.left() - pause < self.min_attempt_time:
            return "unserved", self.too_late(limit, url, error)
        self.sleep(pause)
        return self.attempts(url, limit, number + 1, error)

    @staticmethod
    def too_late(limit, url, last_error):
        out = DeadlineExceeded(limit.seconds, url)
        out.__cause__ = last_error
        return out

    def fetch(self, url, timeout, until):
        response = self.session.get(url, timeout=(timeout, timeout), stream=True)
        received = []
        while True:
            remaining = until - self.clock()
            if remaining <= 0:
                response.close()
                raise requests.exceptions.Timeout(f"{url}: body still arriving at the end")
            try:
                data = read_some(response, remaining)
            except Exception:
                response.close()
                raise
            if not data:
                return with_body(response, b"".join(received))
            received.append(data)
