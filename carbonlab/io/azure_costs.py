"""Azure cost and usage details exports (CSV; EA, MCA, pay-as-you-go, Consumption API records, localised headers).

Column names are matched case-insensitively against the aliases below (first
present wins); a header that matches no alias is matched by the English name
it carries in parentheses (localised files), or by the last part of a dotted
name (JSON records, ``properties.meterDetails.meterCategory``).  The column
set read is reported as ``ea`` (PascalCase EA and pay-as-you-go names, older
EA files with ``SubscriptionGuid``, ``UsageDateTime``, ``UsageQuantity`` and
``PreTaxCost``), ``mca`` (camelCase MCA names such as ``billingProfileId``)
or ``legacy`` (the camelCase property names of the Consumption API's
``legacy`` usage-detail records, recognised by a ``cost`` or ``preTaxCost``
column or by the absence of a unit column) [MIG]_.

=====================================================  ==================  ==============================
Azure column (first present)                           carbonlab column    notes
=====================================================  ==================  ==============================
Date, UsageDateTime, date                              start, end          daily rows: [date, date + 1 day)
SubscriptionId, SubscriptionGuid                       account
ResourceLocation, ResourceLocationNormalized,          region              ``West Europe`` / ``EU West``
location, MeterRegion                                                      -> ``westeurope``
MeterCategory                                          service             e.g. ``Virtual Machines``
MeterSubCategory, MeterName                            (classification)    e.g. ``D2 v3/D2s v3``, ``P10 LRS Disk``
UnitOfMeasure                                          unit                pack size multiplied in; may be
                                                                           absent or empty, see below
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

Real exports (issue "Real exports", class 6)
--------------------------------------------
**Files without a unit column.**  Every file schema Microsoft documents has a
unit column (EA 2019-07-02-preview to 2024-08-01 [EA]_, MCA 2019-10-01 to
2023-12-01-preview [MCA]_, pay-as-you-go 2019-11-01 [PAYG]_).  Files without
one come from the Consumption Usage Details API: its ``legacy`` records hold
the unit, meter category and meter name only in ``meterDetails``, which the
API leaves null unless asked for with ``$expand=meterDetails`` [API]_, so a
script that writes the records out (or writes a chosen subset of columns)
gives camelCase columns ``date``, ``meterCategory``, ``meterName``,
``quantity``, ``effectivePrice``, ``cost``, ``unitPrice``,
``resourceLocation``, ``consumedService``, ``subscriptionId``,
``additionalInfo``... without ``unitOfMeasure``.  Red Hat's Koku reads such
files: its ``azure_camelCased.csv`` has the pay-as-you-go columns in camelCase
(``subscriptionGuid``, ``usageDateTime``, ``quantity``, ``preTaxCost``...)
and no unit [KOKU]_.  Rule: the unit column may be missing only when the meter
category column has this camelCase name (``meterCategory``); a file with
PascalCase or localised names and no ``UnitOfMeasure`` has lost a column that
its schema has, and is rejected with the missing column named.

**Rows without a unit** (the column is missing, or the cell is empty, as in
the pay-as-you-go file of [KOKU]_ whose ``UnitOfMeasure`` cells are all
empty), in this order:

1. *Same meter, other rows*: a meter has one unit of measure (it is a
   property of the meter in the price sheet and in ``meterDetails``
   [API]_), so when other rows of the file with the same meter category,
   subcategory and name all carry one unit, that unit is used (note ``unit
   of measure from other rows of the same meter: <unit>``).  Not a guess;
   meters with two different units in the file are not filled.  The reader
   finds them with one extra pass over the meter and unit columns, made only
   when a file has empty unit cells.
2. *From the meter name* (:data:`carbonlab.io._azure_units.UNIT_INFERENCE`): a meter name ending in
   ``Data Transfer Out (GB)`` is billed in GB (the name says so; Microsoft's
   own record for that meter has unit ``GB`` [API]_): never a guess.  A
   ``Bandwidth`` meter ending in ``Data Transfer Out`` (or ``Data Transfer
   Out - Free``, the free allowance) is taken as ``1 GB`` and a ``Storage``
   managed-disk tier meter (``P10 LRS Disk``, ``E4 ZRS Disk``, ``S10
   Disks``) as ``1/Month`` (disks are priced per month, prorated hourly
   [DISKS]_): a guess every time (Azure has priced other meters in packs
   such as ``100 GB`` [EAPRICE]_), marked in the row's note ``unit inferred
   from the meter name (no unit of measure): <unit>``.
3. Otherwise the row is unattributed with its quantity and cost and the
   reason ``no unit of measure``.  Virtual machine, App Service, SQL vCore
   and Redis meters are *not* inferred although they are hours: Azure bills
   hours in packs of 1, 10, 100 or 1000 hours (the EA price sheet prices
   ``A1 VM`` per ``100 Hours`` [EAPRICE]_; CCF's Azure reader lists 10, 100
   and 1000 Hours, CCF.md §1.4), so a quantity without its unit can be 1, 10
   or 100 times the hours.  Their reason says so: ``no unit of measure
   (hours billed in packs of 1, 10 or 100 hours)``.  Functions
   ``GB Seconds`` meters are not inferred either (``1 GB Second`` and
   ``50000 GB Seconds`` both exist).

**Localised headers.**  Portal downloads in other languages name a column in
the language and add the English name in parentheses, e.g. ``Kategorie der
Verbrauchseinheit (MeterCategory)``, ``Maßeinheit (UnitOfMeasure)`` (a German
EA file's header in [KC1526]_; OpenCost matches such headers by the name in
parentheses [OC]_).  Their *values* are not localised: OpenCost's German
sample has ``2021-02-02`` dates and ``0.025`` decimals and is parsed with
Go's invariant ``strconv.ParseFloat`` [OC]_, and Azure writes US
``MM/DD/YYYY`` dates whatever the language (a user asks for ISO dates in
[PS20185]_).  So values are read with the same rules as English files
(:mod:`carbonlab.io.tabular`): a day.month.year date (``31.01.2025``), a
day/month/year date with a day above 12, or a decimal comma (``"1,5"``) --
what a spreadsheet writes when it re-saves the file with local settings --
is rejected with one line naming the file, row and column and saying what
the value looks like, also with ``lenient=True`` (the format belongs to the
column, whose other values -- ``05.01.2025``, ``1.234`` -- cannot be
trusted); a file separated by ``;`` (a spreadsheet's local list
separator) is rejected at its header.  Not caught: a re-saved file whose
every date has a day of 12 or less (read as month/day) and integers with a
thousands point (``1.234``); dates of a whole month always include days
above 12.

References
----------
.. [EA] Microsoft, "Enterprise Agreement cost and usage details file schema" (and the
   versions 2019-07-02-preview to 2023-12-01 linked from the "dataset schema index"),
   https://learn.microsoft.com/azure/cost-management-billing/dataset-schema/cost-usage-details-ea,
   accessed 2026-12-02.
.. [MCA] Microsoft, "Microsoft Customer Agreement cost and usage details file schema",
   https://learn.microsoft.com/azure/cost-management-billing/dataset-schema/cost-usage-details-mca,
   accessed 2026-12-02.
.. [PAYG] Microsoft, "Pay-as-you-go cost and usage details file schema" (version 2019-11-01),
   https://learn.microsoft.com/azure/cost-management-billing/dataset-schema/cost-usage-details-pay-as-you-go,
   accessed 2026-12-02.
.. [MIG] Microsoft, "Migrate from Consumption Usage Details API" (legacy property names and their
   file names: ``cost`` -> ``CostInBillingCurrency``, ``date`` -> ``Date``, ...),
   https://learn.microsoft.com/azure/cost-management-billing/automate/migrate-consumption-usage-details-api,
   accessed 2026-12-02.
.. [API] Azure REST API specifications, Microsoft.Consumption 2023-05-01 examples
   ``UsageDetailsList.json`` (a ``legacy`` record with ``"meterDetails": null``) and
   ``UsageDetailsExpand.json`` (``$expand=meterDetails``: meter ``Data Transfer Out (GB)``,
   unit ``GB``), https://github.com/Azure/azure-rest-api-specs/tree/main/specification/consumption/
   resource-manager/Microsoft.Consumption/stable/2023-05-01/examples, accessed 2026-12-02.
.. [EAPRICE] Microsoft, "Reporting APIs for Enterprise customers - Price Sheet" (2017-04-25; meter
   ``A1 VM`` at ``100 Hours``, snapshots at ``100 GB``), azure-docs
   ``articles/billing/billing-enterprise-api-pricesheet.md`` (the API is retired; the page survives in
   the azure-docs history and its translations, e.g. github.com/changeworld/azure-docs.ja-jp),
   accessed 2026-12-02.
.. [DISKS] Microsoft, "Azure managed disk types", section Billing ("billing for any provisioned disk is
   prorated hourly by using the monthly price"; disk sizes per tier),
   https://learn.microsoft.com/azure/virtual-machines/disks-types, accessed 2026-12-02.
.. [KOKU] project-koku/koku, ``koku/masu/test/data/azure/azure_camelCased.csv`` (camelCase, no unit
   column) and ``costreport_a243c6f2-199f-4074-9a2c-40e671cf1584.csv`` (pay-as-you-go 2019-11-01 columns,
   empty ``UnitOfMeasure``), commit 768be82, https://github.com/project-koku/koku, accessed 2026-12-02.
.. [KC1526] kubecost/kubecost issue 1526, "Azure cost export changed format & missing pricing data"
   (2022-07-07), https://github.com/kubecost/kubecost/issues/1526, accessed 2026-12-02.
.. [OC] OpenCost, ``pkg/cloud/azure/billingexportparser.go`` (``getParenContentRegEx``) and
   ``pkg/cloud/azure/resources/billingexports/headersets/German.csv``,
   https://github.com/opencost/opencost, accessed 2026-12-02.
.. [PS20185] Azure/azure-powershell issue 20185, "New-AzCostManagementExport using unambiguous
   ISO 8601 dates" (2022-11-19), https://github.com/Azure/azure-powershell/issues/20185,
   accessed 2026-12-02.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from carbonlab.core import units
from carbonlab.io import _azure_units, _chunks, _providers, classify, tabular

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
    "currency": ("BillingCurrency", "BillingCurrencyCode", "Currency", "CurrencyCode"),
}
#: Fields a file must have (``unit`` may be absent from camelCase files, see the module docstring).
REQUIRED = ("date", "region", "category", "meter", "unit", "quantity", "cost")

#: Memory of Azure Cache for Redis tiers (CCF ``CACHE_MEMORY_GB``, ``ConsumptionTypes.ts``). [GB]
CACHE_MEMORY_GB = {"C0": 0.25, "C1": 1, "C2": 2.5, "C3": 6, "C4": 13, "C5": 26, "C6": 53,
                   "P1": 6, "P2": 13, "P3": 26, "P4": 53, "P5": 120}

_UNSUPPORTED = re.compile(r"Rulesets|\bRules\b|Policies|Kafka Surcharge|License", re.I)
_NO_MODEL_SERVICES = re.compile(r"^(?:Azure Bastion|Bastion|Load Balancer|VPN Gateway|Azure Front Door Service|"
                                r"Front Door|Azure Data Factory v2|API Management|Advanced Data Security|"
                                r"Virtual Machines Licenses|Azure DNS|Key Vault)$", re.I)
_NO_MODEL_METERS = re.compile(r"Server - Free|Requests?\b|Custom Domain|Uptime SLA|Operations|Transactions",
                              re.I)
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
        ``unit``, ``vm_size``, ``vcpus``, and optionally ``unit_from``
        (``"meter"`` where the reader took the unit from other rows of the
        same meter).  A missing unit is inferred from the meter where
        :data:`carbonlab.io._azure_units.UNIT_INFERENCE` allows it; otherwise a
        usage row without unit is unattributed (``no unit of measure``).

    Returns
    -------
    pandas.DataFrame
        A class table (:data:`carbonlab.io._chunks.CLASS_COLUMNS`).

    Examples
    --------
    >>> keys = pd.DataFrame({"charge_type": ["Usage"] * 3, "category": ["Storage", "Virtual Machines", "Bandwidth"],
    ...                      "subcategory": [None] * 3, "meter": ["P10 LRS Disk", "D2s v3", "Data Transfer Out (GB)"],
    ...                      "unit": [None] * 3, "vm_size": [None] * 3, "vcpus": [None] * 3})
    >>> cls = azure_rules(keys)
    >>> cls["kind"].tolist(), cls["unit"].tolist()[::2]
    (['storage', 'unknown', 'network'], ['GB-Mo', 'GB'])
    >>> for note in cls["note"]:
    ...     print(note)
    unit inferred from the meter name (no unit of measure): 1/Month
    no unit of measure (hours billed in packs of 1, 10 or 100 hours)
    unit from the meter name: 1 GB
    """
    cls = _chunks.class_table(len(keys), keys.index)
    cat = keys["category"].fillna("").astype(str)
    meter = keys["meter"].fillna("").astype(str)
    text = (keys["subcategory"].fillna("").astype(str) + " " + meter).str.strip()
    given = keys["unit"].where(keys["unit"].fillna("").astype(str).str.strip() != "", None)
    missing = given.isna().to_numpy()
    from_meter, certain = _azure_units.infer_unit(cat, meter)
    inferred = missing & from_meter.notna().to_numpy()
    unit_of = given.where(~missing, from_meter)
    pack, base = classify.parse_pack(unit_of)
    base = base.str.lower().str.replace(r"\s+", " ", regex=True).str.strip()
    cls["unit"] = unit_of
    live = _usage_lines(cls, keys["charge_type"], cat, meter, text, unit_of, pack)
    hours = base.isin(["hour", "hours"]).to_numpy()
    vm = _virtual_machines(cls, live & hours, keys, cat, meter, pack)
    _other_hours(cls, live & hours & ~vm, meter, text, pack, (cat == "Virtual Machines").to_numpy())
    secs = base.isin(["second", "seconds"]).to_numpy()
    _durations(cls, live & (hours | secs), text, pack, secs)
    month = _months(cls, live, base, text, pack)
    classify.set_storage_class(cls, text, cat)
    data = base.isin(["gb", "tb", "gib"]).to_numpy()
    _data(cls, live & data, base, text, pack)
    gb_time = _memory_time(cls, live, base, pack)
    done = hours | month | data | gb_time
    _chunks.assign(cls, live & ~done, note="unit not modelled: " + unit_of.fillna("none").astype(str))
    cls["replication"] = classify.replication_factor(pd.Series("azure", index=keys.index), cat, meter)
    _azure_units.unit_notes(cls, keys, no_unit=live & missing & ~inferred, inferred=inferred, certain=certain,
                            from_meter=from_meter, unit_of=unit_of)
    return _chunks.finish(cls, unit_of, note="no physical model for this usage type")


