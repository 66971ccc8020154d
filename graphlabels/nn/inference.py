"""Layer-wise inference: every node's logits with memory bounded by one layer.

A full-batch forward keeps every layer's activations of all nodes and the whole
graph in the kernels at once; a sampled forward is inexact. Layer-wise inference
(DGL's ``inference()`` pattern) computes layer ``l`` for *all* nodes, in chunks of
destination nodes whose complete in-neighbourhood forms one block, before layer
``l + 1``. The result equals the full-batch forward (up to float rounding) and the
memory is two ``[N, hidden]`` buffers plus one chunk's block and features. The
input features may be memory-mapped (float16/bfloat16 on disk): each chunk reads
and upcasts only the rows it needs.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from graphlabels.nn.adapters import input_features

__all__ = ["layerwise_inference", "supports_blocks"]


def supports_blocks(model: Any) -> bool:
    """Whether ``model`` runs on sampled blocks and layer-wise inference.

    True for graphlabels' layer stacks (GCN, SAGE, GAT, MLP) and for any module
    with its own ``inference(graph, chunk_size=..., device=...)`` method that
    also takes ``forward(x, blocks)``.
    """
    from graphlabels.nn.models import _Stack

    return isinstance(model, _Stack) or callable(getattr(model, "inference", None))


def _features(model: nn.Module, graph: Any) -> Any:
    if getattr(graph, "x", None) is None:
        raise ValueError("graph has no node features x: models need features")
    return input_features(model, graph)


@torch.no_grad()
def layerwise_inference(
    model: nn.Module,
    graph: Any,
    *,
    chunk_size: int = 16384,
    device: torch.device | str | None = None,
    x: Tensor | None = None,
    progress: bool = False,
) -> Tensor:
    """Eval-mode logits ``[N, C]`` of every node, one layer at a time.

    Args:
        model: a graphlabels ``GCN``, ``SAGE``, ``GAT`` or ``MLP`` (or a module
            with its own ``inference`` method, which is called instead).
        graph: a :class:`~graphlabels.graph.Graph` or an on-disk graph.
        chunk_size: destination nodes per chunk; memory per chunk grows with the
            chunk's in-edges (default: ``16384``).
        device: where the layers run (default: the model's device); the
            ``[N, hidden]`` buffers stay on the CPU.
        x: input features instead of ``graph.x`` (default: ``None``: ``graph.x``,
            or its sparse CSR form when the model has ``sparse_input``).
        progress: show a progress bar over layers and chunks (default: ``False``).

    Returns:
        ``[N, C]`` float32 logits on the CPU.
    """
    from graphlabels.nn.models import MLP, _Stack
    from graphlabels.sampling import NeighborSampler, gather_features

    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    if not isinstance(model, _Stack):
        fn = getattr(model, "inference", None)
        if callable(fn):
            return fn(graph, chunk_size=chunk_size, device=device)
        raise TypeError(
            f"layer-wise inference needs a graphlabels GCN, SAGE, GAT or MLP, or a "
            f"module with an inference(graph, chunk_size, device) method; got "
            f"{type(model).__name__}: add such a method or use full-batch eval"
        )
    h = _features(model, graph) if x is None else x
    n = int(h.size(0))
    if device is None:
        p = next(iter(model.parameters()), None)
        device = p.device if p is not None else torch.device("cpu")
    device = torch.device(device)
    was_training = model.training
    model.eval()
    try:
        chunks = torch.arange(n).split(chunk_size)
        if isinstance(model, MLP):
            parts = [
                model(gather_features(h, c).to(device)).cpu()
                for c in tqdm(chunks, desc="inference", disable=not progress)
            ]
            return torch.cat(parts) if parts else torch.empty(0, 0)
        sampler = NeighborSampler(graph, [-1])
        last = len(model.layers) - 1
        for i, layer in enumerate(model.layers):
            out: Tensor | None = None
            bar = tqdm(chunks, desc=f"layer {i}", disable=not progress, leave=False)
            for nodes in bar:
                block = sampler.full_block(nodes).to(device)
                hs = gather_features(h, block.n_id).to(device)
                o = model._layer(layer, hs, block)
                if i < last:
                    o = model._activate_dropout(o)
                if out is None:
                    out = torch.empty(n, o.size(1), dtype=o.dtype)
                out[nodes] = o.cpu()
            h = out if out is not None else torch.empty(0, 0)
        return h
    finally:
        model.train(was_training)
