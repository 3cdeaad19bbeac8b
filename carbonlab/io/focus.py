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

from carbonlab.io import classify, oci, tabular

REQUIRED = ["ChargePeriodStart", "ChargePeriodEnd", "ServiceName", "ChargeCategory", "ConsumedQuantity",
            "ConsumedUnit", "BilledCost"]
#: Who provided the line, in the order tried row by row: the host of the resources (FOCUS 1.3), the
#: provider of the service (FOCUS 1.3), the provider (FOCUS 1.0-1.2, deprecated in 1.3, gone in the 1.4
#: draft).  A file needs one of them.
PROVIDER_COLUMNS = ["HostProviderName", "ServiceProviderName", "ProviderName"]

#: FOCUS columns -> carbonlab UsageTable columns.
VARIABLE_MAP = {"ChargePeriodStart": "start", "ChargePeriodEnd": "end", "SubAccountId": "account",
                "ProviderName": "provider", "RegionId": "region", "ServiceName": "service",
                "ConsumedQuantity": "quantity", "ConsumedUnit": "unit", "BilledCost": "cost"}

PROVIDERS = {"aws": "aws", "amazon web services": "aws", "amazon web services, inc.": "aws",
             "google cloud": "gcp", "google": "gcp", "gcp": "gcp", "google cloud platform": "gcp",
             "microsoft": "azure", "azure": "azure", "microsoft azure": "azure",
             "oracle": "oci", "oracle cloud infrastructure": "oci", "oci": "oci"}

_OPTIONAL = ["SubAccountId", "BillingAccountId", "BillingCurrency", "RegionId", "RegionName", "x_InstanceType",
             "SkuPriceDetails",
             "ResourceType", "x_UsageType", "SkuMeter", "ChargeDescription", "ServiceCategory"] + PROVIDER_COLUMNS

#: Columns that first appear in each FOCUS version (FOCUS_Spec ``specification/columns``; 1.3 from the
#: ratified release notes, PEERS_2026.md §3).
VERSION_COLUMNS = (
    ("1.3", {"ServiceProviderName", "HostProviderName", "AllocatedMethodId", "AllocatedMethodDetails",
             "AllocatedResourceId", "AllocatedResourceName", "AllocatedTags", "ContractApplied"}),
    ("1.2", {"InvoiceId", "PricingCurrency", "BillingAccountType", "SubAccountType"}),
    ("1.1", {"ServiceSubcategory", "SkuMeter", "CommitmentDiscountQuantity", "CapacityReservationId"}),
)


def focus_version(columns) -> str:
    """FOCUS version told from the columns.

    The newest version whose new columns (:data:`VERSION_COLUMNS`) the file
    has, else ``1.0``; a file with the 1.3 provider columns and without
    ``ProviderName`` (removed after 1.3) is ``1.4-draft``.
    """
    cols = set(columns)
    for version, new in VERSION_COLUMNS:
        if cols & new:
            if version == "1.3" and "ProviderName" not in cols:
                return "1.4-draft"
            return version
    return "1.0"


def _families(unit: pd.Series) -> tuple[pd.Series, np.ndarray]:
    info = unit.fillna("").str.strip().str.lower().map(classify.UNIT_ALIASES)
    canonical = info.map(lambda v: v[0] if isinstance(v, tuple) else None)
    family = info.map(lambda v: v[1] if isinstance(v, tuple) else "other").to_numpy(dtype=object)
    return canonical, family




