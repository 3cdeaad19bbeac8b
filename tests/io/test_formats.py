"""Every export format: lines and cost conserved, the same footprint whichever format, clear errors.

The files are ``datasets/samples/`` (one week of the sample company written by ``carbonlab.datasets.sample`` in
every format; see its DATACARD).  Independent counts come from reading the files with pandas/json,
not with carbonlab.
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import carbonlab
from carbonlab.core import units
from carbonlab.cube import kind_totals
from carbonlab.datasets import dataset_path
from carbonlab.io import detect_format

# file, detected format, attrs["source_format"], cost column (None: JSON), clouds
FILES = [
    ("fjordline_focus12.parquet", "focus", "focus_1.2", "BilledCost"),
    ("fjordline_focus10.csv.gz", "focus", "focus_1.0", "BilledCost"),
    ("fjordline_aws_cur.csv.gz", "aws_cur", "aws_cur_legacy", "lineItem/UnblendedCost"),
    ("fjordline_aws_cur2.parquet", "aws_cur", "aws_cur_cur2", "line_item_unblended_cost"),
    ("fjordline_gcp_billing.jsonl.gz", "gcp_billing", "gcp_billing_jsonl", None),
    ("fjordline_azure_ea.csv.gz", "azure_costs", "azure_costs_ea", "CostInBillingCurrency"),
    ("fjordline_azure_mca.csv.gz", "azure_costs", "azure_costs_mca", "costInBillingCurrency"),
]


def sample(name):
    return dataset_path("samples", name)


def raw_lines_and_cost(name, cost_col):
    """Number of data rows and total cost, read without carbonlab (GCP: cost plus credits)."""
    path = sample(name)
    if name.endswith(".jsonl.gz"):
        with gzip.open(path, "rt") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        return len(rows), sum(r["cost"] + sum(c["amount"] for c in r.get("credits") or []) for r in rows)
    raw = pd.read_parquet(path) if name.endswith(".parquet") else pd.read_csv(path, dtype=str)
    return len(raw), pd.to_numeric(raw[cost_col]).sum()


@pytest.fixture(scope="module")
def tables():
    return {name: carbonlab.read(sample(name)) for name, *_ in FILES}


@pytest.mark.parametrize("name, fmt, source_format, cost_col", FILES)
def test_detect_and_read(tables, name, fmt, source_format, cost_col):
    assert detect_format(sample(name)) == fmt
    assert tables[name].attrs["source_format"] == source_format


@pytest.mark.parametrize("name, fmt, source_format, cost_col", FILES)
def test_every_line_and_its_cost_is_accounted_for(tables, name, fmt, source_format, cost_col):
    usage = tables[name]
    n, cost = raw_lines_and_cost(name, cost_col)
    # rows in = rows classified + rows unattributed (GPU rows and GCP credit rows repeat a line's source_row)
    lines = usage.drop_duplicates(["source_file", "source_row"])
    assert len(lines) == n
    assert sorted(lines["source_row"]) == list(range(1, n + 1))
    classified = lines[usage.loc[lines.index, "kind"] != "unknown"]
    unattributed = usage.loc[usage["kind"] == "unknown"].drop_duplicates(["source_file", "source_row"])
    assert len(set(classified["source_row"]) | set(unattributed["source_row"])) == n
    # cost in = cost out
    assert usage["cost"].sum() == pytest.approx(cost, rel=1e-12)
    # and through the cube: placed cost + unattributed cost = cost in
    cube = carbonlab.usage_cube(usage)
    assert float(cube["cost_attributed"].sum() + cube["unattributed_cost"].sum()) == pytest.approx(cost, rel=1e-12)
    assert cube.attrs["records_in"] == len(usage)


@pytest.mark.parametrize("name", [f[0] for f in FILES])
def test_cube_conserves_usage(tables, name):
    usage = tables[name]
    cube = carbonlab.usage_cube(usage)
    placed = usage[usage["kind"] != "unknown"]
    for kind, total in kind_totals(cube).items():
        part = placed[placed["kind"] == kind]
        expected = sum(units.to_canonical(g["quantity"], u, kind, times=g["start"].to_numpy()).sum()
                       for u, g in part.groupby("unit"))
        assert total == pytest.approx(expected, rel=1e-9, abs=1e-9), kind
    assert int(cube["unattributed_records"].sum()) == int((usage["kind"] == "unknown").sum())


def _daily(fp):
    out = {}
    for v in ("energy_it", "energy", "co2e_operational", "co2e_embodied", "water"):
        out[v] = fp[v].resample(time="D").sum()
    return out


@pytest.fixture(scope="module")
def focus_footprint(tables):
    return carbonlab.estimate(tables["fjordline_focus12.parquet"], "carbonlab")


@pytest.mark.parametrize("files", [
    ("fjordline_aws_cur.csv.gz", "fjordline_gcp_billing.jsonl.gz", "fjordline_azure_ea.csv.gz"),
    ("fjordline_aws_cur2.parquet", "fjordline_gcp_billing.jsonl.gz", "fjordline_azure_mca.csv.gz"),
    ("fjordline_focus10.csv.gz",),
])
def test_same_company_four_formats_one_footprint(tables, focus_footprint, files):
    usage = pd.concat([tables[f] for f in files], ignore_index=True)
    fp = carbonlab.estimate(usage, "carbonlab")
    a, b = _daily(focus_footprint), _daily(fp)
    for v in a:
        x, y = xr.align(a[v], b[v], join="outer", fill_value=0.0)
        assert float(abs(x).sum()) > 0, v
        np.testing.assert_allclose(y.transpose(*x.dims).values, x.values, rtol=1e-9, atol=1e-9 * float(abs(x).max()),
                                   err_msg=v)
    assert float(fp["unattributed_cost"].sum()) == pytest.approx(float(focus_footprint["unattributed_cost"].sum()),
                                                                 rel=1e-9)


def test_azure_daily_rows_are_spread_over_their_hours(tables):
    usage = tables["fjordline_azure_ea.csv.gz"]
    assert ((usage["end"] - usage["start"]) == pd.Timedelta(days=1)).all()
    cube = carbonlab.usage_cube(usage[usage["kind"] == "network"])
    daily = cube["network_gb"].sum(["region", "service"]).values.reshape(-1, 24)
    np.testing.assert_allclose(daily, daily[:, :1].repeat(24, axis=1), rtol=1e-12)


@pytest.mark.parametrize("name", ["fjordline_aws_cur2.parquet", "fjordline_aws_cur.csv.gz",
                                  "fjordline_focus12.parquet", "fjordline_gcp_billing.jsonl.gz",
                                  "fjordline_azure_ea.csv.gz"])
def test_streamed_cube_equals_the_in_memory_cube(tables, name):
    whole = carbonlab.usage_cube(tables[name])
    streamed = carbonlab.usage_cube(sample(name), batch_rows=700)   # several batches
    for v in ("vcpu_hours", "gpu_hours", "memory_gb_hours", "storage_ssd_tb_hours", "storage_hdd_tb_hours",
              "network_gb", "cpu_energy_idle", "embodied_reserved", "cost_attributed"):
        a, b = xr.align(whole[v], streamed[v], join="exact")
        np.testing.assert_allclose(b.values, a.values, rtol=1e-12, atol=1e-12, err_msg=v)
    assert streamed.attrs["records_in"] == whole.attrs["records_in"]
    assert int(streamed["unattributed_records"].sum()) == int(whole["unattributed_records"].sum())


def test_unknown_format_is_named(tmp_path):
    path = tmp_path / "other.csv"
    pd.DataFrame({"a": [1], "b": [2]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"other.csv: not a FOCUS export, nor an AWS CUR.*\['a', 'b'\]"):
        carbonlab.read(path)


# file, a required column to drop (as the file names it), the name the error gives
MISSING = [
    ("fjordline_focus10.csv.gz", "ConsumedUnit", "ConsumedUnit"),
    ("fjordline_aws_cur.csv.gz", "lineItem/UsageAmount", "lineItem/UsageAmount"),   # pricing/unit: inferred
    ("fjordline_azure_ea.csv.gz", "UnitOfMeasure", "UnitOfMeasure"),
]


@pytest.mark.parametrize("name, column, named", MISSING)
def test_missing_columns_are_named(tmp_path, name, column, named):
    raw = pd.read_csv(sample(name), dtype=str).drop(columns=column)
    path = tmp_path / "cut.csv"
    raw.to_csv(path, index=False)
    reader = {"focus": carbonlab.read_focus, "aws_cur": carbonlab.read_aws_cur,
              "azure_costs": carbonlab.read_azure_costs}[detect_format(sample(name))]
    with pytest.raises(ValueError, match=rf"cut.csv: .*missing column\(s\) \[.*'{named}'"):
        reader(path)


def test_gcp_missing_column_is_named(tmp_path):
    path = tmp_path / "gcp.jsonl"
    with gzip.open(sample("fjordline_gcp_billing.jsonl.gz"), "rt") as f:
        rows = [json.loads(line) for line in f][:5]
    for r in rows:
        del r["usage_end_time"]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(ValueError, match=r"gcp.jsonl: not a GCP billing export, missing column\(s\) "
                                         r"\['usage_end_time'\]"):
        carbonlab.read_gcp_billing(path)


# file, column to spoil, row (1-based), value
BAD = [
    ("fjordline_focus10.csv.gz", "ConsumedQuantity", 7, "twelve"),
    ("fjordline_aws_cur.csv.gz", "lineItem/UsageAmount", 11, "1,5"),
    ("fjordline_aws_cur.csv.gz", "lineItem/UsageStartDate", 3, "yesterday"),
    ("fjordline_azure_ea.csv.gz", "Quantity", 5, "n/a"),
    ("fjordline_azure_mca.csv.gz", "date", 2, "31/31/2025"),
]


@pytest.mark.parametrize("name, column, row, value", BAD)
def test_bad_value_names_file_row_and_column_or_goes_to_unattributed(tmp_path, name, column, row, value):
    raw = pd.read_csv(sample(name), dtype=str)
    raw.loc[row - 1, column] = value
    path = tmp_path / "bad.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(ValueError, match=rf"bad.csv: row {row}, column {column}: cannot parse '{value}'"):
        carbonlab.read(path)
    lenient = carbonlab.read(path, lenient=True)
    hit = lenient[lenient["source_row"] == row]
    assert set(hit["kind"]) == {"unknown"} and set(hit["note"]) == {"unparseable value (lenient)"}
    assert len(lenient.drop_duplicates(["source_file", "source_row"])) == len(raw)
    cube = carbonlab.usage_cube(lenient)
    assert "unparseable value (lenient)" in set(cube["unattributed_reason"].values)


def test_gcp_bad_value_in_csv_export(tmp_path):
    # a CSV export of a flattening query (underscored names) with a spoiled amount
    with gzip.open(sample("fjordline_gcp_billing.jsonl.gz"), "rt") as f:
        rows = pd.json_normalize([json.loads(line) for line in f][:20], sep="_")
    rows = rows.drop(columns=["system_labels", "credits"])
    rows["usage_amount"] = rows["usage_amount"].astype(object)
    rows.loc[8, "usage_amount"] = "lots"
    path = tmp_path / "gcp.csv"
    rows.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"gcp.csv: row 9, column usage_amount: cannot parse 'lots'"):
        carbonlab.read_gcp_billing(path)


def test_cli_estimate_reads_any_format_and_says_which(tmp_path, capsys):
    from carbonlab.cli import main

    assert main(["estimate", str(sample("fjordline_aws_cur2.parquet")), "--methodology", "ccf",
                 "--out", str(tmp_path)]) == 0
    assert "fjordline_aws_cur2.parquet as AWS CUR 2.0" in capsys.readouterr().err
    with xr.open_dataset(tmp_path / "footprint.nc") as fp:
        assert set(fp["provider"].values) == {"aws"}


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_focus_versions_csv_and_parquet(tmp_path, version):
    from carbonlab.datasets.sample import sample_charges, sample_usage_records, to_focus

    records = sample_usage_records(seed=2, start="2025-01-31T22:00", end="2025-02-01T02:00")
    frame = to_focus(records, sample_charges(records), version=version)
    frame.to_csv(tmp_path / "f.csv", index=False)
    frame.to_parquet(tmp_path / "f.parquet", index=False)
    a = carbonlab.read(tmp_path / "f.csv")
    b = carbonlab.read(tmp_path / "f.parquet")
    assert a.attrs["source_format"] == b.attrs["source_format"] == f"focus_{version}"
    pd.testing.assert_frame_equal(a.drop(columns="source_file"), b.drop(columns="source_file"), check_dtype=False)
    assert len(a.drop_duplicates("source_row")) == len(frame)
    assert a["cost"].sum() == pytest.approx(frame["BilledCost"].sum(), rel=1e-12)


def test_gcp_json_value_of_the_wrong_type(tmp_path):
    with gzip.open(sample("fjordline_gcp_billing.jsonl.gz"), "rt") as f:
        rows = [json.loads(line) for line in f][:30]
    rows[16]["usage"]["amount"] = "about 3"
    path = tmp_path / "g.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(ValueError, match=r"g.jsonl: row 17, column usage.amount: cannot parse 'about 3'"):
        carbonlab.read(path)
    lenient = carbonlab.read(path, lenient=True)
    assert lenient.loc[lenient["source_row"] == 17, "note"].tolist() == ["unparseable value (lenient)"]
    assert len(lenient.drop_duplicates("source_row")) == 30
