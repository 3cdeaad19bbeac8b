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
from carbonlab.io import aws_cur, describe_format, detect_format

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
