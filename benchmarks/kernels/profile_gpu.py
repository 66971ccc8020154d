"""Where a layer's forward + backward spends its GPU time, kernel by kernel.

    python benchmarks/kernels/profile_gpu.py [--graph products] [--layers gat gcn]

For each layer (graphlabels' GATConv 8 x 16 and GCNConv 128 -> 128, the
``bench_layers.py`` set-up) it runs warm-up steps, then profiles ``--steps`` steps
with ``torch.profiler`` and prints the ops and CUDA kernels sorted by their own GPU
time (``self_device_time_total``), with the mean step time from CUDA events. Use it
to see which part of a layer to fuse.
"""

from __future__ import annotations

import argparse

import torch
from _common import graph
from bench_layers import step

from graphlabels.nn.conv import GATConv, GCNConv
from graphlabels.ops import CSR

LAYERS = {
    "gat": lambda: GATConv(128, 16, heads=8),
    "gcn": lambda: GCNConv(128, 128),
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--graph", default="products")
    p.add_argument("--layers", nargs="+", default=list(LAYERS), choices=list(LAYERS))
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--rows", type=int, default=25, help="kernels to print")
    args = p.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("profile_gpu.py needs a CUDA device")
    dev = torch.device("cuda")
    ei, n = graph(args.graph)
    A = CSR.from_edge_index(ei.to(dev), n)
    x = torch.randn(n, 128, device=dev, requires_grad=True)
    G = torch.randn(n, 128, device=dev)
    for name in args.layers:
        layer = LAYERS[name]().to(dev)
        for _ in range(3):
            step(layer, x, A, G)
        torch.cuda.synchronize()
        start, end = (torch.cuda.Event(enable_timing=True) for _ in range(2))
        start.record()
        for _ in range(args.steps):
            step(layer, x, A, G)
        end.record()
        torch.cuda.synchronize()
        ms = start.elapsed_time(end) / args.steps
        acts = [
            torch.profiler.ProfilerActivity.CPU,
            torch.profiler.ProfilerActivity.CUDA,
        ]
        with torch.profiler.profile(activities=acts) as prof:
            for _ in range(args.steps):
                step(layer, x, A, G)
            torch.cuda.synchronize()
        print(f"== {name} on {args.graph} (n={n}, m={A.nnz}): {ms:.2f} ms per step")
        print(
            prof.key_averages().table(
                sort_by="self_device_time_total",
                row_limit=args.rows,
                max_name_column_width=70,
            )
        )


if __name__ == "__main__":
    main()
