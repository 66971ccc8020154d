"""Adapters that let the trainer and the algorithms call any base model.

:func:`as_graph_module` wraps

- a graphlabels model (``forward(x, adj)``, marked ``graphlabels_input = "adj"``),
- a PyG-style module (``forward(x, edge_index[, edge_weight])``),
- a DGL-style module (``forward(g, x)``; the DGL graph is built once and cached),
- any callable taking ``(graph)`` and returning logits,

into a :class:`GraphModule` whose ``forward(graph)`` returns logits ``[N, C]``.
PyG and DGL are imported only when such a model is called.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor, nn

from graphlabels.graph import Graph

__all__ = [
    "GraphModule",
    "as_graph_module",
    "input_features",
    "input_kind",
    "minibatch_to_dgl_blocks",
    "minibatch_to_pyg",
]

_DGL_NAMES = {"g", "graph", "block", "blocks"}


def input_features(model: Any, graph: Any) -> Tensor:
    """The features ``model`` takes from ``graph``.

    ``graph.sparse_x()`` (bag-of-words features as a sparse CSR tensor) for a
    model that declares ``sparse_input`` when the graph has such features, else
    ``graph.x`` (also for graphs without ``sparse_x``, e.g. on-disk graphs).
    """
    if getattr(model, "sparse_input", False):
        sparse_x = getattr(graph, "sparse_x", None)
        xs = None if sparse_x is None else sparse_x()
        if xs is not None:
            return xs
    return graph.x


def _params(fn: Callable) -> list[str]:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p.name for p in sig.parameters.values() if p.kind in kinds]


def input_kind(model: Callable) -> str:
    """How ``model`` wants to be called: ``adj``, ``pyg``, ``dgl`` or ``graph``.

    Raises:
        TypeError: when the calling convention cannot be recognised.
    """
    if getattr(model, "graphlabels_input", None) == "adj":
        return "adj"
    module = type(model).__module__ or ""
    fn = model.forward if isinstance(model, nn.Module) else model
    names = _params(fn)
    if names and names[0] == "self":
        names = names[1:]
    if module.startswith("dgl") or (len(names) >= 2 and names[0] in _DGL_NAMES):
        return "dgl"
    if module.startswith("torch_geometric") or "edge_index" in names[:3]:
        return "pyg"
    if len(names) == 1:
        return "graph"
    raise TypeError(
        f"cannot tell how to call {type(model).__name__}: expected forward(x, adj) "
        "(graphlabels), forward(x, edge_index) (PyG), forward(g, x) (DGL) or a "
        f"callable(graph); its parameters are {names}. Wrap it in a function "
        "`lambda graph: model(...)` that returns logits."
    )


class GraphModule(nn.Module):
    """A base model behind one calling convention: ``forward(graph) -> logits``.

    Args:
        model: the wrapped model or callable.
        kind: force the calling convention (default: detected by
            :func:`input_kind`).
    """

    def __init__(self, model: Callable, kind: str | None = None):
        super().__init__()
        self.kind = kind or input_kind(model)
        if isinstance(model, nn.Module):
            self.model = model
        else:
            self._fn = model
        self._accepts_weight = "edge_weight" in _params(
            model.forward if isinstance(model, nn.Module) else model
        )

    @property
    def inner(self) -> Callable:
        """The wrapped model or callable."""
        return self.model if "model" in self._modules else self._fn

    def reset_parameters(self) -> None:
        """Reset the wrapped model: its own ``reset_parameters`` or each child's."""
        inner = self.inner
        if hasattr(inner, "reset_parameters"):
            inner.reset_parameters()
        elif isinstance(inner, nn.Module):
            for m in inner.modules():
                if m is not inner and hasattr(m, "reset_parameters"):
                    m.reset_parameters()

    def forward(self, graph: Graph, x: Tensor | None = None) -> Tensor:
        """Logits ``[N, C]`` for ``graph``.

        Args:
            graph: the graph.
            x: features to use instead of the graph's (sparse CSR only for a
                model with ``sparse_input``); a callable on a graph gets
                ``graph.replace(x=x)``.
        """
        inner = self.inner
        if self.kind == "adj":
            feats = input_features(inner, graph) if x is None else x
            return inner(feats, graph.csr())
        feats = graph.x if x is None else x
        if self.kind == "pyg":
            if self._accepts_weight and graph.edge_weight is not None:
                return inner(feats, graph.edge_index, graph.edge_weight)
            return inner(feats, graph.edge_index)
        if self.kind == "dgl":
            if "dgl" not in graph._cache:
                graph._cache["dgl"] = graph.to_dgl()
            return inner(graph._cache["dgl"], feats)
        return inner(graph if x is None else graph.replace(x=x))


def as_graph_module(model: Any, kind: str | None = None) -> GraphModule:
    """Wrap ``model`` so that ``forward(graph)`` returns logits (idempotent)."""
    if isinstance(model, GraphModule):
        return model
    if not callable(model):
        raise TypeError(
            f"expected a model or a callable returning logits, got {type(model)}"
        )
    return GraphModule(model, kind)


def minibatch_to_pyg(batch: Any):
    """A sampled :class:`~graphlabels.sampling.MiniBatch` as a PyG ``Data``.

    The fields follow PyG's ``NeighborLoader``: ``x``, ``edge_index`` (local ids,
    row 0 = source), ``y`` (of the seeds, padded with ``-1`` to all nodes, as the
    first ``batch_size`` rows matter), ``n_id`` and ``batch_size``, so a PyG model
    trains on ``out[:batch.batch_size]`` unchanged, without pyg-lib.
    """
    from torch_geometric.data import Data

    data = Data(
        x=batch.x,
        edge_index=batch.edge_index,
        n_id=batch.n_id,
        num_nodes=batch.num_nodes,
    )
    data.batch_size = batch.batch_size
    if batch.y is not None:
        y = batch.y.new_full((batch.num_nodes,), -1)
        y[: batch.batch_size] = batch.y
        data.y = y
    return data


def minibatch_to_dgl_blocks(batch: Any) -> list:
    """The blocks of a :class:`~graphlabels.sampling.MiniBatch` as DGL blocks.

    Input layer first, as ``dgl.dataloading`` returns them; global ids go to
    ``srcdata[dgl.NID]`` / ``dstdata[dgl.NID]``, edge weights to ``edata["w"]``, and
    ``blocks[0].srcdata["feat"]`` holds ``batch.x`` when present.
    """
    import dgl

    out = []
    for block in batch.blocks:
        b = dgl.create_block(
            ("csc", (block.rowptr, block.col, torch.arange(block.nnz))),
            num_src_nodes=block.num_src,
            num_dst_nodes=block.num_dst,
        )
        b.srcdata[dgl.NID] = block.n_id
        b.dstdata[dgl.NID] = block.dst_n_id
        if block.value is not None:
            b.edata["w"] = block.value
        out.append(b)
    if out and batch.x is not None:
        out[0].srcdata["feat"] = batch.x
    return out
