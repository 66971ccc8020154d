"""Shared helpers of the kernel benchmarks: graphs, timing, records, plots."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graphlabels.data.synthetic import PRESETS, power_law_graph  # noqa: E402

SHARED = Path(os.environ.get("GRAPHLABELS_DATA") or ROOT.parent / "shared" / "datasets")


def load_cora() -> tuple[torch.Tensor, int]:
    """Cora's edge_index via graphlabels.data.load, else straight from the files."""
    try:
        from graphlabels.data import load

        g = load("cora", root=SHARED)
        return g.edge_index, g.num_nodes
    except Exception:  # the loader may not be available yet
        import pickle

        import numpy as np

        with open(SHARED / "planetoid" / "ind.cora.graph", "rb") as f:
            adj = pickle.load(f, encoding="latin1")
        n = 2708
        pairs = [(s, t) for s, ts in adj.items() for t in ts if s != t]
        ei = torch.as_tensor(np.array(pairs).T, dtype=torch.long)
        ei = torch.unique(torch.cat([ei, ei.flip(0)], 1), dim=1)
        return ei, n


def graph(name: str) -> tuple[torch.Tensor, int]:
    """``(edge_index, num_nodes)`` for ``cora``, a preset, or ``plN_M``."""
    if name == "cora":
        return load_cora()
    if name in PRESETS:
        n, _ = PRESETS[name]
        return power_law_graph(name, seed=0), n
    if name.startswith("grid"):  # e.g. grid448: a 448 x 448 king's-move lattice
        side = int(name[4:])
        return shuffled_grid(side), side * side
    if name.startswith("pl"):
        n, m = (int(float(v)) for v in name[2:].split("_"))
        return power_law_graph(n, m, seed=0), n
    raise KeyError(name)


def shuffled_grid(side: int, seed: int = 0) -> torch.Tensor:
    """A 2-D lattice (8 neighbours) with randomly shuffled node ids.

    It has perfect locality hidden by the shuffle: the case reordering is for.
    """
    ids = torch.arange(side * side).view(side, side)
    pairs = []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        a = ids[max(0, -dr) : side - max(0, dr), max(0, -dc) : side - max(0, dc)]
        b = ids[max(0, dr) : side + min(0, dr), max(0, dc) : side + min(0, dc)]
        pairs.append(torch.stack([a.reshape(-1), b.reshape(-1)]))
    ei = torch.cat(pairs, 1)
    ei = torch.cat([ei, ei.flip(0)], 1)
    perm = torch.randperm(side * side, generator=torch.Generator().manual_seed(seed))
    return perm[ei]


def train_epoch(model, x, adj, y) -> Callable[[], None]:
    """One Adam (lr 0.01) training epoch of ``model(x, adj)`` on all labels ``y``."""
    opt = torch.optim.Adam(model.parameters(), lr=0.01)

    def run() -> None:
        model.train()
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x, adj), y).backward()
        opt.step()

    return run


def bench_args(doc: str | None, reps: int) -> argparse.Namespace:
    """Parse the options of the kernel and layer benchmarks and apply ``--threads``.

    ``--reps`` defaults to ``reps``.
    """
    p = argparse.ArgumentParser(description=doc)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--json", default=None)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--reps", type=int, default=reps)
    p.add_argument("--graphs", nargs="*", default=None)
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    return args


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def median_ms(fn: Callable[[], object], cuda: bool, rep: int = 40) -> float:
    """Median milliseconds of ``fn`` (``triton``'s ``do_bench`` over ``rep`` ms).

    Without CUDA (the Triton interpreter) one call is timed.
    """
    if cuda:
        from triton.testing import do_bench

        return float(do_bench(fn, warmup=10, rep=rep, return_mode="median"))
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1e3


def _peak(fn, device) -> float | None:
    if device.type != "cuda":
        return None
    sync(device)
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    fn()
    sync(device)
    return (torch.cuda.max_memory_allocated() - base) / 2**30


