"""Figures of a Footprint (matplotlib; units on every axis, from the variables registry; sources in a caption)."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np

from carbonlab.core.schema import BASIS, COMPONENT, REGION, SERVICE, TIME
from carbonlab.plot._figure import axes, caption, in_unit, label
from carbonlab.tables import METRICS

__all__ = ["region_hour_heatmap", "stacked_by_service", "stacked_by_component", "world_map"]


def _plain(text) -> str:
    """A name from a bill as literal text: ``$`` would start matplotlib's mathtext (and a bad formula fails
    the figure)."""
    return str(text).replace("$", r"\$")


def _operational(fp, basis: str | None):
    """Operational emissions of a Footprint on ``basis`` (its first by default), and the basis."""
    op = fp["co2e_operational"]
    basis = basis or str(op[BASIS].values[0])
    return op.sel({BASIS: basis}, drop=True), basis


def region_hour_heatmap(fp, basis: str | None = None, ax=None):
    """Operational emissions by region and hour of day (UTC), summed over the period.

    Parameters
    ----------
    fp : xarray.Dataset
        A Footprint.
    basis : str, optional
        Basis to show; the first of the footprint by default.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        One row per region, largest emitter on top; colour in kg CO2e.
    """
    op, basis = _operational(fp, basis)
    da = op.sum([d for d in op.dims if d not in (TIME, REGION)])
    by_hour = in_unit(da.groupby(f"{TIME}.hour").sum(), "co2e_operational", "kg").transpose(REGION, "hour")
    by_hour = by_hour.isel({REGION: np.argsort(-by_hour.sum("hour").values)})
    fig, ax = axes(ax, (10, 0.35 * by_hour.sizes[REGION] + 2))
    im = ax.imshow(by_hour.values, aspect="auto", cmap="YlOrRd")
    ax.set_yticks(range(by_hour.sizes[REGION]), [_plain(f"{r} ({p})") for r, p in
                                                  zip(by_hour[REGION].values, by_hour["provider"].values)])
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel("hour of day [h, UTC]")
    ax.set_title(f"Operational emissions by region and hour, {basis.replace('_', ' ')}")
    fig.colorbar(im, ax=ax, label=label("co2e_operational", "kg"))
    return caption(fig, f"Grid signal: {fp['grid_intensity'].attrs.get('source', '')}, "
                        f"{fp['grid_intensity'].attrs.get('resolution', '')}.", fp=fp, bottom=0.03)


def _stack(ax, labels, columns, names, cmap) -> None:
    """Bars of ``columns`` (one per name) stacked over ``labels``."""
    bottom = np.zeros(len(labels))
    for j, name in enumerate(names):
        ax.bar(labels, columns[:, j], bottom=bottom, label=name, color=cmap(j % cmap.N))
        bottom += columns[:, j]


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
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per period in t CO2e, the largest services at the bottom.
    """
    op, basis = _operational(fp, basis)
    unit = METRICS["co2e"][0]
    total = op + fp["co2e_embodied"]
    da = in_unit(total.sum([d for d in total.dims if d not in (TIME, SERVICE)]).resample({TIME: freq}).sum(),
                 "co2e_operational", unit)
    order = np.argsort(-da.sum(TIME).values)
    names = [_plain(s) for s in da[SERVICE].values[order]]
    values = da.values[:, order]
    if len(names) > top:
        values = np.column_stack([values[:, : top - 1], values[:, top - 1:].sum(axis=1)])
        names = names[: top - 1] + ["other"]
    fig, ax = axes(ax, (12, 5))
    _stack(ax, [str(t)[:7] for t in da[TIME].values], values, names, plt.get_cmap("tab10"))
    ax.set_ylabel(f"CO2e [{unit}]")
    ax.set_xlabel("period")
    ax.set_title(f"Emissions by service ({basis.replace('_', ' ')} operational + embodied)")
    ax.legend(fontsize=8, ncol=1, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="service")
    assumed = json.loads(fp.attrs.get("assumed", "[]"))
    return caption(fig, f"{len(assumed)} documented fallbacks (attrs['assumed']).", fp=fp, bottom=0.03)


