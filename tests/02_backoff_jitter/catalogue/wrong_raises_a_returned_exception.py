"""Raises the final outcome whenever it is an exception object, even one func returned."""
from harness.derive import rewrite

CAUGHT_BY = ["test_returned_responses_are_judged_too"]
rewrite(globals(), __file__,
        ("            if error is not None:\n"
         "                raise error\n"
         "            return value\n",
         "            if isinstance(outcome, Exception):  # a returned exception object too\n"
         "                raise outcome\n"
         "            return outcome\n"))
