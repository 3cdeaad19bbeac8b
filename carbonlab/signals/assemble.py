"""Grid carbon-intensity signals on (time, region, basis).

A signal is grams CO2e per kWh on ``time`` x ``region`` x ``basis``.  Sources
are registered by name in :data:`SOURCES`; :func:`grid_intensity` builds the
array a footprint uses and returns the list of fallbacks it applied (recorded
in the Footprint's ``assumed`` attr), never a silent default.

Bases
-----
``location_average``
    Grid average, life cycle (Electricity Maps' default; GSF's annual values).
``location_average_direct``
    Grid average, direct (stack) emissions only; hourly sources only.
``location_marginal``
    Marginal operating emission rate: measured (WattTime/SGIP MOER) where
    available, else estimated (Siler-Evans regression), else the region's
    annual WattTime value.
``market``
    Market-based method after the GHG Protocol Scope 2 hierarchy
    (:mod:`carbonlab.models.market`): the user's contractual instruments, then the
    provider's published market-based factor of the region (supplier-specific
    rate), then the residual mix, then the location-based average of the same
    source and resolution.  Each step is recorded.

Sources
-------
``regions_annual``
    One annual value per region (GSF Real Time Cloud: Electricity Maps
    average, WattTime marginal).  Annual only.
``ccf_factors``
    Cloud Carbon Footprint's annual factor tables (location average only); a
    cloud CCF has no table for (OCI) takes the mean of CCF's factors of the
    regions in the same grid zone, else of CCF's ``Unknown`` factors (recorded).
``grid_profiles``
    The shipped hourly profiles (``datasets/grid_profiles``): month x
    weekday/weekend x local hour, scaled to each calendar year's anchor;
    zones without hourly data take their region's annual value (recorded).

Resolution
----------
``hourly`` uses the signal of each hour.  ``monthly`` and ``annual`` use, in
each hour, the mean of the hourly signal over the whole calendar month or year
(UTC) that contains it -- a mean that does not depend on the usage.  So a flat
usage gives the same total at all three resolutions, and the differences
between them measure only how usage and signal co-vary in time.

A user's own signal (``signal=``: a reader's Dataset or a DataArray on time x
region or time x zone) replaces the source wherever it covers a region and a
basis; the rest comes from the methodology's source, recorded.  A user signal
is checked before it is used:

* its values must be numbers (not booleans or strings) in a known ``units``,
  on a ``time`` of datetimes, with each time, region/zone and basis label once
  and every basis one of ``schema.BASES``;
* NaN means "no value" (the hour is not covered); a negative, infinite or
  impossible value (above ``MAX_INTENSITY`` of :mod:`carbonlab.io.intensity_csv`,
  5,000 g kWh-1, once converted) is an error naming where it is -- it never
  reaches a footprint;
* several signals (a list) must agree where they overlap, else it is an error;
* what the footprint does not use is recorded in ``assumed``, never dropped
  silently: zones or regions that match no region of the footprint, and bases
  the methodology does not ask for; so are the hours a reader filled by its
  gap rule (``grid_intensity_filled``) among those used.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab import datasets
from carbonlab.models import market
from carbonlab.core import schema
from carbonlab.io.intensity_csv import MAX_INTENSITY, ZONE, intensity_unit_factor
from carbonlab.models.market import empty_market_steps
from carbonlab.core.schema import BASIS, REGION, TIME

__all__ = ["grid_intensity", "SOURCES", "RESOLUTIONS", "NATIVE_RESOLUTION", "to_resolution", "profile_signal",
           "list_profiles", "regions_annual", "ccf_factors", "grid_profiles", "empty_market_steps"]

#: Temporal resolutions of a signal, finest first.
RESOLUTIONS = ("hourly", "monthly", "annual")


# ----------------------------------------------------------------------------------------- regions table
@functools.cache
def _regions() -> pd.DataFrame:
    return datasets.load_table("regions").set_index(["provider", "region"])


def _row(provider: str, region: str):
    table = _regions()
    if (provider, region) not in table.index:
        raise KeyError(f"{provider} region {region!r} is not in the shipped regions dataset; pass your own "
                       "intensity (estimate(..., intensity=...))")
    return table.loc[(provider, region)]


def _country_fallback(provider, region, column):
    """Mean of the provider's regions in the same country (documented fallback)."""
    table = _regions()
    if (provider, region) not in table.index:
        return np.nan, None
    country = table.loc[(provider, region), "country"]
    same = table[(table["country"] == country) & table[column].notna()]
    if same.empty:
        return np.nan, None
    return float(same[column].mean()), f"{provider}:{region} {column}: mean of {len(same)} regions in {country}"


