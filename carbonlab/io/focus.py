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

from carbonlab.core import units
from carbonlab.io import _chunks, _providers, aws_cur, classify, oci, tabular

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
        A class table (:data:`carbonlab.io._chunks.CLASS_COLUMNS`).
    """
    cls = _chunks.class_table(len(keys), keys.index)
    provider = keys["provider"].fillna("").astype(str).str.strip().str.lower().map(PROVIDERS).fillna("")
    usage_type = keys["usage_type"].fillna("").astype(str)
    svc = keys["service"].fillna("").astype(str)
    raw_unit = keys["unit"]
    unit, family = _families(raw_unit)
    cls["unit"] = raw_unit
    is_usage, live = _usage_lines(cls, keys, provider, usage_type, svc)
    family = _serverless_hours(cls, live, family, usage_type)
    _instances(cls, live & (family == "instance"), provider, keys)
    _processor_time(cls, live, family, unit, keys, usage_type, svc)
    _capacity(cls, live, family, unit, usage_type)
    network = (keys["service_category"].fillna("") == "Networking").to_numpy() | classify.is_network(usage_type)
    m = live & (family == "data")
    _chunks.assign(cls, m & network, kind="network", unit=unit)
    _chunks.assign(cls, m & ~network, note="data volume that is not transfer out of a data centre")
    _chunks.assign(cls, m & usage_type.str.contains(classify.INTER_REGION_IN).to_numpy(),
                   note=classify.INTER_REGION_IN_NOTE)
    m = live & (cls["kind"] == "unknown").to_numpy() & (cls["note"] == "").to_numpy()
    _chunks.assign(cls, m, note="unit not modelled: " + raw_unit.fillna("none").astype(str))
    classify.set_storage_class(cls, usage_type, svc)
    codes = svc.map(_providers.SERVICE_CODES).fillna(svc)
    cls["replication"] = classify.replication_factor(provider, codes, usage_type)
    _chunks.finish(cls, raw_unit)
    # Oracle's lines follow the rules of its own cost report (the SKU's measure, OCPUs per shape)
    m = is_usage & (provider == "oci").to_numpy()
    if m.any():
        rules = oci.oci_rules(pd.DataFrame({"service": svc[m], "description": usage_type[m], "unit": raw_unit[m],
                                            "unit_readable": None}))
        cls.loc[m, list(_chunks.CLASS_COLUMNS)] = rules[list(_chunks.CLASS_COLUMNS)].to_numpy()
    return cls


def _usage_lines(cls, keys, provider, usage_type, svc) -> tuple[np.ndarray, np.ndarray]:
    """Usage lines, and those of them of a known provider with no note of the shared rules
    (:func:`carbonlab.io.classify.line_notes`); the others get their note."""
    category = keys["category"].fillna("").astype(str)
    is_usage = (category == "Usage").to_numpy()
    _chunks.assign(cls, ~is_usage, note="not usage (" + category.replace("", "none") + ")")
    unknown_provider = is_usage & (provider == "").to_numpy()
    raw_provider = keys["provider"].fillna("").astype(str).str.strip()
    _chunks.assign(cls, unknown_provider, note="provider not modelled: " + raw_provider.replace("", "none"))
    notes = classify.line_notes(usage_type, svc, keys["unit"])
    _chunks.assign(cls, is_usage & ~unknown_provider & (notes != ""), note=notes)
    return is_usage, is_usage & ~unknown_provider & (notes == "")


def _processor_time(cls, live, family, unit, keys, usage_type, svc) -> None:
    """vCPU and GPU time as billed (of the named type or GPU model), ACU-hours, Lambda GB-seconds as vCPU
    time; other GB-seconds are memory."""
    named = classify.normalise_instance_type(keys["instance_type"])
    named = named.where(named.notna(), classify.normalise_instance_type(keys["resource_type"]))
    for fam, kind in (("vcpu", "compute"), ("gpu", "gpu")):   # the type (GPU model) says which processor
        _chunks.assign(cls, live & (family == fam), kind=kind, unit=unit, instance_type=named)
    _chunks.assign(cls, live & (family == "acu"), kind="compute", unit="vCPU-h", factor=classify.AURORA_VCPU_PER_ACU)
    lam = (usage_type.str.contains("Lambda", case=False) | (svc == "AWS Lambda")).to_numpy()
    m = live & np.isin(family, ["capacity_seconds", "seconds"]) & lam
    # Lambda seconds in FOCUS are GB-seconds
    _chunks.assign(cls, m, kind="compute", unit="vCPU-s", factor=1.0 / classify.LAMBDA_GB_PER_VCPU)
    _chunks.assign(cls, m & usage_type.str.upper().str.endswith("-ARM").to_numpy(),
                   instance_type=classify.LAMBDA_ARM_ARCHITECTURE)
    _chunks.assign(cls, live & (family == "capacity_seconds") & ~lam, kind="memory", unit=unit)


def _serverless_hours(cls, live, family, usage_type) -> np.ndarray:
    """Hours of serverless vCPUs or memory (Fargate, Container Instances): compute or memory as billed."""
    hours = live & (family == "instance")
    vcpu = hours & usage_type.str.contains(classify.VCPU_DURATION).to_numpy()
    _chunks.assign(cls, vcpu, kind="compute", unit="vCPU-h")
    arm = vcpu & usage_type.str.contains(r"\bARM\b", case=False).to_numpy()
    _chunks.assign(cls, arm, instance_type=classify.LAMBDA_ARM_ARCHITECTURE)   # Fargate on Graviton2
    memory = hours & usage_type.str.contains(classify.MEMORY_DURATION).to_numpy()
    _chunks.assign(cls, memory, kind="memory", unit="GB-h")
    return np.where(vcpu | memory, "done", family)


def _instances(cls, m, provider, keys) -> None:
    """Instance hours: vCPU-hours of the instance type (``x_InstanceType``, ``SkuPriceDetails``, the
    charge description, or a ``ResourceType`` that is one), vCore-hours of Azure vCore meters."""
    usage_type = keys["usage_type"].fillna("").astype(str)
    cores = classify.vcores(usage_type)
    v = m & np.isfinite(cores) & (provider == "azure").to_numpy()
    _chunks.assign(cls, v, kind="compute", unit="vCPU-h", factor=cores)
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
    _chunks.assign(cls, m & known, kind="compute", unit="vCPU-h", factor=pick["vcpu"], instance_type=itype,
                   utilization=pick["burstable_baseline"], gpu_factor=pick["gpu_count"])
    unknown = m & ~known
    _chunks.assign(cls, unknown & named.notna().to_numpy(), note="instance hours of an unknown instance type")
    _chunks.assign(cls, unknown & named.isna().to_numpy(), note="instance hours without an instance type")


def _capacity(cls, live, family, unit, usage_type) -> None:
    """GB-hours (memory or storage), GB-months and disk-months (storage)."""
    memory = classify.is_memory(usage_type)
    m = live & (family == "capacity_time")
    _chunks.assign(cls, m & memory, kind="memory")
    _chunks.assign(cls, m & ~memory, kind="storage")
    _chunks.assign(cls, m, unit=unit)
    m = live & (family == "capacity_month")
    _chunks.assign(cls, m, kind="storage", unit="GB-Mo")
    _chunks.assign(cls, m & (unit == "GiB-Mo").to_numpy(), factor=units.GB_PER_GIB)
    # Azure managed disks: disk-months of the meter's tier, sized in GiB
    m = live & (family == "units_month")
    tier = classify.disk_tier_gb(usage_type)
    _chunks.assign(cls, m & np.isfinite(tier), kind="storage", unit="GB-Mo", factor=tier * units.GB_PER_GIB)
    _chunks.assign(cls, m & ~np.isfinite(tier), note="monthly units without a capacity")


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
        self.keys = _chunks.KeyTable(focus_rules, ["category", "provider", "service", "service_category", "unit",
                                                    "usage_type", "instance_type", "resource_type"])

    @classmethod
    def from_path(cls, path, *, lenient: bool) -> "_FocusReader":
        return cls(Path(path).name, tabular.column_names(path), lenient=lenient, path=path)

    def chunks(self, batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
        return tabular.chunks(self.path, REQUIRED + _OPTIONAL, self._chunk, batch_rows=batch_rows,
                              numeric=["ConsumedQuantity", "BilledCost"])

    def _chunk(self, t: pa.Table, first: int, fetch=None) -> pd.DataFrame:
        (start, end, qty, cost), bad = tabular.parse_columns(
            t, [(tabular.times, "ChargePeriodStart"), (tabular.times, "ChargePeriodEnd"),
                (tabular.numbers, "ConsumedQuantity"), (tabular.numbers, "BilledCost")],
            name=self.name, first_row=first, lenient=self.lenient)
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
        return _chunks.usage_chunk(self.keys.classes, key, start_ns=start, end_ns=end, quantity=qty, cost=cost,
                                   provider=provider, region=region, service=coded[2], account=account,
                                   source_file=self.name, first_row=first, bad=bad, raw_unit=coded[4],
                                   currency=_first(t, ["BillingCurrency"]))


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
        return _providers.normalise_azure_region(pd.Series([value])).iloc[0]
    if provider == "oci":
        return oci.normalise_oci_region(pd.Series([value])).iloc[0]
    if provider == "aws" and value is region_name:
        return aws_cur.region_codes([value], "code")[0] or aws_cur.region_codes([value], "location")[0]
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
    return _chunks.concat_chunks(list(reader.chunks()), reader.name, f"focus_{reader.version}")


def parse_focus(raw: pd.DataFrame, *, name: str = "<FOCUS data>", lenient: bool = False) -> pd.DataFrame:
    """Turn a FOCUS table already in memory (FOCUS column names) into a UsageTable; see :func:`read_focus`."""
    reader = _FocusReader(name, list(raw.columns), lenient=lenient)
    keep = [c for c in REQUIRED + _OPTIONAL if c in raw.columns]
    table = pa.Table.from_pandas(raw[keep].reset_index(drop=True), preserve_index=False)
    return _chunks.concat_chunks([reader._chunk(table, 1)], name, f"focus_{reader.version}")
