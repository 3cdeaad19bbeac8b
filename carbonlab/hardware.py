"""Per-record hardware coefficients from the shipped instance and coefficient tables.

Given usage records (provider, kind, instance type) and a coefficient set, look
up what the models of :mod:`carbonlab.energy` and :mod:`carbonlab.embodied`
need per record: watts per vCPU or per GPU (CCF's averaging and fallback
rules), the platform the instance is cut from, and its embodied emissions.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from carbonlab import datasets
from carbonlab.energy import ccf_memory_beyond_benchmark, ccf_watts

#: Families whose chips CCF fixes at 2 regardless of vCPU count (``AWSMemoryEstimatesBuilder``).
_TWO_CHIP_FAMILIES = {"m5zn", "z1d"}


@functools.cache
def instances() -> pd.DataFrame:
    """The shipped instance-type table, indexed by (provider, lower-case instance type).

    Lookups are case-insensitive (Azure writes ``Standard_D4s_v3`` and
    ``standard_d4s_v3``); use :func:`instance_key` on the record side.
    """
    t = datasets.load_table("instances")
    t["architecture"] = t["architecture"].fillna("")
    t["gpu_model"] = t["gpu_model"].fillna("")
    t["instance_type"] = instance_key(t["instance_type"])
    return t.drop_duplicates(["provider", "instance_type"]).set_index(["provider", "instance_type"]).sort_index()


def instance_key(types: pd.Series) -> pd.Series:
    """Normalised instance-type key: stripped and lower-case (empty for missing)."""
    return types.fillna("").astype(str).str.strip().str.lower()


@functools.cache
def _cpu_tables(coefficient_set: str):
    power = datasets.load_table("coefficients", "cpu_power")
    power = power[power["coefficient_set"] == coefficient_set]
    fallback = datasets.load_table("coefficients", "cpu_fallback")
    fallback = fallback[fallback["coefficient_set"] == coefficient_set]
    if power.empty or fallback.empty:
        raise KeyError(f"no CPU coefficients for coefficient set {coefficient_set!r}")
    tables = {}
    for provider, grp in power.groupby("provider"):
        fb = fallback[fallback["provider"] == provider].iloc[0]
        spec = grp.dropna(subset=["memory_gb_per_chip"])
        tables[provider] = dict(
            min=dict(zip(grp["architecture"], grp["min_watts"])),
            max=dict(zip(grp["architecture"], grp["max_watts"])),
            spec=dict(zip(spec["architecture"], spec["memory_gb_per_chip"])),
            fallback_min=float(fb["min_watts"]), fallback_max=float(fb["max_watts"]),
            fallback_spec=float(fb["memory_gb_per_chip"]),
        )
    return tables


@functools.cache
def _gpu_table(coefficient_set: str):
    t = datasets.load_table("coefficients", "gpu_power")
    t = t[t["coefficient_set"] == coefficient_set]
    out = {}
    for provider, grp in t.groupby("provider"):
        out[provider] = {m: (float(a), float(b)) for m, a, b in zip(grp["gpu_model"], grp["min_watts"], grp["max_watts"])}
    return out


def _spec_memory(architectures: str, spec: dict, fallback: float) -> float:
    """CCF ``getMemory``: mean SPEC GB per chip over the list, else MEMORY_AVG."""
    names = [a for a in architectures.split("|") if a]
    values = [spec.get(a) for a in names]
    if not values or any(v is None for v in values):
        return fallback
    return float(sum(values) / len(values)) or fallback


def compute_coefficients(records: pd.DataFrame, coefficient_set: str) -> pd.DataFrame:
    """Coefficients of compute records.

    Parameters
    ----------
    records : pandas.DataFrame
        Columns ``provider`` and ``instance_type``.
    coefficient_set : str
        ``ccf_2020`` or ``ccf_2026``.

    Returns
    -------
    pandas.DataFrame
        Same index, columns ``min_watts``, ``max_watts`` (per vCPU) [W],
        ``vcpu`` [1], ``memory_extra_gb`` (memory beyond the SPECpower server
        per instance-hour, CCF's rule, AWS and Azure only) [GB],
        ``embodied_kg`` [kg] and ``resource_share`` [1] (instance vCPU /
        platform vCPU; NaN for unknown types), ``known`` (bool).
    """
    tables = _cpu_tables(coefficient_set)
    inst = instances()
    keys = pd.MultiIndex.from_arrays([records["provider"].astype(str), instance_key(records["instance_type"])])
    uniq = keys.unique()
    rows = []
    for provider, itype in uniq:
        tab = tables[provider]
        known = (provider, itype) in inst.index
        arch = inst.loc[(provider, itype), "architecture"] if known else ""
        row = dict(min_watts=ccf_watts(arch, tab["min"], tab["fallback_min"]),
                   max_watts=ccf_watts(arch, tab["max"], tab["fallback_max"]),
                   known=known)
        if known:
            r = inst.loc[(provider, itype)]
            burstable = pd.notna(r["burstable_baseline"])
            extra = 0.0
            if provider in ("aws", "azure") and not burstable:
                spec = _spec_memory(arch, tab["spec"], tab["fallback_spec"])
                vcpus_per_chip = r["platform_vcpu"] / 2 if r["family"] in _TWO_CHIP_FAMILIES else 96
                extra = float(ccf_memory_beyond_benchmark(r["memory_gb"], r["platform_vcpu"], r["platform_memory_gb"],
                                                          spec, vcpus_per_chip=vcpus_per_chip))
            row.update(vcpu=float(r["vcpu"]), memory_extra_gb=extra, embodied_kg=float(r["embodied_kg"]),
                       resource_share=float(r["vcpu"]) / float(r["platform_vcpu"]))
        else:
            row.update(vcpu=np.nan, memory_extra_gb=0.0, embodied_kg=np.nan, resource_share=np.nan)
        rows.append(row)
    table = pd.DataFrame(rows, index=uniq)
    return table.reindex(keys).set_axis(records.index)


def gpu_coefficients(records: pd.DataFrame, coefficient_set: str) -> pd.DataFrame:
    """Watts per GPU of GPU records.

    The record's ``instance_type`` is either a GPU model of the coefficient
    table (``"Nvidia Tesla T4"``, as GCP bills GPUs) or an instance type whose
    GPU model the instance table gives.  Unknown models get the mean of the
    provider's table (CCF's rule for GCP) and ``known = False``.

    Returns
    -------
    pandas.DataFrame
        ``min_watts``, ``max_watts`` [W], ``gpu_model``, ``known``.
    """
    tables = _gpu_table(coefficient_set)
    inst = instances()
    keys = pd.MultiIndex.from_arrays([records["provider"].astype(str), instance_key(records["instance_type"])])
    rows = []
    uniq = keys.unique()
    for provider, itype in uniq:
        tab = {m.lower(): v for m, v in tables.get(provider, {}).items()}
        names = {m.lower(): m for m in tables.get(provider, {})}
        model = itype if itype in tab else (str(inst.loc[(provider, itype), "gpu_model"]).lower()
                                           if (provider, itype) in inst.index else "")
        if model in tab:
            lo, hi = tab[model]
            rows.append(dict(min_watts=lo, max_watts=hi, gpu_model=names[model], known=True))
        else:
            lo = float(np.mean([v[0] for v in tab.values()])) if tab else np.nan
            hi = float(np.mean([v[1] for v in tab.values()])) if tab else np.nan
            rows.append(dict(min_watts=lo, max_watts=hi, gpu_model=model or "unknown", known=False))
    return pd.DataFrame(rows, index=uniq).reindex(keys).set_axis(records.index)
