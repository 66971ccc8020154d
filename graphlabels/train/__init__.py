"""Training: the trainer protocol, full-batch and mini-batch trainers, seeds."""

from graphlabels.train.logger import Logger
from graphlabels.train.minibatch import MiniBatchTrainer
from graphlabels.train.protocol import (
    FullBatchTrainer,
    Trainer,
    accepts_option,
    resolve_trainer,
)
from graphlabels.train.runs import RunsResult, make_factory, mean_std, run_seeds
from graphlabels.train.trainer import FitResult, accuracy, fit, seed_everything

__all__ = [
    "FitResult",
    "FullBatchTrainer",
    "Logger",
    "MiniBatchTrainer",
    "RunsResult",
    "Trainer",
    "accepts_option",
    "accuracy",
    "fit",
    "make_factory",
    "mean_std",
    "resolve_trainer",
    "run_seeds",
    "seed_everything",
]
