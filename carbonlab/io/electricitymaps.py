"""Electricity Maps data-portal CSV exports (hourly, daily, monthly or yearly files).

Both header formats of the portal are read, matched case-insensitively:

* **v1** (files up to 2024)::

    Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),
    Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,
    Data Estimated,Data Estimation Method

* **v2** (2024/2025 downloads)::

    Datetime (UTC),Country,Zone name,Zone id,Carbon intensity gCO₂eq/kWh (direct),
    Carbon intensity gCO₂eq/kWh (Life cycle),Carbon-free energy percentage (CFE%),
    Renewable energy percentage (RE%),Data source,Data estimated,Data estimation method

Times are UTC hour starts (the column says so).  Gaps follow the rule of
:mod:`carbonlab.io._hourly` and are flagged.  The intensities are
*consumption-based* (flow-traced, imports included): the life-cycle value is
the ``location_average`` basis, the direct (stack) value
``location_average_direct``.

Broken input
------------
The byte, CSV and intensity rules of :mod:`carbonlab.io._signal_files` and the
time rules of :mod:`carbonlab.io._hourly` apply (empty, header-only, truncated, non-UTF-8 files and ``inf``, ``nan``,
``-5`` or ``true`` intensities are errors naming file, row and column).  Here
also:

* ``Datetime (UTC)``, ``Zone Id`` and both intensity columns are required
  (either header format); a renamed one is an error listing the columns, and
  two columns for one field (a v1 and a v2 name) are an error.
* ``Zone Id`` must not be empty; the percentages must be numbers from 0 to
  100 (or empty); ``Data Estimated`` is ``true``, ``false`` or empty.
* One zone and hour given twice (in one file, or in two exports of different
  vintages -- Electricity Maps revises history) must carry the same intensity,
  percentage and estimated values: an exact repeat is dropped and counted in
  ``duplicates_dropped``, a different one is an error naming both rows.

References
----------
.. [em_portal] Electricity Maps, Data Portal, https://www.electricitymaps.com/data-portal
   (formats as recorded in ``shared/reference-data/hourly-intensity/SOURCES.md``, accessed 2026-11-22).
   The data are Electricity Maps' product: attribution required.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.io._hourly import hourly_table, intensity_dataset, parse_times
from carbonlab.io._signal_files import (SignalFileError, Table, files_label, intensity_cells, percent_cells, read_table,
                                        require_values, sources)

__all__ = ["read_electricitymaps", "VARIABLE_MAP"]

#: Source column (lower case, both formats) -> carbonlab column.
VARIABLE_MAP: dict[str, str] = {
    "datetime (utc)": "time",
    "zone id": "zone",
    "zone name": "zone_name",
    "country": "country",
    "carbon intensity gco₂eq/kwh (direct)": "intensity_direct",
    "carbon intensity gco₂eq/kwh (lca)": "intensity_lifecycle",
    "carbon intensity gco₂eq/kwh (life cycle)": "intensity_lifecycle",
    "low carbon percentage": "cfe_percent",
    "carbon-free energy percentage (cfe%)": "cfe_percent",
    "renewable percentage": "renewable_percent",
    "renewable energy percentage (re%)": "renewable_percent",
    "data source": "data_source",
    "data estimated": "estimated",
    "data estimation method": "estimation_method",
}

_REQUIRED = ("time", "zone", "intensity_direct", "intensity_lifecycle")
_INTENSITIES = ("intensity_direct", "intensity_lifecycle")
_PERCENTS = ("cfe_percent", "renewable_percent")


def _normalise(name: str) -> str:
    return name.strip().lower().replace("co2", "co₂")


def _columns(table: Table) -> dict[str, int]:
    """carbonlab column -> index of its source column; a missing required or a doubled column is an error."""
    found: dict[str, list[int]] = {}
    for i, h in enumerate(table.header):
        if _normalise(h) in VARIABLE_MAP:
            found.setdefault(VARIABLE_MAP[_normalise(h)], []).append(i)
    missing = [k for k in _REQUIRED if k not in found]
    if missing:
        raise SignalFileError(f"{table.name}: not an Electricity Maps export, missing column(s) for {missing} "
                              f"(columns: {table.header})")
    doubled = {k: [table.header[i] for i in v] for k, v in found.items() if len(v) > 1}
    if doubled:
        raise SignalFileError(f"{table.name}: two columns for the same field: {doubled}")
    return {k: v[0] for k, v in found.items()}


def _read_one(src, name: str) -> pd.DataFrame:
    table = read_table(src, name)
    cols = _columns(table)
    df = pd.DataFrame({"time": parse_times(table.column(cols["time"]), where=name, place=table.place(cols["time"]))})
    zone = table.column(cols["zone"])
    if (zone == "").any():
        k = int(np.flatnonzero((zone == "").to_numpy())[0])
        raise SignalFileError(f"{name}: {table.place(cols['zone'])(k)}: no zone")
    df["zone"] = zone.to_numpy(dtype=object)
    for col in _INTENSITIES:
        df[col] = intensity_cells(table.column(cols[col]), where=name, place=table.place(cols[col]))
    for col in _PERCENTS:
        df[col] = (percent_cells(table.column(cols[col]), where=name, place=table.place(cols[col]))
                   if col in cols else np.nan)
    require_values(df, _INTENSITIES, name=name)
    est = table.column(cols["estimated"]).str.lower() if "estimated" in cols else pd.Series("", index=df.index)
    bad = ~est.isin(["true", "false", ""]).to_numpy()
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise SignalFileError(f"{name}: {table.place(cols['estimated'])(k)}: {est.iloc[k]!r} is not true/false")
    df["estimated"] = (est == "true").astype(float).where(est != "", np.nan).to_numpy()
    df["zone_name"] = table.column(cols["zone_name"]).to_numpy(dtype=object) if "zone_name" in cols else ""
    df["source_file"], df["source_row"] = name, table.lines
    return df


def read_electricitymaps(paths, *, max_gap: int | None = 3) -> xr.Dataset:
    """Read Electricity Maps portal CSV exports (v1 or v2 header) into hourly signals.

    Parameters
    ----------
    paths : str, path, open file or sequence of paths
        One or more exports (any zones, any years; files of the same zone are
        joined along time).
    max_gap : int or None, default 3
        Longest gap filled by linear interpolation (see :mod:`carbonlab.io._hourly`).

    Returns
    -------
    xarray.Dataset
        On (time, zone[, basis]):

        ======================================  ==========================  ========
        source column                           carbonlab                   units
        ======================================  ==========================  ========
        Datetime (UTC)                          ``time``                    UTC hour
        Zone Id / Zone id                       ``zone``                    --
        ... (LCA) / (Life cycle)                ``grid_intensity``,         g kWh-1
                                                basis ``location_average``
        ... (direct)                            ``grid_intensity``, basis   g kWh-1
                                                ``location_average_direct``
        Low Carbon Percentage / CFE%            ``grid_cfe_share``          1
        Renewable Percentage / RE%              ``grid_renewable_share``    1
        Data Estimated / Data estimated         ``grid_estimated``          1 (0/1)
        ======================================  ==========================  ========

        plus ``grid_intensity_filled``; attrs name the files, zone names and the
        count of filled hours.

    Raises
    ------
    carbonlab.io._signal_files.SignalFileError
        A broken file or value (module docstring), or one zone and hour with two different values.

    Examples
    --------
    >>> import io
    >>> text = ("Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
    ...         "Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,"
    ...         "Data Source,Data Estimated,Data Estimation Method\\n"
    ...         "2023-01-01 00:00:00,Germany,Germany,DE,140.51,185.8,83.79,78.42,entsoe.eu,false,\\n")
    >>> ds = read_electricitymaps(io.StringIO(text))
    >>> float(ds.grid_intensity.sel(basis="location_average", zone="DE")[0])
    185.8
    """
    files = sources(paths)
    data = pd.concat([_read_one(src, name) for src, name in files], ignore_index=True)
    data["cfe_share"] = data["cfe_percent"] / 100.0
    data["renewable_share"] = data["renewable_percent"] / 100.0
    cols = ["intensity_lifecycle", "intensity_direct", "cfe_share", "renewable_share", "estimated"]
    values, filled, info = hourly_table(data, cols, where=f"Electricity Maps export {files_label(files)}",
                                        max_gap=max_gap)
    est = values["estimated"]
    values["estimated"] = (est > 0.5).astype(float).where(est.notna())   # a filled flag stays 0/1
    names = data.groupby("zone")["zone_name"].first().to_dict()
    files = [str(f) for f in data["source_file"].unique()]
    return intensity_dataset(
        values, filled, {"intensity_lifecycle": "location_average", "intensity_direct": "location_average_direct"},
        source="electricitymaps",
        extras={"cfe_share": "grid_cfe_share", "renewable_share": "grid_renewable_share",
                "estimated": "grid_estimated"},
        attrs={"files": json.dumps(files), "zone_names": json.dumps(names),
               "signal": "consumption-based (flow-traced) average; life cycle and direct",
               "gap_rule": f"linear up to {max_gap} h, else month x hour-of-day mean",
               "filled_hours": json.dumps(info["filled_hours"]["intensity_lifecycle"]),
               "duplicates_dropped": info["duplicates_dropped"],
               "attribution": "Electricity Maps (https://www.electricitymaps.com)"},
    )