def _annual_value(provider, region, basis):
    """A region's annual value (GSF) with the country fallback; (value, notes)."""
    column = {"location_average": "intensity_average", "location_marginal": "intensity_marginal"}.get(basis)
    if column is None:
        raise KeyError(f"no annual {basis} value for {provider} region {region!r}: the annual region values "
                       "are life-cycle averages and marginal rates; use an hourly source or your own signal")
    value = _row(provider, region)[column] if (provider, region) in _regions().index else np.nan
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
            values[0, i, j], notes = _annual_value(p, r, b)
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
    t = datasets.load_table("coefficients", "ccf_emission_factors")
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
    table = _regions()
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
    series = datasets.load_table("grid_profiles", "series")
    anchors = datasets.load_table("grid_profiles", "anchors")
    prof = datasets.load_table("grid_profiles", "profiles")
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
            raise KeyError(f"no {signal} profile for zone {zone!r}; see carbonlab.signals.assemble.list_profiles()")
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
                values[:, i, j], notes = _annual_value(p, r, b)
                assumed += notes + [f"{p}:{r} {b}: no hourly data for zone {zone}, annual value "
                                    f"{values[0, i, j]:.2f} g/kWh used in every hour"]
    return values, assumed


#: Intensity sources by name: f(hours, regions, providers, bases) -> (values[hour or 1, region, basis], assumed).
SOURCES = {"regions_annual": regions_annual, "ccf_factors": ccf_factors, "grid_profiles": grid_profiles}
#: Finest resolution each source has.
NATIVE_RESOLUTION = {"regions_annual": "annual", "ccf_factors": "annual", "grid_profiles": "hourly"}


# ----------------------------------------------------------------------------------------- resolution
def _period_keys(t: pd.DatetimeIndex, resolution: str) -> np.ndarray:
    if resolution == "monthly":
        return (t.year * 100 + t.month).to_numpy()
    if resolution == "annual":
        return t.year.to_numpy()
    return np.arange(len(t))


def _hours_for(time: pd.DatetimeIndex, resolution: str) -> pd.DatetimeIndex:
    """The hours a signal is needed on: the footprint's, or all hours of the calendar months/years it touches."""
    if resolution == "hourly" or len(time) == 0:   # nothing placed: an empty footprint
        return time
    p = "M" if resolution == "monthly" else "Y"
    start = time.min().to_period(p).start_time
    stop = time.max().to_period(p).end_time.floor("h")
    return pd.date_range(start, stop, freq="h")


def to_resolution(signal: xr.DataArray, resolution: str) -> xr.DataArray:
    """Replace each hour of a signal by its mean over the calendar month or year (UTC).

    Parameters
    ----------
    signal : xarray.DataArray
        On ``time`` (hourly). [g kWh-1]
    resolution : {"hourly", "monthly", "annual"}

    Returns
    -------
    xarray.DataArray
        Same shape and coordinates; the mean is taken over the hours the
        signal has in each period (NaN hours skipped).
    """
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution {resolution!r} is not one of {RESOLUTIONS}")
    if resolution == "hourly":
        return signal
    keys = xr.DataArray(_period_keys(pd.DatetimeIndex(signal[TIME].values), resolution), dims=TIME,
                        coords={TIME: signal[TIME]}, name="period")
    means = signal.groupby(keys).mean(TIME, skipna=True)
    out = means.sel(period=keys).drop_vars("period")
    out.attrs = {**signal.attrs, "resolution": resolution}
    return out.transpose(*signal.dims)


