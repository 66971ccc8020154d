"""graphlabels imports and trains with every optional package made unimportable.

A subprocess installs a ``sys.meta_path`` finder whose loader raises
``ImportError`` for the packages of :data:`graphlabels.typing.OPTIONAL_PACKAGES`
(and their submodules), so importing them fails even though they are installed.
It then imports every module of graphlabels and runs
``graphlabels train cora --epochs 5``.
"""

import os
import subprocess
import sys
from pathlib import Path

import graphlabels
from graphlabels.typing import OPTIONAL_PACKAGES

ROOT = Path(graphlabels.__file__).resolve().parents[1]

#: The compiled backends need their compiler by design (see their docstrings):
#: importing them must fail, naming it.
BACKEND_ONLY = {"graphlabels.ops._triton": "triton", "graphlabels.ops._numba": "numba"}

BLOCKER = """
import importlib.machinery
import sys

BLOCKED = frozenset(sys.argv[1].split(","))


class _Blocker:
    # A spec whose loader fails: ``import x`` raises, while find_spec() probes of
    # other libraries (torch's among them) do not break.
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        raise ModuleNotFoundError(f"{spec.name} is blocked", name=spec.name)

    def exec_module(self, module):
        raise AssertionError("unreachable")


sys.meta_path.insert(0, _Blocker())
"""

SCRIPT = """
import importlib
import pkgutil

for name in sorted(BLOCKED):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
    else:
        raise SystemExit(f"the blocker let {name} through")

import graphlabels
from graphlabels.typing import OPTIONAL_PACKAGES, import_optional

for name, pkg in OPTIONAL_PACKAGES.items():
    try:
        import_optional(name, "this test")
    except ImportError as e:
        assert f'pip install "graphlabels[{pkg.extra}]"' in str(e), e
    else:
        raise SystemExit(f"import_optional({name!r}) did not raise")

imported, todo = [], [graphlabels]
while todo:
    package = todo.pop()
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if info.name.endswith(".__main__"):  # runs the CLI; tested below
            continue
        if info.name in BACKEND_ONLY:
            try:
                importlib.import_module(info.name)
            except ImportError as e:
                assert BACKEND_ONLY[info.name] in str(e), f"{info.name}: {e}"
            else:
                raise SystemExit(f"{info.name} imported without its compiler")
            continue
        module = importlib.import_module(info.name)
        imported.append(info.name)
        if info.ispkg:
            todo.append(module)

leaked = sorted(m for m in sys.modules if m.partition(".")[0] in BLOCKED)
assert not leaked, leaked
print("imported:", " ".join(sorted(imported)))

from graphlabels.cli import main

raise SystemExit(main(["train", "cora", "--epochs", "5", "--quiet"]))
"""


def test_core_imports_and_trains_without_optional_packages(data_root):
    code = BLOCKER + f"BACKEND_ONLY = {BACKEND_ONLY!r}\n" + SCRIPT
    env = dict(os.environ, GRAPHLABELS_DATA=str(data_root))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, "-c", code, ",".join(OPTIONAL_PACKAGES)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("imported:"))
    assert set(line.split()[1:]) == _public_modules()


def _public_modules() -> set[str]:
    """Every module of the package but ``__main__`` and the compiled backends."""
    out = set()
    for path in (ROOT / "graphlabels").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        if name == "graphlabels" or parts[-1] == "__main__":
            continue
        if any(name == b or name.startswith(b + ".") for b in BACKEND_ONLY):
            continue
        out.add(name)
    return out
