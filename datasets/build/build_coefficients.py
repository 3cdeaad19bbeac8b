"""Build ``datasets/coefficients/``: CCF's energy coefficients, constants, replication rules and grid factors.

Files written (all tidy, one row per entity):

* ``cpu_power.csv``      watts per vCPU by micro-architecture (sets ``ccf_2020`` and ``ccf_2026``)
* ``cpu_fallback.csv``   the per-cloud watts used when the architecture is unknown
* ``gpu_power.csv``      watts per GPU by model
* ``constants.csv``      memory/storage/network coefficients, utilisation, lifespan, fleet PUE
* ``replication.csv``    CCF's replication-factor rules (substring patterns)
* ``pue_regional.csv``   CCF's GCP trailing-twelve-month PUE per region
* ``ccf_emission_factors.csv``  CCF's grid factors in g/kWh

OCI (provider ``oci``) has no CCF coefficients: every table gets documented carbonlab fallback rows for it,
their ``source`` starting with ``carbonlab fallback:`` (:data:`FALLBACK`), which carbonlab records in a
footprint's ``assumed`` list (see the data card).

Sources: CCF's npm packages ``@cloud-carbon-footprint/aws@0.15.0`` / ``azure@1.8.0`` (read with node);
CCF's GCP constants at commit b7a049c (not on npm; recorded in the project's reference copy
``gcp_constants.json``, read here as a source file); ``cloud-carbon-footprint/ccf-coefficients`` outputs at
commit b0032d9 (values restated below); NVIDIA datasheets; provider sustainability disclosures.

Usage::

    python datasets/build/build_coefficients.py [--ccf-node-modules DIR] [--gcp-constants FILE]
"""

from __future__ import annotations

import argparse
import json
import re
from decimal import Decimal
from pathlib import Path

from _buildlib import DATASETS, SHARED, ccf_npm_dump, dec, fmt, write_csv

OUT = DATASETS / "coefficients"
GCP_CONSTANTS = SHARED / "reference-data" / "ccf" / "gcp_constants.json"
GCP_SRC = "CCF packages/gcp/src/domain/GcpFootprintEstimationConstants.ts @ b7a049c"

GPU_PREFIXES = ("Nvidia", "AMD Radeon", "Xilinx")

# --------------------------------------------------------------------------------------
# ccf-coefficients outputs (github.com/cloud-carbon-footprint/ccf-coefficients @ b0032d9, 2026-04-24):
# output/coefficients-aws-use.csv and output/coefficients-gcp-use.csv, columns
# Architecture, Min Watts, Max Watts, GB/Chip.  Architecture names mapped to CCF's app spellings.
# --------------------------------------------------------------------------------------
CCF_COEF_URL = "https://github.com/cloud-carbon-footprint/ccf-coefficients/blob/b0032d9/output/"
AWS_USE_2026 = {
    "Broadwell": (0.7128342245989305, 3.685327540106952, 69.6470588235294),
    "Cascade Lake": (0.6902978319127387, 4.063193520161689, 105.972049689441),
    "Coffee Lake": (1.138425925925926, 5.421759259259259, 19.555555555555557),
    "AMD EPYC 1st Gen": (0.8467881944444444, 2.6041666666666665, 92.44444444444444),
    "AMD EPYC 2nd Gen": (0.4742621527777777, 1.6929615162037035, 129.77777777777777),
    "AMD EPYC 3rd Gen": (0.45562453497023814, 1.957333519345238, 137.14285714285714),
    "AMD EPYC 4th Gen": (0.7391482469512195, 2.282155106707317, 152.1951219512195),
    "AMD EPYC 5th Gen": (3.6824237779748152, 8.96143545344501, 74.61726023148064),
    "Emerald Rapids": (0.8140104166666666, 4.48203125, 160.0),
    "Granite Rapids": (0.5815883902616279, 2.5274707237711422, 221.13636363636363),
    "AWS Graviton2": (0.4742621527777777, 1.6929615162037035, 129.77777777777777),
    "AWS Graviton3": (0.4742621527777777, 1.6929615162037035, 129.77777777777777),
    "AWS Graviton3E": (0.4742621527777777, 1.6929615162037035, 129.77777777777777),
    "AWS Graviton4": (0.4742621527777777, 1.6929615162037035, 129.77777777777777),
    "Haswell": (1.8573529411764707, 5.595383986928105, 31.058823529411764),
    "Ice Lake": (0.766796875, 3.7582031249999996, 136.0),
    "Ivy Bridge": (1.7074305555555556, 5.5569444444444445, 13.333333333333334),
    "Sandy Bridge": (2.212243200231481, 8.630870594765684, 17.071428571428573),
    "Sapphire Rapids": (1.0362861003136936, 4.160476336606656, 130.79521276595744),
    "Skylake": (0.6129888539040325, 4.104170352960531, 75.09995781995782),
}
GCP_USE_2026 = {
    "Broadwell": (0.7128342245989305, 3.3857473048128344, 69.6470588235294),
    "Cascade Lake": (0.6902978319127387, 3.754854273784877, 105.972049689441),
    "AMD EPYC 2nd Gen": (0.4742621527777777, 1.575187293981481, 129.77777777777777),
    "AMD EPYC 3rd Gen": (0.45562453497023814, 1.8336855193452382, 137.14285714285714),
    "AMD EPYC 4th Gen": (0.7391482469512195, 2.1958768628048784, 152.1951219512195),
    "Emerald Rapids": (0.8140104166666666, 4.3816792499999995, 160.0),
    "Ice Lake": (0.766796875, 3.6515791249999996, 136.0),
    "Sapphire Rapids": (1.0362861003136936, 4.06210101745772, 130.79521276595744),
    "Skylake": (0.6129888539040325, 3.8679459262938636, 75.09995781995782),
}