# ----------------------------------------------------------------------------------------- user signals
def _user_array(signal) -> xr.DataArray:
    """A user signal as one DataArray on (time, region or zone, basis) in g kWh-1, checked (module docstring)."""
    if isinstance(signal, (list, tuple)):                       # several readers' outputs: one signal
        if not signal:
            raise ValueError("an empty list was passed as intensity")
        parts = [_user_array(s) for s in signal]
        if len({p.dims[1] for p in parts}) > 1:
            raise ValueError("combine signals on the same spatial dimension (all 'region' or all 'zone')")
        try:
            merged = xr.merge([p.rename("signal") for p in parts], join="outer", compat="no_conflicts",
                              combine_attrs="drop")["signal"]
        except xr.MergeError:
            raise ValueError(f"two of the intensity signals give different values for the same {parts[0].dims[1]}, "
                             "time and basis; pass signals that agree, or one of them") from None
        return merged.transpose(TIME, parts[0].dims[1], BASIS)
    if isinstance(signal, xr.Dataset):
        if "grid_intensity" not in signal:
            raise ValueError("a Dataset passed as intensity needs a 'grid_intensity' variable (a reader's output)")
        signal = signal["grid_intensity"]
    if not isinstance(signal, xr.DataArray):
        raise TypeError(f"intensity must be an xarray Dataset or DataArray, not {type(signal).__name__}")
    if TIME not in signal.dims:
        raise ValueError(f"the intensity signal needs a 'time' dimension (dims: {signal.dims})")
    space = [d for d in (REGION, ZONE) if d in signal.dims]
    if len(space) != 1:
        raise ValueError(f"the intensity signal needs one of the dimensions 'region' or 'zone' (dims: {signal.dims})")
    if BASIS not in signal.dims:
        basis = signal.attrs.get("basis")
        if basis is None:
            raise ValueError("name the signal's basis: a 'basis' dimension or a 'basis' attribute "
                             f"(one of {schema.BASES})")
        signal = signal.expand_dims({BASIS: [basis]})
    units = signal.attrs.get("units")
    if units is None:
        raise ValueError("the intensity signal needs a 'units' attribute (e.g. 'g kWh-1')")
    factor = intensity_unit_factor(units)
    extra = [d for d in signal.dims if d not in (TIME, space[0], BASIS)]
    if extra:
        raise ValueError(f"the intensity signal has extra dimensions {extra}; select them first")
    _check_coords(signal, space[0])
    t = signal.get_index(TIME)
    if t.tz is not None:
        signal = signal.assign_coords({TIME: t.tz_convert("UTC").tz_localize(None).to_numpy()})
    out = (signal.astype(float) * factor).transpose(TIME, space[0], BASIS)
    _check_values(out)
    return out


def _check_coords(signal: xr.DataArray, space: str) -> None:
    """Numbers on datetime times, unique labels, known bases."""
    if not (np.issubdtype(signal.dtype, np.integer) or np.issubdtype(signal.dtype, np.floating)):
        raise ValueError(f"the intensity signal's values must be numbers, not {signal.dtype}")
    if not isinstance(signal.get_index(TIME), pd.DatetimeIndex):
        raise ValueError(f"the intensity signal's 'time' must hold datetimes, not {signal[TIME].dtype}")
    for dim in (TIME, space, BASIS):
        index = signal.get_index(dim)
        if index.has_duplicates:
            raise ValueError(f"the intensity signal has the {dim} label(s) {list(index[index.duplicated()][:3])} "
                             "more than once")
    unknown = [str(b) for b in signal[BASIS].values if b not in schema.BASES]
    if unknown:
        raise ValueError(f"the intensity signal has unknown basis {unknown}; bases are {schema.BASES}")


