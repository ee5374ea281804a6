"""Correct, built differently: a pipeline of small layers, each a function wrapping the next."""
from dataclasses import dataclass

from harness.derive import rewrite

ACCEPTED = True

# The handed-over half of the starter, as a learner has it; only the lesson's part below is
# written anew (from the README alone).
rewrite(globals(), __file__, source="starter")


def is_transient(outcome):
    status = None
    if isinstance(outcome, requests.Response):
        status = outcome.status_code
    elif isinstance(outcome, requests.HTTPError) and outcome.response is not None:
        status = outcome.response.status_code
    if status is not None:
        return status == 429 or status >= 500
    transport = (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                 requests.exceptions.ChunkedEncodingError)
    return isinstance(outcome, transport)


@dataclass(frozen=True)
class Call:
    """One get as it travels down the layers."""
    url: str
    seconds: float
    deadline_at: float


@dataclass(frozen=True)
class Attempt:
    call: Call
    timeout: float
    ends_at: float


class GiveUp(Exception):
    """Inside the pipeline: the deadline ended the call."""


def check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")


class ResilientClient:
    def __init__(self, *, registry, budget, fallback=None, deadline=2.0, attempt_timeout=0.5,
                 max_attempts=3, min_attempt_time=0.01, backoff=full_jitter_backoff(),
                 session=None, clock=time.monotonic, sleep=time.sleep, wall_clock=time.time):
        for name, value in (("deadline", deadline), ("attempt_timeout", attempt_timeout),
                            ("min_attempt_time", min_attempt_time)):
            check_positive(name, value)
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise ValueError(f"max_attempts must be an int >= 1, got {max_attempts!r}")
        self.default_deadline = deadline
        self.clock = clock
        session = session or requests.Session()
        transport = self.transport(session, clock)
        timed = self.timeouts(transport)
        guarded = self.breakers(timed, registry)
        retried = self.retries(guarded, budget, max_attempts, attempt_timeout,
                               min_attempt_time, backoff, sleep, wall_clock, clock)
        self.pipeline = self.fallbacks(retried, fallback)

    def get(self, url, *, deadline=None):
        seconds = self.default_deadline if deadline is None else deadline
        return self.pipeline(Call(url, seconds, self.clock() + seconds))

    # -- the layers, innermost last ------------------------------------------------------

    @staticmethod
    def fallbacks(inner, fallback):
        def serve(call):
            try:
                response = inner(call)
            except CircuitOpenError as error:
                reason = error
            except DeadlineExceeded as error:
                reason = error
            except Exception as error:
                if not is_transient(error):
                    raise
                reason = error
            else:
                if not is_transient(response) or fallback is None:
                    return response
                try:
                    response.raise_for_status()
                except requests.HTTPError as error:
                    reason = error
            if fallback is None:
                raise reason
            try:
                return fallback(reason, call.url)
            except Exception as problem:
                raise FallbackFailed(reason, problem) from problem
        return serve

    @staticmethod
    def retries(inner, budget, max_attempts, attempt_timeout, min_attempt_time, backoff,
                sleep, wall_clock, clock):
        def out_of_time(call, cause):
            error = DeadlineExceeded(call.seconds, call.url)
            error.__cause__ = cause if isinstance(cause, Exception) else None
            return error

        def retry(call):
            attempt = 0
            outcome = None
            while True:
                now = clock()
                remaining = call.deadline_at - now
                if remaining < min_attempt_time:
                    raise out_of_time(call, outcome)
                ends_at = now + min(attempt_timeout, remaining)
                try:
                    outcome = inner(Attempt(call, ends_at - now, ends_at))
                except CircuitOpenError:
                    raise
                except Exception as error:
                    outcome = error
                failed = is_transient(outcome)
                (budget.record_failure if failed else budget.record_success)()
                attempt += 1
                if failed and clock() >= call.deadline_at:
                    raise out_of_time(call, outcome)
                if not failed or attempt >= max_attempts or not budget.can_retry():
                    if isinstance(outcome, Exception):
                        raise outcome
                    return outcome
                pause = retry_after_seconds(outcome, wall_clock)
                if pause is None:
                    pause = backoff(attempt - 1)
                if call.deadline_at - clock() - pause < min_attempt_time:
                    raise out_of_time(call, outcome)
                sleep(pause)
        return retry

    @staticmethod
    def breakers(inner, registry):
        def guard(attempt):
            return registry.for_url(attempt.call.url).call(inner, attempt)
        return guard

    @staticmethod
    def timeouts(inner):
        def limit(attempt):
            return inner(attempt.call.url, attempt.timeout, attempt.ends_at)
        return limit

    @staticmethod
    def transport(session, clock):
        def fetch(url, timeout, ends_at):
            response = session.get(url, timeout=(timeout, timeout), stream=True)
            pieces = []
            try:
                while True:
                    budget_left = ends_at - clock()
                    if budget_left <= 0:
                        raise requests.exceptions.ReadTimeout("body too slow")
                    piece = read_some(response, budget_left)
                    if piece == b"":
                        break
                    pieces.append(piece)
            except BaseException:
                response.close()
                raise
            return with_body(response, b"".join(pieces))
        return fetch
