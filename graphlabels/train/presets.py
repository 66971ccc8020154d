"""Default hyperparameters per base model, from the papers' public-split recipes.

GCN: Kipf & Welling (2017); GAT: Veličković et al. (2018); APPNP: Gasteiger et al.
(2019), with PyG's citation-benchmark weight decay; SAGE and MLP use GCN's optimiser
settings. Each preset splits into keyword arguments for the model and for
:func:`graphlabels.train.fit`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DATASET_PRESETS", "PRESETS", "preset"]

PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "gcn": {
        "model": {"hidden_channels": 64, "dropout": 0.5},
        "fit": {"lr": 0.01, "weight_decay": 5e-4, "epochs": 300, "patience": 100},
    },
    "gat": {
        "model": {"hidden_channels": 8, "heads": 8, "dropout": 0.6},
        "fit": {"lr": 0.005, "weight_decay": 5e-4, "epochs": 500, "patience": 100},
    },
    "sage": {
        "model": {"hidden_channels": 64, "dropout": 0.5},
        "fit": {"lr": 0.01, "weight_decay": 5e-4, "epochs": 300, "patience": 100},
    },
    "appnp": {
        "model": {"hidden_channels": 64, "K": 10, "alpha": 0.1, "dropout": 0.5},
        # weight decay 5e-4 on every parameter, as PyG's citation benchmark: the
        # paper's 5e-3 applies to the first layer only, and on all parameters it
        # stalls training (Cora 57.7, CiteSeer 39.0 on validation and test)
        "fit": {"lr": 0.01, "weight_decay": 5e-4, "epochs": 300, "patience": 100},
    },
    "mlp": {
        "model": {"hidden_channels": 64, "dropout": 0.5},
        "fit": {"lr": 0.01, "weight_decay": 5e-4, "epochs": 300, "patience": 100},
    },
}


#: Per-dataset changes to a model's preset, each chosen on validation accuracy
#: only (10 seeds, the dataset's standard splits) with
#: ``benchmarks/accuracy/grid.py``; the grid and every row's validation and test
#: accuracy are in ``benchmarks/results/grid_<dataset>_<model>.json``.
DATASET_PRESETS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    # hidden {64, 128} x dropout {0.5, 0.8} x weight decay {5e-4, 1e-3}: best
    # validation 91.44 at hidden 128 (the default preset: 91.18); re-chosen after
    # the models' dropout changed (the earlier grid had also picked weight decay
    # 1e-3, now 91.33)
    ("gcn", "coauthor-cs"): {"model": {"hidden_channels": 128}, "fit": {}},
    # the same grid: best validation 93.75 at hidden 128, dropout 0.8, weight decay
    # 1e-3 (the default preset: 93.42; all eight settings lie within 93.29-93.75)
    ("gcn", "amazon-photo"): {
        "model": {"hidden_channels": 128, "dropout": 0.8},
        "fit": {"weight_decay": 1e-3},
    },
}


def preset(
    model: str, dataset: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Copies of ``(model_kwargs, fit_kwargs)`` for ``model`` (on ``dataset``)."""
    key = model.lower()
    if key not in PRESETS:
        raise ValueError(
            f"no preset for model {model!r}: choose one of {sorted(PRESETS)}"
        )
    model_kw, fit_kw = dict(PRESETS[key]["model"]), dict(PRESETS[key]["fit"])
    extra = DATASET_PRESETS.get((key, (dataset or "").lower()), {})
    model_kw.update(extra.get("model", {}))
    fit_kw.update(extra.get("fit", {}))
    return model_kw, fit_kw