def _check_values(da: xr.DataArray) -> None:
    """No negative, infinite or impossible intensity reaches a footprint (NaN = no value)."""
    v = da.to_numpy()
    with np.errstate(invalid="ignore"):
        bad = np.isinf(v) | (v < 0) | (v > MAX_INTENSITY)
    if not bad.any():
        return
    i, j, k = (int(x[0]) for x in np.nonzero(bad))
    x = float(v[i, j, k])
    why = ("not finite" if np.isinf(x) else "negative; a grid intensity is >= 0" if x < 0 else
           f"above {MAX_INTENSITY:g} g kWh-1, more than any grid emits (check the units)")
    raise ValueError(f"the intensity signal has {int(bad.sum())} impossible value(s); the first, {x:g} g kWh-1 at "
                     f"{da.dims[1]} {str(da[da.dims[1]].values[j])!r}, {pd.Timestamp(da[TIME].values[i])}, basis "
                     f"{str(da[BASIS].values[k])!r}, is {why}")


def _expand_periods(da: xr.DataArray, hours: pd.DatetimeIndex) -> xr.DataArray:
    """Put a user signal on ``hours``.

    Hourly values are taken as they are; sub-hourly values are averaged into
    their hour; daily, monthly or annual values (timestamps at midnight of the
    period's first day) hold for every hour of their period.
    """
    t = pd.DatetimeIndex(da[TIME].values)
    steps = np.diff(t.values) if len(t) > 1 else np.array([np.timedelta64(1, "h")])
    if (t != t.floor("h")).any() or (steps < np.timedelta64(1, "h")).any():
        da = da.resample({TIME: "h"}).mean()
    elif len(t) > 1 and (t == t.normalize()).all() and (steps >= np.timedelta64(1, "D")).all():
        freq = "Y" if t.is_year_start.all() and (steps >= np.timedelta64(365, "D")).all() else \
            "M" if t.is_month_start.all() and (steps >= np.timedelta64(28, "D")).all() else "D"
        pos = t.to_period(freq).get_indexer(hours.to_period(freq))
        out = da.isel({TIME: np.clip(pos, 0, None)}).where(xr.DataArray(pos >= 0, dims=TIME))
        return out.assign_coords({TIME: hours})
    return da.reindex({TIME: hours})


def _user_filled(signal, hours) -> xr.DataArray | None:
    """The readers' ``grid_intensity_filled`` flags of a user signal on ``hours`` (None: no reader output)."""
    parts = signal if isinstance(signal, (list, tuple)) else [signal]
    flags = [p["grid_intensity_filled"].rename("filled").astype(float) for p in parts
             if isinstance(p, xr.Dataset) and "grid_intensity_filled" in p]
    if not flags:
        return None
    merged = xr.merge(flags, join="outer", compat="override", combine_attrs="drop")["filled"]
    t = merged.get_index(TIME)
    if isinstance(t, pd.DatetimeIndex) and t.tz is not None:
        merged = merged.assign_coords({TIME: t.tz_convert("UTC").tz_localize(None).to_numpy()})
    return merged.reindex({TIME: hours}).fillna(0.0) > 0.5


def _region_keys(space, region, provider):
    """The labels of a user signal that stand for a region: itself, or its grid zone and WattTime region."""
    if space == REGION:
        return [region]
    if (provider, region) not in _regions().index:
        return []
    row = _regions().loc[(provider, region)]
    return [k for k in (row["grid_zone"], row["watttime_region"]) if isinstance(k, str)]


def _unused_notes(da: xr.DataArray, matched: set, bases) -> list[str]:
    """Say which parts of a user signal the footprint does not use (never ignored silently)."""
    space = da.dims[1]
    notes = []
    unmatched = [str(v) for v in da[space].values if str(v) not in matched]
    if unmatched:
        notes.append(f"user signal: {space}(s) {unmatched} match no region of this footprint"
                     + ("" if space == REGION else " (zones are matched through the regions dataset's grid_zone "
                                                   "and watttime_region)"))
    unused = [str(b) for b in da[BASIS].values if b not in bases or b == "market"]
    if unused:
        notes.append(f"user signal: basis {unused} not used (the methodology's location bases are "
                     f"{[b for b in bases if b != 'market']}; the market basis comes from instruments=)")
    return notes


