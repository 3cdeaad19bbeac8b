"""Market-based Scope 2 hierarchy and 24/7 hourly matching.

Reference: GHG Protocol Scope 2 Guidance (WRI/WBCSD 2015), ch. 6-7 and Table 6.3 (hierarchy: certificates,
contracts, supplier-specific rate, residual mix, grid average); the hourly-matching and CFE formulas are those of
../shared/methods/INTENSITY.md section 4.3 (our reading of the 2025 Scope 2 revision proposal and of Google's CFE%).
Expected values are computed independently below with plain numpy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import carbonlab
from carbonlab.models import market


def _hours(n, start="2025-01-01"):
    return pd.date_range(start, periods=n, freq="h")


def _grid(values, regions=("r",), start="2025-01-01"):
    values = np.asarray(values, dtype=float).reshape(len(values), -1)
    return xr.DataArray(values, coords={"time": _hours(len(values), start), "region": list(regions)})


def test_hierarchy_worked_example():
    # January 2025: 100 MWh of load in one region, flat; 30 MWh of EACs at 0 g/kWh, a PPA of 20 MWh at 0 g/kWh,
    # a residual mix of 450 g/kWh for the rest.  MBM = (100 - 30 - 20) MWh x 450 g/kWh = 22.5 t.
    n = 31 * 24
    energy = _grid(np.full(n, 100_000.0 / n))                               # kWh per hour
    grid = _grid(np.full(n, 380.0))
    inst = pd.DataFrame({
        "region": ["r", "r", "r"], "kind": ["eac", "ppa", "residual_mix"],
        "start": ["2025-01-01"] * 3, "end": ["2025-02-01"] * 3, "mwh": [30.0, 20.0, None], "factor": [0.0, 0.0, 450.0]})
    f, steps, used = market.market_factor(energy, grid, instruments=inst)
    assert float((f * energy).sum()) == pytest.approx(50_000 * 450.0, rel=1e-12)
    s = steps.sel(region="r").to_series()
    assert s.to_dict() == pytest.approx({"eac": 30_000.0, "ppa": 20_000.0, "supplier": 0.0, "residual_mix": 50_000.0,
                                        "grid_average": 0.0})
    assert used["used_mwh"].tolist() == pytest.approx([30.0, 20.0]) and used["surplus_mwh"].tolist() == pytest.approx([0, 0])
    assert f.attrs["units"] == "g kWh-1" and steps.attrs["units"] == "kWh"


def test_supplier_rate_precedes_residual_mix_and_grid_average():
    n = 48
    energy = _grid(np.column_stack([np.full(n, 10.0), np.full(n, 10.0)]), regions=("a", "b"))
    grid = _grid(np.column_stack([np.full(n, 300.0), np.full(n, 500.0)]), regions=("a", "b"))
    supplier = xr.DataArray([0.0, np.nan], coords={"region": ["a", "b"]})       # a: provider publishes 0 g/kWh
    inst = pd.DataFrame({"region": ["a", "b"], "kind": ["residual_mix"] * 2, "start": ["2025-01-01"] * 2,
                         "end": ["2025-01-02"] * 2, "mwh": [None, None], "factor": [600.0, 600.0]})
    f, steps, _ = market.market_factor(energy, grid, instruments=inst, supplier=supplier)
    assert np.allclose(f.sel(region="a"), 0.0)                                # supplier step covers all of a
    assert np.allclose(f.sel(region="b").isel(time=slice(0, 24)), 600.0)      # residual mix where it has a period
    assert np.allclose(f.sel(region="b").isel(time=slice(24, 48)), 500.0)     # grid average after it
    assert float(steps.sel(region="b", market_step="grid_average")) == pytest.approx(240.0)


def test_surplus_is_reported_and_not_carried_to_another_period():
    # 150 MWh of EACs for January, 100 MWh of January load: 50 MWh surplus; February gets no credit.
    hours = pd.date_range("2025-01-01", "2025-02-28 23:00", freq="h")
    load = np.where(hours.month == 1, 100_000.0 / (31 * 24), 100_000.0 / (28 * 24))
    energy = xr.DataArray(load[:, None], coords={"time": hours, "region": ["r"]})
    grid = xr.full_like(energy, 400.0)
    inst = pd.DataFrame({"region": ["r"], "kind": ["eac"], "start": ["2025-01-01"], "end": ["2025-02-01"],
                         "mwh": [150.0], "factor": [0.0]})
    f, steps, used = market.market_factor(energy, grid, instruments=inst)
    assert used["surplus_mwh"].tolist() == pytest.approx([50.0])
    assert float((f * energy).sum()) == pytest.approx(100_000 * 400.0, rel=1e-12)      # February only


def test_hourly_ppa_rows_give_hourly_matching(rng):
    # MBM_hourly = sum_h [min(E_h, C_h) x 0 + max(0, E_h - C_h) x EF_res,h] with a solar-shaped PPA
    n = 24 * 14
    hours = _hours(n)
    load = rng.uniform(50.0, 150.0, n)                                           # kWh
    solar = np.clip(np.sin((hours.hour.to_numpy() - 6) / 12 * np.pi), 0, None) * 250.0   # kWh
    residual = rng.uniform(350.0, 550.0, n)
    energy = _grid(load)
    grid = _grid(residual)
    ppa = pd.DataFrame({"region": "r", "kind": "ppa", "start": hours, "end": hours + pd.Timedelta("1h"),
                        "mwh": solar / 1000.0, "factor": 0.0})
    f, steps, _ = market.market_factor(energy, grid, instruments=ppa)
    expected = (np.maximum(0.0, load - solar) * residual).sum()
    assert float((f * energy).sum()) == pytest.approx(expected, rel=1e-12)
    assert float(steps.sel(region="r", market_step="ppa")) == pytest.approx(np.minimum(load, solar).sum(), rel=1e-12)
    # the same MWh matched over the whole period (annual/monthly matching) claims more
    total = pd.DataFrame({"region": ["r"], "kind": ["ppa"], "start": [hours[0]], "end": [hours[-1] + pd.Timedelta("1h")],
                          "mwh": [solar.sum() / 1000.0], "factor": [0.0]})
    f2, _, _ = market.market_factor(energy, grid, instruments=total)
    share = min(1.0, solar.sum() / load.sum())
    assert float((f2 * energy).sum()) == pytest.approx(((1 - share) * load * residual).sum(), rel=1e-12)
    assert float((f2 * energy).sum()) < float((f * energy).sum())


def test_cfe_score_against_an_independent_computation(rng):
    load = xr.DataArray(rng.uniform(0, 10, 500), dims="time")
    clean = xr.DataArray(rng.uniform(0, 12, 500), dims="time")
    g = xr.DataArray(rng.uniform(0, 1, 500), dims="time")
    L, C, G = load.values, clean.values, g.values
    expected = (np.minimum(L, C).sum() + (G * np.maximum(0, L - C)).sum()) / L.sum()
    assert float(market.cfe_score(load, clean, g)) == pytest.approx(expected, rel=1e-12)
    m = market.hourly_matching(load, clean)
    assert float(m.energy_matched.sum() + (load - m.energy_matched).sum()) == pytest.approx(L.sum())
    assert float(m.clean_surplus.sum()) == pytest.approx(np.maximum(0, C - L).sum())
    assert market.cfe_score(load).attrs["units"] == "1" and float(market.cfe_score(load)) == 0.0


@pytest.mark.parametrize("change, column", [
    (dict(kind="rec"), "kind"),
    (dict(mwh=None), "mwh"),
    (dict(factor=-1.0), "factor"),
    (dict(end="2024-12-01"), "end"),
])
def test_bad_instruments_name_row_and_column(change, column):
    rows = [dict(region="r", kind="eac", start="2025-01-01", end="2025-02-01", mwh=1.0, factor=0.0)] * 2
    bad = dict(rows[1], **change)
    with pytest.raises(ValueError, match=rf"row 2 column '{column}'"):
        market.validate_instruments(pd.DataFrame([rows[0], bad]))


def test_overlapping_instruments_of_one_kind_are_refused():
    energy, grid = _grid(np.ones(48)), _grid(np.full(48, 100.0))
    inst = pd.DataFrame({"region": ["r", "r"], "kind": ["eac", "eac"], "start": ["2025-01-01", "2025-01-01 12:00"],
                         "end": ["2025-01-02", "2025-01-02 12:00"], "mwh": [0.01, 0.01], "factor": [0.0, 0.0]})
    with pytest.raises(ValueError, match="overlap"):
        market.market_factor(energy, grid, instruments=inst)


def test_estimate_with_instruments(usage_table):
    # one region, 24 h x 10 vCPU; EACs cover half the month's energy at 0 g/kWh -> market = half of location
    rows = [dict(start=f"2025-01-01T{h:02d}:00Z", end=f"2025-01-01T{h + 1:02d}:00Z" if h < 23 else "2025-01-02T00:00Z",
                 kind="compute", quantity=10.0, unit="vCPU-h", instance_type="m5.xlarge", region="sa-east-1")
            for h in range(24)]
    usage = usage_table(rows)
    m = carbonlab.methodology("carbonlab").replace(id="m", bases=("location_average", "market"))
    base = carbonlab.estimate(usage, m)
    kwh = float(base["energy"].sum())
    inst = pd.DataFrame({"region": ["sa-east-1"], "kind": ["eac"], "start": ["2025-01-01"], "end": ["2025-02-01"],
                         "mwh": [kwh / 2 / 1000], "factor": [0.0]})
    fp = carbonlab.estimate(usage, m, instruments=inst)
    loc = float(fp["co2e_operational"].sel(basis="location_average").sum())
    mbm = float(fp["co2e_operational"].sel(basis="market").sum())
    # sa-east-1 has no provider market factor in the regions table -> the rest is at the grid average
    assert mbm == pytest.approx(loc / 2, rel=1e-9)
    steps = fp["market_step_energy"].sel(region="sa-east-1")
    assert float(steps.sum()) == pytest.approx(kwh, rel=1e-12)
    assert float(steps.sel(market_step="eac")) == pytest.approx(kwh / 2, rel=1e-12)
