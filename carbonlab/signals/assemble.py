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

Sources (:mod:`carbonlab.datasets.grid`)
----------------------------------------
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

Resolution (:mod:`carbonlab.signals.resolution`) and a user's own signal (:mod:`carbonlab.signals.user`)
are documented in their modules.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.core import schema
from carbonlab.core.schema import BASIS, REGION, TIME
from carbonlab.datasets.grid import NATIVE_RESOLUTION, SOURCES, regions_table
from carbonlab.io.instruments import read_instruments
from carbonlab.models import market
from carbonlab.signals.resolution import RESOLUTIONS, hours_for, to_resolution
from carbonlab.signals.user import user_values

__all__ = ["grid_intensity"]


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
        (:func:`carbonlab.models.market.validate_instruments`; a CSV path is read
        by :func:`carbonlab.io.instruments.read_instruments`).
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
    fn, native = _check_request(source, bases, resolution, signal)
    time_idx = pd.DatetimeIndex(time)
    regions, providers = [str(r) for r in regions], [str(p) for p in providers]
    hours = hours_for(time_idx, resolution)
    need = list(dict.fromkeys([b for b in bases if b != "market"] + (["location_average"] if "market" in bases
                                                                         else [])))
    values, assumed = _location_values(fn, hours, regions, providers, need, signal=signal, resolution=resolution,
                                       source=source, native=native)
    da = xr.DataArray(values, dims=(TIME, REGION, BASIS), coords={TIME: hours, REGION: regions, BASIS: need})
    constant = signal is None and native == "annual"
    da = da if constant else to_resolution(da, resolution)      # a constant needs no averaging (exact values)
    out = {b: da.sel({BASIS: b}, drop=True) for b in need}
    if "market" in bases:
        out["market"], notes = _market_basis(out["location_average"], hours, regions, providers, energy=energy,
                                             instruments=instruments, details=details)
        assumed += notes
    result = xr.concat([out[b].drop_attrs() for b in bases], dim=BASIS).assign_coords({BASIS: list(bases)})
    result = result.transpose(TIME, REGION, BASIS).sel({TIME: time_idx})
    result = result.assign_coords({TIME: np.asarray(time), REGION: regions})
    return schema.set_attrs(result, "grid_intensity", source=source if signal is None else f"user signal + {source}",
                            resolution=resolution), assumed


def _check_request(source, bases, resolution, signal):
    """The source's function and native resolution, after checking the request can be met."""
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
    return fn, native


def _location_values(fn, hours, regions, providers, need, *, signal, resolution, source, native):
    """Location-based values on (hour, region, basis): the user's signal where it covers, the source elsewhere."""
    values = np.full((len(hours), len(regions), len(need)), np.nan)
    assumed: list[str] = []
    provided = np.zeros((len(regions), len(need)), dtype=bool)
    if signal is not None:
        uv, provided, notes = user_values(signal, hours, regions, providers, need, resolution)
        values = np.where(provided[None], uv, values)
        assumed += notes
    rest = [i for i in range(len(regions)) if not provided[i].all()]
    if not rest:
        return values, assumed
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
    return values, assumed


def _market_basis(location_average, hours, regions, providers, *, energy, instruments, details):
    """The market basis after the Scope 2 hierarchy (:func:`carbonlab.models.market.market_factor`), and notes."""
    sup = regions_table()["market_intensity"]
    supplier = xr.DataArray([float(sup.get((p, r), np.nan)) for r, p in zip(regions, providers)],
                            dims=REGION, coords={REGION: regions})
    e = None
    if energy is not None:
        e = energy.sum([d for d in energy.dims if d not in (TIME, REGION)])
        e = e.assign_coords({TIME: pd.DatetimeIndex(e[TIME].values), REGION: [str(r) for r in e[REGION].values]})
        e = e.reindex({TIME: hours}, fill_value=0.0)
    if instruments is not None and not isinstance(instruments, pd.DataFrame):
        instruments = read_instruments(instruments)          # a path
    mk, steps, used = market.market_factor(e, location_average, instruments=instruments, supplier=supplier)
    notes = [f"{p}:{r} market: provider's market-based factor {s} g/kWh (supplier-specific)" if np.isfinite(s) else
             f"{p}:{r} market: no contractual factor, location average used"
             for r, p, s in zip(regions, providers, supplier.values)]
    if details is not None:
        details["market_step_energy"] = steps
        details["instruments_used"] = used
    return mk, notes