def focus_rules(keys: pd.DataFrame) -> pd.DataFrame:
    """Classes of distinct FOCUS keys.

    Parameters
    ----------
    keys : pandas.DataFrame
        Columns ``category`` (ChargeCategory), ``provider`` (the provider name
        as the file writes it), ``service``, ``service_category``, ``unit``
        (ConsumedUnit), ``usage_type``, ``instance_type`` (from ``x_InstanceType``,
        ``SkuPriceDetails`` or the charge description) and ``resource_type``.

    Returns
    -------
    pandas.DataFrame
        A class table (:data:`carbonlab.io.classify.CLASS_COLUMNS`).
    """
    cls = classify.class_table(len(keys), keys.index)
    raw_provider = keys["provider"].fillna("").astype(str).str.strip()
    provider = raw_provider.str.lower().map(PROVIDERS).fillna("")
    usage_type = keys["usage_type"].fillna("").astype(str)
    svc = keys["service"].fillna("").astype(str)
    raw_unit = keys["unit"]
    unit, family = _families(raw_unit)
    cls["unit"] = raw_unit
    category = keys["category"].fillna("").astype(str)
    is_usage = (category == "Usage").to_numpy()
    cls.loc[~is_usage, "note"] = "not usage (" + category[~is_usage].replace("", "none") + ")"
    unknown_provider = is_usage & (provider == "").to_numpy()
    cls.loc[unknown_provider, "note"] = "provider not modelled: " + raw_provider[unknown_provider].replace("", "none")
    notes = classify.line_notes(usage_type, svc, raw_unit)
    noted = is_usage & ~unknown_provider & (notes != "")
    cls.loc[noted, "note"] = notes[noted]
    live = is_usage & ~unknown_provider & (notes == "")

    family = _serverless_hours(cls, live, family, usage_type)
    _instances(cls, live & (family == "instance"), provider, keys)
    named = classify.normalise_instance_type(keys["instance_type"])
    named = named.where(named.notna(), classify.normalise_instance_type(keys["resource_type"]))
    for fam, kind in (("vcpu", "compute"), ("gpu", "gpu")):   # the type (GPU model) says which processor
        m = live & (family == fam)
        cls.loc[m, "kind"] = kind
        cls.loc[m, "unit"] = unit[m]
        cls.loc[m, "instance_type"] = named[m]
    _per_unit_compute(cls, live, family)
    lam = (usage_type.str.contains("Lambda", case=False) | (svc == "AWS Lambda")).to_numpy()
    m = live & np.isin(family, ["capacity_seconds", "seconds"]) & lam
    cls.loc[m, "kind"] = "compute"
    cls.loc[m, "unit"] = "vCPU-s"
    cls.loc[m, "factor"] = 1.0 / classify.LAMBDA_GB_PER_VCPU   # Lambda seconds in FOCUS are GB-seconds
    arm = m & usage_type.str.upper().str.endswith("-ARM").to_numpy()
    cls.loc[arm, "instance_type"] = classify.LAMBDA_ARM_ARCHITECTURE
    m = live & (family == "capacity_seconds") & ~lam
    cls.loc[m, "kind"] = "memory"
    cls.loc[m, "unit"] = unit[m]
    _capacity(cls, live, family, unit, usage_type)
    network = (keys["service_category"].fillna("") == "Networking").to_numpy() | classify.is_network(usage_type)
    m = live & (family == "data")
    cls.loc[m & network, "kind"] = "network"
    cls.loc[m & network, "unit"] = unit[m & network]
    cls.loc[m & ~network, "note"] = "data volume that is not transfer out of a data centre"
    inbound = m & usage_type.str.contains(classify.INTER_REGION_IN).to_numpy()
    cls.loc[inbound, "note"] = classify.INTER_REGION_IN_NOTE
    m = live & (cls["kind"] == "unknown").to_numpy() & (cls["note"] == "").to_numpy()
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
    # Oracle's lines follow the rules of its own cost report (the SKU's measure, OCPUs per shape)
    m = is_usage & (provider == "oci").to_numpy()
    if m.any():
        rules = oci.oci_rules(pd.DataFrame({"service": svc[m], "description": usage_type[m], "unit": raw_unit[m],
                                            "unit_readable": None}))
        cls.loc[m, list(classify.CLASS_COLUMNS)] = rules[list(classify.CLASS_COLUMNS)].to_numpy()
    return cls


def _serverless_hours(cls, live, family, usage_type) -> np.ndarray:
    """Hours of serverless vCPUs or memory (Fargate, Container Instances): compute or memory as billed."""
    hours = live & (family == "instance")
    vcpu = hours & usage_type.str.contains(classify.VCPU_DURATION).to_numpy()
    cls.loc[vcpu, "kind"] = "compute"
    cls.loc[vcpu, "unit"] = "vCPU-h"
    arm = vcpu & usage_type.str.contains(r"\bARM\b", case=False).to_numpy()
    cls.loc[arm, "instance_type"] = classify.LAMBDA_ARM_ARCHITECTURE   # Fargate on Graviton2
    memory = hours & usage_type.str.contains(classify.MEMORY_DURATION).to_numpy()
    cls.loc[memory, "kind"] = "memory"
    cls.loc[memory, "unit"] = "GB-h"
    return np.where(vcpu | memory, "done", family)


