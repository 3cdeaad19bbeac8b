"""Tables of a Footprint (:mod:`carbonlab.tables`): summary, totals, total, to_tidy, unattributed_table.

Expected values are independent sums of the Footprint's variables with xarray and pandas, in the registry's
units (g, kWh, L), divided by exact SI factors where a table reports tonnes (1 t = 10^6 g, BIPM SI brochure,
9th ed., 2019, Table 8).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import carbonlab
from carbonlab import tables
from carbonlab.core.schema import VARIABLES

SITES = [("us-east-1", "aws", "m5.xlarge"), ("europe-west1", "gcp", "n2-standard-8"),
         ("westeurope", "azure", "Standard_D4s_v3")]


@pytest.fixture(scope="module")
def usage(hourly_vm_disk):
    return hourly_vm_disk(SITES)       # 48 hours from 2025-01-31: two months


@pytest.fixture(scope="module")
def fp(usage):
    return carbonlab.estimate(usage, "carbonlab")


def co2e_t(fp, basis="location_average"):
    """Independent total: operational on one basis plus embodied, grams to tonnes."""
    return float(fp["co2e_operational"].sel(basis=basis).sum() + fp["co2e_embodied"].sum()) / 1e6


def test_summary(fp):
    s = carbonlab.summary(fp)
    op = fp["co2e_operational"]
    assert s["co2e_t"] == {b: pytest.approx(float(op.sel(basis=b).sum()) / 1e6, rel=1e-12)
                           for b in ("location_average", "location_marginal")}
    assert s["co2e_embodied_t"] == pytest.approx(float(fp["co2e_embodied"].sum()) / 1e6, rel=1e-12)
    assert s["energy_kwh"] == pytest.approx(float(fp["energy"].sum()), rel=1e-12)
    assert s["water_l"] == pytest.approx(float(fp["water"].sum()), rel=1e-12)
    by_region = (op.sel(basis="location_average").sum(["time", "service"]) / 1e6).to_series()
    assert [r for r, _ in s["top_regions"]] == list(by_region.sort_values(ascending=False).index)
    assert dict(s["top_regions"]) == pytest.approx(by_region.to_dict(), rel=1e-12)
    assert {k for k, _ in s["top_services"]} == {"vm", "disk"} and s["basis_of_ranking"] == "location_average"
    assert s["unattributed_records"] == 0 and s["methodology"] == "carbonlab"


def test_totals_by_dimension(fp):
    t = carbonlab.totals(fp, by="region")
    assert t["co2e_operational"].dims == ("region", "basis")
    xr.testing.assert_allclose(t["co2e_embodied"], fp["co2e_embodied"].sum(["time", "service"]).drop_attrs(),
                               rtol=1e-12, check_dim_order=False)
    assert t["energy"].attrs["units"] == "kWh" and t["co2e_embodied"].attrs["units"] == "g"
    by_comp = carbonlab.totals(fp, by=["component"])
    assert float(by_comp["energy_it"].sum()) == pytest.approx(float(fp["energy_it"].sum()), rel=1e-12)
    monthly = carbonlab.totals(fp, by="time", freq="MS")
    assert monthly.sizes["time"] == 2
    assert float(monthly["water"].sum()) == pytest.approx(float(fp["water"].sum()), rel=1e-12)
    with pytest.raises(KeyError, match="account"):
        carbonlab.totals(fp, by="account")


def test_total_metrics(fp):
    assert carbonlab.total(fp) == pytest.approx(co2e_t(fp), rel=1e-12)
    assert carbonlab.total(fp, basis="location_marginal") == pytest.approx(co2e_t(fp, "location_marginal"))
    assert carbonlab.total(fp, "water") == pytest.approx(float(fp["water"].sum()), rel=1e-12)
    assert carbonlab.total(fp, "energy") == pytest.approx(float(fp["energy"].sum()), rel=1e-12)
    assert carbonlab.total(fp, "co2e_embodied") == pytest.approx(float(fp["co2e_embodied"].sum()) / 1e6, rel=1e-12)
    with pytest.raises(KeyError, match="metric"):
        carbonlab.total(fp, "co2")
    with pytest.raises(KeyError, match="basis"):
        carbonlab.total(fp, basis="market")


def test_metrics_come_from_the_registry():
    # mass is reported in tonnes, other amounts in their registry unit; long names are the registry's
    for name in ("energy_it", "energy", "water", "co2e_embodied"):
        unit, long_name = tables.METRICS[name]
        assert long_name == VARIABLES[name]["long_name"]
        assert unit == {"g": "t"}.get(VARIABLES[name]["units"], VARIABLES[name]["units"])
    assert tables.METRICS["co2e_operational"] == ("t", VARIABLES["co2e_operational"]["long_name"] + " on one basis")
    assert tables.METRICS["co2e"] == ("t", "operational on one basis plus embodied emissions (CO2e)")


def test_total_of_a_comparison_keeps_missing_bases_missing(usage):
    cmp = carbonlab.compare(usage, ["ccf", "carbonlab"])
    marginal = carbonlab.total(cmp, "co2e_operational", basis="location_marginal")
    assert np.isnan(float(marginal.sel(methodology="ccf")))           # CCF computes location_average only
    assert float(marginal.sel(methodology="carbonlab")) == pytest.approx(
        float(carbonlab.estimate(usage, "carbonlab")["co2e_operational"].sel(basis="location_marginal").sum()) / 1e6)
    assert marginal.attrs == {"units": "t", "long_name": tables.METRICS["co2e_operational"][1]}


def test_total_of_a_comparison_has_every_methodology(usage):
    # operational emissions do not depend on amortisation; compare() still puts them on the dimension
    cmp = carbonlab.compare(usage, ["carbonlab", "carbonlab_6y"])
    assert "methodology" in cmp["co2e_operational"].dims
    op = carbonlab.total(cmp, "co2e_operational")
    assert list(op["methodology"].values) == ["carbonlab", "carbonlab_6y"]
    assert float(op[0]) == float(op[1]) == pytest.approx(
        float(carbonlab.estimate(usage, "carbonlab")["co2e_operational"].sel(basis="location_average").sum()) / 1e6)


def test_to_tidy_monthly(fp):
    df = carbonlab.to_tidy(fp)
    assert list(df.columns) == ["period", "region", "provider", "service", "energy_it_kwh", "energy_kwh",
                                "co2e_location_average_g", "co2e_location_marginal_g", "co2e_embodied_g",
                                "water_l"]
    assert sorted(df["period"].unique()) == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")]
    assert len(df) == 2 * len(SITES) * 2          # months x regions x services (vm, disk)
    assert df["co2e_location_marginal_g"].sum() == pytest.approx(
        float(fp["co2e_operational"].sel(basis="location_marginal").sum()), rel=1e-12)
    assert df["energy_it_kwh"].sum() == pytest.approx(float(fp["energy_it"].sum()), rel=1e-12)
    by_provider = df.groupby("provider")["water_l"].sum()
    assert by_provider["gcp"] == pytest.approx(float(fp["water"].sel(region="europe-west1").sum()), rel=1e-12)


def test_to_tidy_of_nothing_has_the_same_columns(fp, usage_table):
    empty = carbonlab.estimate(usage_table([dict(kind="compute", quantity=4.0, unit="vCPU-h", region=None)]),
                               "carbonlab")
    assert list(carbonlab.to_tidy(empty).columns) == list(carbonlab.to_tidy(fp).columns)
    assert carbonlab.to_tidy(empty).empty


def test_unattributed_table(usage_table):
    usage = usage_table([dict(kind="compute", quantity=4.0, unit="vCPU-h", instance_type="m5.large", cost=1.0),
                         dict(kind="unknown", quantity=3.0, unit="Requests", cost=0.5, note="no physical model"),
                         dict(kind="unknown", quantity=1.0, unit="Requests", cost=2.0, note="no physical model",
                              service="other")])
    table = carbonlab.unattributed_table(carbonlab.estimate(usage, "ccf"))
    assert list(table.columns) == ["provider", "service", "kind", "unit", "reason", "records", "quantity", "cost"]
    assert list(table["cost"]) == [2.0, 0.5]                             # largest cost first
    assert table["quantity"].sum() == 4.0 and set(table["reason"]) == {"no physical model"}
    assert list(carbonlab.unattributed_table(xr.Dataset()).columns) == list(table.columns)
