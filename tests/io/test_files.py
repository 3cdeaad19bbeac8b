"""Text exports in the shapes seen in the wild: told by content, delimiters, Hive text, ragged rows, JSON.

Each shape is one seen in a real public file of ``tests/data/real/`` (named at each test); here it is
built small so the expected rows are known by construction.
"""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

import carbonlab
from carbonlab.io import _files, detect_format, tabular

HEADER = ["lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode",
          "lineItem/UsageType", "pricing/unit", "lineItem/UsageAmount", "lineItem/UnblendedCost",
          "product/region", "costCategory/CostCenter"]
ROW = ["Usage", "2018-06-01T00:00:00Z", "2018-06-01T01:00:00Z", "AmazonEC2", "BoxUsage:m5.large", "Hrs", "3",
       "0.288", "us-east-1"]


def test_ragged_rows_missing_the_last_field_are_read(tmp_path):
    # koku's test CUR: 131 header fields, 130 in every row (the last column absent)
    path = tmp_path / "cur.csv"
    path.write_text(",".join(HEADER) + "\n" + "\n".join(",".join(ROW) for _ in range(3)) + "\n")
    u = carbonlab.read(path)
    assert u["quantity"].tolist() == [6.0, 6.0, 6.0]          # m5.large: 2 vCPU
    assert u["source_row"].tolist() == [1, 2, 3]


def test_ragged_rows_after_a_first_batch_keep_their_numbers(tmp_path):
    path = tmp_path / "cur.csv"
    good = ",".join(ROW + ["cc"])
    path.write_text(",".join(HEADER) + "\n" + "\n".join([good] * 5 + [",".join(ROW)] * 2) + "\n")
    chunks = list(carbonlab.io.iter_read(path, batch_rows=2))
    rows = pd.concat(chunks)["source_row"].tolist()
    assert sorted(rows) == list(range(1, 8))


def test_a_row_with_too_many_fields_is_named(tmp_path):
    path = tmp_path / "cur.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(ROW + ["cc", "extra"]) + "\n")
    with pytest.raises(ValueError, match=r"cur.csv: row 1 has 11 fields but the header has 10"):
        carbonlab.read(path)


def test_hive_text_with_bare_gz_name(tmp_path):
    # AWS Well-Architected Labs' Athena table files: ^A-separated, \N for null, named "*.gz"
    header = ["line_item_line_item_type", "line_item_usage_start_date", "line_item_usage_end_date",
              "line_item_product_code", "line_item_usage_type", "pricing_unit", "line_item_usage_amount",
              "line_item_unblended_cost", "product_region", "product_instance_type"]
    row = ["Usage", "2019-01-01 00:00:00", "2019-01-01 01:00:00", "AmazonEC2", "BoxUsage:c5.xlarge", "Hrs", "1",
           "0.17", "eu-west-1", "\\N"]
    path = tmp_path / "part-00000.gz"
    with gzip.open(path, "wt") as f:
        f.write("\x01".join(header) + "\n" + "\x01".join(row) + "\n")
    assert tabular.file_format(path) == "csv" and detect_format(path) == "aws_cur"
    u = carbonlab.read(path)
    assert (u["region"].iloc[0], u["quantity"].iloc[0]) == ("eu-west-1", 4.0)   # c5.xlarge: 4 vCPU
    assert pd.isna(u["instance_type"].iloc[0]) or u["instance_type"].iloc[0] == "c5.xlarge"


def test_semicolon_delimited_file(tmp_path):
    path = tmp_path / "cur.csv"
    path.write_text(";".join(HEADER[:-1]) + "\n" + ";".join(ROW) + "\n")
    assert _files.delimiter(path) == ";"
    assert carbonlab.read(path)["quantity"].tolist() == [6.0]


def test_headerless_file_is_named(tmp_path):
    path = tmp_path / "after.csv"
    path.write_text("9f3a0c1b2d4e5f60718293a4b5c6d7e8,2019-01-01 00:00:00,2019-01-01 01:00:00,1.5\n")
    with pytest.raises(ValueError, match=r"after.csv: the first line looks like data, not column names"):
        carbonlab.read(path)


GCP = {"billing_account_id": "0", "service": {"id": "6F81", "description": "Compute Engine"},
       "sku": {"id": "2E27", "description": "N1 Predefined Instance Core running in Americas"},
       "usage_start_time": "2019-01-21 08:00:00.000 UTC", "usage_end_time": "2019-01-21 09:00:00.000 UTC",
       "location": {"location": "us-central1-a", "region": "us-central1"}, "cost": "0.0316",
       "usage": {"amount": "7200", "unit": "seconds"}, "cost_type": "regular"}


@pytest.mark.parametrize("layout", ["array", "concatenated"])
def test_json_documents(tmp_path, layout):
    # a JSON array (GCP file export), or objects written one after another over several lines (a BigQuery
    # query downloaded as "JSON", Google's professional-services CUD test data)
    path = tmp_path / "export.json"
    records = [GCP, {**GCP, "usage_start_time": "2019-01-21 09:00:00.000 UTC",
                     "usage_end_time": "2019-01-21 10:00:00.000 UTC"}]
    text = json.dumps(records, indent=2) if layout == "array" else "\n".join(json.dumps(r, indent=2) for r in records)
    path.write_text(text)
    assert tabular.file_format(path) == "json" and detect_format(path) == "gcp_billing"
    u = carbonlab.read(path)
    assert u["quantity"].tolist() == [7200.0 / 3600] * 2   # core-seconds -> vCPU-hours
    assert u["cost"].sum() == pytest.approx(0.0632)


def test_bad_json_is_named(tmp_path):
    path = tmp_path / "export.json"
    path.write_text('[{"a": 1}, {"b": ]')
    with pytest.raises(ValueError, match=r"export.json: not valid JSON at character"):
        carbonlab.read(path)
