"""Judges any value with a status_code attribute (`getattr(result, "status_code", 0) >= 500`), not only a requests.Response."""
from harness.derive import inherit

CAUGHT_BY = ["test_default_failure_rules"]
reference = inherit(globals(), __file__)


def is_failure_result_by_default(result):
    return getattr(result, "status_code", 0) >= 500  # the mistake: duck typing