def _instances(cls, m, provider, keys) -> None:
    """Instance hours: vCPU-hours of the instance type (``x_InstanceType``, ``SkuPriceDetails``, the
    charge description, or a ``ResourceType`` that is one), vCore-hours of Azure vCore meters."""
    usage_type = keys["usage_type"].fillna("").astype(str)
    cores = classify.vcores(usage_type)
    v = m & np.isfinite(cores) & (provider == "azure").to_numpy()
    cls.loc[v, "kind"] = "compute"
    cls.loc[v, "unit"] = "vCPU-h"
    cls.loc[v, "factor"] = cores[v]
    m = m & ~v
    named = classify.normalise_instance_type(keys["instance_type"])
    attrs = classify.instance_attributes(provider, named)
    resource = classify.normalise_instance_type(keys["resource_type"])
    resource_attrs = classify.instance_attributes(provider, resource)
    use_resource = ~attrs["known"].to_numpy() & resource_attrs["known"].to_numpy()
    itype = named.where(~use_resource, resource)
    pick = {c: np.where(use_resource, resource_attrs[c].to_numpy(dtype=float), attrs[c].to_numpy(dtype=float))
            for c in ("vcpu", "gpu_count", "burstable_baseline")}
    known = attrs["known"].to_numpy(dtype=bool) | use_resource
    by_size = ~known & np.isfinite(attrs["vcpu_by_size"].to_numpy(dtype=float))   # a type the table lacks
    pick["vcpu"] = np.where(by_size, attrs["vcpu_by_size"].to_numpy(dtype=float), pick["vcpu"])
    known |= by_size
    ok = m & known
    cls.loc[ok, "kind"] = "compute"
    cls.loc[ok, "unit"] = "vCPU-h"
    cls.loc[ok, "factor"] = pick["vcpu"][ok]
    cls.loc[ok, "instance_type"] = itype[ok]
    cls.loc[ok, "utilization"] = pick["burstable_baseline"][ok]
    cls.loc[ok, "gpu_factor"] = pick["gpu_count"][ok]
    unknown = m & ~known
    cls.loc[unknown & named.notna().to_numpy(), "note"] = "instance hours of an unknown instance type"
    cls.loc[unknown & named.isna().to_numpy(), "note"] = "instance hours without an instance type"


def _per_unit_compute(cls, live, family) -> None:
    """Aurora Capacity Unit hours as vCPU-hours."""
    m = live & (family == "acu")
    cls.loc[m, "kind"] = "compute"
    cls.loc[m, "unit"] = "vCPU-h"
    cls.loc[m, "factor"] = classify.AURORA_VCPU_PER_ACU


def _capacity(cls, live, family, unit, usage_type) -> None:
    """GB-hours (memory or storage), GB-months and disk-months (storage)."""
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
    # Azure managed disks: disk-months of the meter's tier, sized in GiB
    m = live & (family == "units_month")
    tier = classify.disk_tier_gb(usage_type)
    disk = m & np.isfinite(tier)
    cls.loc[disk, "kind"] = "storage"
    cls.loc[disk, "unit"] = "GB-Mo"
    cls.loc[disk, "factor"] = tier[disk] * 1.073741824
    cls.loc[m & ~np.isfinite(tier), "note"] = "monthly units without a capacity"


