"""Per-record hardware coefficients from the shipped instance and coefficient tables.

Given usage records (provider, kind, instance type) and a coefficient set, look
up what the models of :mod:`carbonlab.models.energy` and :mod:`carbonlab.models.embodied`
need per record: watts per vCPU or per GPU (CCF's averaging and fallback
rules), the platform the instance is cut from, and its embodied emissions.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from carbonlab import datasets
from carbonlab.models import embodied
from carbonlab.models.energy import ccf_memory_beyond_benchmark, ccf_watts
from carbonlab.datasets.sites import FALLBACK_PREFIX

#: Burstable AWS families are cut from the platform of the closest standard family: CCF's
#: methodology page says "largest instance in the closest family" (microsite/docs/HowItWorks/
#: EmbodiedEmissions.md), while its code uses the t-family's own largest type (8 vCPU), which
#: charges a t3.medium a quarter of a whole server (CCF.md §7, §12).  CCF's TE for these families is
#: already the closest family's (t3 = m5, 1610.38 kg), so only the vCPU share changes.
BURSTABLE_PLATFORM_FAMILY = {("aws", "t2"): "m4", ("aws", "t3"): "m5", ("aws", "t3a"): "m5a", ("aws", "t4g"): "m6g"}

#: An ``instance_type`` of the form ``arch:<micro-architecture>`` names only the processor of a
#: record whose instance type is not billed (ARM Lambda: ``arch:AWS Graviton2``, as CCF maps it).
#: Its watts follow the architecture; its platform is unknown (no embodied estimate, reported).
ARCHITECTURE_PREFIX = "arch:"

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


def _embodied_platform_vcpu(provider: str, r: pd.Series) -> float:
    """vCPU of the platform an instance's embodied share is taken from (burstable rule above)."""
    family = BURSTABLE_PLATFORM_FAMILY.get((provider, r["family"]))
    if family is None:
        return float(r["platform_vcpu"])
    inst = instances()
    return float(inst.loc[provider].query("family == @family")["vcpu"].max())


