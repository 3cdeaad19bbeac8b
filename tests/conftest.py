"""Shared fixtures: paths to the shared references, and factories for usage inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(__import__("os").environ.get("CARBONLAB_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the repository (references for tests); skip when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared reference folder not found at {SHARED}")
    return SHARED


@pytest.fixture
def usage_table():
    """Factory: a UsageTable from a list of dicts, filling the bookkeeping columns.

    Each record defaults to one hour starting 2025-01-01T00:00Z, provider aws,
    region us-east-1, and ``source_file``/``source_row`` set to its position.
    """

    def make(records, **defaults):
        base = dict(start="2025-01-01T00:00Z", end="2025-01-01T01:00Z", provider="aws", region="us-east-1",
                    service="svc", account="acct", source_file="test.csv")
        rows = []
        for i, r in enumerate(records):
            row = {**base, **defaults, **r}
            row.setdefault("source_row", i + 1)
            rows.append(row)
        df = pd.DataFrame(rows)
        df["start"] = pd.to_datetime(df["start"], utc=True)
        df["end"] = pd.to_datetime(df["end"], utc=True)
        return df

    return make


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="module")
def hourly_vm_disk():
    """Factory: 48 hours of a VM and an SSD disk per (region, provider, instance type), as a UsageTable."""

    def make(sites, *, start="2025-01-31T00:00Z", hours=48, cycle=4, source_file="t.csv"):
        rows = []
        for h in range(hours):
            t0 = pd.Timestamp(start) + pd.Timedelta(hours=h)
            for region, provider, itype in sites:
                base = dict(start=t0, end=t0 + pd.Timedelta(hours=1), provider=provider, region=region,
                            source_file=source_file)
                rows += [dict(base, service="vm", kind="compute", instance_type=itype, quantity=2.0 + h % cycle,
                              unit="vCPU-h"),
                         dict(base, service="disk", kind="storage", quantity=1.0, unit="TB-h", storage_class="ssd")]
        df = pd.DataFrame(rows)
        df["source_row"] = np.arange(1, len(df) + 1)
        return df

    return make
