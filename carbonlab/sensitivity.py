"""How much a footprint moves when the methodology changes.

A methodology is a value, so a study of it is a loop over values:

* :func:`variants` and :func:`sweep` vary one parameter over values and
  stack the footprints along the ``methodology`` dimension (with the
  parameter's value as a coordinate on it);
* :func:`tornado` changes one parameter at a time over its plausible range
  (:data:`RANGES`) and ranks the parameters by how far they move a total;
* :func:`decompose` splits the difference between two methodologies into the
  stages of the chain that cause it (coefficients, PUE, grid, embodied,
  water), for a waterfall chart;
* :func:`evaluate` reduces the footprint of each methodology to one number
  (:func:`carbonlab.tables.total`, one of :data:`carbonlab.tables.METRICS`).

Every evaluation reuses one usage cube per :attr:`Methodology.hardware_key`
and keeps only the totals, so a tornado over ten knobs costs about ten
footprints, not ten cubes.

References
----------
.. [saltelli2008] A. Saltelli et al., *Global Sensitivity Analysis. The
   Primer*, Wiley, 2008, ch. 1 (one-at-a-time designs and their limits),
   https://doi.org/10.1002/9780470725184, accessed 2026-11-22.
.. [shapley1953] L. S. Shapley, "A value for n-person games", Contributions
   to the Theory of Games II, 1953, pp. 307-317,
   https://doi.org/10.1515/9781400881970-018
"""

from __future__ import annotations

import itertools
import math
from dataclasses import fields

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.core.provenance import read_stamp
from carbonlab.cube import usage_cube
from carbonlab.footprint import FootprintChain, compare
from carbonlab.methodology import Methodology, methodology as get_methodology
from carbonlab.stages import CHOICES, STAGE_PARAMETERS, stage_of
from carbonlab.core.schema import BASIS, COMPONENT, METHODOLOGY
from carbonlab.tables import METRICS, total

__all__ = ["STAGE_PARAMETERS", "RANGES", "variants", "sweep", "evaluate", "methodology_of", "rerun", "tornado",
           "decompose"]


#: Plausible alternative values of each knob for :func:`tornado` (the base value is always included).
#: Categorical knobs list every choice; numeric ones a range with its source.
RANGES: dict[str, tuple] = {
    # EMBODIED.md section 1 and the issue: servers kept 3 to 8 years (4 in CCF/Teads, 6 in AWS CCFT v3)
    "amortization_years": (3.0, 8.0),
    # Barroso and Hoelzle, "The Case for Energy-Proportional Computing", IEEE Computer 40(12), 2007,
    # https://doi.org/10.1109/MC.2007.443: servers spend most of their time between 10 % and 50 % utilisation
    "default_utilization": (0.1, 0.5),
    # CCF's 0.392 W/GB vs Boavizta's 0.284 W/GB for RAM (EMBODIED.md section 3) [kWh GB-1 h-1]
    "memory_coefficient": (0.000284, 0.000392),
    "memory_beyond_benchmark": (False, True),
    "coefficient_set": CHOICES["coefficient_set"],
    "pue_source": CHOICES["pue_source"],
    "pue_fleet": CHOICES["pue_fleet"],
    "grid_source": CHOICES["grid_source"],
    "resolution": CHOICES["resolution"],
    "embodied_model": tuple(c for c in CHOICES["embodied_model"] if c != "none"),
}

_FOOTPRINT_ONLY = ("energy_it", "pue", "energy", "grid_intensity", "co2e_operational", "co2e_embodied",
                   "wue", "water")


# --------------------------------------------------------------------------------------------- sweeps

def variants(base: str | Methodology, parameter: str, values) -> list[Methodology]:
    """Methodologies equal to ``base`` but for one parameter.

    Parameters
    ----------
    base : str or Methodology
    parameter : str
        A field of :class:`Methodology`.
    values : sequence
        Its values; ids are made by :meth:`Methodology.replace`
        (``carbonlab[amortization_years=6]``).

    Returns
    -------
    list of Methodology

    Examples
    --------
    >>> [m.id for m in variants("carbonlab", "amortization_years", [4, 6])]
    ['carbonlab[amortization_years=4]', 'carbonlab[amortization_years=6]']
    """
    base = get_methodology(base)
    if parameter not in {f.name for f in fields(Methodology)}:
        raise KeyError(f"{parameter!r} is not a methodology parameter")
    return [base.replace(**{parameter: v}) for v in values]


