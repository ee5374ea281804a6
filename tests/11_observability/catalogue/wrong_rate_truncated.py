"""Truncates the failure rate (int(rate)): 2 of 3 failed shows 66%, not 67%."""
from harness.derive import inherit

CAUGHT_BY = ["test_status_line_rounds_half_to_even"]
reference = inherit(globals(), __file__)


def status_line(breaker):
    m = breaker.metrics()
    return (f"{breaker.name}: {m.state.name}, {m.calls} calls, {m.failures} failures "
            f"({int(m.failure_rate)}%), {m.rejections} rejected, "
            f"{m.seconds_in_state:.1f} s in state")
