"""Checks attempts but not the delays: a negative base_delay slips through."""
from harness.derive import rewrite

CAUGHT_BY = ["test_rejects_invalid_settings"]
rewrite(globals(), __file__,  # _check_settings without its second test
        ("    if base_delay < 0 or max_delay < 0:\n"
         '        raise ValueError(f"delays must not be negative (base_delay={base_delay!r}, "\n'
         '                         f"max_delay={max_delay!r})")\n',
         ""))
