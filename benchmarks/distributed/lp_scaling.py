"""Wall time of partitioned label propagation with 1, 2 and 4 processes.

Each job (:func:`graphlabels.distributed.spawn`, gloo on loopback, one torch
thread per process) builds its :class:`~graphlabels.distributed.DistGraph`,
runs one warm-up step, then times ``--steps`` steps of
:func:`graphlabels.distributed.dist_label_propagation` between barriers. Per
rank it records the wall time, the time inside the halo exchanges (row gather +
``all_to_all_single``; on an oversubscribed CPU this includes waiting for the
slower ranks), the rest as compute, bytes sent and halo rows. Rank 0 also checks
the gathered result against the single-process
:func:`graphlabels.propagation.label_propagation`.

Speed-up is bounded by the cores free for the job: ``os.getloadavg()`` before
and after is in the JSON.

Usage::

    python benchmarks/distributed/lp_scaling.py
    python benchmarks/distributed/lp_scaling.py --worlds 1 2 --steps 10
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import torch

from graphlabels import distributed as D
from graphlabels import ops
from graphlabels.data.synthetic import power_law_graph
from graphlabels.propagation import label_propagation

OUT = Path(__file__).resolve().parents[1] / "results" / "distributed_lp.json"


def worker(rank: int, edge_index, y, train, book, steps: int, check):
    ops.set_backend("cpu")
    t = time.perf_counter()
    dg = D.DistGraph.from_csr(edge_index, book)
    setup = time.perf_counter() - t
    own = book.owned[rank]
    y_loc, m_loc = y[own], train[own]
    D.dist_label_propagation(dg, y_loc, m_loc, num_layers=1)  # warm-up, norms
    dg.plan.stats.reset()
    D.barrier()
    t = time.perf_counter()
    out = D.dist_label_propagation(dg, y_loc, m_loc, num_layers=steps)
    wall = time.perf_counter() - t
    D.barrier()
    s = dg.plan.stats
    row = {
        "rank": rank,
        "owned": dg.num_owned,
        "halo": dg.num_halo,
        "nnz": dg.csr.nnz,
        "setup_s": round(setup, 3),
        "wall_s": round(wall, 3),
        "exchange_s": round(s.seconds, 3),
        "compute_s": round(wall - s.seconds, 3),
        "exchange_share": round(s.seconds / wall, 3) if wall else 0.0,
        "bytes_sent": s.bytes_sent,
        "bytes_sent_per_step": s.bytes_sent // max(s.steps, 1),
    }
    full = D.gather_to_main(dg, out)
    if rank == 0 and check is not None:
        row["max_abs_diff_vs_single"] = float((full - check).abs().max())
    return row


def graphs(names: list[str]):
    for name in names:
        if name == "powerlaw":
            n, e, c = 50_000, 1_250_000, 47
            ei = power_law_graph(n, e, seed=0)
            gen = torch.Generator().manual_seed(0)
            y = torch.randint(0, c, (n,), generator=gen)
            train = torch.rand(n, generator=gen) < 0.1
            yield f"power_law_graph({n}, {e}), {c} classes", ei, y, train, "contiguous"
        else:
            from graphlabels.data import load

            g = load(name)
            gen = torch.Generator().manual_seed(0)
            train = torch.rand(g.num_nodes, generator=gen) < 0.1
            for method in ("contiguous", "metis"):
                yield name, g.edge_index, g.y, train, method


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--graphs", nargs="+", default=["coauthor-cs", "powerlaw"])
    p.add_argument("--worlds", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args()
    torch.set_num_threads(1)
    result = {
        "protocol": (
            f"{args.steps} LP steps (alpha 0.9, sym, clamp, reset), float32, one "
            "torch thread per process, gloo on 127.0.0.1, after one warm-up step"
        ),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
        "runs": [],
    }
    for name, ei, y, train, method in graphs(args.graphs):
        n = y.numel()
        with ops.use_backend("cpu"):
            ref = label_propagation(y, ei, train, num_layers=args.steps)
        for world in args.worlds:
            book = D.partition(
                ei, world, method if world > 1 else "contiguous", num_nodes=n
            )
            load = os.getloadavg()
            t = time.perf_counter()
            rows = D.spawn(
                worker,
                world,
                (ei, y, train, book, args.steps, ref),
                timeout=900,
                collective_timeout=300,
            )
            run = {
                "graph": name,
                "num_nodes": n,
                "num_edges": int(ei.size(1)),
                "method": book.method,
                "world": world,
                "job_s": round(time.perf_counter() - t, 2),
                "wall_s": max(r["wall_s"] for r in rows),
                "exchange_share_mean": round(
                    sum(r["exchange_share"] for r in rows) / world, 3
                ),
                "bytes_per_step_total": sum(r["bytes_sent_per_step"] for r in rows),
                "load_at_start": load,
                "ranks": rows,
            }
            result["runs"].append(run)
            print(
                json.dumps({k: v for k, v in run.items() if k != "ranks"}), flush=True
            )
    result["load_after"] = os.getloadavg()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