def _usage_lines(cls, charge_type, cat, meter, text, unit_of, pack) -> np.ndarray:
    """Usage lines that are no licence or rule charge, have a physical model, no note of the shared rules
    (:func:`carbonlab.io.classify.line_notes`) and a pack size above 0; the others get their note."""
    charge = charge_type.fillna("Usage").astype(str).replace("", "Usage")
    usage = (charge.str.lower() == "usage").to_numpy()
    _chunks.assign(cls, ~usage, note="not usage (" + charge + ")")
    unsupported = meter.str.contains(_UNSUPPORTED).to_numpy()
    _chunks.assign(cls, usage & unsupported, note="excluded: licence or rules charge, no hardware (CCF skips it)")
    live = usage & ~unsupported
    no_model = (cat.str.contains(_NO_MODEL_SERVICES) | meter.str.contains(_NO_MODEL_METERS)).to_numpy()
    _chunks.assign(cls, live & no_model, note="no physical model for this usage type")
    live &= ~no_model
    notes = classify.line_notes(text, cat, unit_of)     # the rules every reader shares (IPs, operations, ...)
    _chunks.assign(cls, live & (notes != ""), note=notes)
    live &= notes == ""
    # a pack of 0 ("0 Hours") would make every quantity zero: the unit is broken, not the usage
    empty_pack = live & ~(pack > 0)
    _chunks.assign(cls, empty_pack, note="unit of measure with a pack size of 0 or less: "
                                         + unit_of.fillna("").astype(str))
    return live & ~empty_pack


