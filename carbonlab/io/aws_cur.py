"""AWS Cost and Usage Report: legacy CUR (CSV, gzip too) and CUR 2.0 (Parquet).

Both versions carry the same line items; legacy CUR names columns
``lineItem/UsageType``, CUR 2.0 ``line_item_usage_type`` and keeps product
attributes beyond the static ones in the ``product`` map column.  A legacy CUR
delivered for Athena (Parquet) also writes ``line_item_usage_type``: it is told
from CUR 2.0 by what only CUR 2.0 has (:data:`CUR2_ONLY`, :func:`cur_version`).

=====================================  ==============================  ==================  ==========================
legacy CUR column                      CUR 2.0 column                  carbonlab column    notes
=====================================  ==============================  ==================  ==========================
lineItem/UsageStartDate                line_item_usage_start_date      start               UTC
lineItem/UsageEndDate                  line_item_usage_end_date        end                 exclusive
lineItem/UsageAccountId                line_item_usage_account_id      account             payer account when empty
product/regionCode, product/region,    product_region_code,            region              row by row, the first that
lineItem/AvailabilityZone,             line_item_availability_zone,                        gives a region
product/location, product/fromRegion-  product_location, product_from_                     (:data:`REGION_CHAIN`)
Code, product/fromLocation             region_code, product_from_location
lineItem/ProductCode                   line_item_product_code          service             product name (``AmazonEC2``
                                                                                           -> Amazon Elastic Compute
                                                                                           Cloud), code if unknown
lineItem/LineItemType                  line_item_line_item_type        (classification)    Usage, DiscountedUsage,
                                                                                           SavingsPlanCoveredUsage are
                                                                                           usage; others unattributed
lineItem/UsageType                     line_item_usage_type            (classification)    e.g. ``USE1-BoxUsage:m5.large``
pricing/unit                           pricing_unit                    unit                ``Hrs``, ``GB-Mo``, ``GB``,
                                                                                           ``Lambda-GB-Second`` ...
product/instanceType                   product_instance_type           instance_type       else parsed from the usage type
product/vcpu                           product['vcpu']                 (quantity)          vCPUs of types the instance
                                                                                           table lacks
lineItem/UsageAmount                   line_item_usage_amount          quantity            canonical unit (x vCPU ...)
lineItem/UnblendedCost                 line_item_unblended_cost        cost                bill currency
=====================================  ==============================  ==================  ==========================

Classification (one rule set for both versions; CCF.md §8.1 where right):

* ``Hrs`` of an instance type: compute, vCPU-hours = hours x vCPU (instance
  table, else the report's vCPU); GPU instances add GPU-hours; burstable types
  carry their baseline as utilisation (:mod:`carbonlab.io.classify`).
* ``vCPU-Hours`` (Fargate): compute as billed.  ``DPU-Hour`` (Glue): 4 vCPU
  per DPU (AWS Glue documentation).  ``Fargate-GB-Hours``: memory (CCF counts
  it as SSD storage).
* ``GB-Mo``: storage in GB-months, converted with the real days of the month,
  **including** ``TimedStorage-ByteHrs`` (CCF reads these as byte-hours and
  shrinks S3 by ~10^12, CCF issue #1029).  SSD or HDD from the usage type and
  service; replication from CCF's rules.
* ``Lambda-GB-Second``: vCPU time at one vCPU per 1,769 MB (CCF: 1 GB-s = 1 vCPU-s).
* ``GB``: network when the usage type names outbound or inter-region transfer
  (CloudFront excluded, as in CCF); other data volumes are unattributed.
* ECS-on-EC2 and EMR-on-EKS hours would double count the EC2 instances
  (``excluded``); NAT gateways, load balancers, requests and scans have no
  physical model (unattributed, estimable by the cost ratio).

References
----------
AWS, *Data Exports User Guide*, "Table dictionary" for CUR 2.0 and "Line item
details" for legacy CUR, https://docs.aws.amazon.com/cur/latest/userguide/,
accessed 2026-11-22.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carbonlab.io import _chunks, _files, _providers, classify, tabular

#: Internal name -> the columns that can carry it, in every spelling (legacy ``lineItem/UsageType``,
#: CUR 2.0 and Athena/Parquet legacy ``line_item_usage_type``); the first present is used.
VARIABLE_MAP = {
    "start": ("lineItem/UsageStartDate", "line_item_usage_start_date"),
    "end": ("lineItem/UsageEndDate", "line_item_usage_end_date"),
    "account": ("lineItem/UsageAccountId", "line_item_usage_account_id"),
    "payer": ("bill/PayerAccountId", "bill_payer_account_id"),
    "product_code": ("lineItem/ProductCode", "line_item_product_code"),
    "line_item_type": ("lineItem/LineItemType", "line_item_line_item_type"),
    "usage_type": ("lineItem/UsageType", "line_item_usage_type"),
    "pricing_unit": ("pricing/unit", "pricing_unit"),
    "instance_type": ("product/instanceType", "product_instance_type"),
    "vcpu": ("product/vcpu", "product_vcpu", "product.vcpu"),
    "quantity": ("lineItem/UsageAmount", "line_item_usage_amount"),
    "cost": ("lineItem/UnblendedCost", "line_item_unblended_cost"),
    "currency": ("lineItem/CurrencyCode", "line_item_currency_code"),
}

#: Where a line's region comes from, tried row by row in this order (the first that gives a region
#: code wins): the region code, the older ``product/region`` column (CURs of 2018-2019 have no
#: ``product/regionCode``), the availability zone (``us-east-1a`` -> ``us-east-1``; Local and
#: Wavelength Zones -> their parent region), the location's display name (``US East (N. Virginia)``, the
#: regions dataset and :data:`AWS_LOCATION_ALIASES`), and for data transfer the region (or location) the
#: data leaves from.
REGION_CHAIN = (
    ("code", ("product/regionCode", "product_region_code")),
    ("code", ("product/region", "product_region")),
    ("zone", ("lineItem/AvailabilityZone", "line_item_availability_zone")),
    ("location", ("product/location", "product_location")),
    ("code", ("product/fromRegionCode", "product_from_region_code")),
    ("location", ("product/fromLocation", "product_from_location")),
)
REQUIRED = ("start", "end", "product_code", "usage_type", "quantity", "cost")

#: Pricing units told from the usage type, for lines (or files) without one: AWS names each usage type
#: after what it measures ("Understanding your AWS Cost and Usage Reports", usage type column), and
#: legacy CURs of 2018 leave ``pricing/unit`` empty on many lines (EBS volumes, data transfer, spot hours).
#: First match wins; a usage type none matches keeps no unit (unattributed, ``unit not modelled: none``).
UNIT_FROM_USAGE_TYPE = (
    (re.compile(r"Lambda-(?:Edge-)?GB-Second", re.I), "Lambda-GB-Second"),
    (re.compile(r"(?:Box|Spot|Dedicated|Heavy|Instance|Multi-AZ|Node|ReservedHost)Usage|ESInstance", re.I), "Hrs"),
    (re.compile(r"CPUCredits|Fargate-vCPU-Hours", re.I), "vCPU-Hours"),
    (re.compile(r"Fargate-GB-Hours", re.I), "GB-Hours"),
    (re.compile(r"VolumeUsage|SnapshotUsage|TimedStorage|StorageUsage|-Storage\b|ByteHrs|BackupUsage", re.I), "GB-Mo"),
    (re.compile(r"-Bytes\b|DataTransfer|Out-Bytes|In-Bytes", re.I), "GB"),
    (re.compile(r"Requests?\b", re.I), "Requests"),
)


def unit_from_usage_type(usage_type: pd.Series) -> pd.Series:
    """The pricing unit a usage type implies (:data:`UNIT_FROM_USAGE_TYPE`), None where none does."""
    ut = usage_type.fillna("").astype(str)
    out = pd.Series(None, index=ut.index, dtype=object)
    for pattern, unit in UNIT_FROM_USAGE_TYPE:
        hit = out.isna() & ut.str.contains(pattern)
        out[hit] = unit
    return out

#: Columns only CUR 2.0 has (its map columns and account names); a file with ``line_item_usage_type``
#: but none of these is a legacy CUR exported with Athena/Parquet column names.
CUR2_ONLY = ("product", "resource_tags", "cost_category", "discount", "bill_payer_account_name",
             "line_item_usage_account_name")

#: Line item types that are usage (CCF's Athena filter).
USAGE_LINE_TYPES = ("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage")

_INSTANCE_USAGE = re.compile(r"(?:BoxUsage|SpotUsage|DedicatedUsage|InstanceUsage|Multi-AZUsage|NodeUsage|"
                             r"ESInstance|Node|HeavyUsage|ReservedHostUsage)[^:]*:(.+)$|:(ml\.[^:]+)$", re.I)
#: AWS Glue: a DPU gives 4 vCPU and 16 GB (docs.aws.amazon.com/glue/latest/dg/add-job.html).
GLUE_VCPU_PER_DPU = 4.0

_UNIT_FAMILY = {"hrs": "instance", "hours": "instance", "hour": "instance", "vcpu-hours": "vcpu",
                "vcpu-hour": "vcpu", "dpu-hour": "dpu", "gb-mo": "month", "gb-month": "month", "gb-mp": "month",
                "gb-months": "month", "gb-hours": "gbh", "lambda-gb-second": "lambda", "gb-seconds": "lambda",
                "gb-second": "lambda", "seconds": "seconds", "second": "seconds", "gb": "data",
                "gigabytes": "data", "acu-hr": "acu", "acu-hours": "acu", "acu-hour": "acu"}


def _which(columns) -> dict[str, str]:
    have = set(columns)
    return {key: next(c for c in names if c in have) for key, names in VARIABLE_MAP.items()
            if any(c in have for c in names)}


def cur_version(columns) -> str | None:
    """``legacy``, ``legacy_snake`` or ``cur2`` from a file's columns, None if it is not a CUR.

    Legacy CURs name columns ``lineItem/UsageType``; CUR 2.0 and legacy CURs
    delivered for Athena (Parquet) both write ``line_item_usage_type``, and are
    told apart by what only CUR 2.0 has (:data:`CUR2_ONLY`: the ``product`` map
    column, account names).
    """
    cols = set(columns)
    if "lineItem/UsageType" in cols:
        return "legacy"
    if "line_item_usage_type" in cols:
        return "cur2" if cols & set(CUR2_ONLY) else "legacy_snake"
    return None


#: Descriptions of the CUR versions (:func:`carbonlab.io.describe_format`).
CUR_VERSIONS = {"legacy": "AWS CUR (legacy)", "legacy_snake": "AWS CUR (legacy, Athena/Parquet column names)",
                "cur2": "AWS CUR 2.0"}


def _location_table() -> dict[str, str]:
    from carbonlab import datasets

    t = datasets.load_table("regions")
    t = t[t["provider"] == "aws"]
    out = {}
    for code, name in zip(t["region"], t["name"]):
        for alias in (name, name.replace("Europe (", "EU ("), name.replace("São", "Sao"),
                      name.replace("GovCloud (", "AWS GovCloud (")):
            out[_location_key(alias)] = code
    out.update({_location_key(k): v for k, v in AWS_LOCATION_ALIASES.items()})
    return out


def _location_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name).lower()).strip()


#: Older location names that CURs carry and the regions table does not (AWS renamed "EU (...)" to
#: "Europe (...)" and "AWS GovCloud (US)" to "AWS GovCloud (US-West)"; Osaka was a Local Region).
AWS_LOCATION_ALIASES = {"AWS GovCloud (US)": "us-gov-west-1", "AWS GovCloud (US-West)": "us-gov-west-1",
                        "AWS GovCloud (US-East)": "us-gov-east-1", "Asia Pacific (Osaka-Local)": "ap-northeast-3",
                        "Middle East (Israel)": "il-central-1"}

#: An AWS region code (``us-east-1``, ``us-gov-west-1``, ``eu-central-2``).
REGION_CODE = r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+"


def region_codes(values, how: str) -> np.ndarray:
    """Region codes from distinct values of a region-bearing column (None where none).

    Parameters
    ----------
    values : array_like of str or None
    how : {"code", "zone", "location"}
        ``code``: a region code as it is; ``zone``: an availability zone, or a
        Local/Wavelength Zone, reduced to its parent region
        (``us-west-2-lax-1a`` -> ``us-west-2``); ``location``: a display name
        (``US East (N. Virginia)``, older ``EU (Ireland)``).
    """
    s = pd.Series(np.asarray(values, dtype=object), dtype=object)
    text = s.where(s.notna(), "").astype(str).str.strip()
    if how == "code":
        out = text.where(text.str.fullmatch(REGION_CODE), None)
    elif how == "zone":
        out = text.str.extract(f"^({REGION_CODE})")[0]
    else:
        table = _location_table()
        out = text.map(lambda v: table.get(_location_key(v)))
    return np.array([v if isinstance(v, str) and v else None for v in out], dtype=object)


def aws_rules(keys: pd.DataFrame) -> pd.DataFrame:
    """Classes of distinct CUR keys (see the module docstring).

    Parameters
    ----------
    keys : pandas.DataFrame
        Columns ``line_item_type``, ``product_code``, ``usage_type``,
        ``pricing_unit``, ``instance_type``, ``vcpu`` (strings or None).

    Returns
    -------
    pandas.DataFrame
        A class table (:data:`carbonlab.io._chunks.CLASS_COLUMNS`).
    """
    cls = _chunks.class_table(len(keys), keys.index)
    ut = keys["usage_type"].fillna("").astype(str)
    billed_unit = keys["pricing_unit"].where(keys["pricing_unit"].fillna("") != "", unit_from_usage_type(ut))
    unit = billed_unit.fillna("").astype(str)
    code = keys["product_code"].fillna("").astype(str)
    cls["unit"] = billed_unit
    live = _usage_lines(cls, keys["line_item_type"], ut, code, unit)
    fam = _unit_families(unit, ut)
    _instance_hours(cls, live & (fam == "instance"), keys, ut)
    _processor_time(cls, live, fam, ut)
    _capacity(cls, live, fam, ut, code.map(_providers.AWS_SERVICE_NAMES).fillna(code))
    _data(cls, live & (fam == "data"), ut)
    m = live & (fam == "other")
    _chunks.assign(cls, m, note="unit not modelled: " + unit.replace("", "none"))
    cls["replication"] = classify.replication_factor(pd.Series("aws", index=keys.index), code, ut)
    return _chunks.finish(cls, billed_unit, note="no physical model for this usage type")


def _usage_lines(cls, line_item_type, ut, code, unit) -> np.ndarray:
    """Lines that are usage, with no note of the shared rules (:func:`carbonlab.io.classify.line_notes`)."""
    lit = line_item_type.fillna("Usage").astype(str)    # a CUR subset without line item types
    usage = lit.isin(USAGE_LINE_TYPES).to_numpy()
    _chunks.assign(cls, ~usage, note="not usage (" + lit.replace("", "none") + ")")
    notes = classify.line_notes(ut, code, unit)
    _chunks.assign(cls, usage & (notes != ""), note=notes)
    return usage & (notes == "")


def _unit_families(unit: pd.Series, ut: pd.Series) -> np.ndarray:
    """Family of each pricing unit (:data:`_UNIT_FAMILY`); Lambda's seconds are GB-seconds, others none."""
    fam = unit.str.lower().map(_UNIT_FAMILY).fillna("other").to_numpy(dtype=object)
    lam = ut.str.contains("Lambda-GB-Second|Lambda-Provisioned-GB-Second|Lambda-Edge-GB-Second", case=False).to_numpy()
    fam = np.where(lam & np.isin(fam, ["lambda", "seconds"]), "lambda", fam)
    return np.where((fam == "seconds") & ~lam, "other", fam)


