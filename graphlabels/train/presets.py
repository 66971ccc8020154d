"""Default hyperparameters per base model, from the papers' public-split recipes.

GCN: Kipf & Welling (2017); GAT: Veličković et al. (2018); APPNP: Gasteiger et al.
(2019); SAGE and MLP use GCN's optimiser settings. Each preset splits into keyword
arguments for the model and for :func:`graphlabels.train.fit`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PRESETS", "preset"]

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
        "fit": {"lr": 0.01, "weight_decay": 5e-3, "epochs": 300, "patience": 100},
    },
    "mlp": {
        "model": {"hidden_channels": 64, "dropout": 0.5},
        "fit": {"lr": 0.01, "weight_decay": 5e-4, "epochs": 300, "patience": 100},
    },
}


def preset(model: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Copies of ``(model_kwargs, fit_kwargs)`` for ``model``."""
    key = model.lower()
    if key not in PRESETS:
        raise ValueError(
            f"no preset for model {model!r}: choose one of {sorted(PRESETS)}"
        )
    return dict(PRESETS[key]["model"]), dict(PRESETS[key]["fit"])