# --------------------------------------------------------------------------------------
# Current GPUs (ccf_2026): max = board power from NVIDIA's datasheet; min = 0.12 x max, the idle
# ratio of the Teads/Boavizta TDP-to-power model (0 % load -> 0.12 x TDP) that CCF's own GPU
# minimums follow (A10G 18/150, P4 9/75, P40 30/250 W).
# --------------------------------------------------------------------------------------
IDLE_RATIO = Decimal("0.12")
NEW_GPUS = {
    "Nvidia L4": (72, "NVIDIA L4 datasheet, max TDP 72 W (nvidia.com/en-us/data-center/l4/)"),
    "Nvidia L40S": (350, "NVIDIA L40S datasheet, max power 350 W (nvidia.com/en-us/data-center/l40s/)"),
    "Nvidia H100": (700, "NVIDIA H100 SXM5 datasheet, max TDP up to 700 W (nvidia.com/en-us/data-center/h100/)"),
    "Nvidia H100 PCIe": (350, "NVIDIA H100 PCIe datasheet, max TDP 300-350 W, upper bound (nvidia.com/en-us/data-center/h100/)"),
    "Nvidia H200": (700, "NVIDIA H200 SXM datasheet, max TDP up to 700 W (nvidia.com/en-us/data-center/h200/)"),
    "Nvidia A100 80GB": (400, "NVIDIA A100 80GB SXM datasheet, max TDP 400 W (nvidia.com/en-us/data-center/a100/)"),
    "Nvidia A100 80GB PCIe": (300, "NVIDIA A100 80GB PCIe datasheet, max TDP 300 W (nvidia.com/en-us/data-center/a100/)"),
}

