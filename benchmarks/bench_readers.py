"""Benchmark: an AWS CUR 2.0 Parquet file to a usage cube, end to end, against CCF's own CUR pipeline.

Prints, for 1e5, 1e6 and 1e7 rows (``--sizes``):

* wall time of ``carbonlab.usage_cube(path, "ccf_2026")`` (read the Parquet row groups, classify per
  distinct key, place every row in its hour, reduce to the cube) in a fresh process, after imports (carbonlab,
  its tables, and xarray's lazily imported array backends), and the same with the imports;
* rows per second, and the process's peak resident memory (``ru_maxrss``, includes the interpreter);
* how time grows with size: time per row at each size and a least-squares line ``t = a + b n``;
* CCF's rows per second on its own synthetic CUR rows (``node harness.js bench --kind aws-cur``), measured in
  the same run on the same machine (needs node, npm and ``../shared/peers/ccf``; skipped with the reason).

The input files are written by ``benchmarks/synth_cur2.py`` (CCF's synthetic CUR row mix, hourly, with CUR
2.0 columns and the ``product`` map) into ``--workdir`` and reused when present.  This is a script that
prints figures, not a test: the targets (>= 1 million rows/s, < 2 GB, linear growth) are for a reader to
compare with the output.

Usage::

    python benchmarks/bench_readers.py [--sizes 1e5 1e6 1e7] [--workdir /tmp/carbonlab-bench] [--ccf-n 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import carbonlab
from carbonlab.cube import usage_cube
import carbonlab.datasets.hardware
import numpy, xarray
carbonlab.datasets.hardware.instances()
xarray.DataArray(numpy.zeros(1), dims="x")   # xarray imports its array backends (dask) on first use
t1 = time.perf_counter()
cube = usage_cube(sys.argv[1], "ccf_2026")
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "cube_s": t2 - t1, "records": cube.attrs["records_in"],
                  "unattributed": cube.attrs["records_unattributed"], "cells": int(cube["vcpu_hours"].size),
                  "vcpu_hours": float(cube["vcpu_hours"].sum()),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def ensure_file(workdir: Path, n: int) -> Path:
    path = workdir / f"cur2_{n}.parquet"
    if not path.exists():
        sys.path.insert(0, str(HERE))
        from synth_cur2 import write

        t0 = time.perf_counter()
        write(path, n)
        print(f"  wrote {path.name} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
    return path


def run_carbonlab(path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_wall_s"] = wall
    return out


def run_ccf(n: int) -> dict | str:
    sys.path.insert(0, str(REPO / "tests"))
    try:
        import peer_ccf
    except Exception as exc:  # noqa: BLE001
        return f"CCF peer not importable: {exc}"
    reason = peer_ccf.available()
    if reason:
        return reason
    here = peer_ccf.harness_dir()
    env = {k: v for k, v in os.environ.items() if k not in ("ELECTRICITY_MAPS_TOKEN", "LOGGING_MODE")}
    env["TMPDIR"] = str(peer_ccf.CACHE / "tmp")
    (peer_ccf.CACHE / "tmp").mkdir(exist_ok=True)
    proc = subprocess.run(["node", "harness.js", "bench", "--kind", "aws-cur", "--n", str(n)], cwd=here, env=env,
                          capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        return f"CCF bench failed: {proc.stderr[-500:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6, 1e7])
    p.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "carbonlab-bench")
    p.add_argument("--ccf-n", type=int, default=100_000, help="rows for CCF's bench (CCF: ~50k rows/s)")
    p.add_argument("--repeat", type=int, default=1, help="runs per size (the fastest is reported)")
    a = p.parse_args()
    a.workdir.mkdir(parents=True, exist_ok=True)
    print(f"carbonlab reader benchmark — {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    sizes = [int(s) for s in a.sizes]
    results = []
    for n in sizes:
        path = ensure_file(a.workdir, n)
        runs = [run_carbonlab(path) for _ in range(a.repeat)]
        best = min(runs, key=lambda r: r["cube_s"])
        best["n"] = n
        results.append(best)
        print(f"  {n:>12,d} rows  cube {best['cube_s']:7.2f} s  ({n / best['cube_s'] / 1e6:5.2f} M rows/s; "
              f"with imports {best['process_wall_s']:6.2f} s = {n / best['process_wall_s'] / 1e6:4.2f} M rows/s)  "
              f"peak {best['peak_mb']:7.0f} MB  cells {best['cells']:,}")
        assert best["records"] == n and best["unattributed"] > 0
    if len(results) >= 2:
        import numpy as np

        ns = np.array([r["n"] for r in results], dtype=float)
        ts = np.array([r["cube_s"] for r in results])
        b, a0 = np.polyfit(ns, ts, 1)
        pred = a0 + b * ns
        print("  growth: " + ", ".join(f"{r['n']:.0e}: {r['cube_s'] / r['n'] * 1e9:.0f} ns/row" for r in results))
        print(f"  least squares t = {a0:.2f} s + {b * 1e9:.1f} ns x n; largest relative residual "
              f"{float(np.max(np.abs(ts - pred) / ts)):.1%}; t({ns[-1]:.0e}) / t({ns[0]:.0e}) = "
              f"{ts[-1] / ts[0]:.0f} for {ns[-1] / ns[0]:.0f}x the rows")
    ccf = run_ccf(a.ccf_n)
    if isinstance(ccf, str):
        print(f"  CCF: skipped ({ccf})")
    else:
        best = max(results, key=lambda r: r["n"])
        print(f"  CCF aws-cur per row (node {ccf['node']}): {ccf['n']:,} rows in {ccf['ccf_s']:.2f} s = "
              f"{ccf['rows_per_s']:,} rows/s, RSS {ccf['rss_mb']} MB")
        print(f"  carbonlab / CCF throughput at {best['n']:.0e} rows: "
              f"{best['n'] / best['cube_s'] / ccf['rows_per_s']:.0f}x")


if __name__ == "__main__":
    main()
