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