def _instance_hours(cls, m, keys, ut) -> None:
    """Instance hours: vCPU-hours of the type (instance table, else the report's vCPU, else its size)."""
    groups = ut.str.extract(_INSTANCE_USAGE)
    parsed = groups[0].where(groups[0].notna(), groups[1])
    itype = classify.normalise_instance_type(keys["instance_type"].where(keys["instance_type"].notna(), parsed))
    attrs = classify.instance_attributes(pd.Series("aws", index=keys.index), itype)
    report_vcpu = pd.to_numeric(keys["vcpu"], errors="coerce").to_numpy(dtype=float)
    vcpu = np.where(attrs["known"].to_numpy(), attrs["vcpu"].to_numpy(), report_vcpu)
    vcpu = np.where(np.isfinite(vcpu), vcpu, attrs["vcpu_by_size"].to_numpy())   # a type the table lacks
    ok = m & np.isfinite(vcpu) & (vcpu > 0)
    _chunks.assign(cls, ok, kind="compute", unit="vCPU-h", factor=vcpu, instance_type=itype,
                   utilization=attrs["burstable_baseline"].to_numpy(), gpu_factor=attrs["gpu_count"].to_numpy())
    _chunks.assign(cls, m & ~ok, note="instance hours without a vCPU count (type not in the instance table)")


