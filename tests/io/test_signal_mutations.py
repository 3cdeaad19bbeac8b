"""Hostile and broken grid-signal files: every mutation gives a sane signal or carbonlab's own error.

Seeds are small valid files of every grid-signal format carbonlab reads, shaped like the reference files
of ``../shared/reference-data/hourly-intensity`` (SOURCES.md sections 1-5: the Electricity Maps portal
export in its v1 header with CRLF line ends and its v2 header, an EIA-930-derived single series, a plain
``time,zone,value,unit`` file, WattTime API v3 and v2 JSON, the WattTime SDK CSV and the raw SGIP
5-minute CSV).  Hypothesis mutates them: truncation at a random byte, byte flips, renamed columns or
keys, a value swapped for ``inf``/``-5``/``abc``/``true``/empty/..., a row repeated with a different
value, other encodings, and gzip (whole or truncated).  For every mutant:

* either the reader returns a signal whose values are all finite, >= 0 and at most
  ``MAX_INTENSITY`` where present (NaN = no value), and that a footprint's grid stage accepts;
* or it raises carbonlab's own ``ValueError`` (``SignalFileError``), raised in carbonlab's code, in one
  line naming the file -- never an exception type of pandas, json, gzip, csv or codecs.

A mutation that must be refused (a conflicting repeat, a bad token in an intensity or time cell) is
checked to be refused.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import traceback

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carbonlab
from carbonlab import signals as intensity
from carbonlab.io.intensity_csv import MAX_INTENSITY

# ------------------------------------------------------------------------------------------------ seeds
EM_V1 = ("Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
         "Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,Data Estimated,"
         "Data Estimation Method")
EM_V2 = ("Datetime (UTC),Country,Zone name,Zone id,Carbon intensity gCO₂eq/kWh (direct),"
         "Carbon intensity gCO₂eq/kWh (Life cycle),Carbon-free energy percentage (CFE%),"
         "Renewable energy percentage (RE%),Data source,Data estimated,Data estimation method")


def _em(header, zone, country, rows, end):
    lines = [header] + [f"2023-01-01 {h:02d}:00:00,{country},{country},{zone},{d},{lc},45.84,7.43,{src},{est},{how}"
                        for h, (d, lc, src, est, how) in enumerate(rows)]
    return (end.join(lines) + end).encode()


EM_ROWS = [(299.81, 365.01, "entsoe.eu", "false", ""), (301.2, 366.4, "entsoe.eu", "false", ""),
           (305.0, 370.9, "Electricity Maps Estimation", "true", "ESTIMATED_MODE_BREAKDOWN"),
           (298.5, 362.0, "entsoe.eu", "false", ""), (290.1, 355.3, "entsoe.eu", "false", "")]
T = pd.date_range("2022-01-01", periods=6, freq="h", tz="UTC")

SEEDS = {
    # name: (file name, bytes, reader, intensity columns (CSV) or None (JSON), time column)
    "em_v1": ("DE_2023_hourly.csv", _em(EM_V1, "DE", "Germany", EM_ROWS, "\r\n"), carbonlab.read_electricitymaps,
              (4, 5), 0),
    "em_v2": ("SE_2023_hourly.csv", _em(EM_V2, "SE", "Sweden", EM_ROWS[:3], "\n"), carbonlab.read_electricitymaps,
              (4, 5), 0),
    "eia930": ("PJM_2022_hourly.csv",
               ("timestamp,WND,SUN,NG,COL,NUC,avg_CI\n" + "".join(
                   f"{t:%Y-%m-%d %H:%M:%S+00:00},3494.0,17.0,33595.0,17255.0,33745.0,{341.43 + i}\n"
                   for i, t in enumerate(T))).encode(),
               lambda p: carbonlab.read_intensity_csv(p, time_column="timestamp", value_column="avg_CI", zone="PJM",
                                                      unit="g/kWh"), (6,), 0),
    "plain": ("plain.csv",
              ("time,zone,value,unit,basis\n" + "".join(
                  f"{t:%Y-%m-%dT%H:%M:%SZ},{z},{v + i},{u},location_average\n" for i, t in enumerate(T[:4])
                  for z, v, u in (("DE", 312.5, "g/kWh"), ("FR", 0.05, "kg/kWh")))).encode(),
              carbonlab.read_intensity_csv, (2,), 0),
    "sdk": ("CAISO_NORTH_co2_moer_2024-01-01T00:00+00:00_2024-01-01T06:00+00:00.csv",
            ("point_time,value,imputed_data_used\n" + "".join(
                f"{t:%Y-%m-%dT%H:%M:%S+00:00},{870 + 10 * i},{'True' if i == 3 else 'False'}\n"
                for i, t in enumerate(T))).encode(), carbonlab.read_watttime, (1,), 0),
    "sgip": ("raw_SGIP_CAISO_PGE_2021-01.csv",
             ("time,moer,f1,f2\n" + "".join(f"2021-01-01 00:{m:02d}:00+00:00,0.{238 + m},0.25,0.26\n"
                                             for m in range(0, 60, 5))).encode(), carbonlab.read_watttime, (1,), 0),
    "v3": ("moer.json", json.dumps({
        "data": [{"point_time": f"2022-07-15T00:{m:02d}:00+00:00", "value": 870 + m} for m in range(0, 60, 5)],
        "meta": {"data_point_period_seconds": 300, "region": "CAISO_NORTH", "warnings": [], "signal_type": "co2_moer",
                 "model": {"type": "binned_regression", "date": "2023-03-01"}, "units": "lbs_co2_per_mwh"}}).encode(),
        carbonlab.read_watttime, None, None),
    "v2": ("v2.json", json.dumps([
        {"point_time": f"2022-11-17T04:{m:02d}:00.000Z", "value": 937.0 - m, "frequency": 300, "market": "RTM",
         "ba": "CAISO_NORTH", "datatype": "MOER", "version": "3.2"} for m in range(0, 60, 15)]).encode(),
        carbonlab.read_watttime, None, None),
}

BAD_CELLS = ["inf", "-inf", "Infinity", "1e309", "nan", "NaN", "-5", "abc", "true", "1,5", "0x10", "\x00", "9" * 400]
BAD_TIMES = ["abc", "", "7023-01-01 00:00:00", "2023-13-01 00:00:00", "1066-10-14T09:00:00Z", "2023-01-01T25:00Z"]
BAD_JSON = ["Infinity", "-Infinity", "NaN", "1e309", "-5", '"abc"', '"870"', "true", "false", "{}", "[]",
            "1" + "0" * 400]


# ------------------------------------------------------------------------------------------------ mutations
def _csv_rows(data: bytes):
    text = data.decode("utf-8")
    end = "\r\n" if "\r\n" in text else "\n"
    return list(csv.reader(io.StringIO(text, newline=""))), end


def _csv_bytes(rows, end) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=end).writerows(rows)
    return buf.getvalue().encode()


@st.composite
def mutants(draw, seed):
    """(file name, bytes, must_fail) of a mutant of a seed."""
    name, data, _, value_cols, time_col = SEEDS[seed]
    kinds = ["truncate", "flip", "rename", "value", "time", "duplicate", "encode", "gzip"]
    kind = draw(st.sampled_from(kinds))
    if kind == "truncate":
        return name, data[:draw(st.integers(0, len(data)))], False
    if kind == "flip":
        b = bytearray(data)
        for _ in range(draw(st.integers(1, 6))):
            b[draw(st.integers(0, len(b) - 1))] = draw(st.integers(0, 255))
        return name, bytes(b), False
    if kind == "gzip":
        z = gzip.compress(data)
        cut = draw(st.sampled_from([len(z), draw(st.integers(0, len(z)))]))
        return name + ".gz", z[:cut], cut < len(z)
    if kind == "encode":
        text = data.decode("utf-8").replace("CAISO_NORTH", "CAISO_NÖRTH").replace("Germany", "Deutschland–Ö")
        if value_cols is not None and "Ö" not in text:
            text = text.replace(",DE,", ",DÖ,")
        encoding = draw(st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-8-sig"]))
        return name, text.encode(encoding, errors="replace"), False
    if value_cols is None:
        return _json_mutant(draw, name, data, kind)
    rows, end = _csv_rows(data)
    i = draw(st.integers(1, len(rows) - 1))
    if kind == "rename":
        col = draw(st.integers(0, len(rows[0]) - 1))
        old = rows[0][col]
        rows[0][col] = draw(st.sampled_from(["x", old.upper(), old + " ", "", old.replace("Id", "ID"), old[:-1]]))
        return name, _csv_bytes(rows, end), False
    if kind == "value":
        col = draw(st.integers(0, len(rows[0]) - 1))
        token = draw(st.sampled_from(BAD_CELLS + [""]))
        rows[i][col] = token
        return name, _csv_bytes(rows, end), col in value_cols and token != ""
    if kind == "time":
        rows[i][time_col] = draw(st.sampled_from(BAD_TIMES))
        return name, _csv_bytes(rows, end), True
    row = list(rows[i])                                            # duplicate with a different value
    col = draw(st.sampled_from(value_cols))
    row[col] = str(float(row[col]) + draw(st.sampled_from([0.5, 1.0, 100.0])) / (1000 if seed == "sgip" else 1))
    rows.insert(draw(st.integers(1, len(rows))), row)
    return name, _csv_bytes(rows, end), True


def _json_mutant(draw, name, data, kind):
    doc = json.loads(data)
    points = doc["data"] if isinstance(doc, dict) else doc
    i = draw(st.integers(0, len(points) - 1))
    if kind == "rename":
        where = draw(st.sampled_from(["point", "top", "meta"] if isinstance(doc, dict) else ["point"]))
        if where == "point":
            key = draw(st.sampled_from(sorted(points[i])))
            points[i][draw(st.sampled_from(["x", key.upper(), key + "_"]))] = points[i].pop(key)
        elif where == "top":
            doc[draw(st.sampled_from(["dat", "Data"]))] = doc.pop("data") if draw(st.booleans()) else doc["data"]
            doc.pop("meta") if draw(st.booleans()) else None
        else:
            key = draw(st.sampled_from(sorted(doc["meta"])))
            doc["meta"][key + "_"] = doc["meta"].pop(key)
        return name, json.dumps(doc).encode(), False
    if kind in ("value", "time"):
        key = "value" if kind == "value" else "point_time"
        points[i][key] = "__TOKEN__"
        token = draw(st.sampled_from(BAD_JSON + ["null"] if kind == "value" else
                                     ["12345", "null", '"abc"', '""', '"7023-01-01T00:00:00Z"', "true"]))
        return name, json.dumps(doc).replace('"__TOKEN__"', token).encode(), token != "null"
    twin = dict(points[i], value=points[i]["value"] + draw(st.sampled_from([0.5, 1.0, 100.0])))
    points.insert(draw(st.integers(0, len(points))), twin)
    return name, json.dumps(doc).encode(), True


# ------------------------------------------------------------------------------------------------ the property
def _assert_carbonlabs_own(exc: BaseException, name: str) -> None:
    frames = traceback.extract_tb(exc.__traceback__)
    raised_in = frames[-1].filename if frames else ""
    assert isinstance(exc, ValueError) and not isinstance(exc, UnicodeError), f"{type(exc)}: {exc}"
    assert type(exc).__module__.startswith("carbonlab"), f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
    assert not type(exc).__module__.startswith(("pyarrow", "pandas", "json", "gzip", "csv", "codecs"))
    assert "/carbonlab/" in raised_in, raised_in
    assert name in str(exc) and "\n" not in str(exc), str(exc)


def _assert_sane(ds) -> None:
    v = ds["grid_intensity"].values
    present = v[~np.isnan(v)]
    assert present.size and np.isfinite(present).all()
    assert (present >= 0).all() and (present <= MAX_INTENSITY).all()
    # NaN only outside a zone's own coverage: never where the reader says it filled a value
    assert not np.isnan(v[ds["grid_intensity_filled"].values]).any()
    hours = pd.DatetimeIndex(ds["time"].values[:3])
    da, _ = intensity.grid_intensity(hours.values, ["us-east-1", "us-west-1"], ["aws", "aws"], resolution="hourly",
                                     bases=("location_average", "location_marginal"), signal=ds)
    assert np.isfinite(da.values).all() and (da.values >= 0).all()


def _check(tmp_path, seed, name, data, must_fail):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        ds = SEEDS[seed][2](path)
    except Exception as exc:  # noqa: BLE001 -- the point of the test
        _assert_carbonlabs_own(exc, name)
        return False
    assert not must_fail, f"{name}: a mutant that must be refused was read"
    _assert_sane(ds)
    return True


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seeds_read(tmp_path, seed):
    name, data, *_ = SEEDS[seed]
    assert _check(tmp_path, seed, name, data, False)


@pytest.mark.parametrize("seed", sorted(SEEDS))
@SETTINGS
@given(data=st.data())
def test_mutants_give_a_sane_signal_or_carbonlabs_error(tmp_path, seed, data):
    name, raw, must_fail = data.draw(mutants(seed))
    _check(tmp_path, seed, name, raw, must_fail)
