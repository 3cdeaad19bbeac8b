"""Tables of a Footprint: headline totals, totals by any dimension, one number, tidy rows, what was left out.

* :func:`summary`: the headline totals of one Footprint, as a dict (``summary.json`` of ``carbonlab demo``);
* :func:`totals` and :func:`total`: a Footprint or a comparison summed over every dimension but some, or
  reduced to one number per methodology (:data:`METRICS`);
* :func:`to_tidy`: a tidy table by period x region x service;
* :func:`unattributed_table`: the usage a cube or Footprint could not place.

Amounts keep the registry's units (:data:`carbonlab.core.schema.VARIABLES`) except where a name says
otherwise (``co2e_t``, :data:`METRICS`); every change of scale goes through
:func:`carbonlab.core.units.amount_scale`.
"""

from __future__ import annotations

import os

import pandas as pd
import xarray as xr

from carbonlab.core import schema
from carbonlab.core.schema import BASIS, COMPONENT, METHODOLOGY, REGION, SERVICE, TIME, VARIABLES
from carbonlab.core.units import amount_scale

__all__ = ["METRICS", "summary", "totals", "total", "to_tidy", "unattributed_table"]

#: The amounts of a Footprint (``time: sum`` variables) that :func:`totals` adds up.
_AMOUNTS = ("energy_it", "energy", "co2e_operational", "co2e_embodied", "water")

#: Amounts on the ``basis`` dimension: a metric of them takes one basis.
_BY_BASIS = ("co2e_operational",)

#: The unit a metric is reported in, by the registry unit of its amounts (others: the registry unit).
_REPORTED_IN = {"g": "t"}

#: The amounts each scalar metric adds up: ``co2e`` is operational (one basis) plus embodied.
_METRIC_PARTS: dict[str, tuple[str, ...]] = {"co2e": ("co2e_operational", "co2e_embodied"),
                                             **{name: (name,) for name in _AMOUNTS}}


def _metric(parts: tuple[str, ...]) -> tuple[str, str]:
    """(unit, long name) of the sum of registry amounts ``parts``, from the variables registry.

    The long names' common last words are said once: operational and embodied emissions (CO2e) give
    "operational on one basis plus embodied emissions (CO2e)".

    Examples
    --------
    >>> _metric(("co2e_operational", "co2e_embodied"))
    ('t', 'operational on one basis plus embodied emissions (CO2e)')
    >>> _metric(("energy_it",))
    ('kWh', 'IT energy')
    """
    units = {VARIABLES[p]["units"] for p in parts}
    if len(units) != 1:
        raise ValueError(f"the amounts {parts} have different units {sorted(units)}")
    unit = units.pop()
    words = [VARIABLES[p]["long_name"].split() for p in parts]
    shared = 0 if len(parts) == 1 else min(len(os.path.commonprefix([w[::-1] for w in words])),
                                           min(map(len, words)) - 1)
    heads = [" ".join(w[:len(w) - shared]) + (" on one basis" if p in _BY_BASIS else "") for w, p in zip(words, parts)]
    return _REPORTED_IN.get(unit, unit), " ".join([" plus ".join(heads)] + words[0][len(words[0]) - shared:])


#: Scalar metrics of a footprint (:func:`total`): name -> (unit, long name), from the variables registry.
METRICS: dict[str, tuple[str, str]] = {name: _metric(parts) for name, parts in _METRIC_PARTS.items()}


# --------------------------------------------------------------------------------------------- summary

def _top(da: xr.DataArray, dim: str, n: int = 5) -> list[tuple[str, float]]:
    """The ``n`` largest values of a 1-d ``da`` with their labels on ``dim``, largest first."""
    return [(str(k), float(v)) for k, v in sorted(zip(da[dim].values, da.values), key=lambda kv: -kv[1])[:n]]


def _tonnes(da: xr.DataArray, name: str):
    """An amount of registry variable ``name`` (grams) in tonnes."""
    return da / amount_scale(VARIABLES[name]["units"], "t")


