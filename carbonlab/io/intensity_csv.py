"""Plain grid carbon-intensity CSV files, and the hourly rules every intensity reader shares.

A plain file has one row per (time, zone) with the columns ``time``, ``zone``,
``value`` and ``unit`` (names case-insensitive; an optional ``basis`` column
names the signal, default ``location_average``)::

    time,zone,value,unit
    2024-03-31T00:00:00Z,DE,312.5,g/kWh
    2024-03-31T01:00:00+00:00,DE,298.0,g/kWh

A single-series file (one zone, columns named by the caller) is read with
``time_column=``, ``value_column=``, ``zone=`` and ``unit=``.

Rules shared with :mod:`carbonlab.io.electricitymaps` and
:mod:`carbonlab.io.watttime`
---------------------------------------------------------------------------
* **Times are UTC.**  Timestamps with an offset (``+02:00``, ``Z``) are
  converted to UTC.  Naive timestamps are UTC, unless ``timezone=`` names the
  IANA zone of local wall-clock times; they are then localised with the
  daylight-saving rules of that zone (the repeated autumn hour is resolved from
  the order of the rows, a spring-forward hour that does not exist is an
  error).  Results carry tz-naive UTC hour starts, as a usage cube does.
* **Hourly.**  Sub-hourly points are averaged into the hour that contains them
  (label = hour start).  A duplicate (zone, time) with a different value is an
  error naming both rows; an exact duplicate is dropped and counted.
* **Gaps** (hours without a value between a zone's first and last value):
  runs of at most ``max_gap`` hours (default 3) are filled by linear
  interpolation in time; longer runs by the mean of the same UTC hour of day in
  the same calendar month of that zone.  Every filled hour is flagged in
  ``grid_intensity_filled``; hours outside a zone's own coverage stay missing
  (NaN) and are not flagged.  ``max_gap=None`` leaves all gaps missing.
* Leap years need nothing special: 2024 has 8784 hours.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab import schema, units
from carbonlab.schema import BASIS, TIME

__all__ = ["read_intensity_csv", "intensity_unit_factor", "INTENSITY_UNITS", "ZONE"]

#: Name of the grid-zone dimension of reader outputs.
ZONE = "zone"

#: Factors from intensity units to g kWh-1 (keys normalised: lower case, no spaces, no "co2"/"eq" words).
#: 1 kg MWh-1 = 1 g kWh-1 exactly; 1 lb MWh-1 = 0.45359237 g kWh-1 (international pound).
INTENSITY_UNITS: dict[str, float] = {
    "gkwh-1": 1.0, "g/kwh": 1.0, "kg/mwh": 1.0, "kgmwh-1": 1.0,
    "kg/kwh": 1000.0, "kgkwh-1": 1000.0, "t/mwh": 1000.0, "tmwh-1": 1000.0,
    "t/kwh": 1e6, "tkwh-1": 1e6, "g/wh": 1000.0,
    "lb/mwh": units.KG_PER_POUND, "lbs/mwh": units.KG_PER_POUND, "lbmwh-1": units.KG_PER_POUND,
    "lbs_per_mwh": units.KG_PER_POUND, "lb_per_mwh": units.KG_PER_POUND,
}


def intensity_unit_factor(unit: str) -> float:
    """Factor that converts an intensity in ``unit`` to g kWh-1.

    Parameters
    ----------
    unit : str
        E.g. ``"g/kWh"``, ``"gCO2eq/kWh"``, ``"kg/kWh"``, ``"lbs_co2_per_mwh"``.

    Returns
    -------
    float
        [g kWh-1 per unit]

    Examples
    --------
    >>> intensity_unit_factor("lbs_co2_per_mwh")
    0.45359237
    >>> intensity_unit_factor("gCO₂eq/kWh")
    1.0
    """
    key = str(unit).strip().lower().replace(" ", "").replace("₂", "2")
    for word in ("co2eq", "co2e", "co2"):
        key = key.replace("_" + word + "_", "_").replace(word, "")
    key = key.replace("__", "_")
    try:
        return INTENSITY_UNITS[key]
    except KeyError:
        raise ValueError(f"unknown grid intensity unit {unit!r}; known: g/kWh, kg/kWh, kg/MWh, t/MWh, "
                         "lbs/MWh (any CO2/CO2e spelling)") from None


# ------------------------------------------------------------------------------------ times
def parse_times(values, *, timezone: str | None = None, where: str = "") -> pd.DatetimeIndex:
    """Parse timestamps to a tz-aware UTC index (rules in the module docstring)."""
    raw = pd.Series(values, dtype="string").str.strip()
    try:
        parsed = pd.to_datetime(raw, format="ISO8601", utc=False)
    except (ValueError, TypeError):
        parsed = None
    if parsed is None or parsed.dtype == object:
        # mixed offsets (e.g. +01:00 and +02:00 across a DST change): parse each as UTC
        try:
            return pd.DatetimeIndex(pd.to_datetime(raw, format="ISO8601", utc=True))
        except (ValueError, TypeError) as err:
            raise ValueError(f"{where}: cannot parse times ({err})") from None
    idx = pd.DatetimeIndex(parsed)
    if idx.tz is not None:
        return idx.tz_convert("UTC")
    if timezone is None:
        return idx.tz_localize("UTC")
    try:
        return idx.tz_localize(timezone, ambiguous="infer", nonexistent="raise").tz_convert("UTC")
    except Exception as err:  # pytz/zoneinfo raise several types
        raise ValueError(f"{where}: local times in {timezone} cannot be placed in UTC ({err}); give times "
                         "with a UTC offset or in UTC") from None


# ------------------------------------------------------------------------------------ hourly grid
def _runs(mask: np.ndarray):
    """(start, stop) of the runs of True in a 1-d boolean array."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1))


