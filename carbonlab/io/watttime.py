"""WattTime historical signals (MOER and AOER), and the SGIP signal WattTime operates.

Formats read (detected from the content):

* **API v3 JSON** (``/v3/historical``)::

    {"data": [{"point_time": "2022-07-15T00:00:00+00:00", "value": 870}, ...],
     "meta": {"region": "CAISO_NORTH", "signal_type": "co2_moer", "units": "lbs_co2_per_mwh",
              "data_point_period_seconds": 300, "model": {"type": ..., "date": ...}}}

* **API v2 JSON** (legacy ``/v2/data``): a list of
  ``{"point_time", "value", "frequency", "market", "ba", "datatype", "version"}``
  (``datatype`` MOER or AOER, lbs/MWh).
* **SDK CSV** (``watttime`` package, ``get_historical_csv``): columns
  ``point_time,value[,imputed_data_used]`` in lbs/MWh; region and signal type
  come from the file name ``{region}_{signal_type}_{start}_{end}.csv`` unless given.
* **SGIP CSV** (California Self-Generation Incentive Program GHG signal, run by
  WattTime): raw ``time,moer,f1..f36`` (5-minute, kg CO2/kWh; the forecast
  columns are ignored) or hourly ``datetime_utc,moer_kgCO2_per_kWh,...``.

A file is JSON when its name ends in ``.json`` or ``.json.gz`` or its text
starts with ``{`` or ``[``, else CSV; compression is told by the content
(``.json.gz`` and ``.csv.gz`` are read like the others).

Units are converted exactly: 1 lb MWh-1 = 0.45359237 g kWh-1, 1 kg kWh-1 =
1000 g kWh-1.  Five-minute points are averaged into UTC hours; gaps follow the
rule of :mod:`carbonlab.io._hourly` and are flagged.  WattTime's signals
count CO2 only (not CO2e).

Broken input
------------
The byte, CSV and intensity rules of :mod:`carbonlab.io._signal_files` and the
time rules of :mod:`carbonlab.io._hourly` apply (every problem is a ``SignalFileError`` in one line naming the file).
For JSON:

* Text that is not JSON is an error naming its line and column; so is a
  document nested too deeply.
* A v3 document is an object whose ``data`` is a non-empty list of objects and
  whose ``meta`` is an object with a known ``units``; a v2 document is a
  non-empty list of objects.  Anything else (a list of numbers, an object
  without ``data``) is an error.
* The region comes from ``meta.region`` (v3) or ``ba`` (v2), the signal from
  ``meta.signal_type`` or ``datatype``, unless ``region=`` / ``signal_type=``
  are given; a file that names neither is an error (no guessed region or
  signal).  A v2 file holds one ``ba`` and one ``datatype``.
* Every point has a ``point_time`` (a string) and a ``value``: a JSON number,
  or ``null`` for a missing point (the gap rule applies).  A point without
  ``value``, a string, a boolean, an object, ``NaN``, ``Infinity``, ``1e309``,
  a negative number or, converted, more than ``MAX_INTENSITY`` is an error
  naming the point (``point 3``, counted from 1).  ``imputed_data_used`` is a
  boolean or ``null``; in an SDK CSV ``true``/``false``/``1``/``0`` or empty.
* The same region, time and signal given twice (in one file or across files)
  must carry the same value: an exact repeat is dropped and counted
  (``duplicates_dropped``), a different one is an error naming both points --
  never averaged.  Points at different times of one hour are averaged.

References
----------
.. [wt_v3] WattTime API v3 documentation and v2->v3 migration guide, https://docs.watttime.org
   (formats as recorded in ``shared/reference-data/hourly-intensity/SOURCES.md`` section 5, accessed 2026-11-22).
.. [sgip] California SGIP GHG signal, https://sgipsignal.com (historical version 1.0).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.io._hourly import hourly_table, intensity_dataset, parse_times, wide_by_basis
from carbonlab.io._signal_files import (SignalFileError, Table, check_intensity, files_label, intensity_cells,
                                        read_text, sources, table_from_text, unit_factor)

__all__ = ["read_watttime", "SIGNAL_BASES"]

#: WattTime signal types -> carbonlab basis.
SIGNAL_BASES = {"co2_moer": "location_marginal", "moer": "location_marginal",
                "co2_aoer": "location_average", "aoer": "location_average"}

_SDK_NAME = re.compile(r"^(?P<region>.+?)_(?P<signal>co2_moer|co2_aoer|health_damage)_")
_FLAGS = {"true": 1.0, "false": 0.0, "1": 1.0, "0": 0.0, "": np.nan}


def _frame(times, values, *, region, signal, name, place, imputed=None, unit="point") -> pd.DataFrame:
    """Records of one file; ``values`` already checked and in g kWh-1."""
    df = pd.DataFrame({"time": parse_times(times, where=name, place=place)})
    df["zone"] = region
    df["value"] = np.asarray(values, dtype=float)
    df["signal"] = signal
    df["imputed"] = np.nan if imputed is None else np.asarray(imputed, dtype=float)
    df["source_file"], df["source_place"] = name, unit
    return df


# ------------------------------------------------------------------------------------ JSON
def _point_place(k: int, key: str = "value") -> str:
    return f"point {k + 1} {key!r}"


def _json_number(v, name: str, k: int) -> float:
    """A point's value: a JSON number or null (NaN)."""
    if v is None:
        return np.nan
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise SignalFileError(f"{name}: {_point_place(k)}: {json.dumps(v)[:40]} is not a number")
    try:
        x = float(v)
    except OverflowError:
        x = math.inf
    if math.isnan(x):
        raise SignalFileError(f"{name}: {_point_place(k)}: NaN is not a number; use null for a missing point")
    return x


