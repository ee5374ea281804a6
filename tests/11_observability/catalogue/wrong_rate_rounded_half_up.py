"""Rounds the status line's numbers half up (int(x + 0.5)): 12.5% shows 13%."""
from harness.derive import inherit

CAUGHT_BY = ["test_status_line_rounds_half_to_even"]
reference = inherit(globals(), __file__)


def status_line(breaker):
    m = breaker.metrics()
    rate = int(m.failure_rate + 0.5)
    seconds = int(m.seconds_in_state * 10 + 0.5) / 10
    return (f"{breaker.name}: {m.state.name}, {m.calls} calls, {m.failures} failures "
            f"({rate}%), {m.rejections} rejected, {seconds:.1f} s in state")