def _processor_time(cls, live, fam, ut) -> None:
    """vCPU-hours (Fargate, CPU credits), Glue DPU-hours, Aurora ACU-hours and Lambda GB-seconds."""
    for family, factor in (("vcpu", 1.0), ("dpu", GLUE_VCPU_PER_DPU), ("acu", classify.AURORA_VCPU_PER_ACU)):
        _chunks.assign(cls, live & (fam == family), kind="compute", unit="vCPU-h", factor=factor)
    credits = live & (fam == "vcpu") & ut.str.contains("CPUCredits", case=False).to_numpy()
    _chunks.assign(cls, credits, utilization=1.0)   # surplus credits: vCPU time at 100 % above the baseline
    m = live & (fam == "lambda")
    _chunks.assign(cls, m, kind="compute", unit="vCPU-s", factor=1.0 / classify.LAMBDA_GB_PER_VCPU)
    arm = m & ut.str.upper().str.endswith("-ARM").to_numpy()
    _chunks.assign(cls, arm, instance_type=classify.LAMBDA_ARM_ARCHITECTURE)


def _capacity(cls, live, fam, ut, service_name) -> None:
    """GB-hours (Fargate memory, else storage) and GB-months (storage), SSD or HDD."""
    fargate_mem = ut.str.contains("Fargate-GB-Hours|Fargate-EphemeralStorage", case=False).to_numpy()
    m = live & (fam == "gbh")
    _chunks.assign(cls, m & fargate_mem, kind="memory")
    _chunks.assign(cls, m & ~fargate_mem, kind="storage")
    _chunks.assign(cls, m, unit="GB-h")
    _chunks.assign(cls, live & (fam == "month"), kind="storage", unit="GB-Mo")
    classify.set_storage_class(cls, ut, service_name)