def fill_gaps(series: pd.Series, *, max_gap: int | None = 3) -> tuple[pd.Series, pd.Series]:
    """Fill the gaps of an hourly series by the documented rule.

    Parameters
    ----------
    series : pandas.Series
        Hourly values on a complete hourly DatetimeIndex (NaN = no value).
    max_gap : int or None
        Longest run of missing hours filled by linear interpolation; longer runs
        take the mean of the same hour of day in the same month.  None: no filling.

    Returns
    -------
    filled : pandas.Series
    flag : pandas.Series of bool
        True where a value was filled.
    """
    values = series.to_numpy(dtype=float).copy()
    flag = np.zeros(len(values), dtype=bool)
    valid = np.flatnonzero(~np.isnan(values))
    if max_gap is None or len(valid) == 0:
        return pd.Series(values, index=series.index), pd.Series(flag, index=series.index)
    first, last = valid[0], valid[-1]
    inside = np.zeros(len(values), dtype=bool)
    inside[first:last + 1] = True
    missing = np.isnan(values) & inside
    idx = series.index
    profile = series.groupby([idx.month, idx.hour]).mean()
    for a, b in _runs(missing):
        if b - a <= max_gap:
            x0, x1 = a - 1, b
            w = (np.arange(a, b) - x0) / (x1 - x0)
            values[a:b] = values[x0] + w * (values[x1] - values[x0])
        else:
            keys = list(zip(idx[a:b].month, idx[a:b].hour))
            values[a:b] = [profile.get(k, np.nan) for k in keys]
        flag[a:b] = ~np.isnan(values[a:b])
    return pd.Series(values, index=idx), pd.Series(flag, index=idx)


