"""Classification and units of each reader, against hand computations from the cited rules.

Reference numbers: CCF.md (``../shared/methods/CCF.md``) for CCF's behaviour; AWS, Azure and Google
documentation for the quantities (cited at each test).  These tests need no peer; the same rows are run
through CCF itself in ``tests/test_ccf_billing_parity.py``.
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import carbonlab
from carbonlab.core import units
from carbonlab.io import classify


def _cur(tmp_path, rows, name="cur.csv"):
    base = {"lineItem/LineItemType": "Usage", "lineItem/UsageStartDate": "2024-01-15T00:00:00Z",
            "lineItem/UsageEndDate": "2024-01-16T00:00:00Z", "lineItem/UsageAccountId": "111111111111",
            "product/region": "us-east-1", "lineItem/ProductCode": "AmazonEC2", "pricing/unit": "Hrs",
            "product/vcpu": None, "product/instanceType": None, "lineItem/UnblendedCost": 1.0}
    path = tmp_path / name
    pd.DataFrame([{**base, **r} for r in rows]).to_csv(path, index=False)
    return carbonlab.read_aws_cur(path)


def _canonical(row):
    return float(units.to_canonical([row["quantity"]], row["unit"], row["kind"], times=[row["start"]])[0])


def test_s3_byte_hours_priced_in_gb_months(tmp_path):
    # S3 TimedStorage-ByteHrs is priced in GB-Mo (CUR pricing/unit); CCF divides by 2^40 as byte-hours
    # (CCF.md §3.2, issue #1029). 500 GB-Mo in January = 500/1000 x 24 x 31 TB-h.
    u = _cur(tmp_path, [{"lineItem/ProductCode": "AmazonS3", "lineItem/UsageType": "TimedStorage-ByteHrs",
                         "pricing/unit": "GB-Mo", "lineItem/UsageAmount": 500}])
    row = u.iloc[0]
    assert (row["kind"], row["storage_class"], row["replication"]) == ("storage", "hdd", 6.0)
    assert _canonical(row) == pytest.approx(372.0, rel=1e-15)
    assert _canonical(row) / (500 / 2**40) == pytest.approx(8.18e11, rel=1e-3)


def test_burstable_baseline_is_utilisation_not_fewer_vcpus(tmp_path):
    # t3.medium: 2 vCPU, baseline 20 % per vCPU (AWS burstable docs; CCF BURSTABLE_INSTANCE_BASELINE_UTILIZATION)
    u = _cur(tmp_path, [{"lineItem/UsageType": "BoxUsage:t3.medium", "lineItem/UsageAmount": 24,
                         "product/vcpu": "2"}])
    row = u.iloc[0]
    assert row["quantity"] == 48 and row["unit"] == "vCPU-h"          # CCF: 2 x 24 x 20/50 = 19.2
    assert row["utilization"] == pytest.approx(0.2)


def test_instance_hours_gpus_rds_prefix_region_prefix_and_report_vcpu(tmp_path):
    u = _cur(tmp_path, [
        {"lineItem/UsageType": "BoxUsage:p3.2xlarge", "lineItem/UsageAmount": 24},
        {"lineItem/ProductCode": "AmazonRDS", "lineItem/UsageType": "EU-Multi-AZUsage:db.r5.large",
         "product/region": "eu-west-1", "lineItem/UsageAmount": 10, "product/instanceType": "db.r5.large"},
        {"lineItem/UsageType": "BoxUsage:zz9.mega", "lineItem/UsageAmount": 3, "product/vcpu": "6"},
        {"lineItem/UsageType": "BoxUsage:zz9.mega", "lineItem/UsageAmount": 3},
    ])
    p3 = u[u["source_row"] == 1].set_index("kind")
    assert p3.loc["compute", "quantity"] == 24 * 8 and p3.loc["gpu", "quantity"] == 24      # 8 vCPU, 1 V100
    assert p3.loc["gpu", "cost"] == 0 and p3.loc["compute", "cost"] == 1.0
    rds = u[u["source_row"] == 2].iloc[0]
    assert (rds["instance_type"], rds["quantity"], rds["replication"]) == ("r5.large", 20.0, 2.0)
    assert rds["service"] == "Amazon Relational Database Service"
    unknown_type = u[u["source_row"] == 3].iloc[0]
    assert (unknown_type["kind"], unknown_type["quantity"]) == ("compute", 18.0)     # the report's vCPU
    no_vcpu = u[u["source_row"] == 4].iloc[0]
    assert no_vcpu["kind"] == "unknown" and "without a vCPU count" in no_vcpu["note"]


def test_lambda_fargate_glue(tmp_path):
    u = _cur(tmp_path, [
        {"lineItem/ProductCode": "AWSLambda", "lineItem/UsageType": "Lambda-GB-Second",
         "pricing/unit": "Lambda-GB-Second", "lineItem/UsageAmount": 1769},
        {"lineItem/ProductCode": "AmazonECS", "lineItem/UsageType": "USE2-Fargate-GB-Hours",
         "pricing/unit": "GB-Hours", "lineItem/UsageAmount": 16},
        {"lineItem/ProductCode": "AmazonECS", "lineItem/UsageType": "USE2-Fargate-vCPU-Hours:perCPU",
         "pricing/unit": "vCPU-Hours", "lineItem/UsageAmount": 4},
        {"lineItem/ProductCode": "AWSGlue", "lineItem/UsageType": "USE1-ETL-DPU-Hour",
         "pricing/unit": "DPU-Hour", "lineItem/UsageAmount": 2},
    ]).set_index("source_row")
    # 1,769 MB per vCPU (AWS Lambda guide): 1769 GB-s = 1000 vCPU-s
    assert _canonical(u.loc[1]) == pytest.approx(1000 / 3600, rel=1e-12)
    assert (u.loc[2, "kind"], u.loc[2, "unit"]) == ("memory", "GB-h")   # CCF: SSD storage
    assert (u.loc[3, "kind"], u.loc[3, "quantity"]) == ("compute", 4.0)
    assert (u.loc[4, "kind"], u.loc[4, "quantity"]) == ("compute", 8.0)  # 4 vCPU per DPU (AWS Glue)


def test_lines_that_are_not_usage_or_double_count(tmp_path):
    u = _cur(tmp_path, [
        {"lineItem/LineItemType": "Tax", "lineItem/UsageType": "", "pricing/unit": "", "lineItem/UsageAmount": 0,
         "lineItem/UnblendedCost": 12.5},
        {"lineItem/LineItemType": "Credit", "lineItem/UsageType": "", "pricing/unit": "",
         "lineItem/UsageAmount": 0, "lineItem/UnblendedCost": -30},
        {"lineItem/UsageType": "ECS-EC2-vCPU-Hours", "pricing/unit": "vCPU-Hours", "lineItem/UsageAmount": 5},
        {"lineItem/UsageType": "NatGateway-Hours", "lineItem/UsageAmount": 24},
        {"lineItem/UsageType": "DataTransfer-In-Bytes", "pricing/unit": "GB", "lineItem/UsageAmount": 9},
        {"lineItem/ProductCode": "AmazonCloudFront", "lineItem/UsageType": "US-DataTransfer-Out-Bytes",
         "pricing/unit": "GB", "lineItem/UsageAmount": 9},
        {"lineItem/UsageType": "EU-DataTransfer-Out-Bytes", "pricing/unit": "GB", "lineItem/UsageAmount": 9},
    ]).set_index("source_row")
    assert u.loc[1, "note"] == "not usage (Tax)" and u.loc[2, "note"] == "not usage (Credit)"
    assert u.loc[3, "note"].startswith("excluded")
    assert u.loc[4, "note"] == "no physical model for this usage type"
    assert u.loc[5, "kind"] == "unknown" and u.loc[6, "kind"] == "unknown"   # inbound; CloudFront (CCF excludes)
    assert u.loc[7, "kind"] == "network"
    est = classify.estimable(u["note"])
    assert list(est) == [False, False, False, True, True, True, True]


def test_cur2_parquet_and_legacy_csv_read_the_same(tmp_path):
    rows = [{"lineItem/UsageType": "BoxUsage:m5.large", "lineItem/UsageAmount": 5, "product/vcpu": "2"},
            {"lineItem/UsageType": "EBS:VolumeUsage.gp3", "pricing/unit": "GB-Mo", "lineItem/UsageAmount": 30}]
    legacy = _cur(tmp_path, rows)
    cur2 = pd.DataFrame({
        "line_item_line_item_type": ["Usage"] * 2,
        "line_item_usage_start_date": pd.to_datetime(["2024-01-15"] * 2, utc=True),
        "line_item_usage_end_date": pd.to_datetime(["2024-01-16"] * 2, utc=True),
        "line_item_usage_account_id": ["111111111111"] * 2, "product_region_code": ["us-east-1"] * 2,
        "line_item_product_code": ["AmazonEC2"] * 2, "line_item_usage_type": [r["lineItem/UsageType"] for r in rows],
        "pricing_unit": ["Hrs", "GB-Mo"], "product_instance_type": [None, None],
        "line_item_usage_amount": [5.0, 30.0], "line_item_unblended_cost": [1.0, 1.0],
    })
    table = pa.Table.from_pandas(cur2, preserve_index=False).append_column(
        "product", pa.array([[("vcpu", "2")], []], pa.map_(pa.string(), pa.string())))
    pq.write_table(table, tmp_path / "cur2.parquet")
    new = carbonlab.read_aws_cur(tmp_path / "cur2.parquet")
    cols = ["kind", "quantity", "unit", "instance_type", "storage_class", "replication", "cost", "source_row"]
    pd.testing.assert_frame_equal(new[cols], legacy[cols])
    assert new.attrs["source_format"] == "aws_cur_cur2"


# ------------------------------------------------------------------------------------------------ Azure
def _azure(tmp_path, rows, mca=False):
    base = {"SubscriptionId": "sub", "Date": "01/15/2024", "MeterCategory": "Virtual Machines",
            "MeterSubCategory": "", "ResourceLocation": "West Europe", "ChargeType": "Usage",
            "CostInBillingCurrency": 1.0, "AdditionalInfo": ""}
    df = pd.DataFrame([{**base, **r} for r in rows])
    if mca:
        df = df.rename(columns={c: c[0].lower() + c[1:] for c in df.columns if c != "SubscriptionId"})
        df["billingProfileId"] = "bp"
    path = tmp_path / "az.csv"
    df.to_csv(path, index=False)
    return carbonlab.read_azure_costs(path)


def test_azure_pack_size_and_vm_size(tmp_path):
    u = _azure(tmp_path, [
        {"MeterName": "F8s v2", "UnitOfMeasure": "10 Hours", "Quantity": 2.4,
         "AdditionalInfo": json.dumps({"ServiceType": "Standard_F8s_v2", "VCPUs": 8})},
        {"MeterName": "D2 v3/D2s v3", "UnitOfMeasure": "1 Hour", "Quantity": 24},
        {"MeterName": "Mystery", "UnitOfMeasure": "1 Hour", "Quantity": 24,
         "AdditionalInfo": json.dumps({"ServiceType": "Standard_Zz99", "VCPUs": 12})},
    ]).set_index("source_row")
    # "10 Hours": 2.4 packs = 24 h (CCF uses 2.4 h, CCF.md §1.4)
    assert (u.loc[1, "quantity"], u.loc[1, "instance_type"]) == (24 * 8, "Standard_F8s_v2")
    assert (u.loc[2, "quantity"], u.loc[2, "instance_type"]) == (48, "Standard_D2_v3")   # from the meter name
    assert (u.loc[3, "kind"], u.loc[3, "quantity"]) == ("compute", 24 * 12)             # AdditionalInfo VCPUs
    assert set(u["region"]) == {"westeurope"}
    assert (u["end"] - u["start"] == pd.Timedelta(days=1)).all()


def test_azure_disks_gb_month_memory_network(tmp_path):
    u = _azure(tmp_path, [
        {"MeterCategory": "Storage", "MeterName": "P10 LRS Disk", "UnitOfMeasure": "1/Month", "Quantity": 1 / 31},
        {"MeterCategory": "Storage", "MeterName": "Hot LRS Data Stored", "UnitOfMeasure": "1 GB/Month",
         "Quantity": 100},
        {"MeterCategory": "Functions", "MeterName": "Execution Time", "UnitOfMeasure": "50000 GB Seconds",
         "Quantity": 2},
        {"MeterCategory": "Bandwidth", "MeterName": "Inter Region Data Transfer Out", "UnitOfMeasure": "1 TB",
         "Quantity": 0.5},
        {"MeterCategory": "Bandwidth", "MeterName": "Data Transfer Out To Any Destination", "UnitOfMeasure": "1 GB",
         "Quantity": 5},
        {"MeterCategory": "Redis Cache", "MeterName": "C1 Cache Instance", "UnitOfMeasure": "1 Hour",
         "Quantity": 24},
        {"MeterCategory": "Azure App Service", "MeterName": "P1 v2 App", "UnitOfMeasure": "1 Hour", "Quantity": 24},
        {"MeterCategory": "Reservation", "MeterName": "RI", "UnitOfMeasure": "1", "Quantity": 1,
         "ChargeType": "Purchase"},
    ]).set_index("source_row")
    # P10 = 128 GiB (Azure managed disk types); one disk for one day of January = 128 GiB x 24 h
    assert _canonical(u.loc[1]) == pytest.approx(128 * 1.073741824 * 24 / 1000, rel=1e-12)
    assert (u.loc[1, "storage_class"], u.loc[1, "replication"]) == ("ssd", 3.0)
    # 100 GB-months in January = 100/1000 x 24 x 31 TB-h (CCF: 100/1000 x 24, CCF.md §3.2)
    assert _canonical(u.loc[2]) == pytest.approx(74.4, rel=1e-12) and u.loc[2, "storage_class"] == "hdd"
    assert (u.loc[3, "kind"], _canonical(u.loc[3])) == ("memory", pytest.approx(100000 / 3600))
    assert (u.loc[4, "kind"], u.loc[4, "quantity"]) == ("network", 500.0)
    assert u.loc[5, "kind"] == "unknown"                       # "To Any" (as CCF)
    assert (u.loc[6, "kind"], _canonical(u.loc[6]), u.loc[6, "replication"]) == ("memory", 24.0, 2.0)
    assert u.loc[7, "kind"] == "unknown" and "without a vCPU count" in u.loc[7, "note"]   # CCF: 1 vCPU
    assert u.loc[8, "note"] == "not usage (Purchase)"


def test_azure_column_sets_and_legacy_names(tmp_path):
    rows = [{"MeterName": "D2 v3/D2s v3", "UnitOfMeasure": "1 Hour", "Quantity": 24}]
    ea = _azure(tmp_path, rows)
    mca = _azure(tmp_path, [{**rows[0], "Date": "2024-01-15"}], mca=True)
    assert ea.attrs["source_format"] == "azure_costs_ea" and mca.attrs["source_format"] == "azure_costs_mca"
    cols = ["start", "kind", "quantity", "instance_type", "region"]
    pd.testing.assert_frame_equal(ea[cols], mca[cols])
    # the 2019-10-01 EA schema: SubscriptionGuid, UsageDateTime, UsageQuantity, PreTaxCost, MeterRegion "EU West"
    legacy = pd.DataFrame([{"SubscriptionGuid": "sub", "UsageDateTime": "2024-01-15", "MeterCategory": "Virtual Machines",
                            "MeterSubcategory": "", "MeterName": "D2 v3/D2s v3", "MeterRegion": "EU West",
                            "UnitOfMeasure": "1 Hour", "UsageQuantity": 24, "PreTaxCost": 1.0}])
    legacy.to_csv(tmp_path / "legacy.csv", index=False)
    old = carbonlab.read(tmp_path / "legacy.csv")
    pd.testing.assert_frame_equal(old[cols], ea[cols])


def test_azure_region_names():
    names = pd.Series(["West Europe", "EU West", "westeurope", "US East", "East US 2", None])
    assert classify.normalise_azure_region(names).tolist() == ["westeurope", "westeurope", "westeurope", "eastus",
                                                               "eastus2", None]


# -------------------------------------------------------------------------------------------------- GCP
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


def test_parse_pack():
    pack, base = classify.parse_pack(pd.Series(["10 Hours", "1 GB/Month", "1/Month", "50000 GB Seconds", "10K",
                                                "Hours", None]))
    assert pack.tolist() == [10, 1, 1, 50000, 10000, 1, 1]
    assert base.tolist() == ["Hours", "GB/Month", "/Month", "GB Seconds", "", "Hours", ""]
