"""Changes the state under the lock but counts the call's success or failure after releasing it: another thread's metrics() can see OPEN before the failure that opened it is counted."""
from harness.derive import rewrite

CAUGHT_BY = ["test_a_snapshot_that_says_open_counts_the_failure_that_opened_it"]
REPEAT = 20
rewrite(globals(), __file__,
        ("            if failed:\n"
         "                self._failures += 1\n"
         "            else:\n"
         "                self._successes += 1\n"
         "            events.append(Event(FAILURE",
         "            events.append(Event(FAILURE"),
        ("                            events.append(self._move_to(State.CLOSED, now))\n"
         "        self._publish(events)\n",
         "                            events.append(self._move_to(State.CLOSED, now))\n"
         "        if failed:  # counted once the lock is released\n"
         "            self._failures += 1\n"
         "        else:\n"
         "            self._successes += 1\n"
         "        self._publish(events)\n"))
