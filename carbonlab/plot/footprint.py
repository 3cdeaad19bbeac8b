"""Figures of a Footprint (matplotlib; units on every axis, sources in a caption)."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np

from carbonlab.core.schema import BASIS, COMPONENT, REGION, SERVICE, TIME


def _plain(text) -> str:
    """A name from a bill as literal text: ``$`` would start matplotlib's mathtext (and a bad formula fails
    the figure)."""
    return str(text).replace("$", r"\$")


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
    ax.set_yticks(range(by_hour.sizes[REGION]), [_plain(f"{r} ({p})") for r, p in
                                                  zip(by_hour[REGION].values, by_hour["provider"].values)])
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel("hour of day [h, UTC]")
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
    names = [_plain(s) for s in da[SERVICE].values[order]]
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


def stacked_by_component(fp, freq: str = "MS", ax=None):
    """IT energy per period, stacked by component (CPU, GPU, memory, storage, network).

    Parameters
    ----------
    fp : xarray.Dataset
        A Footprint.
    freq : str, default "MS"
        Period (pandas frequency).

    Returns
    -------
    matplotlib.figure.Figure
    """
    e = fp["energy_it"]
    da = e.sum([d for d in e.dims if d not in (TIME, COMPONENT)]).resample({TIME: freq}).sum() / 1e3
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 4.5))
    else:
        fig = ax.figure
    labels = [str(t)[:10] if freq not in ("MS", "ME", "M") else str(t)[:7] for t in da[TIME].values]
    bottom = np.zeros(len(labels))
    cmap = plt.get_cmap("Set2")
    for j, comp in enumerate(da[COMPONENT].values):
        values = da.sel({COMPONENT: comp}).values
        ax.bar(labels, values, bottom=bottom, label=str(comp), color=cmap(j))
        bottom += values
    ax.set_ylabel("IT energy [MWh]")
    ax.set_xlabel("period")
    ax.set_title("IT energy by component")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="component")
    _caption(fig, fp, f"Energy model: {e.attrs.get('model', '')}; coefficient set "
                      f"{json.loads(fp.attrs.get('parameters', '{}')).get('coefficient_set', '?')}.")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def world_map(fp=None, basis: str = "location_average", ax=None):
    """Cloud regions on longitude and latitude, coloured by grid carbon intensity.

    Parameters
    ----------
    fp : xarray.Dataset, optional
        A Footprint: its regions, coloured by the mean of its grid signal and
        sized by their operational emissions.  Without it, every region of
        the shipped ``regions`` dataset with its annual intensity.
    basis : str, default "location_average"
        ``location_average``, ``location_marginal`` or ``market``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from carbonlab.datasets import load_table

    regions = load_table("regions").set_index(["provider", "region"])
    if fp is None:
        column = {"location_average": "intensity_average", "location_marginal": "intensity_marginal",
                  "market": "market_intensity"}[basis]
        table = regions.dropna(subset=[column, "latitude", "longitude"])
        lon, lat, value = table["longitude"].to_numpy(), table["latitude"].to_numpy(), table[column].to_numpy()
        sizes, labels = np.full(len(table), 40.0), []
        caption = (f"Annual {basis.replace('_', ' ')} intensity per region, shipped dataset 'regions' "
                   "(GSF Real Time Cloud: Electricity Maps averages, WattTime marginal rates).")
    else:
        gi = fp["grid_intensity"].sel({BASIS: basis})
        mean = gi.mean([d for d in gi.dims if d != REGION])
        op = fp["co2e_operational"].sel({BASIS: basis})
        emitted = op.sum([d for d in op.dims if d != REGION]) / 1e3
        keys = list(zip(fp["provider"].values, fp[REGION].values))
        known = [k in regions.index for k in keys]
        lon = np.array([regions.loc[k, "longitude"] if ok else np.nan for k, ok in zip(keys, known)])
        lat = np.array([regions.loc[k, "latitude"] if ok else np.nan for k, ok in zip(keys, known)])
        value = mean.values
        sizes = 30 + 400 * emitted.values / max(float(emitted.max()), 1e-12)
        labels = [str(r) for r in fp[REGION].values]
        caption = (f"Grid signal: {gi.attrs.get('source', '')}, {gi.attrs.get('resolution', '')} "
                   f"(mean over the period); marker area ~ operational emissions; coordinates: shipped "
                   f"dataset 'regions'.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(11, 5.5))
    else:
        fig = ax.figure
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 75)
    ax.set_xticks(range(-180, 181, 60))
    ax.set_yticks(range(-60, 76, 30))
    ax.grid(color="0.85", linewidth=0.5)
    ax.axhline(0, color="0.7", linewidth=0.6)
    sc = ax.scatter(lon, lat, c=value, s=sizes, cmap="RdYlGn_r", edgecolors="0.2", linewidths=0.5, vmin=0)
    for x, y, text in zip(lon, lat, labels):
        if np.isfinite(x) and np.isfinite(y):
            ax.annotate(_plain(text), (x, y), xytext=(4, 3), textcoords="offset points", fontsize=7)
    ax.set_xlabel("longitude [degree_east]")
    ax.set_ylabel("latitude [degree_north]")
    ax.set_title(f"Cloud regions by grid carbon intensity ({basis.replace('_', ' ')})")
    fig.colorbar(sc, ax=ax, label="grid carbon intensity [g kWh-1]")
    if fp is None:
        fig.text(0.01, 0.005, caption, fontsize=7, color="0.35", ha="left", va="bottom", wrap=True)
    else:
        _caption(fig, fp, caption)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
