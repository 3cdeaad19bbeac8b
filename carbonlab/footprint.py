"""Orchestration: usage cube -> IT energy -> facility energy -> CO2e, embodied, water.

Thin by design: :class:`FootprintChain` has one slot per stage, each filled
with a model picked by name from a registry (or a callable), and ``run`` calls
them in order.  :func:`estimate` runs one methodology; :func:`compare` runs
several and concatenates them along a ``methodology`` dimension.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import xarray as xr

from carbonlab._version import __version__
from carbonlab.models import embodied, emissions, energy, facility, market, water
from carbonlab.datasets import hardware, sites
from carbonlab import signals
from carbonlab.core import schema
from carbonlab.core.provenance import with_assumed
from carbonlab.cube import usage_cube
from carbonlab.methodology import Methodology, methodology as get_methodology
from carbonlab.core.schema import BASIS, COMPONENT, METHODOLOGY, REGION, TIME

__all__ = ["FootprintChain", "estimate", "compare", "summary", "to_tidy", "unattributed_table"]


# --- stage models: f(ds, m) -> (dict of new variables, list of assumed) ------
def _energy_ccf(ds: xr.Dataset, m: Methodology):
    cpu = energy.ccf_compute_aggregated(ds["cpu_energy_idle"], ds["cpu_energy_span_measured"],
                                        ds["cpu_energy_span_unmeasured"], utilization=m.default_utilization)
    gpu = energy.ccf_compute_aggregated(ds["gpu_energy_idle"], ds["gpu_energy_span_measured"],
                                        ds["gpu_energy_span_unmeasured"], utilization=m.default_utilization)
    gb_hours = ds["memory_gb_hours_replicated"]
    if m.memory_beyond_benchmark:
        gb_hours = gb_hours + ds["memory_extra_gb_hours"]
    memory = energy.ccf_memory(gb_hours, coefficient=m.memory_coefficient)
    storage = (energy.ccf_storage(ds["storage_ssd_tb_hours_replicated"], coefficient=m.ssd_coefficient)
               + energy.ccf_storage(ds["storage_hdd_tb_hours_replicated"], coefficient=m.hdd_coefficient))
    network = energy.ccf_network(ds["network_gb"], coefficient=m.network_coefficient)
    parts = [cpu, gpu, memory, storage, network]
    energy_it = xr.concat([p.drop_attrs() if hasattr(p, "drop_attrs") else p for p in parts],
                          dim=pd.Index(list(schema.COMPONENTS), name=COMPONENT), coords="minimal",
                          compat="override")
    energy_it[COMPONENT].attrs = {"long_name": "IT component"}
    notes = hardware.coefficient_notes(ds["provider"].values, m.coefficient_set)   # fallback watts (OCI)
    return {"energy_it": schema.set_attrs(energy_it, "energy_it", model="ccf")}, notes


def _facility_pue(ds: xr.Dataset, m: Methodology):
    values, assumed = sites.pue(ds[REGION].values, ds["provider"].values, source=m.pue_source, fleet=m.pue_fleet)
    pue = schema.set_attrs(xr.DataArray(values, dims=REGION, coords={REGION: ds[REGION]}), "pue",
                           source=m.pue_source)
    total = facility.pue_energy(ds["energy_it"].sum(COMPONENT), pue)
    return {"pue": pue, "energy": schema.set_attrs(total, "energy")}, assumed


def _grid_intensity(ds: xr.Dataset, m: Methodology, signal=None, instruments=None):
    details: dict = {}
    signal, assumed = signals.grid_intensity(ds[TIME].values, ds[REGION].values, ds["provider"].values,
                                               source=m.grid_source, bases=m.bases, resolution=m.resolution,
                                               signal=signal, instruments=instruments, energy=ds["energy"],
                                               details=details)
    signal = signal.assign_coords({TIME: ds[TIME], REGION: ds[REGION]})
    co2e = emissions.location_based(ds["energy"], signal)
    out = {"grid_intensity": signal, "co2e_operational": schema.set_attrs(co2e, "co2e_operational")}
    # the Scope 2 hierarchy's steps in kWh per region; NaN when the methodology has no market basis
    steps = details.get("market_step_energy", market.empty_market_steps(ds[REGION].values))
    out["market_step_energy"] = steps.assign_coords({REGION: ds[REGION]})
    return out, assumed


def _grid_stage(signal, instruments):
    """The grid stage with a user's own signal and/or contractual instruments (None: the methodology's)."""
    if signal is None and instruments is None:
        return None
    return functools.partial(_grid_intensity, signal=signal, instruments=instruments)


def _unknown_platform_notes(ds: xr.Dataset) -> list[str]:
    """Say how much compute has no embodied estimate because its instance type is unknown."""
    if "vcpu_hours_unknown_platform" not in ds:
        return []
    unknown = float(ds["vcpu_hours_unknown_platform"].sum())
    if unknown <= 0:
        return []
    share = unknown / max(float(ds["vcpu_hours"].sum()), unknown)
    return [f"embodied: {unknown:.6g} vCPU-h ({share:.1%} of compute) have an unknown instance type and no "
            "embodied estimate"]


def _embodied_teads(ds: xr.Dataset, m: Methodology):
    kg = embodied.sci_embodied_from_reserved(ds["embodied_reserved"], lifespan_years=m.amortization_years)
    return ({"co2e_embodied": schema.set_attrs(kg * 1000.0, "co2e_embodied", model="teads_baseline")},
            _unknown_platform_notes(ds))


def _embodied_boavizta(ds: xr.Dataset, m: Methodology):
    kg = embodied.sci_embodied_from_reserved(ds["embodied_reserved"], lifespan_years=m.amortization_years)
    notes = [n for n in ds.attrs.get("embodied_assumed", "").splitlines() if n]
    return ({"co2e_embodied": schema.set_attrs(kg * 1000.0, "co2e_embodied", model="boavizta")},
            notes + _unknown_platform_notes(ds))


def _embodied_none(ds: xr.Dataset, m: Methodology):
    return {"co2e_embodied": schema.set_attrs(xr.zeros_like(ds["embodied_reserved"]), "co2e_embodied",
                                              model="none")}, []


def _water_wue(ds: xr.Dataset, m: Methodology):
    values, assumed = sites.wue(ds[REGION].values, ds["provider"].values, source=m.wue_source)
    wue = schema.set_attrs(xr.DataArray(values, dims=REGION, coords={REGION: ds[REGION]}), "wue",
                           source=m.wue_source)
    return {"wue": wue, "water": schema.set_attrs(water.wue_water(ds["energy_it"].sum(COMPONENT), wue),
                                                  "water")}, assumed


#: Stage registries: name -> model.  ``FootprintChain`` picks from these.
ENERGY_MODELS = {"ccf": _energy_ccf}
FACILITY_MODELS = {"pue": _facility_pue}
GRID_MODELS = {"intensity": _grid_intensity}
EMBODIED_MODELS = {"teads_baseline": _embodied_teads, "boavizta": _embodied_boavizta, "none": _embodied_none}
WATER_MODELS = {"wue": _water_wue}

Stage = str | Callable | None


def _resolve(slot: Stage, registry: dict, default: str, stage: str) -> Callable:
    if callable(slot):
        return slot
    name = default if slot is None else slot
    try:
        return registry[name]
    except KeyError:
        raise KeyError(f"unknown {stage} model {name!r}; known: {sorted(registry)}") from None


@dataclass(frozen=True)
class FootprintChain:
    """The stages of a footprint, one slot each.

    Each slot takes a model name (a key of the stage's registry), a callable
    ``f(ds, methodology) -> (variables, assumed)``, or None to infer it from
    the methodology.

    Examples
    --------
    >>> chain = FootprintChain.from_methodology("ccf")
    >>> chain.methodology.pue_source
    'ccf'
    """

    methodology: Methodology
    energy: Stage = None
    facility: Stage = None
    grid: Stage = None
    embodied: Stage = None
    water: Stage = None

    @classmethod
    def from_methodology(cls, name: str | Methodology, **slots) -> "FootprintChain":
        """A chain for a preset name or a :class:`Methodology`."""
        return cls(get_methodology(name), **slots)

    def stages(self) -> list[tuple[str, Callable]]:
        m = self.methodology
        return [
            ("energy", _resolve(self.energy, ENERGY_MODELS, "ccf", "energy")),
            ("facility", _resolve(self.facility, FACILITY_MODELS, "pue", "facility")),
            ("grid", _resolve(self.grid, GRID_MODELS, "intensity", "grid")),
            ("embodied", _resolve(self.embodied, EMBODIED_MODELS, m.embodied_model, "embodied")),
            ("water", _resolve(self.water, WATER_MODELS, "wue", "water")),
        ]

    def run(self, cube: xr.Dataset) -> xr.Dataset:
        """Compute the footprint of a usage cube.

        Parameters
        ----------
        cube : xarray.Dataset
            A usage cube built with this methodology's coefficient set
            (:func:`carbonlab.cube.usage_cube`), numpy- or dask-backed.

        Returns
        -------
        xarray.Dataset
            The cube plus ``energy_it``, ``pue``, ``energy``,
            ``grid_intensity``, ``co2e_operational``, ``co2e_embodied``,
            ``wue``, ``water``, with the methodology's provenance in attrs.
        """
        m = self.methodology
        for key, wanted in m.cube_options.items():
            built = cube.attrs.get(key, "teads_baseline" if key == "embodied_model" else None)
            if built != wanted:
                raise ValueError(f"the cube was built with {key.replace('_', ' ')} {built!r} but methodology "
                                 f"{m.id!r} needs {wanted!r}; pass the UsageTable to estimate() instead")
        ds = cube.copy()
        assumed: list[str] = [f"parameter {p}: default" for p in m.assumed]
        files = [f for f in str(cube.attrs.get("source_files", "")).splitlines() if f]
        for _, model in self.stages():
            try:
                new, notes = model(ds, m)
            except KeyError as exc:   # a region or parameter of the bill the data lacks: name the bill
                if len(files) != 1:
                    raise
                raise KeyError(f"{files[0]}: {exc.args[0] if exc.args else exc}") from None
            ds = ds.assign(new)
            assumed.extend(notes)
        ds.attrs = {**cube.attrs, "title": "carbonlab footprint", **m.provenance(assumed),
                    "carbonlab_version": __version__}
        return ds


def _as_cube(usage, m: Methodology, account: bool, **options) -> xr.Dataset:
    if isinstance(usage, xr.Dataset):
        return usage
    return usage_cube(usage, **m.cube_options, account=account, **options)


def estimate(usage, methodology: str | Methodology = "carbonlab", *, account: bool = False,
             intensity=None, instruments=None, unattributed: str | None = None, lenient: bool = False,
             exchange_rates: dict | None = None) -> xr.Dataset:
    """Footprint of cloud usage under one methodology.

    Parameters
    ----------
    usage : pandas.DataFrame or xarray.Dataset
        A UsageTable, or a usage cube built with the methodology's coefficient set.
    methodology : str or Methodology, default "carbonlab"
        A preset name (:func:`carbonlab.list_methodologies`) or a value.
    account : bool, default False
        Keep an ``account`` dimension (UsageTable input only).
    intensity : xarray.Dataset, xarray.DataArray or a list of them, optional
        Your own grid signal (e.g. ``carbonlab.read_electricitymaps(files)``,
        or ``[read_electricitymaps(...), read_watttime(...)]``), used instead
        of the methodology's source wherever it covers a region and basis
        (:func:`carbonlab.signals.grid_intensity`).
    instruments : pandas.DataFrame or path, optional
        Contractual instruments for the market basis
        (:func:`carbonlab.models.market.validate_instruments`).
    unattributed : {"ccf_cost_ratio"}, optional
        Also estimate the unattributed usage (``unattributed_energy_estimate``,
        ``unattributed_co2e_estimate``), labelled as an estimate
        (:func:`carbonlab.cube.ccf_cost_ratio`).
    lenient, exchange_rates : optional
        As in :func:`carbonlab.usage_cube` (usage outside the bill's span left
        unattributed; rates for bills in several currencies).

    Returns
    -------
    xarray.Dataset
        The Footprint (see :meth:`FootprintChain.run`).
    """
    chain = FootprintChain.from_methodology(methodology, grid=_grid_stage(intensity, instruments))
    fp = chain.run(_as_cube(usage, chain.methodology, account, lenient=lenient, exchange_rates=exchange_rates))
    if unattributed is not None:  # the hook of the unattributed estimate (issue 3)
        from carbonlab.cube import UNATTRIBUTED_MODELS, ccf_cost_ratio

        if unattributed not in UNATTRIBUTED_MODELS:
            raise ValueError(f"unknown unattributed model {unattributed!r}; known: {UNATTRIBUTED_MODELS}")
        attrs = dict(fp.attrs)
        fp = fp.assign(ccf_cost_ratio(fp))
        fp.attrs = {**with_assumed(attrs, ["unattributed usage estimated by CCF's cost-ratio method, per provider "
                                           "(an estimate, not a physical model)"]),
                    "unattributed_model": unattributed}
    return fp


#: Footprint variables that :func:`compare` always puts on the ``methodology`` dimension.
RESULT_VARIABLES = ("energy_it", "pue", "energy", "grid_intensity", "co2e_operational", "co2e_embodied", "wue",
                    "water")


def compare(usage, methodologies, *, account: bool = False, intensity=None, instruments=None, lenient: bool = False,
            exchange_rates: dict | None = None) -> xr.Dataset:
    """Footprints of the same usage under several methodologies.

    Parameters
    ----------
    usage : pandas.DataFrame
        A UsageTable (each methodology builds the cube it needs; cubes are
        shared between methodologies with the same
        :attr:`Methodology.hardware_key`).
    methodologies : sequence of str or Methodology
    account : bool, default False
    intensity, instruments, lenient, exchange_rates : optional
        As in :func:`estimate`, for every methodology.

    Returns
    -------
    xarray.Dataset
        Footprints concatenated along a new ``methodology`` dimension, with
        each methodology's parameters and assumptions as coordinates on it.
    """
    ms = [get_methodology(m) for m in methodologies]
    ids = [m.id for m in ms]
    if len(set(ids)) != len(ids):
        raise ValueError(f"methodology ids must be distinct, got {ids}")
    cubes: dict[tuple, xr.Dataset] = {}
    runs = []
    for m in ms:
        if m.hardware_key not in cubes:
            cubes[m.hardware_key] = _as_cube(usage, m, account, lenient=lenient, exchange_rates=exchange_rates)
        runs.append(FootprintChain(m, grid=_grid_stage(intensity, instruments)).run(cubes[m.hardware_key]))
    dim = pd.Index(ids, name=METHODOLOGY)
    out = xr.concat(runs, dim=dim, data_vars="different", coords="different", compat="equals",
                    join="outer", combine_attrs="drop_conflicts")
    out[METHODOLOGY].attrs = {"long_name": "methodology"}
    # results always carry the methodology dimension, even where two methodologies agree
    for name in RESULT_VARIABLES:
        if name in out and METHODOLOGY not in out[name].dims:
            out[name] = out[name].expand_dims({METHODOLOGY: dim}).copy()
    out = out.assign_coords(
        methodology_parameters=(METHODOLOGY, [r.attrs["parameters"] for r in runs]),
        methodology_assumed=(METHODOLOGY, [r.attrs["assumed"] for r in runs]),
    )
    for name in list(out.data_vars):
        if name in schema.VARIABLES:
            out[name].attrs = {**schema.VARIABLES[name], **{k: v for k, v in runs[0][name].attrs.items()
                                                           if k not in schema.VARIABLES[name]}}
    out.attrs = {"title": "carbonlab methodology comparison", "methodologies": json.dumps(ids),
                 "carbonlab_version": __version__}
    return out


def summary(fp: xr.Dataset) -> dict:
    """Headline totals of a Footprint (no methodology dimension).

    Returns
    -------
    dict
        ``energy_it_kwh``, ``energy_kwh``, ``co2e_t`` (per basis),
        ``co2e_embodied_t``, ``water_l``, ``top_regions`` and
        ``top_services`` (location-based average t CO2e, largest first),
        ``unattributed_records``, ``unattributed_cost`` and the bill's ``currency``.
    """
    op = fp["co2e_operational"]
    first = str(op[BASIS].values[0])
    by_region = op.sel({BASIS: first}).sum([d for d in op.dims if d not in (REGION, BASIS)]) / 1e6
    by_service = op.sel({BASIS: first}).sum([d for d in op.dims if d not in ("service", BASIS)]) / 1e6
    top = lambda da, dim: [(str(k), float(v)) for k, v in  # noqa: E731
                           sorted(zip(da[dim].values, da.values), key=lambda kv: -kv[1])[:5]]
    return {
        "methodology": fp.attrs.get("methodology"),
        "energy_it_kwh": float(fp["energy_it"].sum()),
        "energy_kwh": float(fp["energy"].sum()),
        "co2e_t": {str(b): float(op.sel({BASIS: b}).sum()) / 1e6 for b in op[BASIS].values},
        "co2e_embodied_t": float(fp["co2e_embodied"].sum()) / 1e6,
        "water_l": float(fp["water"].sum()),
        "top_regions": top(by_region, REGION),
        "top_services": top(by_service, "service"),
        "basis_of_ranking": first,
        "unattributed_records": int(fp["unattributed_records"].sum()) if "unattributed_records" in fp else 0,
        "unattributed_cost": float(fp["unattributed_cost"].sum()) if "unattributed_cost" in fp else 0.0,
        "currency": fp.attrs.get("currency", ""),
    }


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
    if fp.sizes.get(TIME, 0) == 0:   # nothing placed: an empty table with the same columns
        cols = (["period", "region", "provider", "service", "energy_it_kwh", "energy_kwh"]
                + [f"co2e_{b}_g" for b in fp[BASIS].values] + ["co2e_embodied_g", "water_l"])
        return pd.DataFrame(columns=cols)
    parts = {"energy_it_kwh": fp["energy_it"].sum(COMPONENT), "energy_kwh": fp["energy"],
             "co2e_embodied_g": fp["co2e_embodied"], "water_l": fp["water"]}
    for b in fp[BASIS].values:
        parts[f"co2e_{b}_g"] = fp["co2e_operational"].sel({BASIS: b}, drop=True)
    ds = xr.Dataset({k: v.drop_vars([c for c in v.coords if c not in v.dims and c != "provider"], errors="ignore")
                     for k, v in parts.items()})
    ds = ds.resample({TIME: freq}).sum()
    df = ds.to_dataframe().reset_index().rename(columns={TIME: "period"})
    value_cols = [c for c in df.columns if c.endswith(("_kwh", "_g", "_l"))]
    df = df[(df[value_cols] != 0).any(axis=1)]
    lead = ["period", "region", "provider", "service"]
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
