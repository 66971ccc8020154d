import pytest
import torch

from graphlabels.ops import get_backend, set_backend, use_backend
from graphlabels.ops._backend import resolve_backend


def test_set_and_restore():
    prev = set_backend("reference")
    try:
        assert get_backend() == "reference"
        assert resolve_backend(torch.device("cpu")) == "reference"
    finally:
        set_backend(prev)
    with use_backend("cpu"):
        assert get_backend() == "cpu"
    assert get_backend() == prev


def test_auto_on_cpu_uses_numba_when_it_imports(monkeypatch):
    from graphlabels.ops import _backend

    with use_backend("auto"):
        want = "cpu-compiled" if _backend.numba_available() else "cpu"
        assert resolve_backend(torch.device("cpu")) == want
        monkeypatch.setattr(_backend, "numba_available", lambda: False)
        assert resolve_backend(torch.device("cpu")) == "cpu"


def test_cpu_compiled_errors_name_the_fix(monkeypatch):
    from graphlabels.ops import _backend

    with use_backend("cpu-compiled"):
        monkeypatch.setattr(_backend, "numba_available", lambda: True)
        with pytest.raises(RuntimeError, match=r"needs CPU tensors.*\.cpu\(\)"):
            resolve_backend(torch.device("cuda"))
        monkeypatch.setattr(_backend, "numba_available", lambda: False)
        with pytest.raises(RuntimeError, match=r"pip install 'graphlabels\[cpu\]'"):
            resolve_backend(torch.device("cpu"))


def test_core_imports_without_numba():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['numba'] = None; import graphlabels.ops as o, torch; "
        "from graphlabels.ops._backend import resolve_backend; "
        "A = o.CSR.from_edge_index(torch.tensor([[0], [1]]), 2); "
        "s = o.spmm(A, torch.ones(2, 1)).sum().item(); "
        "print(resolve_backend(torch.device('cpu')), s)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["cpu", "1.0"]


def test_unknown_backend():
    with pytest.raises(ValueError, match="unknown backend 'cuda'.*cpu-compiled"):
        set_backend("cuda")


def test_triton_on_cpu_needs_interpreter(monkeypatch):
    monkeypatch.delenv("TRITON_INTERPRET", raising=False)
    with use_backend("triton"), pytest.raises(RuntimeError, match="TRITON_INTERPRET"):
        resolve_backend(torch.device("cpu"))


def test_env_variable_is_read_at_import(tmp_path):
    import subprocess
    import sys

    code = "import graphlabels.ops as o; print(o.get_backend())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"GRAPHLABELS_BACKEND": "reference", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "reference"


@pytest.mark.gpu
def test_auto_uses_triton_on_cuda():
    from graphlabels.ops import triton_available

    with use_backend("auto"):
        expected = "triton" if triton_available() else "cpu"
        assert resolve_backend(torch.device("cuda")) == expected
