"""Electricity Maps portal exports: both header formats, real files against SOURCES.md, gaps and errors.

Reference: ../shared/reference-data/hourly-intensity/SOURCES.md section 1 (formats, and the 2023 annual means
"direct / LCA, gCO2eq/kWh" computed there), accessed 2026-11-22.
"""

from __future__ import annotations

import gzip
import io

import numpy as np
import pandas as pd
import pytest

from carbonlab.io.electricitymaps import read_electricitymaps

V1 = ("Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
      "Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,Data Estimated,"
      "Data Estimation Method\n")
V2 = ("Datetime (UTC),Country,Zone name,Zone id,Carbon intensity gCO₂eq/kWh (direct),"
      "Carbon intensity gCO₂eq/kWh (Life cycle),Carbon-free energy percentage (CFE%),"
      "Renewable energy percentage (RE%),Data source,Data estimated,Data estimation method\n")

#: SOURCES.md section 1, "Annual means (direct / LCA, gCO2eq/kWh), 2023", stated to the unit.
SOURCES_MD_2023 = {
    "US-MIDA-PJM": (322, 392), "US-CAL-CISO": (194, 261), "US-TEX-ERCO": (317, 381), "US-NY-NYIS": (210, 278),
    "DE": (308, 367), "GB": (129, 188), "FR": (30, 49), "JP-TK": (450, 540), "SG": (369, 488), "IN-WE": (691, 749),
    "AU-NSW": (502, 554), "BR-CS": (56, 90), "KR": (378, 440), "ZA": (645, 702), "CA-ON": (47, 73),
    "CL-SEN": (221, 276), "AU-VIC": (458, 504),
}


def _within(ours: float, stated: float) -> bool:
    # 0.5 % of the stated value, or half a unit where the stated value is rounded to the unit (FR 30, 49):
    # a stated "30" covers 29.5-30.5, which 0.5 % (0.15) alone would not.
    return abs(ours - stated) <= max(0.005 * stated, 0.5)


@pytest.mark.reference_data
def test_annual_means_2023_match_sources_md(shared_dir):
    folder = shared_dir / "reference-data" / "hourly-intensity" / "electricitymaps"
    ds = read_electricitymaps(sorted(folder.glob("*_2023_hourly.csv")))
    assert ds.sizes["time"] == 8760 and set(ds.zone.values) == set(SOURCES_MD_2023)
    mean = ds.grid_intensity.mean("time")
    for zone, (direct, lca) in SOURCES_MD_2023.items():
        d = float(mean.sel(zone=zone, basis="location_average_direct"))
        lc = float(mean.sel(zone=zone, basis="location_average"))
        assert _within(d, direct) and _within(lc, lca), (zone, d, lc, direct, lca)
        assert abs(d - direct) / direct < 0.005 or zone == "FR"
    # the files have no gaps (SOURCES.md: "one per hour, no gaps")
    assert not bool(ds.grid_intensity_filled.any())
    # IN-WE and JP-TK are 100 % Electricity Maps estimates (SOURCES.md, reader caveats)
    est = ds.grid_estimated.mean("time")
    assert float(est.sel(zone="IN-WE")) == 1.0 and float(est.sel(zone="JP-TK")) == 1.0
    assert float(est.sel(zone="US-MIDA-PJM")) < 0.05


@pytest.mark.reference_data
def test_years_join_and_2024_is_a_leap_year(shared_dir):
    folder = shared_dir / "reference-data" / "hourly-intensity" / "electricitymaps"
    ds = read_electricitymaps([folder / f"US-MIDA-PJM_{y}_hourly.csv" for y in (2022, 2023, 2024)])
    t = pd.DatetimeIndex(ds.time.values)
    assert len(t) == 8760 + 8760 + 8784 and (np.diff(t.values) == np.timedelta64(1, "h")).all()
    assert pd.Timestamp("2024-02-29 12:00") in t
    assert ds.sel(time="2024").sizes["time"] == 8784