def _virtual_machines(cls, hours, keys, cat, meter, pack) -> np.ndarray:
    """VM hours: vCPU-hours of the VM size (AdditionalInfo, else the meter name), GPU-hours; the keys placed."""
    vm = (cat == "Virtual Machines").to_numpy()
    size = keys["vm_size"].where(keys["vm_size"].notna(), _size_from_meter(meter).where(vm, None))
    attrs = classify.instance_attributes(pd.Series("azure", index=keys.index), size)
    vcpus = np.where(attrs["known"].to_numpy(), attrs["vcpu"].to_numpy(),
                     pd.to_numeric(keys["vcpus"], errors="coerce").to_numpy(dtype=float))
    m = hours & (vm | keys["vm_size"].notna().to_numpy()) & np.isfinite(vcpus) & (vcpus > 0)
    _chunks.assign(cls, m, kind="compute", unit="vCPU-h", factor=pack * vcpus, instance_type=size,
                   utilization=attrs["burstable_baseline"].to_numpy(), gpu_factor=pack * attrs["gpu_count"].to_numpy())
    return m


def _other_hours(cls, rest, meter, text, pack, vm) -> None:
    """Hours that are no VM size: vCore-hours (``4 vCore``: four vCPU-hours per hour, one rule with FOCUS),
    Redis cache hours as memory of the tier's size; else a note."""
    cores = classify.vcores(text)
    vcore = np.isfinite(cores)
    cache = meter.str.extract(_CACHE)[0].str.upper().map(CACHE_MEMORY_GB).to_numpy(dtype=float)
    _chunks.assign(cls, rest & vcore, kind="compute", unit="vCPU-h", factor=pack * cores)
    c = rest & ~vcore & np.isfinite(cache)
    _chunks.assign(cls, c, kind="memory", unit="GB-h", factor=pack * cache)
    other = rest & ~vcore & ~np.isfinite(cache)
    _chunks.assign(cls, other & vm, note="hours of a VM size not in the instance table")
    _chunks.assign(cls, other & ~vm, note="hours of a service without a vCPU count")


