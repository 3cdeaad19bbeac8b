"""Boavizta's bottom-up embodied model: components, instance share, the platforms dataset, the footprint stage.

Reference: the c6gd worked example of Tailpipe's embodied-emissions methodology
(https://www.tailpipe.ai/methodology/embodied-emissions-methodology-example, as restated in
shared/methods/EMBODIED.md section 3, accessed 2026-11-22): c6gd.metal = 763.23 kg, c6gd.medium about 11.9 kg.
Component factors: boaviztapi ``boaviztapi/data/factors.yml`` (GWP, manufacture), from Umweltbundesamt
"Green Cloud Computing" (Texte 94/2021).
"""

from __future__ import annotations

import csv
import json
from unittest import mock

import numpy as np
import pytest

import carbonlab
from carbonlab.models import embodied
from carbonlab.datasets import hardware
from carbonlab.core.units import HOURS_PER_YEAR

from conftest import REPO

#: Tailpipe's c6gd.metal, component by component, as published (kg, rounded by the source).
tailpipe_c6gd_metal = {"cpu": 18.14, "ram": 199.1, "ssd": 177.9, "motherboard": 66.1, "power_supply": 145.31,
                       "assembly": 6.68, "case": 150.0}
C6GD_METAL = dict(cpu_die_mm2=457, cpu_units=1, ram_gb=16, ram_units=8, ssd_gb=1900, ssd_units=2)


def test_tailpipe_c6gd_metal_components():
    parts = embodied.boavizta_server(**C6GD_METAL)
    for name, published in tailpipe_c6gd_metal.items():
        # the source rounds each component to 2-4 significant digits
        assert float(parts[name]) == pytest.approx(published, abs=0.06), name
    assert float(parts["hdd"]) == 0 and float(parts["gpu"]) == 0
    # the published total is the sum of the rounded components
    assert float(sum(parts.values())) == pytest.approx(763.23, abs=0.05)


def test_tailpipe_c6gd_metal_by_hand():
    # independent recomputation of each formula of EMBODIED.md section 3
    cpu = 1 * (457 * 0.0197 + 9.14)
    ram = 8 * ((16 / 1.79) * 2.20 + 5.22)
    ssd = 2 * ((1900 / 50.6) * 2.20 + 6.34)
    total = cpu + ram + ssd + 66.10 + 2 * 2.99 * 24.30 + 6.68 + 150.0
    assert float(sum(embodied.boavizta_server(**C6GD_METAL).values())) == pytest.approx(total, rel=1e-12)


def test_tailpipe_c6gd_medium_share():
    # c6gd.medium: 1 vCPU of 64, 2 GB of 128, 59 GB of 3,800 GB of SSD -> about 11.9 kg (computed in EMBODIED.md)
    parts = embodied.boavizta_server(**C6GD_METAL)
    kg = embodied.boavizta_instance_share(parts, vcpu_share=1 / 64, memory_share=2 / 128, ssd_share=59 / 3800)
    by_hand = (parts["cpu"] / 64 + parts["ram"] * 2 / 128 + parts["ssd"] * 59 / 3800
               + (66.10 + 145.314 + 6.68 + 150.0) / 64)
    assert float(kg) == pytest.approx(float(by_hand), rel=1e-4)
    assert float(kg) == pytest.approx(11.9, abs=0.05)


def test_whole_server_share_is_the_server():
    parts = embodied.boavizta_server(**C6GD_METAL)
    assert float(embodied.boavizta_instance_share(parts, vcpu_share=1, memory_share=1)) == pytest.approx(
        float(sum(parts.values())), rel=1e-15)


def test_blade_case_and_hdd():
    # Boavizta: blade = 30.90 + 880/16 (a 16-slot chassis shared), HDD 31.11 kg per drive
    parts = embodied.boavizta_server(**C6GD_METAL, case="blade", hdd_units=3)
    assert float(parts["case"]) == pytest.approx(30.90 + 55.0)
    assert float(parts["hdd"]) == pytest.approx(93.33)


def test_vectorised_over_servers():
    parts = embodied.boavizta_server(cpu_die_mm2=[457, 694], cpu_units=[1, 2], ram_gb=32, ram_units=[8, 12],
                                     case=np.array(["rack", "rack"], dtype=object))
    single = embodied.boavizta_server(cpu_die_mm2=694, cpu_units=2, ram_gb=32, ram_units=12)
    assert float(sum(parts.values())[1]) == pytest.approx(float(sum(single.values())), rel=1e-15)


# ------------------------------------------------------------------------------------- the platforms dataset

def test_platforms_table_reproduces_the_worked_example():
    boa = hardware.boavizta_embodied()
    metal = boa.loc[("aws", "c6gd.metal")]
    assert metal["platform"] == "table"
    assert metal["server_kg"] == pytest.approx(763.23, abs=0.05)
    assert metal["share"] == pytest.approx(1.0, rel=1e-12)
    # the table shares the drives by vCPU: 1/64 instead of 59/3800 (0.3 % apart for the SSD term)
    assert boa.loc[("aws", "c6gd.medium"), "instance_kg"] == pytest.approx(11.9, abs=0.05)


