"""Classify billing lines into usage kinds, canonical quantities and replication.

Shared by the readers.  The rules follow Cloud Carbon Footprint's where CCF is
right (CCF.md §3, §4, §8) and state where carbonlab differs:

* **Instance hours** become vCPU-hours with the instance table's vCPU count,
  plus GPU-hours for GPU instances (CCF adds the GPU estimate to the CPU one).
* **Serverless GB-seconds** of AWS Lambda become vCPU time at AWS's stated
  allocation of one vCPU per 1,769 MB (AWS Lambda developer guide, "Memory
  and computing power"); CCF counts 1 GB-s as 1 vCPU-s.  Other GB-seconds
  (Cloud Run, Azure Functions memory) are memory.
* **Object storage** (S3, Cloud Storage, Azure Blob) is HDD; block and
  database storage on SSD tiers is SSD; storage carbonlab cannot classify is
  SSD, CCF's deliberately conservative rule, and is counted in the result.
* Lines with no physical quantity carbonlab models (requests, query scans,
  NAT gateway hours, support) are kind ``unknown`` with a ``note``; they go to
  the footprint's ``unattributed`` table.
* **Burstable instances** (AWS t2/t3/t3a/t4g) reserve all their vCPUs and run
  at most at their baseline on average: vCPU-hours are instance hours x vCPU
  and the record's utilisation is the baseline (AWS, "Key concepts for
  burstable performance instances", baseline per vCPU).  CCF scales the
  vCPU-hours by baseline/50 % and then applies 50 % utilisation, which also
  scales the idle power (CCF.md §1.4).
* **Pack sizes**: a unit "10 Hours" counts packs of ten hours (Azure prices
  and quantities are per unit of measure, and cost = quantity x unit price,
  EA/MCA cost-details schema); carbonlab multiplies the pack size in, CCF
  does not (CCF.md §1.4).

How the readers use this module
-------------------------------
Each reader's ``*_rules`` function classifies the distinct keys of a file
(:class:`carbonlab.io._chunks.KeyTable`) into a class table
(:func:`carbonlab.io._chunks.class_table`) with the rules of this module;
:func:`carbonlab.io._chunks.usage_chunk` then turns the classes into UsageTable
rows in each kind's canonical unit.  Service and region names are in
:mod:`carbonlab.io._providers`.

Credits, refunds and negative quantities
----------------------------------------
Lines that are not usage (credits, refunds, taxes, purchases, fees; FOCUS
``ChargeCategory`` other than ``Usage``, CUR ``LineItemType`` other than the
usage types, Azure ``ChargeType`` other than ``Usage``, GCP ``cost_type``
other than ``regular`` and GCP ``credits``) keep their cost and go to the
``unattributed`` table with the reason ``not usage (<type>)``; they are never
estimated.  Usage lines with a negative quantity (corrections) are placed like
any usage line, so they net out against the usage they correct; the cube
reports how many there were and their quantity (``attrs['records_negative']``).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from carbonlab import datasets
from carbonlab.datasets.hardware import instance_key, instances

#: Processor of ARM (arm64) Lambda functions, as CCF maps them (``getComputeProcessors`` in
#: ``CostAndUsageReportsRow.ts``); x86 Lambdas have no known processor and use the cloud fallback.
LAMBDA_ARM_ARCHITECTURE = "arch:AWS Graviton2"
#: AWS Lambda memory that equals one vCPU (docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). [GB]
LAMBDA_GB_PER_VCPU = 1.769

#: Units as they appear in exports -> (carbonlab unit, family).  Families: instance (instance-hours),
#: vcpu, gpu, capacity_time, capacity_month, capacity_seconds, data, other.
UNIT_ALIASES = {
    "hours": ("h", "instance"), "hour": ("h", "instance"), "hrs": ("h", "instance"),
    "vcpu-hours": ("vCPU-h", "vcpu"), "vcpu-seconds": ("vCPU-s", "vcpu"),
    "gpu-hours": ("GPU-h", "gpu"), "gpu-seconds": ("GPU-s", "gpu"),
    "gb-hours": ("GB-h", "capacity_time"), "gib-hours": ("GiB-h", "capacity_time"),
    "gb-seconds": ("GB-s", "capacity_seconds"), "gib-seconds": ("GiB-s", "capacity_seconds"),
    "gb-months": ("GB-Mo", "capacity_month"), "gb-mo": ("GB-Mo", "capacity_month"),
    "gib-months": ("GiB-Mo", "capacity_month"),
    "gb": ("GB", "data"), "gib": ("GiB", "data"), "tb": ("TB", "data"), "tib": ("TiB", "data"),
    # spellings seen in real FOCUS exports (FinOps Foundation sample data; Microsoft, Oracle exports)
    "gb hours": ("GB-h", "capacity_time"), "gigabyte per hour": ("GB-h", "capacity_time"),
    "gb-month": ("GB-Mo", "capacity_month"), "gb/month": ("GB-Mo", "capacity_month"),
    "gb months": ("GB-Mo", "capacity_month"), "gb month": ("GB-Mo", "capacity_month"),
    "lambda-gb-seconds": ("GB-s", "capacity_seconds"), "lambda-gb-second": ("GB-s", "capacity_seconds"),
    "seconds": ("s", "seconds"), "second": ("s", "seconds"),
    "acu-hours": ("ACU-h", "acu"), "acu-hr": ("ACU-h", "acu"),
    "units/month": ("1/Mo", "units_month"),
}
#: Unit families and what each means: ``instance`` instance-hours (x vCPU of the type); ``vcpu``,
#: ``gpu`` as billed; ``capacity_time`` GB-hours, ``capacity_month`` GB-months, ``capacity_seconds``
#: GB-seconds (memory, or Lambda vCPU time); ``data`` GB moved; ``seconds`` plain seconds (AWS Lambda's
#: "Total Compute" in FOCUS, which are GB-seconds); ``acu`` Aurora Capacity Unit hours; ``units_month``
#: unit-months (Azure managed disks: disk-months of the meter's tier).  Oracle's units (OCPU hours) are
#: read by :func:`carbonlab.io.oci.oci_rules`.

_MEMORY_WORDS = re.compile(r"\b(?:ram|memory)\b", re.I)
_NETWORK_WORDS = re.compile(r"transfer|egress|data-?bytes|bandwidth|aws-out-bytes|xfer-out", re.I)
#: Inter-region transfer into a region (``EUC1-USE2-AWS-In-Bytes``): the same bytes are billed as
#: ``AWS-Out-Bytes`` in the region they leave, where they are counted.
INTER_REGION_IN = re.compile(r"AWS-In-Bytes", re.I)
INTER_REGION_IN_NOTE = "excluded: inbound inter-region transfer, counted as AWS-Out-Bytes where the data leaves"
#: Serverless containers billed in hours (or seconds) of one vCPU or of one GB of memory: AWS Fargate
#: (``Fargate-vCPU-Hours``, "AWS Fargate - vCPU" in FOCUS) and Azure Container Instances ("vCPU Duration",
#: "Memory Duration" meters).
VCPU_DURATION = re.compile(r"Fargate-vCPU-Hours|Fargate - (?:ARM - )?vCPU|vCPU Duration", re.I)
MEMORY_DURATION = re.compile(r"Fargate-GB-Hours|Fargate - (?:ARM - )?Memory|Memory Duration", re.I)
#: Aurora Serverless: "each ACU is a combination of approximately 2 gibibytes (GiB) of memory,
#: corresponding CPU, and networking" (Amazon Aurora User Guide, "Aurora Serverless v2 capacity"),
#: at the 8 GiB per vCPU of the memory-optimised r classes Aurora runs on: 2/8 vCPU per ACU, as
#: CCF's ACU-hours / 4 (CCF.md §1.4).  CCF counts v1 ACU-hours and leaves v2 unknown; both are ACUs.
AURORA_VCPU_PER_ACU = 0.25
_HDD_WORDS = re.compile(r"st1|sc1|snapshot|timedstorage|glacier|standard storage|nearline|coldline|archive|"
                        r"data stored|blob|\bhdd\b|standard hdd|\bS\d+\b", re.I)
_SSD_WORDS = re.compile(r"gp2|gp3|io1|io2|piops|ssd|premium|\bP\d+\b|\bE\d+\b|pd capacity|"
                        r"sql|storage for|aurora", re.I)
_SSD_SERVICES = re.compile(r"dynamodb|documentdb|neptune|opensearch|elasticsearch|simpledb|elastic file system|"
                           r"amazondocdb|amazones\b|amazonefs|amazonfsx|amazonneptune|amazonmq|fsx", re.I)
_MAGNETIC_WORDS = re.compile(r"magnetic|\brds:(?:multi-az-)?storageusage\b", re.I)

#: Managed-disk size of each Azure tier (Premium SSD P, Standard SSD E, Standard HDD S), as Microsoft states it
#: ("Azure managed disk types", https://learn.microsoft.com/azure/virtual-machines/disks-types, accessed
#: 2026-11-22); the three families share the sizes of their numbers, Standard HDD from S4. [GiB]
_TIER_SIZES = {1: 4, 2: 8, 3: 16, 4: 32, 6: 64, 10: 128, 15: 256, 20: 512, 30: 1024, 40: 2048, 50: 4096,
               60: 8192, 70: 16384, 80: 32767}
DISK_TIER_GB = {f"{family}{k}": v for family in "PES" for k, v in _TIER_SIZES.items() if family != "S" or k >= 4}
_TIER = re.compile(r"\b([PES]\d{1,2})\b")


def disk_tier_gb(text: pd.Series) -> np.ndarray:
    """Size of the Azure managed-disk tier a meter names (``P10 LRS Disk`` -> 128), NaN if none. [GiB]"""
    return text.fillna("").astype(str).str.extract(_TIER)[0].map(DISK_TIER_GB).to_numpy(dtype=float)


_VCORES = re.compile(r"(?:(\d+(?:\.\d+)?)\s*)?\b(vCores?)\b", re.I)


def vcores(text: pd.Series) -> np.ndarray:
    """vCores an Azure meter names: ``4 vCore`` -> 4, ``vCore`` -> 1, NaN where it names none.

    Azure SQL Database, Managed Instance and Database for MySQL/PostgreSQL price
    compute per vCore-hour of a meter that states the number of vCores
    (``2 vCore``); one hour of the meter is that many vCPU-hours.
    """
    found = text.fillna("").astype(str).str.extract(_VCORES)
    n = pd.to_numeric(found[0], errors="coerce")
    return np.where(found[1].notna().to_numpy(), n.fillna(1.0).to_numpy(dtype=float), np.nan)


#: AWS and Azure instance types as charge descriptions write them: ``... On Demand Linux c5.2xlarge
#: Instance Hour``, ``... per db.t3.micro Single-AZ instance hour``, ``Standard_D2s_v3``.
_DESCRIBED_TYPE = re.compile(r"\b((?:db\.|cache\.|ml\.)?[a-z][a-z0-9-]*\d[a-z0-9-]*\.(?:nano|micro|small|medium|"
                             r"large|\d*xlarge|metal(?:-\d+xl)?))\b|\b(Standard_[A-Za-z0-9_]+)\b")
_AZURE_SERIES_SIZE = re.compile(r"(?:Virtual Machines|Cloud Services)[^-]* - ([A-Za-z0-9 ]+?)(?:/[^-]*)? - ")


def instance_type_from_description(text: pd.Series) -> pd.Series:
    """The instance type a charge description names, None where it names none.

    ``$0.34 per On Demand Linux c5.2xlarge Instance Hour`` -> ``c5.2xlarge``;
    ``Virtual Machines Dv2/DSv2 Series - D11 v2/DS11 v2 - US East 2`` ->
    ``Standard_D11_v2`` (the first size of the meter, as Azure names sizes).
    """
    t = text.fillna("").astype(str)
    found = t.str.extract(_DESCRIBED_TYPE)
    typed = found[0].where(found[0].notna(), found[1])
    series = t.str.extract(_AZURE_SERIES_SIZE)[0].str.strip()
    azure = ("Standard_" + series.str.replace(" ", "_")).where(series.notna() & (series != ""), None)
    out = typed.where(typed.notna(), azure)
    return pd.Series([v if isinstance(v, str) else None for v in out], index=text.index, dtype=object)


def sku_instance_type(details: pd.Series) -> pd.Series:
    """``InstanceType`` of FOCUS ``SkuPriceDetails`` JSON (``{"InstanceType": "m6i.large"}``), None if absent.

    Keys are matched case-insensitively (FOCUS 1.1 names properties in PascalCase;
    exporters also write ``x_InstanceType`` and ``instanceType``).
    """
    out = []
    for text in details.tolist():
        value = None
        if isinstance(text, str) and text.strip().startswith("{"):
            try:
                obj = json.loads(text)
            except ValueError:
                obj = None
            if isinstance(obj, dict):
                for k, v in obj.items():
                    if str(k).lower().removeprefix("x_") == "instancetype" and isinstance(v, str) and v.strip():
                        value = v.strip()
                        break
        out.append(value)
    return pd.Series(out, index=details.index, dtype=object)


# --- usage types every reader treats alike -------------------------------------
#: Usage types and meters with no physical model (CCF's ``UNKNOWN_USAGE_TYPES`` where they apply, and the
#: same words in FOCUS ``x_UsageType``/``SkuMeter``): NAT gateways, load balancers (``LCUUsage``),
#: cluster fees, query scans, requests, IP addresses, DNS.  They are unattributed, estimable by the cost ratio.
NO_MODEL_USAGE = re.compile(r"NatGateway|NAT Gateway|Load ?Balancer|LCUUsage|AmazonEKS-Hours|EKS-Hours|"
                            r"EKS cluster usage|DataScanned|VpcEndpoint-Hours|Requests?\b|RequestUnits|PublicIPv4|"
                            r"public IPv4|Public IP\b|IP Addresses|ElasticIP|HostedZone|DNS-Queries|API-Request|"
                            r"uptime sla|analysis|Defender|Class [AB] Operations|\bOperations\b|Transactions",
                            re.I)
#: Fees priced per unit of hardware billed in its own line: software and marketplace hourly fees, RDS
#: Extended Support (per vCPU-hour of the instance), EBS-optimised bandwidth (per instance-hour).
#: Counting them would count that hardware twice, so they are excluded (CCF defers ``SoftwareUsage`` to its
#: cost-ratio estimate and counts the others as compute).
FEE_USAGE = re.compile(r"SoftwareUsage|software usage|ExtendedSupport|Extended Support|EBSOptimized|"
                       r"Mbps per .*instance-hour", re.I)
#: Usage types that would count the same hardware twice: ECS-on-EC2 and EMR-on-EKS hours bill the
#: containers of EC2 instances that are billed themselves, dedicated-host boxes the host (CCF's
#: ``UNSUPPORTED_USAGE_TYPES``).
DOUBLE_COUNT_USAGE = re.compile(r"EMR-EKS-EC2|ECS-EC2-(?:GB|vCPU)-Hours|HostBoxUsage", re.I)
#: Services whose data volumes leave from edge locations, not from a region (CCF excludes CloudFront).
CDN_SERVICES = ("AmazonCloudFront", "Amazon CloudFront")
#: Lambda@Edge runs in the AWS region nearest the viewer, which the line names; it is Lambda compute.
LAMBDA_EDGE = re.compile(r"Lambda-Edge-GB-Second", re.I)


def line_notes(usage_type: pd.Series, service: pd.Series, unit: pd.Series) -> np.ndarray:
    """The rules every billing reader applies before the unit decides the kind.

    Parameters
    ----------
    usage_type : pandas.Series
        Usage type or meter (CUR ``lineItem/UsageType``, FOCUS ``x_UsageType``/``SkuMeter``).
    service : pandas.Series
        Service code or name (``AmazonCloudFront`` or ``Amazon CloudFront``).
    unit : pandas.Series
        Pricing or consumed unit.

    Returns
    -------
    numpy.ndarray of str
        The reason a line is unattributed, or ``""`` where the unit decides:
        AWS support (``Dollar`` usage types, billed in dollars) is ``not usage
        (support charge)``; :data:`DOUBLE_COUNT_USAGE` and :data:`FEE_USAGE`
        are ``excluded``; :data:`CDN_SERVICES` and :data:`NO_MODEL_USAGE` have
        no physical model.
    """
    ut = usage_type.fillna("").astype(str)
    svc = service.fillna("").astype(str)
    notes = np.full(len(ut), "", dtype=object)
    rules = [
        (ut.str.contains(NO_MODEL_USAGE), "no physical model for this usage type"),
        (svc.isin(CDN_SERVICES) & ~ut.str.contains(LAMBDA_EDGE),
         "no physical model: CDN delivery from edge locations, not a region (CCF excludes CloudFront)"),
        (ut.str.contains(DOUBLE_COUNT_USAGE), "excluded: would double count EC2 instance hours (CCF skips it)"),
        (ut.str.contains(FEE_USAGE), "excluded: a fee per unit of hardware billed in its own line"),
        (ut.str.contains("Dollar") | (unit.fillna("").astype(str) == "Dollar"), "not usage (support charge)"),
    ]
    for mask, note in rules:  # later rules win
        notes[mask.to_numpy(dtype=bool)] = note
    return notes


def replication_factor(provider: pd.Series, service: pd.Series, usage_type: pd.Series) -> np.ndarray:
    """Replication factor of each line from the shipped rules (CCF's tables, CCF.md §3.3).

    Within a (provider, service), rules are tried in the order of the table
    and the first whose pattern matches the usage type wins; a pattern is one
    or more substrings joined by ``&`` that must all occur, and an empty
    pattern matches every line.  A line no rule of its service matches gets
    the provider's default (the rule with an empty service).
    """
    rules = datasets.load_table("coefficients", "replication")
    rules["service"] = rules["service"].fillna("")
    rules["usage_type_pattern"] = rules["usage_type_pattern"].fillna("")
    by_service: dict[tuple[str, str], list[tuple[list[str], float]]] = {}
    for p, svc, pat, rf in zip(rules["provider"], rules["service"], rules["usage_type_pattern"],
                               rules["replication"]):
        by_service.setdefault((p, svc), []).append(([x for x in pat.split("&") if x], float(rf)))

    def lookup(p: str, svc: str, ut: str) -> float:
        for parts, rf in by_service.get((p, svc), []) + by_service.get((p, ""), []):
            if all(x in ut for x in parts):
                return rf
        return 1.0

    keys = pd.DataFrame({"p": provider.astype(str).to_numpy(), "s": service.astype(str).to_numpy(),
                         "u": usage_type.fillna("").astype(str).to_numpy()})
    uniq = keys.drop_duplicates()
    factors = {k: lookup(*k) for k in zip(uniq["p"], uniq["s"], uniq["u"])}
    return np.array([factors[k] for k in zip(keys["p"], keys["s"], keys["u"])], dtype=float)


def set_storage_class(classes: pd.DataFrame, text: pd.Series, service: pd.Series | None = None) -> None:
    """Fill ``storage_class`` and ``storage_class_guessed`` of a class table's storage keys
    (:func:`storage_class` of their usage type or meter and service)."""
    storage = (classes["kind"] == "storage").to_numpy()
    sc, guessed = storage_class(text, service)
    classes.loc[storage, "storage_class"] = sc[storage]
    classes.loc[storage, "storage_class_guessed"] = guessed[storage]


def storage_class(text: pd.Series, service: pd.Series | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``ssd`` or ``hdd`` from a meter or usage type; second array: True where it was a guess.

    Services that CCF lists as SSD-backed (DynamoDB, DocumentDB, ...) are SSD
    whatever the usage type says, unless it names a backup.  Magnetic volumes
    are HDD whatever the service: RDS ``StorageUsage`` and
    ``Multi-AZ-StorageUsage`` are RDS's magnetic (previous-generation) storage,
    as its GP2/GP3/PIOPS types are named, and ``ES:Magnetic-Storage``
    OpenSearch's (CCF lists Multi-AZ and OpenSearch magnetic storage as SSD,
    ``CostAndUsageTypes.ts`` ``SSD_USAGE_TYPES``, and single-AZ as HDD).
    """
    t = text.fillna("").astype(str)
    hdd = np.array(t.str.contains(_HDD_WORDS), dtype=bool)
    ssd = np.array(t.str.contains(_SSD_WORDS), dtype=bool) & ~hdd
    if service is not None:
        on_ssd = np.array(service.fillna("").astype(str).str.contains(_SSD_SERVICES), dtype=bool)
        on_ssd &= ~np.array(t.str.contains("backup", case=False), dtype=bool)
        hdd &= ~on_ssd
        ssd |= on_ssd
    magnetic = np.array(t.str.contains(_MAGNETIC_WORDS), dtype=bool)   # whatever the service
    hdd |= magnetic
    ssd &= ~magnetic
    cls = np.where(hdd, "hdd", "ssd")
    return cls, ~(hdd | ssd)


_DB_PREFIX = re.compile(r"^(?:db|cache|kafka|ml)\.", re.I)
_SEARCH_SUFFIX = re.compile(r"\.(?:search|elasticsearch)$", re.I)
#: Words of inbound transfer (not counted as network: the bytes are counted where they leave).
INBOUND_WORDS = re.compile(r"transfer[ -]in\b|-in-bytes|ingress|inbound|\bin from\b", re.I)


def normalise_instance_type(types: pd.Series) -> pd.Series:
    """Instance type as the instance table names it: ``db.r5.large`` -> ``r5.large``.

    Strips the ``db.``, ``cache.``, ``kafka.`` and ``ml.`` (SageMaker) prefixes
    of managed services, which run on the hardware of the type they prefix, and
    the ``.search`` suffix of OpenSearch, and rewrites CCF's ``…xl``
    abbreviation to ``…xlarge`` (CCF ``CostAndUsageReportsRow``).
    """
    t = types.fillna("").astype(str).str.strip()
    t = t.str.replace(_DB_PREFIX, "", regex=True).str.replace(_SEARCH_SUFFIX, "", regex=True)
    return t.str.replace(r"(\d*)xl$", r"\1xlarge", regex=True).where(types.notna(), None)


def instance_attributes(provider: pd.Series, instance_type: pd.Series) -> pd.DataFrame:
    """vCPUs, GPUs and burstable baseline of instance types from the shipped table.

    Parameters
    ----------
    provider, instance_type : pandas.Series
        Same index; lookups are case-insensitive.

    Returns
    -------
    pandas.DataFrame
        ``vcpu`` [1], ``gpu_count`` [1], ``burstable_baseline`` (fraction, NaN
        if not burstable), ``known`` (bool), and ``vcpu_by_size`` [1] (AWS
        types from their size name, :func:`aws_vcpu_by_size`), on the same index.
    """
    inst = instances()
    keys = pd.MultiIndex.from_arrays([provider.fillna("").astype(str).to_numpy(),
                                      instance_key(instance_type).to_numpy()])
    found = inst[["vcpu", "gpu_count", "burstable_baseline"]].reindex(keys)
    out = pd.DataFrame({"vcpu": found["vcpu"].to_numpy(dtype=float),
                        "gpu_count": found["gpu_count"].fillna(0.0).to_numpy(dtype=float),
                        "burstable_baseline": found["burstable_baseline"].to_numpy(dtype=float)},
                       index=provider.index)
    out["known"] = out["vcpu"].notna()
    out["vcpu_by_size"] = np.where(provider.fillna("").astype(str).to_numpy() == "aws",
                                   aws_vcpu_by_size(instance_type), np.nan)
    return out


_AWS_SIZE = re.compile(r"^[a-z][a-z0-9-]*\.(\d*)(x?)large$")


def aws_vcpu_by_size(instance_type: pd.Series) -> np.ndarray:
    """vCPUs of an AWS instance type from its size name: ``large`` 2, ``xlarge`` 4, ``Nxlarge`` 4N.

    AWS doubles vCPUs at each size step of a family; 516 of the 527 ``large``
    and ``xlarge`` types of the shipped instance table follow the rule, the
    exceptions being previous generations (c1, m2, hs1, d2 and c4 at 8xlarge)
    and the HPC and Redshift types, all of which the table lists.  Used only
    for types the table lacks (new ones, such as ``m7i-flex.xlarge``); their
    compute has no platform, so no embodied estimate, which the footprint
    reports.  NaN for other sizes (nano ... medium, metal).
    """
    found = instance_key(instance_type).str.extract(_AWS_SIZE)
    n = pd.to_numeric(found[0].replace("", "1"), errors="coerce")
    return np.where(found[1] == "x", 4.0 * n, np.where(found[1] == "", 2.0, np.nan)).astype(float)


def is_network(text: pd.Series) -> np.ndarray:
    """True where a usage type or meter names data moved out of a data centre.

    Outbound, inter-region and inter-zone transfer count (CCF.md §4); inbound
    transfer does not.
    """
    t = text.fillna("").astype(str)
    return (t.str.contains(_NETWORK_WORDS) & ~t.str.contains(INBOUND_WORDS)).to_numpy(dtype=bool)


def is_memory(text: pd.Series) -> np.ndarray:
    """True where a usage type or meter names memory (RAM) rather than storage."""
    return text.fillna("").astype(str).str.contains(_MEMORY_WORDS).to_numpy(dtype=bool)


_PACK = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*(.*?)\s*$")


def parse_pack(units: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Split a unit of measure into its pack size and base unit.

    ``"10 Hours"`` -> (10, ``"Hours"``); ``"1 GB/Month"`` -> (1, ``"GB/Month"``);
    ``"10K"`` -> (10000, ``""``); a unit without a leading number has pack 1.

    Returns
    -------
    pack : numpy.ndarray of float
    base : pandas.Series of str
    """
    u = units.fillna("").astype(str)
    parts = u.str.extract(_PACK)
    number = pd.to_numeric(parts[0], errors="coerce")
    scale = parts[1].str.lower().map({"k": 1e3, "m": 1e6, "": 1.0}).fillna(1.0)
    pack = (number * scale).where(number.notna(), 1.0).to_numpy(dtype=float)
    base = parts[2].where(number.notna(), u).fillna(u)
    return pack, base


#: Reasons of unattributed usage that CCF's cost-ratio estimate must not price: no usage, or
#: usage that would double count another line.
NOT_ESTIMABLE = ("not usage", "excluded", "unparseable")


def estimable(reason) -> np.ndarray:
    """True where an unattributed reason may be priced by the cost-ratio estimate."""
    r = pd.Series(np.asarray(reason, dtype=object)).fillna("").astype(str)
    return ~r.str.startswith(NOT_ESTIMABLE).to_numpy(dtype=bool)
