"""Methodologies as values.

A :class:`Methodology` is a frozen record of every choice that turns usage into
a footprint: coefficient set, default utilisation, PUE source, grid signal,
embodied model and amortisation, water source.  Presets are TOML files in
``carbonlab/methodologies/`` (one per preset, grouped by stage); a methodology
differs from another only by its values, so comparing several is a loop and a
sensitivity study is ``m.replace(amortization_years=6)``.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass, field, fields
from importlib import resources

from carbonlab.core.provenance import stamp
from carbonlab.core.schema import BASES
from carbonlab.stages import CHOICES, STAGES, cube_options

__all__ = ["Methodology", "methodology", "list_methodologies", "CHOICES"]

_STAGES = tuple(s.name for s in STAGES)


@dataclass(frozen=True)
class Methodology:
    """Every knob between usage and footprint, as one immutable value.

    Parameters
    ----------
    id : str
        Short name, used as the label of the ``methodology`` dimension.
    version : str
        Version of this parameter set.
    description : str
        One sentence for humans.
    references : tuple of str
        Citations (with URL or DOI) the values come from.
    coefficient_set : {"ccf_2020", "ccf_2026"}
        Watts per vCPU and per GPU: the values in CCF's app (2020 SPECpower
        averages) or ccf-coefficients' 2026 outputs with current processors
        and GPUs.
    default_utilization : float
        CPU and GPU utilisation for records that carry none, fraction. [1]
    memory_beyond_benchmark : bool
        Add the memory of AWS and Azure compute records above the SPECpower
        server's memory per chip (CCF's rule).
    memory_coefficient : float
        [kWh GB-1 h-1]
    ssd_coefficient, hdd_coefficient : float
        [Wh TB-1 h-1]
    network_coefficient : float
        [kWh GB-1]
    pue_source : {"ccf", "region", "fleet"}
        CCF's constants (fleet, GCP per region), the providers' per-region
        disclosures (fleet value where a region has none), or fleet values only.
    pue_fleet : {"ccf_2020", "provider_2024"}
        Which fleet values the ``region`` and ``fleet`` sources fall back to.
    grid_source : {"ccf_factors", "regions_annual", "grid_profiles"}
        CCF's annual factor tables, annual Electricity Maps averages and
        WattTime marginal rates per region (GSF Real Time Cloud), or the
        shipped hourly profiles per grid zone (:mod:`carbonlab.signals`).
    bases : tuple of str
        Bases to compute (``location_average``, ``location_average_direct``,
        ``location_marginal``, ``market``; :data:`carbonlab.core.schema.BASES`).
    resolution : {"hourly", "monthly", "annual"}
        Temporal resolution of the grid signal: monthly and annual use the mean
        of the hourly signal over each calendar month or year.
    embodied_model : {"teads_baseline", "boavizta", "none"}
        How TE is obtained: the Teads/CCF baseline per platform shared by
        vCPU, Boavizta's bottom-up component model with a share per
        component (:func:`carbonlab.models.embodied.boavizta_server`), or no
        embodied emissions.
    amortization_years : float
        Expected lifespan EL of the hardware. [year]
    wue_source : {"region", "none"}
        Water usage effectiveness by region (median of the provider's
        regions where a region has none).
    """

    id: str
    version: str = "1"
    description: str = ""
    references: tuple[str, ...] = ()
    # energy
    coefficient_set: str = "ccf_2026"
    default_utilization: float = 0.5
    memory_beyond_benchmark: bool = True
    memory_coefficient: float = 0.000392
    ssd_coefficient: float = 1.2
    hdd_coefficient: float = 0.65
    network_coefficient: float = 0.001
    # facility
    pue_source: str = "region"
    pue_fleet: str = "provider_2024"
    # grid
    grid_source: str = "regions_annual"
    bases: tuple[str, ...] = ("location_average", "location_marginal")
    resolution: str = "annual"
    # embodied
    embodied_model: str = "teads_baseline"
    amortization_years: float = 4.0
    # water
    wue_source: str = "region"
    #: Parameters that were not given and took their default (filled by the loader).
    assumed: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self):
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"methodology {self.id!r}: {name}={getattr(self, name)!r} "
                                 f"is not one of {allowed}")
        bad = [b for b in self.bases if b not in BASES]
        if bad or not self.bases:
            raise ValueError(f"methodology {self.id!r}: bad bases {self.bases!r}")
        if not 0 <= self.default_utilization <= 1:
            raise ValueError(f"methodology {self.id!r}: default_utilization must be a fraction in [0, 1]")
        if self.amortization_years <= 0:
            raise ValueError(f"methodology {self.id!r}: amortization_years must be > 0")
        object.__setattr__(self, "references", tuple(self.references))
        object.__setattr__(self, "bases", tuple(self.bases))

    @property
    def cube_options(self) -> dict[str, str]:
        """The parameters a usage cube depends on, as keyword arguments of :func:`carbonlab.usage_cube`."""
        return cube_options(self)

    @property
    def hardware_key(self) -> tuple:
        """Methodologies with equal keys can share one usage cube."""
        return tuple(sorted(self.cube_options.items()))

    def parameters(self) -> dict:
        """All parameter values, as plain JSON-able Python objects."""
        out = {}
        for f in fields(self):
            if f.name in ("id", "version", "description", "references", "assumed"):
                continue
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def to_json(self) -> str:
        """The parameters as a JSON string with sorted keys (stable)."""
        return json.dumps(self.parameters(), sort_keys=True)

    def replace(self, id: str | None = None, **changes) -> "Methodology":
        """A new methodology with some parameters changed.

        Parameters
        ----------
        id : str, optional
            Name of the new methodology; by default the old id followed by the
            changes, e.g. ``carbonlab[amortization_years=6]``.
        **changes
            Parameter values.

        Returns
        -------
        Methodology
        """
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise TypeError(f"unknown methodology parameter(s) {sorted(unknown)}")
        if id is None:
            id = f"{self.id}[" + ",".join(f"{k}={v}" for k, v in sorted(changes.items())) + "]"
        assumed = tuple(a for a in self.assumed if a not in changes)
        return dataclasses.replace(self, id=id, assumed=assumed, **changes)

    def provenance(self, assumed=()) -> dict[str, str]:
        """Attrs that a result carries about this methodology (:func:`carbonlab.core.provenance.stamp`)."""
        return stamp(methodology=self.id, version=self.version, description=self.description,
                     parameters=self.parameters(), assumed=assumed, references=self.references)


def _preset_dir():
    return resources.files("carbonlab") / "methodologies"


def list_methodologies() -> list[str]:
    """Names of the preset methodologies."""
    return sorted(p.name.removesuffix(".toml") for p in _preset_dir().iterdir() if p.name.endswith(".toml"))


def from_toml(text: str, *, name: str = "<string>") -> Methodology:
    """Build a :class:`Methodology` from TOML text (top-level keys plus one table per stage)."""
    data = tomllib.loads(text)
    flat = {}
    for key, value in data.items():
        if isinstance(value, dict):
            if key not in _STAGES:
                raise ValueError(f"{name}: unknown stage table [{key}]; stages are {_STAGES}")
            value = {k: v for k, v in value.items() if k != "model_description"}
            flat.update(value)
        else:
            flat[key] = value
    known = {f.name for f in fields(Methodology)} - {"assumed"}
    unknown = set(flat) - known
    if unknown:
        raise ValueError(f"{name}: unknown methodology parameter(s) {sorted(unknown)}")
    if "id" not in flat:
        raise ValueError(f"{name}: a methodology needs an id")
    for key in ("references", "bases"):
        if key in flat:
            flat[key] = tuple(flat[key])
    assumed = tuple(sorted(known - set(flat) - {"version", "description", "references"}))
    return Methodology(**flat, assumed=assumed)


def methodology(name: str | Methodology) -> Methodology:
    """Return a preset methodology by name (a Methodology is returned as is).

    Parameters
    ----------
    name : str or Methodology
        One of :func:`list_methodologies` (``"carbonlab"``, ``"ccf"``, ...).

    Returns
    -------
    Methodology
    """
    if isinstance(name, Methodology):
        return name
    presets = list_methodologies()
    if name not in presets:   # a name, never a path: files are read by from_toml, explicitly
        import difflib

        close = difflib.get_close_matches(str(name), presets, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise KeyError(f"no methodology preset {name!r}{hint}; presets: {presets}")
    path = _preset_dir() / f"{name}.toml"
    return from_toml(path.read_text(), name=f"{name}.toml")