def test_generic_server_rule():
    # aws a1.medium has no row: generic server of the instance table's platform (a1: 16 vCPU, 32 GB, Graviton)
    boa = hardware.boavizta_embodied().loc[("aws", "a1.medium")]
    assert boa["platform"] == "generic"
    parts = embodied.boavizta_server(cpu_die_mm2=16 * 24.5, cpu_units=1, ram_gb=32, ram_units=1)
    assert boa["server_kg"] == pytest.approx(float(sum(parts.values())), rel=1e-12)
    share = embodied.boavizta_instance_share(parts, vcpu_share=1 / 16, memory_share=2 / 32)
    assert boa["instance_kg"] == pytest.approx(float(share), rel=1e-12)


def test_platforms_schema_and_card():
    path = REPO / "datasets" / "platforms" / "platforms.csv"
    rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
    keys = [(r["provider"], r["family"]) for r in rows]
    assert rows and len(keys) == len(set(keys))
    inst = hardware.instances()
    for r in rows:
        assert r["spec_source"].startswith("https://") and r["die_source"] and r["notes"]
        assert int(r["ram_units"]) * float(r["ram_gb"]) >= float(r["platform_memory_gb"])
        fam = inst[(inst.index.get_level_values(0) == r["provider"]) & (inst["family"] == r["family"])]
        assert len(fam), r["family"]
        assert (fam["vcpu"] <= int(r["platform_vcpu"])).all()     # every size fits in the server
    card = (REPO / "datasets" / "platforms" / "DATACARD.md").read_text()
    digest = dict(line.split(" sha256:") for line in (REPO / "datasets" / "registry.txt").read_text().splitlines())
    assert f"| `platforms.csv` | `{digest['platforms/platforms.csv']}` |" in card
    for word in ("Publisher", "Licence", "Retrieved", "Reference year", "Build script", "Caveats", "dtype", "units"):
        assert word.lower() in card.lower(), word


# ------------------------------------------------------------------------------------- through the footprint

@pytest.fixture
def c6gd_hour(usage_table):
    return usage_table([dict(kind="compute", quantity=1.0, unit="vCPU-h", instance_type="c6gd.medium"),
                        dict(kind="compute", quantity=2.0, unit="vCPU-h", instance_type="a1.large",
                             service="other")])


def test_footprint_boavizta_stage(c6gd_hour):
    m = carbonlab.methodology("carbonlab").replace(embodied_model="boavizta")
    fp = carbonlab.estimate(c6gd_hour, m)
    boa = hardware.boavizta_embodied()
    # one instance-hour each: M = instance_kg x 1 h / (4 x 8760 h), in grams
    expected = {"svc": boa.loc[("aws", "c6gd.medium"), "instance_kg"],
                "other": boa.loc[("aws", "a1.large"), "instance_kg"]}
    got = fp["co2e_embodied"].sum(["time", "region"])
    for service, kg in expected.items():
        assert float(got.sel(service=service)) == pytest.approx(kg * 1000 / (4 * HOURS_PER_YEAR), rel=1e-12)
    assert fp["co2e_embodied"].attrs["model"] == "boavizta"
    assumed = json.loads(fp.attrs["assumed"])
    assert any("aws:a1.large embodied (boavizta)" in a for a in assumed)
    assert not any("c6gd" in a for a in assumed)


def test_cube_of_another_embodied_model_is_refused(c6gd_hour):
    cube = carbonlab.usage_cube(c6gd_hour, embodied_model="boavizta")
    with pytest.raises(ValueError, match="embodied model"):
        carbonlab.estimate(cube, "carbonlab")
    m = carbonlab.methodology("carbonlab").replace(embodied_model="none")
    assert float(carbonlab.estimate(carbonlab.usage_cube(c6gd_hour), m)["co2e_embodied"].sum()) == 0.0


def test_compare_shares_cubes_by_hardware_key(c6gd_hour):
    base = carbonlab.methodology("carbonlab")
    ms = [base, base.replace(embodied_model="none"), base.replace(amortization_years=6),
          base.replace(embodied_model="boavizta"), base.replace(embodied_model="boavizta", amortization_years=6)]
    with mock.patch("carbonlab.footprint.usage_cube", wraps=carbonlab.usage_cube) as spy:
        cmp = carbonlab.compare(c6gd_hour, ms)
    assert sorted(c.kwargs["embodied_model"] for c in spy.call_args_list) == ["boavizta", "teads_baseline"]
    total = cmp["co2e_embodied"].sum(["time", "region", "service"]).values
    assert total[1] == 0
    assert total[2] == pytest.approx(total[0] * 4 / 6, rel=1e-12)
    assert total[4] == pytest.approx(total[3] * 4 / 6, rel=1e-12)


def test_boavizta_lower_than_teads_on_m5():
    # m5: CCF's Teads TE 1610.38 kg (instances table) vs 12 x 32 GB, 2 x 694 mm2 under Boavizta
    boa = hardware.boavizta_embodied().loc[("aws", "m5.large")]
    teads = hardware.instances().loc[("aws", "m5.large")]
    parts = embodied.boavizta_server(cpu_die_mm2=694, cpu_units=2, ram_gb=32, ram_units=12)
    assert boa["server_kg"] == pytest.approx(float(sum(parts.values())), rel=1e-12)
    assert boa["server_kg"] < teads["embodied_kg"]
    assert boa["share"] == pytest.approx(2 / 96, rel=1e-12)     # m5.large: 2 of 96 vCPU, 8 of 384 GB
