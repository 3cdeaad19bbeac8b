"""Build ``datasets/instances/instances.csv``: cloud instance types, their hardware and embodied carbon.

One row per (provider, instance_type).  Sources:

* AWS and Azure types that Cloud Carbon Footprint (CCF) knows: CCF's published npm
  packages ``@cloud-carbon-footprint/aws@0.15.0`` and ``@cloud-carbon-footprint/azure@1.8.0``
  (``AWSInstanceTypes.js``, ``VirtualMachineTypes.js``), read with node.
* GCP machine types CCF knows: CCF's ``packages/gcp/src/lib/MachineTypes.ts`` (not on npm;
  the numbers are restated below with their commit), memory from Google's machine-type docs.
* Types CCF lacks: the providers' documentation (tables below, one URL per family), embodied
  carbon by the Teads/CCF baseline formula from the platform inputs stated below.

Usage::

    python datasets/build/build_instances.py [--ccf-node-modules DIR]

Without ``--ccf-node-modules`` (or ``CARBONLAB_CCF_NODE_MODULES``) the pinned npm packages are
installed into a temporary folder with ``npm install``.
"""

from __future__ import annotations

import argparse
import math
import re
from decimal import Decimal

from _buildlib import DATASETS, ccf_npm_dump, dec, replace_block, write_csv

OUT = DATASETS / "instances" / "instances.csv"

COLUMNS = ["provider", "instance_type", "family", "vcpu", "memory_gb", "architecture", "platform_vcpu",
           "platform_memory_gb", "gpu_model", "gpu_count", "burstable_baseline", "embodied_kg",
           "embodied_source", "ccf_known", "source"]

# --------------------------------------------------------------------------------------
# Teads / CCF baseline embodied model (EMBODIED.md section 2; ccf-coefficients ccfcoef/constants.py)
# --------------------------------------------------------------------------------------
BASE_KG = Decimal(1000)          # mono-socket, 16 GB, no local storage rack server
DRAM_THRESHOLD_GB = Decimal(16)
DRAM_KG_PER_GB = Decimal(533) / Decimal(384)   # Dell R740 LCA: 533 kg for 12 x 32 GB
CPU_KG = Decimal(100)            # per additional socket
SSD_KG = Decimal(100)            # per SSD drive
HDD_KG = Decimal(50)             # per HDD drive
GPU_KG = Decimal(150)            # per GPU card


def teads_baseline_kg(memory_gb, sockets, ssd=0, hdd=0, gpus=0) -> Decimal:
    """Platform TE [kgCO2e] = 1000 + max(0, mem-16)*533/384 + (sockets-1)*100 + SSD*100 + HDD*50 + GPU*150."""
    mem = dec(memory_gb)
    te = (BASE_KG + max(Decimal(0), mem - DRAM_THRESHOLD_GB) * DRAM_KG_PER_GB
          + (sockets - 1) * CPU_KG + ssd * SSD_KG + hdd * HDD_KG + gpus * GPU_KG)
    return te.quantize(Decimal("0.0001"))


def default_sockets(platform_vcpu: int) -> int:
    """CCF's physical-chip convention (``getPhysicalChips``): ceil(vCPU / 96)."""
    return max(1, math.ceil(platform_vcpu / 96))


# --------------------------------------------------------------------------------------
# Naming of CCF's architectures and GPUs (CCF's spellings; new ones follow the same pattern)
# --------------------------------------------------------------------------------------
SAPPHIRE, EMERALD, ICE, CASCADE = "Sapphire Rapids", "Emerald Rapids", "Ice Lake", "Cascade Lake"
EPYC3, EPYC4 = "AMD EPYC 3rd Gen", "AMD EPYC 4th Gen"   # CCF core 1.0.0 spells the 4th gen "EPYC 4th Gen"
GRAVITON3, GRAVITON4 = "AWS Graviton3", "AWS Graviton4"
L4, H100, H200 = "Nvidia L4", "Nvidia H100", "Nvidia H200"
A100, A100_80, A100_80_PCIE = "Nvidia Tesla A100", "Nvidia A100 80GB", "Nvidia A100 80GB PCIe"


