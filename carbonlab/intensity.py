"""Grid carbon-intensity signals on (time, region, basis).

A signal is an array of grams CO2e per kWh on ``time`` x ``region`` x
``basis``.  Sources are registered by name in :data:`SOURCES`; each returns
the array and the list of fallbacks it applied (recorded in a Footprint's
``assumed`` attr), never a silent default.

Bases: ``location_average`` (grid average, location-based method),
``location_marginal`` (marginal operating emission rate), ``market``
(market-based method after the GHG Protocol Scope 2 hierarchy).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab import datasets, schema
from carbonlab.schema import BASIS, REGION, TIME

__all__ = ["grid_intensity", "SOURCES"]


def _lookup_regions(regions, providers):
    table = datasets.load_table("regions").set_index(["provider", "region"])
    keys = list(zip(providers, regions))
    missing = [k for k in keys if k not in table.index]
    return table, keys, missing


def _country_fallback(table, provider, region, column):
    """Mean of the provider's regions in the same country (documented fallback)."""
    if (provider, region) not in table.index:
        return np.nan, None
    country = table.loc[(provider, region), "country"]
    same = table[(table["country"] == country) & table[column].notna()]
    if same.empty:
        return np.nan, None
    return float(same[column].mean()), f"{provider}:{region} {column}: mean of {len(same)} regions in {country}"


def regions_annual(regions, providers, bases):
    """Annual location-based average (Electricity Maps) and marginal (WattTime) per region.

    Market basis: the provider's market-based annual factor where it publishes
    one, else the location-based average (last step of the Scope 2 hierarchy),
    recorded as assumed.
    """
    table, keys, _ = _lookup_regions(regions, providers)
    columns = {"location_average": "intensity_average", "location_marginal": "intensity_marginal",
               "market": "market_intensity"}
    values = np.full((len(keys), len(bases)), np.nan)
    assumed = []
    for j, basis in enumerate(bases):
        col = columns[basis]
        for i, key in enumerate(keys):
            v = table[col].get(key, np.nan)
            if pd.isna(v) and basis == "market":
                v = table["intensity_average"].get(key, np.nan)
                if not pd.isna(v):
                    assumed.append(f"{key[0]}:{key[1]} market: no contractual factor, location average used")
            if pd.isna(v):
                v, note = _country_fallback(table, key[0], key[1], col)
                if note:
                    assumed.append(note)
            if pd.isna(v):
                raise KeyError(f"no {basis} grid intensity for {key[0]} region {key[1]!r} in the shipped "
                               "regions dataset; pass your own intensity array")
            values[i, j] = v
    return values, assumed


def ccf_factors(regions, providers, bases):
    """Cloud Carbon Footprint's annual factor tables (location-based average only).

    A region missing from CCF's table gets CCF's ``Unknown`` factor of its
    cloud, as CCF does (``estimateCo2``); each such region is recorded.
    """
    if list(bases) != ["location_average"]:
        raise ValueError("CCF's factor tables give location_average only")
    t = datasets.load_table("coefficients", "ccf_emission_factors")
    t["key"] = t["region_key"].fillna(t["region"]).astype(str)
    lut = {(p, k): v for p, k, v in zip(t["provider"], t["key"], t["intensity"])}
    values = np.empty((len(regions), 1))
    assumed = []
    for i, (p, r) in enumerate(zip(providers, regions)):
        if (p, r) in lut:
            values[i, 0] = lut[(p, r)]
        else:
            values[i, 0] = lut[(p, "Unknown")]
            assumed.append(f"{p}:{r} grid: not in CCF's table, CCF's Unknown factor used")
    return values, assumed


#: Intensity sources by name: f(regions, providers, bases) -> (values[region, basis] g/kWh, assumed).
SOURCES = {"regions_annual": regions_annual, "ccf_factors": ccf_factors}


def grid_intensity(time, regions, providers, *, source="regions_annual",
                   bases=("location_average",), resolution="annual"):
    """Build the grid carbon-intensity array for a footprint.

    Parameters
    ----------
    time : array_like of datetime64
        Hours of the footprint.
    regions, providers : array_like of str
        Region codes and their providers.
    source : str
        A key of :data:`SOURCES`.
    bases : sequence of str
        Bases to return.
    resolution : {"annual"}
        Temporal resolution of the signal.

    Returns
    -------
    intensity : xarray.DataArray
        On (time, region, basis). [g kWh-1]
    assumed : list of str
        Fallbacks applied.
    """
    if resolution != "annual":
        raise ValueError(f"resolution {resolution!r} is not available from source {source!r}")
    try:
        fn = SOURCES[source]
    except KeyError:
        raise KeyError(f"unknown grid source {source!r}; sources: {sorted(SOURCES)}") from None
    values, assumed = fn(list(regions), list(providers), list(bases))
    da = xr.DataArray(np.broadcast_to(values, (len(time),) + values.shape).copy(),
                      dims=(TIME, REGION, BASIS),
                      coords={TIME: time, REGION: list(regions), BASIS: list(bases)})
    return schema.set_attrs(da, "grid_intensity", source=source, resolution=resolution), assumed