def _json_flag(v, name: str, k: int) -> float:
    if v is None:
        return np.nan
    if not isinstance(v, bool):
        raise SignalFileError(f"{name}: {_point_place(k, 'imputed_data_used')}: {json.dumps(v)[:40]} is not "
                              "true/false")
    return float(v)


def _points(points: list, name: str, *, key_hint: str) -> tuple[list, np.ndarray]:
    """(times, values in the file's unit) of a list of point objects, each checked."""
    times, values = [], np.empty(len(points))
    for k, p in enumerate(points):
        if not isinstance(p, dict):
            raise SignalFileError(f"{name}: point {k + 1} is {json.dumps(p)[:40]}, not an object ({key_hint})")
        t = p.get("point_time")
        if not isinstance(t, str):
            raise SignalFileError(f"{name}: {_point_place(k, 'point_time')}: "
                                  f"{'missing' if 'point_time' not in p else json.dumps(t)[:40] + ' is not a time'}")
        if "value" not in p:
            raise SignalFileError(f"{name}: {_point_place(k)}: missing (use null for a missing point)")
        times.append(t)
        values[k] = _json_number(p["value"], name, k)
    return times, values


def _label(given, found, what: str, arg: str, name: str) -> str:
    label = given if given is not None else found
    if not isinstance(label, str) or not label.strip():
        raise SignalFileError(f"{name}: no {what} in the file; give {arg}=")
    return label.strip()


def _read_v3(doc: dict, name: str, region, signal_type) -> pd.DataFrame:
    meta = doc.get("meta", {})
    if not isinstance(meta, dict):
        raise SignalFileError(f"{name}: 'meta' is not an object")
    unit = meta.get("units")
    if not isinstance(unit, str):
        raise SignalFileError(f"{name}: WattTime v3 JSON without meta.units")
    factor = unit_factor(unit, where=f"{name}: meta.units")
    points = doc["data"]
    if not isinstance(points, list) or not points:
        raise SignalFileError(f"{name}: 'data' is {'empty' if points == [] else 'not a list of points'}")
    if any(isinstance(p, dict) and "forecast" in p for p in points):
        raise SignalFileError(f"{name}: a forecast file; carbonlab reads historical signals")
    times, values = _points(points, name, key_hint="WattTime v3 data")
    imputed = [_json_flag(p.get("imputed_data_used"), name, k) for k, p in enumerate(points)]
    return _frame(times, check_intensity(values * factor, where=name, place=_point_place, shown=values),
                  region=_label(region, meta.get("region"), "meta.region", "region", name),
                  signal=_label(signal_type, meta.get("signal_type"), "meta.signal_type", "signal_type", name),
                  name=name, place=lambda k: _point_place(k, "point_time"), imputed=imputed)


def _read_v2(doc: list, name: str, region, signal_type) -> pd.DataFrame:
    if not doc:
        raise SignalFileError(f"{name}: empty WattTime v2 list")
    times, values = _points(doc, name, key_hint="WattTime v2 list")
    kind, ba = _v2_labels(doc, name)
    signal = signal_type if signal_type is not None else ("co2_" + kind.lower() if kind else None)
    imputed = [1.0 if "modeled" in str(p.get("version", "")) else 0.0 for p in doc]
    factor = unit_factor("lbs/MWh", where=name)
    return _frame(times, check_intensity(values * factor, where=name, place=_point_place, shown=values),
                  region=_label(region, ba, "ba", "region", name),
                  signal=_label(signal, None, "datatype", "signal_type", name),
                  name=name, place=lambda k: _point_place(k, "point_time"), imputed=imputed)


