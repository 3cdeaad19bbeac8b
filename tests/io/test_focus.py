"""FOCUS reader on the shipped sample: rows and cost conserved, kinds and units, clear errors."""

import pandas as pd
import pytest

import carbonlab
from carbonlab.cube import kind_totals
from carbonlab.datasets import dataset_path
from carbonlab.datasets.sample import sample_usage_records, to_focus

SAMPLE = ("sample_org", "fjordline_focus.parquet")


@pytest.fixture(scope="module")
def raw():
    return pd.read_parquet(dataset_path(*SAMPLE))


@pytest.fixture(scope="module")
def usage():
    return carbonlab.read_focus(dataset_path(*SAMPLE))


def test_a_table_in_memory_reads_as_the_file(raw, usage):
    from carbonlab.io.focus import parse_focus

    parsed = parse_focus(raw, name="fjordline_focus.parquet")
    cols = ["start", "end", "provider", "region", "service", "kind", "instance_type", "quantity", "unit", "cost",
            "source_row", "note"]
    pd.testing.assert_frame_equal(parsed[cols], usage[cols])
    assert parsed.attrs["source_format"] == usage.attrs["source_format"]


def test_shipped_sample_is_the_generator_output(raw):
    # the shipped file is what the deterministic generator gives for seed 0
    fresh = to_focus(sample_usage_records(seed=0))
    pd.testing.assert_frame_equal(raw.reset_index(drop=True), fresh.reset_index(drop=True), check_dtype=False)


def test_sample_size_and_coverage(raw):
    assert dataset_path(*SAMPLE).stat().st_size < 5e6
    assert raw["ProviderName"].nunique() == 3
    assert raw["RegionId"].nunique() >= 10
    assert raw["ServiceName"].nunique() >= 12
    start = pd.to_datetime(raw["ChargePeriodStart"], utc=True)
    assert start.min() == pd.Timestamp("2025-01-01T00:00Z") and start.max() >= pd.Timestamp("2025-03-31T00:00Z")
    assert {"Compute", "Storage", "Networking", "Databases"} <= set(raw["ServiceCategory"])


def test_every_line_is_accounted_for(raw, usage):
    # rows in = rows classified + rows unattributed (GPU instances add a GPU row for the same line)
    lines = usage.drop_duplicates(["source_file", "source_row"])
    assert len(lines) == len(raw)
    assert sorted(lines["source_row"]) == list(range(1, len(raw) + 1))
    # cost in = cost out
    assert usage["cost"].sum() == pytest.approx(raw["BilledCost"].sum(), rel=1e-12)


def test_cube_conserves_usage(usage):
    cube = carbonlab.usage_cube(usage)
    placed = usage[usage["kind"] != "unknown"]
    from carbonlab.core import units
    for kind, total in kind_totals(cube).items():
        part = placed[placed["kind"] == kind]
        expected = sum(units.to_canonical(g["quantity"], u, kind, times=g["start"].to_numpy()).sum()
                       for u, g in part.groupby("unit"))
        assert total == pytest.approx(expected, rel=1e-9), kind
    unknown = usage[usage["kind"] == "unknown"]
    assert int(cube["unattributed_records"].sum()) == len(unknown)
    assert float(cube["unattributed_cost"].sum()) == pytest.approx(unknown["cost"].sum(), rel=1e-12)


def test_classification_of_known_lines(usage):
    by = usage.set_index(["service", "kind"])
    # m5.xlarge has 4 vCPU (AWS EC2 documentation): instance hours x 4
    ec2 = usage[(usage["instance_type"] == "m5.xlarge") & (usage["kind"] == "compute")]
    assert (ec2["unit"] == "vCPU-h").all()
    assert set(usage.loc[usage["service"] == "Amazon Simple Storage Service", "storage_class"]) == {"hdd"}
    # CCF's replication factors: S3 standard 6, RDS Multi-AZ 2 (CCF.md §3.3)
    assert set(usage.loc[usage["service"] == "Amazon Simple Storage Service", "replication"]) == {6.0}
    assert set(usage.loc[usage["service"] == "Amazon Relational Database Service", "replication"]) == {2.0}
    # p3.2xlarge carries one V100: a GPU row per instance hour
    p3 = usage[usage["instance_type"] == "p3.2xlarge"]
    assert set(p3["kind"]) == {"compute", "gpu"}
    assert not by.empty


def _focus_frame():
    return to_focus(sample_usage_records(seed=1, start="2025-01-01", end="2025-01-01T03:00"))


