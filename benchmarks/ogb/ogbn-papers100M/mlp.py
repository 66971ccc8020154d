r"""An MLP on memory-mapped SGC features of ogbn-papers100M, in mini-batches.

Reads the features written by ``sgc.py`` (memory-mapped, upcast per batch), the
labels and OGB's split from the converted on-disk folder. Each seed trains a
fresh MLP with Adam on shuffled batches of training nodes, evaluates on the
validation nodes every epoch, keeps the best-validation weights (early stopping
with ``--patience``) and reports test accuracy at that epoch; mean ± unbiased
std over seeds. With ``--pred-dir`` the softmax of every node is written per seed
(``[N, C]`` float16, memory-mapped) for ``cs.py``.

Usage::

    python benchmarks/ogb/ogbn-papers100M/mlp.py --graph /data/p100m-disk \
        --features /data/p100m-disk/sgc3.npy --pred-dir /data/p100m-pred --runs 3
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record  # noqa: E402

from graphlabels.data.ondisk import open_ondisk  # noqa: E402
from graphlabels.nn.models import MLP  # noqa: E402
from graphlabels.train import mean_std, seed_everything  # noqa: E402


def rows(feat: np.ndarray, ids: np.ndarray) -> torch.Tensor:
    """Feature rows ``ids`` (sorted for sequential reads) as float32."""
    return torch.from_numpy(np.asarray(feat[ids], dtype=np.float32))


@torch.no_grad()
def accuracy(model, x: torch.Tensor, y: torch.Tensor, chunk: int = 65536) -> float:
    model.eval()
    pred = torch.cat([model(x[s : s + chunk]).argmax(-1) for s in
                      range(0, x.shape[0], chunk)])  # fmt: skip
    return float((pred == y).float().mean()) * 100


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--graph", required=True)
    p.add_argument("--features", required=True, help="the .npy of sgc.py")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--lr", type=float, default=0.005)
    p.add_argument("--batch-size", type=int, default=4096)
    p.add_argument("--epochs", type=int, default=50)
    p.add_argument("--patience", type=int, default=5)
    p.add_argument("--pred-dir", default=None)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--json", default=None)
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    g = open_ondisk(a.graph)
    feat = np.load(a.features, mmap_mode="r")
    y = g.y
    idx = {k: np.load(Path(a.graph) / f"{k}_idx.npy") for k in
           ("train", "valid", "test")}  # fmt: skip
    xv, xt = rows(feat, np.sort(idx["valid"])), rows(feat, np.sort(idx["test"]))
    yv = y[np.sort(idx["valid"])].clone()
    yt = y[np.sort(idx["test"])].clone()
    c = g.num_classes
    val, test, epochs = [], [], []
    for seed in range(a.runs):
        seed_everything(seed)
        rng = np.random.default_rng(seed)
        model = MLP(feat.shape[1], c, a.hidden, a.layers, a.dropout, batch_norm=True)
        opt = torch.optim.Adam(model.parameters(), lr=a.lr)
        best, best_state, best_epoch, since = -1.0, None, 0, 0
        for epoch in range(a.epochs):
            model.train()
            perm = rng.permutation(idx["train"])
            for s in range(0, perm.size, a.batch_size):
                ids = np.sort(perm[s : s + a.batch_size])
                opt.zero_grad()
                loss = F.cross_entropy(model(rows(feat, ids)), y[ids])
                loss.backward()
                opt.step()
            acc = accuracy(model, xv, yv)
            if acc > best:
                best, best_epoch, since = acc, epoch, 0
                best_state = copy.deepcopy(model.state_dict())
            else:
                since += 1
                if since >= a.patience:
                    break
        model.load_state_dict(best_state)
        val.append(best)
        test.append(accuracy(model, xt, yt))
        epochs.append(best_epoch + 1)
        print(f"seed {seed}: val {val[-1]:.2f} test {test[-1]:.2f} "
              f"(best epoch {best_epoch + 1})")  # fmt: skip
        if a.pred_dir:
            out_dir = Path(a.pred_dir)
            out_dir.mkdir(parents=True, exist_ok=True)
            out = np.lib.format.open_memmap(
                out_dir / f"pred_seed{seed}.npy", "w+", np.float16, (g.num_nodes, c)
            )
            model.eval()
            with torch.no_grad():
                for s in range(0, g.num_nodes, 65536):
                    e = min(g.num_nodes, s + 65536)
                    xb = torch.from_numpy(np.asarray(feat[s:e], dtype=np.float32))
                    out[s:e] = model(xb).softmax(-1).numpy()
            out.flush()
            del out
    tm, ts = mean_std(test)
    vm, vs = mean_std(val)
    print(f"MLP on {a.features}: test {tm:.2f} ± {ts:.2f} (val {vm:.2f} ± {vs:.2f})")
    record(a.json, "mlp", t0, runs=a.runs, test_acc=test, val_acc=val,
           test_acc_mean=round(tm, 2), test_acc_std=round(ts, 2),
           val_acc_mean=round(vm, 2), val_acc_std=round(vs, 2), best_epochs=epochs,
           hyperparameters={k: getattr(a, k) for k in ("hidden", "layers",
                            "dropout", "lr", "batch_size", "epochs",
                            "patience")})  # fmt: skip


if __name__ == "__main__":
    main()
