"""How close SpMM at F = 128 is to this GPU's memory bound (products size, fp32).

Usage (on the GPU machine, about a minute on an H100)::

    python benchmarks/kernels/probe_gpu.py --json $OUT/kernels_gpu_probe.json

In one run it times:

- ``torch.sparse.mm`` (cuSPARSE) and graphlabels' ``spmm_sum`` (autotuned);
- variants of the row kernel that the autotuner does not try: a cache modifier
  or an eviction policy on the feature gathers, and several rows per program;
- three bandwidth probes: a device copy, a streaming read (``sum``), and the
  same row kernel on a graph with the same row lengths whose sources are
  consecutive (``col[e] = e mod N``): the same bytes, read in order.

Each record carries the bytes the kernel must move (gathered rows, column
indices, output) and the resulting GB/s. ``--tiny`` runs the variants on a
tiny graph in the Triton interpreter (``TRITON_INTERPRET=1``, CPU) and checks
their values.
"""

from __future__ import annotations

import argparse
import json
import warnings

import torch
import triton
import triton.language as tl
from _common import graph, median_ms

from graphlabels.ops import CSR, spmm

warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")


@triton.jit
def _probe_kernel(
    rowptr_ptr,
    col_ptr,
    x_ptr,
    out_ptr,
    num_rows,
    F,
    ROWS: tl.constexpr,
    GATHER_CM: tl.constexpr,
    GATHER_EV: tl.constexpr,
    BLOCK_E: tl.constexpr,
    BLOCK_F: tl.constexpr,
):
    """The library's row kernel (int32 offsets, no weights) with knobs."""
    fb = tl.program_id(1)
    offs_f = fb * BLOCK_F + tl.arange(0, BLOCK_F)
    mask_f = offs_f < F
    for r in range(ROWS):
        row = tl.program_id(0) * ROWS + r
        last = tl.minimum(row, num_rows - 1)  # rows past the end: empty
        start = tl.load(rowptr_ptr + last)
        end = tl.where(row < num_rows, tl.load(rowptr_ptr + last + 1), start)
        acc = tl.zeros([BLOCK_F], dtype=tl.float32)
        for e0 in range(start, end, BLOCK_E):
            offs_e = e0 + tl.arange(0, BLOCK_E)
            mask_e = offs_e < end
            cols = tl.load(col_ptr + offs_e, mask=mask_e, other=0)
            tile = tl.load(
                x_ptr + cols[:, None] * F + offs_f[None, :],
                mask=mask_e[:, None] & mask_f[None, :],
                other=0.0,
                cache_modifier=GATHER_CM,
                eviction_policy=GATHER_EV,
            )
            acc += tl.sum(tile, axis=0)
        tl.store(
            out_ptr + row * F + offs_f, acc, mask=mask_f & (offs_f * 0 + row < num_rows)
        )


def bench(fn, cuda: bool) -> float:
    """Median milliseconds of ``fn`` (60 ms of calls on CUDA)."""
    return median_ms(fn, cuda, rep=60)


def variants(cuda: bool) -> list[dict]:
    """Launch settings: (BLOCK_E, BLOCK_F, warps, ROWS, cache modifier, eviction)."""
    # ptxas refuses ".cg" together with ".evict_first" (measured: a PTX error)
    knobs = [("", ""), (".cg", ""), ("", "evict_first")]
    if not cuda:
        return [
            dict(be=8, bf=4, warps=1, rows=r, cm=cm, ev=ev)
            for r, (cm, ev) in zip((1, 3, 2), knobs, strict=True)
        ]
    out = []
    for be, bf, warps in [(64, 64, 2), (32, 64, 2), (16, 128, 4), (32, 128, 4)]:
        for rows in (1, 4):
            for cm, ev in knobs:
                out.append(dict(be=be, bf=bf, warps=warps, rows=rows, cm=cm, ev=ev))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--json", default=None)
    p.add_argument("--F", type=int, default=128)
    p.add_argument("--tiny", action="store_true", help="interpreter, tiny graph")
    args = p.parse_args()
    cuda = not args.tiny
    dev = torch.device("cuda" if cuda else "cpu")
    ei, n = graph("products") if cuda else graph("pl60_400")
    A = CSR.from_edge_index(ei.to(dev), n)
    del ei
    F, E = args.F, A.nnz
    if cuda:
        assert max(E, n * F) < 2**31, "the probe kernel uses int32 offsets"
    rowptr, col = A.indices32()
    seq_col = (torch.arange(E, device=dev) % n).to(col.dtype)
    X = torch.randn(n, F, device=dev)
    out = torch.empty_like(X)
    T = torch.sparse_csr_tensor(A.rowptr, A.col, torch.ones(E, device=dev), A.shape)
    ref = torch.sparse.mm(T, X)
    recs: list[dict] = []
    gathered = E * F * 4

    def add(name: str, ms: float, nbytes: float, **kw) -> None:
        rec = {"probe": name, "ms": round(ms, 4), "GB": round(nbytes / 1e9, 3)}
        rec["GB_per_s"] = round(nbytes / ms / 1e6, 1)
        rec.update(kw)
        recs.append(rec)
        print(json.dumps(rec), flush=True)

    kernel_bytes = lambda nprog_f: gathered + E * 4 * nprog_f + n * F * 4  # noqa: E731
    base = bench(lambda: torch.sparse.mm(T, X), cuda)
    add("torch.sparse.mm", base, kernel_bytes(1))
    ours = bench(lambda: spmm(A, X), cuda)
    err = (spmm(A, X) - ref).abs().max().item()
    add(
        "graphlabels.spmm",
        ours,
        kernel_bytes(2),
        speedup=round(base / ours, 3),
        max_err=err,
    )
    if cuda:
        big = torch.empty(2**30, device=dev)  # 4 GiB
        big.normal_()
        dst = torch.empty_like(big)
        add(
            "copy (read + write)",
            bench(lambda: dst.copy_(big), cuda),
            2 * big.numel() * 4,
        )
        add("sum (read)", bench(lambda: big.sum(), cuda), big.numel() * 4)
        del big, dst
        torch.cuda.empty_cache()
    for v in variants(cuda):
        nprog = -(-F // v["bf"])
        grid = (-(-n // v["rows"]), nprog)
        for name, c in (("random", col), ("sequential", seq_col)):
            if name == "sequential" and (v["cm"] or v["ev"] or v["rows"] > 1):
                continue  # the in-order probe once per block shape

            def run(c=c, v=v, grid=grid):
                _probe_kernel[grid](
                    rowptr, c, X, out, n, F, ROWS=v["rows"], GATHER_CM=v["cm"],
                    GATHER_EV=v["ev"], BLOCK_E=v["be"], BLOCK_F=v["bf"],
                    num_warps=v["warps"],
                )  # fmt: skip

            try:
                run()
                err = (out - ref).abs().max().item() if name == "random" else None
                ms = bench(run, cuda)
            except Exception as exc:  # a setting the compiler refuses
                recs.append(
                    {"probe": f"row kernel, {name}", **v, "error": str(exc)[:200]}
                )
                print(recs[-1], flush=True)
                continue
            add(f"row kernel, {name} sources", ms, kernel_bytes(nprog),
                speedup=round(base / ms, 3), max_err=err, **v)  # fmt: skip
            if not cuda and err is not None and err > 1e-4:
                raise SystemExit(f"variant {v} is wrong: max error {err}")
    meta = {"graph": "products" if cuda else "pl60_400", "n": n, "nnz": E, "F": F}
    if cuda:
        meta["gpu"] = torch.cuda.get_device_name()
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "records": recs}, f, indent=1)
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