def _data(cls, m, ut) -> None:
    """Data volumes: network where they leave a data centre (inbound inter-region bytes excluded)."""
    net = classify.is_network(ut)
    _chunks.assign(cls, m & net, kind="network", unit="GB")
    _chunks.assign(cls, m & ~net, note="data volume that is not transfer out of a data centre")
    inbound = m & ut.str.contains(classify.INTER_REGION_IN).to_numpy()
    _chunks.assign(cls, inbound, note=classify.INTER_REGION_IN_NOTE)


class _CurReader:
    """State of one CUR file read in batches (classes are shared across batches)."""

    def __init__(self, path, *, lenient: bool, version: str | None = None):
        self.path = Path(path)
        self.name = self.path.name
        self.lenient = lenient
        cols = tabular.column_names(self.path)
        self.version = version or cur_version(cols)
        if self.version is None:
            raise ValueError(f"{self.name}: not an AWS Cost and Usage Report (no lineItem/UsageType or "
                             "line_item_usage_type column)")
        self.cols = _which(cols + (["product.vcpu"] if "product" in cols else []))
        missing = [k for k in REQUIRED if k not in self.cols]
        if missing:
            names = [VARIABLE_MAP[k][0 if self.version == "legacy" else 1] for k in missing]
            raise ValueError(f"{self.name}: {CUR_VERSIONS[self.version]} file is missing column(s) {names}")
        have = set(cols)
        self.region_chain = [(how, c) for how, names in REGION_CHAIN for c in names if c in have]
        self.keys = _chunks.KeyTable(aws_rules, ["line_item_type", "product_code", "usage_type", "pricing_unit",
                                                   "instance_type", "vcpu"])

    def _read_columns(self) -> list[str]:
        cols = [c for k, c in self.cols.items() if k != "vcpu"] + [c for _, c in self.region_chain]
        vc = self.cols.get("vcpu")
        if vc and vc != "product.vcpu":
            cols.append(vc)
        return list(dict.fromkeys(cols))

    def _region(self, t: pa.Table):
        """Each row's region: the first step of :data:`REGION_CHAIN` that gives one."""
        region = (np.full(t.num_rows, -1, dtype=np.int64), np.array([], dtype=object))
        for how, c in self.region_chain:   # the next column only for the rows still without a region
            step = tabular.map_codes(tabular.codes(t.column(c)), lambda cats, how=how: region_codes(cats, how))
            region = tabular.coalesce(region, step)
            if not (region[0] < 0).any():
                break
        return region

    def chunks(self, batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
        return tabular.chunks(self.path, self._read_columns(), self._chunk, batch_rows=batch_rows,
                              numeric=[self.cols["quantity"], self.cols["cost"]])

    def _vcpu(self, t: pa.Table, fetch):
        """The report's vCPU column; CUR 2.0's ``product`` map is read only when the instance
        table lacks one of the batch's instance types (reading the map costs more than the rest)."""
        c = self.cols.get("vcpu")
        if c != "product.vcpu":
            return tabular.column(t, c)
        it = self.cols.get("instance_type")
        if it is not None and fetch is not None:
            _, cats = tabular.codes(t.column(it))
            types = classify.normalise_instance_type(pd.Series(cats, dtype=object))
            attrs = classify.instance_attributes(pd.Series("aws", index=types.index), types)
            if attrs["known"].all():
                return pa.nulls(t.num_rows, pa.string())
        prod = fetch("product") if fetch is not None else None
        if prod is None or not pa.types.is_map(prod.type):
            return pa.nulls(t.num_rows, pa.string())
        return pc.map_lookup(prod, pa.scalar("vcpu", type=prod.type.key_type), "first")

    def _col(self, t: pa.Table, key: str):
        return tabular.column(t, self.cols.get(key))

    def _chunk(self, t: pa.Table, first: int, fetch=None) -> pd.DataFrame:
        c = self.cols
        (start, end, qty, cost), bad = tabular.parse_columns(
            t, [(tabular.times, c["start"]), (tabular.times, c["end"]), (tabular.numbers, c["quantity"]),
                (tabular.numbers, c["cost"])], name=self.name, first_row=first, lenient=self.lenient)
        coded = [tabular.codes(self._vcpu(t, fetch) if k == "vcpu" else self._col(t, k)) for k in self.keys.columns]
        key = self.keys.lookup(coded)
        pc_codes, pc_cats = coded[1]
        service = tabular.unique_categories(pc_codes, np.array([_providers.AWS_SERVICE_NAMES.get(c, c)
                                                                for c in pc_cats], dtype=object))
        account = tabular.coalesce(tabular.codes(self._col(t, "account")), tabular.codes(self._col(t, "payer")))
        return _chunks.usage_chunk(self.keys.classes, key, start_ns=start, end_ns=end, quantity=qty, cost=cost,
                                   provider="aws", region=self._region(t), service=service, account=account,
                                   source_file=self.name, first_row=first, bad=bad, raw_unit=coded[3],
                                   currency=tabular.codes(self._col(t, "currency")))


#: The columns that identify a line item: "LineItemId and TimeInterval together are unique within a report
#: version" (AWS, "Identity details", Data Exports User Guide).
IDENTITY = (("identity/LineItemId", "identity_line_item_id"),
            ("identity/TimeInterval", "identity_time_interval", "lineItem/UsageStartDate",
             "line_item_usage_start_date"))


def duplicate_line_items(path) -> pd.DataFrame:
    """Lines of a CUR that repeat an earlier line item (same ``LineItemId`` and ``TimeInterval``, or
    usage start where a file has no ``TimeInterval``).

    carbonlab counts every line as billed and does not deduplicate (reading the
    identity columns would double the reader's time): a file holding two report
    versions of the same month, or a month concatenated twice, counts the
    repeats twice.  This check finds them (``carbonlab estimate`` runs it and
    says how many it found).

    Returns
    -------
    pandas.DataFrame
        ``row`` (1-based data row of the repeat) and ``first_row`` (the line
        it repeats); empty when the file has no identity columns or no repeats.
    """
    with _files.reading(path):
        return _duplicate_line_items(path)


def _duplicate_line_items(path) -> pd.DataFrame:
    cols = tabular.column_names(path)
    names = [next((c for c in alts if c in cols), None) for alts in IDENTITY]
    if None in names:
        return pd.DataFrame({"row": pd.Series(dtype=np.int64), "first_row": pd.Series(dtype=np.int64)})
    hashes = []
    for t, _ in tabular.iter_tables(path, names, prefetch=False):
        pair = pd.DataFrame({n: tabular.strings(t.column(n)) for n in names})
        hashes.append(pd.util.hash_pandas_object(pair, index=False).to_numpy())
    h = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
    _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    repeat = np.flatnonzero(first[inverse] != np.arange(len(h)))
    return pd.DataFrame({"row": repeat + 1, "first_row": first[inverse[repeat]] + 1})


def iter_aws_cur(path, *, lenient: bool = False, batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """Read a CUR in batches; yields UsageTable chunks (categorical string columns)."""
    yield from tabular.prefetched(_CurReader(path, lenient=lenient).chunks(batch_rows))


def read_aws_cur(path, *, lenient: bool = False) -> pd.DataFrame:
    """Read an AWS Cost and Usage Report (legacy CSV or CUR 2.0 Parquet) into a UsageTable.

    Parameters
    ----------
    path : str or path-like
        Legacy CUR ``.csv`` / ``.csv.gz`` or CUR 2.0 ``.parquet`` (also a
        legacy-named Parquet or a CUR 2.0 CSV: the version is told from the columns).
    lenient : bool, default False
        Rows with a value that cannot be parsed become ``unknown`` rows with
        the note ``unparseable value (lenient)`` instead of raising.

    Returns
    -------
    pandas.DataFrame
        A UsageTable (see the module docstring for the columns); ``source_row``
        is the 1-based data row; GPU instances add a ``gpu`` row per line;
        ``attrs["source_format"]`` names the version read.

    Raises
    ------
    ValueError
        Missing columns (named) or, unless ``lenient``, a value that cannot be
        parsed (file, row and column named).
    """
    reader = _CurReader(path, lenient=lenient)
    return _chunks.concat_chunks(list(reader.chunks()), reader.name, f"aws_cur_{reader.version}")
