"""Partition books: contiguous, RCM and METIS splits, empty parts, bad input."""

import importlib.util

import pytest
import torch

from graphlabels import distributed as D
from graphlabels import ops
from graphlabels.graph import to_undirected


def check_book(book, n, parts):
    assert book.num_nodes == n and book.num_parts == parts
    assert len(book.owned) == parts and sum(book.sizes) == n
    all_ids = torch.cat(list(book.owned))
    assert torch.equal(torch.sort(all_ids).values, torch.arange(n))
    for r, ids in enumerate(book.owned):
        assert torch.equal(book.part[ids], torch.full_like(ids, r))
        assert torch.equal(book.local[ids], torch.arange(ids.numel()))
        rank, local = book.owner(ids)
        assert torch.equal(rank, book.part[ids]) and torch.equal(local, book.local[ids])


def ring(n):
    src = torch.arange(n)
    return to_undirected(torch.stack([src, (src + 1) % n]), num_nodes=n)[0]


def edge_cut(edge_index, book):
    return int((book.part[edge_index[0]] != book.part[edge_index[1]]).sum())


@pytest.mark.parametrize("n, parts", [(10, 3), (12, 4), (3, 5), (0, 2), (7, 1)])
def test_contiguous_ranges_are_balanced(n, parts):
    book = D.partition(None, parts, num_nodes=n)
    check_book(book, n, parts)
    assert max(book.sizes) - min(book.sizes) <= 1
    assert torch.equal(torch.cat(list(book.owned)), torch.arange(n))
    if n < parts:
        assert book.sizes.count(0) == parts - n


def test_rcm_keeps_neighbours_together():
    # a ring with shuffled ids: contiguous ranges cut it everywhere, RCM rarely
    n = 200
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(0))
    ei = perm[ring(n)]
    rcm = D.partition(ei, 4, "rcm")
    plain = D.partition(ei, 4, "contiguous")
    check_book(rcm, n, 4)
    assert max(rcm.sizes) - min(rcm.sizes) <= 1
    assert edge_cut(ei, rcm) <= 16 < edge_cut(ei, plain)


@pytest.mark.skipif(importlib.util.find_spec("dgl") is None, reason="needs dgl")
def test_metis_cuts_fewer_edges_with_isolated_nodes():
    n = 300
    perm = torch.randperm(n - 20, generator=torch.Generator().manual_seed(0))
    ei = perm[ring(n - 20)]  # 20 isolated nodes at the end
    book = D.partition(ei, 4, "metis", num_nodes=n)
    check_book(book, n, 4)
    assert book.method == "metis" and min(book.sizes) > 0
    assert edge_cut(ei, book) < edge_cut(ei, D.partition(ei, 4, num_nodes=n)) / 4
    one = D.partition(ei, 1, "metis", num_nodes=n)
    check_book(one, n, 1)


def test_partition_from_a_csr_and_from_an_assignment():
    ei = ring(6)
    A = ops.CSR.from_edge_index(ei, 6)
    assert D.partition(A, 2).sizes == [3, 3]
    book = D.partition_from_assignment(torch.tensor([2, 0, 2, 0, 0, 2]), 4)
    check_book(book, 6, 4)
    assert book.sizes == [3, 0, 3, 0]
    assert book.owned[2].tolist() == [0, 2, 5] and book.local[5] == 2
    x = torch.arange(12).view(6, 2)
    assert torch.equal(book.rows(x, 2), x[[0, 2, 5]])
    assert "sizes=[3, 0, 3, 0]" in repr(book)


def test_bad_input_is_rejected_before_any_work(monkeypatch):
    ei = ring(6)
    with pytest.raises(ValueError, match="num_parts must be an integer >= 1"):
        D.partition(ei, 0)
    with pytest.raises(ValueError, match="num_parts must be an integer >= 1"):
        D.partition(ei, 1.5)
    with pytest.raises(ValueError, match="method must be one of .*got 'kway'"):
        D.partition(ei, 2, "kway")
    with pytest.raises(ValueError, match="'rcm' needs the graph: pass edge_index"):
        D.partition(None, 2, "rcm", num_nodes=6)
    with pytest.raises(ValueError, match="partition has 6 nodes: pass one row"):
        D.partition(ei, 2).rows(torch.zeros(5), 0)
    with pytest.raises(ValueError, match=r"part has ranks outside \[0, 2\)"):
        D.partition_from_assignment(torch.tensor([0, 2]), 2)
    with pytest.raises(ValueError, match="part must be a 1-D integer tensor"):
        D.partition_from_assignment(torch.tensor([0.0, 1.0]))

    real = importlib.util.find_spec

    def no_dgl(name, *args, **kwargs):
        return None if name == "dgl" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", no_dgl)
    with pytest.raises(ImportError, match="method='metis' needs dgl"):
        D.partition(ei, 2, "metis")
