"""Full-batch training with early stopping on validation accuracy."""

from __future__ import annotations

import copy
import dataclasses
import random

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from graphlabels.graph import Graph, as_node_mask
from graphlabels.nn.adapters import as_graph_module

__all__ = ["FitResult", "accuracy", "fit", "seed_everything"]


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and CUDA)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def accuracy(logits: Tensor, y: Tensor, mask: Tensor | None = None) -> float:
    """Accuracy in percent of ``argmax(logits)`` against ``y`` on ``mask``."""
    if mask is not None:
        logits, y = logits[mask], y[mask]
    if y.numel() == 0:
        return float("nan")
    return float((logits.argmax(-1) == y).float().mean()) * 100.0


@dataclasses.dataclass
class FitResult:
    """The outcome of :func:`fit`.

    Attributes:
        model: the trained model with its best-validation weights restored.
        logits: eval-mode logits for all nodes ``[N, C]`` (detached).
        val_acc: validation accuracy (percent) at the best epoch (NaN without one).
        test_acc: test accuracy (percent) at the best epoch (NaN without a test mask).
        train_acc: training accuracy (percent) at the best epoch.
        best_epoch: the selected epoch (0-based).
        epochs_run: how many epochs ran before stopping.
    """

    model: nn.Module
    logits: Tensor
    val_acc: float
    test_acc: float
    train_acc: float
    best_epoch: int
    epochs_run: int


def _fit_result(
    model: nn.Module,
    logits: Tensor,
    y: Tensor,
    target: Tensor,
    masks: tuple[Tensor, Tensor | None, Tensor | None],
    best_epoch: int,
    epochs_run: int,
) -> FitResult:
    """A :class:`FitResult` with the accuracies of ``logits`` on ``masks``.

    ``masks`` is ``(train, val, test)``; train accuracy is against ``target``
    (the labels trained on), val and test against ``y``; a missing mask gives NaN.
    """
    tr, va, te = masks
    return FitResult(
        model=model,
        logits=logits,
        val_acc=accuracy(logits, y, va) if va is not None else float("nan"),
        test_acc=accuracy(logits, y, te) if te is not None else float("nan"),
        train_acc=accuracy(logits, target, tr),
        best_epoch=best_epoch,
        epochs_run=epochs_run,
    )


def _mask(graph: Graph, name: str, override: Tensor | None) -> Tensor | None:
    m = getattr(graph, name) if override is None else override
    if m is None:
        return None
    m = torch.as_tensor(m)
    if m.dtype == torch.bool and m.dim() != 1:
        raise ValueError(
            f"{name} has shape {list(m.shape)}; expected [{graph.num_nodes}]: "
            "pick one split with graph.split(i)"
        )
    m = as_node_mask(m, graph.num_nodes, name, device=graph.device)
    if m.dim() != 1 or m.numel() != graph.num_nodes:
        raise ValueError(
            f"{name} has shape {list(m.shape)}; expected [{graph.num_nodes}]: "
            "pick one split with graph.split(i)"
        )
    return m


def _fit_inputs(
    graph: Graph,
    y: Tensor | None,
    train_mask: Tensor | None,
    device: torch.device | str | None,
) -> tuple[Tensor, tuple[Tensor, Tensor | None, Tensor | None]]:
    """The training labels and the ``(train, val, test)`` masks, checked.

    ``y`` overrides ``graph.y`` for training (put on ``device``); val and test
    masks count only where the graph has labels.
    """
    tr = _mask(graph, "train_mask", train_mask)
    labelled = graph.y is not None
    va = _mask(graph, "val_mask", None) if labelled else None
    te = _mask(graph, "test_mask", None) if labelled else None
    target = graph.y if y is None else torch.as_tensor(y, device=device)
    if tr is None or not bool(tr.any()):
        raise ValueError("no training nodes: pass train_mask or give the graph one")
    if target is None:
        raise ValueError("no labels: the graph has no y and none were passed")
    if bool((target[tr] < 0).any()):
        raise ValueError("training nodes with label -1: drop them from train_mask")
    return target, (tr, va, te)


