"""Siler-Evans marginal emission factors: recovery of known factors, an independent OLS, the shipped fits.

Method: K. Siler-Evans, I. L. Azevedo, M. G. Morgan, "Marginal Emissions Factors for the U.S. Electricity
System", Environ. Sci. Technol. 46(9), 4742-4748, 2012, doi:10.1021/es300145v (accessed 2026-11-22).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import stats

from carbonlab.models.marginal import hour_groups, siler_evans


def _synthetic(rng, betas: dict[str, float], noise_kg: float, hours: int = 24 * 365):
    """Emissions that follow dE = beta_season * dG + noise exactly (built cumulatively), 2022 hourly."""
    t = pd.date_range("2022-01-01", periods=hours, freq="h")
    season = hour_groups(t, ["season"])["season"]
    g = 20000 + 4000 * np.sin(2 * np.pi * np.arange(hours) / 24) + rng.normal(0, 800, hours).cumsum() * 0.05
    dg = np.diff(g)
    beta = np.array([betas[s] for s in season[1:]])
    de = beta * dg + 1000.0 + rng.normal(0, noise_kg, hours - 1)
    e = np.concatenate([[1e7], 1e7 + np.cumsum(de)])
    return (xr.DataArray(e, coords={"time": t}), xr.DataArray(g, coords={"time": t}), season)


def test_recovers_known_marginal_factors(rng):
    # true factors by season, g/kWh (= kg/MWh): a gas-on-the-margin summer, coal in winter
    truth = {"DJF": 780.0, "MAM": 610.0, "JJA": 490.0, "SON": 655.0}
    e, g, _ = _synthetic(rng, truth, noise_kg=20000.0)
    fit = siler_evans(e, g, by=("season",))
    for s, beta in truth.items():
        got, se = float(fit.marginal_emission_factor.sel(season=s)), float(fit.marginal_emission_factor_stderr.sel(season=s))
        assert abs(got - beta) < 4 * se, (s, got, beta, se)
        assert se < 10.0                                  # the fit is informative at this noise level
    assert fit.marginal_emission_factor.attrs["units"] == "g kWh-1"
    assert int(fit.marginal_n.sum()) == 24 * 365 - 1


def test_without_noise_the_factor_is_exact(rng):
    e, g, _ = _synthetic(rng, {"DJF": 700.0, "MAM": 700.0, "JJA": 700.0, "SON": 700.0}, noise_kg=0.0)
    fit = siler_evans(e, g, by=())
    assert float(fit.marginal_emission_factor) == pytest.approx(700.0, rel=1e-10)
    assert float(fit.marginal_intercept) == pytest.approx(1000.0, rel=1e-6)
    assert float(fit.marginal_r2) == pytest.approx(1.0, abs=1e-12)


def test_matches_an_independent_least_squares(rng):
    # scipy.stats.linregress on the same differences, group by group
    e, g, season = _synthetic(rng, {"DJF": 800.0, "MAM": 500.0, "JJA": 450.0, "SON": 600.0}, noise_kg=50000.0)
    fit = siler_evans(e, g, by=("season", "hour"))
    de, dg = np.diff(e.values), np.diff(g.values)
    hour = pd.DatetimeIndex(e.time.values).hour[1:]
    for s, h in (("DJF", 0), ("JJA", 13), ("SON", 23)):
        m = (season[1:] == s) & (hour == h)
        ref = stats.linregress(dg[m], de[m])
        sel = dict(season=s, hour=h)
        assert float(fit.marginal_emission_factor.sel(sel)) == pytest.approx(ref.slope, rel=1e-9)
        assert float(fit.marginal_emission_factor_stderr.sel(sel)) == pytest.approx(ref.stderr, rel=1e-9)
        assert float(fit.marginal_intercept.sel(sel)) == pytest.approx(ref.intercept, rel=1e-9)
        assert float(fit.marginal_r2.sel(sel)) == pytest.approx(ref.rvalue ** 2, rel=1e-9)
        assert int(fit.marginal_n.sel(sel)) == m.sum()


def test_only_consecutive_finite_hours_pair():
    t = pd.to_datetime(["2022-01-01 00:00", "2022-01-01 01:00", "2022-01-01 02:00", "2022-01-01 05:00",
                        "2022-01-01 06:00", "2022-01-01 07:00"])
    g = xr.DataArray([10.0, 12.0, 15.0, 100.0, 104.0, np.nan], coords={"time": t})
    e = 500.0 * g
    fit = siler_evans(e, g, by=())
    # pairs: (0,1), (1,2), (5h,6h) used; (2h->5h) is not consecutive, (6h->7h) has a NaN
    assert int(fit.marginal_n) == 3 and fit.attrs["pairs_skipped"] == 2
    assert float(fit.marginal_emission_factor) == pytest.approx(500.0, rel=1e-12)


def test_groups_count_in_local_time():
    t = pd.date_range("2022-07-01 04:00", periods=1, freq="h")          # 00:00 in New York (EDT, UTC-4)
    assert hour_groups(t, ["hour"], timezone="America/New_York")["hour"].tolist() == [0]
    assert hour_groups(t, ["hour"])["hour"].tolist() == [4]


@pytest.mark.reference_data
def test_shipped_fits_rebuild_from_eia930(shared_dir):
    # datasets/grid_profiles/siler_evans_fits.csv for PJM, recomputed from the EIA-930 file it was built from
    from carbonlab.datasets import load_table
    raw = pd.read_csv(shared_dir / "reference-data" / "hourly-intensity" / "eia930-derived" / "PJM_2022_hourly.csv")
    ipcc_ar5 = {"WND": 11.0, "SUN": 41.0, "WAT": 24.0, "OIL": 650.0, "NG": 490.0, "COL": 820.0, "NUC": 12.0,
                "OTH": 230.0}
    t = pd.DatetimeIndex(pd.to_datetime(raw["timestamp"], utc=True)).tz_localize(None).values
    emissions = sum(raw[f] * ef for f, ef in ipcc_ar5.items())
    fossil = raw[["OIL", "NG", "COL"]].sum(axis=1)
    fit = siler_evans(xr.DataArray(emissions.values, coords={"time": t}), xr.DataArray(fossil.values, coords={"time": t}),
                      timezone="America/New_York")
    shipped = load_table("grid_profiles", "siler_evans_fits")
    shipped = shipped[shipped.zone == "US-MIDA-PJM"].set_index(["season", "hour"])
    ours = fit.marginal_emission_factor.to_series()
    assert len(shipped) == 96
    np.testing.assert_allclose(ours.loc[shipped.index].values, shipped["mef"].values, atol=0.005)