@pytest.mark.reference_data
def test_lf_and_crlf_files_read_alike(shared_dir):
    folder = shared_dir / "reference-data" / "hourly-intensity" / "electricitymaps"
    assert b"\r\n" not in (folder / "FR_2023_hourly.csv").read_bytes()[:500]       # cozybench copy, LF
    assert b"\r\n" in (folder / "DE_2023_hourly.csv").read_bytes()[:500]           # green-dcc copy, CRLF
    ds = read_electricitymaps([folder / "FR_2023_hourly.csv", folder / "DE_2023_hourly.csv"])
    assert int(ds.grid_intensity.notnull().sum()) == 2 * 2 * 8760


def test_v1_and_v2_headers_read_the_same():
    # rows from SOURCES.md: the v2 example row for SE, written in both formats
    row = "2021-01-01 00:00:00,Sweden,Sweden,SE,2.54,30.02,99.42,60.13,svk.se,true,ESTIMATED_FORECASTS_HIERARCHY\n"
    a = read_electricitymaps(io.StringIO(V1 + row))
    b = read_electricitymaps(io.StringIO(V2 + row))
    for ds in (a, b):
        one = ds.isel(time=0).sel(zone="SE")
        assert float(one.grid_intensity.sel(basis="location_average")) == 30.02
        assert float(one.grid_intensity.sel(basis="location_average_direct")) == 2.54
        assert float(one.grid_cfe_share) == pytest.approx(0.9942)
        assert float(one.grid_renewable_share) == pytest.approx(0.6013)
        assert float(one.grid_estimated) == 1.0
        assert ds.grid_intensity.attrs["units"] == "g kWh-1" and ds.grid_cfe_share.attrs["units"] == "1"
    assert a.time.values[0] == np.datetime64("2021-01-01T00:00")


def _rows(values, zone="DE", start="2023-01-01 00:00:00"):
    t = pd.date_range(start, periods=len(values), freq="h")
    lines = []
    for ti, v in zip(t, values):
        cell = "" if v is None else f"{v}"
        lines.append(f"{ti:%Y-%m-%d %H:%M:%S},Germany,Germany,{zone},{cell},{cell},50,40,entsoe.eu,false,\n")
    return "".join(lines)


def test_gaps_are_filled_and_flagged():
    # hours 2-3 empty (2 h: linear); the gap of 5 h uses the month x hour-of-day mean (here: one other day)
    values = [100.0, 110.0, None, None, 140.0] + [150.0] * 19 + [200.0] * 5 + [None] * 5 + [210.0] * 14
    ds = read_electricitymaps(io.StringIO(V1 + _rows(values)))
    v = ds.grid_intensity.sel(zone="DE", basis="location_average").values
    assert v[2:4].tolist() == pytest.approx([120.0, 130.0])
    # hours 29-33 = 05:00-09:00 of day 2; day 1 at 05:00-09:00 was 150
    assert v[29:34].tolist() == pytest.approx([150.0] * 5)
    flags = ds.grid_intensity_filled.sel(zone="DE", basis="location_average").values
    assert flags.sum() == 7 and flags[2:4].all() and flags[29:34].all()
    kept = read_electricitymaps(io.StringIO(V1 + _rows(values)), max_gap=None)
    assert int(kept.grid_intensity.isnull().sum()) == 2 * 7


def test_bad_input_names_file_row_and_column():
    with pytest.raises(ValueError, match=r"row 3 column 'Carbon Intensity gCO₂eq/kWh \(LCA\)'"):
        read_electricitymaps(io.StringIO(V1 + _rows([1.0]) + "2023-01-01 01:00:00,Germany,Germany,DE,1,x,1,1,s,false,\n"))
    with pytest.raises(ValueError, match="not an Electricity Maps export"):
        read_electricitymaps(io.StringIO("time,zone,value\n2023-01-01,DE,1\n"))