def _durations(cls, duration, text, pack, secs) -> None:
    """Container Instances' vCPU and memory durations (hours or seconds of one vCPU / one GB), one rule with
    FOCUS."""
    for pattern, kind, unit in ((classify.VCPU_DURATION, "compute", "vCPU"),
                                (classify.MEMORY_DURATION, "memory", "GB")):
        d = duration & text.str.contains(pattern).to_numpy()
        _chunks.assign(cls, d, kind=kind, unit=np.where(secs, f"{unit}-s", f"{unit}-h"), factor=pack, note="")


def _months(cls, live, base, text, pack) -> np.ndarray:
    """GB- and TB-months, and managed-disk months of the meter's tier (sized in GiB), as storage GB-months."""
    month = base.str.contains(r"^(?:gb|tb|gib)?\s*/\s*month$|^(?:gb|tb)[- ]month", regex=True).to_numpy()
    per_gb = base.str.startswith(("gb", "gib")).to_numpy()
    per_tb = base.str.startswith("tb").to_numpy()
    tier_gb = classify.disk_tier_gb(text)
    m = live & month
    _chunks.assign(cls, m & per_gb, kind="storage", unit="GB-Mo", factor=pack)
    _chunks.assign(cls, m & per_tb, kind="storage", unit="GB-Mo", factor=pack * units.KILO)
    d = m & ~per_gb & ~per_tb
    _chunks.assign(cls, d & np.isfinite(tier_gb), kind="storage", unit="GB-Mo",
                   factor=pack * tier_gb * units.GB_PER_GIB)
    _chunks.assign(cls, d & ~np.isfinite(tier_gb), note="monthly units without a capacity")
    return month


