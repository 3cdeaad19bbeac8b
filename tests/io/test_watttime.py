"""WattTime (API v2/v3 JSON, SDK CSV) and SGIP signal files: exact units, hourly averaging, real files.

References: ../shared/reference-data/hourly-intensity/SOURCES.md section 4 (SGIP files: 20,544 hours, means PG&E
264 and SCE 243 gCO2/kWh) and section 5 (WattTime formats: v3 ``data[{point_time,value}]`` with ``meta.units``
``lbs_co2_per_mwh``, SDK CSV ``point_time,value[,imputed_data_used]``, v2 list), accessed 2026-11-22.
1 lb = 0.45359237 kg exactly (international yard and pound agreement, 1959), so 1 lb/MWh = 0.45359237 g/kWh.
"""

from __future__ import annotations

import gzip
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


# ------------------------------------------------------------------------------------------------ broken input
def _own_error(exc: BaseException, name: str) -> None:
    """carbonlab's own one-line ValueError naming the file, not a parsing library's exception."""
    assert isinstance(exc, ValueError) and not isinstance(exc, UnicodeDecodeError), type(exc)
    assert not type(exc).__module__.startswith(("pyarrow", "pandas", "json", "gzip", "zlib", "csv", "xarray"))
    assert type(exc).__module__.startswith("carbonlab"), type(exc).__module__
    assert name in str(exc) and "\n" not in str(exc), str(exc)


META = {"region": "CAISO_NORTH", "signal_type": "co2_moer", "units": "lbs_co2_per_mwh"}
POINTS = [{"point_time": f"2022-07-15T00:{m:02d}:00+00:00", "value": 870.0 + m} for m in range(0, 20, 5)]


def _v3(points=POINTS, meta=META, **extra):
    return json.dumps({"data": points, "meta": meta, **extra})


def _point(**kw):
    return _v3(POINTS[:1] + [{"point_time": "2022-07-15T01:00:00Z", **kw}])


V2 = [{"point_time": "2022-11-17T04:45:00.000Z", "value": 937.0, "ba": "CAISO_NORTH", "datatype": "MOER"}]

BROKEN_JSON = {
    "not JSON": ("{not json", r"not JSON \(line 1 column 2"),
    "empty": ("", r"empty \(0 bytes\)"),
    "truncated": (_v3()[:-9], r"not JSON \(line 1 column \d+"),
    "a list of numbers": ("[1, 2, 3]", "point 1 is 1, not an object"),
    "a string": ('"hello"', "not a WattTime v2 or v3 JSON document"),
    "an object without data": ('{"foo": 1}', "not a WattTime v2 or v3 JSON document"),
    "data not a list": (json.dumps({"data": 5, "meta": META}), "'data' is not a list of points"),
    "data empty": (_v3([]), "'data' is empty"),
    "data of numbers": (_v3([1, 2]), "point 1 is 1, not an object"),
    "meta a list": (json.dumps({"data": POINTS, "meta": [1]}), "'meta' is not an object"),
    "no meta": (json.dumps({"data": POINTS}), "without meta.units"),
    "meta.units unknown": (_v3(meta={**META, "units": "furlongs"}), "meta.units: unknown grid intensity unit"),
    "no meta.region": (_v3(meta={k: v for k, v in META.items() if k != "region"}), "no meta.region.*give region="),
    "no signal_type": (_v3(meta={k: v for k, v in META.items() if k != "signal_type"}), "give signal_type="),
    "region a number": (_v3(meta={**META, "region": 5}), "no meta.region"),
    "forecast file": (_v3([{"generated_at": "2022-07-15T00:00Z", "forecast": []}]), "a forecast file"),
    "point without value": (_point(), r"point 2 'value': missing \(use null"),
    "point without point_time": (_v3(POINTS[:1] + [{"value": 1.0}]), "point 2 'point_time': missing"),
    "point_time a number": (_v3([{"point_time": 12345, "value": 1.0}]), "point 1 'point_time': 12345 is not a time"),
    "point_time null": (_v3(POINTS[:1] + [{"point_time": None, "value": 1.0}]), "point 2 'point_time': null"),
    "point_time abc": (_v3(POINTS[:1] + [{"point_time": "abc", "value": 1.0}]), "point 2 'point_time': 'abc' is not"),
    "value a string": (_point(value="abc"), "point 2 'value': \"abc\" is not a number"),
    "value a numeric string": (_point(value="870"), "point 2 'value': \"870\" is not a number"),
    "value true": (_point(value=True), "point 2 'value': true is not a number"),
    "value false": (_point(value=False), "point 2 'value': false is not a number"),
    "value an object": (_point(value={"a": 1}), "point 2 'value': {\"a\": 1} is not a number"),
    "value NaN": (_point(value=float("nan")), "point 2 'value': NaN is not a number; use null"),
    "value Infinity": (_point(value=float("inf")), "point 2 'value': inf is not a finite number"),
    "value 1e309": (_v3(POINTS[:1]).replace("870.0", "1e309"), "point 1 'value': inf is not a finite number"),
    "value 10**400": (_v3(POINTS[:1]).replace("870.0", "1" + "0" * 400), "point 1 'value': inf is not a finite"),
    "value negative": (_point(value=-5), "point 2 'value': -5 is negative"),
    "value absurd": (_point(value=2e7), r"point 2 'value': 2e\+07 is 9.07\d*e\+06 g kWh-1, above 5000"),
    "imputed flag a string": (_v3([dict(POINTS[0], imputed_data_used="yes")]), "'imputed_data_used': \"yes\""),
    "nested too deeply": ("[" * 100000 + "]" * 100000, "nested too deeply"),
    "non-UTF-8 byte": (_v3().encode().replace(b"CAISO", b"CA\xffSO", 1), r"line 1: byte 0xff is not UTF-8"),
    "conflicting duplicate": (_v3(POINTS + [POINTS[0], dict(POINTS[1], value=1.0)]),
                              r"at 2022-07-15 00:05 UTC has different values in .*point 2; .*point 6"),
    "v2 record a list": ("[[1]]", "point 1 is \\[1\\], not an object"),
    "v2 without value": (json.dumps([{k: v for k, v in V2[0].items() if k != "value"}]), "point 1 'value': missing"),
    "v2 without ba": (json.dumps([{k: v for k, v in V2[0].items() if k != "ba"}]), "no ba in the file; give region="),
    "v2 value boolean": (json.dumps([dict(V2[0], value=False)]), "point 1 'value': false is not a number"),
    "v2 ba a list": (json.dumps([dict(V2[0], ba=[1])]), "point 1 'ba': \\[1\\] is not a string"),
    "v2 mixed regions": (json.dumps([V2[0], dict(V2[0], ba="PJM")]), "mixed datatypes"),
    "all values null": (_v3([dict(p, value=None) for p in POINTS]), "no intensity values"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_JSON))
