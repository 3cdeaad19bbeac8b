"""The stages of a footprint, each declared once.

A :class:`Stage` names the models a stage can run (a registry, name -> ``f(ds, methodology) ->
(variables, assumed)``), the methodology parameter that picks one (if several), every methodology
parameter the stage reads, the allowed values of the parameters that name a model or a data source, and
which parameters change the usage cube (and so need a cube of their own).  :mod:`carbonlab.methodology`
(allowed values), :class:`carbonlab.FootprintChain` (the chain of models), :mod:`carbonlab.sensitivity`
(the stage of each parameter) and ``compare`` (which methodologies share a cube) all derive from
:data:`STAGES`.

=========  ==================================================  ==================================
stage      models                                              changes the cube
=========  ==================================================  ==================================
energy     ``ccf`` (:mod:`carbonlab.models.energy`)             ``coefficient_set``
facility   ``pue`` (:mod:`carbonlab.models.facility`)
grid       ``intensity`` (:func:`carbonlab.signals.grid_intensity`,
           :mod:`carbonlab.models.emissions`)
embodied   ``teads_baseline``, ``boavizta``, ``none``          ``embodied_model`` (boavizta or not)
           (:mod:`carbonlab.models.embodied`)
water      ``wue`` (:mod:`carbonlab.models.water`)
=========  ==================================================  ==================================

An optional last stage estimates what could not be placed (:data:`UNATTRIBUTED_MODELS`,
:mod:`carbonlab.models.unattributed`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd
import xarray as xr

from carbonlab import signals
from carbonlab.core import schema
from carbonlab.core.schema import COMPONENT, REGION, TIME
from carbonlab.core.units import GRAMS_PER_KG
from carbonlab.datasets import hardware, sites
from carbonlab.datasets.grid import SOURCES
from carbonlab.io.classify import estimable
from carbonlab.models import embodied, emissions, energy, facility, market, unattributed, water
from carbonlab.signals.resolution import RESOLUTIONS

if TYPE_CHECKING:
    from carbonlab.methodology import Methodology

__all__ = ["Stage", "STAGES", "CHOICES", "STAGE_PARAMETERS", "UNATTRIBUTED_MODELS", "cube_options", "stage_of",
           "grid_stage"]


# --- the stages' models: f(ds, methodology) -> (new variables, assumed) --------------------------------
def energy_ccf(ds: xr.Dataset, m: Methodology):
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


def facility_pue(ds: xr.Dataset, m: Methodology):
    values, assumed = sites.pue(ds[REGION].values, ds["provider"].values, source=m.pue_source, fleet=m.pue_fleet)
    pue = schema.set_attrs(xr.DataArray(values, dims=REGION, coords={REGION: ds[REGION]}), "pue",
                           source=m.pue_source)
    total = facility.pue_energy(ds["energy_it"].sum(COMPONENT), pue)
    return {"pue": pue, "energy": schema.set_attrs(total, "energy")}, assumed


def grid_intensity(ds: xr.Dataset, m: Methodology, signal=None, instruments=None):
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


def grid_stage(signal, instruments):
    """The grid stage with a user's own signal and/or contractual instruments (None: the methodology's)."""
    if signal is None and instruments is None:
        return None
    return functools.partial(grid_intensity, signal=signal, instruments=instruments)


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


def embodied_teads(ds: xr.Dataset, m: Methodology):
    kg = embodied.sci_embodied_from_reserved(ds["embodied_reserved"], lifespan_years=m.amortization_years)
    return ({"co2e_embodied": schema.set_attrs(kg * GRAMS_PER_KG, "co2e_embodied", model="teads_baseline")},
            _unknown_platform_notes(ds))


def embodied_boavizta(ds: xr.Dataset, m: Methodology):
    kg = embodied.sci_embodied_from_reserved(ds["embodied_reserved"], lifespan_years=m.amortization_years)
    notes = [n for n in ds.attrs.get("embodied_assumed", "").splitlines() if n]
    return ({"co2e_embodied": schema.set_attrs(kg * GRAMS_PER_KG, "co2e_embodied", model="boavizta")},
            notes + _unknown_platform_notes(ds))


def embodied_none(ds: xr.Dataset, m: Methodology):
    return {"co2e_embodied": schema.set_attrs(xr.zeros_like(ds["embodied_reserved"]), "co2e_embodied",
                                              model="none")}, []


def water_wue(ds: xr.Dataset, m: Methodology):
    values, assumed = sites.wue(ds[REGION].values, ds["provider"].values, source=m.wue_source)
    wue = schema.set_attrs(xr.DataArray(values, dims=REGION, coords={REGION: ds[REGION]}), "wue",
                           source=m.wue_source)
    return {"wue": wue, "water": schema.set_attrs(water.wue_water(ds["energy_it"].sum(COMPONENT), wue),
                                                  "water")}, assumed


def ccf_cost_ratio(ds: xr.Dataset, m):
    """CCF's cost-ratio estimate of the unattributed usage (:func:`carbonlab.models.unattributed.ccf_cost_ratio`)."""
    mask = estimable(ds[f"{schema.UNATTRIBUTED}_reason"].values)
    return unattributed.ccf_cost_ratio(ds, mask), ["unattributed usage estimated by CCF's cost-ratio method, per "
                                                   "provider (an estimate, not a physical model)"]


