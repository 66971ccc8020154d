"""Cost of sha256 verification: first load (every file hashed), later loads (stamps).

For each dataset, with a fresh user cache per first-load repetition:

- ``verify_first_s``: :func:`verify_files` with no stamps (every file hashed);
- ``verify_later_s``: :func:`verify_files` with the stamps of a previous check;
- ``load_first_s`` / ``load_later_s``: ``load(name, root)`` (verify=True) with a fresh
  cache / with stamps; ``load_unverified_s``: ``load(name, root, verify=False)``.

Medians of ``--repeat`` runs, in seconds. Files are read once before timing, so the
numbers are for files in the OS page cache (hashing, not disk reads).

    python benchmarks/data/verify_cost.py --root ../shared/datasets --load "idle"
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import torch

from graphlabels.data import get_info, load
from graphlabels.data.download import sha256_file, verify_files

DATASETS = ("cora", "coauthor-cs")


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def measure(name: str, root: Path, repeat: int) -> dict:
    files = get_info(name).files
    for rel in files:  # warm the page cache: time hashing, not the disk
        sha256_file(root / rel)
    rows: dict[str, list[float]] = {
        k: []
        for k in (
            "verify_first_s",
            "verify_later_s",
            "load_first_s",
            "load_later_s",
            "load_unverified_s",
        )
    }
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as cache:
            os.environ["GRAPHLABELS_CACHE"] = cache
            rows["verify_first_s"].append(_timed(lambda: verify_files(root, files)))
            rows["verify_later_s"].append(_timed(lambda: verify_files(root, files)))
        with tempfile.TemporaryDirectory() as cache:
            os.environ["GRAPHLABELS_CACHE"] = cache
            rows["load_first_s"].append(_timed(lambda: load(name, root)))
            rows["load_later_s"].append(_timed(lambda: load(name, root)))
        rows["load_unverified_s"].append(_timed(lambda: load(name, root, verify=False)))
    return {
        "files": len(files),
        "bytes": sum((root / rel).stat().st_size for rel in files),
        **{k: round(statistics.median(v), 5) for k, v in rows.items()},
        "runs": {k: [round(x, 5) for x in v] for k, v in rows.items()},
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", default=os.environ.get("GRAPHLABELS_DATA"))
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--out", default="benchmarks/results/data_verify.json")
    p.add_argument("--load", default="", help="what else ran on the machine")
    args = p.parse_args()
    if not args.root:
        p.error("pass --root or set GRAPHLABELS_DATA")
    root = Path(args.root)
    load_before = os.getloadavg()
    results = {name: measure(name, root, args.repeat) for name in DATASETS}
    out = {
        "what": "seconds, median of --repeat runs; first = fresh user cache (every "
        "file hashed), later = stamps present (no file hashed)",
        "command": f"python benchmarks/data/verify_cost.py --root {args.root} "
        f"--repeat {args.repeat}",
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(),
        },
        "load": {
            "note": args.load,
            "loadavg_1_5_15_before": [round(x, 2) for x in load_before],
            "loadavg_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
        },
        "repeat": args.repeat,
        "results": results,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")
    for name, r in results.items():
        print(
            f"{name}: {r['files']} files, {r['bytes']:,} bytes; verify first "
            f"{r['verify_first_s']:.4f} s, later {r['verify_later_s']:.4f} s; load "
            f"first {r['load_first_s']:.3f} s, later {r['load_later_s']:.3f} s, "
            f"unverified {r['load_unverified_s']:.3f} s"
        )


if __name__ == "__main__":
    main()
