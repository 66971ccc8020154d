import triton

from graphlabels.ops._triton import _launch


def test_next_pow2():
    assert [_launch.next_pow2(n) for n in (0, 1, 3, 16, 17)] == [1, 1, 4, 16, 32]


def test_kernel_uses_first_config_without_autotuning(device):
    assert _launch.INTERPRET == (device.type == "cpu")
    assert not _launch.AUTOTUNE  # switched off for the tests by conftest

    seen = {}

    class Fake:
        def __getitem__(self, grid):
            def run(*args, **kw):
                seen.update(grid=grid, kw=kw)

            return run

    cfgs = [triton.Config({"B": 8}), triton.Config({"B": 16})]
    k = _launch.Kernel(Fake(), cfgs, key=["F"])
    assert k.tuned is None
    k(lambda m: (m["B"],), 1, F=2)
    assert seen == {"grid": (8,), "kw": {"F": 2, "B": 8}}
