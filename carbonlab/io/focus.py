"""FinOps FOCUS cost and usage exports (1.0, 1.1, 1.2; CSV or Parquet).

===========================  ==================  ==================================
FOCUS column                 carbonlab column    notes
===========================  ==================  ==================================
ChargePeriodStart            start               ISO 8601, UTC
ChargePeriodEnd              end                 exclusive
SubAccountId                 account             BillingAccountId when empty
ProviderName                 provider            AWS -> aws, Google Cloud -> gcp, Microsoft -> azure
RegionId                     region              Azure names lower-cased, spaces removed
ServiceName                  service
ConsumedQuantity             quantity            converted to the kind's canonical unit
ConsumedUnit                 unit                see :data:`carbonlab.io.classify.UNIT_ALIASES`
x_InstanceType, ResourceType instance_type       first non-empty (provider ``x_`` column first)
x_UsageType, SkuMeter,       (classification)    usage type or meter name, first non-empty
ChargeDescription
ServiceCategory              (classification)    ``Networking`` data volumes are network
ChargeCategory               (classification)    only ``Usage`` carries a consumed quantity
BilledCost                   cost                bill currency
===========================  ==================  ==================================

Rows whose ``ChargeCategory`` is not ``Usage`` (purchases, tax, credits,
adjustments) carry no consumed quantity (FOCUS 1.2, ConsumedQuantity); they
become kind ``unknown`` with their cost, so the footprint's ``unattributed``
table reports them.  Corrections (``ChargeClass = Correction``) may carry
negative quantities; they are placed and net out (:mod:`carbonlab.io.classify`).
The same rules read 1.0 (no ``SkuMeter``), 1.1 and 1.2 files.

References
----------
FinOps Foundation, *FOCUS Specification* v1.0, v1.1, v1.2 (2024-2025), CC BY 4.0,
https://focus.finops.org, columns in ``specification/columns/`` of
github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec (tags v1.0, v1.1, v1.2), accessed 2026-11-22.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carbonlab.io import classify, tabular

REQUIRED = ["ChargePeriodStart", "ChargePeriodEnd", "ProviderName", "ServiceName", "ChargeCategory",
            "ConsumedQuantity", "ConsumedUnit", "BilledCost"]

#: FOCUS columns -> carbonlab UsageTable columns.
VARIABLE_MAP = {"ChargePeriodStart": "start", "ChargePeriodEnd": "end", "SubAccountId": "account",
                "ProviderName": "provider", "RegionId": "region", "ServiceName": "service",
                "ConsumedQuantity": "quantity", "ConsumedUnit": "unit", "BilledCost": "cost"}

PROVIDERS = {"aws": "aws", "amazon web services": "aws", "google cloud": "gcp", "google": "gcp",
             "gcp": "gcp", "microsoft": "azure", "azure": "azure", "microsoft azure": "azure"}

_OPTIONAL = ["SubAccountId", "BillingAccountId", "RegionId", "x_InstanceType", "ResourceType", "x_UsageType",
             "SkuMeter", "ChargeDescription", "ServiceCategory"]


def focus_version(columns) -> str:
    """FOCUS version told from the columns: 1.2 (``InvoiceId`` or ``PricingCurrency``), 1.1
    (``ServiceSubcategory``, ``SkuMeter`` or ``CommitmentDiscountQuantity``), else 1.0."""
    cols = set(columns)
    if cols & {"InvoiceId", "PricingCurrency", "BillingAccountType", "SubAccountType"}:
        return "1.2"
    if cols & {"ServiceSubcategory", "SkuMeter", "CommitmentDiscountQuantity", "CapacityReservationId"}:
        return "1.1"
    return "1.0"


def focus_rules(keys: pd.DataFrame) -> pd.DataFrame:
    """Classes of distinct FOCUS keys.

    Parameters
    ----------
    keys : pandas.DataFrame
        Columns ``category`` (ChargeCategory), ``provider`` (ProviderName),
        ``service``, ``service_category``, ``unit`` (ConsumedUnit),
        ``usage_type``, ``instance_type``.

    Returns
    -------
    pandas.DataFrame
        A class table (:data:`carbonlab.io.classify.CLASS_COLUMNS`).
    """
    cls = classify.class_table(len(keys), keys.index)
    provider = keys["provider"].fillna("").str.strip().str.lower().map(PROVIDERS).fillna("")
    usage_type = keys["usage_type"].fillna("").astype(str)
    svc = keys["service"].fillna("").astype(str)
    raw_unit = keys["unit"]
    unit_info = raw_unit.fillna("").str.strip().str.lower().map(classify.UNIT_ALIASES)
    unit = unit_info.map(lambda v: v[0] if isinstance(v, tuple) else None)
    family = unit_info.map(lambda v: v[1] if isinstance(v, tuple) else "other").to_numpy(dtype=object)
    cls["unit"] = raw_unit
    category = keys["category"].fillna("").astype(str)
    is_usage = (category == "Usage").to_numpy()
    cls.loc[~is_usage, "note"] = "not usage (" + category[~is_usage].replace("", "none") + ")"
    unknown_meter = usage_type.str.contains(classify._UNKNOWN_METERS).to_numpy()
    cls.loc[is_usage & unknown_meter, "note"] = "no physical model for this usage type"
    live = is_usage & ~unknown_meter & (provider != "").to_numpy()
    cls.loc[is_usage & (provider == "").to_numpy(), "note"] = "unknown provider"

    itype = classify.normalise_instance_type(keys["instance_type"])
    attrs = classify.instance_attributes(provider, itype)
    known = attrs["known"].to_numpy()
    m = live & (family == "instance")
    cls.loc[m & known, "kind"] = "compute"
    cls.loc[m & known, "unit"] = "vCPU-h"
    cls.loc[m & known, "factor"] = attrs["vcpu"].to_numpy()[m & known]
    cls.loc[m & known, "instance_type"] = itype[m & known]
    cls.loc[m & known, "utilization"] = attrs["burstable_baseline"].to_numpy()[m & known]
    cls.loc[m & known, "gpu_factor"] = attrs["gpu_count"].to_numpy()[m & known]
    cls.loc[m & ~known, "note"] = "instance hours of an unknown instance type"
    for fam, kind in (("vcpu", "compute"), ("gpu", "gpu")):
        m = live & (family == fam)
        cls.loc[m, "kind"] = kind
        cls.loc[m, "unit"] = unit[m]
        cls.loc[m, "instance_type"] = itype[m]
    lam = usage_type.str.contains("Lambda", case=False).to_numpy()
    m = live & (family == "capacity_seconds")
    cls.loc[m & lam, "kind"] = "compute"
    cls.loc[m & lam, "unit"] = "vCPU-s"
    cls.loc[m & lam, "factor"] = 1.0 / classify.LAMBDA_GB_PER_VCPU
    arm = m & lam & usage_type.str.upper().str.endswith("-ARM").to_numpy()
    cls.loc[arm, "instance_type"] = classify.LAMBDA_ARM_ARCHITECTURE
    cls.loc[m & ~lam, "kind"] = "memory"
    cls.loc[m & ~lam, "unit"] = unit[m & ~lam]
    memory = classify.is_memory(usage_type)
    m = live & (family == "capacity_time")
    cls.loc[m & memory, "kind"] = "memory"
    cls.loc[m & ~memory, "kind"] = "storage"
    cls.loc[m, "unit"] = unit[m]
    m = live & (family == "capacity_month")
    cls.loc[m, "kind"] = "storage"
    cls.loc[m, "unit"] = "GB-Mo"
    gib = (unit == "GiB-Mo").to_numpy()
    cls.loc[m & gib, "factor"] = 1.073741824  # GiB = 2^30 B = 1.073741824 GB (IEC 80000-13)
    network = (keys["service_category"].fillna("") == "Networking").to_numpy() | classify.is_network(usage_type)
    m = live & (family == "data")
    cls.loc[m & network, "kind"] = "network"
    cls.loc[m & network, "unit"] = unit[m & network]
    cls.loc[m & ~network, "note"] = "data volume that is not transfer out of a data centre"
    m = live & (family == "other")
    cls.loc[m, "note"] = "unit not modelled: " + raw_unit.fillna("none").astype(str)[m]

    storage = (cls["kind"] == "storage").to_numpy()
    sc, guessed = classify.storage_class(usage_type, svc)
    cls.loc[storage, "storage_class"] = sc[storage]
    cls.loc[storage, "storage_class_guessed"] = guessed[storage]
    codes = svc.map(classify.SERVICE_CODES).fillna(svc)
    cls["replication"] = classify.replication_factor(provider, codes, usage_type)
    unknown = (cls["kind"] == "unknown").to_numpy()
    cls.loc[unknown, "unit"] = raw_unit[unknown]
    cls.loc[unknown, "factor"] = 1.0
    return cls


def _first(t: pa.Table, names: list[str]) -> pa.Array:
    """Per row, the first non-empty value among the columns present."""
    cols = [t.column(c) for c in names if c in t.column_names]
    if not cols:
        return pa.nulls(t.num_rows, pa.string())
    cols = [pc.if_else(pc.equal(c.cast(pa.string()), ""), pa.scalar(None, pa.string()), c.cast(pa.string()))
            for c in cols]
    return cols[0] if len(cols) == 1 else pc.coalesce(*cols)


class _FocusReader:
    def __init__(self, name: str, columns, *, lenient: bool, path=None):
        self.path = None if path is None else Path(path)
        self.name = name
        self.lenient = lenient
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise ValueError(f"{self.name}: not a FOCUS export, missing column(s) {missing}")
        self.version = focus_version(columns)
        self.keys = classify.KeyTable(focus_rules, ["category", "provider", "service", "service_category", "unit",
                                                    "usage_type", "instance_type"])

    @classmethod
    def from_path(cls, path, *, lenient: bool) -> "_FocusReader":
        return cls(Path(path).name, tabular.column_names(path), lenient=lenient, path=path)

    def chunks(self, batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
        first = 1
        for t, _ in tabular.iter_tables(self.path, REQUIRED + _OPTIONAL, batch_rows=batch_rows, prefetch=False):
            yield self._chunk(t, first)
            first += t.num_rows

    def _chunk(self, t: pa.Table, first: int) -> pd.DataFrame:
        args = dict(name=self.name, first_row=first, lenient=self.lenient)
        start, bad_s = tabular.times(t.column("ChargePeriodStart"), column_name="ChargePeriodStart", **args)
        end, bad_e = tabular.times(t.column("ChargePeriodEnd"), column_name="ChargePeriodEnd", **args)
        qty, bad_q = tabular.numbers(t.column("ConsumedQuantity"), column_name="ConsumedQuantity", **args)
        cost, bad_c = tabular.numbers(t.column("BilledCost"), column_name="BilledCost", **args)
        prov_c, prov_u = tabular.codes(t.column("ProviderName"))
        prov_names = np.array([PROVIDERS.get(str(p).strip().lower()) for p in prov_u], dtype=object)
        bad_p = np.zeros(len(prov_c), dtype=bool)
        unknown_p = np.array([p is None for p in prov_names] + [True])[prov_c]
        if unknown_p.any():
            i = int(np.flatnonzero(unknown_p)[0])
            if not self.lenient:
                value = prov_u[prov_c[i]] if prov_c[i] >= 0 else None
                raise tabular.ParseError(f"{self.name}: row {first + i}, column ProviderName: unknown provider "
                                         f"{value!r}")
            bad_p = unknown_p
        provider = tabular._unique_categories(
            prov_c, np.array([p if p is not None else "unknown" for p in prov_names], dtype=object))
        coded = [tabular.codes(t.column("ChargeCategory")), (prov_c, prov_u),
                 tabular.codes(t.column("ServiceName")),
                 tabular.codes(t.column("ServiceCategory")) if "ServiceCategory" in t.column_names
                 else tabular.codes(pa.nulls(t.num_rows, pa.string())),
                 tabular.codes(t.column("ConsumedUnit")),
                 tabular.codes(_first(t, ["x_UsageType", "SkuMeter", "ChargeDescription"])),
                 tabular.codes(_first(t, ["x_InstanceType", "ResourceType"]))]
        key = self.keys.lookup(coded)
        region = tabular.codes(_first(t, ["RegionId"]))
        region = _azure_regions(region, provider)
        account = tabular.codes(_first(t, ["SubAccountId", "BillingAccountId"]))
        bad = bad_s | bad_e | bad_q | bad_c | bad_p
        return classify.usage_chunk(self.keys.classes, key, start_ns=start, end_ns=end, quantity=qty, cost=cost,
                                    provider=provider, region=region, service=coded[2], account=account,
                                    source_file=self.name, first_row=first, bad=bad if bad.any() else None,
                                    raw_unit=coded[4])


def _azure_regions(region, provider):
    """Normalise the region names of Azure rows (``West Europe`` -> ``westeurope``)."""
    rc, ru = region
    pc_, pu = provider
    azure = np.array([str(p) == "azure" for p in pu] + [False])[pc_]
    if not azure.any():
        return region
    norm = classify.normalise_azure_region(pd.Series(ru, dtype=object)).to_numpy(dtype=object)
    cats = np.concatenate([ru, norm])
    codes = np.where(azure & (rc >= 0), rc + len(ru), rc)
    return tabular._unique_categories(codes, cats)


def iter_focus(path, *, lenient: bool = False, batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """Read a FOCUS export in batches; yields UsageTable chunks (categorical string columns)."""
    yield from tabular.prefetched(_FocusReader.from_path(path, lenient=lenient).chunks(batch_rows))


def read_focus(path, *, lenient: bool = False) -> pd.DataFrame:
    """Read a FOCUS export into a UsageTable.

    Parameters
    ----------
    path : str or path-like
        A ``.csv``, ``.csv.gz`` or ``.parquet`` file (FOCUS 1.0, 1.1 or 1.2).
    lenient : bool, default False
        Rows with a value that cannot be parsed go to the ``unattributed``
        bucket (kind ``unknown`` with a ``note``) instead of raising.

    Returns
    -------
    pandas.DataFrame
        A UsageTable; ``source_file`` is the file name and ``source_row`` the
        1-based data row; ``attrs["source_format"]`` the FOCUS version.

    Raises
    ------
    ValueError
        Missing required columns (named), or a value that cannot be parsed
        (file, row and column named) unless ``lenient``.
    """
    reader = _FocusReader.from_path(path, lenient=lenient)
    return classify.concat_chunks(list(reader.chunks()), reader.name, f"focus_{reader.version}")


def parse_focus(raw: pd.DataFrame, *, name: str = "<FOCUS data>", lenient: bool = False) -> pd.DataFrame:
    """Turn a FOCUS table already in memory (FOCUS column names) into a UsageTable; see :func:`read_focus`."""
    reader = _FocusReader(name, list(raw.columns), lenient=lenient)
    keep = [c for c in REQUIRED + _OPTIONAL if c in raw.columns]
    table = pa.Table.from_pandas(raw[keep].reset_index(drop=True), preserve_index=False)
    return classify.concat_chunks([reader._chunk(table, 1)], name, f"focus_{reader.version}")
