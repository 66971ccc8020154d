"""Label dependencies: GMNN and the label trick against GCN, and the study.

``--part anchors``: GCN, GMNN (q = the same GCN) and the label trick (the same
GCN with labels as input) on the standard Planetoid splits of Cora and CiteSeer,
10 seeds, every choice on validation accuracy.

``--part study``: :func:`graphlabels.dependencies.study` on each dataset at four
training densities, 5 outer repetitions.

Results are merged into ``benchmarks/results/dependencies.json`` after each
dataset, so an interrupted run keeps what it finished. ``--densities`` runs some
densities only; their rows replace the same densities' rows of that dataset and
keep the others (every density's splits depend on the repetition and the density
alone, so densities run apart equal densities run together).

``--part merge --inputs A.json B.json ...``: the study records of result files
written by runs of some densities each (``--out`` elsewhere, e.g. one process per
density) merged into ``--out``, with each dataset's plot and table redone from the
merged record.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import torch

from graphlabels.data import load
from graphlabels.dependencies import GMNN, LabelInput, LabelTrickTrainer, study
from graphlabels.dependencies.study import DEFAULT_DENSITIES, StudyResult
from graphlabels.nn import GCN
from graphlabels.train import FullBatchTrainer, mean_std, run_seeds
from graphlabels.train.presets import preset

OUT = Path(__file__).resolve().parents[1] / "results" / "dependencies.json"


def _save(key: str, dataset: str, value: dict, out: Path = OUT) -> None:
    data = json.loads(out.read_text()) if out.exists() else {}
    data.setdefault(key, {})[dataset] = value
    data["machine"] = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)"
    )
    out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def _stats(values: list[float]) -> dict:
    m, s = mean_std(values)
    return {
        "test_acc": [round(v, 4) for v in values],
        "test_acc_mean": round(m, 4),
        "test_acc_std": round(s, 4),
    }


def anchors(name: str, runs: int) -> dict:
    graph = load(name)
    model_kw, fit_kw = preset("gcn", name)
    trainer = FullBatchTrainer(**fit_kw)
    start = time.perf_counter()

    def gcn(seed: int, extra: int = 0) -> GCN:
        return GCN(graph.num_features + extra, graph.num_classes, **model_kw)

    base = run_seeds(gcn, graph, runs, progress=False, **fit_kw)
    gm = GMNN(gcn, runs=runs, trainer=trainer).fit(graph).result_
    trick = LabelTrickTrainer(**fit_kw)
    trick_acc, trick_val = [], []
    for seed in range(runs):
        torch.manual_seed(seed)
        model = LabelInput(gcn(seed, graph.num_classes), graph.num_classes)
        res = trick(model, graph, seed=seed)
        trick_acc.append(res.test_acc)
        trick_val.append(res.val_acc)
    return {
        "gcn": {**_stats(base.test_acc), "val_acc_mean": round(base.val_acc_mean, 4)},
        "gmnn": gm.as_dict(),
        "label_trick": {
            **_stats(trick_acc),
            "val_acc_mean": round(mean_std(trick_val)[0], 4),
            "mask_rate": trick.mask_rate,
        },
        "model": {"gcn": model_kw, "fit": fit_kw},
        "seconds": round(time.perf_counter() - start, 1),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--part", choices=("anchors", "study", "merge"), required=True)
    p.add_argument("--datasets", default=None, help="comma-separated")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--repetitions", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument(
        "--densities",
        default=",".join(map(str, DEFAULT_DENSITIES)),
        help="comma-separated training densities of the study",
    )
    p.add_argument(
        "--out", type=Path, default=OUT, help="results file (merged into, not replaced)"
    )
    p.add_argument(
        "--inputs", type=Path, nargs="*", default=[], help="--part merge: result files"
    )
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.part == "merge":
        if not args.inputs:
            p.error("--part merge needs --inputs: result files of study runs")
        for name in merge(args.inputs, args.out):
            print(
                StudyResult.from_dict(
                    json.loads(args.out.read_text())["study"][name]
                ).table()
            )
        return
    if args.part == "anchors":
        for name in (args.datasets or "cora,citeseer").split(","):
            res = anchors(name, args.runs)
            _save("anchors", name, res, args.out)
            print(
                name,
                {k: res[k]["test_acc_mean"] for k in ("gcn", "gmnn", "label_trick")},
            )
        return
    names = args.datasets or "cora,citeseer,coauthor-cs,amazon-photo,chameleon"
    densities = [float(d) for d in args.densities.split(",")]
    for name in names.split(","):
        graph = load(name)
        res = study(graph, densities, repetitions=args.repetitions, progress=True)
        record = _merge_densities(
            args.out, name, {**res.as_dict(), "load_average": os.getloadavg()}
        )
        _save("study", name, record, args.out)
        res.plot(args.out.parent / f"dependencies_{name}.png")
        print(res.table())


def _merge_densities(out: Path, name: str, new: dict) -> dict:
    """The study record ``new`` with the other densities' rows already in ``out``.

    The plot and table of a partial run show its own densities; the JSON keeps
    all, with each run's seconds and load under ``runs``.
    """
    data = json.loads(out.read_text()) if out.exists() else {}
    old = data.get("study", {}).get(name)
    if old is None or old.get("repetitions") != new["repetitions"]:
        return new
    keep = [r for r in old["rows"] if r["density"] not in new["densities"]]
    runs = old.get("runs") or [
        {k: old[k] for k in ("densities", "seconds", "load_average") if k in old}
    ]
    runs += new.get("runs") or [
        {k: new[k] for k in ("densities", "seconds", "load_average") if k in new}
    ]
    densities = sorted(set(old["densities"]) | set(new["densities"]))
    return {
        **new,
        "densities": densities,
        "rows": sorted(keep + new["rows"], key=lambda r: r["density"]),
        "seconds": round(sum(r["seconds"] for r in runs), 3),
        "runs": runs,
    }


def merge(inputs: list[Path], out: Path) -> list[str]:
    """Merge the study records of ``inputs`` into ``out``; redo their plots."""
    names = []
    for path in inputs:
        for name, record in json.loads(path.read_text()).get("study", {}).items():
            _save("study", name, _merge_densities(out, name, record), out)
            names.append(name)
    data = json.loads(out.read_text()) if out.exists() else {"study": {}}
    for name in dict.fromkeys(names):
        res = StudyResult.from_dict(data["study"][name])
        res.plot(out.parent / f"dependencies_{name}.png")
    return list(dict.fromkeys(names))


if __name__ == "__main__":
    main()
