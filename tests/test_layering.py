"""The layers: ops <- nn <- algorithms <- cli; nothing outside the CLI imports it.

Every ``.py`` file is parsed with :mod:`ast` (imports inside functions count too).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "graphlabels"


def graphlabels_imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every graphlabels module ``path`` imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            # ``from graphlabels import cli`` imports the module graphlabels.cli
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return [
        (n, m) for n, m in found if m == "graphlabels" or m.startswith("graphlabels.")
    ]


def files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.py"))


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(paths: list[Path], allowed) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in paths
        for line, module in graphlabels_imports(path)
        if not allowed(module)
    ]


def test_the_walk_sees_the_code():
    paths = files(PACKAGE, ROOT / "benchmarks", ROOT / "examples")
    assert len(paths) > 50 and PACKAGE / "cli" / "train.py" in paths
    test_env = graphlabels_imports(ROOT / "tests" / "cli" / "test_env.py")
    assert "graphlabels.cli" in [m for _, m in test_env]


def test_nothing_outside_the_cli_imports_it():
    paths = [
        p
        for p in files(PACKAGE, ROOT / "benchmarks", ROOT / "examples")
        if not p.is_relative_to(PACKAGE / "cli")
    ]
    bad = violations(paths, lambda m: not within(m, "graphlabels.cli"))
    assert not bad, "the CLI only parses and prints; import the library instead:\n" + (
        "\n".join(bad)
    )


def test_ops_imports_only_ops():
    bad = violations(files(PACKAGE / "ops"), lambda m: within(m, "graphlabels.ops"))
    assert not bad, "\n".join(bad)


def runtime_uses(path: Path, module: str) -> list[str]:
    """Names imported from ``module`` that ``path`` uses outside annotations."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = {
        a.asname or a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == module
        for a in node.names
    }
    in_annotations = set()
    for node in ast.walk(tree):
        notes = []
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            notes.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            notes.append(node.returns)
        in_annotations |= {id(n) for note in notes for n in ast.walk(note)}
    return sorted(
        {
            node.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Name)
            and node.id in names
            and id(node) not in in_annotations
        }
    )


def test_sampling_imports_only_sampling_and_ops():
    """The neighbour sampler sits beside ops: it works on a CSR alone."""
    bad = violations(
        files(PACKAGE / "sampling"),
        lambda m: within(m, "graphlabels.sampling") or within(m, "graphlabels.ops"),
    )
    assert not bad, "\n".join(bad)


def test_nn_imports_only_nn_and_ops():
    """nn builds on ops (and the sampler beside it); Graph appears only as a type."""
    paths = files(PACKAGE / "nn")
    bad = violations(
        paths,
        lambda m: (
            within(m, "graphlabels.nn")
            or within(m, "graphlabels.ops")
            or within(m, "graphlabels.sampling")
            or within(m, "graphlabels.graph")
        ),
    )
    assert not bad, "\n".join(bad)
    used = {
        str(p.relative_to(ROOT)): runtime_uses(p, "graphlabels.graph") for p in paths
    }
    bad = [
        f"{p} uses {names} of graphlabels.graph" for p, names in used.items() if names
    ]
    assert not bad, "\n".join(bad)


def test_runtime_uses_ignores_annotations(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(
        "from graphlabels.graph import Graph, degree\n"
        "def f(g: Graph, n: int) -> Graph:\n"
        "    x: Graph = g\n"
        "    return degree(x)\n"
    )
    assert runtime_uses(path, "graphlabels.graph") == ["degree"]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import graphlabels.cli.train", ["graphlabels.cli.train"]),
        ("from graphlabels import cli", ["graphlabels", "graphlabels.cli"]),
        ("def f():\n    from graphlabels.cli.lnu import x", ["graphlabels.cli.lnu",
                                                           "graphlabels.cli.lnu.x"]),
        ("import numpy\nfrom . import y", []),
    ],
)  # fmt: skip
def test_the_parser_finds_every_form(tmp_path, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source)
    assert [m for _, m in graphlabels_imports(path)] == expected
