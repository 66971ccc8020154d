import numpy as np
import pytest
import torch

from graphlabels.ops import CSR
from graphlabels.ops._numba import kernels as K


def _rowptr(degrees):
    return np.concatenate([[0], np.cumsum(degrees)]).astype(np.int64)


def _covered(rowptr, tasks, heavy, hptr):
    """Every entry of every row is covered exactly once by the tasks."""
    hits = np.zeros(rowptr[-1], dtype=np.int64)
    rows = np.zeros(len(rowptr) - 1, dtype=np.int64)
    for r0, r1, e0, e1, slot in tasks:
        if slot < 0:
            rows[r0:r1] += 1
            hits[rowptr[r0] : rowptr[r1]] += 1
        else:
            assert r1 == r0 + 1 and rowptr[r0] <= e0 < e1 <= rowptr[r0 + 1]
            hits[e0:e1] += 1
    for k, r in enumerate(heavy):
        rows[r] += 1
        assert hptr[k + 1] > hptr[k] + 1  # a split row has several pieces
    assert (hits == 1).all() and (rows == 1).all()


@pytest.mark.parametrize(
    "degrees",
    [[], [0, 0, 0], [3, 0, 10_000, 1, 0, 5], [1] * 1000, [0] * 50 + [400] + [2] * 9],
)
@pytest.mark.parametrize("parts", [1, 2, 8, 64])
def test_plan_covers_each_entry_once(degrees, parts):
    rowptr = _rowptr(np.array(degrees, dtype=np.int64))
    tasks, heavy, hptr = K.plan(rowptr, parts, True)
    _covered(rowptr, tasks, heavy, hptr)
    if parts == 1:
        assert len(heavy) == 0 and len(tasks) == (1 if len(degrees) else 0)
    nosplit, heavy2, _ = K.plan(rowptr, parts, False)
    assert len(heavy2) == 0 and (nosplit[:, 4] < 0).all()
    _covered(rowptr, nosplit, heavy2, np.zeros(1, np.int64))


def test_plan_balances_a_heavy_row():
    rowptr = _rowptr(np.array([10_000] + [10] * 1000, dtype=np.int64))
    tasks, heavy, hptr = K.plan(rowptr, 8, True)
    assert heavy.tolist() == [0]
    cost = [
        (e1 - e0) if slot >= 0 else rowptr[r1] - rowptr[r0] + (r1 - r0)
        for r0, r1, e0, e1, slot in tasks
    ]
    target = (rowptr[-1] + 1001) / 8
    assert max(cost) <= target + 1


def test_gather_rows_sums_the_gathered_rows():
    col = np.array([2, 0, 2, 1, 1], dtype=np.int32)
    X = np.arange(6, dtype=np.float32).reshape(3, 2)
    out = np.zeros((2, 2), dtype=np.float32)
    K.gather_rows(col, X, out, 16)
    # 2 tasks of 3 entries: rows 2, 0, 2 then 1, 1
    np.testing.assert_array_equal(out, [[8.0, 11.0], [4.0, 6.0]])


def test_gat_backward_row_sum_gathers_by_position():
    A = CSR.from_edge_index(torch.tensor([[0, 1, 2], [1, 1, 0]]), 3)
    rowptr = A.rowptr.numpy()
    tasks, _, _ = K.plan(rowptr, 1, False)
    src = np.array([[1.0], [2.0], [4.0]])
    pos = np.array([2, 0, 1], dtype=np.int64)
    out = np.empty((3, 1))
    K.row_sum_gather(rowptr, pos, src, out, tasks)
    # row 0 holds entry 0 (-> src[2]); row 1 entries 1, 2 (-> src[0] + src[1])
    assert out.flatten().tolist() == [4.0, 3.0, 0.0]
