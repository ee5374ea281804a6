"""Lesson 2: backoff, jitter and what to retry.

Write `is_transient` and `retry`. The rules are in this lesson's README.md;
`make check LESSON=2` grades your work.

`full_jitter` and `retry_after_seconds` are a suggested way to split the work into small
functions. The checks never call them: keep them, rename them or delete them, as you like.
"""

from __future__ import annotations

import random
import time
from typing import Any, Callable

import requests


def is_transient(outcome: object) -> bool:
    """Whether ``outcome`` is a failure that may go away if we simply try again.

    ``outcome`` is what one call produced: the exception it raised, or the value it returned.

    Transient (worth another try):
      - ``requests.ConnectionError`` (refused, reset; ``ConnectTimeout`` is one too);
      - ``requests.Timeout`` (``ReadTimeout``...);
      - an HTTP answer with status 5xx or 429, returned as a ``requests.Response`` or raised
        as a ``requests.HTTPError`` whose ``.response`` is that answer.

    Not transient: 4xx answers (400, 401, 403, 404, 409, 422...), malformed JSON in a 200
    (``requests.JSONDecodeError``), any other exception, and any successful value.

    Careful: ``bool(response)`` is ``response.ok``, so a 503 Response is *falsy*. Compare
    with ``is not None``.
    """
    # TODO: classify the outcome.
    raise NotImplementedError("is_transient")


def full_jitter(k: int, *, base_delay: float, max_delay: float,
                random: Callable[[], float]) -> float:
    """Suggested helper: the ``k``-th wait (``k = 0`` after the first failure).

    Uniform in ``[0, min(max_delay, base_delay * 2**k)]``: ``random()`` (a float in
    ``[0, 1)``) times that ceiling, with ``random()`` called exactly once.
    """
    # TODO (optional helper): compute the ceiling, then scale it by one random() draw.
    raise NotImplementedError("full_jitter")


def retry_after_seconds(outcome: object, wall_clock: Callable[[], float]) -> float | None:
    """Suggested helper: seconds a 429 or 503 asked us to wait, or ``None``.

    ``None`` when the outcome is not a 429/503 answer (returned, or carried by an
    ``HTTPError``), has no ``Retry-After`` header, or the header cannot be read.
    The header is delay-seconds (``"7"``: whole seconds, spaces around ignored; ``"1.5"`` and
    ``"-3"`` are unreadable) or an HTTP-date (``"Wed, 15 Nov 2023 22:13:24 GMT"``;
    ``email.utils.parsedate_to_datetime`` reads it, and a date with no zone is GMT too, not
    your local time). A date is compared with ``wall_clock()`` (seconds since the epoch),
    never with the real time; a date in the past means 0 seconds.
    """
    # TODO (optional helper): find the response, read the header, handle both forms.
    raise NotImplementedError("retry_after_seconds")


def retry(func: Callable[[], Any], *, attempts: int = 3, base_delay: float = 0.1,
          max_delay: float = 10.0, sleep: Callable[[float], None] = time.sleep,
          random: Callable[[], float] = random.random,
          should_retry: Callable[[object], bool] = is_transient,
          wall_clock: Callable[[], float] = time.time) -> Any:
    """Call ``func()`` up to ``attempts`` times, waiting politely between transient failures.

    - ``attempts`` below 1, or a negative ``base_delay`` / ``max_delay``: ``ValueError``
      before ``func`` is ever called.
    - After each call, judge its outcome (the exception it raised, or the value it returned)
      with ``should_retry(outcome)``. Not worth retrying, or that was the last attempt: the
      caller gets the outcome as is (the exception raised unchanged, or the value returned,
      even a 503 Response). Only ``Exception`` is caught: Ctrl-C goes straight through.
    - Worth retrying: call ``sleep(wait)`` once, then call ``func()`` again. The wait before
      retry ``k + 1`` (``k = 0`` for the first retry):
        * a 429/503 with a readable ``Retry-After``: that many seconds; if that is more than
          ``max_delay``, do not wait at all: stop now and hand the outcome to the caller;
        * otherwise full jitter: ``random() * min(max_delay, base_delay * 2**k)``.
    - Never wait after the last attempt or after a success; never call ``time.sleep``
      yourself: wait only through ``sleep``.
    """
    # TODO: write the loop. One attempt, judge it, decide the wait (or stop), sleep, repeat.
    raise NotImplementedError("retry")
