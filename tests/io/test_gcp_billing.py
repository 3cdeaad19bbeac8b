"""The GCP billing export reader: classes and units of each SKU, and the same rows read as JSON lines,
Parquet and CSV.

Reference numbers: CCF.md (``../shared/methods/CCF.md``) for CCF's behaviour; Google's Cloud Billing
documentation for the quantities (cited at each test).  The same rows are run through CCF itself in
``tests/test_ccf_billing_parity.py``.
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import carbonlab
from carbonlab.core import units


def _canonical(row):
    return float(units.to_canonical([row["quantity"]], row["unit"], row["kind"], times=[row["start"]])[0])


GCP_ROW = {"billing_account_id": "A", "usage_start_time": "2025-01-28 00:00:00 UTC",
           "usage_end_time": "2025-01-28 01:00:00 UTC", "cost": 1.0, "cost_type": "regular", "credits": [],
           "location": {"location": "europe-west1-b", "region": None}, "project": {"id": "p"},
           "system_labels": []}


def _gcp_rows():
    def r(svc, sku, amount, unit, **kw):
        return {**GCP_ROW, "service": {"description": svc}, "sku": {"description": sku},
                "usage": {"amount": amount, "unit": unit}, **kw}
    gib_s = 2**30 * 3600
    return [
        r("Compute Engine", "N2 Instance Core running in Belgium", 8 * 3600, "seconds",
          system_labels=[{"key": "compute.googleapis.com/machine_spec", "value": "n2-standard-8"}]),
        r("Compute Engine", "N2 Instance Ram running in Belgium", 32 * gib_s, "byte-seconds"),
        r("Compute Engine", "Nvidia Tesla T4 GPU running in Americas", 3600, "seconds"),
        r("Cloud Storage", "Standard Storage Belgium", 100 * gib_s, "byte-seconds"),
        r("Compute Engine", "Network Inter Region Data Transfer Out from Belgium to Netherlands", 2**30, "bytes"),
        r("BigQuery", "Analysis", 2**40, "bytes"),
        r("Kubernetes Engine", "Regional Kubernetes Clusters", 3600, "seconds"),
        r("Compute Engine", "Commitment v1: Cpu in Belgium for 1 Year", 3600, "seconds"),
        r("Compute Engine", "N2 Instance Core running in Belgium", 3600, "seconds", cost_type="tax"),
        r("Compute Engine", "E2 Instance Core running in Belgium", 3600, "seconds",
          credits=[{"name": "Sustained use", "amount": -0.25, "type": "SUSTAINED_USAGE_DISCOUNT"}]),
    ]


def test_gcp_units_and_classes(tmp_path):
    path = tmp_path / "gcp.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _gcp_rows()))
    u = carbonlab.read_gcp_billing(path)
    first = u.drop_duplicates("source_row").set_index("source_row")
    assert (first.loc[1, "kind"], _canonical(first.loc[1]), first.loc[1, "instance_type"]) == \
        ("compute", 8.0, "n2-standard-8")
    # byte-seconds -> GB-h exactly: 32 GiB-h = 32 x 1.073741824 GB-h (CCF divides by 2^30 and calls it GB)
    assert (first.loc[2, "kind"], _canonical(first.loc[2])) == ("memory", pytest.approx(32 * 1.073741824, rel=1e-12))
    assert (first.loc[3, "kind"], first.loc[3, "instance_type"], _canonical(first.loc[3])) == ("gpu", "Nvidia T4", 1.0)
    assert (first.loc[4, "kind"], first.loc[4, "storage_class"], first.loc[4, "replication"]) == ("storage", "hdd", 2.0)
    assert _canonical(first.loc[4]) == pytest.approx(100 * 1.073741824 / 1000, rel=1e-12)
    assert (first.loc[5, "kind"], _canonical(first.loc[5])) == ("network", pytest.approx(1.073741824, rel=1e-12))
    assert first.loc[6, "kind"] == "unknown"        # bytes scanned are not transfer
    assert "cluster" in first.loc[7, "note"]         # CCF: 3 vCPU per cluster
    assert first.loc[8, "note"] == "not usage (commitment fee)"
    assert first.loc[9, "note"] == "not usage (tax)"
    assert set(u["region"]) == {"europe-west1"}      # zone -> region
    credit = u[(u["source_row"] == 10) & (u["kind"] == "unknown")].iloc[0]
    assert credit["cost"] == -0.25 and credit["note"] == "not usage (credit: SUSTAINED_USAGE_DISCOUNT)"
    assert u["cost"].sum() == pytest.approx(10 - 0.25)


def test_gcp_csv_parquet_and_jsonl_read_the_same(tmp_path):
    rows = [r for r in _gcp_rows() if not r["credits"]]
    (tmp_path / "g.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "g.parquet")
    flat = pd.json_normalize(rows)
    flat["system_labels"] = [json.dumps(x) for x in flat["system_labels"]]
    flat["credits"] = "[]"
    flat.to_csv(tmp_path / "g.csv", index=False)
    cols = ["start", "end", "kind", "quantity", "unit", "instance_type", "region", "account", "cost", "note"]
    a = carbonlab.read_gcp_billing(tmp_path / "g.jsonl")[cols]
    for other in ("g.parquet", "g.csv"):
        pd.testing.assert_frame_equal(carbonlab.read_gcp_billing(tmp_path / other)[cols], a, check_dtype=False)
