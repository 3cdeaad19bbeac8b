"""Benchmark: peak memory and throughput of streaming a large FOCUS CSV into the usage cube.

Writes FOCUS 1.0 CSV files of 2, 5 and 10 million rows (``--sizes``) by repeating the shipped week of the
sample company (``datasets/samples/fjordline_focus10.csv.gz``), each copy shifted by one more hour and
wrapping after 90 days, so the bill spans about four months, as a large real bill does; then runs ``carbonlab.usage_cube(path)`` in a fresh
process and prints the rows per second and the process's peak resident memory (``ru_maxrss``, interpreter
included).  The target (issue "Hostile and broken input"): a 10 M-row CSV under 1 GB peak.  This is a
script that prints figures, not a test.

Usage::

    python benchmarks/bench_memory.py [--sizes 2e6 5e6 1e7] [--workdir /tmp/carbonlab-bench]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

_CHILD = r"""
import json, resource, sys, time
import carbonlab, numpy, xarray
from carbonlab.cube import usage_cube
carbonlab.datasets.hardware.instances()
xarray.DataArray(numpy.zeros(1), dims="x")
t0 = time.perf_counter()
cube = usage_cube(sys.argv[1], "ccf_2026")
print(json.dumps({"s": time.perf_counter() - t0, "records": cube.attrs["records_in"],
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_focus(path: Path, n: int) -> None:
    """A FOCUS 1.0 CSV of ``n`` rows: the sample week repeated, copy ``k`` shifted by ``k mod 2160`` hours."""
    import pandas as pd

    sys.path.insert(0, str(REPO))
    from carbonlab.datasets import dataset_path

    week = pd.read_csv(dataset_path("samples", "fjordline_focus10.csv.gz"), dtype=str, keep_default_na=False)
    start = pd.to_datetime(week["ChargePeriodStart"], utc=True)
    end = pd.to_datetime(week["ChargePeriodEnd"], utc=True)
    written, copy = 0, 0
    with open(path, "w", newline="") as f:
        f.write(",".join(week.columns) + "\n")
        while written < n:
            part = week.iloc[: n - written].copy()
            shift = pd.Timedelta(hours=copy % 2160)
            part["ChargePeriodStart"] = (start.iloc[: len(part)] + shift).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
            part["ChargePeriodEnd"] = (end.iloc[: len(part)] + shift).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
            part.to_csv(f, header=False, index=False)
            written += len(part)
            copy += 1


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", type=float, default=[2e6, 5e6, 1e7])
    p.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "carbonlab-bench")
    args = p.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"carbonlab streaming memory benchmark (FOCUS CSV) — {os.cpu_count()} CPUs")
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for size in args.sizes:
        n = int(size)
        path = args.workdir / f"focus10_{n}.csv"
        if not path.exists():
            t0 = time.perf_counter()
            write_focus(path, n)
            print(f"  wrote {path.name} ({path.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t0:.0f} s")
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            print(f"  {n:>12,} rows  failed: {proc.stderr.strip().splitlines()[-1]}")
            continue
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"  {n:>12,} rows  cube {out['s']:7.1f} s  ({out['records'] / out['s'] / 1e6:5.2f} M records/s)  "
              f"peak {out['peak_mb']:7,.0f} MB")


if __name__ == "__main__":
    main()
