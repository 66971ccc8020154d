"""Merge benchmark JSON files into one list and redraw its plot.

Usage::

    python benchmarks/kernels/merge.py OUT.json IN1.json [IN2.json ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from _common import save


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    records: list = []
    for path in argv[1:]:
        records.extend(json.loads(Path(path).read_text()))
    save(records, argv[0])


if __name__ == "__main__":
    main(sys.argv[1:])
