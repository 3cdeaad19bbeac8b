"""Figures of methodology studies: comparison bars, sweeps, tornado, waterfall.

Inputs are the outputs of :func:`carbonlab.compare`, :func:`carbonlab.sensitivity.sweep`,
:func:`carbonlab.sensitivity.tornado` and :func:`carbonlab.sensitivity.decompose`.  Units on
every axis; the caption names the methodologies and where the ranges come from.
"""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np

from carbonlab._version import __version__
from carbonlab.core.schema import BASIS, METHODOLOGY
from carbonlab.sensitivity import METRICS, totals

__all__ = ["methodology_bars", "sweep_plot", "tornado_plot", "waterfall_plot"]


def _note(fig, text: str) -> None:
    fig.text(0.01, 0.005, f"carbonlab {__version__}. {text}", fontsize=7, color="0.35", ha="left", va="bottom",
             wrap=True)


def _axes(ax, size):
    if ax is None:
        return plt.subplots(figsize=size)
    return ax.figure, ax


def methodology_bars(cmp, basis: str = "location_average", ax=None):
    """Operational and embodied emissions of each methodology of a comparison, stacked.

    Parameters
    ----------
    cmp : xarray.Dataset
        Output of :func:`carbonlab.compare` (a ``methodology`` dimension).
    basis : str, default "location_average"
        Basis of the operational part; a methodology that does not compute
        it is shown without an operational bar and marked "n/a".

    Returns
    -------
    matplotlib.figure.Figure
    """
    t = totals(cmp)
    ids = [str(i) for i in cmp[METHODOLOGY].values]
    has = [basis in json.loads(str(p))["bases"] for p in cmp["methodology_parameters"].values]
    op = (t["co2e_operational"].sel({BASIS: basis}) / 1e6).values if basis in cmp[BASIS].values \
        else np.full(len(ids), np.nan)
    op = np.where(has, op, np.nan)
    emb = (t["co2e_embodied"] / 1e6).values
    fig, ax = _axes(ax, (max(6, 1.3 * len(ids) + 3), 4.8))
    x = np.arange(len(ids))
    ax.bar(x, np.nan_to_num(op), label=f"operational ({basis.replace('_', ' ')})", color="#4c72b0")
    ax.bar(x, emb, bottom=np.nan_to_num(op), label="embodied", color="#dd8452")
    for i, (o, e) in enumerate(zip(op, emb)):
        text = "n/a" if np.isnan(o) else f"{o + e:.3g}"
        ax.annotate(text, (i, (0 if np.isnan(o) else o) + e), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=8)
    ax.set_xticks(x, ids, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("CO2e [t]")
    ax.set_xlabel("methodology")
    ax.set_title("The same usage under each methodology")
    ax.legend(fontsize=8)
    _note(fig, "Each methodology's parameters and fallbacks are the coordinates methodology_parameters and "
               "methodology_assumed of the comparison; grid, PUE and coefficient sources are named there.")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def sweep_plot(cmp, parameter: str, metric: str = "co2e", basis: str = "location_average", ax=None):
    """A total against the values of a swept parameter.

    Parameters
    ----------
    cmp : xarray.Dataset
        Output of :func:`carbonlab.sensitivity.sweep` (a coordinate named
        ``parameter`` on ``methodology``).
    parameter : str
    metric : str, default "co2e"
        A key of :data:`carbonlab.sensitivity.METRICS`.
    basis : str, default "location_average"

    Returns
    -------
    matplotlib.figure.Figure
    """
    from carbonlab.sensitivity import total

    y = total(cmp, metric, basis=basis)
    x = cmp[parameter].values
    fig, ax = _axes(ax, (7, 4.5))
    unit = METRICS[metric][0]
    if np.issubdtype(np.asarray(x).dtype, np.number):
        ax.plot(x, y.values, marker="o")
        ax.set_xlabel(f"{parameter} [{_PARAMETER_UNITS.get(parameter, '1')}]")
    else:
        ax.bar([str(v) for v in x], y.values, color="#4c72b0")
        for i, v in enumerate(y.values):
            ax.annotate(f"{v:.4g}", (i, v), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
        ax.set_xlabel(parameter)
    ax.set_ylabel(f"{metric} [{unit}]")
    ax.set_ylim(bottom=0)
    ax.set_title(f"{METRICS[metric][1]} as {parameter} varies")
    base = json.loads(str(cmp["methodology_parameters"].values[0]))
    _note(fig, f"Other parameters as in {cmp[METHODOLOGY].values[0]!r} (coefficient set "
               f"{base.get('coefficient_set')}, PUE {base.get('pue_source')}, grid {base.get('grid_source')}); "
               f"operational basis {basis}.")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


#: Units of numeric methodology parameters, for axis labels.
_PARAMETER_UNITS = {"amortization_years": "year", "default_utilization": "1", "memory_coefficient": "kWh GB-1 h-1",
                    "ssd_coefficient": "Wh TB-1 h-1", "hdd_coefficient": "Wh TB-1 h-1",
                    "network_coefficient": "kWh GB-1"}


def tornado_plot(table, ax=None):
    """Tornado chart of :func:`carbonlab.sensitivity.tornado`.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`carbonlab.sensitivity.tornado`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    t = table.iloc[::-1]
    base = float(table["base"].iloc[0])
    unit = table.attrs.get("units", table["units"].iloc[0])
    fig, ax = _axes(ax, (9, 0.45 * len(t) + 2))
    y = np.arange(len(t))
    ax.barh(y, t["low"] - base, left=base, color="#4c72b0", label="lower end")
    ax.barh(y, t["high"] - base, left=base, color="#c44e52", label="upper end")
    ax.axvline(base, color="k", linewidth=0.8)
    labels = [f"{p}\n{lo} .. {hi}" for p, lo, hi in zip(t["parameter"], t["low_value"], t["high_value"])]
    ax.set_yticks(y, labels, fontsize=8)
    metric = table.attrs.get("metric", "co2e")
    ax.set_xlabel(f"{metric}: {METRICS[metric][1]} [{unit}]")
    ax.set_title(f"One-at-a-time sensitivity around {table.attrs.get('methodology', '')!r} "
                 f"(base {base:.3g} {unit})")
    ax.legend(fontsize=8, loc="lower right")
    _note(fig, f"Each knob alone over carbonlab.sensitivity.RANGES (sources in its comments), others at the base; "
               f"operational basis {table.attrs.get('basis')}. Interactions between knobs are not shown.")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def waterfall_plot(table, ax=None):
    """Waterfall chart of :func:`carbonlab.sensitivity.decompose`.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`carbonlab.sensitivity.decompose`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    unit = table.attrs.get("units", table["units"].iloc[0])
    fig, ax = _axes(ax, (9, 4.8))
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
    ax.set_xticks(range(len(table)), table["step"], rotation=15, ha="right", fontsize=8)
    metric = table.attrs.get("metric", "co2e")
    ax.set_ylabel(f"{metric}: {METRICS[metric][1]} [{unit}]", fontsize=9)
    ax.set_title(f"From {table.attrs.get('start')!r} to {table.attrs.get('end')!r}, stage by stage", pad=14)
    levels = np.concatenate([[0.0], np.cumsum(table["value"].where(table["kind"] == "change", 0.0))])
    levels = table["value"].iloc[0] + levels
    lo, hi = float(min(levels.min(), table["value"].iloc[-1])), float(max(levels.max(), table["value"].iloc[-1]))
    bottom = max(0.0, lo - 1.5 * (hi - lo)) if hi > lo else 0.0
    ax.set_ylim(bottom, hi + 0.15 * (hi - bottom))
    zoom = f" The axis starts at {bottom:.3g} {unit}, not 0." if bottom > 0 else ""
    _note(fig, f"Changes by stage ({table.attrs.get('method')} decomposition), operational basis "
               f"{table.attrs.get('basis')}; what each stage changes is in the table's 'parameters' column.{zoom}")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig
