"""Plain intensity CSV files and the rules all intensity readers share: UTC, daylight saving, leap years, gaps.

References: ../shared/reference-data/hourly-intensity/SOURCES.md section 2 (EIA-930-derived files: annual means
BPAT 54.7, CISO 256, ERCO 347, MISO 441, NYIS 273, PJM 363, SOCO 423, AZPS 575 gCO2eq/kWh; NaN hours PJM 23,
CISO 3, MISO 3) and section 3 (Let's Wait Awhile: DE 315, GB 218, FR 57), accessed 2026-11-22.
"""

from __future__ import annotations

import bz2
import gzip

import numpy as np
import pandas as pd
import pytest

from carbonlab.io.intensity_csv import intensity_unit_factor, read_intensity_csv

EIA_930_MEANS = {"BPAT": 54.7, "CISO": 256, "ERCO": 347, "MISO": 441, "NYIS": 273, "PJM": 363, "SOCO": 423,
                 "AZPS": 575}
EIA_930_NAN_HOURS = {"PJM": 23, "CISO": 3, "MISO": 3}


@pytest.mark.reference_data
@pytest.mark.parametrize("ba", sorted(EIA_930_MEANS))
def test_eia930_means_and_gaps(shared_dir, ba):
    path = shared_dir / "reference-data" / "hourly-intensity" / "eia930-derived" / f"{ba}_2022_hourly.csv"
    ds = read_intensity_csv(path, time_column="timestamp", value_column="avg_CI", zone=ba, unit="g/kWh")
    raw = pd.read_csv(path)["avg_CI"]
    assert ds.sizes["time"] == 8760
    # the stated mean is of the hours that have a value; filling the NaN hours must not move it by 0.5 %
    assert float(raw.mean()) == pytest.approx(EIA_930_MEANS[ba], rel=0.005, abs=0.5)
    assert float(ds.grid_intensity.mean()) == pytest.approx(EIA_930_MEANS[ba], rel=0.005, abs=0.5)
    assert int(ds.grid_intensity_filled.sum()) == EIA_930_NAN_HOURS.get(ba, 0) == int(raw.isna().sum())


@pytest.mark.reference_data
def test_lets_wait_awhile_means(shared_dir):
    folder = shared_dir / "reference-data" / "hourly-intensity" / "lets-wait-awhile"
    kw = dict(time_column="Time", value_column="Carbon Intensity", unit="g/kWh")
    for name, zone, stated in (("ger_ci", "DE", 315.0), ("fr_ci", "FR", 57.0)):
        ds = read_intensity_csv(folder / f"{name}.csv", zone=zone, **kw)
        assert float(ds.grid_intensity.mean()) == pytest.approx(stated, rel=0.005), zone
    # GB: SOURCES.md says 30-minute data with mean 218, but the file switches between 15- and 30-minute steps,
    # so the mean of its *points* (217.6 -> "218") over-weights the 15-minute months; the reader's hourly means
    # weight time evenly and give 214.5.  Check both against an independent computation.
    raw = pd.read_csv(folder / "gb_ci.csv", parse_dates=["Time"])
    steps = raw["Time"].diff().dropna().value_counts()
    assert set(steps.index) == {pd.Timedelta("15min"), pd.Timedelta("30min")}
    assert raw["Carbon Intensity"].mean() == pytest.approx(218, rel=0.005)
    hourly = raw.set_index("Time")["Carbon Intensity"].resample("h").mean()
    gb = read_intensity_csv(folder / "gb_ci.csv", zone="GB", **kw)
    assert float(gb.grid_intensity.mean()) == pytest.approx(hourly.interpolate().mean(), rel=1e-3)
    assert float(gb.grid_intensity.mean()) < 216


def _write(tmp_path, times, values, zone="DE", unit="g/kWh", name="x.csv"):
    p = tmp_path / name
    pd.DataFrame({"time": times, "zone": zone, "value": values, "unit": unit}).to_csv(p, index=False)
    return p


def test_local_times_across_daylight_saving_changes(tmp_path):
    # Berlin wall-clock hours: 2024-03-31 has 23 (02:00 does not exist), 2024-10-27 has 25 (02:00 twice)
    spring = pd.date_range("2024-03-31 00:00", "2024-03-31 23:00", freq="h", tz="Europe/Berlin")
    autumn = pd.date_range("2024-10-27 00:00", "2024-10-27 23:00", freq="h", tz="Europe/Berlin")
    local = spring.append(autumn)
    assert (len(spring), len(autumn)) == (23, 25)
    values = np.arange(len(local), dtype=float)
    p = _write(tmp_path, local.strftime("%Y-%m-%d %H:%M:%S"), values)          # naive local times
    ds = read_intensity_csv(p, timezone="Europe/Berlin", max_gap=None)
    utc = local.tz_convert("UTC").tz_localize(None)
    got = ds.grid_intensity.sel(zone="DE", basis="location_average").sel(time=utc.values).values
    np.testing.assert_array_equal(got, values)
    # the same rows written with their offsets need no timezone
    q = _write(tmp_path, local.strftime("%Y-%m-%dT%H:%M:%S%z"), values, name="offsets.csv")
    ds2 = read_intensity_csv(q, max_gap=None)
    np.testing.assert_array_equal(ds2.grid_intensity.sel(time=utc.values).values.ravel(), values)
    # a wall-clock time that does not exist is an error, not a guess
    bad = _write(tmp_path, ["2024-03-31 01:00:00", "2024-03-31 02:00:00"], [1.0, 2.0], name="bad.csv")
    with pytest.raises(ValueError, match="Europe/Berlin"):
        read_intensity_csv(bad, timezone="Europe/Berlin")


def test_leap_year_has_8784_hours(tmp_path):
    t = pd.date_range("2024-01-01", "2024-12-31 23:00", freq="h")
    p = _write(tmp_path, t.strftime("%Y-%m-%dT%H:%M:%SZ"), np.ones(len(t)))
    ds = read_intensity_csv(p)
    assert ds.sizes["time"] == 8784 and np.datetime64("2024-02-29T23:00") in ds.time.values


def test_gap_rule(tmp_path):
    t = pd.date_range("2024-01-01", periods=72, freq="h")
    v = 100.0 + t.hour.to_numpy() * 10.0                       # a daily shape: 100 at 00:00 ... 330 at 23:00
    v[30:33] = np.nan                                           # 3 h: linear between 05:00 (150) and 09:00 (190)
    v[50:56] = np.nan                                           # 6 h: the Jan x hour-of-day mean of the other days
    keep = ~np.isnan(v)
    p = _write(tmp_path, t[keep].strftime("%Y-%m-%dT%H:%M:%SZ"), v[keep])
    ds = read_intensity_csv(p, max_gap=3)
    got = ds.grid_intensity.sel(zone="DE", basis="location_average").values
    assert got[30:33].tolist() == pytest.approx([160.0, 170.0, 180.0])
    assert got[50:56].tolist() == pytest.approx((100.0 + t.hour[50:56].to_numpy() * 10.0).tolist())
    assert int(ds.grid_intensity_filled.sum()) == 9
    raw = read_intensity_csv(p, max_gap=None)
    assert int(raw.grid_intensity.isnull().sum()) == 9 and not bool(raw.grid_intensity_filled.any())


def test_units_and_errors(tmp_path):
    assert intensity_unit_factor("lbs/MWh") == 0.45359237
    assert intensity_unit_factor("kg CO2e/kWh") == 1000.0 and intensity_unit_factor("gCO2/kWh") == 1.0
    with pytest.raises(ValueError, match="unknown grid intensity unit"):
        intensity_unit_factor("mg/J")
    t = ["2024-01-01T00:00Z", "2024-01-01T01:00Z"]
    a = read_intensity_csv(_write(tmp_path, t, [0.3, 0.4], unit="kg/kWh", name="kg.csv"))
    assert a.grid_intensity.values.ravel().tolist() == pytest.approx([300.0, 400.0])
    with pytest.raises(ValueError, match=r"row 3 column 'value'"):
        read_intensity_csv(_write(tmp_path, t, ["1", "lots"], name="bad.csv"))
    dup = _write(tmp_path, t + t[:1], [1.0, 2.0, 5.0], name="dup.csv")
    with pytest.raises(ValueError, match="different values"):
        read_intensity_csv(dup)


# ------------------------------------------------------------------------------------------------ broken input
def _own_error(exc: BaseException, name: str) -> None:
    """carbonlab's own one-line ValueError naming the file, not a parsing library's exception."""
    assert isinstance(exc, ValueError) and not isinstance(exc, UnicodeDecodeError), type(exc)
    assert not type(exc).__module__.startswith(("pyarrow", "pandas", "json", "gzip", "zlib", "csv", "xarray"))
    assert type(exc).__module__.startswith("carbonlab"), type(exc).__module__
    assert name in str(exc) and "\n" not in str(exc), str(exc)


GOOD = "time,zone,value,unit\n" + "".join(f"2024-03-31T{h:02d}:00:00Z,DE,{300 + h}.5,g/kWh\n" for h in range(4))


def _cell(value, column=2, row=1):
    lines = GOOD.split("\n")
    cells = lines[row + 1].split(",")
    cells[column] = value
    lines[row + 1] = ",".join(cells)
    return "\n".join(lines)


BROKEN = {
    "empty": (b"", r"empty \(0 bytes\)"),
    "header only": (b"time,zone,value,unit\n", "a header and no data rows"),
    "blank lines only": (b"\n\n \n", "no header"),
    "truncated mid-row": (GOOD.encode()[:-9], r"row 5 has 3 cells, the header 4"),
    "truncated in a number": (GOOD.encode()[:GOOD.rfind("303.5") + 2], r"row 5 has 3 cells"),
    "non-UTF-8 byte": (GOOD.encode().replace(b"DE", b"D\xff", 1), r"line 2: byte 0xff is not UTF-8"),
    "latin-1 text": ((GOOD + "2024-03-31T05:00:00Z,Zürich,1,g/kWh\n").encode("latin-1"), r"line 6: byte 0xfc"),
    "UTF-16 without BOM": (GOOD.encode("utf-16-le"), "NUL character"),
    "renamed value column": (GOOD.replace("value", "val").encode(), r"no column 'value' \(columns: \["),
    "renamed zone column": (GOOD.replace("zone", "region").encode(), r"no column 'zone'"),
    "two value columns": (GOOD.replace("unit", "VALUE").encode(), "two columns for 'value'"),
    "abc": (_cell("abc").encode(), r"row 3 column 'value': 'abc' is not a number"),
    "true": (_cell("true").encode(), r"row 3 column 'value': 'true' is not a number"),
    "inf": (_cell("inf").encode(), r"row 3 column 'value': 'inf' is not a finite number"),
    "-inf": (_cell("-inf").encode(), r"row 3 column 'value': '-inf' is not a finite number"),
    "Infinity": (_cell("Infinity").encode(), r"row 3 column 'value': 'Infinity' is not a finite number"),
    "1e309": (_cell("1e309").encode(), r"row 3 column 'value': '1e309' is not a finite number"),
    "nan": (_cell("nan").encode(), r"row 3 column 'value': 'nan' is not a number; leave the cell empty"),
    "NaN": (_cell("NaN").encode(), r"row 3 column 'value': 'NaN' is not a number"),
    "negative": (_cell("-5").encode(), r"row 3 column 'value': '-5' is negative"),
    "g/kWh values labelled kg/kWh": (GOOD.replace("g/kWh", "kg/kWh").encode(),
                                     r"row 2 column 'value': '300.5' is 300500 g kWh-1, above 5000 .*check the unit"),
    "unit empty": (_cell("", column=3).encode(), r"row 3 column 'unit': unknown grid intensity unit ''"),
    "unit unknown": (_cell("mg/J", column=3).encode(), r"row 3 column 'unit': unknown grid intensity unit 'mg/J'"),
    "zone empty": (_cell("", column=1).encode(), r"row 3 column 'zone': no zone"),
    "time abc": (_cell("abc", column=0).encode(), r"row 3 column 'time': 'abc' is not a time"),
    "time empty": (_cell("", column=0).encode(), r"row 3 column 'time': no time"),
    "year 1066": (_cell("1066-10-14T09:00:00Z", column=0).encode(), r"row 3 column 'time': .* outside 1970-2099"),
    "year 2262+": (_cell("2400-01-01T00:00:00Z", column=0).encode(), r"row 3 column 'time'"),
    "extra cell": (_cell("300,5").encode(), r"row 3 has 5 cells, the header 4"),
    "unterminated quote": ((GOOD + '2024-03-31T05:00:00Z,"DE').encode(), "unterminated quote"),
    "all values empty": (GOOD.replace("0.5", "").replace("1.5", "").replace("2.5", "").replace("3.5", "")
                         .replace(",30,", ",,").encode(), "no intensity values"),
    "gzip truncated": (gzip.compress(GOOD.encode())[:-12], "truncated or corrupt gzip data"),
    "bzip2 truncated": (bz2.compress(GOOD.encode())[:-12], "truncated or corrupt bzip2 data"),
    "conflicting duplicate (second of two)": ((GOOD + GOOD.split("\n")[1] + "\n" + _cell("999").split("\n")[2] + "\n")
                                              .encode(), r"zone 'DE', basis 'location_average' at 2024-03-31 01:00 "
                                                         r"UTC has different values in .*row 3; .*row 7"),
    "duplicate, a value and an empty cell": ((GOOD + _cell("").split("\n")[2] + "\n").encode(),
                                             "01:00 UTC has different values"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_files_give_carbonlabs_one_line_error(tmp_path, case):
    data, message = BROKEN[case]
    path = tmp_path / ("signal.csv.gz" if "gzip" in case else "signal.csv")
    path.write_bytes(data)
    with pytest.raises(ValueError, match=message) as info:
        read_intensity_csv(path)
    _own_error(info.value, path.name)


def test_identical_duplicates_across_files_are_dropped_once(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text(GOOD)
    b = tmp_path / "b.csv"
    b.write_text(GOOD.split("\n", 1)[0] + "\n" + GOOD.split("\n")[2] + "\n")
    ds = read_intensity_csv([a, b])
    assert ds.attrs["duplicates_dropped"] == 1
    assert ds.grid_intensity.values.ravel().tolist() == [300.5, 301.5, 302.5, 303.5]
    b.write_text(GOOD.split("\n", 1)[0] + "\n" + _cell("301.6").split("\n")[2] + "\n")
    with pytest.raises(ValueError, match=r"a.csv row 3; .*b.csv row 2"):
        read_intensity_csv([a, b])


def test_empty_cells_are_missing_and_the_waat_header_keeps_its_pandas_name(tmp_path):
    # an empty value is a gap (filled and flagged); an empty header cell is named "Unnamed: 0" as pandas does
    p = tmp_path / "waat.csv"
    p.write_text(",avg_CI\n2022-01-01 00:00:00+00:00,50\n2022-01-01 01:00:00+00:00,\n2022-01-01 02:00:00+00:00,70\n")
    ds = read_intensity_csv(p, time_column="Unnamed: 0", value_column="avg_CI", zone="WAAT", unit="g/kWh")
    assert ds.grid_intensity.values.ravel().tolist() == [50.0, 60.0, 70.0]
    assert ds.grid_intensity_filled.values.ravel().tolist() == [False, True, False]
    with pytest.raises(ValueError, match="no files given"):
        read_intensity_csv([])


def test_a_grid_too_large_for_memory_is_refused(tmp_path):
    # 3,000 zones of one hour each, and one point 76 years later: 2e9 hourly values are never allocated
    rows = "".join(f"2023-01-{1 + i % 28:02d}T00:00:00Z,Z{i},100,g/kWh\n" for i in range(3000))
    p = tmp_path / "many.csv"
    p.write_text("time,zone,value,unit\n" + rows + "2099-01-01T00:00:00Z,Z0,1,g/kWh\n")
    with pytest.raises(ValueError, match=r"many.csv: 3000 zones over 666217 hours .* more than 40,000,000"):
        read_intensity_csv(p)


def test_names_defined_in_core_stay_importable_here():
    from carbonlab.core import schema, units
    from carbonlab.io import intensity_csv

    assert intensity_csv.ZONE is schema.ZONE and intensity_csv.MAX_INTENSITY == units.MAX_INTENSITY
    assert intensity_csv.intensity_unit_factor is units.intensity_unit_factor
    assert intensity_csv.INTENSITY_UNITS is units.INTENSITY_UNITS
