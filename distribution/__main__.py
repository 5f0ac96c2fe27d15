"""``python3 -m distribution …`` from the addon's root."""

import sys

from .cli import main

sys.exit(main())
