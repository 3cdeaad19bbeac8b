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
:mod:`carbonlab.io.intensity_csv` and are flagged.  The intensities are
*consumption-based* (flow-traced, imports included): the life-cycle value is
the ``location_average`` basis, the direct (stack) value
``location_average_direct``.

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

from carbonlab.io.intensity_csv import _as_paths, hourly_table, intensity_dataset, numeric, parse_times

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


def _normalise(name: str) -> str:
    return name.strip().lower().replace("co2", "co₂")


def _read_one(path) -> pd.DataFrame:
    name = str(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    mapping = {c: VARIABLE_MAP[_normalise(c)] for c in raw.columns if _normalise(c) in VARIABLE_MAP}
    missing = [k for k in _REQUIRED if k not in mapping.values()]
    if missing:
        raise ValueError(f"{name}: not an Electricity Maps export, missing column(s) for {missing} "
                         f"(columns: {list(raw.columns)})")
    raw = raw.rename(columns=mapping)
    df = pd.DataFrame({"time": parse_times(raw["time"], where=name)})
    df["zone"] = raw["zone"].str.strip().to_numpy()
    if (df["zone"] == "").any():
        i = int(np.flatnonzero((df["zone"] == "").to_numpy())[0])
        raise ValueError(f"{name}: row {i + 2} column 'Zone Id' is empty")
    inv = {v: k for k, v in mapping.items()}
    for col in ("intensity_direct", "intensity_lifecycle", "cfe_percent", "renewable_percent"):
        df[col] = numeric(raw[col], file=name, column=inv[col]) if col in raw else np.nan
    est = raw["estimated"].str.strip().str.lower() if "estimated" in raw else pd.Series("", index=raw.index)
    bad = ~est.isin(["true", "false", ""])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{name}: row {i + 2} column {inv['estimated']!r}: {est.iloc[i]!r} is not true/false")
    df["estimated"] = (est == "true").astype(float).where(est != "", np.nan).to_numpy()
    df["zone_name"] = raw["zone_name"].to_numpy() if "zone_name" in raw else ""
    df["source_file"], df["source_row"] = name, np.arange(2, len(df) + 2)
    return df


def read_electricitymaps(paths, *, max_gap: int | None = 3) -> xr.Dataset:
    """Read Electricity Maps portal CSV exports (v1 or v2 header) into hourly signals.

    Parameters
    ----------
    paths : str, path or sequence of them
        One or more exports (any zones, any years; files of the same zone are
        joined along time).
    max_gap : int or None, default 3
        Longest gap filled by linear interpolation (see :mod:`carbonlab.io.intensity_csv`).

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
    frames = [_read_one(p) for p in (_as_paths(paths) if not hasattr(paths, "read") else [paths])]
    data = pd.concat(frames, ignore_index=True)
    data["cfe_share"] = data["cfe_percent"] / 100.0
    data["renewable_share"] = data["renewable_percent"] / 100.0
    cols = ["intensity_lifecycle", "intensity_direct", "cfe_share", "renewable_share", "estimated"]
    values, filled, info = hourly_table(data, cols, where="Electricity Maps export", max_gap=max_gap)
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
