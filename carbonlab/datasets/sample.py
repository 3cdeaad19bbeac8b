"""A fictional company's cloud usage, generated deterministically.

*Fjordline Analytics* runs a web product and a data platform on AWS, Google
Cloud and Azure: virtual machines, managed databases, object and block
storage, serverless functions, data transfer, GPU training and inference, and
some charges carbonlab cannot place (support, NAT gateways, query scans).
:func:`sample_resources` lists its resources; :func:`sample_usage_records`
draws their hourly (or daily) usage and cost from a seeded generator;
:func:`to_focus` writes the records as a FinOps FOCUS export, and
:func:`to_aws_cur`, :func:`to_gcp_billing` and :func:`to_azure_costs` write the
same usage as each cloud's own export (each for its cloud, in its native
units: CUR ``Hrs``/``GB-Mo``, GCP seconds and byte-seconds, Azure daily rows
with pack sizes such as ``10 Hours`` and disk-months of a P10 tier), so that
any reader gives the same footprint.  :func:`sample_charges` adds the lines
that are not usage (tax, credits, a reservation purchase).  The shipped sample
``datasets/sample_org/`` is the FOCUS output for ``seed=0``; the files of
``datasets/samples/`` are one week of it in every format.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

__all__ = ["sample_resources", "sample_usage_records", "sample_charges", "to_focus", "to_aws_cur", "to_gcp_billing",
           "to_azure_costs", "SAMPLE_START", "SAMPLE_END"]

SAMPLE_START = "2025-01-01"
SAMPLE_END = "2025-04-01"  # exclusive: three months, 2160 hours

# columns: provider, account, region, service, category, meter, instance_type, unit, quantity, price, shape, step
# quantity is per hour (per step for daily rows); price per unit of quantity (USD).
_R = [
    # --- AWS, account 1111 (product) and 2222 (data platform)
    ("aws", "111111111111", "us-east-1", "Amazon Elastic Compute Cloud", "Compute", "BoxUsage:m5.xlarge", "m5.xlarge", "Hours", 6, 0.192, "diurnal", "h"),
    ("aws", "111111111111", "us-east-1", "Amazon Elastic Compute Cloud", "Compute", "BoxUsage:c5.2xlarge", "c5.2xlarge", "Hours", 4, 0.34, "diurnal", "h"),
    ("aws", "111111111111", "us-east-1", "Amazon Elastic Compute Cloud", "Compute", "BoxUsage:t3.medium", "t3.medium", "Hours", 8, 0.0416, "steady", "h"),
    ("aws", "111111111111", "eu-west-1", "Amazon Elastic Compute Cloud", "Compute", "BoxUsage:m6g.large", "m6g.large", "Hours", 10, 0.086, "diurnal", "h"),
    ("aws", "111111111111", "eu-central-1", "Amazon Elastic Compute Cloud", "Compute", "BoxUsage:m5.2xlarge", "m5.2xlarge", "Hours", 3, 0.46, "steady", "h"),
    ("aws", "111111111111", "ap-southeast-1", "Amazon Elastic Compute Cloud", "Compute", "BoxUsage:c5.xlarge", "c5.xlarge", "Hours", 4, 0.196, "diurnal", "h"),
    ("aws", "111111111111", "eu-north-1", "Amazon Elastic Compute Cloud", "Compute", "BoxUsage:m5.large", "m5.large", "Hours", 6, 0.102, "steady", "h"),
    ("aws", "222222222222", "us-west-2", "Amazon Elastic Compute Cloud", "Compute", "BoxUsage:r5.2xlarge", "r5.2xlarge", "Hours", 5, 0.504, "batch", "h"),
    ("aws", "222222222222", "us-east-1", "Amazon Elastic Compute Cloud", "Compute", "BoxUsage:p3.2xlarge", "p3.2xlarge", "Hours", 2, 3.06, "batch", "h"),
    ("aws", "222222222222", "us-west-2", "Amazon Elastic Compute Cloud", "Compute", "BoxUsage:g5.xlarge", "g5.xlarge", "Hours", 2, 1.006, "diurnal", "h"),
    ("aws", "111111111111", "us-east-1", "Amazon Elastic Compute Cloud", "Storage", "EBS:VolumeUsage.gp3", "", "GB-Months", 4000, 0.08, "growth", "d"),
    ("aws", "111111111111", "eu-west-1", "Amazon Elastic Compute Cloud", "Storage", "EBS:VolumeUsage.st1", "", "GB-Months", 8000, 0.045, "growth", "d"),
    ("aws", "222222222222", "us-west-2", "Amazon Simple Storage Service", "Storage", "TimedStorage-ByteHrs", "", "GB-Months", 120000, 0.023, "growth", "d"),
    ("aws", "111111111111", "us-east-1", "Amazon Relational Database Service", "Databases", "Multi-AZUsage:db.r5.large", "r5.large", "Hours", 2, 0.5, "steady", "h"),
    ("aws", "111111111111", "us-east-1", "Amazon Relational Database Service", "Databases", "RDS:Multi-AZ-GP2-Storage", "", "GB-Months", 1000, 0.23, "growth", "d"),
    ("aws", "111111111111", "us-east-1", "AWS Lambda", "Compute", "Lambda-GB-Second", "", "GB-Seconds", 180000, 0.0000166667, "diurnal", "h"),
    ("aws", "111111111111", "eu-west-1", "AWS Lambda", "Compute", "Lambda-GB-Second-ARM", "", "GB-Seconds", 90000, 0.0000133334, "diurnal", "h"),
    ("aws", "111111111111", "us-east-1", "AWS Data Transfer", "Networking", "DataTransfer-Regional-Bytes", "", "GB", 40, 0.01, "diurnal", "h"),
    ("aws", "222222222222", "us-west-2", "AWS Data Transfer", "Networking", "DataTransfer-Regional-Bytes", "", "GB", 60, 0.01, "batch", "h"),
    ("aws", "111111111111", "us-east-1", "Amazon Virtual Private Cloud", "Networking", "NatGateway-Hours", "", "Hours", 2, 0.045, "steady", "h"),
    ("aws", "111111111111", "us-east-1", "Amazon DynamoDB", "Databases", "TimedStorage-ByteHrs", "", "GB-Months", 300, 0.25, "growth", "d"),
    ("aws", "111111111111", "us-east-1", "Amazon DynamoDB", "Databases", "ReadRequestUnits", "", "Requests", 2_000_000, 0.00000025, "diurnal", "h"),
    # --- Google Cloud, billing account 01A2B3-C4D5E6-F7A8B9
    ("gcp", "fjordline-prod", "europe-west1", "Compute Engine", "Compute", "N2 Instance Core running in Belgium", "n2-standard-8", "vCPU-Hours", 48, 0.0348, "diurnal", "h"),
    ("gcp", "fjordline-prod", "europe-west1", "Compute Engine", "Compute", "N2 Instance Ram running in Belgium", "n2-standard-8", "GiB-Hours", 192, 0.0047, "diurnal", "h"),
    ("gcp", "fjordline-prod", "us-central1", "Compute Engine", "Compute", "E2 Instance Core running in Americas", "e2-standard-4", "vCPU-Hours", 32, 0.0219, "steady", "h"),
    ("gcp", "fjordline-prod", "us-central1", "Compute Engine", "Compute", "E2 Instance Ram running in Americas", "e2-standard-4", "GiB-Hours", 128, 0.0029, "steady", "h"),
    ("gcp", "fjordline-data", "europe-west4", "Compute Engine", "Compute", "C2 Instance Core running in Netherlands", "c2-standard-16", "vCPU-Hours", 64, 0.0374, "batch", "h"),
    ("gcp", "fjordline-data", "europe-west4", "Compute Engine", "Compute", "C2 Instance Ram running in Netherlands", "c2-standard-16", "GiB-Hours", 256, 0.005, "batch", "h"),
    ("gcp", "fjordline-data", "us-central1", "Compute Engine", "Compute", "Nvidia Tesla T4 GPU running in Americas", "Nvidia T4", "GPU-Hours", 4, 0.35, "batch", "h"),
    ("gcp", "fjordline-data", "europe-west4", "Compute Engine", "Compute", "Nvidia Tesla A100 GPU running in Netherlands", "Nvidia Tesla A100", "GPU-Hours", 2, 2.93, "batch", "h"),
    ("gcp", "fjordline-data", "europe-west1", "Cloud Storage", "Storage", "Standard Storage Belgium", "", "GiB-Months", 60000, 0.02, "growth", "d"),
    ("gcp", "fjordline-prod", "europe-west1", "Compute Engine", "Storage", "SSD backed PD Capacity in Belgium", "", "GiB-Months", 2000, 0.17, "growth", "d"),
    ("gcp", "fjordline-prod", "asia-northeast1", "Cloud SQL", "Databases", "Cloud SQL for PostgreSQL: Zonal - vCPU in Tokyo", "", "vCPU-Hours", 4, 0.0413, "steady", "h"),
    ("gcp", "fjordline-prod", "asia-northeast1", "Cloud SQL", "Databases", "Cloud SQL for PostgreSQL: Zonal - RAM in Tokyo", "", "GiB-Hours", 16, 0.007, "steady", "h"),
    ("gcp", "fjordline-prod", "asia-northeast1", "Cloud SQL", "Databases", "Cloud SQL for PostgreSQL: Zonal - SSD storage in Tokyo", "", "GiB-Months", 500, 0.17, "growth", "d"),
    ("gcp", "fjordline-prod", "europe-west1", "Cloud Run", "Compute", "CPU Allocation Time", "", "vCPU-Seconds", 30000, 0.000024, "diurnal", "h"),
    ("gcp", "fjordline-prod", "europe-west1", "Cloud Run", "Compute", "Memory Allocation Time", "", "GiB-Seconds", 60000, 0.0000025, "diurnal", "h"),
    ("gcp", "fjordline-prod", "europe-west1", "Networking", "Networking", "Network Inter Region Data Transfer Out from Belgium to Netherlands", "", "GiB", 25, 0.02, "diurnal", "h"),
    ("gcp", "fjordline-data", "europe-west4", "BigQuery", "Analytics", "Analysis", "", "TiB", 0.05, 6.25, "batch", "h"),
    # --- Azure, subscription 3c1d...
    ("azure", "sub-fjordline-web", "westeurope", "Virtual Machines", "Compute", "D4s v3", "Standard_D4s_v3", "Hours", 6, 0.23, "diurnal", "h"),
    ("azure", "sub-fjordline-web", "northeurope", "Virtual Machines", "Compute", "E8s v4", "Standard_E8s_v4", "Hours", 2, 0.56, "steady", "h"),
    ("azure", "sub-fjordline-web", "eastus", "Virtual Machines", "Compute", "D2s v3", "Standard_D2s_v3", "Hours", 8, 0.096, "diurnal", "h"),
    ("azure", "sub-fjordline-web", "swedencentral", "Virtual Machines", "Compute", "F8s v2", "Standard_F8s_v2", "Hours", 3, 0.4, "batch", "h"),
    ("azure", "sub-fjordline-web", "westeurope", "Storage", "Storage", "P10 LRS Disk", "", "GiB-Months", 1280, 0.15, "growth", "d"),
    ("azure", "sub-fjordline-web", "westeurope", "Storage", "Storage", "Hot LRS Data Stored", "", "GB-Months", 30000, 0.0184, "growth", "d"),
    ("azure", "sub-fjordline-web", "northeurope", "SQL Database", "Databases", "vCore", "", "vCPU-Hours", 8, 0.25, "steady", "h"),
    ("azure", "sub-fjordline-web", "westeurope", "Functions", "Compute", "Execution Time", "", "GB-Seconds", 50000, 0.000016, "diurnal", "h"),
    ("azure", "sub-fjordline-web", "westeurope", "Bandwidth", "Networking", "Inter Region Data Transfer Out", "", "GB", 20, 0.02, "diurnal", "h"),
    ("azure", "sub-fjordline-web", "eastus", "Azure Kubernetes Service", "Compute", "Uptime SLA", "", "Hours", 1, 0.1, "steady", "h"),
]

_COLUMNS = ["provider", "account", "region", "service", "category", "meter", "instance_type", "unit",
            "quantity", "price", "shape", "step"]


def sample_resources() -> pd.DataFrame:
    """The fictional company's resources, one row each (see the module docstring)."""
    return pd.DataFrame(_R, columns=_COLUMNS)