def _data(cls, data, base, text, pack) -> None:
    """GB, TB or GiB moved: network when it leaves a data centre (not "To Any", as in CCF)."""
    net = classify.is_network(text) & ~text.str.contains("To Any", case=False).to_numpy()
    gb = np.where(base == "tb", units.KILO, np.where(base == "gib", units.GB_PER_GIB, 1.0))
    _chunks.assign(cls, data & net, kind="network", unit="GB", factor=pack * gb)
    _chunks.assign(cls, data & ~net, note="data volume that is not transfer out of a data centre")


def _memory_time(cls, live, base, pack) -> np.ndarray:
    """GB-seconds and GB-hours: memory (Functions, App Service)."""
    sec = base.str.contains(r"^gb[- ]?seconds?$", regex=True).to_numpy()
    hr = base.str.contains(r"^gb[- ]?hours?$", regex=True).to_numpy()
    for mask, unit in ((live & sec, "GB-s"), (live & hr, "GB-h")):
        _chunks.assign(cls, mask, kind="memory", unit=unit, factor=pack)
    return sec | hr


_ENGLISH_IN_PARENS = re.compile(r"\(([^()]+)\)\s*$")


def english_name(column: str) -> str:
    """The name a header stands for: the English name in parentheses of a localised header
    (``Menge (Quantity)`` -> ``Quantity``), the last part of a dotted JSON name
    (``properties.meterDetails.meterCategory`` -> ``meterCategory``), else the header itself."""
    m = _ENGLISH_IN_PARENS.search(column)
    if m:
        return m.group(1).strip()
    return column.rsplit(".", 1)[-1] if "." in column else column


