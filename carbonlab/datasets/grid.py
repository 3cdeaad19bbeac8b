"""Grid-signal sources: the shipped region and profile data turned into intensities per hour and region.

Each source is a function ``f(hours, regions, providers, bases) -> (values, assumed)`` registered by name
in :data:`SOURCES`, with its native resolution in :data:`NATIVE_RESOLUTION`; the assembly of a footprint's
signal (resolution, a user's own signal, the market basis) is :func:`carbonlab.signals.grid_intensity`.

``regions_annual``
    One annual value per region (GSF Real Time Cloud: Electricity Maps average, WattTime marginal), with
    the mean of the country's regions where a region has none (recorded).
``ccf_factors``
    Cloud Carbon Footprint's annual factor tables (location average only); a cloud CCF has no table for
    (OCI) takes the mean of CCF's factors of the regions in the same grid zone, else of CCF's ``Unknown``
    factors (recorded).
``grid_profiles``
    The shipped hourly profiles (``datasets/grid_profiles``): month x weekday/weekend x local hour, scaled
    to each calendar year's anchor; zones without hourly data take their region's annual value (recorded).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from carbonlab.datasets import load_table

__all__ = ["SOURCES", "NATIVE_RESOLUTION", "regions_table", "annual_value", "regions_annual", "ccf_factors",
           "grid_profiles", "profile_signal", "list_profiles"]

# ----------------------------------------------------------------------------------------- regions table
@functools.cache
def regions_table() -> pd.DataFrame:
    return load_table("regions").set_index(["provider", "region"])


def _row(provider: str, region: str):
    table = regions_table()
    if (provider, region) not in table.index:
        raise KeyError(f"{provider} region {region!r} is not in the shipped regions dataset; pass your own "
                       "intensity (estimate(..., intensity=...))")
    return table.loc[(provider, region)]


def _country_fallback(provider, region, column):
    """Mean of the provider's regions in the same country (documented fallback)."""
    table = regions_table()
    if (provider, region) not in table.index:
        return np.nan, None
    country = table.loc[(provider, region), "country"]
    same = table[(table["country"] == country) & table[column].notna()]
    if same.empty:
        return np.nan, None
    return float(same[column].mean()), f"{provider}:{region} {column}: mean of {len(same)} regions in {country}"


def annual_value(provider, region, basis):
    """A region's annual value (GSF) with the country fallback; (value, notes)."""
    column = {"location_average": "intensity_average", "location_marginal": "intensity_marginal"}.get(basis)
    if column is None:
        raise KeyError(f"no annual {basis} value for {provider} region {region!r}: the annual region values "
                       "are life-cycle averages and marginal rates; use an hourly source or your own signal")
    value = _row(provider, region)[column] if (provider, region) in regions_table().index else np.nan
    notes = []
    if pd.isna(value):
        value, note = _country_fallback(provider, region, column)
        if note:
            notes.append(note)
    if pd.isna(value):
        raise KeyError(f"no {basis} grid intensity for {provider} region {region!r} in the shipped regions "
                       "dataset; pass your own intensity (estimate(..., intensity=...))")
    return float(value), notes


# ----------------------------------------------------------------------------------------- sources
def regions_annual(hours, regions, providers, bases):
    """Annual Electricity Maps average and WattTime marginal rate per region (GSF Real Time Cloud).

    Returns
    -------
    values : numpy.ndarray
        Shape (1, region, basis). [g kWh-1]
    assumed : list of str
    """
    values = np.empty((1, len(regions), len(bases)))
    assumed = []
    for i, (r, p) in enumerate(zip(regions, providers)):
        for j, b in enumerate(bases):
            values[0, i, j], notes = annual_value(p, r, b)
            assumed += notes
    return values, assumed


