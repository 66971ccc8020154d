"""Neighbour sampling, mini-batch training and layer-wise inference on CPU.

On a memory-mapped synthetic graph of ogbn-products size (written by
``make_synthetic.py``; int32 indices, float16 features):

1. ``sample``: graphlabels' ``NeighborSampler`` against DGL 1.1.3's
   ``dgl.dataloading.NeighborSampler.sample_blocks``, fanout [15, 10, 5] (seeds'
   hop first; DGL lists it input layer first, ``[5, 10, 15]``), batches of 1024
   training nodes, 1 and 2 threads, the two samplers interleaved batch by batch on
   the same seeds.
2. ``pyg``: PyG's ``NeighborLoader`` on the same settings (it needs pyg-lib or
   torch-sparse; the error is recorded).
3. ``train-ours`` / ``train-dgl``: mini-batch training of a 3-layer GraphSAGE
   (hidden 256, mean aggregation, dropout 0.5, Adam) over the training nodes,
   graphlabels (``NeighborLoader`` + blocks) against DGL's own loop
   (``dgl.dataloading.DataLoader`` + ``dgl.nn.SAGEConv``), same features
   (gathered from the memory map and upcast per batch), same fanout. Each runs in
   its own process, so peak RSS (``ru_maxrss``; it includes the pages of the
   memory-mapped files the process touched) is per job. ``--train-batches``
   limits the batches timed; the epoch time is then extrapolated from the mean.
4. ``infer-ours``: layer-wise inference of that model over all nodes;
   ``infer-full``: one full-batch forward of the same model (same seed) over the
   whole graph, for time and peak RSS; both keep every 100,000th row of the
   logits (``probe``) so that the two can be compared.

The machine may be shared: every job records ``os.getloadavg()`` before and
after. ``--quick`` runs everything on a small generated graph (for the tests).

Usage::

    python benchmarks/sampling/make_synthetic.py --out /tmp/graphlabels-products
    python benchmarks/sampling/bench_sampler.py --graph /tmp/graphlabels-products
    python benchmarks/sampling/bench_sampler.py --quick --out /tmp/q.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "results" / "sampling_cpu.json"
FANOUTS = [15, 10, 5]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _set_threads(n: int) -> None:
    torch.set_num_threads(n)
    try:
        import dgl.utils

        dgl.utils.set_num_threads(n)
    except ImportError:
        pass


def _open(path: str):
    from graphlabels.data.ondisk import open_ondisk

    return open_ondisk(path)


def _batches(og, batch_size: int, count: int, seed: int = 0) -> list[torch.Tensor]:
    idx = og.train_mask.nonzero().view(-1)
    g = torch.Generator().manual_seed(seed)
    idx = idx[torch.randperm(idx.numel(), generator=g)]
    return list(idx.split(batch_size))[:count]


def _dgl_graph(og):
    import dgl

    A = og.csr()
    return dgl.graph(
        ("csc", (A.rowptr, A.col.long(), torch.empty(0, dtype=torch.long))),
        num_nodes=og.num_nodes,
    )


# ---------------------------------------------------------------------- jobs
def _pyg_sampler(og):
    """PyG's compiled neighbour sampler on the same CSR, or why there is none.

    ``torch_geometric.sampler.NeighborSampler`` over ``adj_t`` (row ``i`` = the
    in-neighbours of ``i``, as graphlabels' CSR), sampling only (no features),
    as DGL's ``sample_blocks``; it needs pyg-lib or torch-sparse.
    """
    try:
        from torch_geometric.data import Data
        from torch_geometric.sampler import NeighborSampler, NodeSamplerInput
        from torch_sparse import SparseTensor

        A = og.csr()
        n = og.num_nodes
        adj_t = SparseTensor(
            rowptr=A.rowptr, col=A.col.long(), sparse_sizes=(n, n), is_sorted=True
        )
        sampler = NeighborSampler(Data(adj_t=adj_t, num_nodes=n), FANOUTS)
    except Exception as e:  # record what PyG says
        return None, f"{type(e).__name__}: {e}"[:300]

    def sample(seeds):
        out = sampler.sample_from_nodes(NodeSamplerInput(input_id=None, node=seeds))
        return out.node

    return sample, None


def job_sample(args) -> dict:
    import dgl

    from graphlabels.sampling import NeighborSampler

    og = _open(args.graph)
    t0 = time.perf_counter()
    g = _dgl_graph(og)
    dgl_build_s = time.perf_counter() - t0
    ours = NeighborSampler(og, FANOUTS)
    theirs = dgl.dataloading.NeighborSampler(list(reversed(FANOUTS)))
    seeds = _batches(og, args.batch_size, args.batches + 1)
    pyg, why = _pyg_sampler(og)
    out = {"dgl_graph_build_s": round(dgl_build_s, 2), "threads": {}}
    if why is not None:
        out["pyg_error"] = why
    for threads in (1, 2):
        _set_threads(threads)
        gen = torch.Generator().manual_seed(0)
        ours.sample(seeds[0], gen)  # warm-up (also the id map)
        theirs.sample_blocks(g, seeds[0])
        if pyg is not None:
            pyg(seeds[0])
        t_ours, t_dgl, t_pyg, n_ours, n_dgl, n_pyg = [], [], [], [], [], []
        for s in seeds[1:]:
            t = time.perf_counter()
            b = ours.sample(s, gen)
            t_ours.append((time.perf_counter() - t) * 1e3)
            t = time.perf_counter()
            inp, _, _ = theirs.sample_blocks(g, s)
            t_dgl.append((time.perf_counter() - t) * 1e3)
            n_ours.append(b.num_nodes)
            n_dgl.append(int(inp.numel()))
            if pyg is not None:
                t = time.perf_counter()
                n_pyg.append(int(pyg(s).numel()))
                t_pyg.append((time.perf_counter() - t) * 1e3)
        row = {
            "graphlabels_ms_median": round(statistics.median(t_ours), 2),
            "graphlabels_ms_mean": round(statistics.mean(t_ours), 2),
            "dgl_ms_median": round(statistics.median(t_dgl), 2),
            "dgl_ms_mean": round(statistics.mean(t_dgl), 2),
            "graphlabels_nodes_mean": round(statistics.mean(n_ours)),
            "dgl_nodes_mean": round(statistics.mean(n_dgl)),
            "batches": len(t_ours),
        }
        if pyg is not None:
            row["pyg_ms_median"] = round(statistics.median(t_pyg), 2)
            row["pyg_nodes_mean"] = round(statistics.mean(n_pyg))
        out["threads"][str(threads)] = row
    return out


def job_pyg(args) -> dict:
    from torch_geometric.data import Data
    from torch_geometric.loader import NeighborLoader

    og = _open(args.graph)
    ei = torch.randint(0, 1000, (2, 5000))
    data = Data(edge_index=ei, num_nodes=1000, x=torch.randn(1000, 4))
    del og
    try:
        loader = NeighborLoader(data, num_neighbors=FANOUTS, batch_size=args.batch_size)
        next(iter(loader))
    except Exception as e:  # the point: record what PyG says
        return {"works": False, "error": f"{type(e).__name__}: {e}"[:500]}
    return {"works": True}


def _train_loop(step, batches, limit: int) -> tuple[list[float], float]:
    times = []
    t_start = time.perf_counter()
    t = t_start
    for i, batch in enumerate(batches):
        step(batch)
        now = time.perf_counter()
        times.append(now - t)
        t = now
        if i + 1 >= limit:
            break
    return times, time.perf_counter() - t_start


def job_train_ours(args) -> dict:
    import torch.nn.functional as F

    from graphlabels.nn import SAGE
    from graphlabels.sampling import NeighborLoader

    _set_threads(args.threads)
    og = _open(args.graph)
    torch.manual_seed(0)
    model = SAGE(og.num_features, og.num_classes, hidden_channels=256, num_layers=3)
    model.input_dropout = 0.0  # as the DGL model (and OGB's): dropout between layers
    opt = torch.optim.Adam(model.parameters(), lr=0.003)
    loader = NeighborLoader(
        og,
        FANOUTS,
        og.train_mask,
        batch_size=args.batch_size,
        seed=0,
        prefetch=args.prefetch,
    )
    model.train()

    def step(batch):
        opt.zero_grad()
        loss = F.cross_entropy(model(batch.x, batch.blocks), batch.y)
        loss.backward()
        opt.step()

    times, total = _train_loop(step, loader, args.train_batches)
    return _train_result(times, total, len(loader), args)


def job_train_dgl(args) -> dict:
    import dgl
    import dgl.nn as dglnn
    import torch.nn.functional as F
    from torch import nn

    _set_threads(args.threads)
    og = _open(args.graph)
    g = _dgl_graph(og)
    train_idx = og.train_mask.nonzero().view(-1)

    class DGLSAGE(nn.Module):
        def __init__(self, i, h, o):
            super().__init__()
            self.layers = nn.ModuleList(
                [
                    dglnn.SAGEConv(i, h, "mean"),
                    dglnn.SAGEConv(h, h, "mean"),
                    dglnn.SAGEConv(h, o, "mean"),
                ]
            )

        def forward(self, blocks, x):
            for k, (layer, block) in enumerate(zip(self.layers, blocks, strict=True)):
                x = layer(block, x)
                if k < len(self.layers) - 1:
                    x = F.dropout(F.relu(x), 0.5, self.training)
            return x

    torch.manual_seed(0)
    model = DGLSAGE(og.num_features, 256, og.num_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.003)
    sampler = dgl.dataloading.NeighborSampler(list(reversed(FANOUTS)))
    loader = dgl.dataloading.DataLoader(
        g, train_idx, sampler, batch_size=args.batch_size, shuffle=True, num_workers=0
    )
    model.train()

    def step(item):
        inp, outp, blocks = item
        x = og.x.index_select(0, inp).float()
        y = og.y.index_select(0, outp)
        opt.zero_grad()
        loss = F.cross_entropy(model(blocks, x), y)
        loss.backward()
        opt.step()

    times, total = _train_loop(step, loader, args.train_batches)
    return _train_result(times, total, len(loader), args)


def _train_result(times: list[float], total: float, n_batches: int, args) -> dict:
    mean = statistics.mean(times[1:]) if len(times) > 1 else times[0]
    return {
        "batches_timed": len(times),
        "batches_per_epoch": n_batches,
        "batch_s_mean_after_first": round(mean, 3),
        "first_batch_s": round(times[0], 3),
        "timed_s": round(total, 2),
        "epoch_s_extrapolated": round(times[0] + mean * (n_batches - 1), 1),
        "threads": args.threads,
        "peak_rss_mb": round(_rss_mb()),
    }


def job_infer_ours(args) -> dict:
    from graphlabels.nn import SAGE
    from graphlabels.nn.inference import layerwise_inference

    _set_threads(args.threads)
    og = _open(args.graph)
    torch.manual_seed(0)
    model = SAGE(og.num_features, og.num_classes, hidden_channels=256, num_layers=3)
    t = time.perf_counter()
    out = layerwise_inference(model, og, chunk_size=args.chunk_size)
    sec = time.perf_counter() - t
    return {
        "seconds": round(sec, 1),
        "nodes": int(out.size(0)),
        "chunk_size": args.chunk_size,
        "threads": args.threads,
        "peak_rss_mb": round(_rss_mb()),
        "finite": bool(torch.isfinite(out).all()),
        "probe": _probe(out),
    }


def _probe(out: torch.Tensor) -> list[list[float]]:
    """Every 100,000th row of the logits, to compare two inference jobs."""
    return out[::100_000].tolist()


def job_infer_full(args) -> dict:
    """One full-batch forward over the whole graph (features upcast, no grad)."""
    from graphlabels.nn import SAGE

    _set_threads(args.threads)
    og = _open(args.graph)
    torch.manual_seed(0)
    model = SAGE(og.num_features, og.num_classes, hidden_channels=256, num_layers=3)
    model.eval()
    t = time.perf_counter()
    with torch.no_grad():
        out = model(og.x.float(), og.csr())
    sec = time.perf_counter() - t
    return {
        "seconds": round(sec, 1),
        "nodes": int(out.size(0)),
        "threads": args.threads,
        "peak_rss_mb": round(_rss_mb()),
        "finite": bool(torch.isfinite(out).all()),
        "probe": _probe(out),
    }


JOBS = {
    "sample": job_sample,
    "pyg": job_pyg,
    "train-ours": job_train_ours,
    "train-dgl": job_train_dgl,
    "infer-ours": job_infer_ours,
    "infer-full": job_infer_full,
}


def _run_job(name: str, args, extra: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        res_file = Path(tmp) / "res.json"
        cmd = [
            sys.executable,
            __file__,
            "--job",
            name,
            "--graph",
            args.graph,
            "--json",
            str(res_file),
            "--batch-size",
            str(args.batch_size),
            "--batches",
            str(args.batches),
            "--train-batches",
            str(args.train_batches),
            "--threads",
            str(args.threads),
            "--prefetch",
            str(args.prefetch),
            "--chunk-size",
            str(args.chunk_size),
            *extra,
        ]
        load0 = os.getloadavg()
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            res = {"failed": proc.stderr[-2000:]}
        else:
            res = json.loads(res_file.read_text())
        res["wall_s"] = round(wall, 1)
        res["loadavg_before"] = [round(v, 2) for v in load0]
        res["loadavg_after"] = [round(v, 2) for v in os.getloadavg()]
        print(name, json.dumps(res), flush=True)
        return res


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--graph", default="/tmp/graphlabels-products")
    p.add_argument("--out", default=str(OUT))
    p.add_argument("--quick", action="store_true", help="a small graph, few batches")
    p.add_argument("--batch-size", type=int, default=1024)
    p.add_argument("--batches", type=int, default=20, help="sampler batches timed")
    p.add_argument("--train-batches", type=int, default=20)
    p.add_argument("--threads", type=int, default=1, help="threads for train/infer")
    p.add_argument("--prefetch", type=int, default=2)
    p.add_argument("--chunk-size", type=int, default=65536)
    p.add_argument("--jobs", default=",".join(JOBS))
    p.add_argument("--job", default=None, help=argparse.SUPPRESS)
    p.add_argument("--json", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.job:
        res = JOBS[args.job](args)
        Path(args.json).write_text(json.dumps(res))
        return res
    tmp = None
    if args.quick:
        tmp = tempfile.TemporaryDirectory()
        sys.path.insert(0, str(Path(__file__).parent))
        from make_synthetic import make

        args.graph = str(Path(tmp.name) / "g")
        make(
            Path(args.graph),
            3000,
            30000,
            num_features=8,
            num_classes=4,
            train=600,
            valid=300,
        )
        args.batches, args.train_batches, args.batch_size = 2, 2, 64
        args.chunk_size = 1000
    from graphlabels.data.ondisk import open_ondisk

    og = open_ondisk(args.graph)
    results = {
        "graph": {
            "path": args.graph,
            "nodes": og.num_nodes,
            "edges": og.num_edges,
            "features": og.num_features,
            "x_dtype": og.meta["x_dtype"],
            "index_dtype": og.meta["index_dtype"],
            "train_nodes": int(og.train_mask.sum()),
        },
        "fanouts_seeds_hop_first": FANOUTS,
        "dgl_fanouts_input_layer_first": list(reversed(FANOUTS)),
        "batch_size": args.batch_size,
        "model": "SAGE 3 layers, hidden 256, mean, dropout 0.5 between layers (none "
        "on the input), Adam lr 0.003",
        "quick": args.quick,
        "cpu_count": os.cpu_count(),
        "torch": torch.__version__,
        "loadavg_start": [round(v, 2) for v in os.getloadavg()],
        "load": "machine shared with other processes: see loadavg per job",
        "jobs": {},
    }
    try:
        import dgl

        results["dgl"] = dgl.__version__
    except ImportError:
        results["dgl"] = None
    del og
    for name in args.jobs.split(","):
        results["jobs"][name] = _run_job(name, args, [])
    results["loadavg_end"] = [round(v, 2) for v in os.getloadavg()]
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    if tmp is not None:
        tmp.cleanup()
    return results


if __name__ == "__main__":
    main()