def sweep(usage, base: str | Methodology, parameter: str, values, *, account: bool = False) -> xr.Dataset:
    """Footprints of one usage for a parameter swept over values.

    Parameters
    ----------
    usage : pandas.DataFrame
        A UsageTable.
    base : str or Methodology
    parameter : str
    values : sequence
    account : bool, default False

    Returns
    -------
    xarray.Dataset
        :func:`carbonlab.compare` of :func:`variants`, with a coordinate
        named ``parameter`` on the ``methodology`` dimension holding the values
        (``ds.swap_dims(methodology=parameter)`` makes it the dimension).
    """
    values = list(values)
    out = compare(usage, variants(base, parameter, values), account=account)
    return out.assign_coords({parameter: (METHODOLOGY, values)})


def _as_cube(usage, m: Methodology) -> xr.Dataset:
    if isinstance(usage, xr.Dataset):
        return usage.drop_vars([v for v in _FOOTPRINT_ONLY if v in usage.variables]
                               + [c for c in (BASIS, COMPONENT) if c in usage.coords])
    return usage_cube(usage, **m.cube_options)


def methodology_of(fp: xr.Dataset) -> Methodology:
    """The :class:`Methodology` a Footprint was computed with, rebuilt from its attrs.

    Parameters
    ----------
    fp : xarray.Dataset
        A Footprint (not a comparison).

    Returns
    -------
    Methodology
        With the footprint's id, version, description, references and every
        parameter value (``attrs["parameters"]``).
    """
    if "parameters" not in fp.attrs:
        raise ValueError("not a Footprint: no 'parameters' attribute (a comparison keeps them per methodology "
                         "in the methodology_parameters coordinate)")
    p = read_stamp(fp.attrs)
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in p["parameters"].items()}
    return Methodology(id=p["methodology"] or "footprint", version=p["methodology_version"],
                       description=p["methodology_description"], references=p["references"], **values)


def rerun(fp: xr.Dataset, methodology: str | Methodology) -> xr.Dataset:
    """The Footprint of the same usage under another methodology.

    Parameters
    ----------
    fp : xarray.Dataset
        A Footprint (or a usage cube), e.g. read back from ``footprint.nc``.
    methodology : str or Methodology
        Must have the same :attr:`Methodology.hardware_key` as the cube the
        footprint was built on (coefficient set and embodied TE); late knobs
        (utilisation, PUE, grid, amortisation, water) can all change.

    Returns
    -------
    xarray.Dataset
    """
    m = get_methodology(methodology)
    return FootprintChain(m).run(_as_cube(fp, m))


def _runner(usage, metric: str, basis: str | None):
    """A function Methodology -> total, building each usage cube once (per hardware key)."""
    cubes: dict[tuple, xr.Dataset] = {}

    def run(m: Methodology) -> float:
        if basis is not None:
            m = m.replace(id=m.id, bases=(basis,))
        if m.hardware_key not in cubes:
            cubes[m.hardware_key] = _as_cube(usage, m)
        return total(FootprintChain(m).run(cubes[m.hardware_key]), metric, basis=basis)

    return run


def evaluate(usage, methodologies, *, metric: str = "co2e", basis: str | None = None) -> pd.Series:
    """One number per methodology, keeping only the totals.

    Parameters
    ----------
    usage : pandas.DataFrame or xarray.Dataset
        A UsageTable, or a usage cube or Footprint (then every methodology
        must have the hardware key it was built with).
    methodologies : sequence of str or Methodology
    metric : str, default "co2e"
        A key of :data:`METRICS`.
    basis : str, optional
        Basis of the operational part; each methodology's first by default.
        When given, each methodology computes that basis only.

    Returns
    -------
    pandas.Series
        Indexed by methodology id, in the metric's unit (``attrs["units"]``).
    """
    run = _runner(usage, metric, basis)
    values = {m.id: run(m) for m in (get_methodology(m) for m in methodologies)}
    out = pd.Series(values, name=metric, dtype=float)
    out.index.name = METHODOLOGY
    out.attrs["units"] = METRICS[metric][0]
    return out


# --------------------------------------------------------------------------------------------- tornado

def _changes(key: str, value) -> dict:
    return dict(value) if isinstance(value, dict) else {key: value}


