"""The status line computes its own rate, failures over all calls (ignored ones included),
instead of the metrics' failure_rate over judged calls."""
from harness.derive import inherit

CAUGHT_BY = ["test_status_line_reads_like_the_readme"]
reference = inherit(globals(), __file__)


def status_line(breaker):
    m = breaker.metrics()
    rate = 100.0 * m.failures / m.calls if m.calls else 0.0
    return (f"{breaker.name}: {m.state.name}, {m.calls} calls, {m.failures} failures "
            f"({rate:.0f}%), {m.rejections} rejected, {m.seconds_in_state:.1f} s in state")