def ccf_factors(hours, regions, providers, bases):
    """Cloud Carbon Footprint's annual factor tables (location-based average only).

    A region missing from CCF's table gets CCF's ``Unknown`` factor of its
    cloud, as CCF does (``estimateCo2``); a cloud CCF has no table for (OCI)
    gets the mean of CCF's factors of the regions of the same grid zone (the
    regions dataset), else the mean of CCF's ``Unknown`` factors.  Each such
    region is recorded.
    """
    if list(bases) != ["location_average"]:
        raise ValueError("CCF's factor tables give location_average only")
    t = load_table("coefficients", "ccf_emission_factors")
    t["key"] = t["region_key"].fillna(t["region"]).astype(str)
    lut = {(p, k): v for p, k, v in zip(t["provider"], t["key"], t["intensity"])}
    values = np.empty((1, len(regions), 1))
    assumed = []
    for i, (p, r) in enumerate(zip(providers, regions)):
        if (p, r) in lut:
            values[0, i, 0] = lut[(p, r)]
        elif (p, "Unknown") in lut:
            values[0, i, 0] = lut[(p, "Unknown")]
            assumed.append(f"{p}:{r} grid: not in CCF's table, CCF's Unknown factor used")
        else:
            values[0, i, 0], note = _ccf_other_cloud(p, r, lut)
            assumed.append(note)
    return values, assumed


def _ccf_other_cloud(provider, region, lut):
    """CCF factor of a cloud CCF has no table for (OCI): the mean of CCF's factors of the regions in the
    region's grid zone, else the mean of CCF's ``Unknown`` factors of its clouds; (value, note)."""
    table = regions_table()
    zone = table["grid_zone"].get((provider, region))
    same = ([lut[k] for k, z in table["grid_zone"].items() if z == zone and k in lut]
            if isinstance(zone, str) else [])
    if same:
        return float(np.mean(same)), (f"{provider}:{region} grid: CCF has no {provider} table; mean of CCF's "
                                      f"factors of the {len(same)} regions in grid zone {zone} used")
    unknown = [v for (p, k), v in lut.items() if k == "Unknown"]
    return float(np.mean(unknown)), (f"{provider}:{region} grid: CCF has no {provider} table and no region of "
                                     f"its zone {zone}; mean of CCF's Unknown factors of {len(unknown)} clouds used")


# ----------------------------------------------------------------------------------------- profiles
#: Order in which profile sources are preferred per signal: measured before estimated.
PROFILE_PREFERENCE = {"measured": 0, "siler_evans_estimate": 1}


@functools.cache
def _profile_tables():
    series = load_table("grid_profiles", "series")
    anchors = load_table("grid_profiles", "anchors")
    prof = load_table("grid_profiles", "profiles")
    cube = {}
    for key, grp in prof.groupby(["zone", "signal", "source"], sort=False):
        arr = np.full((12, 2, 24), np.nan)
        arr[grp["month"].to_numpy() - 1, (grp["daytype"] == "weekend").to_numpy().astype(int),
            grp["hour"].to_numpy()] = grp["mean"].to_numpy()
        cube[key] = arr
    return series, anchors, cube


def list_profiles() -> pd.DataFrame:
    """The shipped profiles: one row per (zone, signal, source) with method, time zone and reference year."""
    return _profile_tables()[0].copy()


def _choose(zone: str, signal: str):
    series = _profile_tables()[0]
    rows = series[(series["zone"] == zone) & (series["signal"] == signal)]
    if rows.empty:
        return None
    rows = rows.assign(rank=rows["method"].map(PROFILE_PREFERENCE).fillna(9)).sort_values(["rank", "source"])
    return rows.iloc[0]


