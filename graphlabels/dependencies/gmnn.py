r"""Graph Markov Neural Networks (Qu, Bengio & Tang, ICML 2019) around any model.

GMNN models the joint distribution of the labels with a conditional random field
and trains it by variational EM with two networks:

- :math:`q_\theta(y_n \mid x)`, the *q-network*: any base model on the features;
- :math:`p_\phi(y_n \mid y_{\mathrm{NB}(n)})`, the *p-network*: a network whose input
  is the labels of the node's neighbours (one-hot gold labels on training nodes,
  labels drawn from :math:`q` elsewhere), and optionally the node's features.

.. math::
    \text{M-step:}\quad &\hat y \sim q_\theta,\ \
        \phi \leftarrow \arg\max_\phi \textstyle\sum_n
        \log p_\phi(\hat y_n \mid \hat y_{\mathrm{NB}(n)}) \\
    \text{E-step:}\quad &\theta \leftarrow \arg\max_\theta \textstyle\sum_n
        \log q_\theta(\tilde y_n \mid x),\ \
        \tilde y_n \sim p_\phi(\cdot \mid \hat y_{\mathrm{NB}(n)})

with the gold labels kept on the training nodes in both steps. Both networks are
trained through the trainer protocol (:mod:`graphlabels.train.protocol`), so any
trainer (full batch, mini-batch, a user's loop) serves.

Model selection uses validation accuracy only. Every EM round is scored on the
validation nodes, and the prediction reported is the network and round with the
best mean validation accuracy: :math:`q` as in the paper, or :math:`p` where the
labels of the neighbours carry more than the features (round 0 is :math:`q` trained
on the gold labels alone, so GMNN never chooses to be worse than its base on
validation). As in the official code, validation and test nodes are pseudo-labelled
alike, from the networks and never from their true labels, so that validation
accuracy sees the effect of EM as test accuracy does; ``exclude_val=True`` keeps
validation nodes out.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from graphlabels.graph import Graph, remove_self_loops
from graphlabels.nn.models import MLP
from graphlabels.ops import CSR, spmm
from graphlabels.train import FullBatchTrainer, accuracy, make_factory, mean_std
from graphlabels.train.protocol import Trainer
from graphlabels.train.runs import AccuracySummary
from graphlabels.train.trainer import seed_everything

__all__ = ["DRAWS", "GMNN", "GMNNResult", "NeighbourLabelNet", "gmnn"]

#: How labels are drawn from a network's output distribution.
DRAWS = ("sample", "max")


class NeighbourLabelNet(nn.Module):
    r"""The default p-network: an MLP on the mean label distribution of the neighbours.

    .. math::
        p_\phi(y_n \mid y_{\mathrm{NB}(n)}, x_n) =
        \operatorname{MLP}_\phi\Big(\big[\tfrac{1}{|\mathrm{NB}(n)|}
        \textstyle\sum_{m \in \mathrm{NB}(n)} y_m \,\big\|\, x_n\big]\Big)

    The input ``x`` holds the label rows in its first ``num_classes`` columns
    (and the node's features after them when ``in_features > 0``). A node's own
    label row is never read for its own output: the aggregation skips self-loops.

    Args:
        num_classes: number of classes ``C``.
        in_features: feature columns after the labels (default: ``0``, the
            p-network sees labels only).
        hidden_channels: hidden size (default: ``64``).
        num_layers: linear layers after the aggregation (default: ``2``).
        dropout: dropout between layers (default: ``0.5``).
    """

    graphlabels_input = "adj"

    def __init__(
        self,
        num_classes: int,
        in_features: int = 0,
        hidden_channels: int = 64,
        num_layers: int = 2,
        dropout: float = 0.5,
    ):
        super().__init__()
        self.num_classes = num_classes
        self.in_features = in_features
        self.mlp = MLP(
            num_classes + in_features, num_classes, hidden_channels, num_layers, dropout
        )

    def reset_parameters(self) -> None:
        """Re-initialise the MLP."""
        self.mlp.reset_parameters()

    def forward(self, x: Tensor, adj: CSR) -> Tensor:
        """Logits ``[N, C]`` from neighbour labels ``x[:, :C]`` (and features)."""
        c = self.num_classes
        if x.size(1) != c + self.in_features:
            raise ValueError(
                f"NeighbourLabelNet expects {c} label columns + {self.in_features} "
                f"feature columns, got {x.size(1)}: build it with in_features="
                f"{x.size(1) - c}"
            )
        if not isinstance(adj, CSR):
            adj = CSR.from_edge_index(adj, x.size(0))
        h = spmm(adj, x[:, :c].contiguous(), reduce="mean")
        if self.in_features:
            h = torch.cat([h, x[:, c:]], dim=1)
        return self.mlp(h)


def _one_hot(labels: Tensor, num_classes: int) -> Tensor:
    return F.one_hot(labels.clamp_min(0), num_classes).float()


def _draw(logits: Tensor, how: str, tau: float, gen: torch.Generator) -> Tensor:
    """Class ids drawn from ``softmax(logits / tau)`` (sampled) or its argmax."""
    if how == "max":
        return logits.argmax(-1)
    probs = torch.softmax(logits.float() / tau, dim=-1)
    return torch.multinomial(probs.cpu(), 1, generator=gen).view(-1).to(logits.device)


def _num(v: float) -> float | None:
    """Rounded for JSON; NaN (no p-network in round 0) becomes ``None``."""
    return None if math.isnan(v) else round(v, 4)


@dataclasses.dataclass
class GMNNRound:
    """Accuracies (percent) of one EM round, per run.

    Attributes:
        round: ``0`` for the q-network on gold labels alone, then ``1..K``.
        q_val_acc: validation accuracy of q per run.
        q_test_acc: test accuracy of q per run.
        p_val_acc: validation accuracy of p per run (NaN in round 0).
        p_test_acc: test accuracy of p per run (NaN in round 0).
    """

    round: int
    q_val_acc: list[float]
    q_test_acc: list[float]
    p_val_acc: list[float]
    p_test_acc: list[float]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready means and per-run values."""
        out: dict[str, Any] = {"round": self.round}
        for key in ("q_val_acc", "q_test_acc", "p_val_acc", "p_test_acc"):
            vals = getattr(self, key)
            out[key] = [_num(v) for v in vals]
            out[key + "_mean"] = _num(mean_std(vals)[0])
        return out


@dataclasses.dataclass
class GMNNResult(AccuracySummary):
    """What :meth:`GMNN.fit` found (accuracies in percent).

    Attributes:
        test_acc: test accuracy of the chosen network and round, per run.
        val_acc: validation accuracy of the chosen network and round, per run.
        base_test_acc: test accuracy of q trained on gold labels only (round 0).
        chosen_round: the EM round chosen on mean validation accuracy.
        chosen_net: ``"q"`` or ``"p"``, chosen with the round.
        rounds: every round's accuracies.
        seconds: wall time.
    """

    test_acc: list[float]
    val_acc: list[float]
    base_test_acc: list[float]
    chosen_round: int
    chosen_net: str
    rounds: list[GMNNRound]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        bm, bs = mean_std(self.base_test_acc)
        return {
            "runs": len(self.test_acc),
            "test_acc": [round(a, 4) for a in self.test_acc],
            "test_acc_mean": round(self.test_acc_mean, 4),
            "test_acc_std": round(self.test_acc_std, 4),
            "val_acc_mean": round(self.val_acc_mean, 4),
            "base_test_acc": [round(a, 4) for a in self.base_test_acc],
            "base_test_acc_mean": round(bm, 4),
            "base_test_acc_std": round(bs, 4),
            "chosen_round": self.chosen_round,
            "chosen_net": self.chosen_net,
            "rounds": [r.as_dict() for r in self.rounds],
            "seconds": round(self.seconds, 3),
        }


class GMNN:
    r"""Graph Markov Neural Network: variational EM around any base model.

    Args:
        make_q: the q-network, ``f(seed) -> model`` (or a module that is copied
            and reset each run), called on the graph's features.
        make_p: the p-network, ``f(seed) -> model`` whose input features are
            ``[labels | features]`` (see ``p_features``); default: a
            :class:`NeighbourLabelNet` (mean of the neighbours' labels, then an
            MLP), which reads no label of a node for its own output.
        runs: runs over seeds ``0..runs-1`` (default: ``10``).
        seeds: explicit seeds instead (default: ``range(runs)``).
        rounds: EM rounds after pre-training q (default: ``2``).
        trainer: the trainer for both networks (default:
            :class:`~graphlabels.train.FullBatchTrainer` with its defaults).
        p_trainer: a different trainer for p (default: ``trainer``).
        draw: how labels are drawn from a network's output, ``"sample"`` from the
            annealed distribution :math:`\operatorname{softmax}(z/\tau)` or
            ``"max"`` (default: ``"sample"``).
        tau: the annealing temperature for ``draw="sample"`` (default: ``0.1``,
            the official Cora/CiteSeer setting).
        p_features: also give the p-network the node's own features (the GMNN
            variant whose p sees features; default: ``False``).
        exclude_val: never pseudo-label validation nodes (default: ``False``:
            validation and test nodes are treated alike).
        progress: show a progress bar over runs (default: ``False``).
    """

    def __init__(
        self,
        make_q: Any,
        make_p: Any | None = None,
        *,
        runs: int = 10,
        seeds: Sequence[int] | None = None,
        rounds: int = 2,
        trainer: Trainer | None = None,
        p_trainer: Trainer | None = None,
        draw: str = "sample",
        tau: float = 0.1,
        p_features: bool = False,
        exclude_val: bool = False,
        progress: bool = False,
    ):
        if runs < 1:
            raise ValueError(f"runs must be >= 1, got {runs}")
        if rounds < 0:
            raise ValueError(f"rounds must be >= 0, got {rounds}")
        if draw not in DRAWS:
            raise ValueError(f"draw must be one of {DRAWS}, got {draw!r}")
        if not tau > 0:
            raise ValueError(f"tau must be > 0, got {tau}")
        self.make_q = make_factory(make_q)
        self.make_p = None if make_p is None else make_factory(make_p)
        self.seeds = list(range(runs)) if seeds is None else [int(s) for s in seeds]
        if not self.seeds:
            raise ValueError("seeds is empty: pass at least one seed")
        self.rounds = rounds
        self.trainer = trainer if trainer is not None else FullBatchTrainer()
        self.p_trainer = p_trainer if p_trainer is not None else self.trainer
        self.draw = draw
        self.tau = tau
        self.p_features = p_features
        self.exclude_val = exclude_val
        self.progress = progress
        self.result_: GMNNResult | None = None
        self.logits_: list[Tensor] | None = None
        self.q_logits_: list[Tensor] | None = None

    # -- one run ----------------------------------------------------------------
    def _p_net(self, seed: int, graph: Graph) -> nn.Module:
        if self.make_p is not None:
            return self.make_p(seed)
        extra = graph.num_features if self.p_features else 0
        return NeighbourLabelNet(graph.num_classes, extra)

    def _p_graph(self, graph: Graph, labels: Tensor) -> Graph:
        """The graph the p-network sees: label rows (+ features), no self-loops."""
        x = _one_hot(labels, graph.num_classes)
        if self.p_features:
            x = torch.cat([x, graph.x.float()], dim=1)
        ei, w = remove_self_loops(graph.edge_index, graph.edge_weight)
        return graph.replace(x=x, edge_index=ei, edge_weight=w)

    def _run(self, graph: Graph, seed: int) -> tuple[list[tuple], Tensor, Tensor]:
        """Pre-train q, then ``rounds`` EM rounds; accuracies and logits per round."""
        train = graph.train_mask
        targets = ~train
        if self.exclude_val and graph.val_mask is not None:
            targets &= ~graph.val_mask
        pseudo = train | targets
        gold = graph.y
        gen = torch.Generator().manual_seed(seed)

        seed_everything(seed)
        q = self.make_q(seed).to(graph.device)
        res_q = self.trainer(q, graph, seed=seed)
        history = [(res_q.val_acc, res_q.test_acc, float("nan"), float("nan"))]
        q_logits = [res_q.logits]
        p_logits = [torch.full_like(res_q.logits, float("nan"))]
        p = self._p_net(seed, graph).to(graph.device)
        p_graph = None
        for k in range(1, self.rounds + 1):
            # M-step: labels drawn from q (gold on training nodes) train p.
            drawn = _draw(q_logits[-1], self.draw, self.tau, gen)
            drawn = torch.where(train, gold, drawn)
            p_graph = self._p_graph(graph, drawn)
            res_p = self.p_trainer(
                p, p_graph, y=drawn, train_mask=pseudo, seed=seed + k
            )
            # E-step: p's prediction from q's labels (gold kept) trains q.
            target = _draw(res_p.logits, self.draw, self.tau, gen)
            target = torch.where(train, gold, target)
            res_q = self.trainer(q, graph, y=target, train_mask=pseudo, seed=seed + k)
            q_logits.append(res_q.logits)
            p_logits.append(res_p.logits)
            history.append(
                (
                    res_q.val_acc,
                    res_q.test_acc,
                    accuracy(res_p.logits, gold, graph.val_mask),
                    accuracy(res_p.logits, gold, graph.test_mask),
                )
            )
        return history, torch.stack(q_logits), torch.stack(p_logits)

    # -- the whole fit ----------------------------------------------------------
    def fit(self, graph: Graph) -> GMNN:
        """Run GMNN over ``runs`` seeds (split ``r % S`` on multi-split data)."""
        _check_graph(graph)
        start = time.perf_counter()
        n_splits = max(graph.num_splits, 1)
        histories, q_all, p_all = [], [], []
        bar = tqdm(self.seeds, desc="GMNN runs", disable=not self.progress)
        for r, seed in enumerate(bar):
            h, ql, pl = self._run(graph.split(r % n_splits), seed=seed)
            histories.append(h)
            q_all.append(ql)
            p_all.append(pl)
        rounds = [
            GMNNRound(
                round=k,
                q_val_acc=[h[k][0] for h in histories],
                q_test_acc=[h[k][1] for h in histories],
                p_val_acc=[h[k][2] for h in histories],
                p_test_acc=[h[k][3] for h in histories],
            )
            for k in range(self.rounds + 1)
        ]
        options = [(k, net) for k in range(len(rounds)) for net in ("q", "p")]
        options = [o for o in options if o[0] > 0 or o[1] == "q"]
        k, net = max(
            options, key=lambda o: mean_std(getattr(rounds[o[0]], f"{o[1]}_val_acc"))[0]
        )
        chosen = q_all if net == "q" else p_all
        self.logits_ = [lg[k] for lg in chosen]
        self.q_logits_ = [ql[k] for ql in q_all]
        self.result_ = GMNNResult(
            test_acc=getattr(rounds[k], f"{net}_test_acc"),
            val_acc=getattr(rounds[k], f"{net}_val_acc"),
            base_test_acc=rounds[0].q_test_acc,
            chosen_round=k,
            chosen_net=net,
            rounds=rounds,
            seconds=time.perf_counter() - start,
        )
        return self


def _check_graph(graph: Graph) -> None:
    if graph.x is None:
        raise ValueError("graph has no node features x: the q-network needs them")
    if graph.y is None or graph.train_mask is None:
        raise ValueError("graph has no labels or no train_mask: GMNN needs both")
    if graph.val_mask is None:
        raise ValueError(
            "graph has no val_mask: GMNN chooses its round on validation accuracy; "
            "give the graph a validation split"
        )


def gmnn(
    make_q: Any,
    graph: Graph,
    make_p: Any | None = None,
    **kwargs: Any,
) -> GMNNResult:
    """Functional form of :class:`GMNN`: ``GMNN(make_q, make_p, **kwargs).fit(graph)``.

    Returns:
        The :class:`GMNNResult`.
    """
    return GMNN(make_q, make_p, **kwargs).fit(graph).result_
