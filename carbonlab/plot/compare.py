"""Figures of methodology studies: comparison bars, sweeps, tornado, waterfall.

Inputs are the outputs of :func:`carbonlab.compare`, :func:`carbonlab.sensitivity.sweep`,
:func:`carbonlab.sensitivity.tornado` and :func:`carbonlab.sensitivity.decompose`.  Units on
every axis (of totals from :data:`carbonlab.tables.METRICS`, of parameters from the
:class:`~carbonlab.methodology.Methodology` docstring); the caption names the methodologies and
where the ranges come from.
"""

from __future__ import annotations

import inspect
import json
import re
import textwrap

import numpy as np

from carbonlab.core.schema import BASIS, METHODOLOGY
from carbonlab.methodology import Methodology
from carbonlab.plot._figure import axes, caption
from carbonlab.tables import METRICS, total

__all__ = ["methodology_bars", "sweep_plot", "tornado_plot", "waterfall_plot"]


def _parameter_units(cls=Methodology) -> dict[str, str]:
    """Units of the parameters of ``cls``, as its numpydoc Parameters section states them (``[unit]`` last).

    Examples
    --------
    >>> _parameter_units()["amortization_years"], _parameter_units()["ssd_coefficient"]
    ('year', 'Wh TB-1 h-1')
    """
    section = inspect.getdoc(cls).split("Parameters\n----------\n", 1)[1]
    units, names = {}, []
    for line in section.splitlines():
        if re.fullmatch(r"-+", line):             # the next section
            break
        if header := re.match(r"(\w+(?:, \w+)*) : ", line):
            names = header.group(1).split(", ")
        elif unit := re.search(r"\[([^\]]+)\]\s*$", line):
            units.update(dict.fromkeys(names, unit.group(1)))
    return units


#: Units of the numeric methodology parameters, for axis labels.
_PARAMETER_UNITS = _parameter_units()


