"""What every figure shares: the caller's axes or a new figure, a caption naming the sources, amounts and axis
labels in the units of the variables registry (:data:`carbonlab.core.schema.VARIABLES`)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from carbonlab._version import __version__
from carbonlab.core.schema import VARIABLES
from carbonlab.core.units import amount_scale

__all__ = ["axes", "caption", "in_unit", "label"]


def axes(ax, size: tuple[float, float]):
    """The figure and axes to draw on: ``ax`` and its figure, or a new figure of ``size`` inches.

    Returns
    -------
    tuple of matplotlib.figure.Figure and matplotlib.axes.Axes
    """
    if ax is None:
        return plt.subplots(figsize=size)
    return ax.figure, ax


def caption(fig, text: str, *, fp=None, bottom: float = 0.05):
    """Write the caption under a figure, then lay the figure out above it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    text : str
        Where the numbers come from (sources, ranges, fallbacks).
    fp : xarray.Dataset, optional
        The Footprint drawn: the caption starts with its methodology and
        version; without it, with carbonlab's version.
    bottom : float, default 0.05
        Height kept free for the caption, as a fraction of the figure.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig``.
    """
    if fp is None:
        head = f"carbonlab {__version__}."
    else:
        head = (f"carbonlab footprint, methodology {fp.attrs.get('methodology')!r} "
                f"(v{fp.attrs.get('methodology_version')}).")
    fig.text(0.01, 0.005, f"{head} {text}".strip(), fontsize=7, color="0.35", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    return fig


def in_unit(amount, name: str, unit: str):
    """An amount of registry variable ``name`` (in the registry's unit), converted exactly to ``unit``.

    Examples
    --------
    >>> in_unit(2500.0, "co2e_operational", "kg"), in_unit(2500.0, "energy_it", "MWh")
    (2.5, 2.5)
    """
    return amount / amount_scale(VARIABLES[name]["units"], unit)


def label(name: str, unit: str | None = None, text: str | None = None) -> str:
    """Axis text ``long name [unit]`` of registry variable ``name``, in its registry unit by default.

    Examples
    --------
    >>> label("grid_intensity"), label("energy_it", "MWh")
    ('grid carbon intensity [g kWh-1]', 'IT energy [MWh]')
    """
    spec = VARIABLES[name]
    if unit is not None:
        amount_scale(spec["units"], unit)   # refuse a unit the registry's amounts cannot be shown in
    return f"{text or spec['long_name']} [{unit or spec['units']}]"
