"""Correct, built differently: collections.Counter counted as each event is made (under an
RLock), listeners in a list under a lock of their own and copied to publish."""
import collections as _collections
import time

from harness.derive import inherit

ACCEPTED = True

# The given parts (State, Event, Metrics, CircuitOpenError, the lesson-10 registry) come
# from the starter; the breaker, status_line and status_lines are written from the README.
starter = inherit(globals(), __file__, source="starter")


class CircuitBreaker:
    """Design: collections.Counter of outcomes, a list of listeners under its own lock (copied
    when publishing), an internal 'own listener' that counts each event as it is created
    (under the breaker's lock), and a context manager for the lock-then-publish pattern."""

    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 half_open_max_calls=1, exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 name="breaker", clock=time.monotonic):
        for label, value in (("failure_threshold", failure_threshold),
                             ("success_threshold", success_threshold),
                             ("half_open_max_calls", half_open_max_calls)):
            _require_positive_int(label, value)
        if isinstance(recovery_timeout, bool) or not isinstance(recovery_timeout, (int, float)) \
                or recovery_timeout < 0:
            raise ValueError("recovery_timeout must be >= 0")
        self.name = name
        self._cfg = dict(failure_threshold=failure_threshold, recovery_timeout=float(recovery_timeout),
                         success_threshold=success_threshold, half_open_max_calls=half_open_max_calls)
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._on_state_change = on_state_change
        self._clock = clock
        self._lock = threading.RLock()
        self._listeners_lock = threading.Lock()
        self._listeners = []
        self._counts = _collections.Counter()
        self._state = State.CLOSED
        self._since = clock()
        self._gen = 0
        self._consecutive = 0
        self._trial_ok = 0
        self._in_flight = 0
        self._opened_at = 0.0

    # -- views
    @property
    def state(self):
        with self._lock:
            return self._state

    @property
    def failure_count(self):
        with self._lock:
            return self._consecutive

    def add_listener(self, listener):
        with self._listeners_lock:
            self._listeners.append(listener)

    def metrics(self):
        with self._lock:
            c = self._counts
            judged = c[SUCCESS] + c[FAILURE]
            rate = (c[FAILURE] / judged * 100) if judged else 0.0
            return Metrics(c[SUCCESS] + c[FAILURE] + c[IGNORED], c[SUCCESS], c[FAILURE],
                           c[REJECTED], c[IGNORED], rate, self._state,
                           self._clock() - self._since)

    def __call__(self, func):
        @functools.wraps(func)
        def guarded(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return guarded

    # -- emission
    def _emit(self, out, kind, now, **fields):
        event = Event(kind, self.name, now, **fields)
        if kind != STATE_CHANGE:
            self._counts[kind] += 1          # the breaker's own listener, under the lock
        out.append(event)

    def _flush(self, out):
        with self._listeners_lock:
            listeners = list(self._listeners)
        for event in out:
            receivers = listeners
            if event.kind == STATE_CHANGE and self._on_state_change is not None:
                receivers = [lambda e: self._on_state_change(e.from_state, e.to_state), *listeners]
            for receiver in receivers:
                try:
                    receiver(event)
                except Exception as problem:
                    logger.warning("breaker %s: listener failed on %s: %r", self.name,
                                   event.kind, problem, exc_info=True)

    # -- calls
    def call(self, func, *args, **kwargs):
        out = []
        with self._lock:
            now = self._clock()
            ticket = self._try_admit(now, out)
            if ticket is None:
                rejection = CircuitOpenError(self.name, self._remaining(now))
                self._emit(out, REJECTED, now, error=rejection)
        self._flush(out)
        if ticket is None:
            raise rejection
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._finish(ticket, not isinstance(error, self._exclude) and self._is_failure(error), error)
            raise
        except BaseException as error:
            out = []
            with self._lock:
                self._emit(out, IGNORED, self._clock(), error=error)
                if ticket.trial and ticket.generation == self._gen:
                    self._in_flight -= 1
            self._flush(out)
            raise
        self._finish(ticket, self._is_failure_result(result), None)
        return result

    def _try_admit(self, now, out):
        if self._state is State.OPEN and now - self._opened_at >= self._cfg["recovery_timeout"]:
            self._go(State.HALF_OPEN, now, out)
        if self._state is State.CLOSED:
            return _Ticket(self._gen, False)
        if self._state is State.HALF_OPEN and self._in_flight < self._cfg["half_open_max_calls"]:
            self._in_flight += 1
            return _Ticket(self._gen, True)
        return None

    def _finish(self, ticket, failed, error):
        out = []
        with self._lock:
            now = self._clock()
            self._emit(out, FAILURE if failed else SUCCESS, now, error=error)
            if ticket.generation == self._gen:
                if self._state is State.CLOSED:
                    self._consecutive = self._consecutive + 1 if failed else 0
                    if self._consecutive >= self._cfg["failure_threshold"]:
                        self._go(State.OPEN, now, out)
                elif self._state is State.HALF_OPEN:
                    self._in_flight -= 1
                    if failed:
                        self._go(State.OPEN, now, out)
                    else:
                        self._trial_ok += 1
                        if self._trial_ok >= self._cfg["success_threshold"]:
                            self._go(State.CLOSED, now, out)
        self._flush(out)

    def _go(self, new, now, out):
        old = self._state
        self._state = new
        self._gen += 1
        self._consecutive = self._trial_ok = self._in_flight = 0
        self._since = now
        if new is State.OPEN:
            self._opened_at = now
        self._emit(out, STATE_CHANGE, now, from_state=old, to_state=new)

    def _remaining(self, now):
        if self._state is not State.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self._cfg["recovery_timeout"] - now)


def status_line(breaker):
    snap = breaker.metrics()
    return "{}: {}, {} calls, {} failures ({}%), {} rejected, {} s in state".format(
        breaker.name, snap.state.name, snap.calls, snap.failures, round(snap.failure_rate),
        snap.rejections, f"{snap.seconds_in_state:.1f}")


class BreakerRegistry(starter.BreakerRegistry):
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic, factory=None):
        super().__init__(defaults, overrides, clock=clock, factory=factory or CircuitBreaker)

    def status_lines(self):
        return [status_line(self.get(name)) for name in self.names()]
