"""FinOps FOCUS cost and usage exports (1.0, 1.1, 1.2; CSV or Parquet).

===========================  ==================  ==================================
FOCUS column                 carbonlab column    notes
===========================  ==================  ==================================
ChargePeriodStart            start               ISO 8601, UTC
ChargePeriodEnd              end                 exclusive
SubAccountId                 account             BillingAccountId when empty
ProviderName                 provider            AWS -> aws, Google Cloud -> gcp, Microsoft -> azure
RegionId                     region              Azure codes lower-cased, spaces removed
ServiceName                  service
ConsumedQuantity             quantity            converted to the kind's canonical unit
ConsumedUnit                 unit                see :data:`carbonlab.io.classify.UNIT_ALIASES`
x_InstanceType, ResourceType instance_type       first non-empty
x_UsageType, SkuMeter        (classification)    usage type or meter name
BilledCost                   cost                bill currency
===========================  ==================  ==================================

Rows whose ``ChargeCategory`` is not ``Usage`` (purchases, tax, credits,
adjustments) carry no consumed quantity (FOCUS 1.2, ConsumedQuantity); they
become kind ``unknown`` with their cost, so the footprint's ``unattributed``
table reports them.

References
----------
FinOps Foundation, *FOCUS Specification* v1.2 (2025), CC BY 4.0,
https://focus.finops.org, columns in ``specification/columns/`` of
github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, accessed 2026-11-22.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from carbonlab import schema
from carbonlab.hardware import instance_key, instances
from carbonlab.io import classify

REQUIRED = ["ChargePeriodStart", "ChargePeriodEnd", "ProviderName", "ServiceName", "ChargeCategory",
            "ConsumedQuantity", "ConsumedUnit", "BilledCost"]

#: FOCUS columns -> carbonlab UsageTable columns (applied after classification).
VARIABLE_MAP = {"ChargePeriodStart": "start", "ChargePeriodEnd": "end", "SubAccountId": "account",
                "ProviderName": "provider", "RegionId": "region", "ServiceName": "service",
                "ConsumedQuantity": "quantity", "ConsumedUnit": "unit", "BilledCost": "cost"}

PROVIDERS = {"aws": "aws", "amazon web services": "aws", "google cloud": "gcp", "google": "gcp",
             "gcp": "gcp", "microsoft": "azure", "azure": "azure", "microsoft azure": "azure"}


def read_focus(path, *, lenient: bool = False) -> pd.DataFrame:
    """Read a FOCUS export into a UsageTable.

    Parameters
    ----------
    path : str or path-like
        A ``.csv``, ``.csv.gz`` or ``.parquet`` file.
    lenient : bool, default False
        Rows with a value that cannot be parsed go to the ``unattributed``
        bucket (kind ``unknown`` with a ``note``) instead of raising.

    Returns
    -------
    pandas.DataFrame
        A UsageTable; ``source_file`` is the file name and ``source_row`` the
        1-based data row.

    Raises
    ------
    ValueError
        Missing required columns (named), or a value that cannot be parsed
        (file, row and column named) unless ``lenient``.
    """
    path = Path(path)
    if path.suffix == ".parquet":
        raw = pd.read_parquet(path)
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    return parse_focus(raw, name=path.name, lenient=lenient)


def _parse_times(raw, col, name, lenient):
    values = pd.to_datetime(raw[col], utc=True, errors="coerce", format="ISO8601")
    bad = values.isna() & raw[col].notna()
    if bad.any() and not lenient:
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{name}: row {i + 1}, column {col}: cannot parse {raw[col].iloc[i]!r} as a date-time")
    return values, bad.to_numpy()


def _parse_numbers(raw, col, name, lenient):
    values = pd.to_numeric(raw[col], errors="coerce")
    bad = values.isna() & raw[col].notna()
    if bad.any() and not lenient:
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{name}: row {i + 1}, column {col}: cannot parse {raw[col].iloc[i]!r} as a number")
    return values.astype(float), bad.to_numpy()


def parse_focus(raw: pd.DataFrame, *, name: str = "<FOCUS data>", lenient: bool = False) -> pd.DataFrame:
    """Turn a FOCUS table (as read, FOCUS column names) into a UsageTable; see :func:`read_focus`."""
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ValueError(f"{name}: not a FOCUS export, missing column(s) {missing}")
    raw = raw.reset_index(drop=True)
    n = len(raw)
    start, bad_s = _parse_times(raw, "ChargePeriodStart", name, lenient)
    end, bad_e = _parse_times(raw, "ChargePeriodEnd", name, lenient)
    qty, bad_q = _parse_numbers(raw, "ConsumedQuantity", name, lenient)
    cost, bad_c = _parse_numbers(raw, "BilledCost", name, lenient)
    provider = raw["ProviderName"].fillna("").str.strip().str.lower().map(PROVIDERS)
    if provider.isna().any() and not lenient:
        i = int(np.flatnonzero(provider.isna().to_numpy())[0])
        raise ValueError(f"{name}: row {i + 1}, column ProviderName: unknown provider {raw['ProviderName'].iloc[i]!r}")

    def col(c):
        return raw[c] if c in raw.columns else pd.Series(pd.NA, index=raw.index, dtype="object")

    itype = col("x_InstanceType").fillna(col("ResourceType")).astype("object")
    usage_type = col("x_UsageType").fillna(col("SkuMeter")).fillna(col("ChargeDescription")).fillna("").astype(str)
    region = col("RegionId").astype("object")
    region = region.where(provider != "azure", region.str.lower().str.replace(" ", "", regex=False))
    account = col("SubAccountId").fillna(col("BillingAccountId"))
    unit_info = raw["ConsumedUnit"].fillna("").str.strip().str.lower().map(classify.UNIT_ALIASES)
    unit = unit_info.map(lambda v: v[0] if isinstance(v, tuple) else None)
    family = unit_info.map(lambda v: v[1] if isinstance(v, tuple) else "other").to_numpy(dtype=object)

    kind = np.full(n, "unknown", dtype=object)
    note = np.full(n, "", dtype=object)
    quantity = qty.to_numpy().copy()
    out_unit = unit.to_numpy(dtype=object).copy()
    is_usage = (raw["ChargeCategory"].fillna("") == "Usage").to_numpy()
    note[~is_usage] = "not usage (" + raw["ChargeCategory"].fillna("none").astype(str)[~is_usage] + ")"
    unknown_meter = usage_type.str.contains(classify._UNKNOWN_METERS).to_numpy()
    note[is_usage & unknown_meter] = "no physical model for this usage type"
    live = is_usage & ~unknown_meter
    svc = raw["ServiceName"].fillna("").astype(str)

    inst = instances()
    stripped = itype.fillna("").astype(str).str.replace(r"^(db|cache)\.", "", regex=True)
    keys = pd.MultiIndex.from_arrays([provider.fillna(""), instance_key(stripped)])
    found = inst[["vcpu", "gpu_count"]].reindex(keys)
    known = found["vcpu"].notna().to_numpy()
    vcpu = found["vcpu"].to_numpy(dtype=float)
    gpus = found["gpu_count"].fillna(0.0).to_numpy(dtype=float)

    m = live & (family == "instance")
    kind[m & known] = "compute"
    quantity[m & known] = qty.to_numpy()[m & known] * vcpu[m & known]
    out_unit[m & known] = "vCPU-h"
    note[m & ~known] = "instance hours of an unknown instance type"
    m = live & (family == "vcpu")
    kind[m] = "compute"
    m = live & (family == "gpu")
    kind[m] = "gpu"
    lam = usage_type.str.contains("Lambda", case=False).to_numpy()
    m = live & (family == "capacity_seconds")
    kind[m & lam] = "compute"
    quantity[m & lam] = qty.to_numpy()[m & lam] / classify.LAMBDA_GB_PER_VCPU
    out_unit[m & lam] = "vCPU-s"
    kind[m & ~lam] = "memory"
    memory_words = usage_type.str.contains(classify._MEMORY_WORDS).to_numpy()
    m = live & (family == "capacity_time")
    kind[m & memory_words] = "memory"
    kind[m & ~memory_words] = "storage"
    m = live & (family == "capacity_month")
    kind[m] = "storage"
    gib_mo = (unit == "GiB-Mo").to_numpy()
    quantity[m & gib_mo] = quantity[m & gib_mo] * 1.073741824
    out_unit[m] = "GB-Mo"
    network = (raw.get("ServiceCategory", pd.Series("", index=raw.index)).fillna("") == "Networking").to_numpy().copy()
    network |= usage_type.str.contains(classify._NETWORK_WORDS).to_numpy()
    m = live & (family == "data")
    kind[m & network] = "network"
    note[m & ~network] = "data volume that is not network transfer"
    note[live & (family == "other")] = "unit not modelled: " + raw["ConsumedUnit"].fillna("none").astype(str)[
        live & (family == "other")]
    # memory rows in GB-h of storage families keep their unit; storage GB-h -> TB-h handled by units table

    cls, guessed = classify.storage_class(usage_type, svc)
    storage_class = np.where(kind == "storage", cls, None)
    codes = svc.map(classify.SERVICE_CODES).fillna(svc)
    replication = classify.replication_factor(provider.fillna(""), codes, usage_type)

    bad = bad_s | bad_e | bad_q | bad_c | provider.isna().to_numpy()
    kind[bad] = "unknown"
    note[bad] = "unparseable value (lenient)"
    table = pd.DataFrame({
        "start": start, "end": end, "account": account, "provider": provider.fillna("unknown"),
        "region": region, "service": svc, "kind": kind, "instance_type": np.where(known, stripped, itype),
        "quantity": np.where(kind == "unknown", qty.to_numpy(), quantity),
        "unit": np.where(kind == "unknown", raw["ConsumedUnit"].fillna("").to_numpy(dtype=object), out_unit),
        "storage_class": storage_class, "replication": replication, "utilization": np.nan,
        "cost": cost, "source_file": name, "source_row": np.arange(1, n + 1), "note": note,
        "storage_class_guessed": (kind == "storage") & guessed,
    })
    # GPU instances: the same line also reserves GPUs (CCF adds the GPU estimate to the CPU one)
    g = (table["kind"] == "compute").to_numpy() & (gpus > 0) & (family == "instance")
    if g.any():
        gpu_rows = table.loc[g].assign(kind="gpu", quantity=qty.to_numpy()[g] * gpus[g], unit="GPU-h", cost=0.0)
        table = pd.concat([table, gpu_rows], ignore_index=True)
    return schema.validate_usage_table(table, name=name)
