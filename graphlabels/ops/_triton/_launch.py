"""Launch helpers: autotuning on GPU, fixed configurations in the interpreter."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import triton

__all__ = ["AUTOTUNE", "INTERPRET", "Kernel", "next_pow2"]

#: Whether Triton runs in interpreter mode (``TRITON_INTERPRET=1``, CPU tensors).
INTERPRET = os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")
#: Autotune block sizes on the GPU (``GRAPHLABELS_TRITON_AUTOTUNE=0`` turns it
#: off, e.g. in tests, where the first configuration of each kernel is used).
AUTOTUNE = not INTERPRET and os.environ.get("GRAPHLABELS_TRITON_AUTOTUNE", "1") not in (
    "",
    "0",
)


def next_pow2(n: int) -> int:
    """Smallest power of two >= ``max(n, 1)``."""
    return int(triton.next_power_of_2(max(int(n), 1)))


class Kernel:
    """A jitted kernel with an autotuned twin for real GPUs.

    In the interpreter the autotuner would run every configuration (about
    10,000x slower than a GPU), so the first configuration is used as is; the
    same holds when :data:`AUTOTUNE` is off.

    Args:
        fn: the ``@triton.jit`` function.
        configs: ``triton.Config`` candidates; the first is the interpreter's.
        key: argument names whose values select a tuned configuration.
        reset: arguments zeroed before each tuning run (outputs of atomics).
        prune: ``prune(configs, named_args, **kw) -> configs``, applied before
            tuning (e.g. to drop blocks far wider than the data).
    """

    def __init__(
        self,
        fn: Any,
        configs: Sequence[Any],
        key: Sequence[str],
        reset: Sequence[str] = (),
        prune: Callable[..., list] | None = None,
    ) -> None:
        self.fn = fn
        self.default = configs[0]
        self.tuned = None
        if AUTOTUNE:
            kw: dict[str, Any] = {"configs": list(configs), "key": list(key)}
            if reset:
                kw["reset_to_zero"] = list(reset)
            if prune is not None:
                kw["prune_configs_by"] = {"early_config_prune": prune}
            self.tuned = triton.autotune(**kw)(fn)

    def __call__(self, grid: Callable[[dict], tuple], *args: Any, **kw: Any) -> None:
        """Launch with ``grid(meta)`` where ``meta`` holds the block sizes."""
        if self.tuned is not None:
            self.tuned[grid](*args, **kw)
            return
        meta = dict(self.default.kwargs)
        self.fn[grid(meta)](*args, **kw, **meta)