def compare(
    fns: dict[str, Callable[[], object]],
    device: torch.device,
    reps: int = 5,
    warmup: int = 1,
) -> dict[str, tuple[float | None, float | None, str]]:
    """Time several implementations round-robin; ``name -> (ms, peak GB, error)``.

    Runs are interleaved so that load from other processes hits all of them
    alike, and the best of ``reps`` is kept (the least disturbed run). Peak
    memory (CUDA only) is measured in one extra run. An implementation that
    fails (out of memory, unsupported input) gets ``(None, None, reason)``.
    """
    res: dict[str, tuple[float | None, float | None, str]] = {}
    live = {}
    for name, fn in fns.items():
        try:
            for _ in range(warmup):
                fn()
            res[name] = (None, _peak(fn, device), "")
            live[name] = fn
        except torch.OutOfMemoryError:
            res[name] = (None, None, "out of memory")
        except Exception as exc:  # a baseline that does not support this input
            res[name] = (None, None, f"{type(exc).__name__}: {exc}"[:160])
        if device.type == "cuda":
            torch.cuda.empty_cache()
    times: dict[str, list[float]] = {k: [] for k in live}
    for _ in range(reps):
        for name, fn in live.items():
            sync(device)
            t0 = time.perf_counter()
            fn()
            sync(device)
            times[name].append((time.perf_counter() - t0) * 1e3)
    for name in live:
        res[name] = (min(times[name]), res[name][1], "")
    return res


def record(
    out: list,
    *,
    op: str,
    impl: str,
    baseline: str,
    graph: str,
    n: int,
    m: int,
    F: int,
    dtype: torch.dtype,
    device: torch.device,
    ms: float | None,
    baseline_ms: float | None,
    peak_mem_gb: float | None = None,
    note: str = "",
) -> dict:
    speedup = baseline_ms / ms if ms and baseline_ms else None
    rec = {
        "op": op,
        "impl": impl,
        "baseline": baseline,
        "graph": graph,
        "n": n,
        "m": m,
        "F": F,
        "dtype": str(dtype).replace("torch.", ""),
        "device": device.type,
        "ms": None if ms is None else round(ms, 3),
        "baseline_ms": None if baseline_ms is None else round(baseline_ms, 3),
        "speedup": None if speedup is None else round(speedup, 3),
        "peak_mem_gb": None if peak_mem_gb is None else round(peak_mem_gb, 3),
    }
    if note:
        rec["note"] = note
    out.append(rec)
    print(
        f"{op:>22} {graph:>10} F={F:<4} {rec['dtype']:>8} {impl:>26} "
        f"{rec['ms']!s:>10} ms | {baseline:>24} {rec['baseline_ms']!s:>10} ms "
        f"| x{rec['speedup']} {note}",
        flush=True,
    )
    return rec


def save(records: list, path: str | None) -> None:
    """Write the JSON list (merging with records of other ops already there)."""
    if not path:
        return
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(records, indent=1) + "\n")
    plot(records, p.with_suffix(".png"))
    print(f"wrote {p} and {p.with_suffix('.png')}")


def plot(records: list, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot")
        return
    rows = [r for r in records if r["speedup"]]
    if not rows:
        return
    labels = [
        f"{r['op']} {r['graph']} F={r['F']} {r['dtype']}\n"
        f"{r['impl']} vs {r['baseline']}"
        for r in rows
    ]
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(rows) + 1.5))
    ys = range(len(rows))
    ax.barh(
        list(ys),
        [r["speedup"] for r in rows],
        color=["tab:green" if r["speedup"] >= 1 else "tab:red" for r in rows],
    )
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_xscale("log")
    ax.set_yticks(list(ys))
    ax.set_yticklabels(labels, fontsize=5)
    ax.invert_yaxis()
    ax.set_xlabel("speedup (baseline ms / graphlabels ms), same run")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
