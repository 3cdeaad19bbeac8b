"""The shipped reference datasets: schema, keys, ranges, spot values against their cited sources, registry.

Numbers checked here are cited next to each assertion.  Tests that read ``../shared`` (the project's
reference copies of the sources) skip when that folder is absent; the peer test that compares with CCF's
npm packages needs ``CARBONLAB_CCF_NODE_MODULES`` (a folder holding ``@cloud-carbon-footprint/aws``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "datasets"
SHARED = REPO.parent / "shared"
BUILD = DATASETS / "build"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} (project reference copies) is absent")

SCHEMAS = {
    "instances/instances.csv": {
        "provider": "str", "instance_type": "str", "family": "str", "vcpu": "int", "memory_gb": "float",
        "architecture": "str?", "platform_vcpu": "int", "platform_memory_gb": "float", "gpu_model": "str?",
        "gpu_count": "float", "burstable_baseline": "float?", "embodied_kg": "float", "embodied_source": "str",
        "ccf_known": "bool", "source": "str"},
    "coefficients/cpu_power.csv": {
        "coefficient_set": "str", "provider": "str", "architecture": "str", "min_watts": "float",
        "max_watts": "float", "memory_gb_per_chip": "float?", "source": "str"},
    "coefficients/cpu_fallback.csv": {
        "coefficient_set": "str", "provider": "str", "method": "str", "min_watts": "float", "max_watts": "float",
        "memory_gb_per_chip": "float?", "source": "str"},
    "coefficients/gpu_power.csv": {
        "coefficient_set": "str", "provider": "str", "gpu_model": "str", "min_watts": "float", "max_watts": "float",
        "source": "str"},
    "coefficients/constants.csv": {
        "coefficient_set": "str", "provider": "str", "name": "str", "value": "float", "units": "str", "source": "str"},
    "coefficients/replication.csv": {
        "provider": "str", "service": "str?", "usage_type_pattern": "str?", "replication": "int", "source": "str"},
    "coefficients/pue_regional.csv": {
        "coefficient_set": "str", "provider": "str", "region": "str", "pue": "float", "source": "str"},
    "coefficients/ccf_emission_factors.csv": {
        "provider": "str", "region": "str", "intensity": "float", "units": "str", "nerc_region": "str?",
        "source": "str", "region_key": "str"},
    "regions/regions.csv": {
        "provider": "str", "region": "str", "name": "str", "country": "str", "latitude": "float?",
        "longitude": "float?", "grid_zone": "str?", "watttime_region": "str?", "pue": "float?", "pue_year": "int?",
        "wue": "float?", "wue_year": "int?", "cfe": "float?", "cfe_year": "int?", "intensity_average": "float?",
        "intensity_marginal": "float?", "intensity_year": "int?", "market_intensity": "float?",
        "market_year": "int?", "intensity_source": "str?", "location_source": "str?"},
}

KEYS = {
    "instances/instances.csv": ["provider", "instance_type"],
    "coefficients/cpu_power.csv": ["coefficient_set", "provider", "architecture"],
    "coefficients/cpu_fallback.csv": ["coefficient_set", "provider"],
    "coefficients/gpu_power.csv": ["coefficient_set", "provider", "gpu_model"],
    "coefficients/constants.csv": ["coefficient_set", "provider", "name"],
    "coefficients/replication.csv": ["provider", "service", "usage_type_pattern"],
    "coefficients/pue_regional.csv": ["coefficient_set", "provider", "region"],
    "coefficients/ccf_emission_factors.csv": ["provider", "region"],
    "regions/regions.csv": ["provider", "region"],
}


def raw(path: str) -> list[dict]:
    with open(DATASETS / path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def table(path: str) -> pd.DataFrame:
    return pd.read_csv(DATASETS / path, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def inst() -> pd.DataFrame:
    t = table("instances/instances.csv")
    t["architecture"] = t["architecture"].fillna("")
    t["gpu_model"] = t["gpu_model"].fillna("")
    return t.set_index(["provider", "instance_type"])


@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    return table("regions/regions.csv").set_index(["provider", "region"])


def _cell_ok(kind: str, text: str) -> bool:
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    if text == "":
        return optional
    if kind == "str":
        return text == text.strip()
    if kind == "int":
        return re.fullmatch(r"-?\d+", text) is not None
    if kind == "float":
        try:
            return math.isfinite(float(text))
        except ValueError:
            return False
    if kind == "bool":
        return text in ("true", "false")
    raise AssertionError(kind)


# ---------------------------------------------------------------------------------- schema and keys

@pytest.mark.parametrize("path", sorted(SCHEMAS))
def test_columns_and_cell_types(path):
    with open(DATASETS / path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == list(SCHEMAS[path])
    bad = [(i, c, r[c]) for i, r in enumerate(raw(path), 2) for c, kind in SCHEMAS[path].items()
           if not _cell_ok(kind, r[c])]
    assert not bad, bad[:10]


@pytest.mark.parametrize("path", sorted(KEYS))
def test_keys_unique(path):
    rows = raw(path)
    keys = [tuple(r[k] for k in KEYS[path]) for r in rows]
    assert len(keys) == len(set(keys))
    assert rows, "empty table"


def test_files_are_plain_tidy_csv():
    for path in SCHEMAS:
        data = (DATASETS / path).read_bytes()
        assert b"\r" not in data and data.endswith(b"\n")
        assert data.count(data.splitlines()[0]) == 1            # no repeated header rows
    assert sum((DATASETS / p).stat().st_size for p in SCHEMAS) < 1_000_000


def test_instance_types_unique_ignoring_case(inst):
    keys = [(p, t.lower()) for p, t in inst.index]
    assert len(keys) == len(set(keys))                           # Azure ARM names are case-insensitive


# ---------------------------------------------------------------------------------- instances

def test_instances_ranges(inst):
    t = inst.reset_index()
    assert set(t["provider"]) == {"aws", "gcp", "azure"}
    assert (t["vcpu"] > 0).all() and (t["vcpu"] <= t["platform_vcpu"]).all()
    assert (t["memory_gb"] > 0).all() and (t["memory_gb"] <= t["platform_memory_gb"]).all()
    assert ((t["gpu_count"] > 0) == (t["gpu_model"] != "")).all()
    b = t["burstable_baseline"].dropna()
    assert ((b > 0) & (b <= 1)).all()
    assert set(t.loc[t["burstable_baseline"].notna(), "family"]) == {"t2", "t3", "t3a", "t4g"}
    assert t["embodied_kg"].between(1000, 60000).all()
    assert set(t["embodied_source"]) == {"ccf", "teads_baseline"}
    assert t["instance_type"].str.startswith("Standard_").eq(t["provider"] == "azure").all()


def test_instance_names_resolve_in_coefficient_tables(inst):
    cpu = table("coefficients/cpu_power.csv")
    gpu = table("coefficients/gpu_power.csv")
    archs = set(cpu["architecture"]) | {"AWS Graviton"}          # Graviton (1): CCF has a name but no watts
    used = {a for s in inst["architecture"] for a in s.split("|") if a}
    assert used <= archs, used - archs
    for (provider, itype), r in inst[inst["gpu_model"] != ""].iterrows():
        models = set(gpu[(gpu.coefficient_set == "ccf_2026") & (gpu.provider == provider)]["gpu_model"])
        assert r["gpu_model"] in models, (provider, itype, r["gpu_model"])


def test_instances_coverage(inst):
    types = set(inst.index)
    # families the project asked for that CCF lacks, and current GPU types
    for fam in ["m7i", "c7i", "r7i", "m7g", "c7g", "r7g", "m6i", "c6i", "g5", "g6", "p4d", "p5", "p5e"]:
        assert any(p == "aws" and t.split(".")[0] == fam for p, t in types), fam
    for fam in ["e2", "n1", "n2", "n2d", "c2", "c2d", "t2d", "m1", "m2", "a2", "g2", "c3", "n4", "a3"]:
        assert any(p == "gcp" and t.split("-")[0] == fam for p, t in types), fam
    for name in ["Standard_D2_v5", "Standard_E2_v5", "Standard_NC24ads_A100_v4", "Standard_ND96isr_H100_v5"]:
        assert ("azure", name) in types, name


def test_instances_spot_values(inst):
    # CCF npm aws 0.15.0 AWSInstanceTypes.js: m5 [2, 8, 1.6103792], INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING
    # 'm5.large': [SKYLAKE]; family m5 ends with metal [96, 384]; CCF.md section 7: m5 TE 1.6103792 t.
    r = inst.loc[("aws", "m5.large")]
    assert (r.vcpu, r.memory_gb, r.architecture) == (2, 8.0, "Skylake")
    assert (r.platform_vcpu, r.platform_memory_gb) == (96, 384.0)
    assert r.embodied_kg == pytest.approx(1610.3792, abs=1e-9) and r.embodied_source == "ccf" and r.ccf_known
    # CCF.md section 7: c5 1.3440944, t2 1.4772368, p4d 4.6755184 tCO2e
    assert inst.loc[("aws", "c5.large"), "embodied_kg"] == pytest.approx(1344.0944)
    assert inst.loc[("aws", "t2.micro"), "embodied_kg"] == pytest.approx(1477.2368)
    p4d = inst.loc[("aws", "p4d.24xlarge")]
    assert p4d.embodied_kg == pytest.approx(4675.5184)
    assert (p4d.gpu_model, p4d.gpu_count, p4d.architecture) == ("Nvidia Tesla A100", 8.0, "Cascade Lake")
    # EMBODIED.md section 2: published CCF outputs aws a1.medium 1022.21 kg, azure A1 v2 1216.62 kg
    assert inst.loc[("aws", "a1.medium"), "embodied_kg"] == pytest.approx(1022.21, abs=0.05)
    assert inst.loc[("azure", "Standard_A1_v2"), "embodied_kg"] == pytest.approx(1216.62, abs=0.05)
    # CCF.md section 1.4: burstable baselines nano 5 %, t2.xlarge 22.5 %, t3.xlarge 40 %; the burstable
    # platform is the t-family's own largest type (t3.2xlarge, 8 vCPU)
    assert inst.loc[("aws", "t3.nano"), "burstable_baseline"] == pytest.approx(0.05)
    assert inst.loc[("aws", "t2.xlarge"), "burstable_baseline"] == pytest.approx(0.225)
    assert inst.loc[("aws", "t3.xlarge"), "burstable_baseline"] == pytest.approx(0.40)
    assert inst.loc[("aws", "t3.micro"), "platform_vcpu"] == 8
    # CCF.md section 1.5: GPUs per instance p3.2xlarge 1, g5.48xlarge 8; g5g mapped to T4
    assert inst.loc[("aws", "p3.2xlarge"), ["gpu_model", "gpu_count"]].tolist() == ["Nvidia Tesla V100", 1.0]
    assert inst.loc[("aws", "g5.48xlarge"), ["gpu_model", "gpu_count"]].tolist() == ["Nvidia A10G", 8.0]
    assert inst.loc[("aws", "g5g.xlarge"), "gpu_model"] == "Nvidia T4"
    # CCF.md section 1.3: Ice Lake, EPYC 3rd Gen and Graviton types exist in CCF's AWS map
    assert inst.loc[("aws", "c6i.large"), "architecture"] == "Ice Lake"
    assert inst.loc[("aws", "m6a.large"), "architecture"] == "AMD EPYC 3rd Gen"
    assert inst.loc[("aws", "a1.large"), "architecture"] == "AWS Graviton"
    # AWS docs: p5.48xlarge 192 vCPU, 2048 GiB, 8 x H100; TE by the Teads/CCF baseline (EMBODIED.md section 2)
    p5 = inst.loc[("aws", "p5.48xlarge")]
    assert (p5.vcpu, p5.memory_gb, p5.gpu_model, p5.gpu_count) == (192, 2048.0, "Nvidia H100", 8.0)
    expected = 1000 + (2048 - 16) * 533 / 384 + (2 - 1) * 100 + 8 * 100 + 8 * 150
    assert p5.embodied_kg == pytest.approx(expected, abs=1e-3) and p5.embodied_source == "teads_baseline"
    assert inst.loc[("aws", "p5e.48xlarge"), "gpu_model"] == "Nvidia H200"
    assert inst.loc[("aws", "g6.xlarge"), ["vcpu", "memory_gb", "gpu_model"]].tolist() == [4, 16.0, "Nvidia L4"]
    assert inst.loc[("aws", "m7g.large"), "architecture"] == "AWS Graviton3"
    # GCP: CCF MachineTypes.ts n2-standard TE 1.8879 t, n2 -> Cascade Lake; Google docs n2-standard-4 16 GB
    n2 = inst.loc[("gcp", "n2-standard-4")]
    assert (n2.vcpu, n2.memory_gb, n2.architecture, n2.embodied_kg) == (4, 16.0, "Cascade Lake", 1887.9)
    assert (n2.platform_vcpu, n2.platform_memory_gb) == (128, 512.0)
    assert inst.loc[("gcp", "e2-micro"), ["architecture", "platform_vcpu"]].tolist() == ["", 32]
    assert inst.loc[("gcp", "a3-highgpu-8g"), ["vcpu", "memory_gb", "gpu_count"]].tolist() == [208, 1872.0, 8.0]
    # Azure: CCF VirtualMachineTypes.js 'D2s v3': [2, 8, 1.4829]; D2s-64s v3 series ends with D64s v3 [64, 256]
    d2s = inst.loc[("azure", "Standard_D2s_v3")]
    assert (d2s.vcpu, d2s.memory_gb, d2s.platform_vcpu, d2s.embodied_kg) == (2, 8.0, 64, 1482.9)
    assert d2s.architecture == "Cascade Lake|Skylake|Broadwell|Haswell" and d2s.family == "Dsv3"
    # constrained vCPU size: platform is the underlying size ('E4-2s v3': [2, 32, 4, 1.1722])
    assert inst.loc[("azure", "Standard_E4-2s_v3"), ["vcpu", "platform_vcpu"]].tolist() == [2, 4]


def test_ccf_rows_vs_added_rows(inst):
    t = inst.reset_index()
    known = t[t.ccf_known]
    assert set(known["source"]) <= {"ccf_npm_aws_0.15.0", "ccf_npm_azure_1.8.0", "ccf_npm_azure_1.8.0+azure_docs",
                                    "ccf_gcp_machinetypes+gcp_docs"}
    assert set(t[~t.ccf_known]["source"]) == {"aws_docs", "gcp_docs", "azure_docs"}
    # counts of CCF's npm tables (CCF.md section 1.3: 519 AWS processor entries / 518 Azure, our rows are the
    # types with vCPU and memory: EC2 + u-* tables, Azure series + constrained sizes)
    assert (known.provider == "aws").sum() == 516
    assert (known.provider == "azure").sum() == 521


# ---------------------------------------------------------------------------------- coefficients

def _row(t, **kw):
    m = pd.Series(True, index=t.index)
    for k, v in kw.items():
        m &= t[k] == v
    out = t[m]
    assert len(out) == 1, kw
    return out.iloc[0]


def test_cpu_power_values():
    t = table("coefficients/cpu_power.csv")
    assert (t.min_watts > 0).all() and (t.min_watts < t.max_watts).all()
    # CCF.md section 1.2 (app code)
    for provider in ("aws", "gcp", "azure"):
        r = _row(t, coefficient_set="ccf_2020", provider=provider, architecture="Cascade Lake")
        assert (r.min_watts, r.max_watts) == (0.64, 3.97)
    assert not ((t.coefficient_set == "ccf_2020") & (t.provider == "aws") & (t.architecture == "AMD EPYC 3rd Gen")).any()
    g2 = _row(t, coefficient_set="ccf_2020", provider="aws", architecture="AWS Graviton2")
    e2 = _row(t, coefficient_set="ccf_2020", provider="aws", architecture="AMD EPYC 2nd Gen")
    assert (g2.min_watts, g2.max_watts, g2.memory_gb_per_chip) == (e2.min_watts, e2.max_watts, e2.memory_gb_per_chip)
    assert _row(t, coefficient_set="ccf_2020", provider="azure", architecture="AMD EPYC 3rd Gen").max_watts == 2.02
    # CCF.md section 2.2: SPEC GB per chip Cascade Lake 98.12; GCP has none
    assert _row(t, coefficient_set="ccf_2020", provider="aws", architecture="Cascade Lake").memory_gb_per_chip == 98.12
    assert t[(t.coefficient_set == "ccf_2020") & (t.provider == "gcp")].memory_gb_per_chip.isna().all()
    # CCF.md section 2.4 (ccf-coefficients coefficients-aws-use.csv, 2026)
    expect = {"Cascade Lake": (0.690, 4.063, 105.97), "Ice Lake": (0.767, 3.758, 136.0),
              "Sapphire Rapids": (1.036, 4.160, None), "Emerald Rapids": (0.814, 4.482, None),
              "Granite Rapids": (0.582, 2.527, None), "AMD EPYC 3rd Gen": (0.456, 1.957, None),
              "AMD EPYC 4th Gen": (0.739, 2.282, None), "AWS Graviton2": (0.474, 1.693, None),
              "AWS Graviton3": (0.474, 1.693, None), "AWS Graviton3E": (0.474, 1.693, None),
              "AWS Graviton4": (0.474, 1.693, None)}
    for provider in ("aws", "azure"):
        for arch, (lo, hi, gb) in expect.items():
            r = _row(t, coefficient_set="ccf_2026", provider=provider, architecture=arch)
            assert (round(r.min_watts, 3), round(r.max_watts, 3)) == (lo, hi), (provider, arch)
            if gb:
                assert round(r.memory_gb_per_chip, 2) == gb
    sets = {p: set(t[(t.coefficient_set == "ccf_2026") & (t.provider == p)].architecture) for p in ("aws", "gcp", "azure")}
    assert sets["aws"] == sets["gcp"] == sets["azure"] and len(sets["aws"]) == 20


def test_cpu_fallback_values():
    t = table("coefficients/cpu_fallback.csv")
    # CCF.md section 1.2 and 2.2
    assert _row(t, coefficient_set="ccf_2020", provider="aws")[["method", "min_watts", "max_watts", "memory_gb_per_chip"]].tolist() == ["average", 0.74, 3.5, 80.69]
    gcp = _row(t, coefficient_set="ccf_2020", provider="gcp")
    assert (gcp.method, gcp.min_watts, gcp.max_watts) == ("median", 0.68, 4.11) and pd.isna(gcp.memory_gb_per_chip)
    assert _row(t, coefficient_set="ccf_2020", provider="azure")[["min_watts", "max_watts", "memory_gb_per_chip"]].tolist() == [0.74, 3.54, 80.47]
    cpu = table("coefficients/cpu_power.csv")
    for provider in ("aws", "gcp", "azure"):
        own = cpu[(cpu.coefficient_set == "ccf_2026") & (cpu.provider == provider)]
        r = _row(t, coefficient_set="ccf_2026", provider=provider)
        assert r.min_watts == pytest.approx(own.min_watts.mean()) and r.max_watts == pytest.approx(own.max_watts.mean())


def test_gpu_power_values():
    t = table("coefficients/gpu_power.csv")
    assert (t.min_watts > 0).all() and (t.min_watts < t.max_watts).all()
    old = t[t.coefficient_set == "ccf_2020"]
    # CCF.md section 1.5: which GPUs each cloud lists
    expect = {
        "aws": {"Nvidia K520", "Nvidia A10G", "Nvidia T4", "Nvidia Tesla M60", "Nvidia Tesla K80", "Nvidia Tesla V100",
                "Nvidia Tesla A100", "Nvidia Tesla P4", "Nvidia Tesla P100", "AMD Radeon Pro V520"},
        "azure": {"Nvidia T4", "Nvidia Tesla M60", "Nvidia Tesla K80", "Nvidia Tesla V100", "Nvidia Tesla A100",
                  "Nvidia Tesla P100", "Nvidia Tesla P40", "Xilinx Alveo U250"},
    }
    expect["gcp"] = set(expect["aws"])
    for provider, models in expect.items():
        assert set(old[old.provider == provider].gpu_model) == models
    assert _row(old, provider="aws", gpu_model="Nvidia Tesla A100")[["min_watts", "max_watts"]].tolist() == [46, 407]
    assert _row(old, provider="azure", gpu_model="Xilinx Alveo U250")[["min_watts", "max_watts"]].tolist() == [27, 229.5]
    new = t[t.coefficient_set == "ccf_2026"]
    # NVIDIA datasheets: L4 72 W, H100 SXM 700 W, H200 700 W, A100 80GB SXM 400 W; min = 0.12 x max
    for model, board in {"Nvidia L4": 72, "Nvidia H100": 700, "Nvidia H200": 700, "Nvidia A100 80GB": 400,
                         "Nvidia H100 PCIe": 350, "Nvidia L40S": 350}.items():
        r = _row(new, provider="aws", gpu_model=model)
        assert (r.max_watts, r.min_watts) == (board, pytest.approx(0.12 * board))
    for provider in ("aws", "gcp", "azure"):
        assert set(old[old.provider == provider].gpu_model) < set(new[new.provider == provider].gpu_model)


def test_constants_values():
    t = table("coefficients/constants.csv")
    # CCF.md section 9
    for provider, pue in {"aws": 1.135, "gcp": 1.1, "azure": 1.185}.items():
        c = t[(t.coefficient_set == "ccf_2020") & (t.provider == provider)].set_index("name")["value"]
        assert c["memory_kwh_per_gb_hour"] == 0.000392 and c["ssd_wh_per_tb_hour"] == 1.2
        assert c["hdd_wh_per_tb_hour"] == 0.65 and c["network_kwh_per_gb"] == 0.001
        assert c["default_utilization"] == 0.5 and c["server_lifespan_hours"] == 35040
        assert c["pue_fleet"] == pue
    assert _row(t, coefficient_set="ccf_2020", provider="gcp", name="gcp_vcpus_per_gke_cluster").value == 3
    fleet = t[(t.coefficient_set == "provider_2024") & (t.name == "pue_fleet")].set_index("provider")["value"]
    assert fleet["aws"] == 1.15 and fleet["gcp"] == 1.09 and 1.0 < fleet["azure"] < 1.3


def test_replication_rules():
    t = table("coefficients/replication.csv").fillna("")
    assert (t.replication >= 1).all()

    def rf(provider, service, usage_type):
        rules = t[(t.provider == provider) & (t.service == service)]
        for r in rules.itertuples():
            if all(p in usage_type for p in r.usage_type_pattern.split("&")):
                return r.replication
        return _row(t, provider=provider, service="", usage_type_pattern="").replication

    # CCF.md section 3.3
    assert rf("aws", "AmazonS3", "TimedStorage-ByteHrs") == 6
    assert rf("aws", "AmazonS3", "TimedStorage-ZIA-ByteHrs") == 2
    assert rf("aws", "AmazonEC2", "EBS:VolumeUsage.gp2") == 2
    assert rf("aws", "AmazonEC2", "EBS:SnapshotUsage") == 3
    assert rf("aws", "AmazonRDS", "Aurora:StorageUsage") == 6
    assert rf("aws", "AmazonRDS", "Multi-AZUsage:db.r5.large") == 2
    assert rf("aws", "AmazonDynamoDB", "TimedStorage-ByteHrs") == 2
    assert rf("aws", "AWSLambda", "Lambda-GB-Second") == 1
    assert rf("gcp", "Kubernetes Engine", "Regional Kubernetes Clusters") == 3
    assert rf("gcp", "Kubernetes Engine", "Zonal Kubernetes Clusters") == 1
    assert rf("gcp", "Cloud Storage", "Standard Storage US Multi-region") == 2
    assert rf("azure", "Storage", "Hot GRS Data Stored") == 6
    assert rf("azure", "Storage", "Hot LRS Data Stored") == 3
    assert rf("azure", "Azure Cosmos DB", "Data Stored") == 4
    assert rf("azure", "Redis Cache", "C1 Cache Instance") == 2


def test_pue_regional():
    t = table("coefficients/pue_regional.csv")
    # CCF.md section 5
    assert dict(zip(t.region, t.pue)) == {"us-east4": 1.08, "us-central1": 1.11, "us-central2": 1.11,
                                          "europe-west1": 1.09, "europe-west4": 1.07, "europe-north1": 1.09,
                                          "asia-east1": 1.12, "asia-southeast1": 1.13}


def test_ccf_emission_factors():
    t = table("coefficients/ccf_emission_factors.csv")
    assert (t.units == "g kWh-1").all() and (t.intensity >= 0).all() and (t.intensity < 3000).all()
    assert t.groupby("provider").size().to_dict() == {"aws": 28, "azure": 78, "gcp": 42}   # CCF.md section 6
    assert not t.duplicated(["provider", "region_key"]).any()
    r = _row(t, provider="aws", region="us-east-1")
    assert (r.intensity, r.nerc_region) == (379.069, "SERC")         # core 0.17.3 SERC 0.000379069 t/kWh
    assert _row(t, provider="aws", region="eu-north-1").intensity == pytest.approx(8.8)
    assert _row(t, provider="aws", region="Unknown").intensity == pytest.approx(392.78188)
    assert _row(t, provider="gcp", region="us-central1").intensity == 456
    assert _row(t, provider="gcp", region="us").intensity == 2805     # CCF's multi-region sum
    az = _row(t, provider="azure", region="EastUS")
    assert (az.region_key, az.intensity, az.nerc_region) == ("eastus", 379.069, "SERC")
    assert _row(t, provider="azure", region="uksouth").region_key == "uksouth"
    assert _row(t, provider="azure", region="Unknown").intensity == pytest.approx(351.2799615)
    azure = t[t.provider == "azure"]
    assert (azure.region_key == azure.region_key.str.lower()).sum() == len(azure) - 1          # all but Unknown
    assert not azure.region_key.str.contains(r"[\s\-]").any()


# ---------------------------------------------------------------------------------- regions

def test_regions_ranges(regions):
    t = regions.reset_index()
    assert t.latitude.dropna().between(-90, 90).all() and t.longitude.dropna().between(-180, 180).all()
    assert t.country.str.fullmatch(r"[A-Z]{2}").all()
    assert t.pue.dropna().between(1.0, 2.0).all() and t.wue.dropna().between(0, 5).all()
    assert t.cfe.dropna().between(0, 1).all()
    for col in ("intensity_average", "intensity_marginal", "market_intensity"):
        assert t[col].dropna().between(0, 1500).all()
    for value, year in (("pue", "pue_year"), ("wue", "wue_year"), ("cfe", "cfe_year"),
                        ("market_intensity", "market_year")):
        assert (t[value].notna() == t[year].notna()).all()
        assert t[year].dropna().between(2019, 2024).all()
    has_int = t.intensity_average.notna() | t.intensity_marginal.notna()
    assert (has_int == t.intensity_year.notna()).all()
    assert t.region.eq(t.region.str.strip()).all()
    az = t[t.provider == "azure"].region
    assert az.eq(az.str.lower()).all() and not az.str.contains(" ").any()


def test_regions_spot_values(regions):
    # INTENSITY.md section 3.1: eu-north-1 (SE/SE) average 24.7, marginal 791.3 g/kWh, year 2023; the 2024 rows
    # repeat 2023's intensities, so 2023 is the intensity year of AWS regions.
    r = regions.loc[("aws", "eu-north-1")]
    assert (r.grid_zone, r.watttime_region, r.country) == ("SE", "SE", "SE")
    assert r.intensity_average == pytest.approx(24.7, abs=0.06) and r.intensity_marginal == pytest.approx(791.3, abs=0.06)
    assert r.intensity_year == 2023
    assert (regions.loc["aws"].intensity_year.dropna() == 2023).all()
    us = regions.loc[("aws", "us-east-1")]
    assert us.grid_zone == "US-MIDA-PJM"
    assert us.intensity_average == pytest.approx(396.3, abs=0.06) and us.intensity_marginal == pytest.approx(557.2, abs=0.06)
    # GSF Cloud_Region_Metadata.csv 2022: Azure southcentralus WUE 1.82 L/kWh
    sc = regions.loc[("azure", "southcentralus")]
    assert (sc.wue, sc.wue_year, sc.grid_zone) == (1.82, 2022, "US-TEX-ERCO")
    # SOURCE.md quirk: northeurope is Dublin (zone IE, not FI)
    assert regions.loc[("azure", "northeurope"), ["grid_zone", "country"]].tolist() == ["IE", "IE"]
    assert regions.loc[("gcp", "us-central1"), "country"] == "US"
    assert pd.isna(regions.loc[("gcp", "us-central1"), "wue"])          # Google publishes no WUE
    assert regions.loc[("aws", "cn-north-1"), "country"] == "CN" and pd.isna(regions.loc[("aws", "cn-north-1"), "grid_zone"])


# ---------------------------------------------------------------------------------- registry and cards

def _registry():
    lines = (DATASETS / "registry.txt").read_text().splitlines()
    return lines, dict(line.split(" sha256:") for line in lines if line)


def test_registry_lists_every_file_with_its_hash():
    lines, reg = _registry()
    assert lines == sorted(lines)
    files = sorted(p.relative_to(DATASETS).as_posix() for p in DATASETS.rglob("*")
                   if p.is_file() and p.relative_to(DATASETS).parts[0] != "build"
                   and len(p.relative_to(DATASETS).parts) > 1
                   and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(DATASETS).parts))
    assert sorted(reg) == files
    for rel, digest in reg.items():
        assert hashlib.sha256((DATASETS / rel).read_bytes()).hexdigest() == digest, rel


@pytest.mark.parametrize("name", ["instances", "coefficients", "regions", "grid_profiles"])
def test_data_card_hashes_and_sections(name):
    card = (DATASETS / name / "DATACARD.md").read_text()
    _, reg = _registry()
    for rel, digest in reg.items():
        if rel.startswith(name + "/") and not rel.endswith("DATACARD.md"):
            assert f"| `{rel.split('/', 1)[1]}` | `{digest}` |" in card, rel
    for word in ("Publisher", "Licence", "Retrieved", "Reference year", "Build script", "Caveats", "dtype", "units"):
        assert word.lower() in card.lower(), word


# ---------------------------------------------------------------------------------- against the sources

@needs_shared
@pytest.mark.reference_data
def test_emission_factors_match_reference_tables():
    t = table("coefficients/ccf_emission_factors.csv")
    for provider in ("aws", "azure", "gcp"):
        ref = pd.read_csv(SHARED / "reference-data" / "ccf" / f"ccf_emission_factors_{provider}.csv")
        ours = t[t.provider == provider].set_index("region")
        assert set(ref.region) == set(ours.index)
        for r in ref.itertuples():
            assert Decimal(str(ours.loc[r.region, "intensity"])) == Decimal(str(r.factor)) * 10**6, r.region
            nerc = r.nerc_region if isinstance(r.nerc_region, str) else None
            ours_nerc = ours.loc[r.region, "nerc_region"]
            assert (ours_nerc if isinstance(ours_nerc, str) else None) == nerc


@needs_shared
@pytest.mark.reference_data
def test_gcp_constants_match_recorded_source():
    gcp = json.loads((SHARED / "reference-data" / "ccf" / "gcp_constants.json").read_text())
    cpu = table("coefficients/cpu_power.csv")
    own = cpu[(cpu.coefficient_set == "ccf_2020") & (cpu.provider == "gcp")].set_index("architecture")
    for arch, lo in gcp["MIN_WATTS_BY_COMPUTE_PROCESSOR"].items():
        if not arch.startswith(("Nvidia", "AMD Radeon")):
            assert own.loc[arch, "min_watts"] == lo and own.loc[arch, "max_watts"] == gcp["MAX_WATTS_BY_COMPUTE_PROCESSOR"][arch]
    pue = table("coefficients/pue_regional.csv")
    assert dict(zip(pue.region, pue.pue)) == gcp["PUE_TRAILING_TWELVE_MONTH"]


@needs_shared
@pytest.mark.reference_data
def test_regions_rebuild_from_source_matches(tmp_path):
    sys.path.insert(0, str(BUILD))
    try:
        import build_regions
    finally:
        sys.path.remove(str(BUILD))
    rows = build_regions.build(build_regions.SOURCE)
    shipped = raw("regions/regions.csv")
    assert len(rows) == len(shipped)
    from _buildlib import fmt
    for mine, theirs in zip(rows, shipped):
        assert {k: fmt(v) for k, v in mine.items()} == theirs


@pytest.mark.peer
def test_instances_match_ccf_npm_tables(inst):
    node_modules = os.environ.get("CARBONLAB_CCF_NODE_MODULES")
    if not node_modules:
        # the packages the CCF parity tests install (tests/peer_ccf.py)
        import peer_ccf
        reason = peer_ccf.available()
        if reason:
            pytest.skip(reason)
        node_modules = str(peer_ccf.harness_dir() / "node_modules")
    if not (Path(node_modules) / "@cloud-carbon-footprint" / "aws").is_dir():
        pytest.skip(f"no @cloud-carbon-footprint packages under {node_modules}")
    sys.path.insert(0, str(BUILD))
    try:
        from _buildlib import ccf_npm_dump
    finally:
        sys.path.remove(str(BUILD))
    ccf = ccf_npm_dump(node_modules)
    procs = ccf["aws"]["INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING"]
    aws = inst.loc["aws"]
    for family, sizes in ccf["aws"]["EC2_INSTANCE_TYPES"].items():
        for size, (vcpu, mem, te) in sizes:
            itype = f"{family}.{size.strip()}"
            r = aws.loc[itype]
            want = "|".join(p for p in procs.get(itype, ["Unknown"]) if p != "Unknown")
            assert r.architecture == want, itype
            assert r.vcpu == vcpu and r.embodied_kg == pytest.approx(te * 1000)
            assert r.platform_vcpu == sizes[-1][1][0]
    zprocs = ccf["azure"]["INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING"]
    az = inst.loc["azure"]
    assert az.loc["Standard_D2s_v3", "architecture"] == "|".join(zprocs["D2s v3"])
    assert az.loc["Standard_E2_v5", "architecture"] == "|".join(zprocs["E2 v5"])
