"""A user's own grid signal: checked, matched to the footprint's regions, put on its hours.

A user's own signal (``signal=``: a reader's Dataset or a DataArray on time x region or time x zone)
replaces the methodology's source wherever it covers a region and a basis.  It is checked before it is
used:

* its values must be numbers (not booleans or strings) in a known ``units``, on a ``time`` of datetimes,
  with each time, region/zone and basis label once and every basis one of ``schema.BASES``;
* NaN means "no value" (the hour is not covered); a negative, infinite or impossible value (above
  :data:`carbonlab.core.units.MAX_INTENSITY`, 5,000 g kWh-1, once converted) is an error naming
  where it is -- it never reaches a footprint;
* several signals (a list) must agree where they overlap, else it is an error;
* what the footprint does not use is recorded in ``assumed``, never dropped silently: zones or regions that
  match no region of the footprint, and bases the methodology does not ask for; so are the hours a reader
  filled by its gap rule (``grid_intensity_filled``) among those used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.core import schema
from carbonlab.core.schema import BASIS, REGION, TIME, ZONE
from carbonlab.core.units import MAX_INTENSITY, intensity_unit_factor
from carbonlab.datasets.grid import regions_table
from carbonlab.signals.resolution import period_keys

__all__ = ["user_values"]


def _user_array(signal) -> xr.DataArray:
    """A user signal as one DataArray on (time, region or zone, basis) in g kWh-1, checked (module docstring)."""
    if isinstance(signal, (list, tuple)):                       # several readers' outputs: one signal
        return _merged(signal)
    signal, space = _as_dataarray(signal)
    units = signal.attrs.get("units")
    if units is None:
        raise ValueError("the intensity signal needs a 'units' attribute (e.g. 'g kWh-1')")
    factor = intensity_unit_factor(units)
    _check_coords(signal, space)
    t = signal.get_index(TIME)
    if t.tz is not None:
        signal = signal.assign_coords({TIME: t.tz_convert("UTC").tz_localize(None).to_numpy()})
    out = (signal.astype(float) * factor).transpose(TIME, space, BASIS)
    _check_values(out)
    return out


def _merged(signals) -> xr.DataArray:
    """Several signals as one, where they agree."""
    if not signals:
        raise ValueError("an empty list was passed as intensity")
    parts = [_user_array(s) for s in signals]
    if len({p.dims[1] for p in parts}) > 1:
        raise ValueError("combine signals on the same spatial dimension (all 'region' or all 'zone')")
    try:
        merged = xr.merge([p.rename("signal") for p in parts], join="outer", compat="no_conflicts",
                          combine_attrs="drop")["signal"]
    except xr.MergeError:
        raise ValueError(f"two of the intensity signals give different values for the same {parts[0].dims[1]}, "
                         "time and basis; pass signals that agree, or one of them") from None
    return merged.transpose(TIME, parts[0].dims[1], BASIS)


def _as_dataarray(signal) -> tuple[xr.DataArray, str]:
    """The signal's DataArray with a basis dimension, and its spatial dimension (region or zone)."""
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
    extra = [d for d in signal.dims if d not in (TIME, space[0], BASIS)]
    if extra:
        raise ValueError(f"the intensity signal has extra dimensions {extra}; select them first")
    return signal, space[0]


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
    if (provider, region) not in regions_table().index:
        return []
    row = regions_table().loc[(provider, region)]
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


def user_values(signal, hours, regions, providers, bases, resolution):
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
    periods = period_keys(hours, resolution)
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


