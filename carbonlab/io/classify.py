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
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from carbonlab import datasets

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
}

_MEMORY_WORDS = re.compile(r"\b(?:ram|memory)\b", re.I)
_NETWORK_WORDS = re.compile(r"transfer|egress|data-?bytes|bandwidth", re.I)
_HDD_WORDS = re.compile(r"st1|sc1|snapshot|timedstorage|glacier|standard storage|nearline|coldline|archive|"
                        r"data stored|blob|\bhdd\b|standard hdd|\bS\d+\b", re.I)
_SSD_WORDS = re.compile(r"gp2|gp3|io1|io2|piops|ssd|premium|\bP\d+\b|\bE\d+\b|pd capacity|"
                        r"sql|storage for|aurora", re.I)
_SSD_SERVICES = re.compile(r"dynamodb|documentdb|neptune|opensearch|elasticsearch|simpledb|elastic file system",
                           re.I)
_UNKNOWN_METERS = re.compile(r"natgateway|loadbalancer|requests?\b|requestunits|uptime sla|analysis", re.I)


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


#: Provider service names (FOCUS ``ServiceName``, Azure meter categories) -> CCF's service codes,
#: the keys of the replication rules.
SERVICE_CODES = {
    "Amazon Elastic Compute Cloud": "AmazonEC2", "Amazon Simple Storage Service": "AmazonS3",
    "Amazon Relational Database Service": "AmazonRDS", "AWS Lambda": "AWSLambda",
    "Amazon DynamoDB": "AmazonDynamoDB", "Amazon Elastic File System": "AmazonEFS",
    "Amazon DocumentDB (with MongoDB compatibility)": "AmazonDocDB", "Amazon ElastiCache": "AmazonElastiCache",
    "Amazon Elastic Container Registry": "AmazonECR", "AWS Data Transfer": "AWSDataTransfer",
    "Compute Engine": "Compute Engine", "Cloud Storage": "Cloud Storage", "Cloud SQL": "Cloud SQL",
    "Kubernetes Engine": "Kubernetes Engine", "Cloud Filestore": "Cloud Filestore",
    "Virtual Machines": "Virtual Machines", "Storage": "Storage", "SQL Database": "SQL Database",
    "Azure Cosmos DB": "Azure Cosmos DB", "Azure Database for MySQL": "Azure Database for MySQL",
    "Redis Cache": "Redis Cache",
}


def storage_class(text: pd.Series, service: pd.Series | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``ssd`` or ``hdd`` from a meter or usage type; second array: True where it was a guess.

    Services that CCF lists as SSD-backed (DynamoDB, DocumentDB, ...) are SSD
    whatever the usage type says, unless it names a backup.
    """
    t = text.fillna("").astype(str)
    hdd = np.array(t.str.contains(_HDD_WORDS), dtype=bool)
    ssd = np.array(t.str.contains(_SSD_WORDS), dtype=bool) & ~hdd
    if service is not None:
        on_ssd = np.array(service.fillna("").astype(str).str.contains(_SSD_SERVICES), dtype=bool)
        on_ssd &= ~np.array(t.str.contains("backup", case=False), dtype=bool)
        hdd &= ~on_ssd
        ssd |= on_ssd
    cls = np.where(hdd, "hdd", "ssd")
    return cls, ~(hdd | ssd)
