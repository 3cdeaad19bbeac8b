"""AWS CUR reader: versions told apart by their columns, the region filled row by row.

Column names: AWS Data Exports User Guide, "Table dictionary" (CUR 2.0) and the legacy "Line item
details", "Product details" pages, https://docs.aws.amazon.com/cur/latest/userguide/ (accessed 2026-12-02);
Athena/Parquet legacy CURs lower-case and snake-case the same names (``lineItem/UsageType`` ->
``line_item_usage_type``, ``product/region`` -> ``product_region``), AWS, "Querying Cost and Usage
Reports using Amazon Athena" (same guide).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import carbonlab
from carbonlab.core import units
from carbonlab.io import aws_cur, classify, describe_format, detect_format

LEGACY = {"lineItem/LineItemType": "Usage", "lineItem/UsageStartDate": "2019-03-01T00:00:00Z",
          "lineItem/UsageEndDate": "2019-03-01T01:00:00Z", "lineItem/UsageAccountId": "111111111111",
          "lineItem/ProductCode": "AmazonEC2", "lineItem/UsageType": "BoxUsage:m5.large", "pricing/unit": "Hrs",
          "lineItem/UsageAmount": 1.0, "lineItem/UnblendedCost": 0.096}


def _legacy(tmp_path, rows, columns=None, name="cur.csv"):
    path = tmp_path / name
    frame = pd.DataFrame([{**LEGACY, **r} for r in rows])
    if columns is not None:
        frame = frame.reindex(columns=list(LEGACY) + columns)
    frame.to_csv(path, index=False)
    return path


def test_region_filled_row_by_row_through_the_chain(tmp_path):
    # regionCode empty on some rows: product/region beside it, then the AZ, then the display name,
    # then (transfer) the region the data leaves from
    rows = [
        {"product/regionCode": "eu-west-1", "product/region": "eu-west-1"},
        {"product/regionCode": None, "product/region": "eu-central-1"},
        {"product/regionCode": None, "product/region": None, "lineItem/AvailabilityZone": "us-west-2b"},
        {"lineItem/AvailabilityZone": "us-west-2-lax-1a"},                 # a Local Zone: its parent region
        {"product/location": "EU (Ireland)"},                              # the pre-2021 display name
        {"product/location": "US East (N. Virginia)"},
        {"lineItem/UsageType": "USE2-EUC1-AWS-Out-Bytes", "pricing/unit": "GB", "product/fromRegionCode": "us-east-2"},
        {"lineItem/UsageType": "APN1-DataTransfer-Out-Bytes", "pricing/unit": "GB",
         "product/fromLocation": "Asia Pacific (Tokyo)"},
        {"lineItem/ProductCode": "AmazonRoute53", "lineItem/UsageType": "HostedZone", "pricing/unit": "HostedZone",
         "product/location": "Global"},                                    # no region at all: reported
    ]
    cols = ["product/regionCode", "product/region", "lineItem/AvailabilityZone", "product/location",
            "product/fromRegionCode", "product/fromLocation"]
    u = carbonlab.read_aws_cur(_legacy(tmp_path, rows, cols))
    assert u["region"].tolist()[:8] == ["eu-west-1", "eu-central-1", "us-west-2", "us-west-2", "eu-west-1",
                                        "us-east-1", "us-east-2", "ap-northeast-1"]
    assert pd.isna(u["region"].iloc[8])
    assert "missing region" not in set(carbonlab.usage_cube(u)["unattributed_reason"].values)


def test_2018_cur_without_region_code_column(tmp_path):
    # CURs of 2018-2019 have product/region and product/location but no product/regionCode
    path = _legacy(tmp_path, [{"product/region": "ap-southeast-2", "product/location": "Asia Pacific (Sydney)"},
                              {"product/region": None, "product/location": "Asia Pacific (Sydney)"}],
                   ["product/region", "product/location"])
    assert detect_format(path) == "aws_cur" and describe_format(path) == "AWS CUR (legacy)"
    u = carbonlab.read(path)
    assert u["region"].tolist() == ["ap-southeast-2", "ap-southeast-2"]
    assert u["quantity"].tolist() == [2.0, 2.0]          # m5.large: 2 vCPU (instance table)


def test_location_only_cur(tmp_path):
    # the oldest CURs: no region column at all, the location display name only
    u = carbonlab.read_aws_cur(_legacy(tmp_path, [{"product/location": "South America (Sao Paulo)"}],
                                       ["product/location"]))
    assert u["region"].tolist() == ["sa-east-1"]


def _snake(tmp_path, extra: dict, name):
    table = pa.table({"line_item_line_item_type": ["Usage"], "line_item_usage_start_date": ["2024-05-01T00:00:00Z"],
                      "line_item_usage_end_date": ["2024-05-01T01:00:00Z"], "line_item_product_code": ["AmazonEC2"],
                      "line_item_usage_type": ["EUW1-BoxUsage:c5.xlarge"], "pricing_unit": ["Hrs"],
                      "line_item_usage_amount": [1.0], "line_item_unblended_cost": [0.192],
                      "line_item_usage_account_id": ["222222222222"], **extra})
    path = tmp_path / name
    pq.write_table(table, path)
    return path


def test_athena_legacy_cur_is_not_cur2(tmp_path):
    # a legacy CUR delivered for Athena: snake_case names, product_region, product_vcpu, no product map
    legacy = _snake(tmp_path, {"product_region": ["eu-west-1"], "product_vcpu": ["4"],
                               "product_instance_type": ["c5.xlarge"]}, "athena.parquet")
    assert aws_cur.cur_version(pq.read_schema(legacy).names) == "legacy_snake"
    assert describe_format(legacy) == "AWS CUR (legacy, Athena/Parquet column names)"
    u = carbonlab.read(legacy)
    assert (u["region"].iloc[0], u["quantity"].iloc[0]) == ("eu-west-1", 4.0)
    assert u.attrs["source_format"] == "aws_cur_legacy_snake"
    # CUR 2.0 has the product map column (and account names)
    cur2 = _snake(tmp_path, {"product_region_code": ["eu-west-1"], "bill_payer_account_name": ["payer"],
                             "product": pa.array([[("vcpu", "4")]], pa.map_(pa.string(), pa.string()))}, "cur2.parquet")
    assert describe_format(cur2) == "AWS CUR 2.0"
    assert carbonlab.read(cur2)["region"].iloc[0] == "eu-west-1"


def test_payer_account_fills_missing_usage_account(tmp_path):
    path = _legacy(tmp_path, [{"lineItem/UsageAccountId": None, "bill/PayerAccountId": "999999999999",
                               "product/region": "us-east-1"}], ["bill/PayerAccountId", "product/region"])
    assert carbonlab.read_aws_cur(path)["account"].tolist() == ["999999999999"]


@pytest.mark.parametrize("value, how, expected", [
    ("us-gov-west-1", "code", "us-gov-west-1"), ("global", "code", None), ("us-east-1a", "code", None),
    ("us-east-1-wl1-bos-wlz-1", "zone", "us-east-1"), ("AWS GovCloud (US)", "location", "us-gov-west-1"),
    ("Europe (Frankfurt)", "location", "eu-central-1"), ("EU (Frankfurt)", "location", "eu-central-1"),
])
def test_region_codes(value, how, expected):
    assert aws_cur.region_codes([value], how).tolist() == [expected]


# ---------------------------------------------------------------------- classification and units
# Against hand computations from the cited rules (CCF.md, ``../shared/methods/CCF.md``, for CCF's
# behaviour; the provider's documentation for the quantities, cited at each test).  The same rows are
# run through CCF itself in ``tests/test_ccf_billing_parity.py``.


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