def _resolve(columns) -> dict[str, str]:
    """carbonlab field -> the file's column: exact aliases first (case-insensitive), then by English name."""
    columns = [str(c) for c in columns]
    exact = {c.lower(): c for c in reversed(columns)}
    english: dict[str, str] = {}
    for c in reversed(columns):
        english[english_name(c).lower()] = c
    out = {}
    for key, aliases in VARIABLE_MAP.items():
        for table in (exact, english):
            hit = next((table[a.lower()] for a in aliases if a.lower() in table), None)
            if hit is not None:
                out[key] = hit
                break
    return out


def _camel_case(column: str | None) -> bool:
    """True for the Consumption API's / MCA's camelCase name ``meterCategory`` (not ``MeterCategory``)."""
    return column is not None and english_name(column) == "meterCategory"


def _missing(columns) -> list[str]:
    """Required fields the columns lack (``unit`` may lack from camelCase files)."""
    cols = _resolve(columns)
    optional = {"unit"} if _camel_case(cols.get("category")) else set()
    return [k for k in REQUIRED if k not in cols and k not in optional]


def _semicolon_header(columns) -> bool:
    return len(columns) == 1 and str(columns[0]).count(";") >= 2


def looks_like_azure(columns) -> bool:
    """True if the column names are a set :func:`read_azure_costs` reads.

    EA, MCA and pay-as-you-go names, the Consumption API's camelCase
    ``legacy`` names with or without a unit column, localised headers with
    the English name in parentheses, and dotted JSON record names.

    Examples
    --------
    >>> looks_like_azure(["Date", "MeterCategory", "MeterName", "UnitOfMeasure", "Quantity",
    ...                   "CostInBillingCurrency", "ResourceLocation"])
    True
    >>> looks_like_azure(["date", "meterCategory", "meterName", "quantity", "cost", "resourceLocation"])
    True
    >>> looks_like_azure(["Date", "MeterCategory", "MeterName", "Quantity", "Cost", "ResourceLocation"])
    False
    >>> looks_like_azure(["Datum (Date)", "Kategorie der Verbrauchseinheit (MeterCategory)",
    ...                   "Name der Verbrauchseinheit (MeterName)", "Maßeinheit (UnitOfMeasure)",
    ...                   "Menge (Quantity)", "Kosten (Cost)", "Ressourcenstandort (ResourceLocation)"])
    True
    """
    columns = [str(c) for c in columns]
    return bool(columns) and not _semicolon_header(columns) and not _missing(columns)