def _user_values(signal, hours, regions, providers, bases, resolution):
    """Values of a user signal per (hour, region, basis) and the mask of pairs it provides."""
    da = _user_array(signal)
    space = da.dims[1]
    filled = _user_filled(signal, hours)
    da = _expand_periods(da, hours)
    labels = [str(v) for v in da[space].values]
    values = np.full((len(hours), len(regions), len(bases)), np.nan)
    provided = np.zeros((len(regions), len(bases)), dtype=bool)
    notes = []
    matched: set = set()
    periods = _period_keys(hours, resolution)
    for i, (r, p) in enumerate(zip(regions, providers)):
        keys = _region_keys(space, r, p)
        matched.update(k for k in keys if k in labels)
        for j, b in enumerate(bases):
            if b == "market" or b not in da[BASIS].values:
                continue
            for k in keys:
                if k not in labels:
                    continue
                col = da.sel({space: k, BASIS: b}).to_numpy().astype(float)
                ok = np.isfinite(col)
                if resolution == "hourly":
                    good = ok.all()
                else:
                    good = all(ok[periods == q].any() for q in np.unique(periods))
                if not good:
                    notes.append(f"{p}:{r} {b}: your signal ({space} {k}) covers {int(ok.sum())} of {len(ok)} "
                                 f"hours needed at {resolution} resolution; methodology source used")
                    continue
                if not ok.all():
                    notes.append(f"{p}:{r} {b}: your signal covers {int(ok.sum())} of {len(ok)} hours; "
                                 f"{resolution} means over the hours it has")
                values[:, i, j] = col
                provided[i, j] = True
                notes.append(f"{p}:{r} {b}: your signal ({space} {k})")
                if filled is not None and k in filled[space].values and b in filled[BASIS].values:
                    n = int(filled.sel({space: k, BASIS: b}).sum())
                    if n:
                        notes.append(f"{p}:{r} {b}: {n} of {len(col)} hours of your signal ({space} {k}) were "
                                     "filled by the reader's gap rule (grid_intensity_filled)")
                break
    return values, provided, notes + _unused_notes(da, matched, bases)