def _v2_labels(doc: list, name: str) -> tuple[str | None, str | None]:
    """The one ``datatype`` (upper case) and ``ba`` of a v2 list; strings or absent in every point."""
    for k, p in enumerate(doc):
        for key in ("ba", "datatype"):
            if not isinstance(p.get(key), (str, type(None))):
                raise SignalFileError(f"{name}: {_point_place(k, key)}: {json.dumps(p[key])[:40]} is not a string")
    kinds = {p["datatype"].upper() if "datatype" in p else None for p in doc}
    bas = {p.get("ba") for p in doc}
    if len(kinds) > 1 or len(bas) > 1:
        raise SignalFileError(f"{name}: mixed datatypes {sorted(map(str, kinds))} or regions "
                              f"{sorted(map(str, bas))} in one v2 file")
    return kinds.pop(), bas.pop()


def _read_json(text: str, name: str, region, signal_type) -> pd.DataFrame:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise SignalFileError(f"{name}: not JSON (line {err.lineno} column {err.colno}: {err.msg})") from None
    except RecursionError:
        raise SignalFileError(f"{name}: a JSON document nested too deeply") from None
    if isinstance(doc, dict) and "data" in doc:                       # v3
        return _read_v3(doc, name, region, signal_type)
    if isinstance(doc, list):                                         # v2
        return _read_v2(doc, name, region, signal_type)
    raise SignalFileError(f"{name}: not a WattTime v2 or v3 JSON document (an object with 'data' and 'meta', "
                          "or a list of points)")


# ------------------------------------------------------------------------------------ CSV
def _read_csv(text: str, name: str, region, signal_type, unit) -> pd.DataFrame:
    table = table_from_text(text, name)
    tcol, vcol, default, region, signal_type = _csv_layout(table, Path(name).name, region, signal_type)
    values = intensity_cells(table.column(vcol), where=name, place=table.place(vcol),
                             factor=unit_factor(unit or default, where=name))
    df = _frame(table.column(tcol), values, region=region, signal=signal_type, name=name,
                place=table.place(tcol), imputed=_imputed_flags(table), unit="row")
    df["source_row"] = table.lines
    return df


def _csv_layout(table: Table, base: str, region, signal_type):
    """Time column, value column, the format's own unit, region and signal type of a CSV (SDK, SGIP raw
    5-minute or SGIP hourly); region and signal from the file name where not given."""
    cols = {h.strip().lower() for h in table.header}
    if {"point_time", "value"} <= cols:                               # SDK CSV
        m = _SDK_NAME.match(base)
        region = region or (m.group("region") if m else None)
        signal_type = signal_type or (m.group("signal") if m else None)
        if region is None or signal_type is None:
            raise SignalFileError(f"{table.name}: give region= and signal_type= (the file name does not follow "
                                  "the SDK's {region}_{signal_type}_{start}_{end}.csv)")
        return table.find("point_time"), table.find("value"), "lbs/MWh", region, signal_type
    if {"time", "moer"} <= cols:                                      # SGIP raw 5-minute
        tcol, vcol = table.find("time"), table.find("moer")
    elif {"datetime_utc", "moer_kgco2_per_kwh"} <= cols:             # SGIP hourly (derived)
        tcol, vcol = table.find("datetime_utc"), table.find("moer_kgCO2_per_kWh")
    else:
        raise SignalFileError(f"{table.name}: not a WattTime/SGIP CSV (columns: {table.header})")
    return tcol, vcol, "kg/kWh", region or _sgip_region(base, table.name), signal_type or "co2_moer"


def _imputed_flags(table: Table) -> np.ndarray | None:
    """The ``imputed_data_used`` column as 1/0/NaN, None without one."""
    icol = table.find("imputed_data_used", required=False)
    if icol is None:
        return None
    flags = table.column(icol).str.lower()
    bad = ~flags.isin(list(_FLAGS)).to_numpy()
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise SignalFileError(f"{table.name}: {table.place(icol)(k)}: {flags.iloc[k]!r} is not true/false")
    return flags.map(_FLAGS).to_numpy(dtype=float)


