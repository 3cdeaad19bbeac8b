"""Embodied, water, facility and grid model functions against published examples."""

import pytest

from carbonlab.models import embodied, facility, emissions as grid, water


def test_sci_spec_embodied_example():
    # SCI spec v1.1.0 (ISO/IEC 21031:2024) "Embodied emissions": TE 1000 kg, EL 4 y, 1 h -> ~0.0285 kg
    m = embodied.sci_embodied(1000.0, 1.0, 1.0, lifespan_years=4)
    assert m == pytest.approx(1000.0 / (4 * 365 * 24), rel=1e-15)
    assert m == pytest.approx(0.0285, abs=5e-5)


def test_six_years_is_two_thirds_of_four():
    # EMBODIED.md §1: 6-year amortisation is 33 % lower than 4 years
    assert embodied.sci_embodied(1.0, 1.0, 1.0, lifespan_years=6) / embodied.sci_embodied(
        1.0, 1.0, 1.0, lifespan_years=4) == pytest.approx(4 / 6)


def test_ccf_embodied_harness_row():
    # CCF harness sample emb-1 (rows mode, SCI semantics; shared/peers/ccf/README.md): 24 instance-hours of
    # c5.2xlarge -> 7.671771689497716e-05 t. c5 TE = 1.3440944 t (CCF.md §7); 8 vCPU of the family's 96.
    te_kg = 1344.0944
    m = embodied.sci_embodied(te_kg, 24.0, 8 / 96, lifespan_years=4)
    assert m / 1000 == pytest.approx(7.671771689497716e-05, rel=1e-9)


@pytest.mark.parametrize("memory_gb, sockets, ssd, gpu, expected_kg", [
    (384, 2, 0, 0, 1610.79),     # AWS m5 (ccf-coefficients coefficients-aws-embodied.csv, EMBODIED.md §2)
    (32, 1, 0, 0, 1022.21),      # AWS a1.medium platform, 32 GB
])
def test_teads_baseline(memory_gb, sockets, ssd, gpu, expected_kg):
    te = embodied.teads_baseline(memory_gb, sockets=sockets, ssd_count=ssd, gpu_count=gpu)
    assert float(te) == pytest.approx(expected_kg, abs=0.01)


def test_water_uses_it_energy():
    # INTENSITY.md §6 worked example: 1000 kWh facility, PUE 1.15, WUE 0.12 -> 104.3 L (not 120 L)
    it = 1000 / 1.15
    assert water.wue_water(it, 0.12) == pytest.approx(104.3478, rel=1e-4)


def test_pue_and_grid():
    assert facility.pue_energy(2.0, 1.135) == pytest.approx(2.27)
    # CCF harness vm-1: 1.5195834 kWh x 0.000379069 t/kWh = 0.0005760269598546 t
    assert grid.location_based(1.5195834, 379.069) / 1e6 == pytest.approx(0.0005760269598546, rel=1e-12)
