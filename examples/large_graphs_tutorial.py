"""Large graphs: on-disk arrays, neighbour sampling, mini-batches, exact inference.

A full-batch GNN keeps the whole graph and every layer's activations of every node
in memory. This tutorial walks through the pieces graphlabels offers when that does
not fit (ogbn-products, papers100M), on a small graph so that it runs in seconds:

1. write a graph as a folder of ``.npy`` files and open it memory-mapped;
2. sample a mini-batch: blocks for graphlabels' layers, a PyG-style subgraph for
   your own PyG model;
3. train with ``MiniBatchTrainer`` (a drop-in trainer for every algorithm that
   takes ``trainer=``);
4. check that layer-wise inference gives the full-batch logits.

Run it with ``python examples/large_graphs_tutorial.py``. For a products-size graph
use ``benchmarks/sampling/make_synthetic.py`` (or ``convert_ogb`` for the real one)
and pass the folder with ``--ondisk``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import torch

from graphlabels.data.ondisk import open_ondisk, write_ondisk
from graphlabels.data.synthetic import csbm
from graphlabels.nn import SAGE
from graphlabels.nn.adapters import minibatch_to_pyg
from graphlabels.nn.inference import layerwise_inference
from graphlabels.sampling import NeighborLoader
from graphlabels.train import MiniBatchTrainer, seed_everything


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ondisk", type=Path, default=None, help="an on-disk folder")
    args = p.parse_args()
    tmp = tempfile.TemporaryDirectory()

    # 1. On disk. indptr/indices hold the in-edge CSR (int32 when the ids fit),
    #    x may be float16 or bfloat16; nothing but the split masks is read now.
    if args.ondisk is None:
        graph = csbm(
            5000, num_classes=4, homophily=0.8, num_features=32, seed=0, as_graph=True
        )
        args.ondisk = write_ondisk(graph, Path(tmp.name) / "csbm", x_dtype="float16")
    og = open_ondisk(args.ondisk)
    print("1.", og)

    # 2. A mini-batch. Fanouts are per hop, the seeds' hop first (PyG's
    #    num_neighbors); the seeds come first in n_id. The blocks (input layer first)
    #    feed graphlabels' layers; the PyG view feeds any PyG model.
    loader = NeighborLoader(og, [10, 5], og.train_mask, batch_size=256, seed=0)
    batch = next(iter(loader))
    print("2.", batch)
    for i, b in enumerate(batch.blocks):
        print(
            f"   block {i}: {b.num_dst} destinations <- {b.num_src} sources, "
            f"{b.nnz} edges"
        )
    data = minibatch_to_pyg(batch)
    print(
        f"   PyG view: x {tuple(data.x.shape)} (float32), edge_index "
        f"{tuple(data.edge_index.shape)}, batch_size {data.batch_size}"
    )

    # 3. Training. The trainer samples batches in a background thread, evaluates
    #    with layer-wise inference, and returns eval logits for every node.
    seed_everything(0)
    model = SAGE(og.num_features, og.num_classes, hidden_channels=64, num_layers=2)
    trainer = MiniBatchTrainer(batch_size=256, fanouts=(10, 5), epochs=10, lr=0.01)
    res = trainer(model, og, seed=0)
    print(
        f"3. val {res.val_acc:.1f}  test {res.test_acc:.1f}  "
        f"(best epoch {res.best_epoch}, logits {tuple(res.logits.shape)})"
    )

    # 4. Layer-wise inference computes layer 1 for all nodes (in chunks whose whole
    #    in-neighbourhood forms one block), then layer 2: the full-batch result.
    out = layerwise_inference(model, og, chunk_size=1000)
    if og.num_nodes <= 100_000:
        with torch.no_grad():
            full = model.eval()(og.x.float(), og.csr())
        diff = float((out - full).abs().max())
        print(f"4. layer-wise vs full batch: max |difference| {diff:.1e}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
