"""Plain grid carbon-intensity CSV files.

A plain file has one row per (time, zone) with the columns ``time``, ``zone``,
``value`` and ``unit`` (names case-insensitive; an optional ``basis`` column
names the signal, default ``location_average``)::

    time,zone,value,unit
    2024-03-31T00:00:00Z,DE,312.5,g/kWh
    2024-03-31T01:00:00+00:00,DE,298.0,g/kWh

A single-series file (one zone, columns named by the caller) is read with
``time_column=``, ``value_column=``, ``zone=`` and ``unit=``.

The rules every grid-signal reader shares apply: times, duplicates and gaps
(:mod:`carbonlab.io._hourly`), bytes, CSV structure and cells
(:mod:`carbonlab.io._signal_files`); every problem is a :class:`SignalFileError`
in one line naming the file, and row and column where known.  Here also: the
``time``, ``value`` and (unless given) ``zone`` and ``unit`` columns are
required; zones and bases must not be empty, a basis is one of
:data:`carbonlab.core.schema.BASES`, and a unit one of
:data:`carbonlab.core.units.INTENSITY_UNITS`.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.core import schema
from carbonlab.core.schema import ZONE
from carbonlab.core.units import INTENSITY_UNITS, MAX_INTENSITY, intensity_unit_factor
from carbonlab.io._hourly import TIME_RANGE, hourly_table, intensity_dataset, parse_times, wide_by_basis
from carbonlab.io._signal_files import (SignalFileError, Table, files_label, intensity_cells, read_table,
                                        require_values, sources, unit_factor)

# ZONE, the intensity unit table, MAX_INTENSITY and TIME_RANGE are re-exported: they were defined here first.
__all__ = ["read_intensity_csv", "intensity_unit_factor", "INTENSITY_UNITS", "ZONE", "SignalFileError",
           "MAX_INTENSITY", "TIME_RANGE"]


def _strings(table: Table, i: int, what: str) -> np.ndarray:
    cells = table.column(i)
    empty = (cells == "").to_numpy()
    if empty.any():
        raise SignalFileError(f"{table.name}: {table.place(i)(int(np.flatnonzero(empty)[0]))}: no {what}")
    return cells.to_numpy(dtype=object)


def _read_plain(src, name, *, time_column, value_column, zone, unit, basis, timezone) -> pd.DataFrame:
    table = read_table(src, name)
    tcol, vcol = table.find(time_column), table.find(value_column)
    df = pd.DataFrame({"time": parse_times(table.column(tcol), timezone=timezone, where=name,
                                           place=table.place(tcol))})
    df["zone"] = zone if zone is not None else _strings(table, table.find("zone"), "zone")
    if unit is not None:
        factors = np.full(len(df), unit_factor(unit, where=name))
    else:
        ucol = table.find("unit")
        cells = table.column(ucol)
        codes, uniques = pd.factorize(cells)
        lut = [unit_factor(u, where=f"{name}: {table.place(ucol)(int(np.argmax(codes == k)))}")
               for k, u in enumerate(uniques)]
        factors = np.asarray(lut, dtype=float)[codes]
    df["value"] = intensity_cells(table.column(vcol), where=name, place=table.place(vcol), factor=factors)
    bcol = table.find("basis", required=False) if basis is None else None
    df["basis"] = basis if basis is not None else (_strings(table, bcol, "basis") if bcol is not None
                                                   else "location_average")
    bad = ~df["basis"].isin(schema.BASES).to_numpy()
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        where = table.place(bcol)(k) if bcol is not None else "basis="
        raise SignalFileError(f"{name}: {where}: {df['basis'].iloc[k]!r} is not one of {schema.BASES}")
    require_values(df, ["value"], name=name)
    df["source_file"], df["source_row"] = name, table.lines
    return df


def read_intensity_csv(paths, *, time_column: str = "time", value_column: str = "value",
                       zone: str | None = None, unit: str | None = None, basis: str | None = None,
                       timezone: str | None = None, max_gap: int | None = 3) -> xr.Dataset:
    """Read plain grid carbon-intensity CSV files.

    Parameters
    ----------
    paths : str, path, open file or sequence of paths
        CSV files (UTF-8, header row; gzip, bzip2 or xz compressed files are read too).
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

    Raises
    ------
    SignalFileError
        A broken file or value, by the rules of the module docstring.

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
    files = sources(paths)
    frames = [_read_plain(src, name, time_column=time_column, value_column=value_column, zone=zone, unit=unit,
                          basis=basis, timezone=timezone) for src, name in files]
    where = f"intensity CSV {files_label(files)}"
    wide, bases, dropped = wide_by_basis(pd.concat(frames, ignore_index=True), where=where)
    values, filled, info = hourly_table(wide, bases, where=where, max_gap=max_gap)
    return intensity_dataset(values, filled, {b: b for b in bases}, source="intensity_csv",
                             attrs={"files": json.dumps([name for _, name in files]),
                                    "gap_rule": f"linear up to {max_gap} h, else month x hour-of-day mean",
                                    "filled_hours": json.dumps(info["filled_hours"]),
                                    "duplicates_dropped": dropped,
                                    "timezone_of_naive_times": timezone or "UTC"})
