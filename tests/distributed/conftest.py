"""Worker functions of the multi-process tests live in ``workers.py`` beside this
file: :func:`graphlabels.distributed.spawn` pickles them by reference, so the
spawned processes must import them by a plain module name."""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
