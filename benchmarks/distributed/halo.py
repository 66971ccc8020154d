"""Halo size and bytes per propagation step of each partition method.

For the products-size power-law graph (``power_law_graph("products")``: 2,449,029
nodes, 61,859,140 edges, uniform random sources) and scaled-down copies of it,
split into 2, 4 and 8 parts by contiguous ranges, RCM + ranges and METIS, this
records per partition: nodes per rank, edge cut, the halo of each rank (distinct
remote in-neighbours, :func:`graphlabels.distributed.halo_sizes`, the rows it
receives in every exchange of :class:`graphlabels.distributed.DistGraph`) and
the bytes all ranks send per step for a float32 ``N x 47`` matrix (products'
47 classes). METIS runs in a child process with a time and address-space limit;
sizes are tried from small to large and the first failure stops the climb.

Usage::

    python benchmarks/distributed/halo.py                      # defaults below
    python benchmarks/distributed/halo.py --scales 0.01 --metis-scales 0.01 --real
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from graphlabels.data.synthetic import PRESETS, power_law_graph
from graphlabels.distributed import halo_sizes, partition, partition_from_assignment
from graphlabels.ops import as_csr
from graphlabels.ops.reorder import rcm_order

OUT = Path(__file__).resolve().parents[1] / "results" / "distributed_halo.json"
WIDTH, ELEM = 47, 4  # products' classes, float32


def graph(scale: float) -> tuple[torch.Tensor, int]:
    n0, e0 = PRESETS["products"]
    if scale == 1.0:
        return power_law_graph("products"), n0
    n, e = round(n0 * scale), round(e0 * scale)
    return power_law_graph(n, e), n


def stats(ei: torch.Tensor, book, seconds: float, **extra) -> dict:
    halo = halo_sizes(ei, book)
    cut = int((book.part[ei[0]] != book.part[ei[1]]).sum())
    return {
        "method": book.method,
        "parts": book.num_parts,
        "seconds": round(seconds, 2),
        "sizes": book.sizes,
        "edge_cut": cut,
        "edge_cut_share": round(cut / max(ei.size(1), 1), 4),
        "halo": halo.tolist(),
        "halo_total": int(halo.sum()),
        "halo_max": int(halo.max()),
        "halo_over_owned_max": round(
            max(h / max(s, 1) for h, s in zip(halo.tolist(), book.sizes, strict=True)),
            3,
        ),
        "bytes_per_step": int(halo.sum()) * WIDTH * ELEM,
        **extra,
    }


def metis_child(scale: float, parts: list[int], out: str) -> None:
    """Run METIS for each part count; save assignments and timings."""
    ei, n = graph(scale)
    res = {}
    for r in parts:
        t = time.perf_counter()
        book = partition(ei, r, "metis", num_nodes=n)
        res[r] = (book.part, time.perf_counter() - t)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    torch.save({"parts": res, "peak_gib": peak}, out)


def run_metis(scale: float, parts: list[int], timeout: float, mem_gib: float):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "metis.pt")
        code = (
            "import resource, sys; "
            f"resource.setrlimit(resource.RLIMIT_AS, ({int(mem_gib * 2**30)},) * 2); "
            f"sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            "import halo; "
            f"halo.metis_child({scale}, {parts}, {out!r})"
        )
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, "-c", code],
                timeout=timeout,
                capture_output=True,
                text=True,
                cwd=tmp,  # METIS may dump its input there when it fails
            )
        except subprocess.TimeoutExpired:
            return None, f"timed out after {timeout:g} s"
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            why = [ln for ln in lines if "rror" in ln or "alloc" in ln or "emory" in ln]
            tail = (why or lines)[-3:]
            return None, f"failed after {wall:.0f} s (rc {proc.returncode}): {tail}"
        return torch.load(out), None


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scales", type=float, nargs="+", default=[1.0])
    p.add_argument(
        "--metis-scales", type=float, nargs="+", default=[0.01, 0.05, 0.2, 1.0]
    )
    p.add_argument("--parts", type=int, nargs="+", default=[2, 4, 8])
    p.add_argument("--rcm", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--metis-timeout", type=float, default=600.0)
    p.add_argument("--metis-mem-gib", type=float, default=10.0)
    p.add_argument(
        "--real",
        nargs="*",
        default=["coauthor-cs"],
        help="registered datasets measured too (graphs with locality)",
    )
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args()
    torch.set_num_threads(1)
    result = {
        "graph": "power_law_graph('products') scaled: nodes and edges x scale",
        "width": WIDTH,
        "bytes_per_element": ELEM,
        "load_before": os.getloadavg(),
        "cpus": os.cpu_count(),
        "runs": [],
        "metis_failures": [],
    }
    sizes = sorted(set(args.scales) | set(args.metis_scales))
    metis_ok = True
    for scale in sizes:
        ei, n = graph(scale)
        base = {"scale": scale, "num_nodes": n, "num_edges": int(ei.size(1))}
        if scale in args.scales:
            for r in args.parts:
                t = time.perf_counter()
                book = partition(None, r, num_nodes=n)
                result["runs"].append(stats(ei, book, time.perf_counter() - t, **base))
                print(json.dumps(result["runs"][-1]), flush=True)
            if args.rcm:
                t = time.perf_counter()
                order = rcm_order(as_csr(ei, n))
                rcm_s = time.perf_counter() - t
                for r in args.parts:
                    part = torch.empty(n, dtype=torch.long)
                    for k, ids in enumerate(torch.tensor_split(order, r)):
                        part[ids] = k
                    book = partition_from_assignment(part, r, "rcm")
                    result["runs"].append(stats(ei, book, rcm_s, **base))
                    print(json.dumps(result["runs"][-1]), flush=True)
        if scale in args.metis_scales and metis_ok:
            got, err = run_metis(
                scale, args.parts, args.metis_timeout, args.metis_mem_gib
            )
            if got is None:
                metis_ok = False
                result["metis_failures"].append({**base, "error": err})
                print("METIS", scale, err, flush=True)
            else:
                for r, (part, sec) in got["parts"].items():
                    book = partition_from_assignment(part, r, "metis")
                    extra = {**base, "peak_rss_gib": round(got["peak_gib"], 2)}
                    if scale not in args.scales:
                        c = partition(None, r, num_nodes=n)
                        extra["contiguous_halo_total"] = int(halo_sizes(ei, c).sum())
                    result["runs"].append(stats(ei, book, sec, **extra))
                    print(json.dumps(result["runs"][-1]), flush=True)
        del ei
    for name in args.real:
        from graphlabels.data import load

        g = load(name)
        ei, n = g.edge_index, g.num_nodes
        base = {"dataset": name, "num_nodes": n, "num_edges": int(ei.size(1))}
        for method in ("contiguous", "rcm", "metis"):
            for r in args.parts:
                t = time.perf_counter()
                book = partition(ei, r, method, num_nodes=n)
                result["runs"].append(stats(ei, book, time.perf_counter() - t, **base))
                print(json.dumps(result["runs"][-1]), flush=True)
    result["load_after"] = os.getloadavg()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
