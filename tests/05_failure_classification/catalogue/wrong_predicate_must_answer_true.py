"""Counts a failure only when the predicate answers exactly True: a predicate that answers 1 or "yes" never opens the breaker."""
from harness.derive import rewrite

CAUGHT_BY = ["test_custom_predicates_decide"]
rewrite(globals(), __file__,
        ("            failed = bool(predicate(outcome))",
         "            failed = predicate(outcome) is True  # 1 or 'yes' is not True"))
