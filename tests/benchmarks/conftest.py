import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def bench_script():
    """A loader of the scripts under benchmarks/: ``bench_script("a/b.py")``."""

    def load(relpath: str):
        path = BENCH / relpath
        name = "_bench_" + relpath.replace("/", "_").removesuffix(".py")
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    return load
