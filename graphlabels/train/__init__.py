"""Full-batch training, repeated runs over seeds, and metrics."""

from graphlabels.train.logger import Logger
from graphlabels.train.minibatch import MiniBatchTrainer
from graphlabels.train.protocol import FullBatchTrainer, Trainer
from graphlabels.train.runs import RunsResult, make_factory, mean_std, run_seeds
from graphlabels.train.trainer import FitResult, accuracy, fit, seed_everything

__all__ = [
    "FitResult",
    "FullBatchTrainer",
    "Logger",
    "MiniBatchTrainer",
    "RunsResult",
    "Trainer",
    "accuracy",
    "fit",
    "make_factory",
    "mean_std",
    "run_seeds",
    "seed_everything",
]
