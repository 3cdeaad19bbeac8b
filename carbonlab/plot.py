"""Figures of a Footprint (matplotlib; units on every axis, sources in a caption)."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np

from carbonlab.schema import BASIS, REGION, SERVICE, TIME


def _caption(fig, fp, extra=""):
    text = (f"carbonlab footprint, methodology {fp.attrs.get('methodology')!r} "
            f"(v{fp.attrs.get('methodology_version')}). {extra}").strip()
    fig.text(0.01, 0.005, text, fontsize=7, color="0.35", ha="left", va="bottom", wrap=True)


def region_hour_heatmap(fp, basis: str | None = None, ax=None):
    """Operational emissions by region and hour of day (UTC), summed over the period.

    Parameters
    ----------
    fp : xarray.Dataset
        A Footprint.
    basis : str, optional
        Basis to show; the first of the footprint by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    op = fp["co2e_operational"]
    basis = basis or str(op[BASIS].values[0])
    da = op.sel({BASIS: basis}).sum([d for d in op.dims if d not in (TIME, REGION, BASIS)])
    by_hour = (da.groupby(f"{TIME}.hour").sum() / 1e3).transpose(REGION, "hour")
    order = np.argsort(-by_hour.sum("hour").values)
    by_hour = by_hour.isel({REGION: order})
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 0.35 * by_hour.sizes[REGION] + 2))
    else:
        fig = ax.figure
    im = ax.imshow(by_hour.values, aspect="auto", cmap="YlOrRd")
    ax.set_yticks(range(by_hour.sizes[REGION]), [f"{r} ({p})" for r, p in
                                                  zip(by_hour[REGION].values, by_hour["provider"].values)])
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel("hour of day (UTC)")
    ax.set_title(f"Operational emissions by region and hour, {basis.replace('_', ' ')}")
    fig.colorbar(im, ax=ax, label="CO2e [kg]")
    _caption(fig, fp, f"Grid signal: {fp['grid_intensity'].attrs.get('source', '')}, "
                      f"{fp['grid_intensity'].attrs.get('resolution', '')}.")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def stacked_by_service(fp, basis: str | None = None, freq: str = "MS", top: int = 10, ax=None):
    """Operational plus embodied emissions per period, stacked by service.

    Parameters
    ----------
    fp : xarray.Dataset
        A Footprint.
    basis : str, optional
        Basis of the operational part; the first of the footprint by default.
    freq : str, default "MS"
        Period (pandas frequency).
    top : int, default 10
        Services shown; the rest are summed as "other".

    Returns
    -------
    matplotlib.figure.Figure
    """
    op = fp["co2e_operational"]
    basis = basis or str(op[BASIS].values[0])
    total = op.sel({BASIS: basis}, drop=True) + fp["co2e_embodied"]
    da = total.sum([d for d in total.dims if d not in (TIME, SERVICE)]).resample({TIME: freq}).sum() / 1e6
    order = np.argsort(-da.sum(TIME).values)
    names = [str(s) for s in da[SERVICE].values[order]]
    values = da.values[:, order]
    if len(names) > top:
        values = np.column_stack([values[:, : top - 1], values[:, top - 1:].sum(axis=1)])
        names = names[: top - 1] + ["other"]
    if ax is None:
        fig, ax = plt.subplots(figsize=(12, 5))
    else:
        fig = ax.figure
    labels = [str(t)[:7] for t in da[TIME].values]
    bottom = np.zeros(len(labels))
    cmap = plt.get_cmap("tab10")
    for j, name in enumerate(names):
        ax.bar(labels, values[:, j], bottom=bottom, label=name, color=cmap(j % 10))
        bottom += values[:, j]
    ax.set_ylabel("CO2e [t]")
    ax.set_xlabel("period")
    ax.set_title(f"Emissions by service ({basis.replace('_', ' ')} operational + embodied)")
    ax.legend(fontsize=8, ncol=1, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="service")
    assumed = json.loads(fp.attrs.get("assumed", "[]"))
    _caption(fig, fp, f"{len(assumed)} documented fallbacks (attrs['assumed']).")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
