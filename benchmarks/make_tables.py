"""Write the tables of benchmarks/README.md from ``benchmarks/results/*.json``.

Each table sits between two markers in the README::

    <!-- table:NAME -->
    ...generated markdown...
    <!-- /table -->

and ``TABLES[NAME]`` renders it from the results folder. Usage::

    python benchmarks/make_tables.py            # rewrite the tables in place
    python benchmarks/make_tables.py --check    # exit 1 if any table is stale

The per-area scripts (``lnu/make_table.py``, ``lnu/val_test_gap.py``,
``labelfree/make_table.py``, ``kernels/summarize.py``, ``propagation/report.py``)
hold the table functions; this script only loads them and places their output.
Only the standard library is needed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
MARKER = re.compile(
    r"(<!-- table:(?P<name>[a-z0-9-]+) -->\n)(?P<body>.*?)(<!-- /table -->)", re.S
)


@cache
def _script(relpath: str) -> ModuleType:
    """Load a benchmark script (the folder is not a package) as a module."""
    path = HERE / relpath
    name = "_bench_" + relpath.replace("/", "_").removesuffix(".py")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _load(results: Path, name: str):
    return json.loads((results / name).read_text())


# --- kernels -------------------------------------------------------------------


def _met(values: list[float], goal: float, higher: bool) -> str:
    ok = [v >= goal if higher else v <= goal for v in values]
    if all(ok):
        return "yes"
    if not any(ok):
        return "**no**"
    return f"{sum(ok)} of {len(ok)}"


# (measure, goal, file, filter, threads): speedups joined with " / " in file order
CPU_GOALS = [
    (
        "SpMM sum vs `torch.sparse.mm` CSR (MKL), cpu2m, F = 32 / 64 / 128",
        0.95,
        "kernels_cpu.json",
        {"op": "spmm_sum", "graph": "cpu2m", "baseline": "torch.sparse.mm(CSR)"},
    ),
    (
        "SpMM sum vs `torch.sparse.mm(reduce='sum')`, cpu2m, F = 32 / 64 / 128",
        0.95,
        "kernels_cpu.json",
        {"op": "spmm_sum", "graph": "cpu2m", "baseline": "torch.sparse.mm(CSR,sum)"},
    ),
    (
        "SpMM sum vs gather + `index_add_`, cpu2m, F = 32 / 64 / 128",
        5.0,
        "kernels_cpu.json",
        {"op": "spmm_sum", "graph": "cpu2m", "baseline": "gather+index_add_"},
    ),
    (
        "weighted SpMM F = 47 vs gather + `index_add_`, cpu2m / arxiv size",
        5.0,
        "kernels_cpu.json",
        {
            "op": "spmm_sum_weighted",
            "baseline": "gather+index_add_",
            "graph": ("cpu2m", "arxiv"),
        },
    ),
    (
        "GCN training epoch 128 → 256 → 40 vs PyG `GCNConv(edge_index)`, arxiv size",
        4.0,
        "kernels_cpu_layers_quiet.json",
        {"op": "gcn_train_epoch_128_256_40", "baseline": "PyG(edge_index)"},
    ),
    (
        "the same epoch, `F.relu` + `F.dropout` on both sides (reference)",
        None,
        "kernels_cpu_layers_quiet.json",
        {
            "op": "gcn_train_epoch_128_256_40_torch_dropout",
            "baseline": "PyG(edge_index)",
        },
    ),
]


def _select(rows: list[dict], filt: dict) -> list[dict]:
    out = []
    for r in rows:
        if all(
            r.get(k) in v if isinstance(v, tuple) else r.get(k) == v
            for k, v in filt.items()
        ):
            out.append(r)
    if isinstance(filt.get("graph"), tuple):  # keep the order the filter names
        out.sort(key=lambda r: filt["graph"].index(r["graph"]))
    return out


def kernels_cpu_goals(results: Path) -> str:
    """CPU speed goals: speedups on 1 and 2 threads, and whether each goal is met."""
    lines = [
        "| measure | goal | threads = 1 | threads = 2 | met? |",
        "|---|---|---|---|---|",
    ]
    for measure, goal, file, filt in CPU_GOALS:
        rows = _select(_load(results, file), filt)
        cells, every = [], []
        for t in (1, 2):
            sp = [r["speedup"] for r in rows if r["threads"] == t]
            every += sp
            cells.append(" / ".join(f"{s:.2f}x" for s in sp))
        goal_cell = "reference" if goal is None else f">= {goal:g}x"
        met = "" if goal is None else _met(every, goal, higher=True)
        lines.append(f"| {measure} | {goal_cell} | {cells[0]} | {cells[1]} | {met} |")
    return "\n".join(lines)


# (measure, goal, kind, filter): kind "speedup" (>= goal) or "ms" (<= goal)
GPU_GOALS = [
    (
        "SpMM sum F = 32 vs `torch.sparse.mm` (cuSPARSE)",
        2.0,
        "speedup",
        {"op": "spmm_sum", "impl": "graphlabels", "F": 32, "dtype": "float32"},
    ),
    (
        "SpMM sum F = 128 vs `torch.sparse.mm` (cuSPARSE)",
        1.25,
        "speedup",
        {"op": "spmm_sum", "impl": "graphlabels", "F": 128, "dtype": "float32"},
    ),
    (
        "GAT layer 8 x 16, forward + backward",
        60.0,
        "ms",
        {"op": "gat_layer_fwd_bwd", "impl": "graphlabels"},
    ),
    (
        "GCN layer, forward + backward",
        30.0,
        "ms",
        {"op": "gcn_layer_fwd_bwd", "impl": "graphlabels"},
    ),
]


def kernels_gpu_goals(results: Path) -> str:
    """GPU speed goals on the products-size graph."""
    rows = _load(results, "kernels_gpu_spmm.json") + _load(
        results, "kernels_gpu_layers.json"
    )
    rows = [r for r in rows if r["graph"] == "products"]
    lines = ["| measure | goal | measured | met? |", "|---|---|---|---|"]
    for measure, goal, kind, filt in GPU_GOALS:
        sel = _select(rows, filt)
        if kind == "speedup":
            r = next(r for r in sel if r["baseline"] == "torch.sparse.mm(CSR)")
            cell = f"{r['ms']:.2f} ms vs {r['baseline_ms']:.2f} ms: {r['speedup']:.2f}x"
            met = _met([r["speedup"]], goal, higher=True)
            goal_cell = f">= {goal:g}x"
        else:
            r = sel[0]
            others = [
                f"{x['baseline']} {x['baseline_ms']:.1f} ms"
                if x["baseline_ms"] is not None
                else f"{x['baseline']}: {x.get('note', 'not run')}"
                for x in sel
            ]
            cell = (
                f"{r['ms']:.1f} ms, {r['peak_mem_gb']:.1f} GB peak "
                f"({'; '.join(others)})"
            )
            met = _met([r["ms"]], goal, higher=False)
            goal_cell = f"<= {goal:g} ms"
        lines.append(f"| {measure} | {goal_cell} | {cell} | {met} |")
    return "\n".join(lines)


def kernels_gpu_probe(results: Path) -> str:
    """F = 128 SpMM on products against bandwidth probes and kernel variants."""
    rec = _load(results, "kernels_gpu_probe.json")
    lines = [
        "| what | edges x features per block | warps | rows per program | loads "
        "| ms | GB moved | GB/s | vs cuSPARSE |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rec["records"]:
        block = f"{r['be']} x {r['bf']}" if "be" in r else ""
        warps = str(r.get("warps", ""))
        rows = str(r.get("rows", ""))
        loads = " ".join(x for x in (r.get("cm"), r.get("ev")) if x) or (
            "default" if "be" in r else ""
        )
        if "error" in r:
            nums = ["refused by ptxas", "", "", ""]
        else:
            sp = r.get("speedup")
            nums = [
                f"{r['ms']:.2f}",
                f"{r['GB']:.1f}",
                f"{r['GB_per_s']:,.0f}",
                f"{sp:.2f}x" if sp else "",
            ]
        lines.append(
            f"| {r['probe']} | {block} | {warps} | {rows} | {loads} | "
            + " | ".join(nums)
            + " |"
        )
    return "\n".join(lines)


def kernels_cpu_peers(results: Path) -> str:
    """Compiled CPU kernels against DGL, PyG and torch CSR, 1 and 2 threads."""
    data = _load(results, "kernels_cpu_peers.json")
    lines = [
        "| op | graph | F | threads | graphlabels ms (CPU) | DGL | torch CSR | PyG "
        "| x DGL (CPU / wall) | x PyG (CPU) | of gather bound |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def ms(rec: dict, key: str) -> str:
        v = rec["cpu_ms"].get(key)
        return "-" if v is None else f"{v:.1f}"

    for r in data["records"]:
        if r["op"] == "gather":
            continue
        sc, sw = r["speedup_cpu"], r["speedup"]
        dgl = "-" if "DGL" not in sc else f"{sc['DGL']:.2f} / {sw['DGL']:.2f}"
        pyg = next((f"{v:.2f}" for k, v in sc.items() if k.startswith("PyG")), "-")
        frac = r.get("frac_of_gather_cpu")
        lines.append(
            f"| {r['op']} | {r['graph']} | {r['F']} | {r['threads']} | "
            f"{ms(r, 'graphlabels')} | {ms(r, 'DGL')} | {ms(r, 'torch CSR')} | "
            f"{ms(r, 'PyG')} | {dgl} | {pyg} | "
            f"{'-' if frac is None else f'{frac:.2f}'} |"
        )
    return "\n".join(lines)


def _summarize() -> ModuleType:
    return _script("kernels/summarize.py")


def kernels_cpu_spmm(results: Path) -> str:
    """Every CPU SpMM record, 1 and 2 threads side by side."""
    rows = _load(results, "kernels_cpu.json")
    ops = ["spmm_sum", "spmm_sum_weighted", "spmm_sum_fwd_bwd", "spmm_mean", "spmm_max"]
    return _summarize().threads_table(rows, ops=ops)


def kernels_cpu_reorder(results: Path) -> str:
    """SpMM after relabelling the nodes, against the given order."""
    rows = _load(results, "kernels_cpu.json")
    return _summarize().threads_table(rows, ops=["spmm_sum_reordered"])


def kernels_cpu_layers(results: Path) -> str:
    """CPU layers and the GCN training epoch against PyG."""
    return _summarize().threads_table(_load(results, "kernels_cpu_layers_quiet.json"))


def kernels_gpu_spmm(results: Path) -> str:
    """GPU SpMM records on the products- and arxiv-size graphs."""
    rows = _load(results, "kernels_gpu_spmm.json")
    return _summarize().table(rows, graphs=["products", "arxiv"])


def kernels_gpu_layers(results: Path) -> str:
    """GPU layer records."""
    return _summarize().table(_load(results, "kernels_gpu_layers.json"))


# --- base models ---------------------------------------------------------------


def baselines(results: Path) -> str:
    """Base-model accuracy on the standard splits against the minimum."""
    rec = _load(results, "baselines.json")
    lines = [
        "| model | dataset | hyperparameters | test accuracy | validation "
        "| minimum | published | met? |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rec["results"]:
        hp = r["hyperparameters"]
        hps = f"hidden {hp['hidden_channels']}" + (
            f" x {hp['heads']} heads" if "heads" in hp else ""
        )
        hps += f", dropout {hp['dropout']:g}, lr {hp['lr']:g}"
        hps += f", wd {hp['weight_decay']:g}, {hp['epochs']} epochs"
        hps += f", patience {hp['patience']}"
        lines.append(
            f"| {r['model'].upper()} | {r['dataset']} | {hps} | "
            f"{r['test_acc_mean']:.2f} ± {r['test_acc_std']:.2f} | "
            f"{r['val_acc_mean']:.2f} | {r['minimum']:g} | {r['published']} | "
            f"{'yes' if r['meets_minimum'] else '**no**'} |"
        )
    return "\n".join(lines)


def cora_wall(results: Path) -> str:
    """Wall time of the 10-run GCN on Cora."""
    w = _load(results, "baselines.json")["cora_gcn_10_runs_wall"]
    lines = ["| command | threads | wall time | goal |", "|---|---|---|---|"]
    for t in (2, 1):
        lines.append(
            f"| `{w['command'].replace('T', str(t))}` | {t} | "
            f"**{w[f'threads_{t}_seconds']:.1f} s** | <= {w['goal_seconds']} s |"
        )
    return "\n".join(lines)


def _grid(results: Path, name: str) -> str:
    rec = _load(results, name)
    lines = [
        "| hidden | dropout | weight decay | validation | test | |",
        "|---|---|---|---|---|---|",
    ]
    for r in rec["rows"]:
        s = r["setting"]
        chosen = "chosen" if s == rec["chosen"] else ""
        lines.append(
            f"| {s['hidden']} | {s['dropout']} | {s['weight-decay']} | "
            f"{r['val_acc_mean']:.2f} ± {r['val_acc_std']:.2f} | "
            f"{r['test_acc_mean']:.2f} ± {r['test_acc_std']:.2f} | {chosen} |"
        )
    return "\n".join(lines)


def grid_amazon_photo(results: Path) -> str:
    """The GCN validation grid on Amazon Photo."""
    return _grid(results, "grid_amazon-photo_gcn.json")


def grid_coauthor_cs(results: Path) -> str:
    """The GCN validation grid on Coauthor CS."""
    return _grid(results, "grid_coauthor-cs_gcn.json")


# --- LNU -----------------------------------------------------------------------


def _lnu(results: Path) -> dict:
    return _load(results, "lnu.json")["results"]


def lnu(results: Path) -> str:
    """LNU accuracy, every row."""
    return _script("lnu/make_table.py").results_table(_lnu(results))


def lnu_diagnostics(results: Path) -> str:
    """The score diagnostics of each base model."""
    return _script("lnu/make_table.py").diagnostics_table(_lnu(results))


def lnu_gap(results: Path) -> str:
    """Test gain minus validation gain, per candidate set and variant."""
    return _script("lnu/val_test_gap.py").gap_table(_lnu(results))


def lnu_paired(results: Path) -> str:
    """The rows run with both candidate sets."""
    return _script("lnu/val_test_gap.py").paired_table(_lnu(results))


def lnu_edge_drop(results: Path) -> str:
    """Algorithm 2 on the products-size graph."""
    rec = _load(results, "lnu_edge_drop.json")
    under = {
        (r["eta1"], r["eta2"]): r
        for r in rec.get("earlier_run_under_load", {}).get("runs", [])
    }
    lines = [
        "| η1, η2 | edges dropped | wall time (best of "
        f"{len(rec['runs'][0]['seconds'])}) | CPU time | wall time at load "
        f"{rec['earlier_run_under_load']['load_average'][0]:.0f}"
        f"-{rec['earlier_run_under_load']['load_average'][2]:.0f} | target |",
        "|---|---|---|---|---|---|",
    ]
    for r in rec["runs"]:
        u = under.get((r["eta1"], r["eta2"]))
        loaded = (
            f"{u['seconds_min']:.1f} s (CPU {min(u['cpu_seconds']):.1f} s)" if u else ""
        )
        lines.append(
            f"| {r['eta1']:g}, {r['eta2']:g} | {r['edges_dropped']:,} | "
            f"**{r['seconds_min']:.1f} s** | {min(r['cpu_seconds']):.1f} s | "
            f"{loaded} | <= {rec['target_seconds']:g} s |"
        )
    return "\n".join(lines)


# --- propagation ---------------------------------------------------------------


def _report() -> ModuleType:
    return _script("propagation/report.py")


def propagation_accuracy(results: Path) -> str:
    """LP and C&S accuracy with validation-chosen hyperparameters."""
    return _report().accuracy_table(results / "propagation_accuracy.json")


def propagation_speed(results: Path) -> str:
    """LP and C&S speed on the quiet CPU machine and on the GPU."""
    names = [
        "propagation_cpu_arxiv_quiet.json",
        "propagation_cpu_products.json",
        "propagation_gpu.json",
    ]
    return _report().compact_speed_table([r for n in names for r in _load(results, n)])


def propagation_speed_loaded(results: Path) -> str:
    """The earlier arxiv-size CPU runs, taken while the machine was loaded."""
    names = ["propagation_cpu_arxiv.json", "propagation_cpu_arxiv_1thread.json"]
    return _report().compact_speed_table([r for n in names for r in _load(results, n)])


# --- label-free ----------------------------------------------------------------


def labelfree(results: Path) -> str:
    """Label-free accuracy per dataset, strategy and annotator."""
    rows = _load(results, "labelfree.json")["rows"]
    return _script("labelfree/make_table.py").table(rows)


def labelfree_selection_speed(results: Path) -> str:
    """Selection time per strategy on the arxiv-size graph."""
    speed = _load(results, "labelfree.json")["selection_speed"]
    return _script("labelfree/make_table.py").speed_table(speed)


# --- data verification and sampling -----------------------------------------------


def data_verify(results: Path) -> str:
    """Cost of the sha256 check on load: first load, later loads, unverified."""
    data = _load(results, "data_verify.json")
    lines = [
        "| dataset | files | MB | hash, first load (s) | stamp check, later (s) "
        "| whole load: first / later / unverified (s) |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in data["results"].items():
        lines.append(
            f"| {name} | {r['files']} | {r['bytes'] / 1e6:.1f} | "
            f"{r['verify_first_s']:.4f} | {r['verify_later_s']:.4f} | "
            f"{r['load_first_s']:.2f} / {r['load_later_s']:.2f} / "
            f"{r['load_unverified_s']:.2f} |"
        )
    return "\n".join(lines)


def sampling_cpu(results: Path) -> str:
    """Sampler, training batch and layer-wise inference against DGL on products size."""
    data = _load(results, "sampling_cpu.json")
    jobs = data["jobs"]
    lines = [
        "| job | graphlabels | DGL 1.1.3 | time or memory, graphlabels / DGL |",
        "|---|---|---|---|",
    ]
    for t, r in jobs["sample"]["threads"].items():
        ours, theirs = r["graphlabels_ms_median"], r["dgl_ms_median"]
        lines.append(
            f"| sample [15, 10, 5], batch 1024, {t} thread(s), median ms | {ours:.0f} "
            f"| {theirs:.0f} | {ours / theirs:.2f} |"
        )
    ours, theirs = jobs["train-ours"], jobs["train-dgl"]
    a, b = ours["batch_s_mean_after_first"], theirs["batch_s_mean_after_first"]
    lines.append(
        f"| 3-layer SAGE training, s per batch ({ours['batches_timed']} timed) "
        f"| {a:.1f} | {b:.1f} | {a / b:.2f} |"
    )
    a, b = ours["peak_rss_mb"], theirs["peak_rss_mb"]
    lines.append(f"| training peak RSS, MB | {a} | {b} | {a / b:.2f} |")
    lean = jobs.get("train-ours-prefetch0")
    if lean is not None:  # no batches sampled ahead, as DGL's loop
        a = lean["batch_s_mean_after_first"]
        b = theirs["batch_s_mean_after_first"]
        lines.append(
            f"| the same, no prefetch: s per batch | {a:.1f} | {b:.1f} | {a / b:.2f} |"
        )
        a, b = lean["peak_rss_mb"], theirs["peak_rss_mb"]
        lines.append(
            f"| the same, no prefetch: peak RSS, MB | {a} | {b} | {a / b:.2f} |"
        )
    inf = jobs["infer-ours"]
    lines.append(
        f"| layer-wise inference, {inf['nodes']:,} nodes: s / peak RSS MB "
        f"| {inf['seconds']:.0f} / {inf['peak_rss_mb']} | - | - |"
    )
    full = jobs.get("infer-full")
    if full is not None:
        lines.append(
            f"| one full-batch forward of that model: s / peak RSS MB "
            f"| {full['seconds']:.0f} / {full['peak_rss_mb']} | - | - |"
        )
    pyg = jobs["pyg"]
    lines.append(
        f"| PyG `NeighborLoader` | {'runs' if pyg['works'] else pyg['error']} | | |"
    )
    three = data.get("sample_with_pyg")
    if three is not None:  # a run with torch-sparse built from source
        for t, r in three["threads"].items():
            ours, theirs = r["graphlabels_ms_median"], r["pyg_ms_median"]
            lines.append(
                f"| with torch-sparse from source: sample, {t} thread(s), median ms, "
                f"graphlabels / PyG `NeighborSampler` (DGL {r['dgl_ms_median']:.0f}) "
                f"| {ours:.0f} | {theirs:.0f} (PyG) | {ours / theirs:.2f} |"
            )
    return "\n".join(lines)


# --- label dependencies ---------------------------------------------------------


def dependencies_anchors(results: Path) -> str:
    """GCN, GMNN and the label trick on the Planetoid splits."""
    mod = _script("dependencies/make_table.py")
    return mod.anchors_table(_load(results, "dependencies.json"))


def dependencies_study(results: Path) -> str:
    """Accuracy against training density per source of information."""
    mod = _script("dependencies/make_table.py")
    return mod.study_table(_load(results, "dependencies.json"))


def dependencies_gain(results: Path) -> str:
    """Each method's difference from the GCN, paired t-test per density."""
    mod = _script("dependencies/make_table.py")
    return mod.gain_table(_load(results, "dependencies.json"))


