r"""SGC features Â^k X of a converted ogbn-papers100M folder, memory-mapped.

Runs :func:`graphlabels.propagation.precompute.sgc_precompute` over the on-disk
graph written by ``graphlabels convert ogbn-papers100M --undirected``; the
features and the CSR stay memory-mapped, memory holds one block of rows.

Usage::

    python benchmarks/ogb/ogbn-papers100M/sgc.py --graph /data/p100m-disk \
        --k 3 --out /data/p100m-disk/sgc3.npy --json results.json
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record  # noqa: E402

from graphlabels.data.ondisk import open_ondisk  # noqa: E402
from graphlabels.propagation.precompute import sgc_precompute  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--graph", required=True, help="the on-disk folder")
    p.add_argument("--k", type=int, default=3, help="hops (default: 3)")
    p.add_argument("--out", required=True, help="the .npy file written")
    p.add_argument("--dtype", choices=("float16", "float32"), default="float16")
    p.add_argument("--chunk-size", type=int, default=65536)
    p.add_argument("--json", default=None)
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args()
    t0 = time.perf_counter()
    g = open_ondisk(a.graph)
    print(g)
    x = g.arrays["x"]
    if g.meta["x_dtype"] == "bfloat16":
        sys.exit("sgc.py reads float16/float32 features: convert with --x-dtype")
    sgc_precompute(g.arrays["indptr"], g.arrays["indices"], x, a.k, a.out,
                   dtype=a.dtype, chunk_size=a.chunk_size,
                   progress=not a.quiet)  # fmt: skip
    record(a.json, "sgc", t0, k=a.k, dtype=a.dtype, chunk_size=a.chunk_size,
           num_nodes=g.num_nodes, num_edges=g.num_edges,
           num_features=g.num_features, out=str(a.out))  # fmt: skip


if __name__ == "__main__":
    main()
