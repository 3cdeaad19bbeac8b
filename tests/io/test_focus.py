"""FOCUS reader on the shipped sample: rows and cost conserved, kinds and units, clear errors."""

import pandas as pd
import pytest

import carbonlab
from carbonlab.cube import kind_totals
from carbonlab.datasets import dataset_path
from carbonlab.sample import sample_usage_records, to_focus

SAMPLE = ("sample_org", "fjordline_focus.parquet")


@pytest.fixture(scope="module")
def raw():
    return pd.read_parquet(dataset_path(*SAMPLE))


@pytest.fixture(scope="module")
def usage():
    return carbonlab.read_focus(dataset_path(*SAMPLE))


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
    from carbonlab import units
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
