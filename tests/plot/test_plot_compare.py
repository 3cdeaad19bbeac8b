"""Figures of methodology studies (:mod:`carbonlab.plot.compare`): what they draw is the study's numbers.

Expected values are the studies' own tables and :func:`carbonlab.total`; units of parameters are the ones the
:class:`carbonlab.Methodology` docstring states.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from plot_helpers import check_labels, close_figures  # noqa: F401  (close_figures: autouse fixture)

import carbonlab
from carbonlab.plot import compare as plot_compare


@pytest.fixture(scope="module")
def usage(hourly_vm_disk):
    return hourly_vm_disk([("us-east-1", "aws", "m5.large"), ("europe-north1", "gcp", "n2-standard-8")])


def test_methodology_bars(usage):
    cmp = carbonlab.compare(usage, ["ccf", "carbonlab", "carbonlab_6y"])
    fig = plot_compare.methodology_bars(cmp)
    check_labels(fig)
    patches = fig.axes[0].patches
    tops = [patches[i].get_height() + patches[i + 3].get_height() for i in range(3)]
    np.testing.assert_allclose(tops, carbonlab.total(cmp, basis="location_average").values, rtol=1e-12)
    assert fig.axes[0].get_ylabel() == "CO2e [t]"
    # ccf has no marginal basis: its operational bar is missing and marked n/a
    fig = plot_compare.methodology_bars(cmp, basis="location_marginal")
    assert "n/a" in [t.get_text() for t in fig.axes[0].texts]


def test_sweep_plot(usage):
    sw = carbonlab.sweep(usage, "carbonlab", "amortization_years", [3, 4, 6, 8])
    fig = plot_compare.sweep_plot(sw, "amortization_years")
    check_labels(fig)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), carbonlab.total(sw).values)
    assert "[year]" in fig.axes[0].get_xlabel()
    fig = plot_compare.sweep_plot(carbonlab.sweep(usage, "carbonlab", "pue_source", ["ccf", "region", "fleet"]),
                                  "pue_source", metric="energy")
    check_labels(fig)
    assert fig.axes[0].get_ylabel() == "energy [kWh]"


def test_tornado_plot(usage):
    table = carbonlab.tornado(usage, "carbonlab", {"amortization_years": (3.0, 8.0), "pue_source": ("ccf",)})
    fig = plot_compare.tornado_plot(table)
    check_labels(fig)
    bars = fig.axes[0].patches
    n = len(table)
    lows = sorted(b.get_x() + b.get_width() for b in bars[:n])
    np.testing.assert_allclose(lows, sorted(table["low"]), rtol=1e-12)


def test_waterfall_plot(usage):
    w = carbonlab.decompose(usage, "ccf", "carbonlab")
    fig = plot_compare.waterfall_plot(w)
    check_labels(fig)
    bars = fig.axes[0].patches
    assert bars[-1].get_height() == pytest.approx(w["value"].iloc[-1])
    # each change starts where the previous cumulative total ended
    level = w["value"].iloc[0]
    for bar, value in zip(bars[1:-1], w["value"].iloc[1:-1]):
        assert bar.get_y() == pytest.approx(level) and bar.get_height() == pytest.approx(value)
        level += value
    assert level == pytest.approx(w["value"].iloc[-1], rel=1e-9)


def test_every_numeric_parameter_has_its_unit():
    # the units of the axes of sweeps are the ones the Methodology docstring gives, "[unit]" ending each entry
    numeric = [f.name for f in fields(carbonlab.Methodology) if f.type in ("float", "int")]
    assert numeric and set(numeric) <= set(plot_compare._PARAMETER_UNITS)
    assert plot_compare._PARAMETER_UNITS["memory_coefficient"] == "kWh GB-1 h-1"
    assert plot_compare._PARAMETER_UNITS["default_utilization"] == "1"


def test_study_figures_draw_on_given_axes(usage):
    import matplotlib.pyplot as plt

    cmp = carbonlab.compare(usage, ["ccf", "carbonlab"])
    fig, ax = plt.subplots()
    assert plot_compare.methodology_bars(cmp, ax=ax) is fig and ax.patches
