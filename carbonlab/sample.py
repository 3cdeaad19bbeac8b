"""A fictional company's cloud usage, generated deterministically.

*Fjordline Analytics* runs a web product and a data platform on AWS, Google
Cloud and Azure: virtual machines, managed databases, object and block
storage, serverless functions, data transfer, GPU training and inference, and
some charges carbonlab cannot place (support, NAT gateways, query scans).
:func:`sample_resources` lists its resources; :func:`sample_usage_records`
draws their hourly (or daily) usage and cost from a seeded generator;
:func:`to_focus` writes the records as a FinOps FOCUS 1.2 export.  The shipped
sample ``datasets/sample_org/`` is the output for ``seed=0``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["sample_resources", "sample_usage_records", "to_focus", "SAMPLE_START", "SAMPLE_END"]

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
    ("azure", "sub-fjordline-web", "westeurope", "Storage", "Storage", "P10 LRS Disk", "", "GB-Months", 1280, 0.15, "growth", "d"),
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


def to_focus(records: pd.DataFrame) -> pd.DataFrame:
    """Write usage records as a FinOps FOCUS 1.2 cost and usage export.

    Mandatory FOCUS columns are filled; the instance type and the provider's
    usage type or meter travel in ``x_InstanceType`` and ``x_UsageType``
    (provider extension columns, FOCUS 1.2 §2.x "x_" prefix).

    Returns
    -------
    pandas.DataFrame
        One row per record, in FOCUS column names.
    """
    r = records
    month_start = r["start"].dt.tz_localize(None).dt.to_period("M").dt.to_timestamp().dt.tz_localize("UTC")
    month_end = (month_start + pd.offsets.MonthBegin(1))
    return pd.DataFrame({
        "BillingAccountId": r["provider"].map(lambda p: _BILLING_ACCOUNTS[p][0]),
        "BillingAccountName": r["provider"].map(lambda p: _BILLING_ACCOUNTS[p][1]),
        "BillingCurrency": "USD",
        "BillingPeriodStart": month_start,
        "BillingPeriodEnd": month_end,
        "ChargePeriodStart": r["start"],
        "ChargePeriodEnd": r["end"],
        "ChargeCategory": "Usage",
        "ChargeClass": None,
        "ChargeDescription": r["meter"],
        "ChargeFrequency": "Usage-Based",
        "ProviderName": r["provider"].map(_PROVIDER_NAMES),
        "PublisherName": r["provider"].map(_PROVIDER_NAMES),
        "InvoiceIssuerName": r["provider"].map(_PROVIDER_NAMES),
        "ServiceName": r["service"],
        "ServiceCategory": r["category"],
        "SubAccountId": r["account"],
        "SubAccountName": r["account"],
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
        "ListCost": r["cost"],
        "BilledCost": r["cost"],
        "EffectiveCost": r["cost"],
        "ContractedCost": r["cost"],
        "x_InstanceType": r["instance_type"].replace("", None),
        "x_UsageType": r["meter"],
    })
