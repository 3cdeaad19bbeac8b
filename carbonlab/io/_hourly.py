"""Grid signals on a complete UTC hourly grid: the time, duplicate and gap rules every grid-signal reader shares.

Used by :mod:`carbonlab.io.intensity_csv`, :mod:`carbonlab.io.electricitymaps` and
:mod:`carbonlab.io.watttime` (the byte, CSV and cell rules are in :mod:`carbonlab.io._signal_files`).

Rules
-----
* **Times are UTC.**  Timestamps with an offset (``+02:00``, ``Z``) are
  converted to UTC.  Naive timestamps are UTC, unless ``timezone=`` names the
  IANA zone of local wall-clock times; they are then localised with the
  daylight-saving rules of that zone (the repeated autumn hour is resolved from
  the order of the rows, a spring-forward hour that does not exist is an
  error).  Results carry tz-naive UTC hour starts, as a usage cube does.
* **Hourly.**  Sub-hourly points are averaged into the hour that contains them
  (label = hour start).  The same (zone, time, basis) given twice must carry
  the same values, cell for cell (an empty cell differs from a number), in one
  file or across files: an exact duplicate is dropped and counted
  (``duplicates_dropped``), a conflicting one is an error naming both rows --
  never "keep the first" or "average".
* **Gaps** (hours without a value between a zone's first and last value):
  runs of at most ``max_gap`` hours (default 3) are filled by linear
  interpolation in time; longer runs by the mean of the same UTC hour of day in
  the same calendar month of that zone.  Every filled hour is flagged in
  ``grid_intensity_filled``; hours outside a zone's own coverage stay missing
  (NaN) and are not flagged.  ``max_gap=None`` leaves all gaps missing.
* Leap years need nothing special: 2024 has 8784 hours.

Broken input (a :class:`~carbonlab.io._signal_files.SignalFileError` in one line)
----------------------------------------------------------------------------------
* **Times.**  An empty or unparseable time is an error naming the row; so is a
  time outside :data:`TIME_RANGE` (1970-2099), which no grid signal covers: a
  mistyped or corrupt year.  A signal whose hourly grid (hours from its first
  to its last time x zones) would exceed :data:`MAX_CELLS` is an error
  rather than gigabytes of memory.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.core import schema
from carbonlab.core.schema import BASIS, TIME, ZONE
from carbonlab.io._signal_files import SignalFileError, first_line, row_place

#: Times a signal may carry, UTC, as [start, stop).
TIME_RANGE = (pd.Timestamp("1970-01-01", tz="UTC"), pd.Timestamp("2100-01-01", tz="UTC"))

#: Most hours x zones one reader call puts on its hourly grid (350 zones over 10 years is 30.7 million).
MAX_CELLS = 40_000_000


def parse_times(values, *, timezone: str | None = None, where: str = "", place=None) -> pd.DatetimeIndex:
    """Parse timestamps to a tz-aware UTC index (rules in the module docstring).

    ``place(k)`` names the k-th value in messages (default ``row k+1``).
    """
    place = row_place(place)
    raw = pd.Series(values, dtype="string").str.strip()
    empty = (raw.isna() | (raw == "")).to_numpy(dtype=bool)
    if empty.any():
        raise SignalFileError(f"{where}: {place(int(np.flatnonzero(empty)[0]))}: no time")
    try:
        parsed = pd.to_datetime(raw, format="ISO8601", utc=False)
    except (ValueError, TypeError, OverflowError):
        parsed = None
    if parsed is None or parsed.dtype == object:
        # mixed offsets (e.g. +01:00 and +02:00 across a DST change): parse each as UTC
        try:
            idx = pd.DatetimeIndex(pd.to_datetime(raw, format="ISO8601", utc=True))
        except (ValueError, TypeError, OverflowError) as err:
            raise _time_error(raw, where, place, err) from None
    else:
        idx = pd.DatetimeIndex(parsed)
        if idx.tz is not None:
            idx = idx.tz_convert("UTC")
        elif timezone is None:
            idx = idx.tz_localize("UTC")
        else:
            try:
                idx = idx.tz_localize(timezone, ambiguous="infer", nonexistent="raise").tz_convert("UTC")
            except Exception as err:  # pytz/zoneinfo raise several types
                raise SignalFileError(f"{where}: local times in {timezone} cannot be placed in UTC "
                                      f"({first_line(err)}); give times with a UTC offset or in UTC") from None
    out = (idx < TIME_RANGE[0]) | (idx >= TIME_RANGE[1])
    if out.any():
        k = int(np.flatnonzero(out)[0])
        raise SignalFileError(f"{where}: {place(k)}: {raw.iloc[k]!r} is outside {TIME_RANGE[0].year}-"
                              f"{TIME_RANGE[1].year - 1}, which no grid signal covers (a mistyped or corrupt time)")
    return idx


def _time_error(raw: pd.Series, where: str, place, err) -> SignalFileError:
    for k, text in enumerate(raw):
        try:
            pd.to_datetime(text, format="ISO8601", utc=True)
        except (ValueError, TypeError, OverflowError):
            return SignalFileError(f"{where}: {place(k)}: {text!r} is not a time (ISO 8601, e.g. "
                                   "2024-01-01T00:00:00Z)")
    return SignalFileError(f"{where}: the times cannot be parsed together ({first_line(err)})")


def drop_duplicates(frame: pd.DataFrame, key: list, columns: list, *, where: str) -> tuple[pd.DataFrame, int]:
    """Drop exact duplicates of ``key``; a conflicting duplicate is an error naming its rows.

    Returns
    -------
    frame : pandas.DataFrame
    dropped : int
    """
    dup = frame.duplicated(key, keep=False).to_numpy()
    if not dup.any():
        return frame, 0
    d = frame[dup]
    n = d.groupby(key, sort=False, dropna=False)[columns].nunique(dropna=False)
    clash = (n > 1).any(axis=1).to_numpy()
    if clash.any():
        k = dict(zip(key, n.index[int(np.flatnonzero(clash)[0])]))
        grp = d[np.logical_and.reduce([(d[c] == v).to_numpy() for c, v in k.items()])]
        rows = [f"{r.get('source_file', '?')} {r.get('source_place', 'row')} {r.get('source_row', '?')}"
                for _, r in grp.head(4).iterrows()]
        label = ", ".join(f"{c} {v!r}" for c, v in k.items() if c != "time")
        raise SignalFileError(f"{where}: {label} at {pd.Timestamp(k['time']):%Y-%m-%d %H:%M} UTC has different "
                              f"values in {'; '.join(rows)}{' ...' if len(grp) > 4 else ''} (keep one of them)")
    out = frame.drop_duplicates(key)
    return out, len(frame) - len(out)


def wide_by_basis(data: pd.DataFrame, *, where: str) -> tuple[pd.DataFrame, list[str], int]:
    """Long (time, zone, basis, value) records -> one column per basis; duplicates by the module's rule."""
    data, dropped = drop_duplicates(data, ["zone", "time", "basis"], ["value"], where=where)
    wide = data.set_index(["time", "zone", "basis"])["value"].unstack("basis")
    bases = [b for b in schema.BASES if b in wide.columns]
    return wide.dropna(how="all", subset=bases).reset_index(), bases, dropped


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
    month, hour = idx.month.to_numpy() - 1, idx.hour.to_numpy()
    profile = series.groupby([idx.month, idx.hour]).mean()
    table = np.full((12, 24), np.nan)
    table[profile.index.get_level_values(0) - 1, profile.index.get_level_values(1)] = profile.to_numpy()
    for a, b in _runs(missing):
        if b - a <= max_gap:
            x0, x1 = a - 1, b
            w = (np.arange(a, b) - x0) / (x1 - x0)
            values[a:b] = values[x0] + w * (values[x1] - values[x0])
        else:
            values[a:b] = table[month[a:b], hour[a:b]]
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

    Raises
    ------
    SignalFileError
        No records or no value columns, or one (zone, time) with different values.
    """
    if len(frame) == 0 or not len(columns):
        raise SignalFileError(f"{where}: no intensity values")
    df, dropped = drop_duplicates(frame, ["zone", "time"], list(columns), where=where)
    info: dict = {"duplicates_dropped": dropped}
    df = df.assign(hour=df["time"].dt.floor("h"))
    grouped = df.groupby(["hour", "zone"], sort=True)[columns]
    hourly = grouped.mean()
    info["points_per_hour_max"] = int(grouped.size().max())
    start, stop = hourly.index.get_level_values(0).min(), hourly.index.get_level_values(0).max()
    zones = sorted(hourly.index.get_level_values(1).unique())
    n_hours = int((stop - start) / pd.Timedelta("1h")) + 1
    if n_hours * len(zones) > MAX_CELLS:
        raise SignalFileError(f"{where}: {len(zones)} zones over {n_hours} hours ({start:%Y-%m-%d} to {stop:%Y-%m-%d}) "
                              f"is more than {MAX_CELLS:,} hourly values; read fewer zones or years at a time")
    full = pd.date_range(start, stop, freq="h", tz="UTC")
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