def _shape(kind: str, hours: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    h = hours.hour.to_numpy()
    weekday = hours.day_of_week.to_numpy() < 5
    if kind == "diurnal":  # office-hours peak in the region's morning-to-evening (UTC approximation)
        f = 0.55 + 0.45 * np.clip(np.sin((h - 6) / 24 * 2 * np.pi), 0, None) * np.where(weekday, 1.0, 0.6)
    elif kind == "batch":  # nightly jobs 01:00-06:00 UTC, plus a weekday afternoon run
        f = np.where((h >= 1) & (h < 6), 1.0, 0.0) + np.where(weekday & (h >= 13) & (h < 16), 0.6, 0.0)
    elif kind == "growth":  # storage grows 15 % over the quarter
        t = (hours - hours[0]) / (hours[-1] - hours[0])
        f = 1.0 + 0.15 * np.asarray(t, dtype=float)
    else:
        f = np.ones(len(hours))
    return f * rng.normal(1.0, 0.03 if kind == "growth" else 0.08, len(hours)).clip(0.5, 1.5)


def sample_usage_records(seed: int = 0, start: str = SAMPLE_START, end: str = SAMPLE_END) -> pd.DataFrame:
    """Draw the company's usage, one row per resource and hour (storage per day).

    Parameters
    ----------
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same records.
    start, end : str
        Period, UTC, ``end`` exclusive.

    Returns
    -------
    pandas.DataFrame
        One row per resource and period with ``start``, ``end``, the resource
        columns of :func:`sample_resources`, ``quantity`` (in the resource's
        unit, for the whole period) and ``cost`` (USD).
    """
    rng = np.random.default_rng(seed)
    res = sample_resources()
    frames = []
    for i, r in res.iterrows():
        freq = "h" if r["step"] == "h" else "D"
        periods = pd.date_range(start, end, freq=freq, inclusive="left", tz="UTC")
        step_hours = 1.0 if freq == "h" else 24.0
        if r["unit"] in ("GB-Months", "GiB-Months"):
            # a month-based amount: capacity x fraction of the month in this period
            month_hours = periods.days_in_month.to_numpy() * 24.0
            per = r["quantity"] * step_hours / month_hours
        else:
            per = r["quantity"] * step_hours
        q = per * _shape(r["shape"], periods, rng)
        q = np.round(q, 6)
        keep = q > 0
        f = pd.DataFrame({
            "start": periods[keep], "end": periods[keep] + pd.Timedelta(hours=step_hours),
            "resource": i, "quantity": q[keep],
        })
        f["cost"] = np.round(f["quantity"] * r["price"], 6)
        frames.append(f)
    out = pd.concat(frames, ignore_index=True).merge(
        res.drop(columns=["quantity"]).rename_axis("resource").reset_index(), on="resource")
    return out.sort_values(["start", "resource"], kind="stable").reset_index(drop=True)


_PROVIDER_NAMES = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Microsoft"}
_BILLING_ACCOUNTS = {"aws": ("999999999999", "Fjordline Analytics"),
                     "gcp": ("01A2B3-C4D5E6-F7A8B9", "Fjordline Analytics"),
                     "azure": ("7d1e9c20-0000-4a4b-9c35-fjordline", "Fjordline Analytics EA")}


_FOCUS_12_ONLY = ["InvoiceId", "PricingCurrency", "BillingAccountType", "SubAccountType"]
_FOCUS_11_ONLY = ["ServiceSubcategory", "SkuMeter"]


def sample_charges(records: pd.DataFrame) -> pd.DataFrame:
    """Lines that are not usage for the period of ``records``: per provider and month a tax line
    (AWS, GCP: 1.5 % of the month's usage cost), one credit (AWS -25, GCP -10) and one Azure
    reservation purchase (100), all in USD.

    Returns
    -------
    pandas.DataFrame
        ``provider, account, start, end, category (Tax|Credit|Purchase), cost, description``.
    """
    month = records["start"].dt.tz_localize(None).dt.to_period("M")
    rows = []
    for (prov, per), grp in records.groupby([records["provider"], month], sort=True):
        start = per.to_timestamp().tz_localize("UTC")
        end = (per + 1).to_timestamp().tz_localize("UTC")
        account = grp["account"].iloc[0]
        if prov in ("aws", "gcp"):
            rows.append((prov, account, start, end, "Tax", round(0.015 * grp["cost"].sum(), 2), "Sales tax"))
    first = records["start"].min().floor("D")
    for prov, account, cost, cat, desc in (("aws", "111111111111", -25.0, "Credit", "Promotional credit"),
                                           ("gcp", "fjordline-prod", -10.0, "Credit", "PROMOTION"),
                                           ("azure", "sub-fjordline-web", 100.0, "Purchase",
                                            "Reserved VM Instance, D4s v3, 1 year")):
        if (records["provider"] == prov).any():
            rows.append((prov, account, first, first + pd.Timedelta(days=1), cat, cost, desc))
    return pd.DataFrame(rows, columns=["provider", "account", "start", "end", "category", "cost", "description"])


def to_focus(records: pd.DataFrame, charges: pd.DataFrame | None = None, *, version: str = "1.2") -> pd.DataFrame:
    """Write usage records (and optional charges) as a FinOps FOCUS cost and usage export.

    Mandatory FOCUS columns are filled; the instance type and the provider's
    usage type or meter travel in ``x_InstanceType`` and ``x_UsageType``
    (provider extension columns, FOCUS "x_" prefix).

    Parameters
    ----------
    records : pandas.DataFrame
        :func:`sample_usage_records`.
    charges : pandas.DataFrame, optional
        :func:`sample_charges`: rows with ``ChargeCategory`` Tax, Credit or Purchase.
    version : {"1.0", "1.1", "1.2"}
        Columns of that FOCUS version (1.0 has no ``SkuMeter``, 1.2 adds ``InvoiceId``...).

    Returns
    -------
    pandas.DataFrame
        One row per record (then per charge), in FOCUS column names.
    """
    r = records
    month_start = r["start"].dt.tz_localize(None).dt.to_period("M").dt.to_timestamp().dt.tz_localize("UTC")
    month_end = (month_start + pd.offsets.MonthBegin(1))
    out = pd.DataFrame({
        "BillingAccountId": r["provider"].map(lambda p: _BILLING_ACCOUNTS[p][0]),
        "BillingAccountName": r["provider"].map(lambda p: _BILLING_ACCOUNTS[p][1]),
        "BillingAccountType": "Billing Account",
        "BillingCurrency": "USD",
        "BillingPeriodStart": month_start,
        "BillingPeriodEnd": month_end,
        "ChargePeriodStart": r["start"],
        "ChargePeriodEnd": r["end"],
        "ChargeCategory": "Usage",
        "ChargeClass": None,
        "ChargeDescription": r["meter"],
        "ChargeFrequency": "Usage-Based",
        "InvoiceId": r["provider"] + "-" + month_start.dt.strftime("%Y%m"),
        "ProviderName": r["provider"].map(_PROVIDER_NAMES),
        "PublisherName": r["provider"].map(_PROVIDER_NAMES),
        "InvoiceIssuerName": r["provider"].map(_PROVIDER_NAMES),
        "ServiceName": r["service"],
        "ServiceCategory": r["category"],
        "ServiceSubcategory": None,
        "SubAccountId": r["account"],
        "SubAccountName": r["account"],
        "SubAccountType": "Account",
        "RegionId": r["region"],
        "RegionName": r["region"],
        "ResourceId": r["provider"] + "/" + r["region"] + "/" + r["resource"].astype(str),
        "ResourceType": r["instance_type"].replace("", None),
        "SkuId": r["meter"],
        "SkuMeter": r["meter"],
        "ConsumedQuantity": r["quantity"],
        "ConsumedUnit": r["unit"],
        "PricingQuantity": r["quantity"],
        "PricingUnit": r["unit"],
        "PricingCurrency": "USD",
        "ListCost": r["cost"],
        "BilledCost": r["cost"],
        "EffectiveCost": r["cost"],
        "ContractedCost": r["cost"],
        "x_InstanceType": r["instance_type"].replace("", None),
        "x_UsageType": r["meter"],
    })
    if charges is not None and len(charges):
        c = charges
        ch = pd.DataFrame({col: None for col in out.columns}, index=range(len(c)))
        cm = c["start"].dt.tz_localize(None).dt.to_period("M").dt.to_timestamp().dt.tz_localize("UTC")
        ch = ch.assign(
            BillingAccountId=c["provider"].map(lambda p: _BILLING_ACCOUNTS[p][0]).to_numpy(),
            BillingAccountName=c["provider"].map(lambda p: _BILLING_ACCOUNTS[p][1]).to_numpy(),
            BillingAccountType="Billing Account", BillingCurrency="USD", BillingPeriodStart=cm.to_numpy(),
            BillingPeriodEnd=(cm + pd.offsets.MonthBegin(1)).to_numpy(), ChargePeriodStart=c["start"].to_numpy(),
            ChargePeriodEnd=c["end"].to_numpy(), ChargeCategory=c["category"].to_numpy(),
            ChargeDescription=c["description"].to_numpy(),
            ChargeFrequency=np.where(c["category"] == "Purchase", "One-Time", "Recurring"),
            InvoiceId=(c["provider"] + "-" + cm.dt.strftime("%Y%m")).to_numpy(),
            ProviderName=c["provider"].map(_PROVIDER_NAMES).to_numpy(),
            PublisherName=c["provider"].map(_PROVIDER_NAMES).to_numpy(),
            InvoiceIssuerName=c["provider"].map(_PROVIDER_NAMES).to_numpy(),
            ServiceName=c["category"].to_numpy(), ServiceCategory="Other", SubAccountId=c["account"].to_numpy(),
            SubAccountName=c["account"].to_numpy(), SubAccountType="Account", PricingCurrency="USD",
            ListCost=c["cost"].to_numpy(), BilledCost=c["cost"].to_numpy(), EffectiveCost=c["cost"].to_numpy(),
            ContractedCost=c["cost"].to_numpy(), PricingQuantity=None, PricingUnit=None)
        for col in ("ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd"):
            ch[col] = pd.to_datetime(ch[col], utc=True)
        for col in ("ConsumedQuantity", "PricingQuantity"):
            ch[col] = np.nan
        out = pd.concat([out, ch], ignore_index=True)
    drop = {"1.2": [], "1.1": _FOCUS_12_ONLY, "1.0": _FOCUS_12_ONLY + _FOCUS_11_ONLY}[version]
    return out.drop(columns=drop)


# --- the same usage as each cloud's own export ------------------------------------------------
_AWS_REGION_PREFIX = {"us-east-1": "", "us-east-2": "USE2-", "us-west-2": "USW2-", "eu-west-1": "EU-",
                      "eu-central-1": "EUC1-", "eu-north-1": "EUN1-", "ap-southeast-1": "APS1-"}
_AWS_CODES = {"Amazon Elastic Compute Cloud": "AmazonEC2", "Amazon Simple Storage Service": "AmazonS3",
              "Amazon Relational Database Service": "AmazonRDS", "AWS Lambda": "AWSLambda",
              "AWS Data Transfer": "AWSDataTransfer", "Amazon Virtual Private Cloud": "AmazonVPC",
              "Amazon DynamoDB": "AmazonDynamoDB"}
_AWS_UNITS = {"Hours": "Hrs", "GB-Months": "GB-Mo", "GB-Seconds": "Lambda-GB-Second", "GB": "GB",
              "Requests": "ReadRequestUnits"}


def to_aws_cur(records: pd.DataFrame, charges: pd.DataFrame | None = None, *,
               version: str = "legacy") -> pd.DataFrame:
    """Write the AWS records as an AWS Cost and Usage Report.

    Parameters
    ----------
    records, charges : pandas.DataFrame
        :func:`sample_usage_records` (AWS rows are used) and :func:`sample_charges`.
    version : {"legacy", "cur2"}
        Legacy CUR (``lineItem/UsageType`` columns) or CUR 2.0 (snake_case, with the
        ``product`` map column holding ``vcpu`` and ``product_name``).

    Returns
    -------
    pandas.DataFrame
        One row per AWS record (then per AWS charge).
    """
    from carbonlab.datasets.hardware import instance_key, instances

    r = records[records["provider"] == "aws"].reset_index(drop=True)
    itype = r["instance_type"].where(r["service"] != "Amazon Relational Database Service", "db." + r["instance_type"])
    itype = itype.where(r["instance_type"] != "", None)
    inst = instances()
    vcpu = [str(int(inst.loc[("aws", k), "vcpu"])) if ("aws", k) in inst.index else None
            for k in instance_key(r["instance_type"])]
    rows = pd.DataFrame({
        "identity_line_item_id": "li-" + r.index.astype(str),
        "bill_payer_account_id": _BILLING_ACCOUNTS["aws"][0],
        "line_item_usage_account_id": r["account"],
        "line_item_line_item_type": "Usage",
        "line_item_usage_start_date": r["start"],
        "line_item_usage_end_date": r["end"],
        "line_item_product_code": r["service"].map(_AWS_CODES),
        "line_item_usage_type": r["region"].map(_AWS_REGION_PREFIX) + r["meter"],
        "line_item_operation": np.where(r["unit"] == "Hours", "RunInstances", ""),
        "line_item_usage_amount": r["quantity"],
        "line_item_unblended_cost": r["cost"],
        "pricing_unit": r["unit"].map(_AWS_UNITS),
        "product_region_code": r["region"],
        "product_instance_type": itype,
        "product_vcpu": vcpu,
        "product_name": r["service"],
    })
    if charges is not None:
        c = charges[charges["provider"] == "aws"].reset_index(drop=True)
        rows = pd.concat([rows, pd.DataFrame({
            "identity_line_item_id": "ch-" + c.index.astype(str), "bill_payer_account_id": _BILLING_ACCOUNTS["aws"][0],
            "line_item_usage_account_id": c["account"], "line_item_line_item_type": c["category"],
            "line_item_usage_start_date": c["start"], "line_item_usage_end_date": c["end"],
            "line_item_product_code": "AmazonEC2", "line_item_usage_type": c["description"],
            "line_item_operation": "", "line_item_usage_amount": 0.0, "line_item_unblended_cost": c["cost"],
            "pricing_unit": None, "product_region_code": None, "product_instance_type": None, "product_vcpu": None,
            "product_name": "Amazon Elastic Compute Cloud"})], ignore_index=True)
    if version == "cur2":
        prod = [[(k, v) for k, v in (("product_name", n), ("vcpu", c)) if v is not None]
                for n, c in zip(rows["product_name"], rows["product_vcpu"])]
        return rows.drop(columns=["product_vcpu", "product_name"]).assign(product=prod)
    legacy = {"identity_line_item_id": "identity/LineItemId", "bill_payer_account_id": "bill/PayerAccountId",
              "line_item_usage_account_id": "lineItem/UsageAccountId",
              "line_item_line_item_type": "lineItem/LineItemType",
              "line_item_usage_start_date": "lineItem/UsageStartDate",
              "line_item_usage_end_date": "lineItem/UsageEndDate", "line_item_product_code": "lineItem/ProductCode",
              "line_item_usage_type": "lineItem/UsageType", "line_item_operation": "lineItem/Operation",
              "line_item_usage_amount": "lineItem/UsageAmount", "line_item_unblended_cost": "lineItem/UnblendedCost",
              "pricing_unit": "pricing/unit", "product_region_code": "product/region",
              "product_instance_type": "product/instanceType", "product_vcpu": "product/vcpu",
              "product_name": "product/ProductName"}
    out = rows.rename(columns=legacy)
    for col in ("lineItem/UsageStartDate", "lineItem/UsageEndDate"):
        out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


_GIB = 2.0**30
#: FOCUS unit of a GCP record -> (usage.unit, factor to it, usage.pricing_unit).
_GCP_UNITS = {"vCPU-Hours": ("seconds", 3600.0, "hour"), "GPU-Hours": ("seconds", 3600.0, "hour"),
              "GiB-Hours": ("byte-seconds", _GIB * 3600.0, "gibibyte hour"),
              "vCPU-Seconds": ("seconds", 1.0, "second"), "GiB-Seconds": ("byte-seconds", _GIB, "gibibyte second"),
              "GiB": ("bytes", _GIB, "gibibyte"), "TiB": ("bytes", _GIB * 1024.0, "tebibyte"),
              "GiB-Months": ("byte-seconds", None, "gibibyte month")}


def to_gcp_billing(records: pd.DataFrame, charges: pd.DataFrame | None = None) -> list[dict]:
    """Write the GCP records as Cloud Billing export rows (BigQuery schema, nested fields).

    Seconds and byte-seconds are what the export's ``usage.amount`` holds: vCPU-hours x 3600,
    GiB-hours x 2^30 x 3600, GiB-months x 2^30 x the seconds of the month.  A credit of
    :func:`sample_charges` is attached to the first usage row of its account, as the export
    attaches credits to the line they reduce; tax is a row with ``cost_type = "tax"``.

    Returns
    -------
    list of dict
        One dict per row, ready for JSON lines or ``pyarrow.Table.from_pylist``.
    """
    r = records[records["provider"] == "gcp"].reset_index(drop=True)
    rows = []
    credit = {}
    if charges is not None:
        for c in charges[(charges["provider"] == "gcp") & (charges["category"] == "Credit")].itertuples():
            credit[c.account] = {"name": c.description, "amount": float(c.cost), "full_name": c.description,
                                 "id": "credit-1", "type": c.description}
    for x in r.itertuples():
        unit, factor, punit = _GCP_UNITS[x.unit]
        if factor is None:  # GiB-months: byte-seconds over the month
            factor = _GIB * x.start.days_in_month * 86400.0
        labels = ([{"key": "compute.googleapis.com/machine_spec", "value": x.instance_type}]
                  if x.instance_type and x.category == "Compute" and "Instance" in x.meter else [])
        row = {"billing_account_id": _BILLING_ACCOUNTS["gcp"][0],
               "service": {"id": x.service.upper().replace(" ", "-")[:14], "description": x.service},
               "sku": {"id": f"SKU-{x.resource:04d}", "description": x.meter},
               "usage_start_time": x.start.strftime("%Y-%m-%d %H:%M:%S UTC"),
               "usage_end_time": x.end.strftime("%Y-%m-%d %H:%M:%S UTC"),
               "project": {"id": x.account, "name": x.account},
               "location": {"location": x.region, "country": None, "region": x.region, "zone": None},
               "cost": float(x.cost), "currency": "USD", "cost_type": "regular",
               "usage": {"amount": float(x.quantity) * factor, "unit": unit,
                         "amount_in_pricing_units": float(x.quantity), "pricing_unit": punit},
               "system_labels": labels, "credits": []}
        if x.account in credit:
            row["credits"] = [credit.pop(x.account)]
        rows.append(row)
    if charges is not None:
        for c in charges[(charges["provider"] == "gcp") & (charges["category"] == "Tax")].itertuples():
            rows.append({"billing_account_id": _BILLING_ACCOUNTS["gcp"][0],
                         "service": {"id": "TAX", "description": "Tax"},
                         "sku": {"id": "TAX", "description": c.description},
                         "usage_start_time": c.start.strftime("%Y-%m-%d %H:%M:%S UTC"),
                         "usage_end_time": c.end.strftime("%Y-%m-%d %H:%M:%S UTC"),
                         "project": {"id": c.account, "name": c.account},
                         "location": {"location": None, "country": None, "region": None, "zone": None},
                         "cost": float(c.cost), "currency": "USD", "cost_type": "tax",
                         "usage": {"amount": 0.0, "unit": None, "amount_in_pricing_units": 0.0,
                                   "pricing_unit": None},
                         "system_labels": [], "credits": []})
    return rows


#: FOCUS unit of an Azure record -> (unit of measure, quantity divisor); P10 disks in disk-months.
_AZURE_UNITS = {"Hours": ("1 Hour", 1.0), "GB-Months": ("1 GB/Month", 1.0), "GiB-Months": ("1/Month", 128.0),
                "vCPU-Hours": ("1 Hour", 1.0), "GB-Seconds": ("50000 GB Seconds", 50000.0), "GB": ("1 GB", 1.0)}
_AZURE_LOCATIONS = {"westeurope": "West Europe", "northeurope": "North Europe", "eastus": "East US",
                    "swedencentral": "Sweden Central"}


def to_azure_costs(records: pd.DataFrame, charges: pd.DataFrame | None = None, *,
                   columns: str = "ea") -> pd.DataFrame:
    """Write the Azure records as a daily Azure cost details export.

    Hourly records are summed per resource and day (Azure's exports are
    daily).  Units are Azure's units of measure: VMs in ``1 Hour`` except the
    F8s v2 batch VMs in packs of ``10 Hours``, the P10 disks in disk-months
    (``1/Month``, 128 GiB each), Functions in ``50000 GB Seconds``.

    Parameters
    ----------
    columns : {"ea", "mca"}
        Enterprise Agreement column names (``MeterCategory``, ``CostInBillingCurrency``,
        ``Date`` as MM/DD/YYYY, ``ResourceLocation`` as "West Europe") or Microsoft
        Customer Agreement ones (``meterCategory``, ``costInBillingCurrency``, ISO dates).
    """
    r = records[records["provider"] == "azure"].copy()
    r["day"] = r["start"].dt.floor("D")
    g = (r.groupby(["resource", "day"], sort=True)
         .agg(quantity=("quantity", "sum"), cost=("cost", "sum"), account=("account", "first"),
              region=("region", "first"), service=("service", "first"), meter=("meter", "first"),
              instance_type=("instance_type", "first"), unit=("unit", "first"))
         .reset_index())
    uom = g["unit"].map(lambda u: _AZURE_UNITS[u][0])
    div = g["unit"].map(lambda u: _AZURE_UNITS[u][1]).astype(float)
    packed = g["instance_type"] == "Standard_F8s_v2"
    uom = uom.where(~packed, "10 Hours")
    div = div.where(~packed, 10.0)
    inst = __import__("carbonlab.datasets.hardware", fromlist=["instances"]).instances()
    info = [json.dumps({"UsageType": "ComputeHR", "ImageType": "Canonical", "ServiceType": it,
                        "VMName": f"vm-{res}", "VCPUs": int(inst.loc[("azure", it.lower()), "vcpu"])})
            if it else None for it, res in zip(g["instance_type"], g["resource"])]
    out = pd.DataFrame({
        "SubscriptionId": g["account"], "SubscriptionName": g["account"],
        "ResourceGroup": "rg-fjordline", "ResourceLocation": g["region"].map(_AZURE_LOCATIONS).fillna(g["region"]),
        "Date": g["day"], "ProductName": g["service"] + " " + g["meter"],
        "MeterCategory": g["service"], "MeterSubCategory": np.where(g["instance_type"] != "", "Virtual Machines", ""),
        "MeterId": "meter-" + g["resource"].astype(str), "MeterName": g["meter"],
        "MeterRegion": g["region"].map(_AZURE_LOCATIONS).fillna(g["region"]),
        "UnitOfMeasure": uom, "Quantity": g["quantity"] / div,
        "EffectivePrice": g["cost"] / (g["quantity"] / div), "CostInBillingCurrency": g["cost"],
        "ConsumedService": "Microsoft." + g["service"].str.replace(" ", ""),
        "ResourceId": "/subscriptions/" + g["account"] + "/resource-" + g["resource"].astype(str),
        "AdditionalInfo": info, "ChargeType": "Usage", "Frequency": "UsageBased", "PricingModel": "OnDemand",
        "BillingCurrencyCode": "USD", "BillingAccountId": _BILLING_ACCOUNTS["azure"][0],
        "BillingAccountName": _BILLING_ACCOUNTS["azure"][1],
    })
    if charges is not None:
        c = charges[charges["provider"] == "azure"]
        out = pd.concat([out, pd.DataFrame({
            "SubscriptionId": c["account"].to_numpy(), "SubscriptionName": c["account"].to_numpy(),
            "ResourceLocation": None, "Date": c["start"].to_numpy(), "ProductName": c["description"].to_numpy(),
            "MeterCategory": "Reservation", "MeterName": c["description"].to_numpy(), "UnitOfMeasure": "1",
            "Quantity": 1.0, "CostInBillingCurrency": c["cost"].to_numpy(), "ChargeType": c["category"].to_numpy(),
            "Frequency": "OneTime", "BillingCurrencyCode": "USD"})], ignore_index=True)
    if columns == "mca":
        out["Date"] = pd.to_datetime(out["Date"], utc=True).dt.strftime("%Y-%m-%d")
        out["ResourceLocation"] = out["ResourceLocation"].str.lower().str.replace(" ", "", regex=False)
        renamed = {c: c[0].lower() + c[1:] for c in out.columns}
        renamed.update({"ResourceGroup": "resourceGroupName", "BillingCurrencyCode": "billingCurrency",
                        "CostInBillingCurrency": "costInBillingCurrency", "SubscriptionId": "SubscriptionId"})
        out = out.rename(columns=renamed)
        out["billingProfileId"] = "bp-fjordline"
        return out
    out["Date"] = pd.to_datetime(out["Date"], utc=True).dt.strftime("%m/%d/%Y")
    return out