def _sgip_region(base: str, name: str) -> str:
    m = re.search(r"(SGIP_[A-Z]+_[A-Z0-9]+)", base)
    if m is None:
        raise SignalFileError(f"{name}: give region= (no SGIP_<ISO>_<UTILITY> in the file name)")
    return m.group(1)


def _read_one(src, name: str, region, signal_type, unit) -> pd.DataFrame:
    text = read_text(src, name)
    base = Path(name).name.lower()
    if text.lstrip()[:1] in ("{", "[") or base.endswith((".json", ".json.gz")):
        df = _read_json(text, name, region, signal_type)
        df["source_row"] = np.arange(1, len(df) + 1)
    else:
        df = _read_csv(text, name, region, signal_type, unit)
    if not np.isfinite(df["value"].to_numpy()).any():
        raise SignalFileError(f"{name}: no intensity values (every value is missing)")
    return df


def read_watttime(paths, *, region: str | None = None, signal_type: str | None = None,
                  unit: str | None = None, max_gap: int | None = 3) -> xr.Dataset:
    """Read WattTime (or SGIP) historical signal files into hourly signals.

    Parameters
    ----------
    paths : str, path, open file or sequence of paths
        API v2/v3 JSON or SDK/SGIP CSV files, each optionally gzip-compressed
        (told by the content, whatever the name).
    region : str, optional
        Region label (default: from the file's metadata or name).
    signal_type : str, optional
        ``co2_moer`` (marginal) or ``co2_aoer`` (average); default from the file.
    unit : str, optional
        Unit of a CSV's values when it is not the format's own (lbs/MWh for the
        SDK, kg/kWh for SGIP).
    max_gap : int or None, default 3
        Gap rule (see :mod:`carbonlab.io._hourly`).

    Returns
    -------
    xarray.Dataset
        ``grid_intensity`` on (time, zone, basis) with the WattTime region as
        ``zone`` and basis ``location_marginal`` (MOER) or ``location_average``
        (AOER), ``grid_intensity_filled``. [g kWh-1]

        ===================  ====================  ==================================
        source field         carbonlab             units
        ===================  ====================  ==================================
        ``point_time``       ``time``              UTC hour start (points averaged)
        ``value``            ``grid_intensity``    lbs CO2/MWh x 0.45359237 -> g kWh-1
        ``moer`` (SGIP)      ``grid_intensity``    kg CO2/kWh x 1000 -> g kWh-1
        ``meta.region``      ``zone``              --
        ``meta.signal_type`` ``basis``             co2_moer -> location_marginal
        ===================  ====================  ==================================

    Raises
    ------
    carbonlab.io._signal_files.SignalFileError
        A broken file, document or value (module docstring), or one region, time and signal with two values.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> doc = {"data": [{"point_time": "2022-07-15T00:00:00+00:00", "value": 1000.0}],
    ...        "meta": {"region": "CAISO_NORTH", "signal_type": "co2_moer", "units": "lbs_co2_per_mwh"}}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "moer.json"
    ...     _ = p.write_text(json.dumps(doc))
    ...     float(read_watttime(p).grid_intensity.squeeze())
    453.59237
    """
    files = sources(paths)
    data = pd.concat([_read_one(src, name, region, signal_type, unit) for src, name in files], ignore_index=True)
    unknown = ~data["signal"].isin(list(SIGNAL_BASES)).to_numpy()
    if unknown.any():
        row = data.iloc[int(np.flatnonzero(unknown)[0])]
        raise SignalFileError(f"{row['source_file']}: signal type {row['signal']!r} is not a grid carbon intensity "
                              f"carbonlab reads ({sorted(SIGNAL_BASES)})")
    data["basis"] = data["signal"].map(SIGNAL_BASES)
    where = f"WattTime signal {files_label(files)}"
    wide, _, dropped = wide_by_basis(data, where=where)
    bases = [b for b in ("location_average", "location_marginal") if b in wide.columns]
    values, filled, info = hourly_table(wide, bases, where=where, max_gap=max_gap)
    return intensity_dataset(values, filled, {b: b for b in bases}, source="watttime",
                             attrs={"files": json.dumps([name for _, name in files]),
                                    "duplicates_dropped": dropped,
                                    "signal": "WattTime/SGIP operating emission rate (CO2 only)",
                                    "points_per_hour_max": info["points_per_hour_max"],
                                    "gap_rule": f"linear up to {max_gap} h, else month x hour-of-day mean",
                                    "filled_hours": json.dumps(info["filled_hours"]),
                                    "imputed_points": int(np.nansum(data["imputed"].to_numpy()))})