def _first(t: pa.Table, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the first non-empty value among the columns present, as (codes, categories)."""
    pairs = [tabular.codes(t.column(c)) for c in names if c in t.column_names]
    if not pairs:
        return np.full(t.num_rows, -1, dtype=np.int64), np.array([], dtype=object)
    return tabular.coalesce(*pairs)


class _FocusReader:
    def __init__(self, name: str, columns, *, lenient: bool, path=None):
        self.path = None if path is None else Path(path)
        self.name = name
        self.lenient = lenient
        missing = [c for c in REQUIRED if c not in columns]
        if not any(c in columns for c in PROVIDER_COLUMNS):
            missing.append("ProviderName (or ServiceProviderName)")
        if missing:
            raise ValueError(f"{self.name}: not a FOCUS export, missing column(s) {missing}")
        self.version = focus_version(columns)
        self.keys = classify.KeyTable(focus_rules, ["category", "provider", "service", "service_category", "unit",
                                                    "usage_type", "instance_type", "resource_type"])

    @classmethod
    def from_path(cls, path, *, lenient: bool) -> "_FocusReader":
        return cls(Path(path).name, tabular.column_names(path), lenient=lenient, path=path)

    def chunks(self, batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
        first = 1
        for t, _ in tabular.iter_tables(self.path, REQUIRED + _OPTIONAL, batch_rows=batch_rows, prefetch=False,
                                        numeric=["ConsumedQuantity", "BilledCost"]):
            yield self._chunk(t, first)
            first += t.num_rows

    def _chunk(self, t: pa.Table, first: int) -> pd.DataFrame:
        args = dict(name=self.name, first_row=first, lenient=self.lenient)
        start, bad_s = tabular.times(t.column("ChargePeriodStart"), column_name="ChargePeriodStart", **args)
        end, bad_e = tabular.times(t.column("ChargePeriodEnd"), column_name="ChargePeriodEnd", **args)
        qty, bad_q = tabular.numbers(t.column("ConsumedQuantity"), column_name="ConsumedQuantity", **args)
        cost, bad_c = tabular.numbers(t.column("BilledCost"), column_name="BilledCost", **args)
        raw_provider = _first(t, PROVIDER_COLUMNS)
        provider = tabular.map_codes(raw_provider, lambda cats: [PROVIDERS.get(str(p).strip().lower()) for p in cats])
        provider = tabular.coalesce(provider, (np.zeros(t.num_rows, dtype=np.int64), np.array(["unknown"],
                                                                                              dtype=object)))
        coded = [tabular.codes(t.column("ChargeCategory")), raw_provider, tabular.codes(t.column("ServiceName")),
                 _first(t, ["ServiceCategory"]), tabular.codes(t.column("ConsumedUnit")),
                 _first(t, ["x_UsageType", "SkuMeter", "ChargeDescription"]), _instance_types(t),
                 _first(t, ["ResourceType"])]
        key = self.keys.lookup(coded)
        region = _regions(_first(t, ["RegionId"]), _first(t, ["RegionName"]), provider)
        account = _first(t, ["SubAccountId", "BillingAccountId"])
        bad = bad_s | bad_e | bad_q | bad_c
        return classify.usage_chunk(self.keys.classes, key, start_ns=start, end_ns=end, quantity=qty, cost=cost,
                                    provider=provider, region=region, service=coded[2], account=account,
                                    source_file=self.name, first_row=first, bad=bad if bad.any() else None,
                                    raw_unit=coded[4], currency=_first(t, ["BillingCurrency"]))


def _instance_types(t: pa.Table):
    """Per row, the instance type a line names: ``x_InstanceType``, else ``SkuPriceDetails``'s
    ``InstanceType``, else one parsed from ``ChargeDescription`` (codes, categories)."""
    def parsed(column, fn):
        return tabular.map_codes(_first(t, [column]), lambda cats: fn(pd.Series(cats, dtype=object)))

    return tabular.coalesce(_first(t, ["x_InstanceType"]),
                            parsed("SkuPriceDetails", classify.sku_instance_type),
                            parsed("ChargeDescription", classify.instance_type_from_description))


def _regions(region_id, region_name, provider):
    """Each row's region code: ``RegionId``, else ``RegionName`` (Oracle fills only the name), in the
    provider's spelling (Azure ``East US`` -> ``eastus``; AWS display names -> codes)."""
    pc_, pu = provider
    rows = pd.DataFrame({"p": pc_, "i": region_id[0], "n": region_name[0]})
    triples = rows.drop_duplicates()
    ids, names = np.append(region_id[1], None), np.append(region_name[1], None)
    values = [_region_of(str(pu[p]) if p >= 0 else "", ids[i], names[n])
              for p, i, n in zip(triples["p"], triples["i"], triples["n"])]
    lut = pd.Series(range(len(triples)), index=pd.MultiIndex.from_frame(triples))
    codes = lut.reindex(pd.MultiIndex.from_frame(rows)).to_numpy(dtype=np.int64)
    return tabular.map_codes((codes, np.asarray(values, dtype=object)), lambda cats: cats)


def _region_of(provider: str, region_id, region_name):
    value = region_id if isinstance(region_id, str) and region_id.strip() else region_name
    if not isinstance(value, str) or not value.strip():
        return None
    if provider == "azure":
        return classify.normalise_azure_region(pd.Series([value])).iloc[0]
    if provider == "oci":
        return oci.normalise_oci_region(pd.Series([value])).iloc[0]
    if provider == "aws" and value is region_name:
        from carbonlab.io.aws_cur import region_codes
        code = region_codes([value], "code")[0] or region_codes([value], "location")[0]
        return code
    return value.strip()


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