def compute_coefficients(records: pd.DataFrame, coefficient_set: str, *,
                         embodied_model: str = "teads_baseline") -> pd.DataFrame:
    """Coefficients of compute records.

    Parameters
    ----------
    records : pandas.DataFrame
        Columns ``provider`` and ``instance_type``.
    coefficient_set : str
        ``ccf_2020`` or ``ccf_2026``.
    embodied_model : {"teads_baseline", "boavizta"}
        Where TE comes from: the instance table's ``embodied_kg`` shared by
        vCPU, or :func:`boavizta_embodied` (server TE by components, and the
        instance's share of it by component).

    Returns
    -------
    pandas.DataFrame
        Same index, columns ``min_watts``, ``max_watts`` (per vCPU) [W],
        ``vcpu`` [1], ``memory_extra_gb`` (memory beyond the SPECpower server
        per instance-hour, CCF's rule, AWS and Azure only) [GB],
        ``embodied_kg`` [kg] and ``resource_share`` [1] (instance vCPU /
        platform vCPU, or the Boavizta share; NaN for unknown types),
        ``known`` (bool).
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
        if itype.startswith(ARCHITECTURE_PREFIX):
            names = {a.lower(): a for a in tab["min"]}
            arch = "|".join(names.get(a.strip(), a.strip()) for a in itype[len(ARCHITECTURE_PREFIX):].split("|"))
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
                       resource_share=float(r["vcpu"]) / _embodied_platform_vcpu(provider, r))
        else:
            row.update(vcpu=np.nan, memory_extra_gb=0.0, embodied_kg=np.nan, resource_share=np.nan)
        rows.append(row)
    table = pd.DataFrame(rows, index=uniq)
    if embodied_model == "boavizta":
        boa = boavizta_embodied().reindex(pd.MultiIndex.from_tuples(list(uniq)))
        table["embodied_kg"] = boa["server_kg"].to_numpy()
        table["resource_share"] = boa["share"].to_numpy()
    elif embodied_model != "teads_baseline":
        raise ValueError(f"unknown embodied model {embodied_model!r} for the usage cube")
    return table.reindex(keys).set_axis(records.index)


#: Generic server of :func:`boavizta_embodied` for families without a row in ``platforms``: Boavizta's
#: default die area per core [mm2], vCPUs per socket (CCF's chip convention), module size [GB].
BOAVIZTA_GENERIC = {"die_mm2_per_core": 24.5, "vcpu_per_socket": 96, "module_gb": 32.0, "gpu_unit_kg": 150.0}


@functools.cache
def boavizta_embodied() -> pd.DataFrame:
    """Server TE and each instance type's share of it under Boavizta's component model.

    The server of a family is its row in the shipped ``platforms`` table, or
    else a generic server built from the instance table's platform (rules in
    ``datasets/platforms/DATACARD.md``).  The instance's share weights memory
    by memory share and everything else by vCPU share
    (:func:`carbonlab.models.embodied.boavizta_instance_share`).

    Returns
    -------
    pandas.DataFrame
        Indexed like :func:`instances`: ``server_kg`` (TE of the server) [kg],
        ``instance_kg`` (the instance's part of it over the server's life)
        [kg], ``share`` = instance_kg / server_kg [1], ``platform``
        (``"table"`` or ``"generic"``).
    """
    inst = instances()
    plat = datasets.load_table("platforms").set_index(["provider", "family"])
    keys = list(zip(inst.index.get_level_values(0), inst["family"]))
    listed = np.array([k in plat.index for k in keys])
    p = plat.reindex(keys)
    g = BOAVIZTA_GENERIC
    arm = inst["architecture"].str.contains("Graviton|Ampere", regex=True).to_numpy()
    pv = inst["platform_vcpu"].to_numpy(float)
    sockets = np.ceil(pv / g["vcpu_per_socket"])
    cores = np.where(arm, pv, pv / 2)
    gen_gpus = np.round(inst["gpu_count"].to_numpy(float) * pv / inst["vcpu"].to_numpy(float))
    pick = lambda col, generic: np.where(listed, p[col].to_numpy(float), generic)  # noqa: E731
    server_vcpu = pick("platform_vcpu", pv)
    server_mem = pick("platform_memory_gb", inst["platform_memory_gb"].to_numpy(float))
    parts = embodied.boavizta_server(
        cpu_die_mm2=pick("cpu_die_mm2", cores * g["die_mm2_per_core"] / sockets),
        cpu_units=pick("cpu_units", sockets),
        ram_gb=pick("ram_gb", np.full(len(inst), g["module_gb"])),
        ram_units=pick("ram_units", np.ceil(inst["platform_memory_gb"].to_numpy(float) / g["module_gb"])),
        ssd_gb=pick("ssd_gb", 0.0), ssd_units=pick("ssd_units", 0.0), hdd_units=pick("hdd_units", 0.0),
        psu_units=pick("psu_units", embodied.BOAVIZTA_PSU_UNITS),
        psu_unit_kg=pick("psu_unit_kg", embodied.BOAVIZTA_PSU_UNIT_KG),
        case=np.where(listed, p["case_type"].fillna("rack").to_numpy(dtype=object), "rack"),
        gpu_units=pick("gpu_units", gen_gpus), gpu_unit_kg=pick("gpu_unit_kg", g["gpu_unit_kg"]))
    server = sum(parts.values())
    share = embodied.boavizta_instance_share(parts, vcpu_share=inst["vcpu"].to_numpy(float) / server_vcpu,
                                             memory_share=inst["memory_gb"].to_numpy(float) / server_mem)
    return pd.DataFrame({"server_kg": server, "instance_kg": share, "share": share / server,
                         "platform": np.where(listed, "table", "generic")}, index=inst.index)


def boavizta_assumed(records: pd.DataFrame) -> list[str]:
    """Notes for the compute records whose server under :func:`boavizta_embodied` is the generic one."""
    compute = records[records["kind"] == "compute"]
    keys = pd.MultiIndex.from_arrays([compute["provider"].astype(str), instance_key(compute["instance_type"])])
    boa = boavizta_embodied()
    generic = sorted(k for k in keys.unique() if k in boa.index and boa.loc[k, "platform"] == "generic")
    return [f"{p}:{t} embodied (boavizta): no row in the platforms table, generic server from the instance "
            f"table ({boa.loc[(p, t), 'server_kg']:.1f} kg)" for p, t in generic]


#: Coefficient tables a usage cube reads per provider (file stem, what its rows give).
PROVIDER_TABLES = (("cpu_power", "watts per vCPU"), ("cpu_fallback", "fallback watts per vCPU"),
                   ("gpu_power", "watts per GPU"))


def coefficient_notes(providers, coefficient_set: str) -> list[str]:
    """The ``assumed`` notes of providers whose hardware coefficients are carbonlab fallbacks.

    CCF publishes no coefficients for some clouds (OCI); the shipped tables give them documented
    fallback rows whose ``source`` starts with :data:`carbonlab.datasets.sites.FALLBACK_PREFIX`.  A footprint whose
    usage comes from such a provider records it once per provider and table.

    Parameters
    ----------
    providers : sequence of str
        The providers of a footprint (e.g. its ``provider`` coordinate).
    coefficient_set : str

    Returns
    -------
    list of str

    Examples
    --------
    >>> coefficient_notes(["aws", "oci", "oci"], "ccf_2026")[0][:58]
    'oci watts per vCPU (ccf_2026): carbonlab fallback, OCI has'
    """
    notes = []
    wanted = sorted({str(p) for p in providers})
    for stem, what in PROVIDER_TABLES:
        t = datasets.load_table("coefficients", stem)
        t = t[(t["coefficient_set"] == coefficient_set) & t["provider"].isin(wanted)]
        fb = t[t["source"].astype(str).str.startswith(FALLBACK_PREFIX)]
        for provider, grp in fb.groupby("provider"):
            rule = grp["source"].iloc[0].split(" <- ")[0].removeprefix(FALLBACK_PREFIX + ": ")
            notes.append(f"{provider} {what} ({coefficient_set}): carbonlab fallback, {rule} ({stem}.csv)")
    return notes


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