# --------------------------------------------------------------------------------------
# Replication rules: (provider, service, pattern, constant name); first match within a service wins.
# '' as pattern matches every usage type; '' as service is the default of every other service.
# '&' in a pattern joins substrings that must all occur.
# --------------------------------------------------------------------------------------
AWS_RF_SRC = "CCF npm @cloud-carbon-footprint/aws 0.15.0 lib/ReplicationFactors.js"
AZ_RF_SRC = "CCF npm @cloud-carbon-footprint/azure 1.8.0 lib/ReplicationFactors.js"
GCP_RF_SRC = "CCF packages/gcp/src/lib/ReplicationFactors.ts"
REPLICATION_RULES = [
    ("aws", "AmazonS3", "TimedStorage-ZIA", "S3_ONE_ZONE_REDUCED_REDUNDANCY"),
    ("aws", "AmazonS3", "EarlyDelete-ZIA", "S3_ONE_ZONE_REDUCED_REDUNDANCY"),
    ("aws", "AmazonS3", "TimedStorage-RRS", "S3_ONE_ZONE_REDUCED_REDUNDANCY"),
    ("aws", "AmazonS3", "TimedStorage", "S3"),
    ("aws", "AmazonS3", "EarlyDelete", "S3"),
    ("aws", "AmazonEC2", "VolumeUsage", "EC2_EBS_VOLUME"),
    ("aws", "AmazonEC2", "SnapshotUsage", "EC2_EBS_SNAPSHOT"),
    ("aws", "AmazonEFS", "ZIA", "EFS_ONE_ZONE"),
    ("aws", "AmazonEFS", "", "EFS"),
    ("aws", "AmazonRDS", "BackupUsage", "RDS_BACKUP"),
    ("aws", "AmazonRDS", "Aurora", "RDS_AURORA"),
    ("aws", "AmazonRDS", "Multi-AZ", "RDS_MULTI_AZ"),
    ("aws", "AmazonDocDB", "BackupUsage", "DOCUMENT_DB_BACKUP"),
    ("aws", "AmazonDocDB", "", "DOCUMENT_DB_STORAGE"),
    ("aws", "AmazonDynamoDB", "", "DYNAMO_DB"),
    ("aws", "AmazonECR", "TimedStorage", "ECR_STORAGE"),
    ("aws", "AmazonElastiCache", "BackupUsage", "DOCUMENT_ELASTICACHE_BACKUP"),
    ("aws", "AmazonSimpleDB", "TimedStorage", "SIMPLE_DB"),
    ("aws", "", "", "DEFAULT"),
    ("gcp", "Cloud Storage", "Dual-region", "CLOUD_STORAGE_DUAL_REGION"),
    ("gcp", "Cloud Storage", "Multi-region", "CLOUD_STORAGE_MULTI_REGION"),
    ("gcp", "Cloud Storage", "", "CLOUD_STORAGE_SINGLE_REGION"),
    ("gcp", "Compute Engine", "Regional", "COMPUTE_ENGINE_REGIONAL_DISKS"),
    # snapshots and images: CCF picks the multi/dual/single-region Cloud Storage factor by region (all 2)
    ("gcp", "Compute Engine", "Snapshot", "CLOUD_STORAGE_SINGLE_REGION"),
    ("gcp", "Compute Engine", "Image", "CLOUD_STORAGE_SINGLE_REGION"),
    ("gcp", "Cloud Filestore", "", "CLOUD_FILESTORE"),
    ("gcp", "Cloud SQL", "Regional - Standard storage", "CLOUD_SQL_HIGH_AVAILABILITY"),
    ("gcp", "Cloud SQL", "HA", "CLOUD_SQL_HIGH_AVAILABILITY"),
    ("gcp", "Cloud Memorystore for Redis", "Standard", "CLOUD_MEMORY_STORE_REDIS"),
    ("gcp", "Cloud Spanner", "Regional", "CLOUD_SPANNER_SINGLE_REGION"),
    ("gcp", "Cloud Spanner", "Multi-Region", "CLOUD_SPANNER_MULTI_REGION"),
    ("gcp", "Kubernetes Engine", "Clusters&Regional", "KUBERNETES_ENGINE"),
    ("gcp", "Kubernetes Engine", "Clusters&Autopilot", "KUBERNETES_ENGINE"),
    ("gcp", "Cloud Composer", "Storage", "CLOUD_STORAGE_SINGLE_REGION"),
    ("gcp", "Cloud Composer", "storage", "CLOUD_STORAGE_SINGLE_REGION"),
    ("gcp", "", "", "DEFAULT"),
    ("azure", "Storage", "LRS", "STORAGE_LRS"),
    ("azure", "Storage", "GZRS", "STORAGE_GZRS"),
    ("azure", "Storage", "ZRS", "STORAGE_ZRS"),
    ("azure", "Storage", "GRS", "STORAGE_GRS"),
    ("azure", "Storage", "Disks", "STORAGE_DISKS"),
    ("azure", "Azure Database for MySQL", "", "DATABASE_MYSQL"),
    ("azure", "Azure Cosmos DB", "Data Stored", "COSMOS_DB"),
    ("azure", "SQL Database", "Data Stored", "SQL_DB"),
    ("azure", "SQL Database", "vCore", "SQL_DB"),
    ("azure", "Redis Cache", "", "REDIS_CACHE"),
    ("azure", "", "", "DEFAULT"),
]