def column_set(columns) -> str:
    """``legacy``, ``mca`` or ``ea``: which naming the file uses.

    ``legacy``: the Consumption API's ``legacy`` usage-detail property names
    (camelCase ``meterCategory`` with a ``cost`` or ``preTaxCost`` column, or
    without a unit column); ``mca``: other camelCase names (``billingProfileId``,
    ``costInBillingCurrency``, ``meterCategory``, ``invoiceId``); ``ea``:
    PascalCase EA and pay-as-you-go names, also when localised.

    Examples
    --------
    >>> column_set(["date", "meterCategory", "meterName", "quantity", "cost"])
    'legacy'
    >>> column_set(["date", "meterCategory", "unitOfMeasure", "costInBillingCurrency", "billingProfileId"])
    'mca'
    >>> column_set(["UsageDateTime (UsageDateTime)", "Kategorie der Verbrauchseinheit (MeterCategory)"])
    'ea'
    """
    columns = [str(c) for c in columns]
    cols = _resolve(columns)
    legacy_cost = english_name(cols.get("cost", "")) in ("cost", "preTaxCost", "pretaxCost")
    if _camel_case(cols.get("category")) and ("unit" not in cols or legacy_cost):
        return "legacy"
    names = {english_name(c) for c in columns}
    return "mca" if names & {"billingProfileId", "costInBillingCurrency", "meterCategory", "invoiceId"} else "ea"


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
        if _semicolon_header(columns):
            raise ValueError(f"{self.name}: the header is separated by ';', not ',': Azure writes comma-separated "
                             "files; was it re-saved by a spreadsheet with a local list separator?")
        self.cols = _resolve(columns)
        self.column_set = column_set(columns)
        missing = _missing(columns)
        if missing:
            hint = (" (only files with the Consumption API's camelCase names, such as meterCategory, may lack the "
                    "unit column)" if missing == ["unit"] else "")
            raise ValueError(f"{self.name}: not an Azure cost details export, missing column(s) "
                             f"{[VARIABLE_MAP[k][0] for k in missing]}{hint}")
        self.keys = _chunks.KeyTable(azure_rules, ["charge_type", "category", "subcategory", "meter", "unit",
                                                   "vm_size", "vcpus", "unit_from"])
        self.meter_units = _azure_units.MeterUnits(self.path, self.cols)
        self.batch_rows = tabular.BATCH_ROWS

    def _col(self, t: pa.Table, key: str):
        return tabular.column(t, self.cols.get(key))

    def chunks(self, batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
        self.batch_rows = batch_rows
        return tabular.chunks(self.path, list(self.cols.values()), self._chunk, batch_rows=batch_rows,
                              numeric=[self.cols[k] for k in ("quantity", "cost")])

    def _chunk(self, t: pa.Table, first: int, fetch=None) -> pd.DataFrame:
        times, numbers = (functools.partial(_azure_units.localised, f) for f in (tabular.times, tabular.numbers))
        c = self.cols
        (start, qty, cost), bad = tabular.parse_columns(
            t, [(times, c["date"]), (numbers, c["quantity"]), (numbers, c["cost"])],
            name=self.name, first_row=first, lenient=self.lenient)
        start = np.where(start == tabular.NAT, tabular.NAT, start - start % self.DAY_NS)
        end = np.where(start == tabular.NAT, tabular.NAT, start + self.DAY_NS)
        size, vcpus = _additional_info(self._col(t, "additional_info"))
        meter = [tabular.codes(self._col(t, k)) for k in _azure_units.MeterUnits.METER]
        unit, unit_from = self.meter_units.fill(meter, tabular.codes(self._col(t, "unit")), self.batch_rows)
        coded = [tabular.codes(self._col(t, "charge_type")), *meter, unit, tabular.codes(size), tabular.codes(vcpus),
                 unit_from]
        key = self.keys.lookup(coded)
        rc, ru = tabular.codes(self._col(t, "region"))
        region = tabular.unique_categories(rc, _providers.normalise_azure_region(pd.Series(ru, dtype=object))
                                           .to_numpy(dtype=object))
        return _chunks.usage_chunk(self.keys.classes, key, start_ns=start, end_ns=end, quantity=qty, cost=cost,
                                   provider="azure", region=region, service=coded[1],
                                   account=tabular.codes(self._col(t, "account")), source_file=self.name,
                                   first_row=first, bad=bad, raw_unit=unit,
                                   currency=tabular.codes(self._col(t, "currency")))


def iter_azure_costs(path, *, lenient: bool = False,
                     batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """Read an Azure cost details export in batches; yields UsageTable chunks."""
    yield from tabular.prefetched(_AzureReader(path, lenient=lenient).chunks(batch_rows))


def read_azure_costs(path, *, lenient: bool = False) -> pd.DataFrame:
    """Read an Azure cost and usage details export (EA, MCA or legacy column set) into a UsageTable.

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
        ``azure_costs_ea``, ``azure_costs_mca`` or ``azure_costs_legacy``
        (:func:`column_set`).  Rows without a unit of measure follow the
        rules of the module docstring.

    Raises
    ------
    ValueError
        Missing columns (named), a ``;``-separated header, or, unless
        ``lenient``, a value that cannot be parsed (file, row and column
        named, and what a localised value looks like).
    """
    reader = _AzureReader(path, lenient=lenient)
    return _chunks.concat_chunks(list(reader.chunks()), reader.name, f"azure_costs_{reader.column_set}")
