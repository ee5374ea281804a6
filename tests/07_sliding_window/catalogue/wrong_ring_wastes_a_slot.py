"""A head/tail ring buffer that keeps one slot free to tell full from empty: it holds size - 1 outcomes."""
from harness.derive import inherit

CAUGHT_BY = ["test_window_of_size_one",
             "test_window_holds_the_last_size_outcomes"]
reference = inherit(globals(), __file__)


class CountWindow(reference.CountWindow):
    def __init__(self, size):
        super().__init__(size)
        self._head = self._tail = 0  # the oldest outcome's slot, the next outcome's slot

    def record(self, failed):
        if (self._tail + 1) % self.size == self._head:  # "full": drop the oldest
            self._failures -= self._failed[self._head]
            self._head = (self._head + 1) % self.size
        self._failed[self._tail] = 1 if failed else 0
        self._failures += self._failed[self._tail]
        self._tail = (self._tail + 1) % self.size
        self._total = (self._tail - self._head) % self.size

    def clear(self):
        super().clear()
        self._head = self._tail = 0


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = CountWindow(self.window_size)  # the window above