# --------------------------------------------------------------------------------------
# Provider fleet PUE disclosures (coefficient_set provider_2024)
# --------------------------------------------------------------------------------------
PROVIDER_PUE = {
    "aws": (1.15, "AWS sustainability (sustainability.aboutamazon.com, AWS cloud): global data-centre PUE 1.15 "
                  "in 2024"),
    "gcp": (1.09, "Google data-centre efficiency (google.com/about/datacenters/efficiency) and environmental "
                  "report: fleet-wide trailing-twelve-month PUE 1.09 for 2024"),
    "azure": (1.12, "Microsoft (N. Walsh, Azure blog 2022-04 and datacenters.microsoft.com/sustainability/"
                    "efficiency): design PUE 1.12 of the newest datacenter generation; Microsoft publishes "
                    "operating PUE only by geography, so this is a design value, not a fleet average"),
}


#: Prefix of the ``source`` of every row that is a carbonlab fallback rather than a published value; the
#: package reads it (``carbonlab.datasets.sites.FALLBACK_PREFIX``) to record the fallback in a footprint's ``assumed``.
FALLBACK = "carbonlab fallback: "
#: Providers CCF publishes coefficients for, and the providers that get fallback rows.
CCF_PROVIDERS = ("aws", "gcp", "azure")
FALLBACK_PROVIDERS = ("oci",)
OCI_TABLE_RULE = (FALLBACK + "OCI has no CCF coefficients; AWS's row used (the fullest per-architecture table; "
                  "OCI runs the same Intel and AMD generations) <- ")
OCI_GPU_RULE = FALLBACK + "OCI has no CCF coefficients; AWS's row used (the same GPU models) <- "
OCI_MEAN_RULE = FALLBACK + "OCI has no CCF or provider value; mean of the aws, gcp, azure values of this set"
#: OCI storage services by analogy with the AWS service of the same kind (CCF has no OCI rules).  Patterns match
#: the cost report's ``product/Description`` (e.g. ``Object Storage - Storage``, ``Block Volume - Storage``).
OCI_REPLICATION_ANALOGY = [
    ("Object Storage", "S3", "Object Storage stores data redundantly across fault or availability domains"),
    ("Archive Storage", "S3", "Archive Storage is an Object Storage tier"),
    ("Block Volume", "EC2_EBS_VOLUME", "block volumes and boot volumes, as EBS volumes"),
    ("File Storage", "EFS", "File Storage, as EFS"),
    ("", "DEFAULT", "every other service"),
]


def _f(x) -> float:
    return float(x)


def _oci_copy(rows: list[dict], rule: str = OCI_TABLE_RULE) -> list[dict]:
    """OCI fallback rows: AWS's rows of each set, re-labelled, their source saying so."""
    return [dict(r, provider="oci", source=rule + r["source"]) for r in rows if r["provider"] == "aws"]


def _oci_means(rows: list[dict], group: tuple[str, ...]) -> list[dict]:
    """OCI fallback rows: per group (set, name), the mean of the three CCF providers' values (exact decimals)."""
    out, seen = [], {}
    for r in rows:
        if r["provider"] in CCF_PROVIDERS:
            seen.setdefault(tuple(r[g] for g in group), []).append(r)
    for key, grp in seen.items():
        if {r["provider"] for r in grp} != set(CCF_PROVIDERS):
            continue                      # a provider-specific constant (GKE, Composer): OCI has no such service
        mean = sum(dec(r["value"]) for r in grp) / len(grp)
        out.append(dict(grp[0], provider="oci", value=mean.normalize(),
                        source=OCI_MEAN_RULE + " (" + ", ".join(f"{r['provider']} {fmt(dec(r['value']).normalize())}"
                                                                for r in grp) + ")"))
    return out


