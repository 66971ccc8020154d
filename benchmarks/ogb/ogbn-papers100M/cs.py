r"""Correct & Smooth on the MLP's predictions, over the memory-mapped CSR.

Huang et al. (2021): the training error is propagated (``Â``, see
:mod:`graphlabels.propagation.precompute`, clamped to [-1, 1]) and added back
with autoscale, then the corrected predictions, training labels reset, are
smoothed (clamped to [0, 1]). Every step is
:func:`graphlabels.propagation.precompute.propagate_chunked` between ``[N, C]``
float32 memory maps in ``--work``, so memory holds one block of rows. The
correction and smoothing alphas are chosen by mean validation accuracy over the
seeds; test accuracy is read for the chosen pair only.

Usage::

    python benchmarks/ogb/ogbn-papers100M/cs.py --graph /data/p100m-disk \
        --pred-dir /data/p100m-pred --work /data/p100m-cs --runs 3
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record  # noqa: E402

from graphlabels.data.ondisk import open_ondisk  # noqa: E402
from graphlabels.propagation.precompute import (  # noqa: E402
    gcn_inv_sqrt_degree,
    propagate_chunked,
)
from graphlabels.train import mean_std  # noqa: E402


def floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


class Maps:
    """Named ``[N, C]`` float32 memory maps in one folder."""

    def __init__(self, folder: Path, shape: tuple[int, int]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.shape = folder, shape

    def __call__(self, name: str) -> np.ndarray:
        """The map ``name``, opened for writing."""
        return np.lib.format.open_memmap(
            self.folder / f"{name}.npy", "w+", np.float32, self.shape
        )


def propagate(csr, x0, layers, alpha, clip, maps, names, chunk):
    """``layers`` steps of ``x <- alpha Â x + (1 - alpha) x0``; returns the map."""
    cur = x0
    for i in range(layers):
        out = maps(names[i % 2])
        propagate_chunked(*csr[:2], cur, out, alpha=alpha, x0=x0, clip=clip,
                          chunk_size=chunk, inv_sqrt_degree=csr[2])  # fmt: skip
        cur = out
    return cur


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--graph", required=True)
    p.add_argument("--pred-dir", required=True, help="pred_seed<r>.npy of mlp.py")
    p.add_argument("--work", required=True, help="folder for the [N, C] maps")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--layers", type=int, default=10)
    p.add_argument("--correction-alpha", type=floats, default=[0.5, 0.9])
    p.add_argument("--smoothing-alpha", type=floats, default=[0.5, 0.8])
    p.add_argument("--chunk-size", type=int, default=65536)
    p.add_argument("--json", default=None)
    a = p.parse_args()
    t0 = time.perf_counter()
    g = open_ondisk(a.graph)
    n, c = g.num_nodes, g.num_classes
    ptr = g.arrays["indptr"]
    csr = (ptr, g.arrays["indices"], gcn_inv_sqrt_degree(ptr))
    y = g.arrays["y"]
    idx = {k: np.load(Path(a.graph) / f"{k}_idx.npy") for k in
           ("train", "valid", "test")}  # fmt: skip
    tr = np.sort(idx["train"])
    onehot = np.eye(c, dtype=np.float32)[y[tr]]
    maps = Maps(Path(a.work), (n, c))
    scores: dict[tuple[float, float], list[tuple[float, float]]] = {}
    base = []

    def acc(m: np.ndarray, key: str) -> float:
        ids = idx[key]
        return float((np.asarray(m[ids]).argmax(1) == y[ids]).mean()) * 100

    for seed in range(a.runs):
        soft = np.load(Path(a.pred_dir) / f"pred_seed{seed}.npy", mmap_mode="r")
        base.append(acc(soft, "test"))
        err0 = maps("err0")
        for s in range(0, n, a.chunk_size):
            err0[s : s + a.chunk_size] = 0
        err0[tr] = onehot - np.asarray(soft[tr], dtype=np.float32)
        sigma = np.abs(err0[tr]).sum() / tr.size
        for ca in a.correction_alpha:
            err = propagate(csr, err0, a.layers, ca, (-1.0, 1.0), maps,
                            ("errA", "errB"), a.chunk_size)  # fmt: skip
            z0 = maps("z0")
            for s in range(0, n, a.chunk_size):
                e_ = np.asarray(err[s : s + a.chunk_size])
                norm = np.abs(e_).sum(1, keepdims=True)
                with np.errstate(divide="ignore"):
                    scale = sigma / norm
                scale[~np.isfinite(scale) | (scale > 1000)] = 1.0
                z0[s : s + a.chunk_size] = soft[s : s + a.chunk_size] + scale * e_
            z0[tr] = onehot
            for sa in a.smoothing_alpha:
                out = propagate(csr, z0, a.layers, sa, (0.0, 1.0), maps,
                                ("zA", "zB"), a.chunk_size)  # fmt: skip
                res = (acc(out, "valid"), acc(out, "test"))
                scores.setdefault((ca, sa), []).append(res)
                print(f"seed {seed} correction {ca} smoothing {sa}: val "
                      f"{res[0]:.2f} test {res[1]:.2f}")  # fmt: skip
    best = max(scores, key=lambda k: np.mean([v for v, _ in scores[k]]))
    test = [t for _, t in scores[best]]
    val = [v for v, _ in scores[best]]
    tm, ts = mean_std(test)
    bm, bs = mean_std(base)
    print(f"C&S: test {tm:.2f} ± {ts:.2f} (MLP {bm:.2f} ± {bs:.2f}), chosen "
          f"on validation: correction {best[0]}, smoothing {best[1]}")  # fmt: skip
    record(a.json, "cs", t0, runs=a.runs, layers=a.layers, test_acc=test,
           val_acc=val, test_acc_mean=round(tm, 2), test_acc_std=round(ts, 2),
           base_test_acc_mean=round(bm, 2), base_test_acc_std=round(bs, 2),
           chosen={"correction_alpha": best[0], "smoothing_alpha": best[1]},
           grid={"correction_alpha": a.correction_alpha,
                 "smoothing_alpha": a.smoothing_alpha},
           configs=len(list(itertools.product(a.correction_alpha,
                                              a.smoothing_alpha))))  # fmt: skip


if __name__ == "__main__":
    main()
