"""Figures of a Footprint (:mod:`carbonlab.plot.footprint`): what they draw is the footprint's numbers; every axis
has units; every figure has a caption."""

from __future__ import annotations

import numpy as np
import pytest
from plot_helpers import check_labels, close_figures  # noqa: F401  (close_figures: autouse fixture)

import carbonlab
from carbonlab import plot


@pytest.fixture(scope="module")
def usage(hourly_vm_disk):
    return hourly_vm_disk([("us-east-1", "aws", "m5.large"), ("europe-north1", "gcp", "n2-standard-8")])


@pytest.fixture(scope="module")
def fp(usage):
    return carbonlab.estimate(usage, "carbonlab")


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



def test_axis_units_are_the_registry_units(fp):
    # g of CO2e shown in kg, kWh in MWh: the labels name the unit the values were converted to, exactly
    from carbonlab.core.schema import VARIABLES
    from carbonlab.plot import _figure

    colorbar = plot.region_hour_heatmap(fp).axes[1]
    assert colorbar.get_ylabel() == f"{VARIABLES['co2e_operational']['long_name']} [kg]"
    assert plot.stacked_by_component(fp).axes[0].get_ylabel() == "IT energy [MWh]"
    fig = plot.world_map(fp)
    assert fig.axes[1].get_ylabel() == f"grid carbon intensity [{VARIABLES['grid_intensity']['units']}]"
    assert fig.texts[-1].get_text().startswith("carbonlab footprint, methodology 'carbonlab'")
    assert plot.world_map().texts[-1].get_text().startswith(f"carbonlab {carbonlab.__version__}.")
    assert _figure.in_unit(1.5e6, "co2e_embodied", "t") == 1.5
    with pytest.raises(ValueError, match="no exact scale"):
        _figure.label("energy", "t")