def cpu_power(ccf: dict, gcp: dict) -> tuple[list[dict], list[dict]]:
    rows, fallback = [], []
    aws_src = f"CCF npm @cloud-carbon-footprint/aws {ccf['versions']['aws']} AWS_CLOUD_CONSTANTS"
    az_src = f"CCF npm @cloud-carbon-footprint/azure {ccf['versions']['azure']} AZURE_CLOUD_CONSTANTS"
    tables = {
        "aws": (ccf["aws"]["CONSTANTS"], aws_src),
        "gcp": (gcp, GCP_SRC),
        "azure": (ccf["azure"]["CONSTANTS"], az_src),
    }
    for provider, (c, src) in tables.items():
        mem = c.get("MEMORY_BY_COMPUTE_PROCESSOR", {})
        for arch, lo in c["MIN_WATTS_BY_COMPUTE_PROCESSOR"].items():
            if arch.startswith(GPU_PREFIXES):
                continue
            note = " (copied from AMD EPYC 2nd Gen by CCF)" if arch == "AWS Graviton2" else ""
            rows.append(dict(coefficient_set="ccf_2020", provider=provider, architecture=arch, min_watts=_f(lo),
                             max_watts=_f(c["MAX_WATTS_BY_COMPUTE_PROCESSOR"][arch]),
                             memory_gb_per_chip=_f(mem[arch]) if arch in mem else None, source=src + note))
        if provider == "gcp":
            fallback.append(dict(coefficient_set="ccf_2020", provider=provider, method="median",
                                 min_watts=_f(c["MIN_WATTS_MEDIAN"]), max_watts=_f(c["MAX_WATTS_MEDIAN"]),
                                 memory_gb_per_chip=None, source=src + " MIN_WATTS_MEDIAN/MAX_WATTS_MEDIAN"))
        else:
            fallback.append(dict(coefficient_set="ccf_2020", provider=provider, method="average",
                                 min_watts=_f(c["MIN_WATTS_AVG"]), max_watts=_f(c["MAX_WATTS_AVG"]),
                                 memory_gb_per_chip=_f(c["MEMORY_AVG"]),
                                 source=src + " MIN_WATTS_AVG/MAX_WATTS_AVG/MEMORY_AVG"))
    for provider in ("aws", "gcp", "azure"):
        own = []
        for arch, (lo, hi, gb) in AWS_USE_2026.items():
            if provider == "gcp" and arch in GCP_USE_2026:
                lo, hi, gb = GCP_USE_2026[arch]
                src = CCF_COEF_URL + "coefficients-gcp-use.csv"
            elif provider == "aws":
                src = CCF_COEF_URL + "coefficients-aws-use.csv"
            else:
                src = (CCF_COEF_URL + "coefficients-aws-use.csv (no " + provider
                       + " output for this architecture; AWS output used)")
            if arch.startswith("AWS Graviton"):
                src += "; Graviton set to EPYC 2nd Gen by ccf-coefficients"
            own.append(dict(coefficient_set="ccf_2026", provider=provider, architecture=arch, min_watts=lo,
                            max_watts=hi, memory_gb_per_chip=gb, source=src))
        rows += own
        n = len(own)
        fallback.append(dict(
            coefficient_set="ccf_2026", provider=provider, method="average",
            min_watts=sum(r["min_watts"] for r in own) / n, max_watts=sum(r["max_watts"] for r in own) / n,
            memory_gb_per_chip=sum(r["memory_gb_per_chip"] for r in own) / n,
            source=f"carbonlab: mean over the {n} ccf_2026 {provider} architectures of cpu_power.csv "
                   "(CCF's AWS/Azure rule: the average of the table)"))
    rows += _oci_copy(rows)
    fallback += _oci_copy(fallback)
    return rows, fallback