def hourly_table(frame: pd.DataFrame, columns: list[str], *, where: str = "",
                 max_gap: int | None = 3) -> tuple[dict, dict, dict]:
    """Put long (time, zone, values...) records on a complete UTC hourly grid.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``time`` (tz-aware UTC), ``zone``, the value ``columns`` and
        optionally ``source_file``/``source_row`` for error messages.
    columns : list of str
        Value columns to regularise.

    Returns
    -------
    values : dict of column -> DataFrame (hour x zone)
    filled : dict of column -> DataFrame of bool
    info : dict
        ``duplicates_dropped``, ``points_per_hour_max``, ``filled_hours`` per column and zone.
    """
    df = frame.copy()
    key = ["zone", "time"]
    dup = df.duplicated(key, keep=False)
    info: dict = {"duplicates_dropped": 0}
    if dup.any():
        d = df[dup].sort_values(key)
        for _, grp in d.groupby(key, sort=False):
            if (grp[columns].nunique(dropna=False) > 1).any():
                rows = [f"{r.get('source_file', '?')} row {r.get('source_row', '?')}" for _, r in grp.iterrows()]
                raise ValueError(f"{where}: zone {grp['zone'].iloc[0]!r} has different values at "
                                 f"{grp['time'].iloc[0]} ({'; '.join(rows)})")
        before = len(df)
        df = df.drop_duplicates(key)
        info["duplicates_dropped"] = before - len(df)
    df["hour"] = df["time"].dt.floor("h")
    grouped = df.groupby(["hour", "zone"], sort=True)[columns]
    hourly = grouped.mean()
    info["points_per_hour_max"] = int(grouped.size().max()) if len(df) else 0
    start, stop = hourly.index.get_level_values(0).min(), hourly.index.get_level_values(0).max()
    full = pd.date_range(start, stop, freq="h", tz="UTC")
    zones = sorted(hourly.index.get_level_values(1).unique())
    values, filled = {}, {}
    info["filled_hours"] = {}
    for col in columns:
        wide = hourly[col].unstack("zone").reindex(index=full, columns=zones)
        out, flags = {}, {}
        for z in zones:
            out[z], flags[z] = fill_gaps(wide[z], max_gap=max_gap)
        values[col] = pd.DataFrame(out, index=full)
        filled[col] = pd.DataFrame(flags, index=full)
        info["filled_hours"][col] = {z: int(filled[col][z].sum()) for z in zones}
    return values, filled, info


def intensity_dataset(values: dict, filled: dict, bases: dict[str, str], *, source: str,
                      attrs: dict | None = None, extras: dict | None = None) -> xr.Dataset:
    """Assemble a reader's Dataset: ``grid_intensity`` and ``grid_intensity_filled`` on (time, zone, basis).

    ``bases`` maps value columns (already in g kWh-1) to basis names; ``extras``
    maps further columns to registry variable names (on time x zone).
    """
    cols = list(bases)
    first = values[cols[0]]
    time = schema.time_coordinate(first.index)
    zones = list(first.columns)
    coords = {TIME: time, ZONE: zones, BASIS: [bases[c] for c in cols]}
    data = np.stack([values[c].to_numpy(dtype=float) for c in cols], axis=-1)
    flags = np.stack([filled[c].to_numpy(dtype=bool) for c in cols], axis=-1)
    gi = schema.set_attrs(xr.DataArray(data, dims=(TIME, ZONE, BASIS), coords=coords), "grid_intensity",
                          source=source, resolution="hourly")
    gf = schema.set_attrs(xr.DataArray(flags, dims=(TIME, ZONE, BASIS), coords=coords), "grid_intensity_filled",
                          source=source)
    ds = xr.Dataset({"grid_intensity": gi, "grid_intensity_filled": gf})
    for col, name in (extras or {}).items():
        ds[name] = schema.set_attrs(xr.DataArray(values[col].to_numpy(), dims=(TIME, ZONE),
                                                 coords={TIME: time, ZONE: zones}), name, source=source)
    ds[ZONE].attrs = {"long_name": "grid zone"}
    ds[BASIS].attrs = {"long_name": "grid signal basis"}
    ds.attrs = {"source": source, "time_convention": "UTC hour start", **(attrs or {})}
    return ds