def test_missing_columns_are_named(tmp_path):
    f = _focus_frame().drop(columns=["ConsumedUnit", "BilledCost"])
    path = tmp_path / "x.csv"
    f.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"x.csv: not a FOCUS export, missing column\(s\) \['ConsumedUnit', 'BilledCost'\]"):
        carbonlab.read_focus(path)


def test_bad_value_names_file_row_and_column(tmp_path):
    f = _focus_frame()
    f["ConsumedQuantity"] = f["ConsumedQuantity"].astype(object)
    f.loc[3, "ConsumedQuantity"] = "twelve"
    path = tmp_path / "bad.csv"
    f.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"bad.csv: row 4, column ConsumedQuantity: cannot parse 'twelve'"):
        carbonlab.read_focus(path)
    lenient = carbonlab.read_focus(path, lenient=True)
    row = lenient[lenient["source_row"] == 4].iloc[0]
    assert row["kind"] == "unknown" and "unparseable" in row["note"]
    cube = carbonlab.usage_cube(lenient)
    assert "unparseable value (lenient)" in set(cube["unattributed_reason"].values)


def test_csv_and_parquet_read_the_same(tmp_path):
    f = _focus_frame()
    f.to_csv(tmp_path / "a.csv", index=False)
    f.to_parquet(tmp_path / "a.parquet", index=False)
    a = carbonlab.read_focus(tmp_path / "a.csv").drop(columns="source_file")
    b = carbonlab.read_focus(tmp_path / "a.parquet").drop(columns="source_file")
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


# --- FOCUS in the wild (issue "Real exports", class 4) ---------------------------------------------
WILD = {"BillingAccountId": "1", "ChargePeriodStart": "2024-09-18 22:00:00", "ChargePeriodEnd": "2024-09-18 23:00:00",
        "ChargeCategory": "Usage", "ProviderName": "AWS", "ServiceName": "Amazon Elastic Compute Cloud",
        "ServiceCategory": "Compute", "RegionId": "us-east-1", "ConsumedQuantity": "1", "ConsumedUnit": "Hours",
        "BilledCost": "1.0"}


def _wild(tmp_path, rows, *, extra=(), drop=(), name="wild.csv", raw_lines=None):
    path = tmp_path / name
    frame = pd.DataFrame([{**WILD, **r} for r in rows])
    frame = frame.reindex(columns=[c for c in list(WILD) + list(extra) if c not in drop] +
                          [c for c in frame.columns if c not in WILD and c not in extra])
    frame.to_csv(path, index=False, na_rep="NULL")       # the FinOps Foundation sample's NULL token
    return path


def test_null_tokens_and_a_credit_without_quantity(tmp_path):
    # FOCUS-Sample-Data writes NULL for missing values; a credit has no ConsumedQuantity (FOCUS 1.2: null
    # unless ChargeCategory is Usage): "not usage", never a parse error
    path = _wild(tmp_path, [{"ChargeDescription": "$0.096 per On Demand Linux m5.large Instance Hour"},
                            {"ChargeCategory": "Credit", "ConsumedQuantity": None, "ConsumedUnit": None,
                             "BilledCost": "-5.0"}])
    u = carbonlab.read_focus(path)
    assert u["kind"].tolist() == ["compute", "unknown"] and u["quantity"].iloc[0] == 2.0   # m5.large: 2 vCPU
    assert u["note"].iloc[1] == "not usage (Credit)" and u["cost"].sum() == pytest.approx(-4.0)


def test_instance_type_from_sku_price_details_not_from_resource_type(tmp_path):
    path = _wild(tmp_path, [{"SkuPriceDetails": '{"InstanceType": "m6i.large", "OperatingSystem": "Linux"}',
                             "ResourceType": "EC2 Instance"},
                            {"ResourceType": "instance"}], extra=["SkuPriceDetails", "ResourceType"])
    u = carbonlab.read_focus(path)
    assert (u["instance_type"].iloc[0], u["quantity"].iloc[0]) == ("m6i.large", 2.0)
    assert u["note"].iloc[1] == "instance hours without an instance type"


@pytest.mark.parametrize("columns, version", [
    (["InvoiceId"], "1.2"), (["ServiceProviderName", "HostProviderName", "ProviderName"], "1.3"),
    (["ServiceProviderName", "HostProviderName"], "1.4-draft"), (["SkuMeter"], "1.1"), ([], "1.0"),
])
def test_versions(columns, version):
    from carbonlab.io.focus import focus_version

    base = ["ChargePeriodStart", "ConsumedQuantity", "BilledCost"]
    assert focus_version(base + columns) == version