def summary(fp: xr.Dataset) -> dict:
    """Headline totals of a Footprint (no methodology dimension).

    Returns
    -------
    dict
        ``energy_it_kwh``, ``energy_kwh``, ``co2e_t`` (per basis),
        ``co2e_embodied_t``, ``water_l``, ``top_regions`` and
        ``top_services`` (t CO2e on the footprint's first basis, named in
        ``basis_of_ranking``, largest first), ``unattributed_records``,
        ``unattributed_cost`` and the bill's ``currency``.
    """
    op = fp["co2e_operational"]
    first = str(op[BASIS].values[0])
    ranked = op.sel({BASIS: first}, drop=True)
    by = {dim: _tonnes(ranked.sum([d for d in ranked.dims if d != dim]), "co2e_operational")
          for dim in (REGION, SERVICE)}
    return {
        "methodology": fp.attrs.get("methodology"),
        "energy_it_kwh": float(fp["energy_it"].sum()),
        "energy_kwh": float(fp["energy"].sum()),
        "co2e_t": {str(b): _tonnes(float(op.sel({BASIS: b}).sum()), "co2e_operational") for b in op[BASIS].values},
        "co2e_embodied_t": _tonnes(float(fp["co2e_embodied"].sum()), "co2e_embodied"),
        "water_l": float(fp["water"].sum()),
        "top_regions": _top(by[REGION], REGION),
        "top_services": _top(by[SERVICE], SERVICE),
        "basis_of_ranking": first,
        "unattributed_records": int(fp["unattributed_records"].sum()) if "unattributed_records" in fp else 0,
        "unattributed_cost": float(fp["unattributed_cost"].sum()) if "unattributed_cost" in fp else 0.0,
        "currency": fp.attrs.get("currency", ""),
    }


# --------------------------------------------------------------------------------------------- totals

def _kept(fp: xr.Dataset, by) -> set[str]:
    """The dimensions :func:`totals` keeps: ``by`` (each a dimension of ``fp``), ``basis`` and ``methodology``."""
    by = [by] if isinstance(by, str) else list(by or [])
    missing = [d for d in by if d not in fp.dims]
    if missing:
        raise KeyError(f"the footprint has no dimension {missing[0]!r}; dimensions: {sorted(fp.dims)}")
    return set(by) | {METHODOLOGY, BASIS}


def totals(fp: xr.Dataset, by=None, *, freq: str | None = None) -> xr.Dataset:
    """Amounts of a Footprint summed over every dimension but ``by``.

    Parameters
    ----------
    fp : xarray.Dataset
        A Footprint, or a comparison (a ``methodology`` dimension is kept).
    by : str or sequence of str, optional
        Dimensions to keep (``"region"``, ``"service"``, ``"time"``,
        ``"component"``, ``"account"``); ``basis`` and ``methodology`` are
        always kept.
    freq : str, optional
        With ``"time"`` in ``by``, a pandas frequency to sum the hours into
        (``"MS"`` months, ``"D"`` days).

    Returns
    -------
    xarray.Dataset
        ``energy_it`` [kWh], ``energy`` [kWh], ``co2e_operational`` [g],
        ``co2e_embodied`` [g], ``water`` [L], with registry attrs.

    Examples
    --------
    One hour of an m5.large (2 vCPU) in us-east-1:

    >>> import pandas as pd, carbonlab
    >>> usage = pd.DataFrame(dict(start=["2025-01-01T00:00Z"], end=["2025-01-01T01:00Z"], provider=["aws"],
    ...     region=["us-east-1"], service=["vm"], kind=["compute"], instance_type=["m5.large"],
    ...     quantity=[2.0], unit=["vCPU-h"], source_file=["doc"], source_row=[1]))
    >>> t = totals(carbonlab.estimate(usage, "ccf"), by="region")
    >>> t["co2e_operational"].dims, t["co2e_operational"].attrs["units"]
    (('region', 'basis'), 'g')
    """
    keep = _kept(fp, by)
    out = {}
    for name in _AMOUNTS:
        da = fp[name]
        # min_count: a basis a methodology of a comparison does not compute stays missing, not 0
        summed = da.sum([d for d in da.dims if d not in keep], min_count=1)
        if freq is not None and TIME in summed.dims:
            summed = summed.resample({TIME: freq}).sum(min_count=1)
        out[name] = schema.set_attrs(summed, name)
    return xr.Dataset(out, attrs={k: v for k, v in fp.attrs.items() if k != "history"})


def total(fp: xr.Dataset, metric: str = "co2e", *, basis: str | None = None):
    """One number of a Footprint (one per methodology of a comparison).

    Parameters
    ----------
    fp : xarray.Dataset
    metric : str, default "co2e"
        A key of :data:`METRICS`: ``co2e`` (operational on ``basis`` plus
        embodied) [t], ``co2e_operational`` [t], ``co2e_embodied`` [t],
        ``energy`` [kWh], ``energy_it`` [kWh], ``water`` [L].
    basis : str, optional
        Basis of the operational emissions; the footprint's first by default.

    Returns
    -------
    float or xarray.DataArray
        A float, or a DataArray on ``methodology`` for a comparison, in the
        metric's unit (``attrs["units"]``).

    Examples
    --------
    >>> METRICS["co2e"][0], METRICS["water"]
    ('t', ('L', 'water consumption'))
    """
    if metric not in METRICS:
        raise KeyError(f"unknown metric {metric!r}; metrics: {sorted(METRICS)}")
    parts = _METRIC_PARTS[metric]
    unit, long_name = METRICS[metric]
    basis = basis or str(fp[BASIS].values[0])
    if any(p in _BY_BASIS for p in parts) and basis not in fp[BASIS].values:
        raise KeyError(f"the footprint has no basis {basis!r}; bases: {list(fp[BASIS].values)}")
    t = totals(fp)
    values = [_part(t, p, basis, unit) for p in parts]
    return _number(sum(values[1:], values[0]), fp, {"units": unit, "long_name": long_name})


