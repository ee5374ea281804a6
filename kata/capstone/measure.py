"""What a run of the scene measured: answers judged, per-100 ms series, breakers, retries.

Everything the timeline draws and the checks judge is computed here from a
:class:`~kata.capstone.scene.Run`, by counts and ratios, never by absolute latencies
(except the SLO, which is the scene's definition of a good answer).

How an answer of A is judged:

* **fresh**: a 2xx carrying a C answer (``/orders``) or a B answer (``/profile``) that no
  earlier answer carried: a fallback that hands back a cached response is not fresh;
* **fallback**: any other 2xx (a fallback's answer, at A or at B, or a cached one);
* **failed**: an error status, no answer within the caller's patience, or a 2xx that came
  later than the SLO.

**Goodput** (the AWS Builders' Library's word: throughput that is both successful and
timely) counts, within the SLO, every fresh answer and, for ``/orders`` only, a fallback:
a degraded order page is still a page, while ``/profile`` never needs C, so nothing excuses
a degraded profile.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import parse_qsl, urlsplit

from fake_services import Bucket, buckets

from .load import Answer
from .scene import FROM_B, FROM_C, ORDERS, PROFILE, Limit, Run, Transition

FRESH, FALLBACK, FAILED = "fresh", "fallback", "failed"
CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"
#: C calls that arrive this soon after its breaker opened were admitted just before it did.
IN_FLIGHT_GRACE = 0.1


@dataclass(frozen=True)
class Judged:
    """One answer of A and its verdict."""

    answer: Answer
    kind: str  #: FRESH, FALLBACK or FAILED
    good: bool  #: counts as goodput

    @property
    def path(self) -> str:
        return self.answer.path

    @property
    def planned(self) -> float:
        return self.answer.planned


@dataclass(frozen=True)
class Breaker:
    """One watched breaker and the intervals of its states."""

    owner: str
    registry: int
    target: str
    label: str  #: "A→B", or "A→B #2" when A has several breakers for B
    intervals: tuple[tuple[float, float, str], ...]  #: (from, to, state), to may be inf

    def state_between(self, start: float, end: float) -> set[str]:
        """Every state it was in at some moment of ``[start, end)``."""
        return {state for low, high, state in self.intervals if low < end and high > start}

    def opened_at(self, start: float, end: float) -> float | None:
        """The first moment in ``[start, end)`` it went OPEN, if it did."""
        for low, _, state in self.intervals:
            if state == OPEN and start <= low < end:
                return low
        return None

    def half_open_at(self, moment: float) -> bool:
        return any(state == HALF_OPEN and low <= moment <= high
                   for low, high, state in self.intervals)


@dataclass(frozen=True)
class DoubleRetry:
    """A request of A that both A's client and B's client retried."""

    request: str
    calls_to_b: int
    most_calls_to_c: int  #: the most C calls one of those B calls made
    calls_to_c: int  #: C calls for this request in all


class Measures:
    """The numbers of one run."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.settings = run.settings
        self.judged = judge(run.answers, run.settings.slo)
        self.breakers = breakers_of(run.transitions, run.breakers, run.users)

    # -- windows -------------------------------------------------------------------------------

    def answers(self, start: float, end: float, path: str | None = None) -> list[Judged]:
        """A's answers to the requests planned in ``[start, end)`` (of one path, if given),
        the retry probe left out."""
        return [j for j in self.judged
                if start <= j.planned < end and (path is None or j.path == path)
                and j.answer.number != self.settings.probe]

    def goodput(self, start: float, end: float) -> tuple[int, int]:
        """(good answers, requests offered) for the requests planned in ``[start, end)``."""
        chosen = self.answers(start, end)
        return sum(j.good for j in chosen), len(chosen)

    def fresh(self, start: float, end: float, path: str | None = None) -> tuple[int, int]:
        """(fresh answers within the SLO, requests offered) in ``[start, end)``."""
        chosen = self.answers(start, end, path)
        return sum(j.kind == FRESH and j.good for j in chosen), len(chosen)

    @property
    def slow_window(self) -> tuple[float, float]:
        return self.settings.slow_from, self.settings.slow_until

    def shared_and_opened(self) -> list[tuple[Breaker, float]]:
        """A's breakers that both endpoints' calls go through, each with the moment it first
        opened (if it did): a breaker /orders' failures can open in front of /profile."""
        found = []
        for breaker in self.breakers:
            users = self.run.users.get((breaker.owner, breaker.registry), [])
            opened = breaker.opened_at(0.0, float("inf"))
            if breaker.owner == "A" and {ORDERS, PROFILE} <= set(users) and opened is not None:
                found.append((breaker, opened))
        return found

    def refused_profiles(self) -> list[Judged]:
        """A's /profile answers that a breaker refused (503, circuit open) or a fallback
        replaced, if B answered every /profile call it received: then nothing about
        /profile opened that breaker, and it is shared with /orders."""
        b_profile = [c for c in self.run.calls["B"] if urlsplit(c.path).path == PROFILE]
        if not all(c.ok for c in b_profile):
            return []
        return [j for j in self.answers(0, self.settings.duration, PROFILE)
                if j.kind == FALLBACK or _refused(j.answer)]

    # -- per-bucket series ---------------------------------------------------------------------

    def span(self) -> int:
        """How many buckets the timeline shows (the load's duration)."""
        return round(self.settings.duration / self.settings.bucket)

    def service_buckets(self, name: str) -> list[Bucket]:
        width = self.settings.bucket
        return buckets(self.run.calls[name], width, end=self.span() * width)[:self.span()]

    def per_slot(self, slots_per_bucket: int, path: str) -> list[Judged | None]:
        """The answer of the request planned in each slot (``None``: no request there)."""
        slot = self.settings.bucket / slots_per_bucket
        shown: list[Judged | None] = [None] * (self.span() * slots_per_bucket)
        for j in self.judged:
            index = int(j.planned / slot + 1e-9)
            if j.path == path and 0 <= index < len(shown):
                current = shown[index]
                if current is None or _rank(j) > _rank(current):
                    shown[index] = j  # the worst of several answers in one slot
        return shown

    # -- C and its breaker ---------------------------------------------------------------------

    def breakers_for(self, target: str) -> list[Breaker]:
        return [b for b in self.breakers if b.target == target]

    def first_open(self, target: str, start: float, end: float) -> tuple[Breaker, float] | None:
        """The breaker for ``target`` that first opened in ``[start, end)``, and when."""
        found = [(b, at) for b in self.breakers_for(target)
                 if (at := b.opened_at(start, end)) is not None]
        return min(found, key=lambda pair: pair[1]) if found else None

    def calls_to(self, name: str, start: float, end: float) -> list:
        return [c for c in self.run.calls[name] if start <= c.time < end]

    def calls_to_c_outside_trials(self, since: float, until: float) -> list:
        """C calls that arrived in ``[since, until)`` while no breaker for C was half-open."""
        guards = self.breakers_for("C")
        return [c for c in self.calls_to("C", since, until)
                if not any(b.half_open_at(c.time) for b in guards)]

    # -- the numbers the placement gave the kit ------------------------------------------------

    def limits(self, owner: str, endpoint: str) -> list[Limit]:
        """The time limits ``owner``'s client calls for ``endpoint`` went with (B's client for C
        is ``("B", "/orders")``)."""
        return [limit for limit in self.run.limits
                if limit.owner == owner and limit.endpoint == endpoint]

    def longest(self, owner: str, endpoint: str) -> Limit | None:
        """The call of ``owner`` for ``endpoint`` that could take the longest in all."""
        return max(self.limits(owner, endpoint), key=lambda limit: limit.longest, default=None)

    def shortest_attempt(self, owner: str, endpoint: str) -> Limit | None:
        """The call of ``owner`` for ``endpoint`` whose attempts give up the soonest."""
        return min(self.limits(owner, endpoint), key=lambda limit: limit.attempt, default=None)

    def recovery_chain(self) -> list[tuple[str, float]]:
        """The worst case of the way back, term by term, for the breakers that opened.

        C may recover just after a trial call reached it: that trial fails when B's attempt
        times out, B's breaker waits its ``recovery_timeout``, and A's breaker for /orders,
        re-opened meanwhile by B's rejections, waits its own before the next trial reaches
        B. The README's worksheet (question 5) adds them up.
        """
        def opened(owner: str, target: str, endpoint: str | None = None) -> list[float]:
            return [self.run.recovery.get((b.owner, b.registry, b.target), 0.0)
                    for b in self.breakers if b.owner == owner and b.target == target
                    and (endpoint is None or endpoint in self.run.users.get(
                        (b.owner, b.registry), []))
                    and b.opened_at(0.0, float("inf")) is not None]

        terms = []
        in_b = opened("B", "C")
        if in_b:
            terms.append(("B's recovery_timeout", max(in_b)))
            trial = max((limit.attempt for limit in self.limits("B", ORDERS)), default=0.0)
            terms.append(("a failed trial's timeout (B's attempt timeout)", trial))
        in_a = opened("A", "B", ORDERS)
        if in_a:
            terms.append(("A's recovery_timeout for /orders", max(in_a)))
        return terms

    # -- retries ------------------------------------------------------------------------------

    def double_retries(self) -> list[DoubleRetry]:
        """Requests of A that reached B more than once *and* C more than once from one B call:
        retried by A's client and by B's client, so that C saw the product."""
        to_b = Counter(_query(c.path).get("request") for c in self.run.calls["B"]
                       if urlsplit(c.path).path == ORDERS)
        to_c: dict[str, Counter[str]] = defaultdict(Counter)
        for call in self.run.calls["C"]:
            query = _query(call.path)
            to_c[query.get("request", "?")][query.get("via", "?")] += 1
        found = []
        for request, via in to_c.items():
            most = max(via.values())
            if to_b.get(request, 0) > 1 and most > 1:
                found.append(DoubleRetry(request, to_b[request], most, sum(via.values())))
        return sorted(found, key=lambda d: -d.calls_to_c)


