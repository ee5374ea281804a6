"""``python -m kata``: the plain-python twin of every make target."""

import sys

REQUIRED = (3, 11)

if sys.version_info < REQUIRED:  # keep this file free of newer syntax so the message shows
    sys.exit("The kata needs Python %d.%d or newer; this is Python %d.%d (%s)."
             % (REQUIRED + sys.version_info[:2] + (sys.executable,)))

from kata.cli import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