def stacked_by_component(fp, freq: str = "MS", ax=None):
    """IT energy per period, stacked by component (CPU, GPU, memory, storage, network).

    Parameters
    ----------
    fp : xarray.Dataset
        A Footprint.
    freq : str, default "MS"
        Period (pandas frequency).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    e = fp["energy_it"]
    da = in_unit(e.sum([d for d in e.dims if d not in (TIME, COMPONENT)]).resample({TIME: freq}).sum(),
                 "energy_it", "MWh")
    fig, ax = axes(ax, (9, 4.5))
    labels = [str(t)[:10] if freq not in ("MS", "ME", "M") else str(t)[:7] for t in da[TIME].values]
    names = [str(c) for c in da[COMPONENT].values]
    _stack(ax, labels, da.transpose(TIME, COMPONENT).values, names, plt.get_cmap("Set2"))
    ax.set_ylabel(label("energy_it", "MWh"))
    ax.set_xlabel("period")
    ax.set_title("IT energy by component")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="component")
    return caption(fig, f"Energy model: {e.attrs.get('model', '')}; coefficient set "
                        f"{json.loads(fp.attrs.get('parameters', '{}')).get('coefficient_set', '?')}.",
                   fp=fp, bottom=0.04)


#: Column of the shipped ``regions`` table with each basis's annual intensity (world map without a footprint).
_REGION_INTENSITY = {"location_average": "intensity_average", "location_marginal": "intensity_marginal",
                     "market": "market_intensity"}


def _shipped_regions(regions, basis: str) -> dict:
    """Every region of the shipped dataset with its annual intensity on ``basis``."""
    table = regions.dropna(subset=[_REGION_INTENSITY[basis], "latitude", "longitude"])
    return dict(lon=table["longitude"].to_numpy(), lat=table["latitude"].to_numpy(),
                value=table[_REGION_INTENSITY[basis]].to_numpy(), sizes=np.full(len(table), 40.0), labels=[],
                caption=f"Annual {basis.replace('_', ' ')} intensity per region, shipped dataset 'regions' "
                        "(GSF Real Time Cloud: Electricity Maps averages, WattTime marginal rates).")


def _footprint_regions(regions, fp, basis: str) -> dict:
    """The regions of a Footprint, with the mean of its grid signal and its operational emissions."""
    gi = fp["grid_intensity"].sel({BASIS: basis})
    op = fp["co2e_operational"].sel({BASIS: basis})
    emitted = in_unit(op.sum([d for d in op.dims if d != REGION]), "co2e_operational", "kg")
    keys = list(zip(fp["provider"].values, fp[REGION].values))
    known = [k in regions.index for k in keys]
    return dict(lon=np.array([regions.loc[k, "longitude"] if ok else np.nan for k, ok in zip(keys, known)]),
                lat=np.array([regions.loc[k, "latitude"] if ok else np.nan for k, ok in zip(keys, known)]),
                value=gi.mean([d for d in gi.dims if d != REGION]).values,
                sizes=30 + 400 * emitted.values / max(float(emitted.max()), 1e-12),
                labels=[str(r) for r in fp[REGION].values],
                caption=f"Grid signal: {gi.attrs.get('source', '')}, {gi.attrs.get('resolution', '')} "
                        f"(mean over the period); marker area ~ operational emissions; coordinates: shipped "
                        f"dataset 'regions'.")


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
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from carbonlab.datasets import load_table

    regions = load_table("regions").set_index(["provider", "region"])
    points = _shipped_regions(regions, basis) if fp is None else _footprint_regions(regions, fp, basis)
    fig, ax = axes(ax, (11, 5.5))
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 75)
    ax.set_xticks(range(-180, 181, 60))
    ax.set_yticks(range(-60, 76, 30))
    ax.grid(color="0.85", linewidth=0.5)
    ax.axhline(0, color="0.7", linewidth=0.6)
    sc = ax.scatter(points["lon"], points["lat"], c=points["value"], s=points["sizes"], cmap="RdYlGn_r",
                    edgecolors="0.2", linewidths=0.5, vmin=0)
    for x, y, text in zip(points["lon"], points["lat"], points["labels"]):
        if np.isfinite(x) and np.isfinite(y):
            ax.annotate(_plain(text), (x, y), xytext=(4, 3), textcoords="offset points", fontsize=7)
    ax.set_xlabel("longitude [degree_east]")
    ax.set_ylabel("latitude [degree_north]")
    ax.set_title(f"Cloud regions by grid carbon intensity ({basis.replace('_', ' ')})")
    fig.colorbar(sc, ax=ax, label=label("grid_intensity"))
    return caption(fig, points["caption"], fp=fp, bottom=0.04)
