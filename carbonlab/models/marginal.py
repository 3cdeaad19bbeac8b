"""Marginal emission factors estimated from hourly generation and emissions.

The regression method of Siler-Evans, Azevedo and Morgan (2012): the change in
a region's hourly emissions from one hour to the next is regressed on the
change in its hourly fossil generation, separately for groups of hours (hour of
day, season, month, ...).  The slope is the marginal emission factor (MEF) of
that group: the emissions of the generators that respond to a change in load.

.. math::

   \\Delta E_t = \\alpha + \\beta \\, \\Delta G_t + \\varepsilon_t, \\qquad
   \\Delta E_t = E_t - E_{t-1}, \\quad \\Delta G_t = G_t - G_{t-1}

with :math:`E` emissions [kg] and :math:`G` fossil generation [MWh] in hour
:math:`t`, fitted by ordinary least squares for each group; :math:`\\beta` in
kg MWh-1 equals g kWh-1.  A pair of hours counts in the group of its later hour
and only when the two hours are consecutive and both values are finite.

The method needs *measured* generation and emissions; where emissions are a
fixed factor per fuel times generation (EIA-930 net generation x IPCC factors,
as in the data carbonlab's shipped marginal profiles are built from), the MEF
is the generation-weighted factor of the fuels that move with load and lies
between the factors of the marginal fuels.

References
----------
.. [siler_evans2012] K. Siler-Evans, I. L. Azevedo, M. G. Morgan, "Marginal Emissions Factors for
   the U.S. Electricity System", Environ. Sci. Technol. 46(9), 4742-4748, 2012,
   doi:10.1021/es300145v (accessed 2026-11-22).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.core import schema
from carbonlab.core.schema import TIME

__all__ = ["siler_evans", "hour_groups", "GROUPINGS"]

#: Named groupings of hours: name -> function(DatetimeIndex in local time) -> labels.
GROUPINGS = {
    "hour": lambda t: np.asarray(t.hour),
    "month": lambda t: np.asarray(t.month),
    "season": lambda t: np.asarray(pd.Series(t.month).map(
        {12: "DJF", 1: "DJF", 2: "DJF", 3: "MAM", 4: "MAM", 5: "MAM", 6: "JJA", 7: "JJA", 8: "JJA",
         9: "SON", 10: "SON", 11: "SON"}), dtype=object),
    "daytype": lambda t: np.where(np.asarray(t.day_of_week) >= 5, "weekend", "weekday").astype(object),
}


def hour_groups(time, by=("season", "hour"), *, timezone: str | None = None) -> dict[str, np.ndarray]:
    """Group labels of hours.

    Parameters
    ----------
    time : array_like of datetime64
        UTC hour starts (tz-naive or tz-aware).
    by : sequence of str
        Keys of :data:`GROUPINGS` (``hour``, ``month``, ``season``, ``daytype``).
    timezone : str, optional
        IANA zone in which hours, months and weekdays are counted (default UTC).

    Returns
    -------
    dict of str -> numpy.ndarray
    """
    t = pd.DatetimeIndex(time)
    t = t.tz_localize("UTC") if t.tz is None else t.tz_convert("UTC")
    if timezone:
        t = t.tz_convert(timezone)
    unknown = set(by) - set(GROUPINGS)
    if unknown:
        raise ValueError(f"unknown grouping(s) {sorted(unknown)}; known: {sorted(GROUPINGS)}")
    return {name: GROUPINGS[name](t) for name in by}


def _ols(dg: np.ndarray, de: np.ndarray):
    """Slope, intercept, slope standard error, R^2 and n of de = a + b dg."""
    n = len(dg)
    if n < 3:
        return np.nan, np.nan, np.nan, np.nan, n
    xm, ym = dg.mean(), de.mean()
    sxx = ((dg - xm) ** 2).sum()
    if sxx == 0:
        return np.nan, np.nan, np.nan, np.nan, n
    b = ((dg - xm) * (de - ym)).sum() / sxx
    a = ym - b * xm
    resid = de - a - b * dg
    sse = (resid ** 2).sum()
    sst = ((de - ym) ** 2).sum()
    se = np.sqrt(sse / (n - 2) / sxx)
    r2 = 1.0 - sse / sst if sst > 0 else np.nan
    return b, a, se, r2, n


def siler_evans(emissions, generation, *, by=("season", "hour"), timezone: str | None = None) -> xr.Dataset:
    """Marginal emission factors by the regression method of Siler-Evans et al. (2012).

    Parameters
    ----------
    emissions : xarray.DataArray
        Emissions of the region in each hour, on ``time``. [kg]
    generation : xarray.DataArray
        Fossil generation of the region in each hour, on ``time``. [MWh]
    by : sequence of str, default ("season", "hour")
        Groups of hours fitted separately (keys of :data:`GROUPINGS`); ``()``
        fits one factor for all hours.
    timezone : str, optional
        IANA zone in which groups are counted (default UTC).

    Returns
    -------
    xarray.Dataset
        On the grouping dimensions: ``marginal_emission_factor`` (the slope
        beta) [g kWh-1], ``marginal_emission_factor_stderr`` [g kWh-1],
        ``marginal_intercept`` (alpha) [kg], ``marginal_r2`` [1] and
        ``marginal_n`` [1].  Groups with fewer than three pairs, or without
        variation in generation, are NaN.

    Notes
    -----
    .. math:: \\Delta E_t = \\alpha + \\beta \\, \\Delta G_t + \\varepsilon_t

    kg MWh-1 and g kWh-1 are the same unit, so beta needs no conversion.

    Examples
    --------
    >>> import numpy as np, pandas as pd, xarray as xr
    >>> t = pd.date_range("2022-01-01", periods=200, freq="h")
    >>> g = xr.DataArray(1000 + 300 * np.sin(np.arange(200) / 5.0), coords={"time": t})
    >>> e = 650.0 * g + 2e5
    >>> round(float(siler_evans(e, g, by=()).marginal_emission_factor), 9)
    650.0
    """
    e = emissions.transpose(TIME, ...)
    g = generation.transpose(TIME, ...)
    if e.dims != (TIME,) or g.dims != (TIME,):
        raise ValueError("siler_evans takes one region's series on 'time' only; loop or vectorise over regions")
    e, g = xr.align(e, g, join="inner")
    t = pd.DatetimeIndex(e[TIME].values)
    ev, gv = e.to_numpy().astype(float), g.to_numpy().astype(float)
    step = np.diff(t.values).astype("timedelta64[s]").astype(float)
    ok = (step == 3600.0) & np.isfinite(ev[1:]) & np.isfinite(ev[:-1]) & np.isfinite(gv[1:]) & np.isfinite(gv[:-1])
    de, dg = np.diff(ev)[ok], np.diff(gv)[ok]
    labels = hour_groups(t[1:][ok], by, timezone=timezone)
    names = list(by)
    if names:
        frame = pd.DataFrame({**labels, "de": de, "dg": dg})
        keys = [sorted(pd.unique(frame[n])) for n in names]
        index = pd.MultiIndex.from_product(keys, names=names)
        fits = {tuple(k) if isinstance(k, tuple) else (k,): _ols(grp["dg"].to_numpy(), grp["de"].to_numpy())
                for k, grp in frame.groupby(names)}
        rows = [fits.get(tuple(k), (np.nan,) * 4 + (0,)) for k in index]
        arr = np.array(rows, dtype=float).reshape([len(k) for k in keys] + [5])
        coords = {n: k for n, k in zip(names, keys)}
        dims = names
    else:
        arr = np.array(_ols(dg, de), dtype=float)
        coords, dims = {}, []
    out = xr.Dataset()
    for j, name in enumerate(("marginal_emission_factor", "marginal_intercept", "marginal_emission_factor_stderr",
                              "marginal_r2", "marginal_n")):
        out[name] = schema.set_attrs(xr.DataArray(arr[..., j], dims=dims, coords=coords), name,
                                     method="siler_evans_2012")
    out.attrs = {"method": "Siler-Evans, Azevedo and Morgan 2012, doi:10.1021/es300145v",
                 "groups": ",".join(names) or "all hours", "timezone_of_groups": timezone or "UTC",
                 "pairs_used": int(ok.sum()), "pairs_skipped": int((~ok).sum())}
    return out
