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


def test_auto_uses_torch_csr_on_cpu():
    with use_backend("auto"):
        assert resolve_backend(torch.device("cpu")) == "cpu"


def test_unknown_backend():
    with pytest.raises(ValueError, match="unknown backend 'cuda'"):
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
