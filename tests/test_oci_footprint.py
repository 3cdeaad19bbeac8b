"""OCI as a fourth provider: shipped region rows, coefficient fallbacks, and footprints under every preset.

OCI has no CCF coefficients and no Oracle PUE or WUE disclosures; the shipped tables give it documented
carbonlab fallbacks (``datasets/coefficients/DATACARD.md``, "OCI: carbonlab's fallback rows"), and every use
of one must appear in the footprint's ``assumed`` list.  The numbers below are recomputed from the shipped
tables and the data cards' rules, independently of the code under test.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import carbonlab
from carbonlab import datasets
from carbonlab.datasets import hardware, sites

FALLBACK = "carbonlab fallback"


@pytest.fixture(scope="module")
def regions():
    return datasets.load_table("regions").set_index(["provider", "region"])


# ------------------------------------------------------------------------------------------- shipped data
def test_oci_region_rows(regions):
    oci = regions.loc["oci"]
    assert len(oci) == 55
    realms = oci["location_source"].str.extract(r"realm (oc\d+)")[0].value_counts().to_dict()
    assert realms == {"oc1": 46, "oc3": 3, "oc2": 2, "oc4": 2, "oc19": 2}
    # Oracle publishes no per-region PUE, WUE, CFE or market factor
    assert oci[["pue", "wue", "cfe", "market_intensity"]].isna().all().all()
    # Ashburn: the zone, WattTime region and GSF 2023 values of aws us-east-1 (same city); GeoNames 4744870
    ash, aws = oci.loc["us-ashburn-1"], regions.loc[("aws", "us-east-1")]
    assert (ash["grid_zone"], ash["watttime_region"], ash["country"]) == ("US-MIDA-PJM", "PJM_DC", "US")
    for column in ("intensity_average", "intensity_marginal", "intensity_year"):
        assert ash[column] == aws[column], column
    assert (ash["latitude"], ash["longitude"]) == (39.04372, -77.48749) and "geonames:4744870" in ash["location_source"]
    assert ash["name"] == "US East (Ashburn)"
    fra, eu = oci.loc["eu-frankfurt-1"], regions.loc[("aws", "eu-central-1")]
    assert (fra["grid_zone"], fra["intensity_average"]) == ("DE", eu["intensity_average"])
    # Phoenix: zone US-SW-AZPS has no GSF row; the marginal value of azure westus3's WattTime region AZPS
    phx, west3 = oci.loc["us-phoenix-1"], regions.loc[("azure", "westus3")]
    assert pd.isna(phx["intensity_average"]) and phx["intensity_marginal"] == west3["intensity_marginal"]
    assert "gsf:watttime AZPS" in phx["intensity_source"]
    # Chicago is in PJM: the zone's mean over its WattTime regions (PJM_DC, PJM_SOUTHWEST_OH)
    chi = oci.loc["us-chicago-1"]
    assert chi["grid_zone"] == "US-MIDA-PJM" and pd.isna(chi["watttime_region"])
    assert chi["intensity_marginal"] == pytest.approx(round((557.17 + 557.00) / 2, 2))
    assert oci["intensity_average"].notna().sum() == 45 and oci["intensity_marginal"].notna().sum() == 52


def test_oci_coefficient_rows_are_marked_fallbacks():
    for stem in ("cpu_power", "cpu_fallback", "gpu_power", "constants", "replication"):
        t = datasets.load_table("coefficients", stem)
        oci = t["provider"] == "oci"
        assert oci.any(), stem
        assert t.loc[oci, "source"].str.startswith(FALLBACK).all(), stem
        assert not t.loc[~oci, "source"].astype(str).str.startswith(FALLBACK).any(), stem
    cpu = datasets.load_table("coefficients", "cpu_power")
    key = ["coefficient_set", "architecture", "min_watts", "max_watts"]
    for cset in ("ccf_2020", "ccf_2026"):       # OCI's per-architecture watts are AWS's rows
        aws = cpu[(cpu.provider == "aws") & (cpu.coefficient_set == cset)][key].reset_index(drop=True)
        oci = cpu[(cpu.provider == "oci") & (cpu.coefficient_set == cset)][key].reset_index(drop=True)
        pd.testing.assert_frame_equal(aws, oci)
    const = datasets.load_table("coefficients", "constants").set_index(["coefficient_set", "name", "provider"])
    for cset, mean in (("ccf_2020", (1.135 + 1.1 + 1.185) / 3), ("provider_2024", (1.15 + 1.09 + 1.12) / 3)):
        assert const.loc[(cset, "pue_fleet", "oci"), "value"] == pytest.approx(mean, abs=1e-12)
    assert const.loc[("ccf_2020", "memory_kwh_per_gb_hour", "oci"), "value"] == 0.000392
    assert ("ccf_2020", "gcp_vcpus_per_gke_cluster", "oci") not in const.index


# ------------------------------------------------------------------------------------------- footprints
SITES = ("us-ashburn-1", "eu-frankfurt-1", "us-phoenix-1", "mx-queretaro-1")


@pytest.fixture
def oci_usage(usage_table):
    rows = []
    for h in range(6):
        t0 = pd.Timestamp("2025-01-15T00:00Z") + pd.Timedelta(hours=h)
        for region in SITES:
            base = dict(start=t0, end=t0 + pd.Timedelta(hours=1), provider="oci", region=region)
            rows += [dict(base, service="COMPUTE", kind="compute", quantity=8.0, unit="vCPU-h",
                          instance_type="arch:AMD EPYC 3rd Gen"),
                     dict(base, service="COMPUTE", kind="compute", quantity=4.0, unit="vCPU-h"),   # Ampere A1
                     dict(base, service="COMPUTE", kind="memory", quantity=64.0, unit="GB-h"),
                     dict(base, service="BLOCK_STORAGE", kind="storage", quantity=0.2, unit="TB-h",
                          storage_class="ssd", replication=2.0),
                     dict(base, service="NETWORK", kind="network", quantity=1.5, unit="GB")]
    return usage_table(rows)


@pytest.mark.parametrize("name", carbonlab.list_methodologies())
def test_oci_usage_estimates_under_every_preset(oci_usage, name):
    fp = carbonlab.estimate(oci_usage, name)
    for var in ("co2e_operational", "co2e_embodied", "energy", "water"):
        values = fp[var].values
        assert np.isfinite(values).all() and (values >= 0).all(), var
    assert float(fp["co2e_operational"].sum()) > 0
    assumed = json.loads(fp.attrs["assumed"])
    fleet = "ccf_2020" if name == "ccf" else "provider_2024"
    for region in SITES:
        assert any(a.startswith(f"oci:{region} pue: {fleet} has no published fleet value for oci; carbonlab "
                                "fallback") for a in assumed), region
        assert any(a.startswith(f"oci:{region} wue: oci discloses none") for a in assumed), region
        if name == "ccf":
            assert any(a.startswith(f"oci:{region} grid: CCF has no oci table") for a in assumed), region
    assert any("have an unknown instance type and no embodied estimate" in a for a in assumed)
    if name != "ccf":   # no GSF average in these zones: the country fallback, recorded
        for region in ("us-phoenix-1", "mx-queretaro-1"):
            assert any(a.startswith(f"oci:{region} intensity_average: mean of") for a in assumed), region


def test_oci_numbers_by_hand(oci_usage, regions):
    fp = carbonlab.estimate(oci_usage, "ccf")
    # PUE: CCF has none for OCI; the fallback is the mean of CCF's three fleet values
    assert float(fp["pue"].sel(region="us-ashburn-1")) == pytest.approx((1.135 + 1.1 + 1.185) / 3)
    # grid: mean of CCF's factors of the AWS/GCP/Azure regions in zone US-MIDA-PJM
    ef = datasets.load_table("coefficients", "ccf_emission_factors")
    ef["key"] = ef["region_key"].fillna(ef["region"])
    zone = regions[regions["grid_zone"] == "US-MIDA-PJM"].index
    same = ef[[(p, k) in zone for p, k in zip(ef["provider"], ef["key"])]]["intensity"]
    assert len(same) >= 3
    got = fp["grid_intensity"].sel(region="us-ashburn-1", basis="location_average").values
    np.testing.assert_allclose(got, same.mean(), rtol=1e-12)
    # CPU (ccf_2020): EPYC 3rd Gen is not in CCF's AWS 2020 table, so both OCI lines use the AWS average
    # 0.74/3.5 W per vCPU at 50 % utilisation: 12 vCPU-h x (0.74 + 0.5 x 2.76) W per hour
    cpu = fp["energy_it"].sel(component="cpu", region="us-ashburn-1").sum()
    assert float(cpu) == pytest.approx(6 * 12 * (0.74 + 0.5 * (3.5 - 0.74)) / 1000, rel=1e-12)
    # ccf_2026 has EPYC 3rd Gen: 8 vCPU-h at its watts, 4 vCPU-h (Ampere, no architecture) at the average
    fp26 = carbonlab.estimate(oci_usage, "carbonlab")
    query = "coefficient_set == 'ccf_2026' and provider == 'oci'"
    cpu_t = datasets.load_table("coefficients", "cpu_power").query(query)
    epyc = cpu_t.set_index("architecture").loc["AMD EPYC 3rd Gen"]
    fb = datasets.load_table("coefficients", "cpu_fallback").query(query)
    want = 6 * (8 * (epyc.min_watts + 0.5 * (epyc.max_watts - epyc.min_watts))
                + 4 * (fb.min_watts.iloc[0] + 0.5 * (fb.max_watts.iloc[0] - fb.min_watts.iloc[0]))) / 1000
    got = float(fp26["energy_it"].sel(component="cpu", region="us-ashburn-1").sum())
    assert got == pytest.approx(want, rel=1e-12)


def test_coefficient_notes_name_the_oci_fallbacks():
    notes = hardware.coefficient_notes(["aws", "oci", "gcp"], "ccf_2026")
    assert len(notes) == 3 and all(n.startswith("oci ") and FALLBACK in n for n in notes)
    assert {n.split("(")[-1] for n in notes} == {"cpu_power.csv)", "cpu_fallback.csv)", "gpu_power.csv)"}
    assert hardware.coefficient_notes(["aws", "azure"], "ccf_2020") == []
    assert set(sites.constant_fallbacks("ccf_2020", "pue_fleet")) == {"oci"}


def test_watts_fallback_is_in_the_footprint(oci_usage):
    assumed = json.loads(carbonlab.estimate(oci_usage, "carbonlab").attrs["assumed"])
    assert any(a.startswith("oci watts per vCPU (ccf_2026): carbonlab fallback") for a in assumed)


def test_zones_no_source_covers(usage_table):
    usage = usage_table([dict(provider="oci", region="sa-bogota-1", service="COMPUTE", kind="compute",
                              quantity=2.0, unit="vCPU-h")])
    with pytest.raises(KeyError, match="no location_average grid intensity for oci region 'sa-bogota-1'"):
        carbonlab.estimate(usage, "carbonlab")
    fp = carbonlab.estimate(usage, "ccf")                   # CCF's Unknown factors still give a value
    assumed = json.loads(fp.attrs["assumed"])
    assert any("no region of its zone CO; mean of CCF's Unknown factors of 3 clouds used" in a for a in assumed)
    ef = datasets.load_table("coefficients", "ccf_emission_factors")
    unknown = ef.loc[ef["region"] == "Unknown", "intensity"].mean()
    assert float(fp["grid_intensity"].isel(time=0).sel(region="sa-bogota-1", basis="location_average")) == \
        pytest.approx(unknown, rel=1e-12)
