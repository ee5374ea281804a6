"""Raises the first failure's error when every attempt failed, not the last one's."""
from harness.derive import rewrite

CAUGHT_BY = ["test_gives_up_with_the_last_error_unchanged"]
rewrite(globals(), __file__,
        ("    for k in range(attempts):\n",
         "    first = None\n"
         "    for k in range(attempts):\n"),
        ("        outcome = error if error is not None else value\n",
         "        first = first or error\n"
         "        outcome = error if error is not None else value\n"),
        ("                raise error\n",
         "                raise first  # the first failure 'explains' the others\n"))
