"""Correct, built differently: a Decimal bucket behind a threading.Condition, handed out as
float; lesson 2's retry rewritten as a break-out loop."""

from decimal import Decimal
import threading

from harness.derive import rewrite

ACCEPTED = True
# The starter's handed-over part (lesson 2's is_transient, full_jitter, retry_after_seconds);
# the bucket and the loop below are this entry's own.
rewrite(globals(), __file__, source="starter")


class RetryBudget:
    """A Decimal bucket behind a Condition; tokens handed out as float."""

    def __init__(self, max_tokens=10, token_ratio=0.1):
        if max_tokens <= 0 or token_ratio <= 0:
            raise ValueError("positive settings only")
        self.max_tokens = max_tokens
        self.token_ratio = token_ratio
        self._max = Decimal(repr(max_tokens))
        self._ratio = Decimal(repr(token_ratio))
        self._level = self._max
        self._cond = threading.Condition()

    @property
    def tokens(self):
        with self._cond:
            return float(self._level)

    def can_retry(self):
        with self._cond:
            return self._level > self._max / 2

    def record_failure(self):
        with self._cond:
            self._level -= 1
            if self._level < 0:
                self._level = Decimal(0)

    def record_success(self):
        with self._cond:
            self._level += self._ratio
            if self._level > self._max:
                self._level = self._max


def retry(func: Callable[[], Any], *, attempts: int = 3, budget=None, base_delay: float = 0.1,
          max_delay: float = 10.0, sleep: Callable[[float], None] = time.sleep,
          random: Callable[[], float] = random.random,
          should_retry: Callable[[object], bool] = is_transient,
          wall_clock: Callable[[], float] = time.time) -> Any:
    if attempts < 1 or base_delay < 0 or max_delay < 0:
        raise ValueError("bad settings")
    for k in range(attempts):
        try:
            outcome = func()
            raised = False
        except Exception as error:
            outcome = error
            raised = True
        transient = should_retry(outcome)
        if budget is not None:
            if transient:
                budget.record_failure()
            else:
                budget.record_success()
        if not transient or k == attempts - 1:
            break
        if budget is not None and not budget.can_retry():
            break
        asked = retry_after_seconds(outcome, wall_clock)
        if asked is not None:
            if asked > max_delay:
                break
            wait = asked
        else:
            wait = full_jitter(k, base_delay=base_delay, max_delay=max_delay, random=random)
        sleep(wait)
    if raised:
        raise outcome
    return outcome
