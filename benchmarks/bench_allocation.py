"""Benchmark: one month of one region, 1 million accounts x 200 services, allocated with v3.

Prints figures; it asserts nothing.  Run with ``python benchmarks/bench_allocation.py``
(``--accounts`` and ``--services`` change the size).  Phases:

1. build the synthetic provider (data generation; not part of the allocation);
2. validate it and index it (``Provider``: integer codes, canonical row order);
3. allocate (the sparse chain and the Dataset in the ``sparse`` layout), then check conservation.

Phases 2-3 are timed once untraced, then run again under :mod:`tracemalloc` for the peak of the
Python and numpy allocations they make; the process's maximum resident set size (``ru_maxrss``,
generation included) is printed too.  Phase 1 includes one validation, as ``synthetic_provider``
returns a validated ``Provider``.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

from carbonlab import allocation
from carbonlab.allocation.synthetic import REGIONS, synthetic_provider


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--version", default="v3")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    t0 = time.perf_counter()
    provider = synthetic_provider(args.seed, n_accounts=args.accounts, n_services=args.services,
                                  regions=REGIONS[:1], n_months=1, start="2025-01", archetypes=False)
    t_generate = time.perf_counter() - t0
    rows = len(provider.consumption)
    print(f"synthetic provider: {args.accounts:,} accounts x {args.services} services, one region, one month")
    print(f"  consumption rows (non-zeros of the account x service matrix): {rows:,}; racks: {len(provider.racks):,}")
    print(f"  generate                     {t_generate:8.2f} s   (max RSS so far {_rss_mb():,.0f} MB)")

    tables = (provider.clusters, provider.inventory, provider.racks, provider.rack_load, provider.rack_usage,
              provider.consumption)

    def run():
        times = [time.perf_counter()]
        fresh = allocation.Provider(*tables)
        times.append(time.perf_counter())
        ds = allocation.allocate(fresh, args.version, layout="sparse")
        times.append(time.perf_counter())
        residual = allocation.check_conservation(ds)
        times.append(time.perf_counter())
        return ds, residual, [b - a for a, b in zip(times, times[1:])]

    ds, residual, (t_index, t_allocate, t_check) = run()     # timed without tracing
    del ds
    tracemalloc.start()                                       # a second run, traced, for memory
    ds, residual, _ = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    entries = ds.sizes[allocation.ENTRY]
    result_mb = ds["co2e_allocated"].nbytes / 1e6
    print(f"  validate and index           {t_index:8.2f} s")
    print(f"  allocate ({args.version}, sparse layout)   {t_allocate:8.2f} s   ({entries:,} account-service entries,"
          f" {result_mb:,.0f} MB of values)")
    print(f"  check conservation           {t_check:8.2f} s   (max |residual| {float(abs(residual).max()):.2e} t)")
    print(f"  total without generation     {t_index + t_allocate + t_check:8.2f} s")
    print(f"  peak traced memory (validate .. check, second run): {peak / 1e6:,.0f} MB"
          f" = {peak / rows:,.0f} bytes per consumption row")
    print(f"  max RSS of the process:                             {_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
