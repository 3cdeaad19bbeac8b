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

Units are converted exactly: 1 lb MWh-1 = 0.45359237 g kWh-1, 1 kg kWh-1 =
1000 g kWh-1.  Five-minute points are averaged into UTC hours; gaps follow the
rule of :mod:`carbonlab.io.intensity_csv` and are flagged.  WattTime's signals
count CO2 only (not CO2e).

References
----------
.. [wt_v3] WattTime API v3 documentation and v2->v3 migration guide, https://docs.watttime.org
   (formats as recorded in ``shared/reference-data/hourly-intensity/SOURCES.md`` section 5, accessed 2026-11-22).
.. [sgip] California SGIP GHG signal, https://sgipsignal.com (historical version 1.0).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.io.intensity_csv import (_as_paths, hourly_table, intensity_dataset, intensity_unit_factor,
                                        numeric, parse_times)

__all__ = ["read_watttime", "SIGNAL_BASES"]

#: WattTime signal types -> carbonlab basis.
SIGNAL_BASES = {"co2_moer": "location_marginal", "moer": "location_marginal",
                "co2_aoer": "location_average", "aoer": "location_average"}

_SDK_NAME = re.compile(r"^(?P<region>.+?)_(?P<signal>co2_moer|co2_aoer|health_damage)_")


def _frame(times, values, *, region, signal, factor, name, imputed=None) -> pd.DataFrame:
    df = pd.DataFrame({"time": parse_times(times, where=name)})
    df["zone"] = region
    df["value"] = np.asarray(values, dtype=float) * factor
    df["signal"] = signal
    df["imputed"] = np.nan if imputed is None else np.asarray(imputed, dtype=float)
    df["source_file"], df["source_row"] = name, np.arange(1, len(df) + 1)
    return df


