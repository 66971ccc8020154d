"""Every ``>>>`` example in a docstring of graphlabels runs and prints what it says.

None may be skipped: an example that cannot run here does not belong in a docstring.
"""

import doctest
import importlib
import io
from pathlib import Path

import pytest

import graphlabels

PACKAGE = Path(graphlabels.__file__).resolve().parent


def _modules_with_examples() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if ">>>" not in path.read_text(encoding="utf-8"):
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _modules_with_examples()


def test_examples_are_found():
    assert "graphlabels.graph" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, data_root, monkeypatch):
    monkeypatch.setenv("GRAPHLABELS_DATA", str(data_root))  # examples load datasets
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder().find(module) if t.examples]
    assert tests, f"{name} has '>>>' outside any docstring doctest can find"
    skipped = [
        f"{t.name}: {e.source.strip()}"
        for t in tests
        for e in t.examples
        if e.options.get(doctest.SKIP)
    ]
    assert not skipped, f"examples must run (or go): {skipped}"
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    report = io.StringIO()
    for test in tests:
        runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()
