"""Grid signals on (time, region, basis): sources, resolutions, shipped profiles, user signals.

Reference numbers: GSF Real Time Cloud ``Cloud_Region_Metadata.csv`` 2023 (INTENSITY.md section 3.1) for the
annual values; the Electricity Maps 2023 hourly exports in ../shared/reference-data/hourly-intensity (SOURCES.md
section 1) for the profiles.  Resolution identities are computed independently with numpy.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import carbonlab
from carbonlab import signals as intensity
from carbonlab.datasets import load_table
from carbonlab.methodology import CHOICES

YEAR_2023 = pd.date_range("2023-01-01", "2023-12-31 23:00", freq="h")


def test_registries_and_choices():
    assert set(CHOICES["grid_source"]) == set(intensity.SOURCES) == set(intensity.NATIVE_RESOLUTION)
    assert set(CHOICES["resolution"]) == set(intensity.RESOLUTIONS)
    m = carbonlab.methodology("carbonlab_hourly")
    assert (m.grid_source, m.resolution, m.bases) == ("grid_profiles", "hourly",
                                                      ("location_average", "location_marginal", "market"))


@pytest.mark.parametrize("region, provider, average, marginal", [
    # INTENSITY.md section 3.1 (GSF 2023): Electricity Maps annual average, WattTime annual marginal, g/kWh
    ("eu-north-1", "aws", 24.7, 791.3),
    ("ca-central-1", "aws", 30.5, 457.9),
    ("ap-southeast-1", "aws", 487.5, 349.0),
    ("us-east-1", "aws", 396.3, 557.2),
])
def test_regions_annual_values(region, provider, average, marginal):
    da, _ = intensity.grid_intensity(YEAR_2023[:5].values, [region], [provider],
                                     bases=("location_average", "location_marginal"))
    assert float(da.sel(basis="location_average")[0, 0]) == pytest.approx(average, abs=0.06)
    assert float(da.sel(basis="location_marginal")[0, 0]) == pytest.approx(marginal, abs=0.06)
    assert da.attrs["units"] == "g kWh-1" and da.dims == ("time", "region", "basis")


def test_annual_source_cannot_give_hourly():
    with pytest.raises(ValueError, match="grid_profiles"):
        intensity.grid_intensity(YEAR_2023[:3].values, ["us-east-1"], ["aws"], resolution="hourly")


# ------------------------------------------------------------------------------------------------ profiles
def test_profile_mean_over_each_year_is_its_anchor():
    anchors = load_table("grid_profiles", "anchors")
    a = anchors[(anchors.zone == "US-MIDA-PJM") & (anchors.signal == "location_average")].set_index("year")["annual_mean"]
    v23, note = intensity.profile_signal(YEAR_2023.values, "US-MIDA-PJM")
    assert v23.mean() == pytest.approx(a[2023], rel=1e-12)
    y24 = pd.date_range("2024-01-01", "2024-12-31 23:00", freq="h")
    v24, _ = intensity.profile_signal(y24.values, "US-MIDA-PJM")
    assert len(y24) == 8784 and v24.mean() == pytest.approx(a[2024], rel=1e-12)
    y25 = pd.date_range("2025-01-01", "2025-12-31 23:00", freq="h")
    v25, note25 = intensity.profile_signal(y25.values, "US-MIDA-PJM")
    assert v25.mean() == pytest.approx(a[2023], rel=1e-12) and "2025<-2023" in note25


def test_profile_hours_are_local_with_daylight_saving():
    # 2023-07-01 16:00 UTC is Saturday 12:00 EDT in New York; 2023-01-02 17:00 UTC is Monday 12:00 EST
    prof = load_table("grid_profiles", "profiles")
    p = prof[(prof.zone == "US-MIDA-PJM") & (prof.signal == "location_average")].set_index(["month", "daytype", "hour"])
    year, _ = intensity.profile_signal(YEAR_2023.values, "US-MIDA-PJM")
    k = year / np.array([p.loc[(t.month, "weekend" if t.day_of_week >= 5 else "weekday", t.hour), "mean"]
                         for t in YEAR_2023.tz_localize("UTC").tz_convert("America/New_York")])
    assert np.ptp(k) < 1e-12 and abs(k[0] - 1) < 0.01         # one scale factor for the year, close to 1
    t = pd.to_datetime(["2023-07-01 16:00", "2023-01-02 17:00"]).values
    v, _ = intensity.profile_signal(t, "US-MIDA-PJM")
    assert v.tolist() == pytest.approx([k[0] * p.loc[(7, "weekend", 12), "mean"], k[0] * p.loc[(1, "weekday", 12), "mean"]])


@pytest.mark.reference_data
def test_profiles_reproduce_monthly_means_of_the_hourly_exports(shared_dir):
    # Expanding the month x daytype x hour profile over 2023 gives back each month's mean of the real data
    # (cells are means of the same hours), up to the 0.01 g/kWh rounding of the shipped means.
    from carbonlab.io.electricitymaps import read_electricitymaps
    folder = shared_dir / "reference-data" / "hourly-intensity" / "electricitymaps"
    series = intensity.list_profiles().set_index(["zone", "signal", "source"])
    for zone in ("US-MIDA-PJM", "DE", "JP-TK", "AU-NSW"):
        real = read_electricitymaps(folder / f"{zone}_2023_hourly.csv").grid_intensity.sel(zone=zone)
        tz = series.loc[(zone, "location_average", "electricitymaps_2023"), "timezone"]
        month = YEAR_2023.tz_localize("UTC").tz_convert(tz).month          # profile cells are local months
        for basis in ("location_average", "location_average_direct"):
            ours, _ = intensity.profile_signal(YEAR_2023.values, zone, basis)
            got = pd.Series(ours).groupby(month).mean()
            want = pd.Series(real.sel(basis=basis).values).groupby(month).mean()
            np.testing.assert_allclose(got.values, want.values, rtol=2e-4, err_msg=f"{zone} {basis}")


def test_grid_profiles_flags_zones_without_hourly_data():
    t = YEAR_2023[:24].values
    da, notes = intensity.grid_intensity(t, ["eu-north-1", "us-east-1"], ["aws", "aws"], source="grid_profiles",
                                         bases=("location_average", "location_marginal"), resolution="hourly")
    assert np.allclose(da.sel(region="eu-north-1", basis="location_average"), 24.71)     # annual, every hour
    assert any("aws:eu-north-1 location_average: no hourly data for zone SE" in n for n in notes)
    assert any("aws:us-east-1 location_marginal of zone US-MIDA-PJM: profile siler_evans_eia930_2022" in n
               for n in notes)
    assert np.ptp(da.sel(region="us-east-1", basis="location_average").values) > 10     # varies by hour
    with pytest.raises(KeyError, match="direct"):
        intensity.grid_intensity(t, ["eu-north-1"], ["aws"], source="grid_profiles",
                                 bases=("location_average_direct",), resolution="hourly")


def test_measured_marginal_preferred_over_the_estimate():
    t = YEAR_2023[:3].values
    _, notes = intensity.grid_intensity(t, ["us-west-1"], ["aws"], source="grid_profiles",
                                        bases=("location_marginal",), resolution="hourly")
    assert any("profile sgip_pge_2020 (measured)" in n for n in notes)


# ------------------------------------------------------------------------------------------------ resolution
def _totals(energy, time, regions, providers, source="grid_profiles"):
    out = {}
    for res in intensity.RESOLUTIONS:
        da, _ = intensity.grid_intensity(time, regions, providers, source=source, resolution=res,
                                         bases=("location_average", "location_marginal"))
        out[res] = (da * energy).sum(["time", "region"])
    return out


def test_flat_usage_gives_the_same_total_at_every_resolution():
    regions, providers = ["us-east-1", "europe-west3", "eu-north-1"], ["aws", "gcp", "aws"]
    energy = xr.DataArray(np.full((len(YEAR_2023), 3), 2.5), dims=("time", "region"),
                          coords={"time": YEAR_2023.values, "region": regions})
    t = _totals(energy, YEAR_2023.values, regions, providers)
    xr.testing.assert_allclose(t["hourly"], t["monthly"], rtol=1e-12)
    xr.testing.assert_allclose(t["hourly"], t["annual"], rtol=1e-12)


def test_correlated_usage_gives_the_expected_difference():
    # E_t = a + b (I_t - mean I): hourly - annual = b * sum_t (I_t - mean I)^2 (annual signal = mean I)
    hourly, _ = intensity.grid_intensity(YEAR_2023.values, ["us-east-1"], ["aws"], source="grid_profiles",
                                         resolution="hourly")
    i = hourly.sel(region="us-east-1", basis="location_average").values
    a, b = 10.0, 0.02
    e = a + b * (i - i.mean())
    energy = xr.DataArray(e[:, None], dims=("time", "region"), coords={"time": YEAR_2023.values, "region": ["us-east-1"]})
    t = _totals(energy, YEAR_2023.values, ["us-east-1"], ["aws"])
    diff = float(t["hourly"].sel(basis="location_average") - t["annual"].sel(basis="location_average"))
    assert diff == pytest.approx(b * ((i - i.mean()) ** 2).sum(), rel=1e-9)
    assert diff > 0                     # usage high when the grid is dirty costs more at hourly resolution
    # monthly: the difference is the within-month covariance only
    months = YEAR_2023.month
    im = pd.Series(i).groupby(months).transform("mean").values
    dm = float(t["hourly"].sel(basis="location_average") - t["monthly"].sel(basis="location_average"))
    assert dm == pytest.approx((e * (i - im)).sum(), rel=1e-9)


def test_monthly_and_annual_use_whole_calendar_periods():
    # a footprint of one week in March: its annual value is the 2023 anchor, not a mean over the week
    week = pd.date_range("2023-03-06", periods=7 * 24, freq="h")
    da, _ = intensity.grid_intensity(week.values, ["us-east-1"], ["aws"], source="grid_profiles", resolution="annual")
    assert np.allclose(da.sel(basis="location_average"), 392.403)
    mo, _ = intensity.grid_intensity(week.values, ["us-east-1"], ["aws"], source="grid_profiles", resolution="monthly")
    march = pd.date_range("2023-03-01", "2023-03-31 23:00", freq="h")
    full, _ = intensity.grid_intensity(march.values, ["us-east-1"], ["aws"], source="grid_profiles", resolution="hourly")
    assert np.allclose(mo.sel(basis="location_average"), float(full.mean()), rtol=1e-12)


def test_resolution_in_a_footprint(usage_table):
    # the whole of 2023 flat in two regions: the three resolutions give one total (one call: compare)
    usage = usage_table([dict(start="2023-01-01T00:00Z", end="2024-01-01T00:00Z", kind="compute", quantity=8760.0 * 4,
                              unit="vCPU-h", instance_type="m5.xlarge", region=r) for r in ("us-east-1", "eu-west-1")])
    m = carbonlab.methodology("carbonlab_hourly")
    cmp = carbonlab.compare(usage, [m.replace(id=r, resolution=r) for r in intensity.RESOLUTIONS])
    tot = cmp["co2e_operational"].sum(["time", "region", "service"])
    for basis in ("location_average", "location_marginal", "market"):
        v = tot.sel(basis=basis).values
        np.testing.assert_allclose(v, v[0], rtol=1e-9, err_msg=basis)


# ------------------------------------------------------------------------------------------------ user signals
def _user_signal(times, zone_or_region, values, dim="region", units="g kWh-1", basis="location_average"):
    da = xr.DataArray(np.asarray(values, dtype=float)[:, None], dims=("time", dim),
                      coords={"time": times, dim: [zone_or_region]}, attrs={"units": units, "basis": basis})
    return da


def test_user_signal_replaces_the_source_and_the_rest_is_recorded(usage_table):
    rows = [dict(start=f"2025-01-01T{h:02d}:00Z", end=f"2025-01-01T{h + 1:02d}:00Z" if h < 23 else "2025-01-02T00:00Z",
                 kind="compute", quantity=4.0, unit="vCPU-h", instance_type="m5.xlarge", region=r)
            for h in range(24) for r in ("us-east-1", "eu-west-1")]
    usage = usage_table(rows)
    hours = pd.date_range("2025-01-01", periods=24, freq="h")
    mine = _user_signal(hours, "us-east-1", np.linspace(100, 330, 24))
    m = carbonlab.methodology("carbonlab").replace(id="m", resolution="hourly", bases=("location_average",))
    fp = carbonlab.estimate(usage, m, intensity=mine)
    gi = fp["grid_intensity"].sel(basis="location_average")
    np.testing.assert_allclose(gi.sel(region="us-east-1").values, np.linspace(100, 330, 24))
    assert np.allclose(gi.sel(region="eu-west-1"), 403.4)                # GSF annual for the region not covered
    assumed = json.loads(fp.attrs["assumed"])
    assert "aws:us-east-1 location_average: your signal (region us-east-1)" in assumed
    assert any("regions outside your signal keep annual values" in a for a in assumed)
    xr.testing.assert_allclose(fp["co2e_operational"], fp["energy"] * fp["grid_intensity"])


def test_user_signal_by_zone_units_and_resolution():
    hours = pd.date_range("2025-01-01", "2025-12-31 23:00", freq="h")
    values = 300 + 100 * np.sin(np.arange(len(hours)) / 24 * 2 * np.pi)
    g = _user_signal(hours, "US-MIDA-PJM", values, dim="zone")
    kg = _user_signal(hours, "US-MIDA-PJM", values / 1000.0, dim="zone", units="kg/kWh")
    t = hours[:48].values
    a, notes = intensity.grid_intensity(t, ["us-east-1", "eastus"], ["aws", "azure"], resolution="hourly", signal=g)
    b, _ = intensity.grid_intensity(t, ["us-east-1", "eastus"], ["aws", "azure"], resolution="hourly", signal=kg)
    xr.testing.assert_allclose(a, b, rtol=1e-12)                          # kg/kWh in, same g/kWh out
    np.testing.assert_allclose(a.sel(region="eastus", basis="location_average").values, values[:48])
    ann, _ = intensity.grid_intensity(t, ["us-east-1"], ["aws"], resolution="annual", signal=g)
    assert np.allclose(ann, values.mean(), rtol=1e-12)


def test_user_signal_with_monthly_values_holds_them_for_the_month():
    months = pd.date_range("2025-01-01", periods=3, freq="MS")
    sig = _user_signal(months, "us-east-1", [100.0, 200.0, 300.0])
    t = pd.to_datetime(["2025-01-31 23:00", "2025-02-01 00:00", "2025-03-15 12:00"]).values
    da, _ = intensity.grid_intensity(t, ["us-east-1"], ["aws"], resolution="hourly", signal=sig)
    assert da.sel(basis="location_average", region="us-east-1").values.tolist() == [100.0, 200.0, 300.0]


def test_user_signal_that_misses_hours_is_not_used_hourly():
    hours = pd.date_range("2025-01-01", periods=10, freq="h")
    sig = _user_signal(hours, "us-east-1", np.arange(10.0) + 100)
    t = pd.date_range("2025-01-01", periods=12, freq="h").values
    da, notes = intensity.grid_intensity(t, ["us-east-1"], ["aws"], resolution="hourly", signal=sig)
    assert np.allclose(da, 396.25) and any("covers 10 of 12 hours" in n for n in notes)


def test_user_signal_needs_units_and_a_basis():
    hours = pd.date_range("2025-01-01", periods=3, freq="h")
    da = xr.DataArray(np.ones((3, 1)), dims=("time", "region"), coords={"time": hours, "region": ["us-east-1"]})
    with pytest.raises(ValueError, match="basis"):
        intensity.grid_intensity(hours.values, ["us-east-1"], ["aws"], signal=da)
    with pytest.raises(ValueError, match="units"):
        intensity.grid_intensity(hours.values, ["us-east-1"], ["aws"], signal=da.assign_attrs(basis="location_average"))


def test_identical_inputs_give_identical_outputs():
    t = YEAR_2023[:100].values
    kw = dict(source="grid_profiles", resolution="monthly", bases=("location_average", "market"))
    a, na = intensity.grid_intensity(t, ["us-east-1", "westus"], ["aws", "azure"], **kw)
    b, nb = intensity.grid_intensity(t, ["us-east-1", "westus"], ["aws", "azure"], **kw)
    xr.testing.assert_identical(a, b)
    assert na == nb


def test_a_readers_output_replaces_the_signal_in_one_call(usage_table, tmp_path):
    # an Electricity Maps export for zone US-MIDA-PJM and a WattTime SDK file for CAISO_NORTH, passed to estimate
    hours = pd.date_range("2025-01-01", periods=24, freq="h")
    em = tmp_path / "US-MIDA-PJM_2025_hourly.csv"
    lines = ["Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
             "Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,"
             "Data Estimated,Data Estimation Method"]
    lines += [f"{t:%Y-%m-%d %H:%M:%S},USA,PJM,US-MIDA-PJM,{300 + h},{350 + h},40,8,pjm.com,false," for h, t in enumerate(hours)]
    em.write_text("\n".join(lines) + "\n", encoding="utf-8")
    wt = tmp_path / "CAISO_NORTH_co2_moer_2025-01-01_2025-01-02.csv"
    pd.DataFrame({"point_time": hours.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "value": 1000.0}).to_csv(wt, index=False)
    rows = [dict(start=f"{t:%Y-%m-%dT%H:%M}Z", end=f"{t + pd.Timedelta('1h'):%Y-%m-%dT%H:%M}Z", kind="compute",
                 quantity=4.0, unit="vCPU-h", instance_type="m5.xlarge", region=r)
            for t in hours for r in ("us-east-1", "us-west-1")]
    m = carbonlab.methodology("carbonlab").replace(id="m", resolution="hourly")
    fp = carbonlab.estimate(usage_table(rows), m, intensity=[carbonlab.read_electricitymaps(em),
                                                             carbonlab.read_watttime(wt)])
    gi = fp["grid_intensity"]
    np.testing.assert_allclose(gi.sel(region="us-east-1", basis="location_average").values, 350 + np.arange(24))
    np.testing.assert_allclose(gi.sel(region="us-west-1", basis="location_marginal").values, 453.59237)
    assert np.allclose(gi.sel(region="us-west-1", basis="location_average"), 261.28)     # not in the files: GSF
    assert np.allclose(gi.sel(region="us-east-1", basis="location_marginal"), 557.17)


# ------------------------------------------------------------------------------------------------ hostile user signals
@pytest.mark.parametrize("values, units, message", [
    ([100.0, -5.0, 100.0], "g kWh-1", r"-5 g kWh-1 at region 'us-east-1', 2025-01-01 01:00:00.* is negative"),
    ([100.0, np.inf, 100.0], "g kWh-1", r"inf g kWh-1 .* is not finite"),
    ([100.0, -np.inf, 100.0], "g kWh-1", r"-inf g kWh-1 .* is not finite"),
    ([0.3, 300.0, 0.3], "kg/kWh", r"300000 g kWh-1 .* above 5000 g kWh-1"),      # a g/kWh value labelled kg/kWh
])
def test_user_signal_with_impossible_values_is_refused(usage_table, values, units, message):
    hours = pd.date_range("2025-01-01", periods=3, freq="h")
    sig = _user_signal(hours, "us-east-1", values, units=units)
    with pytest.raises(ValueError, match=message):
        intensity.grid_intensity(hours.values, ["us-east-1"], ["aws"], resolution="hourly", signal=sig)
    usage = usage_table([dict(start="2025-01-01T00:00Z", end="2025-01-01T03:00Z", kind="compute", quantity=12.0,
                              unit="vCPU-h", instance_type="m5.xlarge")])
    m = carbonlab.methodology("carbonlab").replace(id="m", resolution="hourly", bases=("location_average",))
    with pytest.raises(ValueError, match=message):                   # never reaches a footprint
        carbonlab.estimate(usage, m, intensity=sig)


@pytest.mark.parametrize("make, message", [
    (lambda h: _user_signal(h, "us-east-1", [1.0, 2.0, 3.0]).astype(bool), "must be numbers, not bool"),
    (lambda h: _user_signal([0, 1, 2], "us-east-1", [1.0, 2.0, 3.0]), "'time' must hold datetimes"),
    (lambda h: _user_signal(h[[0, 0, 1]], "us-east-1", [1.0, 2.0, 3.0]), "time label.* more than once"),
    (lambda h: _user_signal(h, "us-east-1", [1.0, 2.0, 3.0], basis="average"), r"unknown basis \['average'\]"),
    (lambda h: [_user_signal(h, "us-east-1", [1.0, 2.0, 3.0]), _user_signal(h, "us-east-1", [1.0, 2.0, 4.0])],
     "two of the intensity signals give different values"),
])
def test_user_signal_of_the_wrong_shape_is_refused(make, message):
    hours = pd.date_range("2025-01-01", periods=3, freq="h")
    with pytest.raises(ValueError, match=message):
        intensity.grid_intensity(hours.values, ["us-east-1"], ["aws"], resolution="hourly", signal=make(hours))


def test_user_signal_nan_is_no_value_and_tz_aware_times_are_used():
    hours = pd.date_range("2025-01-01", periods=3, freq="h")
    gap = _user_signal(hours, "us-east-1", [100.0, np.nan, 100.0])
    da, notes = intensity.grid_intensity(hours.values, ["us-east-1"], ["aws"], resolution="hourly", signal=gap)
    assert np.allclose(da, 396.25) and any("covers 2 of 3 hours" in n for n in notes)
    aware = _user_signal(hours.tz_localize("Europe/Berlin"), "us-east-1", [100.0, 200.0, 300.0])
    t = hours - pd.Timedelta("1h")                                   # Berlin is UTC+1 in January
    da, _ = intensity.grid_intensity(t.values, ["us-east-1"], ["aws"], resolution="hourly", signal=aware)
    assert da.sel(basis="location_average").values.ravel().tolist() == [100.0, 200.0, 300.0]


def test_user_signal_that_matches_no_region_is_recorded(usage_table, tmp_path):
    # an Electricity Maps export of zone XX (no region of the footprint) and a marginal basis the methodology
    # does not ask for: the footprint keeps its source and says so in "assumed"
    em = tmp_path / "XX_2025_hourly.csv"
    lines = ["Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
             "Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,"
             "Data Estimated,Data Estimation Method"]
    lines += [f"2025-01-01 {h:02d}:00:00,Nowhere,Nowhere,XX,{100 + h},{150 + h},40,8,x,false," for h in range(24)]
    em.write_text("\n".join(lines) + "\n", encoding="utf-8")
    usage = usage_table([dict(start="2025-01-01T00:00Z", end="2025-01-02T00:00Z", kind="compute", quantity=96.0,
                              unit="vCPU-h", instance_type="m5.xlarge")])
    m = carbonlab.methodology("carbonlab").replace(id="m", resolution="hourly", bases=("location_average",))
    fp = carbonlab.estimate(usage, m, intensity=carbonlab.read_electricitymaps(em))
    assumed = json.loads(fp.attrs["assumed"])
    assert "user signal: zone(s) ['XX'] match no region of this footprint" in " ".join(assumed)
    assert any("basis ['location_average_direct'] not used" in a for a in assumed)
    assert np.allclose(fp["grid_intensity"].sel(basis="location_average"), 396.25)     # GSF annual, us-east-1


def test_hours_a_reader_filled_are_recorded_when_used():
    hours = pd.date_range("2025-01-01", periods=6, freq="h")
    text = "time,zone,value,unit\n" + "".join(f"{t:%Y-%m-%dT%H:%M}Z,US-MIDA-PJM,{300 + i},g/kWh\n"
                                               for i, t in enumerate(hours) if i not in (2, 3))
    ds = carbonlab.read_intensity_csv(io.StringIO(text))
    da, notes = intensity.grid_intensity(hours.values, ["us-east-1"], ["aws"], resolution="hourly", signal=ds)
    assert da.sel(basis="location_average").values.ravel().tolist() == [300.0, 301.0, 302.0, 303.0, 304.0, 305.0]
    assert "aws:us-east-1 location_average: 2 of 6 hours of your signal (zone US-MIDA-PJM) were filled by the " \
           "reader's gap rule (grid_intensity_filled)" in notes