def _label(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def tornado(usage, base: str | Methodology = "carbonlab", ranges: dict | None = None, *, metric: str = "co2e",
            basis: str | None = None) -> pd.DataFrame:
    """One-at-a-time sensitivity of a total to each knob [saltelli2008]_.

    Each knob is set in turn to each of its alternative values, the others
    staying at ``base``; the low and high ends are the smallest and largest
    totals reached (the base value included).

    Parameters
    ----------
    usage : pandas.DataFrame or xarray.Dataset
        A UsageTable (every knob), or a cube or Footprint (only knobs that
        keep its hardware key; pass ``ranges`` accordingly).
    base : str or Methodology, default "carbonlab"
    ranges : dict, optional
        Knob -> alternative values; :data:`RANGES` by default.  A knob is a
        parameter name with its values, or any label with alternatives given
        as dicts of parameter changes (``{"grid": ({"grid_source":
        "grid_profiles", "resolution": "hourly"},)}``) for knobs that move
        together.
    metric : str, default "co2e"
    basis : str, optional
        Basis of the operational part (the base's first by default).

    Returns
    -------
    pandas.DataFrame
        One row per knob, largest swing first: ``parameter``,
        ``base_value``, ``low_value``, ``high_value``, ``base``, ``low``,
        ``high``, ``swing`` (high - low), ``swing_pct`` (of base), ``units``
        and ``not_available`` (alternatives the base cannot take, e.g. a
        resolution finer than its grid source has, with the reason; they are
        left out of the range, never replaced).  One-at-a-time ranges ignore
        interactions between knobs.
    """
    base = get_methodology(base)
    basis = basis or base.bases[0]
    ranges = RANGES if ranges is None else ranges
    run = _runner(usage, metric, basis)
    ref = run(base)
    units = METRICS[metric][0]
    rows = []
    for key, values in ranges.items():
        base_label = getattr(base, key) if hasattr(base, key) else "base"
        reached, missing = [(base_label, ref)], []
        for v in values:
            changes = _changes(key, v)
            if all(getattr(base, k) == x for k, x in changes.items()):
                continue
            try:
                reached.append((v if not isinstance(v, dict) else _label(v), run(base.replace(**changes))))
            except (ValueError, KeyError) as exc:
                missing.append(f"{_label(v)}: {exc.args[0] if exc.args else exc}")
        lo = min(reached, key=lambda t: t[1])
        hi = max(reached, key=lambda t: t[1])
        rows.append(dict(parameter=key, base_value=base_label, low_value=lo[0], high_value=hi[0], base=ref,
                         low=lo[1], high=hi[1], swing=hi[1] - lo[1],
                         swing_pct=100 * (hi[1] - lo[1]) / ref if ref else np.nan, units=units,
                         not_available="; ".join(missing)))
    out = pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs = {"methodology": base.id, "metric": metric, "basis": basis, "units": units}
    return out


# --------------------------------------------------------------------------------------------- waterfall

def shapley_changes(factors, value):
    r"""Shapley split of a change over the factors that cause it.

    Parameters
    ----------
    factors : sequence of hashable
        The factors that differ, in a fixed order.
    value : Mapping[tuple, float or numpy.ndarray]
        The outcome with each subset of factors switched, keyed by the subset
        as a tuple in the order of ``factors`` (``()`` is the start, the whole
        tuple the end).

    Returns
    -------
    dict
        Each factor's share of ``value[all] - value[()]``; the shares add up
        to it exactly (efficiency of the Shapley value).

    Notes
    -----
    .. math:: \phi_i = \sum_{S \subseteq F \setminus \{i\}} \frac{|S|!\,(k-|S|-1)!}{k!}\,(v(S \cup \{i\}) - v(S))

    L. S. Shapley, "A value for n-person games", Contributions to the Theory
    of Games II, 1953, eq. (1).

    Examples
    --------
    >>> v = {(): 0.0, ("a",): 1.0, ("b",): 2.0, ("a", "b"): 5.0}
    >>> shapley_changes(["a", "b"], v)
    {'a': 2.0, 'b': 3.0}
    """
    factors = list(factors)
    k = len(factors)
    out = {}
    for f in factors:
        acc = 0.0
        for subset, outcome in value.items():
            if f in subset:
                continue
            weight = math.factorial(len(subset)) * math.factorial(k - len(subset) - 1) / math.factorial(k)
            grown = tuple(x for x in factors if x in subset or x == f)
            acc = acc + weight * (value[grown] - outcome)
        out[f] = acc
    return out


def _changes_by_stage(start: Methodology, end: Methodology) -> dict[str, dict[str, tuple]]:
    """The parameters that differ (``bases`` aside), ``name -> (start value, end value)``, by stage of the chain.

    Every stage of :data:`STAGE_PARAMETERS` is a key, in the order of the chain, and ``other`` too when a
    parameter belongs to none of them.
    """
    a, b = start.parameters(), end.parameters()
    changed = {p: (a[p], b[p]) for p in a if p != "bases" and a[p] != b[p]}
    stages = list(STAGE_PARAMETERS) + (["other"] if any(stage_of(p) == "other" for p in changed) else [])
    return {s: {p: v for p, v in changed.items() if stage_of(p) == s} for s in stages}


def _switched(start: Methodology, by_stage: dict, stages: tuple, basis: str) -> Methodology:
    """``start`` with the end values of ``stages``, computing ``basis`` only (id ``start+stage+...``)."""
    kw = {p: v[1] for s in stages for p, v in by_stage[s].items()}
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()}
    return start.replace(id="+".join(("start",) + tuple(stages)), bases=(basis,), **kw)


