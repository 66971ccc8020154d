"""OGB-style per-epoch logger: the test score at the best validation epoch, per run."""

from __future__ import annotations

from collections.abc import Sequence

from graphlabels.train.runs import mean_std

__all__ = ["Logger"]


class Logger:
    """Collect ``(train, val, test)`` scores per epoch and summarise them as OGB does.

    Scores are taken as given (use percent for OGB-style printing).

    Args:
        runs: number of runs.

    Example:
        >>> log = Logger(2)
        >>> log.add_result(0, (90.0, 70.0, 69.0)); log.add_result(0, (95.0, 71.0, 68.0))
        >>> log.add_result(1, (91.0, 72.0, 70.0))
        >>> log.best()
        [(95.0, 71.0, 68.0), (91.0, 72.0, 70.0)]
    """

    def __init__(self, runs: int):
        if runs < 1:
            raise ValueError(f"runs must be >= 1, got {runs}")
        self.results: list[list[tuple[float, float, float]]] = [[] for _ in range(runs)]

    def add_result(self, run: int, result: Sequence[float]) -> None:
        """Record one epoch's ``(train, val, test)`` for run ``run``."""
        if len(result) != 3:
            raise ValueError(f"expected (train, val, test), got {len(result)} values")
        if not 0 <= run < len(self.results):
            raise IndexError(f"run {run} out of range for {len(self.results)} runs")
        self.results[run].append(tuple(float(v) for v in result))

    def best(self) -> list[tuple[float, float, float]]:
        """Per run: the epoch with the highest validation score (the first on ties)."""
        out = []
        for r in self.results:
            if r:
                out.append(max(r, key=lambda t: t[1]))
        return out

    def statistics(self) -> dict[str, tuple[float, float]]:
        """Mean and unbiased std over runs of the best-validation train/val/test."""
        best = self.best()
        if not best:
            raise ValueError("no results recorded")
        names = ("train", "val", "test")
        return {n: mean_std([b[i] for b in best]) for i, n in enumerate(names)}

    def print_statistics(self) -> None:
        """Print OGB's summary lines (``Final Test: 72.22 ± 0.14``)."""
        s = self.statistics()
        print(f"All runs ({len(self.best())}):")
        print(f"Highest Train: {s['train'][0]:.2f} ± {s['train'][1]:.2f}")
        print(f"Highest Valid: {s['val'][0]:.2f} ± {s['val'][1]:.2f}")
        print(f"  Final Test: {s['test'][0]:.2f} ± {s['test'][1]:.2f}")