def judge(answers: Iterable[Answer], slo: float) -> list[Judged]:
    """Every answer's verdict, in the order of the schedule."""
    seen: set[tuple[str, object]] = set()
    judged = []
    for answer in sorted(answers, key=lambda a: a.finished):
        kind = _kind(answer, seen)
        good = kind != FAILED and answer.latency <= slo and \
            (kind == FRESH or answer.path == ORDERS)
        judged.append(Judged(answer, kind, good))
    return sorted(judged, key=lambda j: j.answer.number)


def _kind(answer: Answer, seen: set[tuple[str, object]]) -> str:
    if answer.status is None or not 200 <= answer.status < 300:
        return FAILED
    body = answer.body if isinstance(answer.body, dict) else {}
    source = body.get("source")
    number = body.get("c_call") if source == FROM_C else \
        body.get("b_call") if source == FROM_B else None
    expected = FROM_C if answer.path == ORDERS else FROM_B if answer.path == PROFILE else None
    if source != expected or number is None or (source, number) in seen:
        return FALLBACK
    seen.add((source, number))
    return FRESH


def _refused(answer: Answer) -> bool:
    body = answer.body if isinstance(answer.body, dict) else {}
    return answer.status == 503 and str(body.get("error", "")).startswith("circuit open")


def _rank(judged: Judged) -> int:
    return 0 if judged.good and judged.kind == FRESH else 1 if judged.good else 2