TABLES: dict[str, Callable[[Path], str]] = {
    "data-verify": data_verify,
    "sampling-cpu": sampling_cpu,
    "dependencies-anchors": dependencies_anchors,
    "dependencies-study": dependencies_study,
    "dependencies-gain": dependencies_gain,
    "kernels-cpu-goals": kernels_cpu_goals,
    "kernels-cpu-peers": kernels_cpu_peers,
    "kernels-cpu-spmm": kernels_cpu_spmm,
    "kernels-cpu-layers": kernels_cpu_layers,
    "kernels-cpu-reorder": kernels_cpu_reorder,
    "kernels-gpu-goals": kernels_gpu_goals,
    "kernels-gpu-spmm": kernels_gpu_spmm,
    "kernels-gpu-layers": kernels_gpu_layers,
    "kernels-gpu-probe": kernels_gpu_probe,
    "baselines": baselines,
    "cora-wall": cora_wall,
    "grid-amazon-photo": grid_amazon_photo,
    "grid-coauthor-cs": grid_coauthor_cs,
    "lnu": lnu,
    "lnu-diagnostics": lnu_diagnostics,
    "lnu-gap": lnu_gap,
    "lnu-paired": lnu_paired,
    "lnu-edge-drop": lnu_edge_drop,
    "propagation-accuracy": propagation_accuracy,
    "propagation-speed": propagation_speed,
    "propagation-speed-loaded": propagation_speed_loaded,
    "labelfree": labelfree,
    "labelfree-selection-speed": labelfree_selection_speed,
}


