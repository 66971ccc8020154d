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
from collections.abc import Iterable, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from graphlabels.nn.adapters import as_graph_module, input_features, input_kind
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
                f"{type(self).__name__} got unsupported options {sorted(options)}"
            )
        run = self._begin(model, graph, y, train_mask, seed, split, sample_weight)
        self._fit(run)
        return self._end(run)

    # ------------------------------------------------- pieces a subclass changes
    def _begin(
        self,
        model: nn.Module,
        graph: Any,
        y: Tensor | None,
        train_mask: Tensor | None,
        seed: int | None,
        split: int,
        sample_weight: Tensor | None,
    ) -> _Run:
        """Check the inputs and set up the model, optimiser and loader."""
        if seed is not None:
            seed_everything(seed)
        if graph.num_splits > 1:
            graph = graph.split(split)
        if getattr(graph, "x", None) is None:
            raise ValueError("graph has no node features x: models need features")
        kind = self._kind(model)
        target, masks = _fit_inputs(graph, y, train_mask, None)
        if device := self.device:
            model = model.to(device)
        p = next(iter(model.parameters()), None)
        if p is None:
            raise ValueError(f"{type(model).__name__} has no trainable parameters")
        params = [q for q in model.parameters() if q.requires_grad]
        opt = torch.optim.Adam(params, lr=self.lr, weight_decay=self.weight_decay)
        return _Run(
            model=model,
            net=model,
            graph=graph,
            kind=kind,
            device=p.device,
            opt=opt,
            loader=self._loader(
                graph,
                masks[0],
                target,
                seed,
                x=input_features(model, graph) if kind == "blocks" else None,
            ),
            target=target,
            masks=masks,
            weights=None if sample_weight is None else torch.as_tensor(sample_weight),
            best_state=copy.deepcopy(model.state_dict()),
        )

    def _loader(
        self,
        graph: Any,
        train: Tensor,
        target: Tensor,
        seed: int | None,
        x: Tensor | None = None,
    ) -> NeighborLoader:
        """The loader of the training batches (gathering ``x`` if given)."""
        return NeighborLoader(
            graph,
            self.fanouts,
            train,
            batch_size=self.batch_size,
            shuffle=True,
            replace=self.replace,
            seed=seed,
            prefetch=self.prefetch,
            y=target,
            x=x,
        )

    def _batches(self, run: _Run, epoch: int) -> Iterable[Any]:
        """The batches of ``epoch`` (a fixed function of the seed and epoch)."""
        run.loader.set_epoch(epoch)
        return run.loader

    def _train_step(self, run: _Run, batch: Any) -> float:
        """One optimiser step on ``batch``; its mean loss."""
        batch = batch.to(run.device)
        run.opt.zero_grad()
        if run.kind == "blocks":
            out = run.net(batch.x, batch.blocks)
        else:
            out = run.net(batch.x, batch.edge_index)[: batch.batch_size]
        if run.weights is None:
            loss = F.cross_entropy(out, batch.y)
        else:
            w = run.weights.index_select(0, batch.seeds.cpu()).float().to(run.device)
            loss = F.cross_entropy(out, batch.y, reduction="none")
            loss = (loss * w).sum() / w.sum().clamp_min(1e-12)
        loss.backward()
        run.opt.step()
        return float(loss.detach())

    def _score(self, run: _Run, logits: Tensor) -> tuple[float, float]:
        """Validation ``(accuracy, -loss)`` of ``logits``: larger is better."""
        y, va = run.graph.y, run.masks[1]
        return accuracy(logits, y, va), -float(F.cross_entropy(logits[va], y[va]))

    def _after_epoch(self, run: _Run) -> None:
        """Called after each epoch (and its evaluation); does nothing here."""

    def _progress(self) -> bool:
        return self.progress

    def _fit(self, run: _Run) -> None:
        """The epochs from ``run.start``: train, evaluate, early-stop."""
        va = run.masks[1]
        bar = tqdm(
            range(run.start, self.epochs), desc="epochs", disable=not self._progress()
        )
        for epoch in bar:
            run.epoch = epoch
            run.net.train()
            total, count = 0.0, 0
            for batch in self._batches(run, epoch):
                total += self._train_step(run, batch) * batch.batch_size
                count += batch.batch_size
            last = epoch + 1 == self.epochs
            if va is not None and not ((epoch + 1) % self.eval_every and not last):
                logits = self._infer(run.model, run.graph, run.kind, run.device)
                score = self._score(run, logits)
                best = run.best
                if score[0] > best[0] or (score[0] == best[0] and score[1] > best[1]):
                    run.best, run.best_epoch, run.since = score, epoch, 0
                    run.best_state = copy.deepcopy(run.model.state_dict())
                    run.best_logits = logits
                else:
                    run.since += 1
                if self._progress():
                    bar.set_postfix(
                        loss=f"{total / max(count, 1):.3f}", val=f"{score[0]:.1f}"
                    )
                if self.patience is not None and run.since >= self.patience:
                    run.stopped = True
            self._after_epoch(run)
            if run.stopped:
                break

    def _end(self, run: _Run) -> FitResult:
        """Restore the best weights; the result with all-node eval logits."""
        model = run.model
        if run.masks[1] is not None:
            model.load_state_dict(run.best_state)
        else:
            run.best_epoch = run.epoch
        logits = run.best_logits
        if logits is None:
            logits = self._infer(model, run.graph, run.kind, run.device)
        model.eval()
        return _fit_result(
            model,
            logits,
            run.graph.y,
            run.target,
            run.masks,
            run.best_epoch,
            run.epoch + 1,
        )


@dataclasses.dataclass(eq=False)
class _Run:
    """The state of one training call of :class:`MiniBatchTrainer`.

    ``net`` is the module trained (``model`` itself, or a wrapper of it such as
    ``DistributedDataParallel``); ``epoch`` is the epoch running or last run,
    ``start`` the first epoch to run (after a resumed checkpoint), ``best`` the
    best validation ``(accuracy, -loss)``.
    """

    model: nn.Module
    net: nn.Module
    graph: Any
    kind: str
    device: torch.device
    opt: torch.optim.Optimizer
    loader: Any
    target: Tensor
    masks: tuple[Tensor, Tensor | None, Tensor | None]
    weights: Tensor | None
    best_state: dict[str, Any]
    best: tuple[float, float] = (-1.0, float("-inf"))
    best_logits: Tensor | None = None
    best_epoch: int = 0
    since: int = 0
    epoch: int = -1
    start: int = 0
    stopped: bool = False
    seed: int | None = None
