"""The built-in datasets: :data:`BUILTIN`, the table the registry starts from.

Each family is a small function declaring its datasets with keyword arguments. Sizes
are the counts as loaded (directed edges, i.e. an undirected edge counts twice).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphlabels.data.geom_gcn import (
    check_geom_gcn_files,
    geom_gcn_files,
    load_geom_gcn,
)
from graphlabels.data.heterophilous import HETEROPHILOUS_FILES, load_heterophilous
from graphlabels.data.info import DatasetInfo, Loader
from graphlabels.data.npz import NPZ_FILES, load_npz
from graphlabels.data.ogb import load_ogb, ogb_is_present
from graphlabels.data.planetoid import load_planetoid, planetoid_files
from graphlabels.data.splits import SplitArg
from graphlabels.data.synthetic import csbm
from graphlabels.data.tag import TEXT_FILES, load_webkb_text, webkb_text_files
from graphlabels.data.wikivitals import WIKIVITALS_FILES, load_wikivitals
from graphlabels.graph import Graph

__all__ = ["BUILTIN"]


def _named(load: Callable[..., Graph], name: str) -> Loader:
    """``loader(root, split, **kw)`` calling ``load(root, name, split, **kw)``."""

    def loader(root: Path, split: SplitArg, **kw: Any) -> Graph:
        return load(root, name, split, **kw)

    return loader


def _bound(check: Callable[[Path, str], Any], name: str) -> Callable[[Path], Any]:
    """``check(root)`` calling ``check(root, name)``."""

    def bound(root: Path) -> Any:
        return check(root, name)

    return bound


# --------------------------------------------------------------------- Planetoid
def _planetoid_loader(name: str, force_texts: bool) -> Loader:
    def loader(root: Path, split: SplitArg, **kw: Any) -> Graph:
        if force_texts:
            if kw.get("texts") is False:
                raise ValueError(f"{name}-text always has texts: use {name!r}")
            kw["texts"] = True
        return load_planetoid(root, name, "public" if split is None else split, **kw)

    return loader


def _planetoid_extra(name: str, force_texts: bool):
    def extra(split: SplitArg, kw: dict[str, Any]) -> list[str]:
        files = []
        if split == "geom-gcn":
            files += geom_gcn_files(name)[2:]
        if (force_texts or kw.get("texts")) and name in TEXT_FILES:
            files += TEXT_FILES[name]
        return files

    return extra


def _planetoid(name: str, *, texts: bool = False, **fields: Any) -> DatasetInfo:
    files = planetoid_files(name) + (TEXT_FILES[name] if texts else [])
    return DatasetInfo(
        name=f"{name}-text" if texts else name,
        family="tag" if texts else "planetoid",
        loader=_planetoid_loader(name, texts),
        files=tuple(files),
        extra_files=_planetoid_extra(name, texts),
        **fields,
    )


_CORA = {"num_nodes": 2708, "num_edges": 10556, "num_features": 1433, "num_classes": 7}
_CITESEER = {
    "num_nodes": 3327,
    "num_edges": 9104,
    "num_features": 3703,
    "num_classes": 6,
}
_PLANETOID = [
    _planetoid("cora", description="Cora citations (Planetoid public split)", **_CORA),
    _planetoid(
        "citeseer",
        description="CiteSeer citations (Planetoid public split)",
        **_CITESEER,
    ),
    _planetoid(
        "pubmed",
        num_nodes=19717,
        num_edges=88648,
        num_features=500,
        num_classes=3,
        description="PubMed diabetes citations (public split)",
    ),
    _planetoid(
        "cora",
        texts=True,
        description="cora (Planetoid) with raw node texts for 1,323 nodes",
        **_CORA,
    ),
    _planetoid(
        "citeseer",
        texts=True,
        description="citeseer (Planetoid) with raw node texts for 3,176 nodes",
        **_CITESEER,
    ),
]


def _one_file(
    family: str,
    load: Callable[..., Graph],
    folder: str,
    file_names: dict[str, str],
    suffix: str,
) -> Callable[..., DatasetInfo]:
    """Declares the datasets of a family that keeps each graph in one file.

    ``declare(name, *, description, **sizes)`` reads ``<folder>/<file_names[name]>``
    with ``load(root, name, split, **kw)`` and appends ``suffix`` to the description.
    """

    def declare(name: str, *, description: str, **sizes: int) -> DatasetInfo:
        return DatasetInfo(
            name=name,
            family=family,
            loader=_named(load, name),
            files=(f"{folder}/{file_names[name]}",),
            description=description + suffix,
            **sizes,
        )

    return declare


# --------------------------------------------------------------------- Shchur npz
_shchur = _one_file(
    "shchur",
    load_npz,
    "gnn_benchmark",
    NPZ_FILES,
    " (20/30 per class random splits)",
)

_SHCHUR = [
    _shchur(
        "amazon-computers",
        num_nodes=13752,
        num_edges=491722,
        num_features=767,
        num_classes=10,
        description="Amazon co-purchase, computers",
    ),
    _shchur(
        "amazon-photo",
        num_nodes=7650,
        num_edges=238162,
        num_features=745,
        num_classes=8,
        description="Amazon co-purchase, photo",
    ),
    _shchur(
        "coauthor-cs",
        num_nodes=18333,
        num_edges=163788,
        num_features=6805,
        num_classes=15,
        description="Microsoft Academic co-authors, CS",
    ),
    _shchur(
        "coauthor-physics",
        num_nodes=34493,
        num_edges=495924,
        num_features=8415,
        num_classes=5,
        description="Microsoft Academic co-authors, physics",
    ),
]


# --------------------------------------------------------------------- geom-gcn
def _geom_gcn(name: str, **fields: Any) -> DatasetInfo:
    return DatasetInfo(
        name=name,
        family="geom-gcn",
        loader=_named(load_geom_gcn, name),
        files=tuple(geom_gcn_files(name)),
        check=_bound(check_geom_gcn_files, name),
        **fields,
    )


_WEBKB = {"num_features": 1703, "num_classes": 5}
_GEOM_GCN = [
    _geom_gcn(
        "texas",
        num_nodes=183,
        num_edges=325,
        description="WebKB Texas web pages (geom-gcn, 10 splits)",
        **_WEBKB,
    ),
    _geom_gcn(
        "wisconsin",
        num_nodes=251,
        num_edges=515,
        description="WebKB Wisconsin web pages (geom-gcn)",
        **_WEBKB,
    ),
    _geom_gcn(
        "cornell",
        num_nodes=183,
        num_edges=298,
        description="WebKB Cornell web pages (geom-gcn)",
        **_WEBKB,
    ),
    _geom_gcn(
        "film",
        num_nodes=7600,
        num_edges=30019,
        num_features=932,
        num_classes=5,
        description="film/actor co-occurrence (geom-gcn; PyG Actor)",
    ),
]


# --------------------------------------------------------------------- Yandex
_heterophilous = _one_file(
    "heterophilous",
    load_heterophilous,
    "heterophilous",
    HETEROPHILOUS_FILES,
    " (heterophilous-graphs, 10 splits)",
)

_HETEROPHILOUS = [
    _heterophilous(
        "chameleon",
        num_nodes=2277,
        num_edges=62742,
        num_features=2325,
        num_classes=5,
        description="Wikipedia chameleon pages",
    ),
    _heterophilous(
        "squirrel",
        num_nodes=5201,
        num_edges=396706,
        num_features=2089,
        num_classes=5,
        description="Wikipedia squirrel pages",
    ),
    _heterophilous(
        "chameleon-filtered",
        num_nodes=890,
        num_edges=17708,
        num_features=2325,
        num_classes=5,
        description="chameleon without duplicates",
    ),
    _heterophilous(
        "squirrel-filtered",
        num_nodes=2223,
        num_edges=93996,
        num_features=2089,
        num_classes=5,
        description="squirrel without duplicates",
    ),
    _heterophilous(
        "actor",
        num_nodes=7600,
        num_edges=53318,
        num_features=932,
        num_classes=5,
        description="film/actor graph (Yandex version)",
    ),
    _heterophilous(
        "minesweeper",
        num_nodes=10000,
        num_edges=78804,
        num_features=7,
        num_classes=2,
        description="minesweeper grid",
    ),
    _heterophilous(
        "heterophilous-texas",
        num_nodes=183,
        num_edges=558,
        description="WebKB Texas (Yandex version)",
        **_WEBKB,
    ),
    _heterophilous(
        "heterophilous-wisconsin",
        num_nodes=251,
        num_edges=900,
        description="WebKB Wisconsin (Yandex)",
        **_WEBKB,
    ),
    _heterophilous(
        "heterophilous-cornell",
        num_nodes=183,
        num_edges=554,
        description="WebKB Cornell (Yandex version)",
        **_WEBKB,
    ),
]


# --------------------------------------------------------------------- WebKB texts
def _webkb_text(name: str, **sizes: int) -> DatasetInfo:
    return DatasetInfo(
        name=name,
        family="tag",
        loader=_named(load_webkb_text, name),
        files=tuple(webkb_text_files(name)),
        num_features=0,
        num_classes=5,
        description="WebKB pages with raw texts (TAG-Benchmark), no features",
        **sizes,
    )


_WEBKB_TEXT = [
    _webkb_text("webkb-texas-text", num_nodes=187, num_edges=328),
    _webkb_text("webkb-wisconsin-text", num_nodes=265, num_edges=530),
    _webkb_text("webkb-cornell-text", num_nodes=191, num_edges=293),
    _webkb_text("webkb-washington-text", num_nodes=229, num_edges=445),
]


# --------------------------------------------------------------------- WikiVitals
_WIKIVITALS = DatasetInfo(
    name="wikivitals",
    family="wikivitals",
    loader=load_wikivitals,
    files=tuple(WIKIVITALS_FILES),
    num_nodes=48512,
    num_edges=0,
    num_features=0,
    num_classes=11,
    description="vital Wikipedia articles, labels at 3 levels (11/32/251) and titles; "
    "edges and features when the corpus files are present",
)


# --------------------------------------------------------------------- OGB
def _ogb(name: str, *, description: str, **sizes: int) -> DatasetInfo:
    return DatasetInfo(
        name=name,
        family="ogb",
        loader=_named(load_ogb, name),
        description=description + "; read with the ogb package from <root>/ogb",
        present=_bound(ogb_is_present, name),
        **sizes,
    )


_OGB = [
    _ogb(
        "ogbn-arxiv",
        num_nodes=169343,
        num_edges=1166243,
        num_features=128,
        num_classes=40,
        description="arXiv CS citations (OGB)",
    ),
    _ogb(
        "ogbn-products",
        num_nodes=2449029,
        num_edges=123718280,
        num_features=100,
        num_classes=47,
        description="Amazon co-purchase (OGB)",
    ),
    _ogb(
        "ogbn-papers100M",
        num_nodes=111059956,
        num_edges=1615685872,
        num_features=128,
        num_classes=172,
        description="MAG citations (OGB)",
    ),
]


# --------------------------------------------------------------------- synthetic
def _csbm(root: Path, split: SplitArg, **kw: Any) -> Graph:
    if split is not None:
        raise ValueError("csbm draws its own split: pass seed=... instead of split")
    return csbm(as_graph=True, **kw)


_CSBM = DatasetInfo(
    name="csbm",
    family="synthetic",
    loader=_csbm,
    num_nodes=1000,
    num_edges=9980,
    num_features=16,
    num_classes=2,
    description="contextual SBM, generated (options of "
    "graphlabels.data.synthetic.csbm; sizes for the defaults)",
    present=lambda root: True,
)

#: Every built-in dataset, in listing order.
BUILTIN: tuple[DatasetInfo, ...] = (
    *_PLANETOID,
    *_SHCHUR,
    *_GEOM_GCN,
    *_HETEROPHILOUS,
    *_WEBKB_TEXT,
    _WIKIVITALS,
    *_OGB,
    _CSBM,
)
