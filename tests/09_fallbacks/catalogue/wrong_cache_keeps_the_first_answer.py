"""Records an answer only once per arguments (setdefault), so it serves the oldest, not the last."""

CAUGHT_BY = [
    "test_cache_serves_the_last_good_answer_for_the_same_arguments",
    "test_an_outage_is_served_from_cache_and_default_then_recovers",
]

from pathlib import Path

from harness.loader import load

# The reference, word for word, except for what is redefined below.
_reference = load(Path(__file__).resolve().parents[3] / "solutions" / "09_fallbacks" / "fallback.py")
globals().update({k: v for k, v in vars(_reference).items() if not k.startswith("__")})


class LastGoodCache(LastGoodCache):
    def record(self, value, *args, **kwargs):
        with self._lock:
            self._entries.setdefault(_key(args, kwargs), (self._clock(), value))