#: Models that estimate the unattributed usage (``estimate(..., unattributed=...)``).
UNATTRIBUTED_MODELS = {"ccf_cost_ratio": ccf_cost_ratio}


# --- the declarations ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stage:
    """One stage of the chain.

    Parameters
    ----------
    name : str
        The stage (a slot of :class:`carbonlab.FootprintChain`, a table of the TOML presets).
    label : str
        How studies name it (the tornado and waterfall groups).
    models : dict
        Model name -> ``f(ds, methodology) -> (variables, assumed)``.
    selector : str, optional
        The methodology parameter whose value names the model; None when the stage has one model.
    parameters : tuple of str
        Every methodology parameter the stage reads.
    choices : dict
        Parameter -> its allowed values, for the parameters that name a model or a data source.
    cube : dict
        Parameter -> f(value) giving the usage-cube option it sets (:func:`carbonlab.usage_cube`).
    """

    name: str
    label: str
    models: dict
    selector: str | None = None
    parameters: tuple = ()
    choices: dict = field(default_factory=dict)
    cube: dict = field(default_factory=dict)

    def model(self, methodology) -> str:
        """The model name the methodology picks."""
        return getattr(methodology, self.selector) if self.selector else next(iter(self.models))


STAGES: tuple[Stage, ...] = (
    Stage("energy", "coefficients", {"ccf": energy_ccf},
          parameters=("coefficient_set", "default_utilization", "memory_beyond_benchmark", "memory_coefficient",
                      "ssd_coefficient", "hdd_coefficient", "network_coefficient"),
          choices={"coefficient_set": ("ccf_2020", "ccf_2026")},
          cube={"coefficient_set": lambda v: v}),
    Stage("facility", "PUE", {"pue": facility_pue}, parameters=("pue_source", "pue_fleet"),
          choices={"pue_source": ("ccf", "region", "fleet"), "pue_fleet": ("ccf_2020", "provider_2024")}),
    Stage("grid", "grid", {"intensity": grid_intensity}, parameters=("grid_source", "resolution"),
          choices={"grid_source": tuple(SOURCES), "resolution": RESOLUTIONS}),
    Stage("embodied", "embodied", {"teads_baseline": embodied_teads, "boavizta": embodied_boavizta,
                                   "none": embodied_none},
          selector="embodied_model", parameters=("embodied_model", "amortization_years"),
          choices={"embodied_model": ("teads_baseline", "boavizta", "none")},
          cube={"embodied_model": lambda v: "boavizta" if v == "boavizta" else "teads_baseline"}),
    Stage("water", "water", {"wue": water_wue}, parameters=("wue_source",),
          choices={"wue_source": ("region", "none")}),
)

#: Allowed values of the methodology parameters that name a model or a data source.
CHOICES: dict[str, tuple] = {k: tuple(v) for s in STAGES for k, v in s.choices.items()}
#: The parameters of each stage, by the studies' stage label, in the order of the chain.
STAGE_PARAMETERS: dict[str, tuple[str, ...]] = {s.label: s.parameters for s in STAGES}


def cube_options(methodology) -> dict[str, str]:
    """The usage-cube options a methodology's values set (keyword arguments of :func:`carbonlab.usage_cube`)."""
    return {k: f(getattr(methodology, k)) for s in STAGES for k, f in s.cube.items()}


def stage_of(parameter: str) -> str:
    """The stage label of a methodology parameter (``other`` for one no stage reads)."""
    return next((s.label for s in STAGES if parameter in s.parameters), "other")