def test_broken_json_gives_carbonlabs_one_line_error(tmp_path, case):
    text, message = BROKEN_JSON[case]
    path = tmp_path / "moer.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ValueError, match=message) as info:
        read_watttime(path)
    _own_error(info.value, path.name)


SDK_NAME = "CAISO_NORTH_co2_moer_2024-01-01T00:00+00:00_2024-01-02T00:00+00:00.csv"
SDK = "point_time,value,imputed_data_used\n" + "".join(f"2024-01-01T{h:02d}:00:00+00:00,{800 + h},False\n"
                                                      for h in range(4))
SGIP_RAW = "time,moer,f1\n" + "".join(f"2021-01-01 00:{m:02d}:00+00:00,0.25,0.26\n" for m in range(0, 60, 5))

BROKEN_CSV = {
    "empty": (SDK_NAME, b"", r"empty \(0 bytes\)"),
    "header only": (SDK_NAME, b"point_time,value\n", "a header and no data rows"),
    "truncated mid-row": (SDK_NAME, SDK.encode()[:-10], r"row 5 has 2 cells, the header 3"),
    "non-UTF-8 byte": (SDK_NAME, SDK.encode().replace(b"800", b"8\xe90", 1), r"line 2: byte 0xe9 is not UTF-8"),
    "renamed column": (SDK_NAME, SDK.replace("value", "val").encode(), "not a WattTime/SGIP CSV"),
    "abc": (SDK_NAME, SDK.replace("800", "abc").encode(), "row 2 column 'value': 'abc' is not a number"),
    "true": (SDK_NAME, SDK.replace("800", "true").encode(), "row 2 column 'value': 'true' is not a number"),
    "inf": (SDK_NAME, SDK.replace("800", "inf").encode(), "row 2 column 'value': 'inf' is not a finite number"),
    "nan": (SDK_NAME, SDK.replace("800", "nan").encode(), "row 2 column 'value': 'nan' is not a number"),
    "negative": (SDK_NAME, SDK.replace("800", "-5").encode(), "row 2 column 'value': '-5' is negative"),
    "imputed maybe": (SDK_NAME, SDK.replace("False", "maybe", 1).encode(), "row 2 column 'imputed_data_used'"),
    "conflicting duplicate": (SDK_NAME, (SDK + SDK.splitlines()[1] + "\n" + SDK.splitlines()[2].replace("801", "9")
                                         + "\n").encode(), r"01:00 UTC has different values in .*row 3; .*row 7"),
    "SGIP gzip truncated": ("raw_SGIP_CAISO_PGE_2021-01.csv.gz", gzip.compress(SGIP_RAW.encode())[:-12],
                            "truncated or corrupt gzip data"),
    "SGIP gzip corrupt": ("raw_SGIP_CAISO_PGE_2021-01.csv.gz", b"\x1f\x8b\x08\x00" + b"garbage" * 5,
                          "truncated or corrupt gzip data"),
    "SGIP kg/kWh as g/kWh": ("raw_SGIP_CAISO_PGE_2021-01.csv", SGIP_RAW.replace("0.25", "250").encode(),
                             "row 2 column 'moer': '250' is 250000 g kWh-1"),
    "JSON gzip truncated": ("moer.json.gz", gzip.compress(_v3().encode())[:-12], "truncated or corrupt gzip data"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_CSV))
def test_broken_csv_and_gzip_give_carbonlabs_one_line_error(tmp_path, case):
    name, data, message = BROKEN_CSV[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ValueError, match=message) as info:
        read_watttime(path)
    _own_error(info.value, path.name)


def test_gzip_json_is_told_by_content_and_null_is_a_missing_point(tmp_path):
    p = tmp_path / "moer.json.gz"
    p.write_bytes(gzip.compress(_v3().encode()))
    assert float(read_watttime(p).grid_intensity.squeeze()) == pytest.approx(877.5 * 0.45359237, rel=1e-15)
    # a null value is a missing point: the hour takes the mean of the points it has
    q = tmp_path / "gaps.json"
    q.write_text(_v3([POINTS[0], dict(POINTS[1], value=None)]))
    assert float(read_watttime(q).grid_intensity.squeeze()) == 870.0 * 0.45359237
    # an identical repeat of a point is dropped once and counted
    r = tmp_path / "dup.json"
    r.write_text(_v3(POINTS + [POINTS[2]]))
    assert read_watttime(r).attrs["duplicates_dropped"] == 1
