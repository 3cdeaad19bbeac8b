"""Orchestration: usage cube -> IT energy -> facility energy -> CO2e, embodied, water.

Thin by design: :class:`FootprintChain` has one slot per stage, each filled
with a model picked by name from a registry (or a callable), and ``run`` calls
them in order.  :func:`estimate` runs one methodology; :func:`compare` runs
several and concatenates them along a ``methodology`` dimension.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import xarray as xr

from carbonlab._version import __version__
from carbonlab.core import schema
from carbonlab.cube import usage_cube
from carbonlab.methodology import Methodology, methodology as get_methodology
from carbonlab.stages import STAGES, UNATTRIBUTED_MODELS, grid_stage
from carbonlab.core.schema import METHODOLOGY

__all__ = ["FootprintChain", "estimate", "compare"]


Slot = str | Callable | None


def _resolve(slot: Slot, registry: dict, default: str, stage: str) -> Callable:
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

    Each slot takes a model name (a key of the stage's registry,
    :data:`carbonlab.stages.STAGES`), a callable ``f(ds, methodology) ->
    (variables, assumed)``, or None to infer it from the methodology; the
    ``unattributed`` slot (None: not run) estimates what could not be placed
    (:data:`carbonlab.stages.UNATTRIBUTED_MODELS`).

    Examples
    --------
    >>> chain = FootprintChain.from_methodology("ccf")
    >>> chain.methodology.pue_source
    'ccf'
    """

    methodology: Methodology
    energy: Slot = None
    facility: Slot = None
    grid: Slot = None
    embodied: Slot = None
    water: Slot = None
    unattributed: Slot = None

    @classmethod
    def from_methodology(cls, name: str | Methodology, **slots) -> "FootprintChain":
        """A chain for a preset name or a :class:`Methodology`."""
        return cls(get_methodology(name), **slots)

    def stages(self) -> list[tuple[str, Callable]]:
        """The (stage, model) pairs this chain runs, in order (:data:`carbonlab.stages.STAGES`)."""
        m = self.methodology
        out = [(s.name, _resolve(getattr(self, s.name), s.models, s.model(m), s.name)) for s in STAGES]
        if self.unattributed is not None:       # optional: estimate what could not be placed
            out.append(("unattributed", _resolve(self.unattributed, UNATTRIBUTED_MODELS, "", "unattributed")))
        return out

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
        if isinstance(self.unattributed, str):
            ds.attrs["unattributed_model"] = self.unattributed
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
        (:func:`carbonlab.models.unattributed.ccf_cost_ratio`).
    lenient, exchange_rates : optional
        As in :func:`carbonlab.usage_cube` (usage outside the bill's span left
        unattributed; rates for bills in several currencies).

    Returns
    -------
    xarray.Dataset
        The Footprint (see :meth:`FootprintChain.run`).
    """
    if unattributed is not None and unattributed not in UNATTRIBUTED_MODELS:
        raise ValueError(f"unknown unattributed model {unattributed!r}; known: {sorted(UNATTRIBUTED_MODELS)}")
    chain = FootprintChain.from_methodology(methodology, grid=grid_stage(intensity, instruments),
                                            unattributed=unattributed)
    return chain.run(_as_cube(usage, chain.methodology, account, lenient=lenient, exchange_rates=exchange_rates))


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
        runs.append(FootprintChain(m, grid=grid_stage(intensity, instruments)).run(cubes[m.hardware_key]))
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