def gpu_power(ccf: dict, gcp: dict) -> list[dict]:
    rows = []
    tables = {
        "aws": (ccf["aws"]["CONSTANTS"], f"CCF npm @cloud-carbon-footprint/aws {ccf['versions']['aws']}"),
        "gcp": (gcp, GCP_SRC),
        "azure": (ccf["azure"]["CONSTANTS"], f"CCF npm @cloud-carbon-footprint/azure {ccf['versions']['azure']}"),
    }
    for provider, (c, src) in tables.items():
        own = [(m, lo, c["MAX_WATTS_BY_COMPUTE_PROCESSOR"][m]) for m, lo in c["MIN_WATTS_BY_COMPUTE_PROCESSOR"].items()
               if m.startswith(GPU_PREFIXES)]
        for cset in ("ccf_2020", "ccf_2026"):
            for m, lo, hi in own:
                rows.append(dict(coefficient_set=cset, provider=provider, gpu_model=m, min_watts=_f(lo),
                                 max_watts=_f(hi), source=src + (" (Teads data set, as in CCF)" if cset == "ccf_2020"
                                                                 else " (ccf_2020 value repeated)")))
        for m, (board_w, note) in NEW_GPUS.items():
            rows.append(dict(coefficient_set="ccf_2026", provider=provider, gpu_model=m,
                             min_watts=float(IDLE_RATIO * board_w), max_watts=float(board_w),
                             source=note + "; min = 0.12 x max (Teads idle ratio)"))
    return rows + _oci_copy(rows, OCI_GPU_RULE)


def constants(ccf: dict, gcp: dict) -> list[dict]:
    rows = []
    per = {"aws": (ccf["aws"]["CONSTANTS"], f"CCF npm @cloud-carbon-footprint/aws {ccf['versions']['aws']} AWS_CLOUD_CONSTANTS"),
           "gcp": (gcp, GCP_SRC),
           "azure": (ccf["azure"]["CONSTANTS"], f"CCF npm @cloud-carbon-footprint/azure {ccf['versions']['azure']} AZURE_CLOUD_CONSTANTS")}
    spec = [("memory_kwh_per_gb_hour", "MEMORY_COEFFICIENT", 1, "kWh GB-1 h-1"),
            ("ssd_wh_per_tb_hour", "SSDCOEFFICIENT", 1, "Wh TB-1 h-1"),
            ("hdd_wh_per_tb_hour", "HDDCOEFFICIENT", 1, "Wh TB-1 h-1"),
            ("network_kwh_per_gb", "NETWORKING_COEFFICIENT", 1, "kWh GB-1"),
            ("default_utilization", "AVG_CPU_UTILIZATION_2020", Decimal("0.01"), "1"),
            ("server_lifespan_hours", "SERVER_EXPECTED_LIFESPAN", 1, "h"),
            ("pue_fleet", "PUE_AVG", 1, "1")]
    for provider, (c, src) in per.items():
        for name, key, scale, units in spec:
            rows.append(dict(coefficient_set="ccf_2020", provider=provider, name=name,
                             value=dec(c[key]) * scale, units=units, source=f"{src} {key}"
                             + (" (percent / 100)" if name == "default_utilization" else "")))
    common = "CCF packages/common/src/Config.ts @ b7a049c (default; env override)"
    rows.append(dict(coefficient_set="ccf_2020", provider="gcp", name="gcp_vcpus_per_gke_cluster", value=3,
                     units="1", source=common + " GCP_VCPUS_PER_GKE_CLUSTER"))
    rows.append(dict(coefficient_set="ccf_2020", provider="gcp", name="gcp_vcpus_per_cloud_composer_environment",
                     value=14, units="1", source=common + " GCP_VCPUS_PER_CLOUD_COMPOSER_ENVIRONMENT"))
    for provider, (value, src) in PROVIDER_PUE.items():
        rows.append(dict(coefficient_set="provider_2024", provider=provider, name="pue_fleet", value=dec(value),
                         units="1", source=src))
    return rows + _oci_means(rows, ("coefficient_set", "name"))


def replication(ccf: dict, gcp: dict) -> list[dict]:
    rf = {"aws": (ccf["aws"]["CONSTANTS"]["REPLICATION_FACTORS"], AWS_RF_SRC),
          "gcp": (gcp["REPLICATION_FACTORS"], GCP_RF_SRC),
          "azure": (ccf["azure"]["CONSTANTS"]["REPLICATION_FACTORS"], AZ_RF_SRC)}
    rows = []
    for provider, service, pattern, const in REPLICATION_RULES:
        table, src = rf[provider]
        rows.append(dict(provider=provider, service=service, usage_type_pattern=pattern,
                         replication=int(table[const]), source=f"{src} ({const})"))
    aws_rf, src = rf["aws"]
    for pattern, const, why in OCI_REPLICATION_ANALOGY:
        rows.append(dict(provider="oci", service="", usage_type_pattern=pattern, replication=int(aws_rf[const]),
                         source=f"{FALLBACK}OCI has no CCF rules; by analogy with AWS {const} ({why}) <- {src}"))
    return rows


