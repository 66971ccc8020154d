"""``python -m graphlabels.cli``."""

import sys

from graphlabels.cli import main

sys.exit(main())