def test_focus_13_and_14_draft_read_the_host_provider(tmp_path):
    rows = [{"ChargeDescription": "$0.096 per On Demand Linux m5.large Instance Hour", "HostProviderName": "AWS",
             "ServiceProviderName": "AWS", "AllocatedMethodId": None}]
    path = _wild(tmp_path, rows, drop=["ProviderName"], name="draft.csv")
    from carbonlab.io import describe_format

    assert describe_format(path) == "FinOps FOCUS 1.4-draft"
    u = carbonlab.read(path)
    assert (u["provider"].iloc[0], u["quantity"].iloc[0]) == ("aws", 2.0)


@pytest.mark.parametrize("row, kind, quantity", [
    # Azure managed disk: disk-months of the tier, P6 = 64 GiB (Azure managed disk types)
    ({"ProviderName": "Microsoft", "RegionId": "eastus", "ServiceName": "Virtual Machines", "ConsumedUnit": "Units/Month",
      "ConsumedQuantity": "2", "ChargeDescription": "Premium SSD Managed Disks - P6 LRS - US East"},
     "storage", 2 * 64 * 1.073741824 / 1000 * 24 * 30),
    ({"ProviderName": "Microsoft", "RegionId": "eastus", "ServiceName": "Storage", "ConsumedUnit": "GB/Month",
      "ConsumedQuantity": "1000", "ChargeDescription": "Tables - LRS Data Stored"}, "storage", 1000 / 1000 * 24 * 30),
    # AWS Lambda "Total Compute" in Seconds: GB-seconds, 1 vCPU per 1,769 MB
    ({"ServiceName": "AWS Lambda", "ConsumedUnit": "Seconds", "ConsumedQuantity": "1769",
      "ChargeDescription": "AWS Lambda - Total Compute - US West (Oregon)-Tier-1"}, "compute", 1000 / 3600),
    # Fargate vCPU and memory in plain Hours
    ({"ServiceName": "Amazon Elastic Container Service", "ConsumedQuantity": "4",
      "ChargeDescription": "AWS Fargate - vCPU  - US West 2 (Oregon)"}, "compute", 4.0),
    ({"ServiceName": "Amazon Elastic Container Service", "ConsumedQuantity": "8",
      "ChargeDescription": "AWS Fargate - Memory  - US West 2 (Oregon)"}, "memory", 8.0),
    # Azure SQL Database "4 vCore" hours: 4 vCPU-hours each
    ({"ProviderName": "Microsoft", "RegionId": "westeurope", "ServiceName": "SQL Database",
      "ChargeDescription": "SQL Database Single General Purpose - Compute Gen5 - 4 vCore", "ConsumedQuantity": "10"},
     "compute", 40.0),
    ({"ServiceName": "Amazon Elastic Compute Cloud", "ConsumedUnit": "GB Hours", "ConsumedQuantity": "8",
      "ChargeDescription": "Instance Memory"}, "memory", 8.0),
])
def test_units_seen_in_real_focus_files(tmp_path, row, kind, quantity):
    if row.get("ConsumedUnit") in ("Units/Month", "GB/Month"):   # a month's charge: September, 30 days
        row = {"ChargePeriodStart": "2024-09-01 00:00:00", "ChargePeriodEnd": "2024-10-01 00:00:00", **row}
    u = carbonlab.read_focus(_wild(tmp_path, [row]))
    cube = carbonlab.usage_cube(u)
    assert u["kind"].iloc[0] == kind
    assert sum(kind_totals(cube).values()) == pytest.approx(quantity, rel=1e-12)


def test_spreadsheet_dates(tmp_path):
    # the FOCUS specification's SaaS example: 4/1/25 (M/D/YY)
    path = _wild(tmp_path, [{"ChargePeriodStart": "4/1/25", "ChargePeriodEnd": "5/1/25"}])
    u = carbonlab.read_focus(path)
    assert u["start"].iloc[0] == pd.Timestamp("2025-04-01T00:00Z") and u["end"].iloc[0] == pd.Timestamp("2025-05-01T00:00Z")


def test_unknown_provider_is_reported_not_an_error(tmp_path):
    u = carbonlab.read_focus(_wild(tmp_path, [{"ProviderName": "Acme Co", "ConsumedUnit": "Server Hours"}]))
    assert (u["provider"].iloc[0], u["note"].iloc[0]) == ("unknown", "provider not modelled: Acme Co")
