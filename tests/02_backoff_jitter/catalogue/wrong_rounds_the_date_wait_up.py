"""Rounds the wait until an HTTP-date up to whole seconds (math.ceil): 3.75 s becomes 4."""
from harness.derive import rewrite

CAUGHT_BY = ["test_honours_retry_after_as_an_http_date"]
rewrite(globals(), __file__,
        ("    return max(0.0, moment.timestamp() - wall_clock())",
         "    return max(0.0, float(math.ceil(moment.timestamp() - wall_clock())))"))

import math
