"""Neighbour-sampled mini-batch training with layer-wise full-graph inference.

:class:`MiniBatchTrainer` implements the trainer protocol
(:class:`graphlabels.train.Trainer`): it trains on sampled computation graphs of
the training nodes (GraphSAGE / PyG ``NeighborLoader`` / DGL blocks), evaluates
with exact layer-wise inference over all nodes, keeps the best-validation weights
and returns eval-mode logits for every node. Any algorithm that takes
``trainer=`` can thus train on graphs whose full-batch forward does not fit in
memory, including memory-mapped on-disk graphs.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from graphlabels.nn.adapters import as_graph_module, input_kind
from graphlabels.nn.inference import layerwise_inference, supports_blocks
from graphlabels.sampling import NeighborLoader
from graphlabels.train.trainer import (
    FitResult,
    _fit_inputs,
    _fit_result,
    accuracy,
    seed_everything,
)

__all__ = ["MiniBatchTrainer"]


@dataclasses.dataclass
class MiniBatchTrainer:
    """Sampled mini-batch training, layer-wise inference, early stopping.

    graphlabels' ``GCN``, ``SAGE``, ``GAT`` and ``MLP`` train on the sampled
    blocks (``model(batch.x, batch.blocks)``) and are evaluated with
    :func:`graphlabels.nn.inference.layerwise_inference`, which gives the
    full-batch logits with memory bounded by one layer. A PyG-style model
    (``forward(x, edge_index)``) trains on the PyG-style subgraph of each batch
    and is evaluated with one full-batch forward (the graph must fit in memory).

    Args:
        batch_size: seed (training) nodes per batch (default: ``1024``).
        fanouts: sampled in-neighbours per hop, seeds' hop first, one per layer
            (PyG's ``num_neighbors``; ``-1`` takes all) (default: ``(15, 10)``).
        epochs: maximum epochs over the training nodes (default: ``20``).
        lr: Adam learning rate (default: ``0.003``).
        weight_decay: L2 penalty (default: ``0.0``).
        patience: evaluations without a better validation score before stopping;
            ``None`` never stops early (default: ``10``).
        eval_every: evaluate (layer-wise inference over all nodes) every this many
            epochs (default: ``1``).
        eval_chunk_size: destination nodes per chunk of layer-wise inference
            (default: ``16384``).
        prefetch: batches sampled ahead in a background thread; ``0`` samples in
            the training thread (default: ``2``).
        replace: sample neighbours with replacement (default: ``False``).
        device: device of the model and batches (default: the model's device).
        progress: show progress bars over epochs (default: ``False``).

    Example:
        >>> import torch
        >>> from graphlabels.graph import Graph
        >>> from graphlabels.nn import SAGE
        >>> i = torch.arange(100)
        >>> graph = Graph(torch.randint(0, 100, (2, 1000)), 100, x=torch.randn(100, 8),
        ...               y=i % 3, train_mask=i < 50, val_mask=(i >= 50) & (i < 75),
        ...               test_mask=i >= 75)
        >>> trainer = MiniBatchTrainer(batch_size=16, fanouts=(5, 5), epochs=2)
        >>> res = trainer(SAGE(8, 3), graph, seed=0)
        >>> res.logits.shape == (graph.num_nodes, graph.num_classes)
        True
    """

    batch_size: int = 1024
    fanouts: Sequence[int] = (15, 10)
    epochs: int = 20
    lr: float = 0.003
    weight_decay: float = 0.0
    patience: int | None = 10
    eval_every: int = 1
    eval_chunk_size: int = 16384
    prefetch: int = 2
    replace: bool = False
    device: str | None = None
    progress: bool = False

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ValueError(f"epochs must be >= 1, got {self.epochs}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")
        if self.eval_every < 1:
            raise ValueError(f"eval_every must be >= 1, got {self.eval_every}")
        self.fanouts = tuple(int(k) for k in self.fanouts)
        if not self.fanouts or any(k == 0 or k < -1 for k in self.fanouts):
            raise ValueError(
                f"fanouts must list one positive fanout (or -1) per layer, got "
                f"{list(self.fanouts)}"
            )

    # ----------------------------------------------------------------- helpers
    def _kind(self, model: nn.Module) -> str:
        if supports_blocks(model):
            layers = getattr(model, "layers", None)
            from graphlabels.nn.models import MLP

            if layers is not None and not isinstance(model, MLP):
                if len(layers) != len(self.fanouts):
                    raise ValueError(
                        f"the model has {len(layers)} layers but fanouts has "
                        f"{len(self.fanouts)} entries {list(self.fanouts)}: give "
                        "one fanout per layer"
                    )
            return "blocks"
        if input_kind(model) == "pyg":
            return "pyg"
        raise TypeError(
            f"MiniBatchTrainer cannot train {type(model).__name__}: use a "
            "graphlabels GCN/SAGE/GAT/MLP, a PyG-style forward(x, edge_index) "
            "model, or graphlabels.train.FullBatchTrainer"
        )

    def _infer(self, model: nn.Module, graph: Any, kind: str, device) -> Tensor:
        if kind == "blocks":
            return layerwise_inference(
                model, graph, chunk_size=self.eval_chunk_size, device=device
            )
        model.eval()
        with torch.no_grad():
            return as_graph_module(model)(graph.to(device)).detach().cpu()

    # -------------------------------------------------------------------- call
    def __call__(
        self,
        model: nn.Module,
        graph: Any,
        *,
        y: Tensor | None = None,
        train_mask: Tensor | None = None,
        seed: int | None = None,
        split: int = 0,
        sample_weight: Tensor | None = None,
        **options: Any,
    ) -> FitResult:
        """Train ``model`` on sampled batches; return all-node eval logits.

        Args:
            model: the model to train (in place).
            graph: a :class:`~graphlabels.graph.Graph` or an on-disk graph; a
                multi-split graph uses split ``split``.
            y: training targets instead of ``graph.y``; validation and test are
                scored against ``graph.y``.
            train_mask: training nodes instead of ``graph.train_mask``.
            seed: seed everything, and the batch order and draws (default: leave
                the RNG alone and draw a sampling seed from it).
            split: which split of a multi-split graph (default: ``0``).
            sample_weight: per-node loss weights ``[N]``.
            **options: none are supported beyond the above.

        Returns:
            A :class:`~graphlabels.train.FitResult`.
        """
        if options:
            raise TypeError(
                f"MiniBatchTrainer got unsupported options {sorted(options)}"
            )
        if seed is not None:
            seed_everything(seed)
        if graph.num_splits > 1:
            graph = graph.split(split)
        if getattr(graph, "x", None) is None:
            raise ValueError("graph has no node features x: models need features")
        kind = self._kind(model)
        target, (tr, va, te) = _fit_inputs(graph, y, train_mask, None)
        if device := self.device:
            model = model.to(device)
        p = next(iter(model.parameters()), None)
        if p is None:
            raise ValueError(f"{type(model).__name__} has no trainable parameters")
        device = p.device
        params = [q for q in model.parameters() if q.requires_grad]
        opt = torch.optim.Adam(params, lr=self.lr, weight_decay=self.weight_decay)
        loader = NeighborLoader(
            graph,
            self.fanouts,
            tr,
            batch_size=self.batch_size,
            shuffle=True,
            replace=self.replace,
            seed=seed,
            prefetch=self.prefetch,
            y=target,
        )
        w_all = None if sample_weight is None else torch.as_tensor(sample_weight)

        best = (-1.0, float("-inf"))
        best_state = copy.deepcopy(model.state_dict())
        best_logits: Tensor | None = None
        best_epoch, since, epoch = 0, 0, -1
        bar = tqdm(range(self.epochs), desc="epochs", disable=not self.progress)
        for epoch in bar:
            model.train()
            total, count = 0.0, 0
            for batch in loader:
                batch = batch.to(device)
                opt.zero_grad()
                if kind == "blocks":
                    out = model(batch.x, batch.blocks)
                else:
                    out = model(batch.x, batch.edge_index)[: batch.batch_size]
                if w_all is None:
                    loss = F.cross_entropy(out, batch.y)
                else:
                    w = w_all.index_select(0, batch.seeds.cpu()).float().to(device)
                    loss = F.cross_entropy(out, batch.y, reduction="none")
                    loss = (loss * w).sum() / w.sum().clamp_min(1e-12)
                loss.backward()
                opt.step()
                total += float(loss.detach()) * batch.batch_size
                count += batch.batch_size
            last = epoch + 1 == self.epochs
            if va is None or ((epoch + 1) % self.eval_every and not last):
                continue
            logits = self._infer(model, graph, kind, device)
            yv = graph.y[va]
            score = (
                accuracy(logits, graph.y, va),
                -float(F.cross_entropy(logits[va], yv)),
            )
            if score[0] > best[0] or (score[0] == best[0] and score[1] > best[1]):
                best, best_epoch, since = score, epoch, 0
                best_state = copy.deepcopy(model.state_dict())
                best_logits = logits
            else:
                since += 1
            if self.progress:
                bar.set_postfix(
                    loss=f"{total / max(count, 1):.3f}", val=f"{score[0]:.1f}"
                )
            if self.patience is not None and since >= self.patience:
                break
        if va is not None:
            model.load_state_dict(best_state)
        else:
            best_epoch = epoch
        logits = best_logits
        if logits is None:
            logits = self._infer(model, graph, kind, device)
        model.eval()
        return _fit_result(
            model, logits, graph.y, target, (tr, va, te), best_epoch, epoch + 1
        )