def fit(
    model: nn.Module,
    graph: Graph,
    *,
    epochs: int = 200,
    lr: float = 0.01,
    weight_decay: float = 5e-4,
    patience: int | None = 100,
    train_mask: Tensor | None = None,
    y: Tensor | None = None,
    sample_weight: Tensor | None = None,
    seed: int | None = None,
    split: int = 0,
    progress: bool = False,
    restore_best: bool = True,
) -> FitResult:
    """Train ``model`` full-batch with Adam; keep the best-validation weights.

    The model is selected by validation accuracy (ties: lower validation loss).
    Without a validation mask, or with ``restore_best=False``, it keeps the last
    weights.

    Args:
        model: a graphlabels, PyG or DGL model, or a callable (see
            :func:`graphlabels.nn.as_graph_module`).
        graph: the graph; a multi-split graph uses split ``split``.
        epochs: maximum epochs (default: ``200``).
        lr: Adam learning rate (default: ``0.01``).
        weight_decay: L2 penalty (default: ``5e-4``).
        patience: stop after this many epochs without a better validation score;
            ``None`` never stops early (default: ``100``).
        train_mask: training nodes instead of ``graph.train_mask``.
        y: training targets instead of ``graph.y`` (e.g. pseudo-labels); validation
            and test are always scored against ``graph.y``.
        sample_weight: per-node loss weights ``[N]`` (e.g. annotation confidence).
        seed: seed everything first (default: leave the RNG alone).
        split: which split of a multi-split graph (default: ``0``).
        progress: show a tqdm bar over epochs (default: ``False``).
        restore_best: restore the best-validation weights; :obj:`False` keeps the
            last epoch's weights, and with ``patience=None`` no validation score is
            computed during training (default: :obj:`True`).

    Returns:
        A :class:`FitResult`.
    """
    if seed is not None:
        seed_everything(seed)
    if graph.num_splits > 1:
        graph = graph.split(split)
    if graph.x is None:
        raise ValueError("graph has no node features x: models need features")
    target, (tr, va, te) = _fit_inputs(graph, y, train_mask, graph.device)
    net = as_graph_module(model).to(graph.device)
    params = [p for p in net.parameters() if p.requires_grad]
    if not params:
        raise ValueError(f"{type(model).__name__} has no trainable parameters")
    opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    tr_idx = tr.nonzero().view(-1)
    tr_y = target[tr_idx]
    tr_w = None if sample_weight is None else sample_weight[tr_idx].float()

    best = (-1.0, float("-inf"))
    best_state = copy.deepcopy(net.state_dict())
    best_epoch, since = 0, 0
    bar = tqdm(range(epochs), desc="epochs", leave=False, disable=not progress)
    epoch = -1
    for epoch in bar:
        net.train()
        opt.zero_grad()
        out = net(graph)[tr_idx]
        if tr_w is None:
            loss = F.cross_entropy(out, tr_y)
        else:
            loss = F.cross_entropy(out, tr_y, reduction="none")
            loss = (loss * tr_w).sum() / tr_w.sum().clamp_min(1e-12)
        loss.backward()
        opt.step()
        if va is None or (not restore_best and patience is None):
            continue
        net.eval()
        with torch.no_grad():
            logits = net(graph)
        score = (
            accuracy(logits, graph.y, va),
            -float(F.cross_entropy(logits[va], graph.y[va])),
        )
        if score[0] > best[0] or (score[0] == best[0] and score[1] > best[1]):
            best, best_epoch, since = score, epoch, 0
            if restore_best:
                best_state = copy.deepcopy(net.state_dict())
        else:
            since += 1
        if progress:
            bar.set_postfix(loss=f"{loss.item():.3f}", val=f"{score[0]:.1f}")
        if patience is not None and since >= patience:
            break
    if va is None or not restore_best:
        best_epoch = epoch
    else:
        net.load_state_dict(best_state)
    net.eval()
    with torch.no_grad():
        logits = net(graph).detach()
    return _fit_result(
        model, logits, graph.y, target, (tr, va, te), best_epoch, epoch + 1
    )
