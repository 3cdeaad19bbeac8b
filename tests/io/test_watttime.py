"""WattTime (API v2/v3 JSON, SDK CSV) and SGIP signal files: exact units, hourly averaging, real files.

References: ../shared/reference-data/hourly-intensity/SOURCES.md section 4 (SGIP files: 20,544 hours, means PG&E
264 and SCE 243 gCO2/kWh) and section 5 (WattTime formats: v3 ``data[{point_time,value}]`` with ``meta.units``
``lbs_co2_per_mwh``, SDK CSV ``point_time,value[,imputed_data_used]``, v2 list), accessed 2026-11-22.
1 lb = 0.45359237 kg exactly (international yard and pound agreement, 1959), so 1 lb/MWh = 0.45359237 g/kWh.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from carbonlab.io.intensity_csv import read_intensity_csv
from carbonlab.io.watttime import read_watttime


@pytest.mark.reference_data
def test_sgip_hourly_means_match_sources_md(shared_dir):
    folder = shared_dir / "reference-data" / "hourly-intensity" / "sgip-moer"
    ds = read_watttime(sorted(folder.glob("SGIP_CAISO_*_hourly_*.csv")))
    assert ds.sizes["time"] == 20544 and not bool(ds.grid_intensity_filled.any())
    mean = ds.grid_intensity.sel(basis="location_marginal").mean("time")
    for zone, stated in (("SGIP_CAISO_PGE", 264.0), ("SGIP_CAISO_SCE", 243.0)):
        assert float(mean.sel(zone=zone)) == pytest.approx(stated, rel=0.005)


@pytest.mark.reference_data
def test_raw_five_minute_file_averages_to_the_derived_hourly_file(shared_dir):
    # the derived hourly file is the mean of the 12 five-minute points per UTC hour (SOURCES.md section 4);
    # it is written to 1e-6 kg/kWh, i.e. 0.001 g/kWh
    folder = shared_dir / "reference-data" / "hourly-intensity" / "sgip-moer"
    raw = read_watttime(folder / "raw_SGIP_CAISO_PGE_2021-01.csv.gz")
    assert raw.attrs["points_per_hour_max"] == 12
    hourly = read_watttime(folder / "SGIP_CAISO_PGE_hourly_2019-04-30_2021-09-01.csv")
    a = raw.grid_intensity.sel(zone="SGIP_CAISO_PGE", basis="location_marginal")
    b = hourly.grid_intensity.sel(zone="SGIP_CAISO_PGE", basis="location_marginal").sel(time=a.time.values)
    np.testing.assert_allclose(a.values, b.values, atol=0.001)


def test_v3_json_lbs_per_mwh_exact_and_five_minute_points_averaged(tmp_path):
    points = [{"point_time": f"2022-07-15T00:{m:02d}:00+00:00", "value": 870.0 + m} for m in range(0, 60, 5)]
    points.append({"point_time": "2022-07-15T01:00:00Z", "value": 1000.0})
    doc = {"data": points, "meta": {"region": "CAISO_NORTH", "signal_type": "co2_moer", "units": "lbs_co2_per_mwh",
                                     "data_point_period_seconds": 300}}
    p = tmp_path / "moer.json"
    p.write_text(json.dumps(doc))
    ds = read_watttime(p)
    v = ds.grid_intensity.sel(zone="CAISO_NORTH", basis="location_marginal").values
    assert v[0] == pytest.approx(np.mean([870.0 + m for m in range(0, 60, 5)]) * 0.45359237, rel=1e-15)
    assert v[1] == 1000.0 * 0.45359237
    assert ds.attrs["points_per_hour_max"] == 12


def test_v2_json_and_aoer(tmp_path):
    moer = [{"point_time": "2022-11-17T04:45:00.000Z", "value": 937.0, "frequency": 300, "market": "RTM",
             "ba": "CAISO_NORTH", "datatype": "MOER", "version": "3.2"}]
    aoer = [dict(moer[0], datatype="AOER", value=500.0, version="3.0-modeled")]
    (tmp_path / "m.json").write_text(json.dumps(moer))
    (tmp_path / "a.json").write_text(json.dumps(aoer))
    ds = read_watttime([tmp_path / "m.json", tmp_path / "a.json"])
    one = ds.isel(time=0).sel(zone="CAISO_NORTH").grid_intensity
    assert float(one.sel(basis="location_marginal")) == pytest.approx(937.0 * 0.45359237, rel=1e-15)
    assert float(one.sel(basis="location_average")) == pytest.approx(500.0 * 0.45359237, rel=1e-15)
    assert ds.attrs["imputed_points"] == 1                 # v2 "modeled" version
    assert ds.time.values[0] == np.datetime64("2022-11-17T04:00")


def test_sdk_csv_names_region_and_signal_and_matches_plain_csv(tmp_path):
    # the same hours in the SDK's lbs/MWh and in a plain g/kWh file give the same signal (unit invariance)
    t = pd.date_range("2024-03-09T00:00Z", periods=72, freq="h")       # spans the US DST change (UTC: nothing)
    lbs = 800 + 100 * np.sin(np.arange(72) / 5)
    sdk = tmp_path / "CAISO_NORTH_co2_moer_2024-03-09T00:00+00:00_2024-03-12T00:00+00:00.csv"
    pd.DataFrame({"point_time": t.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "value": lbs,
                  "imputed_data_used": ["False"] * 71 + ["True"]}).to_csv(sdk, index=False)
    plain = tmp_path / "plain.csv"
    pd.DataFrame({"time": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "zone": "CAISO_NORTH", "value": lbs * 0.45359237,
                  "unit": "g/kWh", "basis": "location_marginal"}).to_csv(plain, index=False)
    a = read_watttime(sdk)
    b = read_intensity_csv(plain)
    np.testing.assert_allclose(a.grid_intensity.values, b.grid_intensity.values, rtol=1e-14)
    assert a.attrs["imputed_points"] == 1 and a.sizes["time"] == 72


def test_unknown_signals_and_formats_are_refused(tmp_path):
    p = tmp_path / "CAISO_NORTH_health_damage_2024_2024.csv"
    pd.DataFrame({"point_time": ["2024-01-01T00:00Z"], "value": [1.0]}).to_csv(p, index=False)
    with pytest.raises(ValueError, match="health_damage"):
        read_watttime(p)
    q = tmp_path / "x.csv"
    pd.DataFrame({"a": [1]}).to_csv(q, index=False)
    with pytest.raises(ValueError, match="not a WattTime/SGIP CSV"):
        read_watttime(q)
    r = tmp_path / "bad.csv"
    r.write_text("point_time,value\n2024-01-01T00:00Z,1\n2024-01-01T01:00Z,n/a\n")
    with pytest.raises(ValueError, match=r"row 3 column 'value'"):
        read_watttime(r, region="X", signal_type="co2_moer")
