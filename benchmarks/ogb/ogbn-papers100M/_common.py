"""What the ogbn-papers100M scripts share: peak RSS, timing, JSON records."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (``getrusage``; Linux: KiB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / (1 << 20 if sys.platform == "darwin" else 1 << 10), 1)


def record(path: str | None, step: str, start: float, **fields: Any) -> dict:
    """Print the step's record and merge it into the JSON file ``path``."""
    rec = {
        "seconds": round(time.perf_counter() - start, 2),
        "peak_rss_mb": peak_rss_mb(),
        "loadavg": [round(v, 2) for v in os.getloadavg()],
        **fields,
    }
    print(json.dumps({step: rec}, indent=1))
    if path:
        p = Path(path)
        data = json.loads(p.read_text()) if p.is_file() else {}
        data.setdefault("steps", {})[step] = rec
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(data, indent=2) + "\n")
    return rec
