"""Converts the settings with int() and float() instead of refusing what is not an int or a number."""
from harness.derive import inherit

CAUGHT_BY = ["test_rejects_impossible_settings"]
reference = inherit(globals(), __file__)

_COUNTS = ("window_size", "minimum_calls", "half_open_max_calls")
_NUMBERS = ("failure_rate_threshold",)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, **settings):
        for key in _COUNTS:
            if key in settings:
                settings[key] = int(settings[key])  # 10.0 -> 10, True -> 1
        for key in _NUMBERS:
            if key in settings:
                settings[key] = float(settings[key])
        super().__init__(**settings)
