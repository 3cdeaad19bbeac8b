"""Build ``datasets/platforms/platforms.csv``: the server hardware behind some cloud instance families.

One row per (provider, family): the physical server ("platform") the family's instances are cut from, with
the component inputs of Boavizta's bottom-up embodied model (:func:`carbonlab.models.embodied.boavizta_server`):
CPU packages and their die area, memory modules, local drives, GPU cards, power supplies, enclosure.

Sources (per row, in ``spec_source`` and ``die_source``): the providers' instance-type pages for vCPU,
memory, local NVMe drives, GPUs and processor model; die areas from TechPowerUp's CPU database and
WikiChip; the Graviton2 die and the c6gd.metal memory configuration from Tailpipe's worked example
(EMBODIED.md section 3).  Memory module counts are not published by any provider: they follow the rule
"32 GB modules" (Boavizta's reference Dell R740 has 12 x 32 GB) unless a row says otherwise, and are
marked in ``notes``.  Families not listed here get a generic server derived at run time from the instance
table (see the data card); they are not rows.

Usage::

    python datasets/build/build_platforms.py
"""

from __future__ import annotations

import math
import sys

from _buildlib import DATASETS, REPO, replace_block, write_csv

OUT = DATASETS / "platforms" / "platforms.csv"
CARD = DATASETS / "platforms" / "DATACARD.md"

COLUMNS = ["provider", "family", "platform_type", "platform_vcpu", "platform_memory_gb", "cpu_model", "cpu_units",
           "cpu_die_mm2", "ram_units", "ram_gb", "ssd_units", "ssd_gb", "hdd_units", "gpu_units", "gpu_unit_kg",
           "psu_units", "psu_unit_kg", "case_type", "spec_source", "die_source", "notes"]

# Die areas [mm2] of one package, with where they come from.
SKYLAKE_XCC = (694.0, "Skylake-SP / Cascade Lake-SP XCC die, 694 mm2: "
                      "https://en.wikichip.org/wiki/intel/microarchitectures/skylake_(server)")
BROADWELL_HCC = (456.0, "Broadwell-EP HCC die, 456 mm2 (TechPowerUp, Xeon E5-2699 v4 and E5-2686 v4): "
                        "https://www.techpowerup.com/cpu-specs/")
ROME_8CCD = (8 * 74.0 + 416.0, "AMD Rome: 74 mm2 per core complex die and 416 mm2 I/O die "
                               "(TechPowerUp, EPYC 7402: https://www.techpowerup.com/cpu-specs/epyc-7402.c2252); "
                               "8 core dies assumed for a 48-core part")
GRAVITON2 = (457.0, "Graviton2 die 457 mm2, Tailpipe worked example (EMBODIED.md section 3): "
                    "https://www.tailpipe.ai/methodology/embodied-emissions-methodology-example")

#: Teads/CCF per-GPU value, used as a proxy: carbonlab has no component model of GPU cards. [kg]
GPU_CARD_KG = 150.0

AWS_GP = "https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html"
AWS_CO = "https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html"
AWS_MO = "https://docs.aws.amazon.com/ec2/latest/instancetypes/mo.html"
AWS_AC = "https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html"

MODULES_RULE = "memory as 32 GB modules (carbonlab rule; module counts are not published)"

