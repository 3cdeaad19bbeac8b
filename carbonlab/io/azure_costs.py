"""Azure cost and usage details exports (CSV; Enterprise Agreement / legacy and Microsoft Customer Agreement).

EA files name columns ``MeterCategory``, MCA files ``meterCategory``; older EA
files (2019-10-01 schema) use ``SubscriptionGuid``, ``UsageDateTime``,
``UsageQuantity`` and ``PreTaxCost``.  Column names are matched
case-insensitively against the aliases below; the column set read is reported
(``ea`` or ``mca``).

=====================================================  ==================  ==============================
Azure column (first present)                           carbonlab column    notes
=====================================================  ==================  ==============================
Date, UsageDateTime, date                              start, end          daily rows: [date, date + 1 day)
SubscriptionId, SubscriptionGuid                       account
ResourceLocation, ResourceLocationNormalized,          region              ``West Europe`` / ``EU West``
location, MeterRegion                                                      -> ``westeurope``
MeterCategory                                          service             e.g. ``Virtual Machines``
MeterSubCategory, MeterName                            (classification)    e.g. ``D2 v3/D2s v3``, ``P10 LRS Disk``
UnitOfMeasure                                          unit                pack size multiplied in
Quantity, UsageQuantity, ConsumedQuantity              quantity            in units of measure
CostInBillingCurrency, Cost, PreTaxCost                cost                bill currency
ChargeType                                             (classification)    only ``Usage`` is usage
AdditionalInfo                                         instance_type       JSON ``ServiceType`` (VM size),
                                                                           ``VCPUs``
=====================================================  ==================  ==============================

Classification (CCF.md §8.3 where right, with these fixes):

* **Pack sizes**: ``10 Hours`` means quantity counts packs of 10 hours; hours
  = quantity x 10 (CCF uses the quantity as is).
* **Virtual machines**: vCPU-hours = hours x vCPU of the VM size
  (``AdditionalInfo.ServiceType``, else the meter name), GPU VMs add GPU-hours.
  CCF defaults unknown sizes to 1 vCPU; carbonlab uses ``AdditionalInfo.VCPUs``
  or leaves the line unattributed.
* **Managed disks** (``1/Month`` of a P/E/S tier): GB-months = disk-months x
  the tier's size; CCF ignores the quantity and counts one disk-day per row.
* **GB/Month**: GB-months, converted with the real days of the month; CCF
  reads a daily row's GB/Month quantity as GB-days.
* ``GB Second`` and ``GB Hour`` meters are memory; outbound data transfer is
  network (not "To Any", as in CCF); Azure Cache for Redis instance hours are
  memory of the tier's size (CCF's table).

References
----------
Microsoft, "Enterprise Agreement cost and usage details file schema" and
"Microsoft Customer Agreement cost and usage details file schema",
https://learn.microsoft.com/azure/cost-management-billing/dataset-schema/, accessed 2026-11-22;
Microsoft, "Azure managed disk types" (disk sizes per tier),
https://learn.microsoft.com/azure/virtual-machines/disks-types, accessed 2026-11-22.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from carbonlab.io import classify, tabular

#: carbonlab field -> Azure column aliases (matched case-insensitively, first present wins).
VARIABLE_MAP = {
    "date": ("Date", "UsageDateTime", "UsageDate"),
    "account": ("SubscriptionId", "SubscriptionGuid"),
    "region": ("ResourceLocation", "ResourceLocationNormalized", "Location", "MeterRegion"),
    "category": ("MeterCategory",),
    "subcategory": ("MeterSubCategory", "MeterSubcategory"),
    "meter": ("MeterName",),
    "unit": ("UnitOfMeasure",),
    "quantity": ("Quantity", "UsageQuantity", "ConsumedQuantity"),
    "cost": ("CostInBillingCurrency", "Cost", "PreTaxCost", "CostInUsd"),
    "charge_type": ("ChargeType",),
    "additional_info": ("AdditionalInfo",),
}
REQUIRED = ("date", "region", "category", "meter", "unit", "quantity", "cost")

#: Disk size of each managed-disk tier (Premium P, Standard SSD E, Standard HDD S). [GiB, as Azure states]
DISK_TIER_GB = {**{f"P{k}": v for k, v in {1: 4, 2: 8, 3: 16, 4: 32, 6: 64, 10: 128, 15: 256, 20: 512,
                                           30: 1024, 40: 2048, 50: 4096, 60: 8192, 70: 16384, 80: 32767}.items()},
                **{f"E{k}": v for k, v in {1: 4, 2: 8, 3: 16, 4: 32, 6: 64, 10: 128, 15: 256, 20: 512,
                                           30: 1024, 40: 2048, 50: 4096, 60: 8192, 70: 16384, 80: 32767}.items()},
                **{f"S{k}": v for k, v in {4: 32, 6: 64, 10: 128, 15: 256, 20: 512, 30: 1024, 40: 2048,
                                           50: 4096, 60: 8192, 70: 16384, 80: 32767}.items()}}
#: Memory of Azure Cache for Redis tiers (CCF ``CACHE_MEMORY_GB``, ``ConsumptionTypes.ts``). [GB]
CACHE_MEMORY_GB = {"C0": 0.25, "C1": 1, "C2": 2.5, "C3": 6, "C4": 13, "C5": 26, "C6": 53,
                   "P1": 6, "P2": 13, "P3": 26, "P4": 53, "P5": 120}

_UNSUPPORTED = re.compile(r"Rulesets|\bRules\b|Policies|Kafka Surcharge|License", re.I)
_NO_MODEL_SERVICES = re.compile(r"^(?:Azure Bastion|Bastion|Load Balancer|VPN Gateway|Azure Front Door Service|"
                                r"Front Door|Azure Data Factory v2|API Management|Advanced Data Security|"
                                r"Virtual Machines Licenses|Azure DNS|Key Vault)$", re.I)
_NO_MODEL_METERS = re.compile(r"Server - Free|Requests?\b|Custom Domain|Uptime SLA|Operations|Transactions",
                              re.I)
_TIER = re.compile(r"\b([PES]\d{1,2})\b")
_CACHE = re.compile(r"\b([CP]\d)\b.*Cache", re.I)


def _size_from_meter(meter: pd.Series) -> pd.Series:
    """ARM VM size from a meter name: ``D2 v3/D2s v3`` -> ``Standard_D2_v3`` (first size of the meter)."""
    first = meter.fillna("").astype(str).str.split("/").str[0].str.strip()
    first = first.str.replace(r"\s+(?:Low Priority|Spot)$", "", regex=True)
    return ("Standard_" + first.str.replace(" ", "_")).where(first != "", None)


def azure_rules(keys: pd.DataFrame) -> pd.DataFrame:
    """Classes of distinct Azure cost-details keys.

    Parameters
    ----------
    keys : pandas.DataFrame
        Columns ``charge_type``, ``category``, ``subcategory``, ``meter``,
        ``unit``, ``vm_size``, ``vcpus``.

    Returns
    -------
    pandas.DataFrame
        A class table (:data:`carbonlab.io.classify.CLASS_COLUMNS`).
    """
    cls = classify.class_table(len(keys), keys.index)
    cat = keys["category"].fillna("").astype(str)
    meter = keys["meter"].fillna("").astype(str)
    text = (keys["subcategory"].fillna("").astype(str) + " " + meter).str.strip()
    pack, base = classify.parse_pack(keys["unit"])
    base = base.str.lower().str.replace(r"\s+", " ", regex=True).str.strip()
    charge = keys["charge_type"].fillna("Usage").astype(str).replace("", "Usage")
    cls["unit"] = keys["unit"]
    usage = (charge.str.lower() == "usage").to_numpy()
    cls.loc[~usage, "note"] = "not usage (" + charge[~usage] + ")"
    unsupported = meter.str.contains(_UNSUPPORTED).to_numpy()
    cls.loc[usage & unsupported, "note"] = "excluded: licence or rules charge, no hardware (CCF skips it)"
    live = usage & ~unsupported
    no_model = (cat.str.contains(_NO_MODEL_SERVICES) | meter.str.contains(_NO_MODEL_METERS)).to_numpy()
    cls.loc[live & no_model, "note"] = "no physical model for this usage type"
    live &= ~no_model

    hours = base.isin(["hour", "hours"]).to_numpy()
    vm = (cat == "Virtual Machines").to_numpy()
    size = keys["vm_size"].where(keys["vm_size"].notna(), _size_from_meter(meter).where(vm, None))
    attrs = classify.instance_attributes(pd.Series("azure", index=keys.index), size)
    known = attrs["known"].to_numpy()
    vcpus = np.where(known, attrs["vcpu"].to_numpy(),
                     pd.to_numeric(keys["vcpus"], errors="coerce").to_numpy(dtype=float))
    m = live & hours & (vm | keys["vm_size"].notna().to_numpy()) & np.isfinite(vcpus) & (vcpus > 0)
    cls.loc[m, "kind"] = "compute"
    cls.loc[m, "unit"] = "vCPU-h"
    cls.loc[m, "factor"] = pack[m] * vcpus[m]
    cls.loc[m, "instance_type"] = size[m]
    cls.loc[m, "utilization"] = attrs["burstable_baseline"].to_numpy()[m]
    cls.loc[m, "gpu_factor"] = pack[m] * attrs["gpu_count"].to_numpy()[m]
    rest = live & hours & ~m
    vcore = meter.str.contains(r"\bvCore\b", case=False).to_numpy()
    cache = meter.str.extract(_CACHE)[0].str.upper().map(CACHE_MEMORY_GB).to_numpy(dtype=float)
    v = rest & vcore
    cls.loc[v, "kind"] = "compute"
    cls.loc[v, "unit"] = "vCPU-h"
    cls.loc[v, "factor"] = pack[v]
    c = rest & ~vcore & np.isfinite(cache)
    cls.loc[c, "kind"] = "memory"
    cls.loc[c, "unit"] = "GB-h"
    cls.loc[c, "factor"] = pack[c] * cache[c]
    cls.loc[rest & ~vcore & ~np.isfinite(cache) & vm, "note"] = "hours of a VM size not in the instance table"
    cls.loc[rest & ~vcore & ~np.isfinite(cache) & ~vm, "note"] = "hours of a service without a vCPU count"

    month = base.str.contains(r"^(?:gb|tb|gib)?\s*/\s*month$|^(?:gb|tb)[- ]month", regex=True).to_numpy()
    per_gb = base.str.startswith(("gb", "gib")).to_numpy()
    per_tb = base.str.startswith("tb").to_numpy()
    tier_gb = text.str.extract(_TIER)[0].map(DISK_TIER_GB).to_numpy(dtype=float)
    m = live & month
    g = m & per_gb
    cls.loc[g, "kind"] = "storage"
    cls.loc[g, "unit"] = "GB-Mo"
    cls.loc[g, "factor"] = pack[g]
    tb = m & per_tb
    cls.loc[tb, "kind"] = "storage"
    cls.loc[tb, "unit"] = "GB-Mo"
    cls.loc[tb, "factor"] = pack[tb] * 1000.0
    d = m & ~per_gb & ~per_tb & np.isfinite(tier_gb)
    cls.loc[d, "kind"] = "storage"
    cls.loc[d, "unit"] = "GB-Mo"
    # tiers are sized in GiB (Azure's "GiB" disk sizes); GB-months in decimal GB
    cls.loc[d, "factor"] = pack[d] * tier_gb[d] * 1.073741824
    cls.loc[m & ~per_gb & ~per_tb & ~np.isfinite(tier_gb), "note"] = "monthly units without a capacity"
    storage = (cls["kind"] == "storage").to_numpy()
    sc, guessed = classify.storage_class(text, cat)
    cls.loc[storage, "storage_class"] = sc[storage]
    cls.loc[storage, "storage_class_guessed"] = guessed[storage]

    data = base.isin(["gb", "tb", "gib"]).to_numpy()
    net = classify.is_network(text) & ~text.str.contains("To Any", case=False).to_numpy()
    m = live & data & net
    cls.loc[m, "kind"] = "network"
    cls.loc[m, "unit"] = "GB"
    cls.loc[m, "factor"] = pack[m] * np.where(base[m] == "tb", 1000.0, np.where(base[m] == "gib", 1.073741824,
                                                                                   1.0))
    cls.loc[live & data & ~net, "note"] = "data volume that is not transfer out of a data centre"
    sec = base.str.contains(r"^gb[- ]?seconds?$", regex=True).to_numpy()
    hr = base.str.contains(r"^gb[- ]?hours?$", regex=True).to_numpy()
    for mask, unit in ((live & sec, "GB-s"), (live & hr, "GB-h")):
        cls.loc[mask, "kind"] = "memory"
        cls.loc[mask, "unit"] = unit
        cls.loc[mask, "factor"] = pack[mask]
    done = hours | month | data | sec | hr
    cls.loc[live & ~done, "note"] = "unit not modelled: " + keys["unit"].fillna("none").astype(str)[live & ~done]
    cls["replication"] = classify.replication_factor(pd.Series("azure", index=keys.index), cat, meter)
    unknown = (cls["kind"] == "unknown").to_numpy()
    cls.loc[unknown, "unit"] = keys["unit"][unknown]
    cls.loc[unknown, "factor"] = 1.0
    cls.loc[unknown & (cls["note"] == "").to_numpy(), "note"] = "no physical model for this usage type"
    return cls


def _resolve(columns) -> dict[str, str]:
    lower = {c.lower(): c for c in columns}
    out = {}
    for key, aliases in VARIABLE_MAP.items():
        for a in aliases:
            if a.lower() in lower:
                out[key] = lower[a.lower()]
                break
    return out


def column_set(columns) -> str:
    """``mca`` (camelCase MCA columns such as ``billingProfileId``) or ``ea`` (EA and legacy)."""
    cols = set(columns)
    return "mca" if cols & {"billingProfileId", "costInBillingCurrency", "meterCategory", "invoiceId"} else "ea"


def _additional_info(column) -> tuple[pa.Array, pa.Array]:
    """VM size (``ServiceType``) and ``VCPUs`` from the AdditionalInfo JSON of each row."""
    c, cats = tabular.codes(column)
    sizes, vcpus = [], []
    for text in cats:
        try:
            info = json.loads(text)
        except (ValueError, TypeError):
            info = None
        info = info if isinstance(info, dict) else {}
        size = info.get("ServiceType")
        sizes.append(size if isinstance(size, str) and size.lower().startswith(("standard_", "basic_")) else None)
        v = info.get("VCPUs")
        vcpus.append(None if v is None else str(v))
    sizes.append(None)
    vcpus.append(None)
    return pa.array(np.asarray(sizes, dtype=object)[c], pa.string()), pa.array(np.asarray(vcpus, dtype=object)[c],
                                                                               pa.string())


class _AzureReader:
    DAY_NS = 86_400_000_000_000

    def __init__(self, path, *, lenient: bool):
        self.path = Path(path)
        self.name = self.path.name
        self.lenient = lenient
        columns = tabular.column_names(self.path)
        self.cols = _resolve(columns)
        self.column_set = column_set(columns)
        missing = [k for k in REQUIRED if k not in self.cols]
        if missing:
            raise ValueError(f"{self.name}: not an Azure cost details export, missing column(s) "
                             f"{[VARIABLE_MAP[k][0] for k in missing]}")
        self.keys = classify.KeyTable(azure_rules, ["charge_type", "category", "subcategory", "meter", "unit",
                                                    "vm_size", "vcpus"])

    def _col(self, t: pa.Table, key: str):
        c = self.cols.get(key)
        return t.column(c) if c is not None and c in t.column_names else pa.nulls(t.num_rows, pa.string())

    def chunks(self, batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
        first = 1
        for t, _ in tabular.iter_tables(self.path, list(self.cols.values()), batch_rows=batch_rows, prefetch=False):
            yield self._chunk(t, first)
            first += t.num_rows

    def _chunk(self, t: pa.Table, first: int) -> pd.DataFrame:
        args = dict(name=self.name, first_row=first, lenient=self.lenient)
        start, bad_d = tabular.times(self._col(t, "date"), column_name=self.cols["date"], **args)
        start = np.where(start == tabular.NAT, tabular.NAT, start - start % self.DAY_NS)
        end = np.where(start == tabular.NAT, tabular.NAT, start + self.DAY_NS)
        qty, bad_q = tabular.numbers(self._col(t, "quantity"), column_name=self.cols["quantity"], **args)
        cost, bad_c = tabular.numbers(self._col(t, "cost"), column_name=self.cols["cost"], **args)
        size, vcpus = _additional_info(self._col(t, "additional_info"))
        unit = tabular.codes(self._col(t, "unit"))
        coded = [tabular.codes(self._col(t, "charge_type")), tabular.codes(self._col(t, "category")),
                 tabular.codes(self._col(t, "subcategory")), tabular.codes(self._col(t, "meter")), unit,
                 tabular.codes(size), tabular.codes(vcpus)]
        key = self.keys.lookup(coded)
        rc, ru = tabular.codes(self._col(t, "region"))
        region = tabular._unique_categories(rc, classify.normalise_azure_region(pd.Series(ru, dtype=object))
                                            .to_numpy(dtype=object))
        bad = bad_d | bad_q | bad_c
        return classify.usage_chunk(self.keys.classes, key, start_ns=start, end_ns=end, quantity=qty, cost=cost,
                                    provider="azure", region=region, service=coded[1],
                                    account=tabular.codes(self._col(t, "account")), source_file=self.name,
                                    first_row=first, bad=bad if bad.any() else None, raw_unit=unit)


def iter_azure_costs(path, *, lenient: bool = False,
                     batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """Read an Azure cost details export in batches; yields UsageTable chunks."""
    yield from tabular.prefetched(_AzureReader(path, lenient=lenient).chunks(batch_rows))


def read_azure_costs(path, *, lenient: bool = False) -> pd.DataFrame:
    """Read an Azure cost and usage details export (EA/legacy or MCA column set) into a UsageTable.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` or ``.csv.gz`` (a ``.parquet`` with the same columns also works).
    lenient : bool, default False
        Rows with a value that cannot be parsed become ``unknown`` rows with
        the note ``unparseable value (lenient)`` instead of raising.

    Returns
    -------
    pandas.DataFrame
        A UsageTable of daily records; ``attrs["source_format"]`` is
        ``azure_costs_ea`` or ``azure_costs_mca``.

    Raises
    ------
    ValueError
        Missing columns (named) or, unless ``lenient``, a value that cannot be
        parsed (file, row and column named).
    """
    reader = _AzureReader(path, lenient=lenient)
    return classify.concat_chunks(list(reader.chunks()), reader.name, f"azure_costs_{reader.column_set}")