def pue_regional(gcp: dict) -> list[dict]:
    return [dict(coefficient_set="ccf_2020", provider="gcp", region=r, pue=_f(v),
                 source=GCP_SRC + " PUE_TRAILING_TWELVE_MONTH")
            for r, v in gcp["PUE_TRAILING_TWELVE_MONTH"].items()]


def azure_region_key(name: str) -> str:
    return name if name == "Unknown" else re.sub(r"[\s\-]", "", name).lower()


def emission_factors(ccf: dict, gcp: dict) -> list[dict]:
    rows = []
    nerc_vals = ccf["US_NERC_REGIONS_EMISSIONS_FACTORS"]
    core = ccf["versions"]["aws->core"]
    for provider in ("aws", "azure"):
        table, nerc = ccf[provider]["EMISSIONS_FACTORS"], ccf[provider]["NERC_KEYS"]
        pkg = f"@cloud-carbon-footprint/{provider} {ccf['versions'][provider]}"
        for region, factor in table.items():
            n = nerc.get(region)
            if n and nerc_vals[n] != factor:
                raise SystemExit(f"{provider} {region}: NERC {n} value differs from core's table")
            src = f"CCF npm {pkg}" + (f" (core {core} US_NERC_REGIONS_EMISSIONS_FACTORS.{n})" if n else "")
            rows.append(dict(provider=provider, region=region, intensity=dec(factor) * 10**6, units="g kWh-1",
                             nerc_region=n, source=src,
                             region_key=azure_region_key(region) if provider == "azure" else region))
    for region, factor in gcp["EMISSIONS_FACTORS_GRID"].items():
        rows.append(dict(provider="gcp", region=region, intensity=dec(factor) * 10**6, units="g kWh-1",
                         nerc_region=None, source=GCP_SRC + " EMISSIONS_FACTORS_GRID", region_key=region))
    keys = [(r["provider"], r["region_key"]) for r in rows]
    clash = {k for k in keys if keys.count(k) > 1}
    for k in sorted(clash):            # same normalised key: keep one row only if the factors agree
        vals = {r["intensity"] for r in rows if (r["provider"], r["region_key"]) == k}
        if len(vals) > 1:
            raise SystemExit(f"normalised Azure key {k} maps to different factors {vals}")
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ccf-node-modules", help="folder holding @cloud-carbon-footprint/{aws,azure} (npm)")
    ap.add_argument("--gcp-constants", default=str(GCP_CONSTANTS),
                    help="CCF's GCP constants recorded from commit b7a049c (JSON)")
    args = ap.parse_args(argv)
    ccf = ccf_npm_dump(args.ccf_node_modules)
    gcp = json.loads(Path(args.gcp_constants).read_text())
    cpu, fallback = cpu_power(ccf, gcp)
    write_csv(OUT / "cpu_power.csv", ["coefficient_set", "provider", "architecture", "min_watts", "max_watts",
                                      "memory_gb_per_chip", "source"], cpu)
    write_csv(OUT / "cpu_fallback.csv", ["coefficient_set", "provider", "method", "min_watts", "max_watts",
                                         "memory_gb_per_chip", "source"], fallback)
    write_csv(OUT / "gpu_power.csv", ["coefficient_set", "provider", "gpu_model", "min_watts", "max_watts", "source"],
              gpu_power(ccf, gcp))
    write_csv(OUT / "constants.csv", ["coefficient_set", "provider", "name", "value", "units", "source"],
              constants(ccf, gcp))
    write_csv(OUT / "replication.csv", ["provider", "service", "usage_type_pattern", "replication", "source"],
              replication(ccf, gcp))
    write_csv(OUT / "pue_regional.csv", ["coefficient_set", "provider", "region", "pue", "source"], pue_regional(gcp))
    ef = emission_factors(ccf, gcp)
    write_csv(OUT / "ccf_emission_factors.csv", ["provider", "region", "intensity", "units", "nerc_region", "source",
                                                 "region_key"], ef)
    print(f"wrote {OUT} (CCF npm {ccf['versions']})")


if __name__ == "__main__":
    main()
