"""Per-record hardware coefficients: CCF's watt rules on the shipped tables, embodied shares."""

import pandas as pd
import pytest

from carbonlab.datasets import hardware


def _coef(types, provider="aws", coefficient_set="ccf_2020"):
    r = pd.DataFrame({"provider": provider, "instance_type": types})
    return hardware.compute_coefficients(r, coefficient_set).set_axis(types)


def test_embodied_share_is_per_instance_size():
    # CCF.md §7: CCF gives m5.large and m5.24xlarge the same embodied CO2e per instance-hour (4.787e-7 t in
    # us-east-1), a fault; SCI's M = TE x TiR/EL x vCPU/platform vCPU scales with the size: 2/96 vs 96/96.
    c = _coef(["m5.large", "m5.24xlarge"])
    per_hour = c["embodied_kg"] * c["resource_share"]
    assert per_hour["m5.24xlarge"] / per_hour["m5.large"] == pytest.approx(48.0)
    # SCI value for m5.large, 1 h, 4 years: 1610.3792 kg x 1/35040 x 2/96 = 9.57e-7 t (CCF.md §7)
    assert per_hour["m5.large"] / 35040 / 1000 == pytest.approx(9.57e-7, rel=1e-3)
    assert per_hour["m5.24xlarge"] / 35040 / 1000 == pytest.approx(4.60e-5, rel=1e-3)


def test_burstable_types_share_the_closest_family_platform():
    # CCF's documented rule ("largest instance in the closest family"): t3 -> m5 (96 vCPU), t4g -> m6g (64)
    c = _coef(["t3.medium", "m5.large", "t4g.small"])
    assert c.loc["t3.medium", "resource_share"] == pytest.approx(2 / 96)
    assert c.loc["t3.medium", "embodied_kg"] * c.loc["t3.medium", "resource_share"] == pytest.approx(
        c.loc["m5.large", "embodied_kg"] * c.loc["m5.large", "resource_share"])
    assert c.loc["t4g.small", "resource_share"] == pytest.approx(2 / 64)


def test_watts_follow_ccf_mapping_and_fallback():
    # m5.large -> Skylake 0.65/4.26 W (CCF npm aws 0.15.0); m6i -> no architecture in CCF -> AWS average 0.74/3.5
    c = _coef(["m5.large", "m6i.large", "unknown.type"])
    assert (c.loc["m5.large", "min_watts"], c.loc["m5.large", "max_watts"]) == (0.65, 4.26)
    assert (c.loc["m6i.large", "min_watts"], c.loc["m6i.large", "max_watts"]) == (0.74, 3.5)
    assert (c.loc["unknown.type", "min_watts"], c.loc["unknown.type", "max_watts"]) == (0.74, 3.5)
    assert not c.loc["unknown.type", "known"]


def test_lookups_ignore_case():
    c = _coef(["Standard_D4s_v3", "standard_d4s_v3"], provider="azure")
    assert c["known"].all() and c["vcpu"].tolist() == [4.0, 4.0]
