"""Ignores max_age: serves the last good answer however old it is."""

CAUGHT_BY = [
    "test_cache_never_serves_an_answer_older_than_max_age",
    "test_invalid_settings_raise_value_error",
]

from pathlib import Path

from harness.loader import load

# The reference, word for word, except for what is redefined below.
_reference = load(Path(__file__).resolve().parents[3] / "solutions" / "09_fallbacks" / "fallback.py")
globals().update({k: v for k, v in vars(_reference).items() if not k.startswith("__")})


class LastGoodCache(LastGoodCache):
    def __call__(self, error, *args, **kwargs):
        with self._lock:
            entry = self._entries.get(_key(args, kwargs))
        if entry is None:
            raise CacheMiss(f"nothing for {args}")
        return entry[1]  # old is better than nothing?
