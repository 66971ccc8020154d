"""The built-in registry entries (imported lazily by :mod:`graphlabels.data.registry`).

Loader modules are imported only when a dataset is loaded. Sizes are the counts as
loaded (directed edges, i.e. an undirected edge counts twice).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphlabels.data.geom_gcn import check_geom_gcn_files, geom_gcn_files
from graphlabels.data.heterophilous import HETEROPHILOUS_FILES
from graphlabels.data.npz import NPZ_FILES
from graphlabels.data.ogb import ogb_is_present
from graphlabels.data.planetoid import planetoid_files
from graphlabels.data.registry import DatasetInfo, register
from graphlabels.data.splits import SplitArg
from graphlabels.data.tag import TEXT_FILES, webkb_text_files
from graphlabels.data.wikivitals import WIKIVITALS_FILES
from graphlabels.graph import Graph


# --------------------------------------------------------------------- Planetoid
def _planetoid(name: str, force_texts: bool = False):
    def loader(root: Path, split: SplitArg, **kw: Any) -> Graph:
        from graphlabels.data.planetoid import load_planetoid

        if force_texts:
            if kw.get("texts") is False:
                raise ValueError(f"{name}-text always has texts: use {name!r}")
            kw["texts"] = True
        return load_planetoid(root, name, "public" if split is None else split, **kw)

    return loader


def _planetoid_extra(name: str, force_texts: bool = False):
    def extra(split: SplitArg, kw: dict[str, Any]) -> list[str]:
        files = []
        if split == "geom-gcn":
            files += geom_gcn_files(name)[2:]
        if (force_texts or kw.get("texts")) and name in TEXT_FILES:
            files += TEXT_FILES[name]
        return files

    return extra


_PLANETOID_STATS = {
    "cora": (2708, 10556, 1433, 7, "Cora citations (Planetoid public split)"),
    "citeseer": (3327, 9104, 3703, 6, "CiteSeer citations (Planetoid public split)"),
    "pubmed": (19717, 88648, 500, 3, "PubMed diabetes citations (public split)"),
}
for _n, (_nn, _ne, _nf, _nc, _d) in _PLANETOID_STATS.items():
    register(
        DatasetInfo(
            _n,
            "planetoid",
            _planetoid(_n),
            tuple(planetoid_files(_n)),
            _nn,
            _ne,
            _nf,
            _nc,
            _d,
            extra_files=_planetoid_extra(_n),
        )
    )
for _n in ("cora", "citeseer"):
    _nn, _ne, _nf, _nc, _ = _PLANETOID_STATS[_n]
    register(
        DatasetInfo(
            f"{_n}-text",
            "tag",
            _planetoid(_n, force_texts=True),
            tuple(planetoid_files(_n) + TEXT_FILES[_n]),
            _nn,
            _ne,
            _nf,
            _nc,
            f"{_n} (Planetoid) with raw node texts"
            + (" for 1,323 nodes" if _n == "cora" else " for 3,176 nodes"),
            extra_files=_planetoid_extra(_n, force_texts=True),
        )
    )


# --------------------------------------------------------------------- Shchur npz
def _npz(name: str):
    def loader(root: Path, split: SplitArg, **kw: Any) -> Graph:
        from graphlabels.data.npz import load_npz

        return load_npz(root, name, split, **kw)

    return loader


_NPZ_STATS = {
    "amazon-computers": (13752, 491722, 767, 10, "Amazon co-purchase, computers"),
    "amazon-photo": (7650, 238162, 745, 8, "Amazon co-purchase, photo"),
    "coauthor-cs": (18333, 163788, 6805, 15, "Microsoft Academic co-authors, CS"),
    "coauthor-physics": (
        34493,
        495924,
        8415,
        5,
        "Microsoft Academic co-authors, physics",
    ),
}
for _n, (_nn, _ne, _nf, _nc, _d) in _NPZ_STATS.items():
    register(
        DatasetInfo(
            _n,
            "shchur",
            _npz(_n),
            (f"gnn_benchmark/{NPZ_FILES[_n]}",),
            _nn,
            _ne,
            _nf,
            _nc,
            _d + " (20/30 per class random splits)",
        )
    )


# --------------------------------------------------------------------- geom-gcn
def _geom(name: str):
    def loader(root: Path, split: SplitArg, **kw: Any) -> Graph:
        from graphlabels.data.geom_gcn import load_geom_gcn

        return load_geom_gcn(root, name, split, **kw)

    return loader


def _geom_check(name: str):
    def check(root: Path) -> None:
        check_geom_gcn_files(root, name)

    return check


_GEOM_STATS = {
    "texas": (183, 325, 1703, 5, "WebKB Texas web pages (geom-gcn, 10 splits)"),
    "wisconsin": (251, 515, 1703, 5, "WebKB Wisconsin web pages (geom-gcn)"),
    "cornell": (183, 298, 1703, 5, "WebKB Cornell web pages (geom-gcn)"),
    "film": (7600, 30019, 932, 5, "film/actor co-occurrence (geom-gcn; PyG Actor)"),
}
for _n, (_nn, _ne, _nf, _nc, _d) in _GEOM_STATS.items():
    register(
        DatasetInfo(
            _n,
            "geom-gcn",
            _geom(_n),
            tuple(geom_gcn_files(_n)),
            _nn,
            _ne,
            _nf,
            _nc,
            _d,
            check=_geom_check(_n),
        )
    )


# --------------------------------------------------------------------- Yandex
def _hetero(name: str):
    def loader(root: Path, split: SplitArg, **kw: Any) -> Graph:
        from graphlabels.data.heterophilous import load_heterophilous

        return load_heterophilous(root, name, split, **kw)

    return loader


_HETERO_STATS = {
    "chameleon": (2277, 62742, 2325, 5, "Wikipedia chameleon pages"),
    "squirrel": (5201, 396706, 2089, 5, "Wikipedia squirrel pages"),
    "chameleon-filtered": (890, 17708, 2325, 5, "chameleon without duplicates"),
    "squirrel-filtered": (2223, 93996, 2089, 5, "squirrel without duplicates"),
    "actor": (7600, 53318, 932, 5, "film/actor graph (Yandex version)"),
    "minesweeper": (10000, 78804, 7, 2, "minesweeper grid"),
    "heterophilous-texas": (183, 558, 1703, 5, "WebKB Texas (Yandex version)"),
    "heterophilous-wisconsin": (251, 900, 1703, 5, "WebKB Wisconsin (Yandex)"),
    "heterophilous-cornell": (183, 554, 1703, 5, "WebKB Cornell (Yandex version)"),
}
for _n, (_nn, _ne, _nf, _nc, _d) in _HETERO_STATS.items():
    register(
        DatasetInfo(
            _n,
            "heterophilous",
            _hetero(_n),
            (f"heterophilous/{HETEROPHILOUS_FILES[_n]}",),
            _nn,
            _ne,
            _nf,
            _nc,
            _d + " (heterophilous-graphs, 10 splits)",
        )
    )


# --------------------------------------------------------------------- WebKB texts
def _webkb_text(name: str):
    def loader(root: Path, split: SplitArg, **kw: Any) -> Graph:
        from graphlabels.data.tag import load_webkb_text

        return load_webkb_text(root, name, split, **kw)

    return loader


_WEBKB_TEXT_STATS = {
    "webkb-texas-text": (187, 328),
    "webkb-wisconsin-text": (265, 530),
    "webkb-cornell-text": (191, 293),
    "webkb-washington-text": (229, 445),
}
for _n, (_nn, _ne) in _WEBKB_TEXT_STATS.items():
    register(
        DatasetInfo(
            _n,
            "tag",
            _webkb_text(_n),
            tuple(webkb_text_files(_n)),
            _nn,
            _ne,
            0,
            5,
            "WebKB pages with raw texts (TAG-Benchmark), no features",
        )
    )


# --------------------------------------------------------------------- WikiVitals
def _wikivitals(root: Path, split: SplitArg, **kw: Any) -> Graph:
    from graphlabels.data.wikivitals import load_wikivitals

    return load_wikivitals(root, split, **kw)


register(
    DatasetInfo(
        "wikivitals",
        "wikivitals",
        _wikivitals,
        tuple(WIKIVITALS_FILES),
        48512,
        0,
        0,
        11,
        "vital Wikipedia articles, labels at 3 levels (11/32/251) and titles; "
        "edges and features when the corpus files are present",
    )
)


# --------------------------------------------------------------------- OGB
def _ogb(name: str):
    def loader(root: Path, split: SplitArg, **kw: Any) -> Graph:
        from graphlabels.data.ogb import load_ogb

        return load_ogb(root, name, split, **kw)

    return loader


def _ogb_present(name: str):
    def present(root: Path) -> bool:
        return ogb_is_present(root, name)

    return present


_OGB_STATS = {
    "ogbn-arxiv": (169343, 1166243, 128, 40, "arXiv CS citations (OGB)"),
    "ogbn-products": (2449029, 123718280, 100, 47, "Amazon co-purchase (OGB)"),
    "ogbn-papers100M": (111059956, 1615685872, 128, 172, "MAG citations (OGB)"),
}
for _n, (_nn, _ne, _nf, _nc, _d) in _OGB_STATS.items():
    register(
        DatasetInfo(
            _n,
            "ogb",
            _ogb(_n),
            (),
            _nn,
            _ne,
            _nf,
            _nc,
            _d + "; read with the ogb package from <root>/ogb",
            present=_ogb_present(_n),
        )
    )


# --------------------------------------------------------------------- synthetic
def _csbm(root: Path, split: SplitArg, **kw: Any) -> Graph:
    from graphlabels.data.synthetic import csbm

    if split is not None:
        raise ValueError("csbm draws its own split: pass seed=... instead of split")
    return csbm(as_graph=True, **kw)


register(
    DatasetInfo(
        "csbm",
        "synthetic",
        _csbm,
        (),
        1000,
        9980,
        16,
        2,
        "contextual SBM, generated (options of graphlabels.data.synthetic.csbm; "
        "sizes for the defaults)",
        present=lambda root: True,
    )
)