def render(text: str, results: Path) -> str:
    """``text`` with every marked table regenerated from ``results``.

    Raises:
        ValueError: A marker names no known table.
    """

    def sub(m: re.Match) -> str:
        name = m["name"]
        if name not in TABLES:
            known = ", ".join(sorted(TABLES))
            raise ValueError(f"unknown table '{name}' in a marker: use one of {known}")
        return f"{m[1]}{TABLES[name](results)}\n{m[4]}"

    return MARKER.sub(sub, text)


def stale(text: str, results: Path) -> list[str]:
    """Names of the marked tables whose text differs from a fresh rendering."""
    out = []
    for m in MARKER.finditer(text):
        if render(m[0], results) != m[0]:
            out.append(m["name"])
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--readme", type=Path, default=HERE / "README.md")
    p.add_argument("--results", type=Path, default=HERE / "results")
    p.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if a table is stale",
    )
    args = p.parse_args(argv)
    text = args.readme.read_text()
    if args.check:
        names = stale(text, args.results)
        if names:
            print(
                f"{args.readme}: stale tables: {', '.join(names)}; run "
                "python benchmarks/make_tables.py",
                file=sys.stderr,
            )
            return 1
        return 0
    new = render(text, args.results)
    if new != text:
        args.readme.write_text(new)
        print(f"rewrote the tables of {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