def arch_text(processors) -> str:
    """CCF processor list -> '|'-joined text; CCF's 'Unknown' becomes ''."""
    names = [p for p in (processors or []) if p and p != "Unknown"]
    return "|".join(names)


# --------------------------------------------------------------------------------------
# AWS
# --------------------------------------------------------------------------------------
AWS_DOCS = {
    "m7i": "https://aws.amazon.com/ec2/instance-types/m7i/",
    "c7i": "https://aws.amazon.com/ec2/instance-types/c7i/",
    "r7i": "https://aws.amazon.com/ec2/instance-types/r7i/",
    "m7g": "https://aws.amazon.com/ec2/instance-types/m7g/",
    "c7g": "https://aws.amazon.com/ec2/instance-types/c7g/",
    "r7g": "https://aws.amazon.com/ec2/instance-types/r7g/",
    "m7a": "https://aws.amazon.com/ec2/instance-types/m7a/",
    "m8g": "https://aws.amazon.com/ec2/instance-types/m8g/",
    "c6i": "https://aws.amazon.com/ec2/instance-types/c6i/",
    "g6": "https://aws.amazon.com/ec2/instance-types/g6/",
    "p4de": "https://aws.amazon.com/ec2/instance-types/p4/",
    "p5": "https://aws.amazon.com/ec2/instance-types/p5/",
    "p5e": "https://aws.amazon.com/ec2/instance-types/p5/",
    "p5en": "https://aws.amazon.com/ec2/instance-types/p5/",
}

_XEON_SIZES = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge",
               "metal-24xl", "metal-48xl"]
