"""Figures: what they draw is the footprint's numbers; every axis has units; every figure has a caption."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import carbonlab  # noqa: E402
from carbonlab import plot  # noqa: E402
from carbonlab.plot import compare as plot_compare

UNIT = re.compile(r"\[[^\]]+\]")


@pytest.fixture(scope="module")
def usage(hourly_vm_disk):
    return hourly_vm_disk([("us-east-1", "aws", "m5.large"), ("europe-north1", "gcp", "n2-standard-8")])


@pytest.fixture(scope="module")
def fp(usage):
    return carbonlab.estimate(usage, "carbonlab")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def check_labels(fig):
    """Every axis that shows numbers has a unit in brackets; the figure has a caption naming its sources."""
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            assert UNIT.search(ax.get_ylabel() or ax.get_xlabel()), "colorbar without unit"
            continue
        for label, ticks in ((ax.get_xlabel(), ax.get_xticklabels()), (ax.get_ylabel(), ax.get_yticklabels())):
            numeric = all(re.fullmatch(r"[\-−]?[\d.,]+(e[\-−+]?\d+)?", t.get_text() or "0") for t in ticks)
            if numeric and ticks:
                assert UNIT.search(label), f"axis {label!r} without unit"
    assert fig.texts and len(fig.texts[-1].get_text()) > 30, "no caption"


def test_heatmap_is_the_operational_emissions(fp):
    fig = plot.region_hour_heatmap(fp)
    check_labels(fig)
    image = fig.axes[0].images[0].get_array()
    total_kg = float(fp["co2e_operational"].sel(basis="location_average").sum()) / 1e3
    assert float(np.sum(image)) == pytest.approx(total_kg, rel=1e-12)


def test_stacked_by_service_and_component(fp):
    fig = plot.stacked_by_service(fp)
    check_labels(fig)
    heights = sum(p.get_height() for p in fig.axes[0].patches)
    want = float(fp["co2e_operational"].sel(basis="location_average").sum() + fp["co2e_embodied"].sum()) / 1e6
    assert heights == pytest.approx(want, rel=1e-12)
    fig = plot.stacked_by_component(fp)
    check_labels(fig)
    assert len(fig.axes[0].patches) == 5 * 2          # five components, two months (Jan 31, Feb 1)
    assert sum(p.get_height() for p in fig.axes[0].patches) == pytest.approx(float(fp["energy_it"].sum()) / 1e3)


def test_world_map(fp):
    fig = plot.world_map(fp)
    check_labels(fig)
    regions = carbonlab.load_table("regions").set_index(["provider", "region"])
    offsets = fig.axes[0].collections[0].get_offsets()
    expected = [regions.loc[(p, r), ["longitude", "latitude"]].to_numpy(float)
                for p, r in zip(fp["provider"].values, fp["region"].values)]
    np.testing.assert_allclose(np.asarray(offsets), np.array(expected))
    colours = fig.axes[0].collections[0].get_array()
    np.testing.assert_allclose(colours, fp["grid_intensity"].sel(basis="location_average").mean("time").values)
    fig = plot.world_map(basis="location_marginal")      # every region of the shipped dataset
    check_labels(fig)
    placed = regions.dropna(subset=["intensity_marginal", "latitude", "longitude"])
    assert len(fig.axes[0].collections[0].get_offsets()) == len(placed)


def test_methodology_bars(usage):
    cmp = carbonlab.compare(usage, ["ccf", "carbonlab", "carbonlab_6y"])
    fig = plot_compare.methodology_bars(cmp)
    check_labels(fig)
    patches = fig.axes[0].patches
    tops = [patches[i].get_height() + patches[i + 3].get_height() for i in range(3)]
    np.testing.assert_allclose(tops, carbonlab.total(cmp, basis="location_average").values, rtol=1e-12)
    # ccf has no marginal basis: its operational bar is missing and marked n/a
    fig = plot_compare.methodology_bars(cmp, basis="location_marginal")
    assert "n/a" in [t.get_text() for t in fig.axes[0].texts]


def test_sweep_tornado_waterfall(usage):
    sw = carbonlab.sweep(usage, "carbonlab", "amortization_years", [3, 4, 6, 8])
    fig = plot_compare.sweep_plot(sw, "amortization_years")
    check_labels(fig)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), carbonlab.total(sw).values)
    assert "[year]" in fig.axes[0].get_xlabel()
    fig = plot_compare.sweep_plot(carbonlab.sweep(usage, "carbonlab", "pue_source", ["ccf", "region", "fleet"]),
                                  "pue_source")
    check_labels(fig)

    table = carbonlab.tornado(usage, "carbonlab", {"amortization_years": (3.0, 8.0), "pue_source": ("ccf",)})
    fig = plot_compare.tornado_plot(table)
    check_labels(fig)
    bars = fig.axes[0].patches
    n = len(table)
    lows = sorted(b.get_x() + b.get_width() for b in bars[:n])
    np.testing.assert_allclose(lows, sorted(table["low"]), rtol=1e-12)

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
