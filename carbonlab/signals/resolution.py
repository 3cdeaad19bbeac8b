"""Temporal resolution of a grid signal: hourly, or the mean over each calendar month or year.

``hourly`` uses the signal of each hour.  ``monthly`` and ``annual`` use, in each hour, the mean of the
hourly signal over the whole calendar month or year (UTC) that contains it -- a mean that does not depend
on the usage.  So a flat usage gives the same total at all three resolutions, and the differences between
them measure only how usage and signal co-vary in time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.core.schema import TIME

__all__ = ["RESOLUTIONS", "period_keys", "hours_for", "to_resolution"]

#: Temporal resolutions of a signal, finest first.
RESOLUTIONS = ("hourly", "monthly", "annual")


def period_keys(t: pd.DatetimeIndex, resolution: str) -> np.ndarray:
    if resolution == "monthly":
        return (t.year * 100 + t.month).to_numpy()
    if resolution == "annual":
        return t.year.to_numpy()
    return np.arange(len(t))


def hours_for(time: pd.DatetimeIndex, resolution: str) -> pd.DatetimeIndex:
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
    keys = xr.DataArray(period_keys(pd.DatetimeIndex(signal[TIME].values), resolution), dims=TIME,
                        coords={TIME: signal[TIME]}, name="period")
    means = signal.groupby(keys).mean(TIME, skipna=True)
    out = means.sel(period=keys).drop_vars("period")
    out.attrs = {**signal.attrs, "resolution": resolution}
    return out.transpose(*signal.dims)