def test_conflicting_duplicate_hours_are_an_error(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(V1 + _rows([100.0, 101.0]), encoding="utf-8")
    b.write_text(V1 + _rows([100.0, 999.0]), encoding="utf-8")
    with pytest.raises(ValueError, match=r"a.csv row 3.*b.csv row 3|b.csv row 3.*a.csv row 3"):
        read_electricitymaps([a, b])
    same = read_electricitymaps([a, a])                 # exact duplicates are dropped and counted
    assert same.attrs["duplicates_dropped"] == 2


# ------------------------------------------------------------------------------------------------ broken input
def _own_error(exc: BaseException, name: str) -> None:
    """carbonlab's own one-line ValueError naming the file, not a parsing library's exception."""
    assert isinstance(exc, ValueError) and not isinstance(exc, UnicodeDecodeError), type(exc)
    assert not type(exc).__module__.startswith(("pyarrow", "pandas", "json", "gzip", "zlib", "csv", "xarray"))
    assert type(exc).__module__.startswith("carbonlab"), type(exc).__module__
    assert name in str(exc) and "\n" not in str(exc), str(exc)


_GOOD = (V1 + _rows([100.0, 110.0, 120.0, 130.0])).replace("\n", "\r\n")     # CRLF, as the green-dcc copies


def _with_value(value, column=5, row=1):
    lines = _GOOD.split("\r\n")
    cells = lines[row + 1].split(",")
    cells[column] = value
    lines[row + 1] = ",".join(cells)
    return "\r\n".join(lines)


BROKEN = {
    # id: (bytes of the file, what the message says)
    "empty": (b"", r"empty \(0 bytes\)"),
    "header only": (V1.encode(), "a header and no data rows"),
    "truncated mid-row": (_GOOD.encode()[:-25], r"row 5 has \d+ cells, the header 11"),
    "truncated in a number": (_GOOD.encode()[:_GOOD.rfind("130.0") + 2], r"row 5 has 5 cells"),
    "truncated in the header": ("Datetime (UTC),Zone Id,Carbon Intensity gCO₂".encode()[:-1], "line 1: byte 0xe2"),
    "latin-1 byte": (_GOOD.replace("Germany", "Germ\xe4ny", 1).encode("latin-1", errors="replace"),
                     "line 1: byte 0x3f|missing column|line 2: byte 0xe4"),
    "non-UTF-8 byte": (_GOOD.encode().replace(b"Germany", b"Germ\xe4ny", 1), r"line 2: byte 0xe4 is not UTF-8"),
    "UTF-16 without BOM": (_GOOD.encode("utf-16-le"), "is not UTF-8 text|NUL character"),
    "renamed column": (_GOOD.replace("Zone Id", "Zone").encode(), r"missing column\(s\) for \['zone'\]"),
    "two LCA columns": (_GOOD.replace("Low Carbon Percentage", "Carbon intensity gCO₂eq/kWh (Life cycle)").encode(),
                        "two columns for the same field"),
    "abc": (_with_value("abc").encode(),
            r"row 3 column 'Carbon Intensity gCO₂eq/kWh \(LCA\)': 'abc' is not a number"),
    "true": (_with_value("true").encode(), r"row 3 column .*'true' is not a number"),
    "inf": (_with_value("inf").encode(), r"row 3 column .*'inf' is not a finite number"),
    "Infinity": (_with_value("Infinity").encode(), r"row 3 column .*'Infinity' is not a finite number"),
    "1e309": (_with_value("1e309").encode(), r"row 3 column .*'1e309' is not a finite number"),
    "nan": (_with_value("nan").encode(), r"row 3 column .*'nan' is not a number; leave the cell empty"),
    "negative": (_with_value("-5").encode(), r"row 3 column .*'-5' is negative"),
    "absurd": (_with_value("250000").encode(), r"row 3 column .*above 5000 g kWh-1"),
    "direct inf": (_with_value("inf", column=4).encode(), r"row 3 column 'Carbon Intensity gCO₂eq/kWh \(direct\)'"),
    "percentage 250": (_with_value("250", column=6).encode(), r"row 3 column 'Low Carbon Percentage': 250 is not"),
    "estimated maybe": (_with_value("maybe", column=9).encode(), r"row 3 column 'Data Estimated': 'maybe'"),
    "zone empty": (_with_value("", column=3).encode(), r"row 3 column 'Zone Id': no zone"),
    "time abc": (_with_value("abc", column=0).encode(), r"row 3 column 'Datetime \(UTC\)': 'abc' is not a time"),
    "time empty": (_with_value("", column=0).encode(), r"row 3 column 'Datetime \(UTC\)': no time"),
    "year 7023": (_with_value("7023-01-01 01:00:00", column=0).encode(), r"row 3 column .*outside 1970-2099"),
    "extra cell": (_with_value("eu,x", column=8).encode(), r"row 3 has 12 cells, the header 11"),
    "unterminated quote": ((_GOOD + '2023-01-01 05:00:00,"Germany').encode(), "unterminated quote"),
    "all intensities empty": ((V1 + _rows([None, None])).encode(), "no intensity values"),
    "gzip truncated": (gzip.compress(_GOOD.encode())[:-12], "truncated or corrupt gzip data"),
    "gzip corrupt": (gzip.compress(_GOOD.encode())[:12] + b"\x00" * 30 + gzip.compress(_GOOD.encode())[42:],
                     "truncated or corrupt gzip data"),
    "zip archive": (b"PK\x03\x04" + b"\x00" * 40, "a zip archive"),
    "conflicting duplicate": ((_GOOD + _rows([100.0]) + _rows([999.0], start="2023-01-01 01:00:00")).encode(),
                              r"zone 'DE' at 2023-01-01 01:00 UTC has different values in .*row 3; .*row 7"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_files_give_carbonlabs_one_line_error(tmp_path, case):
    data, message = BROKEN[case]
    path = tmp_path / ("DE_2023_hourly.csv.gz" if "gzip" in case else "DE_2023_hourly.csv")
    path.write_bytes(data)
    with pytest.raises(ValueError, match=message) as info:
        read_electricitymaps(path)
    _own_error(info.value, path.name)


def test_the_readable_variants_read_alike(tmp_path):
    # a byte-order mark, UTF-16 with one, gzip under any name, a blank last line: the same signal
    ref = read_electricitymaps(io.StringIO(_GOOD))
    for name, data in (("bom.csv", b"\xef\xbb\xbf" + _GOOD.encode()), ("utf16.csv", _GOOD.encode("utf-16")),
                       ("gz.csv", gzip.compress(_GOOD.encode())), ("blank.csv", (_GOOD + "\r\n\r\n").encode())):
        (tmp_path / name).write_bytes(data)
        got = read_electricitymaps(tmp_path / name)
        np.testing.assert_array_equal(got.grid_intensity.values, ref.grid_intensity.values)


def test_identical_duplicates_are_accepted_once_conflicting_ones_anywhere_are_not(tmp_path):
    # the first duplicated hour agrees, the second does not: the check looks at every duplicate, not the first
    rows = _rows([100.0, 101.0, 102.0])
    ok = read_electricitymaps(io.StringIO(V1 + rows + _rows([100.0])))
    assert ok.attrs["duplicates_dropped"] == 1 and ok.sizes["time"] == 3
    with pytest.raises(ValueError, match="01:00 UTC has different values"):
        read_electricitymaps(io.StringIO(V1 + rows + _rows([100.0, 555.0])))
    # an empty cell and a number for the same hour are different values too
    with pytest.raises(ValueError, match="different values"):
        read_electricitymaps(io.StringIO(V1 + rows + _rows([None])))