def profile_signal(time, zone: str, signal: str = "location_average", *, source: str | None = None):
    """Expand a shipped profile onto UTC hours, scaled to each calendar year's anchor.

    Parameters
    ----------
    time : array_like of datetime64
        UTC hour starts (tz-naive).
    zone : str
        Grid zone (Electricity Maps zone id).
    signal : str
        ``location_average``, ``location_average_direct``, ``location_marginal``
        or ``grid_cfe_share``.
    source : str, optional
        A source of :func:`list_profiles`; default: measured before estimated.

    Returns
    -------
    values : numpy.ndarray
        [g kWh-1] (``grid_cfe_share``: [1])
    note : str
        What was used, for the ``assumed`` record.

    Notes
    -----
    Each hour takes the profile mean of its local (month, weekday/weekend,
    hour).  The values of calendar year *y* are then multiplied by
    :math:`k_y = A_y / \\overline{P}_y`, where :math:`\\overline{P}_y` is the
    mean of the expanded profile over all hours of *y* and :math:`A_y` the
    anchor of *y* -- or the anchor of the profile's reference year when *y*
    has none -- so the signal's mean over each year equals its anchor.

    Examples
    --------
    >>> t = pd.date_range("2023-01-01", "2023-12-31 23:00", freq="h").values
    >>> v, note = profile_signal(t, "US-MIDA-PJM")
    >>> round(float(v.mean()), 3)          # the 2023 anchor: Electricity Maps PJM, life cycle
    392.403
    """
    series, anchors, cube = _profile_tables()
    if source is None:
        row = _choose(zone, signal)
        if row is None:
            raise KeyError(f"no {signal} profile for zone {zone!r}; see carbonlab.signals.list_profiles()")
    else:
        sel = series[(series["zone"] == zone) & (series["signal"] == signal) & (series["source"] == source)]
        if sel.empty:
            raise KeyError(f"no {signal} profile {source!r} for zone {zone!r}")
        row = sel.iloc[0]
    arr = cube[(zone, signal, row["source"])]
    t = pd.DatetimeIndex(time)
    years = sorted(set(t.year))
    anc = anchors[(anchors["zone"] == zone) & (anchors["signal"] == signal) & (anchors["source"] == row["source"])]
    anc = dict(zip(anc["year"], anc["annual_mean"]))
    ref = int(row["reference_year"])
    out = np.empty(len(t))
    used = []
    for y in years:
        full = pd.date_range(f"{y}-01-01", f"{y}-12-31 23:00", freq="h", tz="UTC").tz_convert(row["timezone"])
        lut = arr[full.month - 1, (full.day_of_week >= 5).astype(int), full.hour]
        k = anc.get(y, anc[ref]) / lut.mean()
        mask = t.year == y
        local = t[mask].tz_localize("UTC").tz_convert(row["timezone"])
        out[mask] = k * arr[local.month - 1, (local.day_of_week >= 5).astype(int), local.hour]
        used.append(f"{y}" if y in anc else f"{y}<-{ref}")
    note = (f"{signal} of zone {zone}: profile {row['source']} ({row['method']}), scaled to annual anchors "
            f"{', '.join(used)}")
    return out, note


def grid_profiles(hours, regions, providers, bases):
    """Hourly signals from the shipped profiles; the region's annual value where its zone has none.

    Returns
    -------
    values : numpy.ndarray
        Shape (hour, region, basis). [g kWh-1]
    assumed : list of str
    """
    values = np.empty((len(hours), len(regions), len(bases)))
    assumed = []
    for i, (r, p) in enumerate(zip(regions, providers)):
        zone = _row(p, r)["grid_zone"]
        for j, b in enumerate(bases):
            row = _choose(zone, b) if isinstance(zone, str) else None
            if row is not None:
                values[:, i, j], note = profile_signal(hours, zone, b)
                assumed.append(f"{p}:{r} {note}")
            else:
                values[:, i, j], notes = annual_value(p, r, b)
                assumed += notes + [f"{p}:{r} {b}: no hourly data for zone {zone}, annual value "
                                    f"{values[0, i, j]:.2f} g/kWh used in every hour"]
    return values, assumed


#: Intensity sources by name: f(hours, regions, providers, bases) -> (values[hour or 1, region, basis], assumed).
SOURCES = {"regions_annual": regions_annual, "ccf_factors": ccf_factors, "grid_profiles": grid_profiles}
#: Finest resolution each source has.
NATIVE_RESOLUTION = {"regions_annual": "annual", "ccf_factors": "annual", "grid_profiles": "hourly"}


