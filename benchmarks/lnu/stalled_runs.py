"""Does a GCN recipe train on every split? Training accuracy at the chosen epoch.

The official LNU recipe (one hidden layer of 16 units, Adam lr 0.01, weight decay
5e-4, 500 epochs, patience 100) stalls on some splits of the Amazon graphs. This
script trains it split by split with graphlabels' GCN and, when PyG is installed,
with a two-layer PyG ``GCNConv`` model in the same training loop, and prints the
training, validation and test accuracy at the best-validation epoch:

    python benchmarks/lnu/stalled_runs.py amazon-computers --splits 9,6 --hidden 16
"""

from __future__ import annotations

import argparse

import torch
import torch.nn.functional as F

from graphlabels.data import load
from graphlabels.train.presets import model_factory
from graphlabels.train.trainer import fit, seed_everything


def pyg_gcn(in_channels: int, hidden: int, out_channels: int) -> torch.nn.Module:
    """Two PyG ``GCNConv`` layers with ReLU and dropout 0.5 between them."""
    from torch_geometric.nn import GCNConv

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = GCNConv(in_channels, hidden)
            self.conv2 = GCNConv(hidden, out_channels)

        def forward(self, x, edge_index):
            x = F.dropout(F.relu(self.conv1(x, edge_index)), 0.5, self.training)
            return self.conv2(x, edge_index)

    return Net()


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dataset")
    p.add_argument("--splits", default="0", help="comma-separated split indices")
    p.add_argument("--hidden", type=int, default=16)
    p.add_argument("--epochs", type=int, default=500)
    p.add_argument("--patience", type=int, default=100)
    p.add_argument("--root", default=None)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    graph = load(args.dataset, root=args.root)
    # the LNU recipe's model, built as `graphlabels lnu` builds it
    recipe = {"hidden_channels": args.hidden, "dropout": 0.5, "input_dropout": 0.0}
    impls = {"graphlabels": lambda: model_factory("gcn", graph, **recipe)(0)}
    try:
        import torch_geometric  # noqa: F401

        impls["pyg"] = lambda: pyg_gcn(
            graph.num_features, args.hidden, graph.num_classes
        )
    except ImportError:
        print("PyG not installed: graphlabels' GCN only")
    rows = []
    for split in (int(s) for s in args.splits.split(",")):
        for name, make in impls.items():
            seed_everything(split)
            r = fit(
                make(), graph, epochs=args.epochs, lr=0.01, weight_decay=5e-4,
                patience=args.patience, seed=split, split=split,
            )  # fmt: skip
            row = {
                "split": split,
                "impl": name,
                "train_acc": round(r.train_acc, 1),
                "val_acc": round(r.val_acc, 1),
                "test_acc": round(r.test_acc, 1),
                "best_epoch": r.best_epoch,
            }
            rows.append(row)
            print(row, flush=True)
    return rows


if __name__ == "__main__":
    main()
