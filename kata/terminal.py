"""What the loop writes to the terminal: colour or not, a transient status line, closed pipes.

* Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org) or
  ``TERM=dumb``; a report piped into a file or ``less`` is plain text.
* ``Status`` shows one line that the next output replaces ("grading… 3 of 17"), on a
  terminal only, so a piped report never contains it.
* ``write`` and ``quiet_pipe``: ``make progress | head`` ends quietly when ``head`` stops
  reading, without a traceback.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


def colour_wanted(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Status:
    """A single line that says what is going on, erased by the next real output."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        try:
            self.enabled = self.stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.shown = False

    def show(self, text: str) -> None:
        if self.enabled:
            write(f"\r\033[K{text}", self.stream)
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            write("\r\033[K", self.stream)
            self.shown = False


_pipe_closed = False


def write(text: str, stream: TextIO | None = None) -> None:
    """Write and flush; once the reader has gone (a closed pipe), write nothing more."""
    global _pipe_closed
    if _pipe_closed:
        return
    stream = stream or sys.stdout
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        quiet_pipe()


def quiet_pipe() -> None:
    """The reader of standard output has gone: send the rest nowhere, quietly."""
    global _pipe_closed
    _pipe_closed = True
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the flush at exit has nowhere to fail
        os.close(devnull)
    except (OSError, ValueError):
        pass


_stdin_closed = False


def enter_pressed(timeout: float) -> bool:
    """Whether the learner pressed Enter within ``timeout`` seconds (waits that long if not)."""
    global _stdin_closed
    if _stdin_closed:
        time.sleep(timeout)
        return False
    if os.name == "nt":
        import msvcrt

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if msvcrt.kbhit():
                return msvcrt.getwch() in ("\r", "\n")
            time.sleep(0.05)
        return False
    import select

    ready, _, _ = select.select([sys.stdin], [], [], timeout)
    if not ready:
        return False
    if sys.stdin.readline() == "":  # end of input: nobody will press anything
        _stdin_closed = True
        return False
    return True