def methodology_bars(cmp, basis: str = "location_average", ax=None):
    """Operational and embodied emissions of each methodology of a comparison, stacked.

    Parameters
    ----------
    cmp : xarray.Dataset
        Output of :func:`carbonlab.compare` (a ``methodology`` dimension).
    basis : str, default "location_average"
        Basis of the operational part; a methodology that does not compute
        it is shown without an operational bar and marked "n/a".
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    ids = [str(i) for i in cmp[METHODOLOGY].values]
    has = [basis in json.loads(str(p))["bases"] for p in cmp["methodology_parameters"].values]
    op = total(cmp, "co2e_operational", basis=basis).values if basis in cmp[BASIS].values \
        else np.full(len(ids), np.nan)
    op = np.where(has, op, np.nan)
    emb = total(cmp, "co2e_embodied").values
    fig, ax = axes(ax, (max(6, 1.3 * len(ids) + 3), 4.8))
    x = np.arange(len(ids))
    ax.bar(x, np.nan_to_num(op), label=f"operational ({basis.replace('_', ' ')})", color="#4c72b0")
    ax.bar(x, emb, bottom=np.nan_to_num(op), label="embodied", color="#dd8452")
    for i, (o, e) in enumerate(zip(op, emb)):
        text = "n/a" if np.isnan(o) else f"{o + e:.3g}"
        ax.annotate(text, (i, (0 if np.isnan(o) else o) + e), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=8)
    ax.set_xticks(x, ids, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(f"CO2e [{METRICS['co2e'][0]}]")
    ax.set_xlabel("methodology")
    ax.set_title("The same usage under each methodology")
    ax.legend(fontsize=8)
    return caption(fig, "Each methodology's parameters and fallbacks are the coordinates methodology_parameters "
                        "and methodology_assumed of the comparison; grid, PUE and coefficient sources are named "
                        "there.")


def sweep_plot(cmp, parameter: str, metric: str = "co2e", basis: str = "location_average", ax=None):
    """A total against the values of a swept parameter.

    Parameters
    ----------
    cmp : xarray.Dataset
        Output of :func:`carbonlab.sensitivity.sweep` (a coordinate named
        ``parameter`` on ``methodology``).
    parameter : str
    metric : str, default "co2e"
        A key of :data:`carbonlab.tables.METRICS`.
    basis : str, default "location_average"
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    y = total(cmp, metric, basis=basis)
    x = cmp[parameter].values
    fig, ax = axes(ax, (7, 4.5))
    if np.issubdtype(np.asarray(x).dtype, np.number):
        ax.plot(x, y.values, marker="o")
        ax.set_xlabel(f"{parameter} [{_PARAMETER_UNITS.get(parameter, '1')}]")
    else:
        ax.bar([str(v) for v in x], y.values, color="#4c72b0")
        for i, v in enumerate(y.values):
            ax.annotate(f"{v:.4g}", (i, v), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
        ax.set_xlabel(parameter)
    ax.set_ylabel(f"{metric} [{y.attrs['units']}]")
    ax.set_ylim(bottom=0)
    ax.set_title(textwrap.fill(f"{y.attrs['long_name']} as {parameter} varies", 60))
    base = json.loads(str(cmp["methodology_parameters"].values[0]))
    return caption(fig, f"Other parameters as in {cmp[METHODOLOGY].values[0]!r} (coefficient set "
                        f"{base.get('coefficient_set')}, PUE {base.get('pue_source')}, grid "
                        f"{base.get('grid_source')}); operational basis {basis}.")


def _metric_axis(table) -> tuple[str, str]:
    """The unit of a study table (:func:`~carbonlab.sensitivity.tornado`, ``decompose``) and its axis text."""
    unit = table.attrs.get("units", table["units"].iloc[0])
    metric = table.attrs.get("metric", "co2e")
    return unit, textwrap.fill(f"{metric}: {METRICS[metric][1]} [{unit}]", 50)


def tornado_plot(table, ax=None):
    """Tornado chart of :func:`carbonlab.sensitivity.tornado`: one bar per knob around the base total.

    Parameters
    ----------
    table : pandas.DataFrame
        The tornado table, largest swing first (drawn on top).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        Blue from the base to the lower end, red to the upper end.
    """
    t = table.iloc[::-1]
    base = float(table["base"].iloc[0])
    unit, axis_text = _metric_axis(table)
    fig, ax = axes(ax, (9, 0.45 * len(t) + 2))
    y = np.arange(len(t))
    ax.barh(y, t["low"] - base, left=base, color="#4c72b0", label="lower end")
    ax.barh(y, t["high"] - base, left=base, color="#c44e52", label="upper end")
    ax.axvline(base, color="k", linewidth=0.8)
    labels = [f"{p}\n{lo} .. {hi}" for p, lo, hi in zip(t["parameter"], t["low_value"], t["high_value"])]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel(axis_text)
    ax.set_title(f"One-at-a-time sensitivity around {table.attrs.get('methodology', '')!r} "
                 f"(base {base:.3g} {unit})")
    ax.legend(fontsize=8, loc="lower right")
    return caption(fig, f"Each knob alone over carbonlab.sensitivity.RANGES (sources in its comments), others at "
                        f"the base; operational basis {table.attrs.get('basis')}. Interactions between knobs are "
                        "not shown.")


def _waterfall_bars(ax, table) -> None:
    """Grey totals, and each change from where the previous one ended (red up, green down)."""
    level = 0.0
    for i, row in enumerate(table.itertuples()):
        if row.kind == "total":
            ax.bar(i, row.value, color="0.55")
            level = row.value
            ax.annotate(f"{row.value:.3g}", (i, row.value), xytext=(0, 3), textcoords="offset points",
                        ha="center", fontsize=8)
            continue
        color = "#c44e52" if row.value > 0 else "#55a868"
        ax.bar(i, row.value, bottom=level, color=color if row.value else "0.8")
        ax.annotate(f"{row.value:+.3g}", (i, level + max(row.value, 0)), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=8)
        level += row.value


def _waterfall_floor(table) -> tuple[float, float]:
    """Bottom and top of the value axis: zoomed onto the changes when they are small beside the totals."""
    levels = np.concatenate([[0.0], np.cumsum(table["value"].where(table["kind"] == "change", 0.0))])
    levels = table["value"].iloc[0] + levels
    lo, hi = float(min(levels.min(), table["value"].iloc[-1])), float(max(levels.max(), table["value"].iloc[-1]))
    bottom = max(0.0, lo - 1.5 * (hi - lo)) if hi > lo else 0.0
    return bottom, hi + 0.15 * (hi - bottom)


def waterfall_plot(table, ax=None):
    """Waterfall chart of :func:`carbonlab.sensitivity.decompose`: from the start total to the end, stage by stage.

    Parameters
    ----------
    table : pandas.DataFrame
        The decomposition: a start total, one change per stage, an end total.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The value axis starts above 0 when the changes are small beside the totals (the caption says so).
    """
    unit, axis_text = _metric_axis(table)
    fig, ax = axes(ax, (9, 4.8))
    _waterfall_bars(ax, table)
    ax.set_xticks(range(len(table)), table["step"], rotation=15, ha="right", fontsize=8)
    ax.set_ylabel(axis_text, fontsize=9)
    ax.set_title(f"From {table.attrs.get('start')!r} to {table.attrs.get('end')!r}, stage by stage", pad=14)
    bottom, top = _waterfall_floor(table)
    ax.set_ylim(bottom, top)
    zoom = f" The axis starts at {bottom:.3g} {unit}, not 0." if bottom > 0 else ""
    return caption(fig, f"Changes by stage ({table.attrs.get('method')} decomposition), operational basis "
                        f"{table.attrs.get('basis')}; what each stage changes is in the table's 'parameters' "
                        f"column.{zoom}")
