"""Readers of billing exports, one module per source, and format detection.

=====================  ====================================  =====================================
format                 module                                 told apart by the columns
=====================  ====================================  =====================================
FinOps FOCUS 1.0-1.4   :mod:`carbonlab.io.focus`              ``ChargePeriodStart``, ``ConsumedQuantity``
AWS CUR (legacy)       :mod:`carbonlab.io.aws_cur`            ``lineItem/UsageType``
AWS CUR 2.0            :mod:`carbonlab.io.aws_cur`            ``line_item_usage_type``
GCP billing export     :mod:`carbonlab.io.gcp_billing`        ``usage_start_time`` and ``sku.description``
Azure cost details     :mod:`carbonlab.io.azure_costs`        ``MeterCategory`` (also camelCase, localised)
OCI cost report        :mod:`carbonlab.io.oci`                ``lineItem/intervalUsageStart``, ``usage/billedQuantity``
=====================  ====================================  =====================================

:func:`read` detects the format, logs which one it chose (logger
``carbonlab.io``, level INFO) and records it in ``attrs["source_format"]``;
:func:`iter_read` yields the same rows in batches, for files larger than
memory (:func:`carbonlab.usage_cube` accepts a path and uses it).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterator

import pandas as pd

from carbonlab.io import _files, aws_cur, azure_costs, focus, gcp_billing, oci, tabular
from carbonlab.io.aws_cur import read_aws_cur
from carbonlab.io.azure_costs import read_azure_costs
from carbonlab.io.focus import read_focus
from carbonlab.io.gcp_billing import read_gcp_billing
from carbonlab.io.oci import read_oci_cost

__all__ = ["read", "iter_read", "detect_format", "describe_format", "read_focus", "read_aws_cur", "read_gcp_billing",
           "read_azure_costs", "read_oci_cost", "FORMATS"]

log = logging.getLogger("carbonlab.io")

#: Format name -> (reader, batch iterator, description).
FORMATS = {
    "focus": (read_focus, focus.iter_focus, "FinOps FOCUS"),
    "aws_cur": (read_aws_cur, aws_cur.iter_aws_cur, "AWS Cost and Usage Report"),
    "gcp_billing": (read_gcp_billing, gcp_billing.iter_gcp_billing, "Google Cloud Billing export"),
    "azure_costs": (read_azure_costs, azure_costs.iter_azure_costs, "Azure cost details export"),
    "oci_cost": (read_oci_cost, oci.iter_oci_cost, "Oracle Cloud Infrastructure cost report"),
}


def detect_format(path) -> str:
    """Which export a file is, from its column names.

    Returns
    -------
    str
        A key of :data:`FORMATS`.

    Raises
    ------
    ValueError
        If the columns match no known format (the message lists what was looked for).
    """
    with _files.reading(path):
        return _detect_format(path)


def _detect_format(path) -> str:
    cols = tabular.column_names(path)
    lower = {c.lower() for c in cols}
    if {"chargeperiodstart", "consumedquantity"} <= lower:
        return "focus"
    if aws_cur.cur_version(cols) is not None:
        return "aws_cur"
    if "usage_start_time" in lower and lower & {"sku.description", "sku_description"}:
        return "gcp_billing"
    if azure_costs.looks_like_azure(cols):
        return "azure_costs"
    if oci.looks_like_oci(cols):
        return "oci_cost"
    if {"lineitemid", "starttime", "measurements"} <= lower or {"lineitemid", "measurements"} <= lower:
        raise ValueError(f"{Path(path).name}: Google Cloud's legacy billing file export (JSON with lineItemId and "
                         "measurements, retired in 2019), which has no region per line; export the BigQuery "
                         "billing table instead")
    if {"chargeperiodstart", "chargetype", "provider"} <= lower:
        raise ValueError(f"{Path(path).name}: FOCUS 0.5 columns (ChargeType, Provider, Region): a pre-release draft "
                         "that FOCUS 1.0 renamed and completed (ChargeCategory, ProviderName, RegionId, "
                         "ConsumedQuantity); export FOCUS 1.0 or later")
    if cols and sum(_looks_like_data(c) for c in cols) > len(cols) / 2:
        raise ValueError(f"{Path(path).name}: the first line looks like data, not column names (is the header "
                         f"missing?); first values: {cols[:4]}")
    raise ValueError(f"{Path(path).name}: not a FOCUS export, nor an AWS CUR, GCP billing, Azure cost details or OCI "
                     "cost report: cannot tell the format from its columns (looked for FOCUS ChargePeriodStart + "
                     "ConsumedQuantity, CUR lineItem/UsageType or line_item_usage_type, GCP usage_start_time + "
                     "sku.description, Azure MeterCategory, OCI lineItem/intervalUsageStart); first columns: "
                     f"{cols[:8]}")


def _looks_like_data(value: str) -> bool:
    """True for a header cell that looks like a value: empty, a number, a date or a long hex id."""
    import re

    v = str(value).strip()
    return (v == "" or bool(re.fullmatch(r"[-+]?[\d.eE]+|[0-9a-f]{16,}|\d{4}-\d\d-\d\d.*|\d+/\d+/\d+.*", v)))


def describe_format(path, fmt: str | None = None) -> str:
    """A human description of a file's format and version, e.g. ``"AWS CUR 2.0"``."""
    with _files.reading(path):
        return _describe_format(path, fmt)


def _describe_format(path, fmt: str | None = None) -> str:
    fmt = fmt or detect_format(path)
    cols = tabular.column_names(path)
    if fmt == "focus":
        return f"FinOps FOCUS {focus.focus_version(cols)}"
    if fmt == "aws_cur":
        return aws_cur.CUR_VERSIONS[aws_cur.cur_version(cols)]
    if fmt == "azure_costs":
        return f"Azure cost details ({azure_costs.column_set(cols).upper()} columns)"
    return FORMATS[fmt][2]


def read(path, *, format: str | None = None, lenient: bool = False) -> pd.DataFrame:
    """Read any supported billing export into a UsageTable.

    Parameters
    ----------
    path : str or path-like
        The export (CSV, CSV.gz, Parquet or JSON lines, as the format allows).
    format : str, optional
        A key of :data:`FORMATS` to skip detection.
    lenient : bool, default False
        Unparseable values become unattributed rows instead of errors.

    Returns
    -------
    pandas.DataFrame
        A UsageTable; ``attrs["source_format"]`` and ``attrs["source_format_description"]``
        say which reader was used (also logged at INFO on ``carbonlab.io``).
    """
    with _files.reading(path):
        fmt = format or detect_format(path)
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; known: {sorted(FORMATS)}")
        description = describe_format(path, fmt)
        log.info("%s: read as %s", Path(path).name, description)
        table = FORMATS[fmt][0](path, lenient=lenient)
    table.attrs["source_format_description"] = description
    return table


def iter_read(path, *, format: str | None = None, lenient: bool = False,
              batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """Read a billing export in batches of about ``batch_rows`` rows (UsageTable chunks).

    The chunks use categorical string columns and are not validated one by
    one (the readers build them valid); pass them to
    :class:`carbonlab.cube.CubeBuilder` or concatenate them.
    """
    with _files.reading(path):
        fmt = format or detect_format(path)
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; known: {sorted(FORMATS)}")
        log.info("%s: reading as %s in batches of %d rows", Path(path).name, describe_format(path, fmt),
                 batch_rows)
        yield from FORMATS[fmt][1](path, lenient=lenient, batch_rows=batch_rows)