def _as_paths(paths) -> list[Path]:
    if isinstance(paths, (str, Path)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def numeric(series: pd.Series, *, file: str, column: str, row_offset: int = 2) -> np.ndarray:
    """Numbers of a CSV column; empty cells are NaN, any other non-number is an error naming file, row, column."""
    text = series.astype("string").str.strip()
    out = pd.to_numeric(text.replace("", pd.NA), errors="coerce")
    bad = out.isna() & text.notna() & (text != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{file}: row {i + row_offset} column {column!r}: {text.iloc[i]!r} is not a number")
    return out.to_numpy(dtype=float)


def _column(header: list[str], name: str, file: str) -> str:
    for h in header:
        if h.strip().lower() == name.lower():
            return h
    raise ValueError(f"{file}: no column {name!r} (columns: {header})")


def read_intensity_csv(paths, *, time_column: str = "time", value_column: str = "value",
                       zone: str | None = None, unit: str | None = None, basis: str | None = None,
                       timezone: str | None = None, max_gap: int | None = 3) -> xr.Dataset:
    """Read plain grid carbon-intensity CSV files.

    Parameters
    ----------
    paths : str, path or sequence of them
        CSV files (UTF-8, header row).
    time_column, value_column : str
        Column names (case-insensitive) of the time and of the intensity.
    zone : str, optional
        Zone of a single-series file; otherwise the ``zone`` column is read.
    unit : str, optional
        Unit of a single-series file (e.g. ``"g/kWh"``); otherwise the ``unit``
        column is read, row by row.
    basis : str, optional
        Basis of every row (default: the ``basis`` column, else
        ``location_average``).
    timezone : str, optional
        IANA zone of naive local times (default: naive times are UTC).
    max_gap : int or None, default 3
        Gap rule (module docstring).

    Returns
    -------
    xarray.Dataset
        ``grid_intensity`` and ``grid_intensity_filled`` on (time, zone, basis). [g kWh-1]

    Notes
    -----
    ===================  ====================  ===============
    source column        carbonlab             units
    ===================  ====================  ===============
    ``time``             ``time``              UTC hour start
    ``zone``             ``zone``              --
    ``value``            ``grid_intensity``    g kWh-1 (converted from ``unit``)
    ``unit``             (conversion)          --
    ``basis`` (optional) ``basis``             --
    ===================  ====================  ===============
    """
    frames = []
    for path in _as_paths(paths):
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        header = list(raw.columns)
        name = str(path)
        tcol = _column(header, time_column, name)
        vcol = _column(header, value_column, name)
        df = pd.DataFrame({"time": parse_times(raw[tcol], timezone=timezone, where=name)})
        df["zone"] = zone if zone is not None else raw[_column(header, "zone", name)].str.strip().to_numpy()
        if unit is not None:
            factors = np.full(len(raw), intensity_unit_factor(unit))
        else:
            ucol = _column(header, "unit", name)
            lut = {u: intensity_unit_factor(u) for u in raw[ucol].unique()}
            factors = raw[ucol].map(lut).to_numpy(dtype=float)
        df["value"] = numeric(raw[vcol], file=name, column=vcol) * factors
        if basis is not None:
            df["basis"] = basis
        elif any(h.strip().lower() == "basis" for h in header):
            df["basis"] = raw[_column(header, "basis", name)].str.strip().to_numpy()
        else:
            df["basis"] = "location_average"
        bad = ~df["basis"].isin(schema.BASES)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(f"{name}: row {i + 2} column 'basis': {df['basis'].iloc[i]!r} is not one of "
                             f"{schema.BASES}")
        df["source_file"], df["source_row"] = name, np.arange(2, len(df) + 2)
        frames.append(df)
    data = pd.concat(frames, ignore_index=True)
    # one value column per basis
    wide = data.pivot_table(index=["time", "zone"], columns="basis", values="value", aggfunc="first")
    counts = data.groupby(["time", "zone", "basis"]).size()
    if (counts > 1).any():
        dups = data.set_index(["time", "zone", "basis"]).loc[counts[counts > 1].index[:1]]
        clash = dups.groupby(level=[0, 1, 2])["value"].nunique()
        if (clash > 1).any():
            rows = "; ".join(f"{r.source_file} row {r.source_row}" for r in dups.itertuples())
            raise ValueError(f"different values for the same zone, time and basis ({rows})")
    bases = [b for b in schema.BASES if b in wide.columns]
    long = wide.reset_index()
    values, filled, info = hourly_table(long, bases, where="intensity CSV", max_gap=max_gap)
    return intensity_dataset(values, filled, {b: b for b in bases}, source="intensity_csv",
                             attrs={"files": json.dumps([str(p) for p in _as_paths(paths)]),
                                    "gap_rule": f"linear up to {max_gap} h, else month x hour-of-day mean",
                                    "filled_hours": json.dumps(info["filled_hours"]),
                                    "timezone_of_naive_times": timezone or "UTC"})