def _every_subset(differ: list) -> list[tuple]:
    """Every subset of the stages that differ, each in the order of the chain (what Shapley needs)."""
    return [s for n in range(len(differ) + 1) for s in itertools.combinations(differ, n)]


def _prefixes(differ: list) -> list[tuple]:
    """The stages that differ switched one after the other, in the order of the chain."""
    return [tuple(differ[:i]) for i in range(len(differ) + 1)]


def _sequential_changes(differ: list, value: dict) -> dict:
    """Each stage's change when the stages are switched in the order of the chain: total after minus before."""
    return {s: value[tuple(differ[: i + 1])] - value[tuple(differ[:i])] for i, s in enumerate(differ)}


#: How :func:`decompose` splits a difference: method -> (stage subsets to evaluate, changes from their totals).
_DECOMPOSITIONS = {"shapley": (_every_subset, shapley_changes), "sequential": (_prefixes, _sequential_changes)}


def _waterfall_rows(start: Methodology, end: Methodology, by_stage: dict, ends: tuple[float, float],
                    change: dict, units: str) -> list[dict]:
    """Rows of :func:`decompose`: the start total, one change per stage, the end total."""
    rows = [dict(step=f"start: {start.id}", kind="total", value=ends[0], parameters="", units=units)]
    rows += [dict(step=s, kind="change", value=change[s], units=units,
                  parameters="; ".join(f"{p}: {v[0]} -> {v[1]}" for p, v in by_stage[s].items())) for s in by_stage]
    rows.append(dict(step=f"end: {end.id}", kind="total", value=ends[1], parameters="", units=units))
    return rows


def decompose(usage, start: str | Methodology, end: str | Methodology, *, metric: str = "co2e",
              basis: str = "location_average", method: str = "shapley") -> pd.DataFrame:
    """Split the difference of a total between two methodologies into the stages that cause it.

    The parameters that differ are grouped by stage (:data:`STAGE_PARAMETERS`).
    ``sequential`` switches the stages from ``start`` to ``end`` in the order
    of the chain; each step's change is the total after minus before (the
    split depends on that order).  ``shapley`` averages each stage's change
    over every order [shapley1953]_ (:math:`2^k` footprints for :math:`k`
    differing stages).  Either way the changes sum to end - start exactly.

    Parameters
    ----------
    usage : pandas.DataFrame or xarray.Dataset
    start, end : str or Methodology
    metric : str, default "co2e"
    basis : str, default "location_average"
        Basis of the operational part; both methodologies compute only it.
    method : {"shapley", "sequential"}

    Returns
    -------
    pandas.DataFrame
        Rows ``start``, one per stage of the chain, ``end``; columns
        ``step``, ``kind`` (``total`` or ``change``), ``value``,
        ``parameters`` (what the stage changes, ``name: a -> b``) and
        ``units``.  Stages that do not differ have a change of 0.
    """
    if method not in _DECOMPOSITIONS:
        raise ValueError(f"method must be {' or '.join(map(repr, _DECOMPOSITIONS))}, not {method!r}")
    start, end = get_methodology(start), get_methodology(end)
    by_stage = _changes_by_stage(start, end)
    differ = [s for s, params in by_stage.items() if params]
    subsets, changes = _DECOMPOSITIONS[method]
    switched = {s: _switched(start, by_stage, s, basis) for s in subsets(differ)}
    values = evaluate(usage, list(switched.values()), metric=metric, basis=basis)
    value = {s: float(values[m.id]) for s, m in switched.items()}
    change = {**dict.fromkeys(by_stage, 0.0), **changes(differ, value)}
    units = values.attrs["units"]
    out = pd.DataFrame(_waterfall_rows(start, end, by_stage, (value[()], value[tuple(differ)]), change, units))
    out.attrs = {"start": start.id, "end": end.id, "metric": metric, "basis": basis, "method": method,
                 "units": units}
    return out