# ----------------------------------------------------------------------------------------- entry point
def grid_intensity(time, regions, providers, *, source="regions_annual", bases=("location_average",),
                   resolution="annual", signal=None, instruments=None, energy=None, details=None):
    """Build the grid carbon-intensity array for a footprint.

    Parameters
    ----------
    time : array_like of datetime64
        Hours of the footprint (UTC hour starts, tz-naive).
    regions, providers : array_like of str
        Region codes and their providers.
    source : str
        A key of :data:`SOURCES`.
    bases : sequence of str
        Bases to return (``location_average``, ``location_average_direct``,
        ``location_marginal``, ``market``).
    resolution : {"hourly", "monthly", "annual"}
        Temporal resolution (module docstring): monthly and annual are the
        means of the hourly signal over whole calendar months or years.
    signal : xarray.Dataset, xarray.DataArray or a list of them, optional
        Your own signal (a reader's output, or a DataArray on time x region or
        time x zone with ``units`` and a ``basis`` dimension or attribute); it
        replaces the source for every region and basis it covers.  Zones are
        matched to regions through the regions dataset (Electricity Maps zone
        or WattTime region).
    instruments : pandas.DataFrame or path, optional
        Contractual instruments for the market basis
        (:func:`carbonlab.models.market.validate_instruments`).
    energy : xarray.DataArray, optional
        Facility energy on (time, region, ...) [kWh]; needed to match
        instruments and to record the market steps in kWh.
    details : dict, optional
        If given, filled with ``market_step_energy`` (DataArray) and
        ``instruments_used`` (DataFrame) when the market basis is built.

    Returns
    -------
    intensity : xarray.DataArray
        On (time, region, basis). [g kWh-1]
    assumed : list of str
        Fallbacks applied and signals used.

    Examples
    --------
    >>> t = pd.date_range("2025-01-01", periods=3, freq="h").values
    >>> da, notes = grid_intensity(t, ["eu-north-1"], ["aws"], bases=("location_average", "location_marginal"))
    >>> da.sel(region="eu-north-1").isel(time=0).values.tolist()     # GSF 2023: Electricity Maps, WattTime
    [24.71, 791.26]
    """
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution {resolution!r} is not one of {RESOLUTIONS}")
    try:
        fn = SOURCES[source]
    except KeyError:
        raise KeyError(f"unknown grid source {source!r}; sources: {sorted(SOURCES)}") from None
    bad = [b for b in bases if b not in schema.BASES]
    if bad or not len(bases):
        raise ValueError(f"bad bases {list(bases)}; allowed: {schema.BASES}")
    native = NATIVE_RESOLUTION[source]
    if signal is None and RESOLUTIONS.index(resolution) < RESOLUTIONS.index(native):
        hourly = sorted(k for k, v in NATIVE_RESOLUTION.items() if v == "hourly")
        raise ValueError(f"resolution {resolution!r} is not available from source {source!r} ({native} only); "
                         f"use grid_source {hourly} or pass your own signal")
    time_idx = pd.DatetimeIndex(time)
    regions, providers = [str(r) for r in regions], [str(p) for p in providers]
    hours = _hours_for(time_idx, resolution)
    loc_bases = [b for b in bases if b != "market"]
    need = list(dict.fromkeys(loc_bases + (["location_average"] if "market" in bases else [])))
    values = np.full((len(hours), len(regions), len(need)), np.nan)
    assumed: list[str] = []
    provided = np.zeros((len(regions), len(need)), dtype=bool)
    if signal is not None:
        uv, provided, notes = _user_values(signal, hours, regions, providers, need, resolution)
        values = np.where(provided[None], uv, values)
        assumed += notes
    rest = [i for i in range(len(regions)) if not provided[i].all()]
    if rest:
        if source == "ccf_factors" and need != ["location_average"]:
            raise ValueError(f"CCF's factor tables give location_average only, not {need}")
        sv, notes = fn(hours, [regions[i] for i in rest], [providers[i] for i in rest], need)
        sv = np.broadcast_to(sv, (len(hours), len(rest), len(need)))
        for k, i in enumerate(rest):
            keep = provided[i]
            values[:, i, ~keep] = sv[:, k, ~keep]
        assumed += notes
        if signal is not None and RESOLUTIONS.index(resolution) < RESOLUTIONS.index(native):
            assumed.append(f"source {source} is {native}: regions outside your signal keep {native} values")
    coords = {TIME: hours, REGION: regions, BASIS: need}
    da = xr.DataArray(values, dims=(TIME, REGION, BASIS), coords=coords)
    constant = signal is None and NATIVE_RESOLUTION[source] == "annual"
    da = da if constant else to_resolution(da, resolution)      # a constant needs no averaging (exact values)
    out = {b: da.sel({BASIS: b}, drop=True) for b in need}
    if "market" in bases:
        sup = _regions()["market_intensity"]
        supplier = xr.DataArray([float(sup.get((p, r), np.nan)) for r, p in zip(regions, providers)],
                                dims=REGION, coords={REGION: regions})
        e = None
        if energy is not None:
            e = energy.sum([d for d in energy.dims if d not in (TIME, REGION)])
            e = e.assign_coords({TIME: pd.DatetimeIndex(e[TIME].values), REGION: [str(r) for r in e[REGION].values]})
            e = e.reindex({TIME: hours}, fill_value=0.0)
        mk, steps, used = market.market_factor(e, out["location_average"], instruments=instruments, supplier=supplier)
        out["market"] = mk
        for r, p, s in zip(regions, providers, supplier.values):
            assumed.append(f"{p}:{r} market: provider's market-based factor {s} g/kWh (supplier-specific)"
                           if np.isfinite(s) else
                           f"{p}:{r} market: no contractual factor, location average used")
        if details is not None:
            details["market_step_energy"] = steps
            details["instruments_used"] = used
    result = xr.concat([out[b].drop_attrs() for b in bases], dim=BASIS).assign_coords({BASIS: list(bases)})
    result = result.transpose(TIME, REGION, BASIS).sel({TIME: time_idx})
    result = result.assign_coords({TIME: np.asarray(time), REGION: regions})
    return schema.set_attrs(result, "grid_intensity", source=source if signal is None else f"user signal + {source}",
                            resolution=resolution), assumed
