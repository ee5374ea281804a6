"""``python -m kata``: the plain-python twin of every make target."""

import sys

REQUIRED = (3, 11)

if sys.version_info < REQUIRED:  # keep this file free of newer syntax so the message shows
    sys.exit("The kata needs Python %d.%d or newer; this is Python %d.%d (%s)."
             % (REQUIRED + sys.version_info[:2] + (sys.executable,)))

from kata.cli import main  # noqa: E402
from kata.terminal import quiet_pipe  # noqa: E402

try:
    status = main(sys.argv[1:])
    sys.stdout.flush()
except BrokenPipeError:  # `make progress | head`: the reader has gone, and that is fine
    quiet_pipe()
    status = 0
except KeyboardInterrupt:  # Ctrl-C: no traceback; 130 is what a shell reports for it
    print()
    status = 130
sys.exit(status)