#: provider, family, platform type, vCPU, memory GB, CPU model, CPU packages, die, RAM modules x GB,
#: SSDs x GB, GPUs, spec source, notes
PLATFORMS = [
    ("aws", "c6gd", "c6gd.metal", 64, 128, "AWS Graviton2", 1, GRAVITON2, (8, 16), (2, 1900), 0,
     "https://aws.amazon.com/ec2/instance-types/c6g/",
     "memory as 8 x 16 GB modules (Tailpipe's worked example)"),
    ("aws", "m6g", "m6g.metal", 64, 256, "AWS Graviton2", 1, GRAVITON2, None, (0, 0), 0,
     "https://aws.amazon.com/ec2/instance-types/m6g/", MODULES_RULE),
    ("aws", "m5", "m5.metal", 96, 384, "Intel Xeon Platinum 8175M or 8259CL", 2, SKYLAKE_XCC, None, (0, 0), 0,
     AWS_GP, MODULES_RULE),
    ("aws", "c5", "c5.metal", 96, 192, "Intel Xeon Platinum 8275CL", 2, SKYLAKE_XCC, None, (0, 0), 0,
     AWS_CO, MODULES_RULE),
    ("aws", "r5", "r5.metal", 96, 768, "Intel Xeon Platinum 8175M or 8259CL", 2, SKYLAKE_XCC, None, (0, 0), 0,
     AWS_MO, MODULES_RULE),
    ("aws", "t3", "m5.metal (assumed host)", 96, 384, "Intel Xeon Platinum 8175M or 8259CL", 2, SKYLAKE_XCC,
     None, (0, 0), 0, AWS_GP,
     "burstable: AWS does not publish the host; assumed to be the m5.metal server (same processors); "
     + MODULES_RULE),
    ("aws", "p3", "p3.16xlarge", 64, 488, "Intel Xeon E5-2686 v4", 2, BROADWELL_HCC, None, (0, 0), 8,
     AWS_AC, MODULES_RULE + "; 8 NVIDIA V100 at the Teads/CCF 150 kg per GPU (proxy)"),
    ("aws", "g5", "g5.48xlarge", 192, 768, "AMD EPYC 7R32", 2, ROME_8CCD, None, (2, 3800), 8,
     "https://aws.amazon.com/ec2/instance-types/g5/",
     MODULES_RULE + "; 8 NVIDIA A10G at the Teads/CCF 150 kg per GPU (proxy)"),
]


def rows() -> list[dict]:
    out = []
    for (provider, family, ptype, vcpu, mem, cpu, sockets, (die, die_src), ram, (ssd_n, ssd_gb), gpus,
         spec, notes) in PLATFORMS:
        ram_units, ram_gb = ram if ram else (math.ceil(mem / 32), 32)
        out.append(dict(provider=provider, family=family, platform_type=ptype, platform_vcpu=vcpu,
                        platform_memory_gb=float(mem), cpu_model=cpu, cpu_units=sockets, cpu_die_mm2=die,
                        ram_units=ram_units, ram_gb=float(ram_gb), ssd_units=ssd_n, ssd_gb=float(ssd_gb),
                        hdd_units=0, gpu_units=gpus, gpu_unit_kg=GPU_CARD_KG if gpus else 0.0,
                        psu_units=2, psu_unit_kg=2.99, case_type="rack", spec_source=spec, die_source=die_src,
                        notes=notes))
    return sorted(out, key=lambda r: (r["provider"], r["family"]))


def card_table(table: list[dict]) -> str:
    """The rows with their server TE under the Boavizta model, for the data card."""
    sys.path.insert(0, str(REPO))
    from carbonlab.models.embodied import boavizta_server

    lines = ["| provider | family | platform | vCPU | memory GB | CPU | die mm2 | RAM | SSD | GPUs | server TE kg |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in table:
        parts = boavizta_server(cpu_die_mm2=r["cpu_die_mm2"], cpu_units=r["cpu_units"], ram_gb=r["ram_gb"],
                                ram_units=r["ram_units"], ssd_gb=r["ssd_gb"], ssd_units=r["ssd_units"],
                                hdd_units=r["hdd_units"], psu_units=r["psu_units"], psu_unit_kg=r["psu_unit_kg"],
                                case=r["case_type"], gpu_units=r["gpu_units"], gpu_unit_kg=r["gpu_unit_kg"])
        te = float(sum(parts.values()))
        lines.append(f"| {r['provider']} | {r['family']} | {r['platform_type']} | {r['platform_vcpu']} | "
                     f"{r['platform_memory_gb']:g} | {r['cpu_units']} x {r['cpu_model']} | {r['cpu_die_mm2']:g} | "
                     f"{r['ram_units']} x {r['ram_gb']:g} GB | {r['ssd_units']} x {r['ssd_gb']:g} GB | "
                     f"{r['gpu_units']} | {te:.2f} |")
    return "\n".join(lines)


def main() -> None:
    table = rows()
    write_csv(OUT, COLUMNS, table)
    replace_block(CARD, "platforms", card_table(table))
    print(f"wrote {OUT} ({len(table)} rows)")


if __name__ == "__main__":
    main()
