"""Oracle Cloud Infrastructure (OCI) cost reports (CSV, gzip too; Oracle's own format, not FOCUS).

A cost report has one row per resource, SKU and hour (``lineItem/intervalUsageStart`` to
``lineItem/intervalUsageEnd``), with the quantity billed in the SKU's unit.  Column names are matched
case-insensitively (Oracle's schema writes ``lineItem/TenantId``, the files ``lineItem/tenantId``).

===========================  ==================  ==========================================================
OCI column                   carbonlab column    notes
===========================  ==================  ==========================================================
lineItem/intervalUsageStart  start               UTC (``2023-11-13T10:00Z``)
lineItem/intervalUsageEnd    end                 exclusive
lineItem/tenantId            account             the tenancy OCID
product/region               region              region identifier (``us-ashburn-1``); display names and
                                                 region keys are normalised (:func:`normalise_oci_region`)
product/service              service             service code (``COMPUTE``, ``BLOCK_STORAGE``, ``OBJECTSTORE``)
product/Description          (classification)    the SKU's name (``Standard - E4``, ``Block Volume - Storage``)
cost/billingUnitReadable     unit, quantity      ``<pack> <size> <time> <measure>``: ``1 NONE HOURS OCPUS``,
                                                 ``1 GiB HOURS MEMORY``, ``1 GiB MONTHS STORAGE_SIZE``,
                                                 ``1 GiB HOURS DATA_TRANSFERRED``; the measure decides the kind
cost/skuUnitDescription      unit                ``OCPU Hours``, ``GB Hours``, ``GB Months``; read only where
                                                 ``billingUnitReadable`` is absent (it is not reliable alone:
                                                 outbound transfer is ``GB Months``)
usage/billedQuantity         quantity            in the SKU's unit, overage included
cost/myCost                  cost                bill currency (``cost/currencyCode``), overage included
lineItem/isCorrection        (none)              corrections are placed like any usage line (below)
===========================  ==================  ==========================================================

Classification, by the measure of ``cost/billingUnitReadable``:

* ``OCPUS`` hours: compute, vCPU-hours = OCPU-hours x vCPUs per OCPU: 2 on x86 (Intel, AMD), 1 on Ampere
  A1 and 2 on Ampere A2 (Oracle, "Compute Shapes": "1 OCPU on Arm A1 = 1 core or 1 vCPU; 1 OCPU on Arm A2 =
  2 cores or 2 vCPUs"); other Arm shapes stay unattributed (Oracle states no ratio for them).  Shapes whose
  processor Oracle documents get its micro-architecture (``Standard - E4``: AMD EPYC 7J13, 3rd Gen) as
  ``arch:<name>`` instance type, the rest the cloud's fallback watts; none has a platform, so no
  embodied estimate (reported).  Windows and SQL Server licences priced per OCPU-hour are excluded: they
  count the OCPUs of a compute line again.
* ``MEMORY``: memory GB-hours (OCI bills flexible shapes' memory in its own line; counted in full, as
  CCF counts GCP's RAM SKUs).  ``STORAGE_SIZE``: storage; ``GiB MONTHS`` are GiB-months, converted with
  the real days of the row's month, since Oracle prorates storage "based on the number of seconds in a
  month" (Block Volume pricing).  Object and archive storage and container images are HDD, block, boot
  and MySQL volumes SSD, the rest SSD as a guess (CCF's rule, counted in the result).
* ``DATA_TRANSFERRED``: network where the SKU names outbound transfer (``Outbound Data Transfer Zone 1``),
  else unattributed (``Streaming - PUT or GET`` moves data into a service, not out of a data centre).
* ``GPUS`` hours: GPU-hours of the GPU model in the SKU's name (watts of the coefficient table, else its
  mean).  ``ECPUS`` (Autonomous Database, MySQL): unattributed, Oracle gives no vCPU equivalent of an ECPU.
  ``PERFORMANCE_UNITS`` (block volume VPUs), ``INSTANCE`` hours, requests, datapoints: unattributed.
* Sizes: ``GiB``/``TiB``/``MiB`` as the unit says (binary), converted exactly to decimal GB.
* Replication: carbonlab's OCI rules by analogy with AWS's (``datasets/coefficients/replication.csv``).

Corrections (``lineItem/isCorrection`` true, ``lineItem/backreferenceNo`` the corrected line) are new rows
(Oracle, "Cost and Usage Reports Overview"); they are placed like any usage line, so a negative
correction nets out against the line it corrects.  Oracle does not say whether a correction replaces or
adds to its line; carbonlab adds (the cube counts negative quantities in ``attrs['records_negative']``).

References
----------
Oracle, "Cost and Usage Reports Overview" (cost report schema),
https://docs.oracle.com/en-us/iaas/Content/Billing/Concepts/usagereportsoverview.htm, accessed 2026-12-02;
Oracle, "Compute Shapes", https://docs.oracle.com/en-us/iaas/Content/Compute/References/computeshapes.htm,
accessed 2026-12-02; Oracle, "Block Volumes Pricing" (footnote 1: per-second proration over the month),
https://www.oracle.com/cloud/storage/block-volumes/pricing/, accessed 2026-12-02; Oracle, "Regions and
Availability Domains", https://docs.oracle.com/en-us/iaas/Content/General/Concepts/regions.htm, accessed
2026-12-02.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from carbonlab import datasets
from carbonlab.core import units
from carbonlab.io import _chunks, classify, tabular

__all__ = ["VARIABLE_MAP", "OCPU_VCPU", "OCPU_VCPU_ARM", "OCI_REGION_KEYS", "oci_rules", "looks_like_oci",
           "iter_oci_cost", "read_oci_cost", "normalise_oci_region", "vcpu_per_ocpu", "parse_billing_unit"]

#: carbonlab field -> OCI cost report columns (matched case-insensitively, first present wins).
VARIABLE_MAP = {
    "start": ("lineItem/intervalUsageStart",),
    "end": ("lineItem/intervalUsageEnd",),
    "account": ("lineItem/tenantId",),
    "region": ("product/region",),
    "service": ("product/service",),
    "description": ("product/Description",),
    "unit_readable": ("cost/billingUnitReadable",),
    "unit": ("cost/skuUnitDescription",),
    "quantity": ("usage/billedQuantity",),
    "cost": ("cost/myCost",),
    "currency": ("cost/currencyCode",),
}
REQUIRED = ("start", "end", "region", "service", "description", "quantity", "cost")

#: vCPUs per OCPU on x86 (Intel, AMD): "one OCPU is the equal of two vCPUs for x86-based compute"
#: (Oracle, "Compute Shapes", accessed 2026-12-02).
OCPU_VCPU = 2.0
#: vCPUs per OCPU of the Arm (Ampere) shapes Oracle states it for: "1 OCPU on Arm A1 (Compute) = 1 core on
#: Arm A1 (Compute) or 1 vCPU; 1 OCPU on Arm A2 (Compute) = 2 cores on Arm A2 (Compute) or 2 vCPUs" (ibid.).
OCPU_VCPU_ARM = {"A1": 1.0, "A2": 2.0}

#: Region keys -> region identifiers (``IAD`` -> ``us-ashburn-1``): Oracle's region table, as in
#: github.com/oracle/oci-python-sdk ``src/oci/regions_definitions.py`` @ 474b72d (UPL-1.0), for the realms
#: the regions dataset lists (oc1 commercial, oc2/oc3 US Government, oc4 UK Government, oc19 EU Sovereign).
OCI_REGION_KEYS = {
    "YNY": "ap-chuncheon-1", "HYD": "ap-hyderabad-1", "MEL": "ap-melbourne-1", "BOM": "ap-mumbai-1",
    "KIX": "ap-osaka-1", "ICN": "ap-seoul-1", "SYD": "ap-sydney-1", "NRT": "ap-tokyo-1", "YUL": "ca-montreal-1",
    "YYZ": "ca-toronto-1", "AMS": "eu-amsterdam-1", "FRA": "eu-frankfurt-1", "ZRH": "eu-zurich-1",
    "JED": "me-jeddah-1", "DXB": "me-dubai-1", "GRU": "sa-saopaulo-1", "CWL": "uk-cardiff-1", "LHR": "uk-london-1",
    "IAD": "us-ashburn-1", "PHX": "us-phoenix-1", "SJC": "us-sanjose-1", "VCP": "sa-vinhedo-1",
    "SCL": "sa-santiago-1", "MTZ": "il-jerusalem-1", "MRS": "eu-marseille-1", "SIN": "ap-singapore-1",
    "AUH": "me-abudhabi-1", "LIN": "eu-milan-1", "ARN": "eu-stockholm-1", "JNB": "af-johannesburg-1",
    "CDG": "eu-paris-1", "QRO": "mx-queretaro-1", "MAD": "eu-madrid-1", "ORD": "us-chicago-1",
    "MTY": "mx-monterrey-1", "AGA": "us-saltlake-2", "BOG": "sa-bogota-1", "VAP": "sa-valparaiso-1",
    "XSP": "ap-singapore-2", "RUH": "me-riyadh-1", "ONM": "ap-delhi-1", "HSG": "ap-batam-1", "ORF": "eu-madrid-3",
    "NRQ": "eu-turin-1", "JBP": "ap-kulai-2", "LEJ": "af-casablanca-1", "LFI": "us-langley-1", "LUF": "us-luke-1",
    "RIC": "us-gov-ashburn-1", "PIA": "us-gov-chicago-1", "TUS": "us-gov-phoenix-1", "LTN": "uk-gov-london-1",
    "BRS": "uk-gov-cardiff-1", "VLL": "eu-madrid-2", "STR": "eu-frankfurt-2",
}

#: Processor of the shapes Oracle's "Compute Shapes" page documents, as CCF's micro-architecture names
#: (the SKU names the shape series: ``Standard - E4``, ``Compute - Standard - X9 - OCPU``): E2 AMD EPYC 7551,
#: E3 EPYC 7742, E4 EPYC 7J13, E5 EPYC 9J14, E6 EPYC 9J45; X9 / Standard3 Xeon Platinum 8358 and Optimized3
#: Xeon Gold 6354 (Ice Lake); X7 / Standard2 / DenseIO2 Xeon Platinum 8167M (Skylake); X5 / Standard1
#: Xeon E5-2699 v3 (Haswell).  Ampere Altra (A1) and AmpereOne (A2) have no CCF coefficients.
SHAPE_ARCHITECTURES = [
    (re.compile(r"\bE2\b"), "AMD EPYC 1st Gen"), (re.compile(r"\bE3\b"), "AMD EPYC 2nd Gen"),
    (re.compile(r"\bE4\b"), "AMD EPYC 3rd Gen"), (re.compile(r"\bE5\b"), "AMD EPYC 4th Gen"),
    (re.compile(r"\bE6\b"), "AMD EPYC 5th Gen"),
    (re.compile(r"\bX9\b|Standard3|Optimized3"), "Ice Lake"),
    (re.compile(r"\bX7\b|Standard2|DenseIO2"), "Skylake"), (re.compile(r"\bX5\b|Standard1"), "Haswell"),
]
#: GPU models of OCI GPU SKUs (``Compute - GPU - A100``) -> names of the GPU coefficient table.
GPU_MODELS = [(re.compile(r"A100.*(?:80|v2)|A100-v2", re.I), "Nvidia A100 80GB"),
              (re.compile(r"\bA100\b", re.I), "Nvidia Tesla A100"), (re.compile(r"\bH100\b", re.I), "Nvidia H100"),
              (re.compile(r"\bH200\b", re.I), "Nvidia H200"), (re.compile(r"\bL40S\b", re.I), "Nvidia L40S"),
              (re.compile(r"\bV100\b", re.I), "Nvidia Tesla V100"),
              (re.compile(r"\bP100\b", re.I), "Nvidia Tesla P100")]

_ARM = re.compile(r"Ampere|\bArm\b|\bA\d\b", re.I)
_LICENCE = re.compile(r"Windows|SQL Server|Microsoft", re.I)
_HDD = re.compile(r"Object Storage|Archive Storage|Infrequent Access|Container Image|Backup", re.I)
_SSD = re.compile(r"Block Volume|Boot Volume|MySQL|PostgreSQL|NVMe", re.I)
#: Size units of ``cost/billingUnitReadable`` -> decimal GB (IEC 80000-13 binary prefixes, exact).
SIZES = {"GIB": units.GB_PER_GIB, "MIB": units.GB_PER_GIB / units.KIBI, "TIB": units.GB_PER_GIB * units.KIBI,
         "PIB": units.GB_PER_GIB * units.KIBI**2, "GB": 1.0, "MB": 1e-3, "TB": 1e3, "PB": 1e6, "GIGABYTE": 1.0,
         "GIGABYTES": 1.0, "TERABYTE": 1e3}
_TIMES = {"HOURS", "HOUR", "MONTHS", "MONTH", "SECONDS", "SECOND", "MILLIS", "MINUTES", "NONE"}


def parse_billing_unit(readable: pd.Series, unit: pd.Series, description: pd.Series) -> pd.DataFrame:
    """Pack, size, time and measure of each billing unit.

    ``cost/billingUnitReadable`` is structured ``<pack> <size> <time> <measure>`` (``1 GiB MONTHS
    STORAGE_SIZE``, older files ``ONE GiB MONTHS STORAGE_SIZE``, ``10000 HOURS REQUESTS``); where it is
    missing the measure is read from ``cost/skuUnitDescription`` (``OCPU Hours``, ``Gigabyte Per Hour``,
    ``GB Months``) and the SKU's name.

    Returns
    -------
    pandas.DataFrame
        ``pack`` (float), ``size`` (decimal GB per unit of size, NaN if none), ``time`` (``HOURS``,
        ``MONTHS``, ``SECONDS``, ``MILLIS`` or ``NONE``) and ``measure`` (``OCPUS``, ``MEMORY``, ...).
    """
    rows = []
    for text, u, d in zip(readable.tolist(), unit.tolist(), description.tolist()):
        rows.append(_parse_readable(text) if isinstance(text, str) and text.strip() else _parse_sku_unit(u, d))
    return pd.DataFrame(rows, columns=["pack", "size", "time", "measure"], index=readable.index)


def _parse_readable(text: str) -> tuple:
    tokens = text.split()
    pack = 1.0
    if tokens and (tokens[0].upper() == "ONE" or re.fullmatch(r"\d+(?:\.\d+)?", tokens[0])):
        pack = 1.0 if tokens[0].upper() == "ONE" else float(tokens.pop(0))
        if tokens and tokens[0].upper() == "ONE":
            tokens.pop(0)
    measure = tokens[-1].upper() if tokens else ""
    size, time = np.nan, "NONE"
    for t in tokens[:-1]:
        if t.upper() in SIZES:
            size = SIZES[t.upper()]
        elif t.upper() in _TIMES:
            time = {"HOUR": "HOURS", "MONTH": "MONTHS", "SECOND": "SECONDS"}.get(t.upper(), t.upper())
    return pack, size, time, measure


#: Measures told from ``cost/skuUnitDescription`` alone, first match wins (``OCPU Hours``, ``ECPU Hours``,
#: ``GPU Hours``; block volume performance units are named by the unit or the SKU).
_SKU_MEASURES = ((re.compile(r"\bOCPU", re.I), "OCPUS"), (re.compile(r"\bECPU", re.I), "ECPUS"),
                 (re.compile(r"\bGPU", re.I), "GPUS"))
_SKU_TIMES = ((re.compile(r"hour", re.I), "HOURS"), (re.compile(r"month", re.I), "MONTHS"),
              (re.compile(r"second", re.I), "SECONDS"))


def _sku_size(u: str) -> float:
    """Decimal GB per unit of size a ``skuUnitDescription`` names (``GiB``, ``TiB``, ``TB``, ``GB``), else NaN."""
    for name, size in (("GiB", SIZES["GIB"]), ("TiB", SIZES["TIB"])):
        if re.search(rf"\b{name}\b", u):
            return size
    if re.search(r"\bTB\b|Terabyte", u, re.I):
        return 1e3
    return 1.0 if re.search(r"\bGB\b|Gigabyte", u, re.I) else np.nan


def _sku_measure(u: str, d: str, size: float, time: str) -> str:
    """The measure of a SKU without ``billingUnitReadable``: from its unit, else from its size and name."""
    for pattern, measure in _SKU_MEASURES:
        if pattern.search(u):
            return measure
    if re.search(r"Performance Unit", u + " " + d, re.I):
        return "PERFORMANCE_UNITS"
    if np.isfinite(size):
        if classify.is_network(pd.Series([d]))[0] or re.search(r"Transferred", u, re.I):
            return "DATA_TRANSFERRED"
        return "MEMORY" if classify.is_memory(pd.Series([d]))[0] and time == "HOURS" else "STORAGE_SIZE"
    if re.search(r"instance|node", u, re.I) and time == "HOURS":
        return "INSTANCE"
    return u.upper() or "NONE"


def _parse_sku_unit(unit, description) -> tuple:
    u = unit if isinstance(unit, str) else ""
    d = description if isinstance(description, str) else ""
    size = _sku_size(u)
    time = next((t for pattern, t in _SKU_TIMES if pattern.search(u)), "NONE")
    return 1.0, size, time, _sku_measure(u, d, size, time)


def vcpu_per_ocpu(descriptions: pd.Series) -> np.ndarray:
    """vCPUs per OCPU of each SKU: 2 on x86, 1 on Ampere A1, 2 on Ampere A2, NaN on other Arm shapes.

    >>> vcpu_per_ocpu(pd.Series(["Standard - E4", "Compute - Ampere A1 - OCPU", "Standard - A2", "A4"])).tolist()
    [2.0, 1.0, 2.0, nan]
    """
    d = descriptions.fillna("").astype(str)
    out = np.full(len(d), OCPU_VCPU)
    arm = d.str.contains(_ARM).to_numpy()
    out[arm] = np.nan
    for shape, vcpu in OCPU_VCPU_ARM.items():
        out[d.str.contains(rf"\b{shape}\b").to_numpy()] = vcpu
    return out


def shape_architecture(descriptions: pd.Series) -> pd.Series:
    """``arch:<micro-architecture>`` of the shape a compute SKU names (:data:`SHAPE_ARCHITECTURES`), else None."""
    d = descriptions.fillna("").astype(str)
    out = pd.Series([None] * len(d), index=d.index, dtype=object)
    for pattern, arch in reversed(SHAPE_ARCHITECTURES):       # the first pattern that matches wins
        out[d.str.contains(pattern).to_numpy()] = "arch:" + arch
    return out


def _gpu_models(descriptions: pd.Series) -> pd.Series:
    d = descriptions.fillna("").astype(str)
    out = pd.Series("Nvidia " + d.str.extract(r"GPU\W+([A-Z]+\d+[A-Z]*)", flags=re.I)[0], index=d.index, dtype=object)
    for pattern, name in reversed(GPU_MODELS):
        out[d.str.contains(pattern).to_numpy()] = name
    return out.where(out.notna(), None)


def oci_rules(keys: pd.DataFrame) -> pd.DataFrame:
    """Classes of distinct OCI cost report keys (see the module docstring).

    Parameters
    ----------
    keys : pandas.DataFrame
        Columns ``service``, ``description`` (``product/Description``), ``unit``
        (``cost/skuUnitDescription``) and ``unit_readable`` (``cost/billingUnitReadable``).

    Returns
    -------
    pandas.DataFrame
        A class table (:data:`carbonlab.io._chunks.CLASS_COLUMNS`).
    """
    cls = _chunks.class_table(len(keys), keys.index)
    desc = keys["description"].fillna("").astype(str)
    raw_unit = keys["unit"].where(keys["unit"].notna(), keys["unit_readable"])
    cls["unit"] = raw_unit
    bu = parse_billing_unit(keys["unit_readable"], keys["unit"], desc)
    measure, time = bu["measure"].to_numpy(dtype=object), bu["time"].to_numpy(dtype=object)
    pack, size = bu["pack"].to_numpy(dtype=float), bu["size"].to_numpy(dtype=float)
    _processors(cls, desc, measure, time, pack)
    _capacity(cls, desc, measure, time, pack * size, np.isfinite(size))
    m = (measure == "DATA_TRANSFERRED") & np.isfinite(size)
    net = m & classify.is_network(desc)
    _chunks.assign(cls, net, kind="network", unit="GB", factor=pack * size)
    _chunks.assign(cls, m & ~net, note="data volume that is not transfer out of a data centre")
    _chunks.assign(cls, measure == "PERFORMANCE_UNITS", note="no physical model: block volume performance units "
                                                             "(a performance level, not a capacity)")
    _chunks.assign(cls, (measure == "INSTANCE") & (time == "HOURS"),
                   note="instance hours of a service without a vCPU count")
    rest = (cls["kind"] == "unknown").to_numpy() & (cls["note"] == "").to_numpy()
    _chunks.assign(cls, rest, note="unit not modelled: " + raw_unit.fillna("none").astype(str))
    cls["replication"] = classify.replication_factor(pd.Series("oci", index=keys.index), keys["service"], desc)
    return _chunks.finish(cls, raw_unit)


def _processors(cls, desc, measure, time, pack) -> None:
    """OCPU-hours as vCPU-hours (licences excluded; Arm shapes without a stated ratio noted), GPU-hours."""
    m = measure == "OCPUS"
    licence = m & desc.str.contains(_LICENCE).to_numpy()
    _chunks.assign(cls, licence, note="excluded: a licence priced per OCPU-hour of a compute line (would count "
                                      "it twice)")
    vcpu = vcpu_per_ocpu(desc)
    ok = m & ~licence & (time == "HOURS") & np.isfinite(vcpu)
    _chunks.assign(cls, ok, kind="compute", unit="vCPU-h", factor=pack * vcpu, instance_type=shape_architecture(desc))
    _chunks.assign(cls, m & ~licence & ~np.isfinite(vcpu), note="OCPUs of an Arm shape whose vCPUs per OCPU "
                                                                 "Oracle's shape documentation does not state")
    _chunks.assign(cls, measure == "ECPUS", note="ECPUs: Oracle defines no vCPU or core equivalent of an ECPU")
    m = (measure == "GPUS") & (time == "HOURS")
    _chunks.assign(cls, m, kind="gpu", unit="GPU-h", factor=pack, instance_type=_gpu_models(desc))


def _capacity(cls, desc, measure, time, gb, sized) -> None:
    """Memory and storage in GB-hours, GB-months or GB-seconds; storage HDD or SSD by the SKU."""
    for kind, measures in (("memory", ("MEMORY",)), ("storage", ("STORAGE_SIZE",))):
        m = np.isin(measure, measures) & sized
        for t, unit in (("HOURS", "GB-h"), ("MONTHS", "GB-Mo"), ("SECONDS", "GB-s")):
            _chunks.assign(cls, m & (time == t), kind=kind, unit=unit, factor=gb)
    storage = (cls["kind"] == "storage").to_numpy()
    sc, guessed = classify.storage_class(desc)
    hdd, ssd = desc.str.contains(_HDD).to_numpy(), desc.str.contains(_SSD).to_numpy()
    sc = np.where(hdd, "hdd", np.where(ssd, "ssd", sc))
    cls.loc[storage, "storage_class"] = sc[storage]
    cls.loc[storage, "storage_class_guessed"] = (guessed & ~hdd & ~ssd)[storage]


# ----------------------------------------------------------------------------------------- regions
def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


@functools.cache
def _region_lookup() -> tuple[dict, dict]:
    regions = datasets.load_table("regions")
    oci = regions[regions["provider"] == "oci"]
    exact = {r.lower(): r for r in oci["region"]}
    exact.update({k.lower(): r for k, r in OCI_REGION_KEYS.items()})
    exact.update({_fold(n): r for n, r in zip(oci["name"], oci["region"])})
    by_city: dict[str, set] = {}
    for n, r in zip(oci["name"], oci["region"]):
        city = re.search(r"\(([^)]*)\)", n)
        if city:
            by_city.setdefault(_fold(city.group(1)), set()).add(r)
    return exact, {c: next(iter(rs)) for c, rs in by_city.items() if len(rs) == 1}


def normalise_oci_region(names: pd.Series) -> pd.Series:
    """OCI region identifiers (``us-ashburn-1``) from what exports write; None where unknown.

    Accepted, case- and accent-insensitively: identifiers (``us-ashburn-1``), region keys (``IAD``,
    ``iad`` as in older OCIDs; :data:`OCI_REGION_KEYS`), Oracle's region names (``US East (Ashburn)``,
    ``Brazil East (São Paulo)``) and other names whose city in brackets names one region only
    (``Netherlands NW (Amsterdam)``).  Cities with several regions (Ashburn: commercial, US Gov, US DoD)
    need the full name.

    Examples
    --------
    >>> normalise_oci_region(pd.Series(["us-ashburn-1", "IAD", "Germany Central (Frankfurt)", "Mars", None])).tolist()
    ['us-ashburn-1', 'us-ashburn-1', 'eu-frankfurt-1', None, None]
    """
    exact, by_city = _region_lookup()

    def one(value):
        if not isinstance(value, str) or not value.strip():
            return None
        v = value.strip()
        found = exact.get(v.lower()) or exact.get(_fold(v))
        if found is None:
            city = re.search(r"\(([^)]*)\)", v)
            found = by_city.get(_fold(city.group(1))) if city else None
        return found

    uniq = pd.unique(names.astype(object))
    lut = {u: one(u) for u in uniq if isinstance(u, str)}
    return pd.Series([lut.get(v) if isinstance(v, str) else None for v in names.tolist()], index=names.index,
                     dtype=object)


# ----------------------------------------------------------------------------------------- reading
def _resolve(columns) -> dict[str, str]:
    lower = {c.lower(): c for c in columns}
    return {key: lower[a.lower()] for key, aliases in VARIABLE_MAP.items() for a in aliases if a.lower() in lower}


def looks_like_oci(columns) -> bool:
    """True for the columns of an OCI cost report (``lineItem/intervalUsageStart`` and ``usage/billedQuantity``)."""
    lower = {str(c).lower() for c in columns}
    return {"lineitem/intervalusagestart", "usage/billedquantity"} <= lower


class _OciReader:
    def __init__(self, path, *, lenient: bool):
        self.path = Path(path)
        self.name = self.path.name
        self.lenient = lenient
        columns = tabular.column_names(self.path)
        self.cols = _resolve(columns)
        missing = [VARIABLE_MAP[k][0] for k in REQUIRED if k not in self.cols]
        if "unit" not in self.cols and "unit_readable" not in self.cols:
            missing.append("cost/billingUnitReadable or cost/skuUnitDescription")
        if missing:
            what = ("an OCI usage report (no cost columns); read the cost report" if
                    "usage/consumedquantity" in {c.lower() for c in columns} else "not an OCI cost report")
            raise ValueError(f"{self.name}: {what}, missing column(s) {missing}")
        self.keys = _chunks.KeyTable(oci_rules, ["service", "description", "unit", "unit_readable"])

    def _col(self, t: pa.Table, key: str):
        return tabular.column(t, self.cols.get(key))

    def chunks(self, batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
        return tabular.chunks(self.path, list(self.cols.values()), self._chunk, batch_rows=batch_rows,
                              numeric=[self.cols["quantity"], self.cols["cost"]])

    def _chunk(self, t: pa.Table, first: int, fetch=None) -> pd.DataFrame:
        c = self.cols
        (start, end, qty, cost), bad = tabular.parse_columns(
            t, [(tabular.times, c["start"]), (tabular.times, c["end"]), (tabular.numbers, c["quantity"]),
                (tabular.numbers, c["cost"])], name=self.name, first_row=first, lenient=self.lenient)
        coded = [tabular.codes(self._col(t, k)) for k in self.keys.columns]
        key = self.keys.lookup(coded)
        region = tabular.map_codes(tabular.codes(self._col(t, "region")),
                                   lambda cats: normalise_oci_region(pd.Series(cats, dtype=object)).tolist())
        raw_unit = coded[2] if "unit" in self.cols else coded[3]
        return _chunks.usage_chunk(self.keys.classes, key, start_ns=start, end_ns=end, quantity=qty, cost=cost,
                                   provider="oci", region=region, service=coded[0],
                                   account=tabular.codes(self._col(t, "account")), source_file=self.name,
                                   first_row=first, bad=bad, raw_unit=raw_unit,
                                   currency=tabular.codes(self._col(t, "currency")))


def iter_oci_cost(path, *, lenient: bool = False, batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """Read an OCI cost report in batches; yields UsageTable chunks (categorical string columns)."""
    yield from tabular.prefetched(_OciReader(path, lenient=lenient).chunks(batch_rows))


def read_oci_cost(path, *, lenient: bool = False) -> pd.DataFrame:
    """Read an Oracle Cloud Infrastructure cost report into a UsageTable.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` or ``.csv.gz`` as Oracle writes them (a ``.parquet`` with the same columns also works).
    lenient : bool, default False
        Rows with a value that cannot be parsed become ``unknown`` rows with the note ``unparseable value
        (lenient)`` instead of raising.

    Returns
    -------
    pandas.DataFrame
        A UsageTable of hourly records (see the module docstring); ``source_row`` is the 1-based data row;
        ``attrs["source_format"]`` is ``oci_cost``.

    Raises
    ------
    ValueError
        Missing columns (named; an OCI *usage* report is told apart) or, unless ``lenient``, a value that
        cannot be parsed (file, row and column named).
    """
    reader = _OciReader(path, lenient=lenient)
    return _chunks.concat_chunks(list(reader.chunks()), reader.name, "oci_cost")