def breakers_of(transitions: list[Transition], built: Iterable[tuple[str, int, str]] = (),
                users: dict[tuple[str, int], list[str]] | None = None) -> list[Breaker]:
    """The state intervals of every breaker built (closed throughout if it never changed),
    labelled by who holds it, what it guards and, for A, which endpoints go through it."""
    by_breaker: dict[tuple[str, int, str], list[Transition]] = {key: [] for key in built}
    for transition in sorted(transitions, key=lambda t: t.time):
        by_breaker.setdefault(transition.breaker, []).append(transition)
    per_target = Counter((owner, target) for owner, _, target in by_breaker)
    users = users or {}
    found = []
    for (owner, registry, target), changes in sorted(by_breaker.items()):
        intervals, since, state = [], 0.0, changes[0].old if changes else CLOSED
        for change in changes:
            intervals.append((since, change.time, state))
            since, state = change.time, change.new
        intervals.append((since, float("inf"), state))
        label = f"{owner}→{target}"
        endpoints = users.get((owner, registry), [])
        if owner == "A" and len(endpoints) == 1:
            label += f" {endpoints[0]}"
        elif owner == "A" and len(endpoints) > 1:
            label += " shared"
        elif per_target[(owner, target)] > 1:
            label += f" #{registry}"
        found.append(Breaker(owner, registry, target, label, tuple(intervals)))
    return found


def _query(target: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(target).query))