def _read_json(path: Path, region, signal_type) -> pd.DataFrame:
    name = str(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(doc, dict) and "data" in doc:                       # v3
        meta = doc.get("meta", {})
        unit = meta.get("units")
        if unit is None:
            raise ValueError(f"{name}: WattTime v3 JSON without meta.units")
        points = doc["data"]
        if points and "forecast" in points[0]:
            raise ValueError(f"{name}: a forecast file; carbonlab reads historical signals")
        times = [p["point_time"] for p in points]
        values = [np.nan if p.get("value") is None else p["value"] for p in points]
        imputed = [float(p["imputed_data_used"]) if "imputed_data_used" in p else np.nan for p in points]
        return _frame(times, values, region=region or meta.get("region", "unknown"),
                      signal=signal_type or meta.get("signal_type", "co2_moer"),
                      factor=intensity_unit_factor(unit), name=name, imputed=imputed)
    if isinstance(doc, list):                                         # v2
        if not doc:
            raise ValueError(f"{name}: empty WattTime v2 list")
        kinds = {str(p.get("datatype", "MOER")).upper() for p in doc}
        bas = {p.get("ba") for p in doc}
        if len(kinds) > 1 or len(bas) > 1:
            raise ValueError(f"{name}: mixed datatypes {kinds} or regions {bas} in one v2 file")
        imputed = [1.0 if "modeled" in str(p.get("version", "")) else 0.0 for p in doc]
        return _frame([p["point_time"] for p in doc], [p["value"] for p in doc],
                      region=region or bas.pop(), signal=signal_type or ("co2_" + kinds.pop().lower()),
                      factor=intensity_unit_factor("lbs/MWh"), name=name, imputed=imputed)
    raise ValueError(f"{name}: not a WattTime v2 or v3 JSON document")


def _read_csv(path: Path, region, signal_type, unit) -> pd.DataFrame:
    name = str(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")   # .gz decompressed
    cols = {c.strip().lower(): c for c in raw.columns}
    if "point_time" in cols and "value" in cols:                      # SDK CSV
        m = _SDK_NAME.match(path.name)
        region = region or (m.group("region") if m else None)
        signal_type = signal_type or (m.group("signal") if m else None)
        if region is None or signal_type is None:
            raise ValueError(f"{name}: give region= and signal_type= (the file name does not follow "
                             "the SDK's {region}_{signal_type}_{start}_{end}.csv)")
        imputed = None
        if "imputed_data_used" in cols:
            imputed = raw[cols["imputed_data_used"]].str.strip().str.lower().map(
                {"true": 1.0, "false": 0.0, "1": 1.0, "0": 0.0, "": np.nan})
        return _frame(raw[cols["point_time"]], numeric(raw[cols["value"]], file=name, column="value"),
                      region=region, signal=signal_type, factor=intensity_unit_factor(unit or "lbs/MWh"),
                      name=name, imputed=imputed)
    if "time" in cols and "moer" in cols:                             # SGIP raw 5-minute
        return _frame(raw[cols["time"]], numeric(raw[cols["moer"]], file=name, column="moer"),
                      region=region or _sgip_region(path), signal=signal_type or "co2_moer",
                      factor=intensity_unit_factor(unit or "kg/kWh"), name=name)
    if "datetime_utc" in cols and "moer_kgco2_per_kwh" in cols:      # SGIP hourly (derived)
        return _frame(raw[cols["datetime_utc"]], numeric(raw[cols["moer_kgco2_per_kwh"]], file=name,
                                                          column="moer_kgCO2_per_kWh"),
                      region=region or _sgip_region(path), signal=signal_type or "co2_moer",
                      factor=intensity_unit_factor(unit or "kg/kWh"), name=name)
    raise ValueError(f"{name}: not a WattTime/SGIP CSV (columns: {list(raw.columns)})")


def _sgip_region(path: Path) -> str:
    m = re.search(r"(SGIP_[A-Z]+_[A-Z0-9]+)", path.name)
    if m is None:
        raise ValueError(f"{path}: give region= (no SGIP_<ISO>_<UTILITY> in the file name)")
    return m.group(1)


def read_watttime(paths, *, region: str | None = None, signal_type: str | None = None,
                  unit: str | None = None, max_gap: int | None = 3) -> xr.Dataset:
    """Read WattTime (or SGIP) historical signal files into hourly signals.

    Parameters
    ----------
    paths : str, path or sequence of them
        ``.json`` (API v2/v3) or ``.csv``/``.csv.gz`` (SDK or SGIP) files.
    region : str, optional
        Region label (default: from the file's metadata or name).
    signal_type : str, optional
        ``co2_moer`` (marginal) or ``co2_aoer`` (average); default from the file.
    unit : str, optional
        Unit of a CSV's values when it is not the format's own (lbs/MWh for the
        SDK, kg/kWh for SGIP).
    max_gap : int or None, default 3
        Gap rule (see :mod:`carbonlab.io.intensity_csv`).

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
    frames = []
    for path in _as_paths(paths):
        if path.suffix.lower() == ".json":
            frames.append(_read_json(path, region, signal_type))
        else:
            frames.append(_read_csv(path, region, signal_type, unit))
    data = pd.concat(frames, ignore_index=True)
    unknown = sorted(set(data["signal"]) - set(SIGNAL_BASES))
    if unknown:
        raise ValueError(f"signal type(s) {unknown} are not grid carbon intensities carbonlab reads "
                         f"({sorted(SIGNAL_BASES)})")
    data["basis"] = data["signal"].map(SIGNAL_BASES)
    wide = data.pivot_table(index=["time", "zone"], columns="basis", values="value", aggfunc="mean").reset_index()
    n = data.groupby(["time", "zone", "basis"]).size()
    if (n > 1).any():
        dup = data.set_index(["time", "zone", "basis"]).loc[n[n > 1].index[:1]]
        if dup["value"].nunique() > 1:
            rows = "; ".join(f"{r.source_file} point {r.source_row}" for r in dup.itertuples())
            raise ValueError(f"different values for the same region, time and signal ({rows})")
    bases = [b for b in ("location_average", "location_marginal") if b in wide.columns]
    values, filled, info = hourly_table(wide, bases, where="WattTime signal", max_gap=max_gap)
    return intensity_dataset(values, filled, {b: b for b in bases}, source="watttime",
                             attrs={"files": json.dumps([str(p) for p in _as_paths(paths)]),
                                    "signal": "WattTime/SGIP operating emission rate (CO2 only)",
                                    "points_per_hour_max": info["points_per_hour_max"],
                                    "gap_rule": f"linear up to {max_gap} h, else month x hour-of-day mean",
                                    "filled_hours": json.dumps(info["filled_hours"]),
                                    "imputed_points": int(np.nansum(data["imputed"].to_numpy()))})