def _part(t: xr.Dataset, name: str, basis: str, unit: str) -> xr.DataArray:
    """The total of amount ``name`` (on ``basis`` if it has one) in ``unit``."""
    da = t[name].sel({BASIS: basis}, drop=True) if name in _BY_BASIS else t[name]
    return da / amount_scale(VARIABLES[name]["units"], unit)


def _number(value: xr.DataArray, fp: xr.Dataset, attrs: dict):
    """A float, or for a comparison a DataArray on every methodology of ``fp``, with ``attrs``."""
    value = value.drop_attrs() if hasattr(value, "drop_attrs") else value
    if METHODOLOGY in fp.dims and METHODOLOGY not in value.dims:
        # compare() keeps a variable equal in every methodology without the dimension
        value = value.expand_dims({METHODOLOGY: fp[METHODOLOGY].values})
    value.attrs = attrs
    return value if METHODOLOGY in value.dims else float(value)


# --------------------------------------------------------------------------------------------- rows

def _tidy_parts(fp: xr.Dataset) -> dict[str, xr.DataArray]:
    """The columns of :func:`to_tidy` (name with its unit -> variable), in the order of the table."""
    parts = {"energy_it_kwh": fp["energy_it"].sum(COMPONENT), "energy_kwh": fp["energy"]}
    for b in fp[BASIS].values:
        parts[f"co2e_{b}_g"] = fp["co2e_operational"].sel({BASIS: b}, drop=True)
    parts.update(co2e_embodied_g=fp["co2e_embodied"], water_l=fp["water"])
    return parts


def to_tidy(fp: xr.Dataset, freq: str = "MS") -> pd.DataFrame:
    """A tidy table of a Footprint by period x region x service.

    Parameters
    ----------
    fp : xarray.Dataset
        A Footprint.
    freq : str, default "MS"
        pandas frequency of the periods (``"MS"`` month, ``"D"`` day, ``"h"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``period, region, provider, service, energy_it_kwh, energy_kwh,
        co2e_<basis>_g..., co2e_embodied_g, water_l``; rows with no energy
        and no emissions are left out.
    """
    parts = _tidy_parts(fp)
    lead = ["period", REGION, "provider", SERVICE]
    if fp.sizes.get(TIME, 0) == 0:   # nothing placed: an empty table with the same columns
        return pd.DataFrame(columns=lead + list(parts))
    ds = xr.Dataset({k: v.drop_vars([c for c in v.coords if c not in v.dims and c != "provider"], errors="ignore")
                     for k, v in parts.items()})
    df = ds.resample({TIME: freq}).sum().to_dataframe().reset_index().rename(columns={TIME: "period"})
    value_cols = list(parts)
    df = df[(df[value_cols] != 0).any(axis=1)]
    lead = [c for c in lead if c in df.columns] + [c for c in df.columns if c not in lead and c not in value_cols]
    return df[lead + value_cols].sort_values(lead[:4]).reset_index(drop=True)


def unattributed_table(ds: xr.Dataset) -> pd.DataFrame:
    """The usage a cube or Footprint could not place, as a table, largest cost first.

    Parameters
    ----------
    ds : xarray.Dataset
        A usage cube or a Footprint (one methodology).

    Returns
    -------
    pandas.DataFrame
        One row per (provider, service, kind, unit, reason) group: columns
        ``provider, service, kind, unit, reason, records, quantity, cost``.
        ``quantity`` is in ``unit`` as billed; ``cost`` in the bill's currency.
    """
    dim = schema.UNATTRIBUTED
    cols = ["provider", "service", "kind", "unit", "reason"]
    if dim not in ds.dims:
        return pd.DataFrame(columns=cols + ["records", "quantity", "cost"])
    table = pd.DataFrame({c: ds[f"{dim}_{c}"].values if f"{dim}_{c}" in ds else "" for c in cols})
    table["records"] = ds[f"{dim}_records"].values
    table["quantity"] = ds[f"{dim}_quantity"].values
    table["cost"] = ds[f"{dim}_cost"].values
    return table.sort_values(["cost", "records"], ascending=False, kind="stable").reset_index(drop=True)
