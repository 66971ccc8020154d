r"""Training labels as input: the label trick of Wang et al. (2021).

*Bag of Tricks for Node Classification with Graph Neural Networks* (Wang, Jin, Zhang,
Guo & Lu, 2021) feeds one-hot training labels to the model beside the features:

.. math::
    h_v^{(0)} = \big[\, x_v \,\big\|\, \hat y_v \,\big], \qquad
    \hat y_v = \begin{cases} \operatorname{onehot}(y_v) & v \in \mathcal{L}_{in} \\
    0 & \text{otherwise.} \end{cases}

At every training step the training nodes are split at random: labels of the
*input* part :math:`\mathcal{L}_{in}` enter the features and the loss is taken on
the other part only (``mask_rate`` of the training nodes), so no node's label ever
enters its own training prediction. At evaluation every training label is input;
no validation or test label is ever read. With ``reuse=k`` the predicted
distributions of every node whose label is not input are fed back ``k`` times
(label reuse).

:class:`LabelInput` wraps any base model (graphlabels, PyG, DGL or a callable on a
graph) whose input width is ``num_features + num_classes``; :class:`LabelTrickTrainer`
implements the trainer protocol around it, with early stopping on validation.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from graphlabels.graph import Graph
from graphlabels.nn.adapters import as_graph_module
from graphlabels.train.trainer import (
    FitResult,
    _fit_result,
    _mask,
    accuracy,
    seed_everything,
)

__all__ = ["LabelInput", "LabelTrickTrainer"]


class LabelInput(nn.Module):
    """A base model whose input is ``[x | one-hot labels of the input nodes]``.

    Args:
        model: the base model; its first layer takes ``num_features + num_classes``
            inputs.
        num_classes: number of classes ``C``.

    Call :meth:`set_labels` before :meth:`forward`; rows of nodes whose label is
    not given are zero.
    """

    def __init__(self, model: Any, num_classes: int):
        super().__init__()
        self.inner = as_graph_module(model)
        self.num_classes = num_classes
        self.labels: Tensor | None = None

    def reset_parameters(self) -> None:
        """Reset the base model."""
        self.inner.reset_parameters()

    def set_labels(self, y: Tensor, known: Tensor, soft: Tensor | None = None) -> None:
        """Give the labels ``y[known]`` (class ids) as input; ``soft`` fills the rest.

        Args:
            y: ``[N]`` class ids; only ``y[known]`` is read.
            known: bool ``[N]``, the nodes whose label is input.
            soft: optional ``[N, C]`` distributions for the other nodes (label
                reuse); rows of ``known`` nodes are ignored.
        """
        n, c = known.numel(), self.num_classes
        rows = torch.zeros(n, c, device=known.device)
        if soft is not None:
            rows = soft.detach().float().clone()
        rows[known] = F.one_hot(y[known].long(), c).float()
        if soft is None:
            rows[~known] = 0.0
        self.labels = rows

    def forward(self, graph: Graph) -> Tensor:
        """Logits ``[N, C]`` of the base model on ``[x | labels]``."""
        if self.labels is None:
            raise RuntimeError(
                "LabelInput has no labels: call set_labels(y, known) first, or train "
                "it with LabelTrickTrainer"
            )
        labels = self.labels.to(graph.x.device)
        xs = None
        if self.inner.kind == "adj" and getattr(
            self.inner.inner, "sparse_input", False
        ):
            xs = graph.concat_sparse_x(labels)  # bag-of-words: no dense copy
        x = torch.cat([graph.x.float(), labels], dim=1) if xs is None else xs
        return self.inner(graph, x=x)


@dataclasses.dataclass
class LabelTrickTrainer:
    """Trains a :class:`LabelInput` with random label masking (a trainer).

    Args:
        mask_rate: fraction of the training nodes whose label is hidden and
            predicted at each step (default: ``0.5``).
        reuse: label-reuse iterations (default: ``0``).
        epochs: maximum epochs (default: ``200``).
        lr: Adam learning rate (default: ``0.01``).
        weight_decay: L2 penalty (default: ``5e-4``).
        patience: epochs without a better validation score before stopping;
            ``None`` never stops early (default: ``100``).
        progress: progress bar over epochs (default: ``False``).
    """

    mask_rate: float = 0.5
    reuse: int = 0
    epochs: int = 200
    lr: float = 0.01
    weight_decay: float = 5e-4
    patience: int | None = 100
    progress: bool = False

    def __post_init__(self) -> None:
        if not 0.0 < self.mask_rate < 1.0:
            raise ValueError(f"mask_rate must be in (0, 1), got {self.mask_rate}")
        if self.reuse < 0:
            raise ValueError(f"reuse must be >= 0, got {self.reuse}")
        if self.epochs < 1:
            raise ValueError(f"epochs must be >= 1, got {self.epochs}")

    def _forward(self, model: LabelInput, graph: Graph, y: Tensor, known: Tensor):
        model.set_labels(y, known)
        out = model(graph)
        for _ in range(self.reuse):
            model.set_labels(y, known, soft=out.softmax(-1))
            out = model(graph)
        return out

    def __call__(
        self,
        model: nn.Module,
        graph: Graph,
        *,
        y: Tensor | None = None,
        train_mask: Tensor | None = None,
        seed: int | None = None,
        **options: Any,
    ) -> FitResult:
        """Train ``model`` (a :class:`LabelInput`); logits for every node."""
        if options:
            raise TypeError(
                f"LabelTrickTrainer does not take {sorted(options)}: it trains with "
                "plain cross-entropy"
            )
        if not isinstance(model, LabelInput):
            raise TypeError(
                f"LabelTrickTrainer trains a LabelInput, got {type(model).__name__}: "
                "wrap the model as LabelInput(model, num_classes)"
            )
        if seed is not None:
            seed_everything(seed)
        tr = _mask(graph, "train_mask", train_mask)
        if tr is None or int(tr.sum()) < 2:
            raise ValueError("the label trick needs at least 2 training nodes")
        target = graph.y if y is None else y
        va = _mask(graph, "val_mask", None)
        te = _mask(graph, "test_mask", None)
        tr_idx = tr.nonzero().view(-1)
        n_hide = max(1, min(len(tr_idx) - 1, round(self.mask_rate * len(tr_idx))))
        opt = torch.optim.Adam(
            model.parameters(), lr=self.lr, weight_decay=self.weight_decay
        )
        best, best_state, best_epoch, since, epoch = -1.0, None, 0, 0, -1
        bar = tqdm(range(self.epochs), desc="epochs", disable=not self.progress)
        for epoch in bar:
            model.train()
            perm = tr_idx[torch.randperm(len(tr_idx), device=tr_idx.device)]
            hidden, shown = perm[:n_hide], perm[n_hide:]
            known = torch.zeros_like(tr)
            known[shown] = True
            opt.zero_grad()
            out = self._forward(model, graph, target, known)
            loss = F.cross_entropy(out[hidden], target[hidden])
            loss.backward()
            opt.step()
            if va is None:
                continue
            model.eval()
            with torch.no_grad():
                score = accuracy(self._forward(model, graph, target, tr), graph.y, va)
            if score > best:
                best, best_epoch, since = score, epoch, 0
                best_state = copy.deepcopy(model.state_dict())
            else:
                since += 1
            if self.patience is not None and since >= self.patience:
                break
        if best_state is not None:
            model.load_state_dict(best_state)
        else:
            best_epoch = epoch
        model.eval()
        with torch.no_grad():
            logits = self._forward(model, graph, target, tr).detach()
        return _fit_result(
            model, logits, graph.y, target, (tr, va, te), best_epoch, epoch + 1
        )