_XEON_VCPU = [2, 4, 8, 16, 32, 48, 64, 96, 192, 96, 192]
_GRAV3_SIZES = ["medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "metal"]
_GRAV3_VCPU = [1, 2, 4, 8, 16, 32, 48, 64, 64]


def _family(sizes, vcpus, gb_per_vcpu, gpus=None):
    return [(s, v, v * gb_per_vcpu, (gpus or {}).get(s, 0)) for s, v in zip(sizes, vcpus)]


#: family -> dict(arch, sizes [(size, vcpu, memory GiB, gpus)], gpu model, platform inputs for TE).
#: Platform = the family's largest size; sockets from CCF's ceil(vCPU/96) unless stated.
AWS_NEW = {
    "m7i": dict(arch=SAPPHIRE, sizes=_family(_XEON_SIZES, _XEON_VCPU, 4), ssd=0),
    "c7i": dict(arch=SAPPHIRE, sizes=_family(_XEON_SIZES, _XEON_VCPU, 2), ssd=0),
    "r7i": dict(arch=SAPPHIRE, sizes=_family(_XEON_SIZES, _XEON_VCPU, 8), ssd=0),
    "m7g": dict(arch=GRAVITON3, sizes=_family(_GRAV3_SIZES, _GRAV3_VCPU, 4), ssd=0),
    "c7g": dict(arch=GRAVITON3, sizes=_family(_GRAV3_SIZES, _GRAV3_VCPU, 2), ssd=0),
    "r7g": dict(arch=GRAVITON3, sizes=_family(_GRAV3_SIZES, _GRAV3_VCPU, 8), ssd=0),
    "m7a": dict(arch=EPYC4, ssd=0, sizes=_family(
        ["medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
         "32xlarge", "48xlarge", "metal-48xl"], [1, 2, 4, 8, 16, 32, 48, 64, 96, 128, 192, 192], 4)),
    "m8g": dict(arch=GRAVITON4, ssd=0, sizes=_family(
        ["medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
         "48xlarge", "metal-24xl", "metal-48xl"], [1, 2, 4, 8, 16, 32, 48, 64, 96, 192, 96, 192], 4)),
    # c6i: CCF lists large..24xlarge; these two sizes are added, with CCF's c6i TE (see build_aws).
    "c6i": dict(arch=None, ssd=0, sizes=_family(["32xlarge", "metal"], [128, 128], 2)),
    "g6": dict(arch=EPYC3, gpu=L4, ssd=8, sizes=_family(
        ["xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "12xlarge", "24xlarge", "48xlarge"],
        [4, 8, 16, 32, 64, 48, 96, 192], 4,
        gpus={"xlarge": 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1, "12xlarge": 4,
              "24xlarge": 4, "48xlarge": 8})),
    # p4de: same host as p4d (2 sockets, 8 x 1 TB NVMe), A100 80 GB GPUs.
    "p4de": dict(arch=CASCADE, gpu=A100_80, ssd=8, sockets=2, sizes=[("24xlarge", 96, 1152, 8)]),
    "p5": dict(arch=EPYC3, gpu=H100, ssd=8, sizes=[("48xlarge", 192, 2048, 8)]),
    "p5e": dict(arch=EPYC3, gpu=H200, ssd=8, sizes=[("48xlarge", 192, 2048, 8)]),
    "p5en": dict(arch=SAPPHIRE, gpu=H200, ssd=8, sizes=[("48xlarge", 192, 2048, 8)]),
}


def build_aws(ccf: dict, platforms: list) -> list[dict]:
    a = ccf["aws"]
    src = f"ccf_npm_aws_{ccf['versions']['aws']}"
    procs, gpus, gpu_models = (a["INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING"], a["GPU_INSTANCES_TYPES"],
                               a["INSTANCE_TYPE_GPU_PROCESSOR_MAPPING"])
    burst = a["BURSTABLE_INSTANCE_BASELINE_UTILIZATION"]
    rows, ccf_te = [], {}
    for table in ("EC2_INSTANCE_TYPES", "INSTANCE_FAMILY_TO_INSTANCE_TYPE_MAPPING"):
        for family, sizes in a[table].items():
            last = sizes[-1][1]                      # CCF: the *last* entry is the family's largest type
            p_vcpu, p_mem = last[0], _aws_memory(family, last[1])
            for size, (vcpu, mem, te) in sizes:
                itype = f"{family}.{size.strip()}"   # CCF's d3 table has the key 'xlarge\t'
                # CCF's lookups use the billed (lower-case) type; entries spelled otherwise never match
                arch = arch_text(procs.get(itype))
                ccf_te.setdefault(family, te)
                rows.append(dict(
                    provider="aws", instance_type=itype, family=family, vcpu=int(vcpu),
                    memory_gb=float(_aws_memory(family, mem)), architecture=arch, platform_vcpu=int(p_vcpu),
                    platform_memory_gb=float(p_mem),
                    gpu_model=arch_text(gpu_models.get(itype)) if itype in gpus else "",
                    gpu_count=float(gpus.get(itype, 0)),
                    burstable_baseline=(dec(burst[itype]) / 100) if itype in burst else None,
                    embodied_kg=dec(te) * 1000, embodied_source="ccf", ccf_known=True, source=src))
    known = {r["instance_type"] for r in rows}
    for family, spec in AWS_NEW.items():
        sizes = spec["sizes"]
        big = max(sizes, key=lambda s: (s[1], s[2]))
        p_vcpu, p_mem = big[1], big[2]
        if family in ccf_te:                     # a CCF family: keep CCF's platform TE
            te, te_src = dec(ccf_te[family]) * 1000, "ccf"
        else:
            sockets = spec.get("sockets", default_sockets(p_vcpu))
            n_gpu = big[3]
            te = teads_baseline_kg(p_mem, sockets, ssd=spec["ssd"], gpus=n_gpu)
            te_src = "teads_baseline"
            platforms.append(dict(provider="aws", family=family, platform=f"{family}.{big[0]}", vcpu=p_vcpu,
                                  memory_gb=p_mem, sockets=sockets, ssd=spec["ssd"], hdd=0, gpus=n_gpu,
                                  embodied_kg=te, url=AWS_DOCS[family]))
        for size, vcpu, mem, n_gpu in sizes:
            itype = f"{family}.{size}"
            if itype in known:
                continue
            arch = spec["arch"] if spec["arch"] is not None else arch_text(procs.get(itype))
            rows.append(dict(
                provider="aws", instance_type=itype, family=family, vcpu=vcpu, memory_gb=float(mem),
                architecture=arch, platform_vcpu=p_vcpu, platform_memory_gb=float(p_mem),
                gpu_model=spec.get("gpu", "") if n_gpu else "", gpu_count=float(n_gpu), burstable_baseline=None,
                embodied_kg=te, embodied_source=te_src, ccf_known=False, source="aws_docs"))
    return rows


def _aws_memory(family, mem):
    # CCF's t1.micro entry says 613 GB; the type has 0.613 GiB (613 MiB). Corrected here.
    return 0.613 if family == "t1" and mem == 613 else mem


# --------------------------------------------------------------------------------------
# GCP
# --------------------------------------------------------------------------------------
#: CCF packages/gcp/src/lib/MachineTypes.ts, MACHINE_FAMILY_TO_MACHINE_TYPE_MAPPING and the
#: shared-core tables: family -> (TE tCO2e, [sizes in CCF's order]).  Read from the
#: cloud-carbon-footprint repository (the version using string processor enums, as at b7a049c).
GCP_CCF_TE = {
    "e2-standard": (1.2303, [2, 4, 8, 16, 32]),
    "e2-highmem": (1.2303, [2, 4, 8, 16]),
    "e2-highcpu": (1.0972, [2, 4, 8, 16, 32]),
    "n2-standard": (1.8879, [2, 4, 8, 16, 32, 48, 64, 80, 96, 128]),
    "n2-highmem": (2.3761, [2, 4, 8, 16, 32, 48, 64, 80, 96, 128]),
    "n2-highcpu": (1.311, [2, 4, 8, 16, 32, 48, 64, 80, 96]),
    "n2d-standard": (2.3205, [2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224]),
    "n2d-highmem": (2.1429, [2, 4, 8, 16, 32, 48, 64, 80, 96]),
    "n2d-highcpu": (1.3885, [2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224]),
    "t2d-standard": (1.3107, [1, 2, 4, 8, 16, 32, 48, 60]),
    "n1-standard": (1.6771, [1, 2, 4, 8, 16, 32, 64, 96]),
    "n1-highmem": (2.0432, [2, 4, 8, 16, 32, 64, 96]),
    "n1-highcpu": (1.2976, [2, 4, 8, 16, 32, 64, 96]),
    "c2-standard": (1.5107, [4, 8, 16, 30, 60]),
    "c2d-standard": (1.6991, [2, 4, 8, 16, 32, 56, 112]),
    "m1-ultramem": (1.1, [40, 80, 160]),
    "m1-megamem": (1.2, [96]),
    "m2-ultramem": (1.1, [208, 416]),
    "m2-megamem": (1.1, [416]),
    "a2-highgpu": (5.464, ["1g", "2g", "4g", "8g"]),
    "a2-megagpu": (5.464, ["16g"]),
}
#: Shared-core types: CCF's MACHINE_FAMILY_SHARED_CORE_TO_MACHINE_TYPE_MAPPING (e2, proxy e2-standard-32)
#: and N1_SHARED_CORE_MACHINE_FAMILY_TO_MACHINE_TYPE_MAPPING (proxy n1-standard-96).
GCP_CCF_SHARED = {"e2-micro": ("e2", 2, 1.0, 1.2303, "e2-standard-32"),
                  "e2-small": ("e2", 2, 2.0, 1.2303, "e2-standard-32"),
                  "e2-medium": ("e2", 2, 4.0, 1.2303, "e2-standard-32"),
                  "f1-micro": ("n1", 1, 0.6, 1.5771, "n1-standard-96"),
                  "g1-small": ("n1", 1, 1.7, 1.5771, "n1-standard-96")}
#: CCF INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING (helpers resolved with npm core 0.17.3); shared-core types map
#: to Unknown.  Note CCF looks the family up by the machine type's first two characters, so at run time
#: n2d/c2d/t2d resolve to n2/c2/t2; this table keeps the entries CCF wrote for each family.
GCP_CCF_ARCH = {
    "e2": ["Skylake", "Broadwell", "Haswell", "AMD EPYC 2nd Gen"],
    "n2": [CASCADE], "n2d": ["AMD EPYC 2nd Gen"], "t2d": [EPYC3],
    "n1": ["Skylake", "Broadwell", "Haswell", "Sandy Bridge", "Ivy Bridge"],
    "c2": [CASCADE], "c2d": [EPYC3], "m2": ["Broadwell", CASCADE], "m1": ["Broadwell", "Skylake"],
    "a2": [CASCADE],
}

GCP_GP = "https://cloud.google.com/compute/docs/general-purpose-machines"
GCP_CO = "https://cloud.google.com/compute/docs/compute-optimized-machines"
GCP_MO = "https://cloud.google.com/compute/docs/memory-optimized-machines"
GCP_AO = "https://cloud.google.com/compute/docs/accelerator-optimized-machines"


def _gcp_mem(series: str, n) -> float:
    """Memory [GB] of a predefined GCP machine type from Google's machine-type tables."""
    fixed = {"n2-highmem-128": 864, "m1-ultramem-40": 961, "m1-ultramem-80": 1922, "m1-ultramem-160": 3844,
             "m1-megamem-96": 1433.6, "m2-ultramem-208": 5888, "m2-ultramem-416": 11776, "m2-megamem-416": 5888}
    name = f"{series}-{n}"
    if name in fixed:
        return float(fixed[name])
    if series == "a2-highgpu":
        return 85.0 * int(str(n)[:-1])
    if series == "a2-megagpu":
        return 1360.0
    per_vcpu = {"standard": 4, "highmem": 8, "highcpu": 1}[series.split("-")[1]]
    if series.startswith("n1-"):
        per_vcpu = {"standard": 3.75, "highmem": 6.5, "highcpu": 0.9}[series.split("-")[1]]
    return round(float(n) * per_vcpu, 6)


def _gpu_count(series, n):
    return int(str(n)[:-1]) if str(n).endswith("g") else 0


#: GCP machine series CCF lacks: series -> (arch, gpu model, [(name suffix, vcpu, mem GB, gpus)], ssd drives
#: of the largest type, sockets, docs URL).  Platform = the series' largest type.
def _std(vcpus, per):
    return [(str(v), v, float(v * per), 0) for v in vcpus]


C3_V = [4, 8, 22, 44, 88, 176]
N4_V = [2, 4, 8, 16, 32, 48, 64, 80]
C2D_V = [2, 4, 8, 16, 32, 56, 112]
GCP_NEW = {
    "c2d-highcpu": (EPYC3, "", _std(C2D_V, 2), 0, None, GCP_CO),
    "c2d-highmem": (EPYC3, "", _std(C2D_V, 8), 0, None, GCP_CO),
    "c3-standard": (SAPPHIRE, "", _std(C3_V, 4), 0, None, GCP_GP),
    "c3-highmem": (SAPPHIRE, "", _std(C3_V, 8), 0, None, GCP_GP),
    "c3-highcpu": (SAPPHIRE, "", _std(C3_V, 2), 0, None, GCP_GP),
    "n4-standard": (EMERALD, "", _std(N4_V, 4), 0, None, GCP_GP),
    "n4-highmem": (EMERALD, "", _std(N4_V, 8), 0, None, GCP_GP),
    "n4-highcpu": (EMERALD, "", _std(N4_V, 2), 0, None, GCP_GP),
    # G2: Cascade Lake hosts; 96 vCPU need two 28-core sockets.  Optional local SSD not counted.
    "g2-standard": (CASCADE, L4, [("4", 4, 16.0, 1), ("8", 8, 32.0, 1), ("12", 12, 48.0, 1), ("16", 16, 64.0, 1),
                                  ("24", 24, 96.0, 2), ("32", 32, 128.0, 1), ("48", 48, 192.0, 4),
                                  ("96", 96, 384.0, 8)], 0, 2, GCP_AO),
    "a2-ultragpu": (CASCADE, A100_80, [("1g", 12, 170.0, 1), ("2g", 24, 340.0, 2), ("4g", 48, 680.0, 4),
                                       ("8g", 96, 1360.0, 8)], 8, 2, GCP_AO),
    # A3: HGX H100 / H200 8-GPU hosts with two Xeon sockets; bundled local SSD in 375 GiB drives.
    "a3-highgpu": (SAPPHIRE, H100, [("1g", 26, 234.0, 1), ("2g", 52, 468.0, 2), ("4g", 104, 936.0, 4),
                                    ("8g", 208, 1872.0, 8)], 16, 2, GCP_AO),
    "a3-megagpu": (SAPPHIRE, H100, [("8g", 208, 1872.0, 8)], 16, 2, GCP_AO),
    "a3-edgegpu": (SAPPHIRE, H100, [("8g", 208, 1872.0, 8)], 16, 2, GCP_AO),
    "a3-ultragpu": (EMERALD, H200, [("8g", 224, 2952.0, 8)], 32, 2, GCP_AO),
}


def build_gcp(platforms: list) -> list[dict]:
    rows = []
    src = "ccf_gcp_machinetypes+gcp_docs"
    for series, (te, sizes) in GCP_CCF_TE.items():
        fam = series.split("-")[0]
        last = sizes[-1]
        p_vcpu = _gpu_vcpu(series, last)
        p_mem = _gcp_mem(series, last)
        for n in sizes:
            vcpu = _gpu_vcpu(series, n)
            n_gpu = _gpu_count(series, n)
            rows.append(dict(
                provider="gcp", instance_type=f"{series}-{n}", family=fam, vcpu=vcpu, memory_gb=_gcp_mem(series, n),
                architecture=arch_text(GCP_CCF_ARCH[fam]), platform_vcpu=p_vcpu, platform_memory_gb=p_mem,
                gpu_model=A100 if n_gpu else "", gpu_count=float(n_gpu), burstable_baseline=None,
                embodied_kg=dec(te) * 1000, embodied_source="ccf", ccf_known=True, source=src))
    for name, (fam, vcpu, mem, te, proxy) in GCP_CCF_SHARED.items():
        p_series, p_n = proxy.rsplit("-", 1)
        rows.append(dict(
            provider="gcp", instance_type=name, family=fam, vcpu=vcpu, memory_gb=mem, architecture="",
            platform_vcpu=int(p_n), platform_memory_gb=_gcp_mem(p_series, int(p_n)), gpu_model="", gpu_count=0.0,
            burstable_baseline=None, embodied_kg=dec(te) * 1000, embodied_source="ccf", ccf_known=True, source=src))
    for series, (arch, gpu, sizes, ssd, sockets, url) in GCP_NEW.items():
        fam = series.split("-")[0]
        big = max(sizes, key=lambda s: (s[1], s[2]))
        sockets = sockets or default_sockets(big[1])
        te = teads_baseline_kg(big[2], sockets, ssd=ssd, gpus=big[3])
        platforms.append(dict(provider="gcp", family=series, platform=f"{series}-{big[0]}", vcpu=big[1],
                              memory_gb=big[2], sockets=sockets, ssd=ssd, hdd=0, gpus=big[3], embodied_kg=te,
                              url=url))
        for suffix, vcpu, mem, n_gpu in sizes:
            rows.append(dict(
                provider="gcp", instance_type=f"{series}-{suffix}", family=fam, vcpu=vcpu, memory_gb=mem,
                architecture=arch, platform_vcpu=big[1], platform_memory_gb=big[2],
                gpu_model=gpu if n_gpu else "", gpu_count=float(n_gpu), burstable_baseline=None, embodied_kg=te,
                embodied_source="teads_baseline", ccf_known=False, source="gcp_docs"))
    return rows


def _gpu_vcpu(series, n):
    if series == "a2-highgpu":
        return 12 * int(str(n)[:-1])
    if series == "a2-megagpu":
        return 96
    return int(n)


# --------------------------------------------------------------------------------------
# Azure
# --------------------------------------------------------------------------------------
AZ_ND = "https://learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/"
#: GPUs of CCF-known Azure sizes that CCF's GPU tables leave out (NC A100 v4: 1, 2, 4 x A100 80GB PCIe).
AZURE_GPU_ADDED = {"NC24ads A100 v4": (A100_80_PCIE, 1), "NC48ads A100 v4": (A100_80_PCIE, 2),
                   "NC96ads A100 v4": (A100_80_PCIE, 4)}
#: Current sizes CCF lacks: name -> (family, vcpu, memory GiB, arch, gpu, gpus, local NVMe drives, sockets, URL).
AZURE_NEW = {
    "ND96isr H100 v5": ("NDisrH100v5", 96, 1900.0, SAPPHIRE, H100, 8, 8, 2, AZ_ND + "ndh100v5-series"),
    "ND96isr H200 v5": ("NDisrH200v5", 96, 1850.0, SAPPHIRE, H200, 8, 8, 2, AZ_ND + "nd-h200-v5-series"),
}


def azure_arm_name(meter: str) -> str:
    """CCF meter-style size name -> ARM size name (``D2s v3`` -> ``Standard_D2s_v3``)."""
    name = re.sub(r" 1$", "", meter.strip())          # CCF keys carry a footnote mark: 'M64 1', 'E80ids v4 1'
    name = {"B1Ls": "B1ls", "B1Ms": "B1ms"}.get(name, name)
    name = re.sub(r"^Ds(?=\d)", "DS", name)           # DS-series v2 sizes are spelled DS in ARM
    name = re.sub(r"^Gs(?=\d)", "GS", name)
    return "Standard_" + name.replace(" ", "_")


def azure_family(series: str, first_key: str) -> str:
    """A short series label from CCF's series name (``Fsv2-series`` -> ``Fsv2``; ``D2s-64s v3`` -> ``Dsv3``)."""
    m = re.match(r"^(.+?)[- ](?:series|Series)(?: (promo|Promo))?$", series)
    if m:
        label = m.group(1).replace("_", "").replace(" ", "")
        return label + ("Promo" if m.group(2) else "")
    label = re.sub(r"\d+", "", re.sub(r" 1$", "", first_key), count=1).replace(" ", "")
    return label


def build_azure(ccf: dict, platforms: list) -> list[dict]:
    z = ccf["azure"]
    src = f"ccf_npm_azure_{ccf['versions']['azure']}"
    procs = z["INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING"]
    gpus, gpu_models = z["GPU_VIRTUAL_MACHINE_TYPES"], z["GPU_VIRTUAL_MACHINE_TYPE_PROCESSOR_MAPPING"]
    # CCF's getSeriesFromInstanceType keeps the *last* series that lists a size: resolve duplicates that way.
    owner = {}
    for series, sizes in z["VIRTUAL_MACHINE_TYPE_SERIES_MAPPING"].items():
        for key, _ in sizes:
            owner[key] = series
    rows, families = [], {}
    for series, sizes in z["VIRTUAL_MACHINE_TYPE_SERIES_MAPPING"].items():
        fam = azure_family(series, sizes[0][0])
        families[series] = fam
        p_vcpu, p_mem = sizes[-1][1][0], sizes[-1][1][1]
        te_fallback = None
        if any(len(v) < 3 for _, v in sizes):      # CCF's As-series has no TE: compute it from the platform
            sockets = default_sockets(p_vcpu)
            te_fallback = teads_baseline_kg(p_mem, sockets)
            platforms.append(dict(provider="azure", family=fam, platform=azure_arm_name(sizes[-1][0]), vcpu=p_vcpu,
                                  memory_gb=p_mem, sockets=sockets, ssd=0, hdd=0, gpus=0, embodied_kg=te_fallback,
                                  url=f"CCF {src} (vCPU, memory)"))
        for key, v in sizes:
            vcpu, mem = v[0], v[1]
            te = v[2] if len(v) > 2 else None
            if owner[key] != series:
                continue
            meter = re.sub(r" 1$", "", key)
            gpu_model, n_gpu, row_src = "", 0, src
            if meter in gpus:
                gpu_model, n_gpu = arch_text(gpu_models.get(meter)), gpus[meter]
            elif meter in AZURE_GPU_ADDED:
                (gpu_model, n_gpu), row_src = AZURE_GPU_ADDED[meter], src + "+azure_docs"
            rows.append(dict(
                provider="azure", instance_type=azure_arm_name(key), family=fam, vcpu=int(vcpu), memory_gb=float(mem),
                architecture=arch_text(procs.get(meter)), platform_vcpu=int(p_vcpu), platform_memory_gb=float(p_mem),
                gpu_model=gpu_model, gpu_count=float(n_gpu), burstable_baseline=None,
                embodied_kg=dec(te) * 1000 if te is not None else te_fallback,
                embodied_source="ccf" if te is not None else "teads_baseline", ccf_known=True, source=row_src))
    # Constrained-vCPU sizes: [vCPU, memory, vCPU of the underlying size, TE]; CCF's platform is the underlying size.
    for key, (vcpu, mem, under_vcpu, te) in z["VIRTUAL_MACHINE_TYPE_CONSTRAINED_VCPU_CAPABLE_MAPPING"].items():
        base = re.sub(r"-\d+", "", key)                 # 'E4-2s v3' -> 'E4s v3'
        series = owner.get(base) or {k.lower(): v for k, v in owner.items()}.get(base.lower(), "")
        fam = families.get(series) or azure_family("", base)
        rows.append(dict(
            provider="azure", instance_type=azure_arm_name(key), family=fam, vcpu=int(vcpu), memory_gb=float(mem),
            architecture=arch_text(procs.get(key)), platform_vcpu=int(under_vcpu), platform_memory_gb=float(mem),
            gpu_model="", gpu_count=0.0, burstable_baseline=None, embodied_kg=dec(te) * 1000,
            embodied_source="ccf", ccf_known=True, source=src))
    for meter, (fam, vcpu, mem, arch, gpu, n_gpu, ssd, sockets, url) in AZURE_NEW.items():
        te = teads_baseline_kg(mem, sockets, ssd=ssd, gpus=n_gpu)
        platforms.append(dict(provider="azure", family=fam, platform=azure_arm_name(meter), vcpu=vcpu,
                              memory_gb=mem, sockets=sockets, ssd=ssd, hdd=0, gpus=n_gpu, embodied_kg=te, url=url))
        rows.append(dict(
            provider="azure", instance_type=azure_arm_name(meter), family=fam, vcpu=vcpu, memory_gb=mem,
            architecture=arch, platform_vcpu=vcpu, platform_memory_gb=mem, gpu_model=gpu, gpu_count=float(n_gpu),
            burstable_baseline=None, embodied_kg=te, embodied_source="teads_baseline", ccf_known=False,
            source="azure_docs"))
    return rows


# --------------------------------------------------------------------------------------

def check(rows: list[dict]) -> None:
    keys = [(r["provider"], r["instance_type"].lower()) for r in rows]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise SystemExit(f"duplicate (provider, instance_type) keys (case-insensitive): {sorted(dup)[:10]}")
    for r in rows:
        if not 0 < r["vcpu"] <= r["platform_vcpu"]:
            print(f"warning: vcpu outside (0, platform_vcpu]: {r['provider']} {r['instance_type']} "
                  f"{r['vcpu']} > {r['platform_vcpu']}")
        if r["embodied_kg"] is None or r["embodied_kg"] <= 0:
            raise SystemExit(f"no embodied value: {r}")


def platform_table(platforms: list) -> str:
    """Markdown table of the platform inputs of every teads_baseline value (for the data card)."""
    lines = ["| provider | family | platform (largest type) | vCPU | memory GB | sockets | SSD | HDD | GPUs | TE kg | spec source |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in platforms:
        lines.append(f"| {p['provider']} | {p['family']} | {p['platform']} | {p['vcpu']} | {p['memory_gb']:g} | "
                     f"{p['sockets']} | {p['ssd']} | {p['hdd']} | {p['gpus']} | {p['embodied_kg']} | {p['url']} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ccf-node-modules", help="folder holding @cloud-carbon-footprint/{aws,azure} (npm)")
    ap.add_argument("--print-platforms", action="store_true", help="print the platform-inputs table (Markdown)")
    args = ap.parse_args(argv)
    ccf = ccf_npm_dump(args.ccf_node_modules)
    platforms: list = []
    rows = build_aws(ccf, platforms) + build_gcp(platforms) + build_azure(ccf, platforms)
    check(rows)
    order = {"aws": 0, "gcp": 1, "azure": 2}
    rows.sort(key=lambda r: (order[r["provider"]], r["family"], r["platform_vcpu"], r["vcpu"], r["instance_type"]))
    write_csv(OUT, COLUMNS, rows)
    print(f"wrote {OUT} ({len(rows)} rows; CCF npm {ccf['versions']})")
    replace_block(OUT.parent / "DATACARD.md", "platforms", platform_table(platforms))
    if args.print_platforms:
        print(platform_table(platforms))


if __name__ == "__main__":
    main()
