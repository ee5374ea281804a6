"""``python -m fake_services serve NAME [options]``: see ``fake_services.cli``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
