"""The main job: carbonlab demo / estimate write the Footprint, tables and figures."""

import json

import pandas as pd
import pytest
import xarray as xr

from carbonlab.cli import main


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    return out


def test_demo_writes_everything(demo_dir, capsys):
    for name in ("footprint.nc", "footprint_monthly.csv", "emissions_region_hour.png", "emissions_by_service.png",
                 "summary.json"):
        assert (demo_dir / name).stat().st_size > 0, name
    with xr.open_dataset(demo_dir / "footprint.nc") as fp:
        assert fp.attrs["methodology"] == "carbonlab"
        assert "history" in fp.attrs   # history only on disk
        total = float(fp["co2e_operational"].sel(basis="location_average").sum()) / 1e6
    tidy = pd.read_csv(demo_dir / "footprint_monthly.csv")
    assert set(tidy["period"].str[:7]) == {"2025-01", "2025-02", "2025-03"}
    # the tidy table is the same footprint, re-summed by month x region x service
    assert tidy["co2e_location_average_g"].sum() / 1e6 == pytest.approx(total, rel=1e-9)
    summary = json.loads((demo_dir / "summary.json").read_text())
    assert summary["co2e_t"]["location_average"] == pytest.approx(total, rel=1e-12)


def test_estimate_with_another_methodology(tmp_path, capsys):
    from carbonlab.datasets import dataset_path
    src = dataset_path("sample_org", "fjordline_focus.parquet")
    assert main(["estimate", str(src), "--methodology", "ccf", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "methodology 'ccf'" in out and "t" in out


def test_bad_input_gives_one_line_error(tmp_path, capsys):
    bad = tmp_path / "not_focus.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["estimate", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("carbonlab: error: not_focus.csv: not a FOCUS export") and "\n" not in err
    assert main(["estimate", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o")]) == 2
    assert main(["demo", "--methodology", "nope", "--out", str(tmp_path / "o")]) == 2
    assert "no methodology preset 'nope'" in capsys.readouterr().err


def _focus_lines(tmp_path, name, rows):
    """A FOCUS 1.2 CSV with the given rows (dicts of the columns that matter)."""
    cols = ["BillingAccountId", "ChargePeriodStart", "ChargePeriodEnd", "ChargeCategory", "ProviderName",
            "ServiceName", "ServiceCategory", "RegionId", "ConsumedQuantity", "ConsumedUnit", "BilledCost",
            "BillingCurrency", "InvoiceId"]
    base = dict(BillingAccountId="1", ChargePeriodStart="2025-01-01T00:00:00Z",
                ChargePeriodEnd="2025-02-01T00:00:00Z", ProviderName="AWS", ServiceCategory="Other",
                BillingCurrency="USD", InvoiceId="I-1")
    path = tmp_path / name
    pd.DataFrame([{**base, **r} for r in rows], columns=cols).to_csv(path, index=False)
    return path


def test_nothing_placed_is_one_line_and_an_empty_footprint(tmp_path, capsys):
    # a file of support and tax lines only: nothing to place, every cent reported as unattributed
    src = _focus_lines(tmp_path, "support_only.csv", [
        dict(ChargeCategory="Usage", ServiceName="AWS Support (Business)", ConsumedQuantity="", ConsumedUnit="",
             BilledCost="100.0"),
        dict(ChargeCategory="Tax", ServiceName="Tax", ConsumedQuantity="", ConsumedUnit="", BilledCost="21.5")])
    out = tmp_path / "o"
    assert main(["estimate", str(src), "--out", str(out)]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if "could be placed" in line]
    assert len(err) == 1 and "none of its 2 records could be placed" in err[0]
    with xr.open_dataset(out / "footprint.nc") as fp:
        assert fp.sizes["time"] == 0 and fp.sizes["region"] == 0
        assert float(fp["unattributed_cost"].sum()) == pytest.approx(121.5, abs=1e-12)
    table = pd.read_csv(out / "unattributed.csv")
    assert table["cost"].sum() == pytest.approx(121.5, abs=1e-12) and table["records"].sum() == 2
    assert "not usage (Tax)" in set(table["reason"]) and table["reason"].str.len().min() > 0
    assert pd.read_csv(out / "footprint_monthly.csv").empty


def test_header_only_file(tmp_path, capsys):
    src = _focus_lines(tmp_path, "empty.csv", [])
    assert main(["estimate", str(src), "--out", str(tmp_path / "o")]) == 0
    assert "no billing records" in capsys.readouterr().err
