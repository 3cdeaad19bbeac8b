"""Real, public billing exports written outside the project (``tests/data/real/``, a data card per file).

For every file, what a careful analyst checks by hand, computed here from the raw file with pandas,
pyarrow and json (not with carbonlab's readers):

* the format and version carbonlab reports, against the one the card gives from the columns;
* rows in = rows placed + rows unattributed, and cost in = cost placed + cost unattributed (the raw
  cost column summed independently);
* the usage a carbon model covers (instance hours, block and object storage, data transfer out,
  serverless compute), picked from the raw rows by the words that name it, is placed: at least the
  share given per file, each shortfall explained in the table;
* every unattributed group has a reason.

Files that carbonlab must refuse (not a cost and usage table, a pre-1.0 draft, no header) give
carbonlab's own one-line error naming the file.
"""

from __future__ import annotations

import ast
import csv
import gzip
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import carbonlab
from carbonlab.io import describe_format

REAL = Path(__file__).resolve().parents[1] / "data" / "real"

#: Words that name usage a carbon model covers, per provider (an analyst's reading of the line).
COVERED = {
    "aws": r"BoxUsage|SpotUsage|InstanceUsage:|Multi-AZUsage|NodeUsage:|VolumeUsage|TimedStorage-ByteHrs|"
           r"DataTransfer-Out-Bytes|AWS-Out-Bytes|Lambda-GB-Second|Fargate|On Demand .* Instance Hour|"
           r"instance hour|Lambda - Total Compute",
    "azure": r"Virtual Machines|Data Stored|Managed Disks|LRS Disk|Data Transfer Out",
    "gcp": r"Instance Core|Instance Ram|PD Capacity|Persistent Disk|Standard Storage|Nearline Storage|"
           r"Coldline Storage|Egress",
    "oci": r"OCPU|Memory|Block Volume|Object Storage - Storage",
}
#: Lines that name covered words but bill something else (fees per unit of hardware, IOPS).
NOT_COVERED = r"EBSOptimized|Mbps per|HostBoxUsage|ECS-EC2|EMR-EKS|SoftwareUsage|software usage|IOPS|" \
              r"Extended Support|Requests|Operations|Licenses?\b|Performance Units"

# file, format (as carbonlab describes it), provider, text columns naming the line, cost column(s),
# minimum share of covered cost placed, and why any covered cost is not placed
FILES = [
    ("focus-sample-data_focus10_multicloud.csv", "FinOps FOCUS 1.0", None,
     ["ChargeDescription"], ["BilledCost"], 1.0, ""),
    ("focus-spec_focus12_saas-spend-agreement.csv", "FinOps FOCUS 1.1", None,
     ["ChargeDescription"], ["BilledCost"], None, "a SaaS provider (Acme Co): nothing a cloud model covers"),
    ("focus-converters_cur-legacy-2023_anonymous.csv", "AWS CUR (legacy)", "aws",
     ["lineItem/UsageType"], ["lineItem/UnblendedCost"], 1.0, ""),
    ("koku_cur-legacy-2018-no-region_local-bucket.csv.gz", "AWS CUR (legacy)", "aws",
     ["lineItem/UsageType"], ["lineItem/UnblendedCost"], 1.0, ""),
    ("koku_cur-legacy-2018-no-region_test-cur.csv", "AWS CUR (legacy)", "aws",
     ["lineItem/UsageType"], ["lineItem/UnblendedCost"], 1.0, ""),
    ("koku_cur-legacy-2023-costcategory_csv.csv", "AWS CUR (legacy)", "aws",
     ["lineItem/UsageType"], ["lineItem/UnblendedCost"], 1.0, ""),
    ("koku_cur-legacy_header-only.csv", "AWS CUR (legacy)", "aws",
     ["lineItem/UsageType"], ["lineItem/UnblendedCost"], None, "no rows"),
    ("koku_cur-athena-snake-2022_alt-columns.csv", "AWS CUR (legacy, Athena/Parquet column names)", "aws",
     ["line_item_usage_type"], ["line_item_unblended_cost"], None, "marketplace software fees only"),
    ("fivetran-dbt-aws_cur-athena-fivetran_seed.csv", "AWS CUR 2.0", "aws",
     ["line_item_usage_type"], ["line_item_unblended_cost"], None, "usage and cost columns empty"),
    ("aws-cur-anonymize_cur-legacy-minimal.csv", "AWS CUR (legacy)", "aws",
     ["lineItem/UsageType"], ["lineItem/UnblendedCost"], 1.0, ""),
    ("aws-cur-anonymize_cur-snake-minimal.csv", "AWS CUR (legacy, Athena/Parquet column names)", "aws",
     ["line_item_usage_type"], ["line_item_unblended_cost"], 1.0, ""),
    ("aws-wa-labs_cur-athena-hive-text-2019_step1.gz", "AWS CUR (legacy, Athena/Parquet column names)", "aws",
     ["line_item_usage_type"], ["line_item_unblended_cost"], 1.0, ""),
    ("aws-wa-labs_cur-athena-parquet-2018_oct.parquet", "AWS CUR (legacy, Athena/Parquet column names)", "aws",
     ["line_item_usage_type"], ["line_item_unblended_cost"], 1.0, ""),
    ("aws-wa-labs_cur-athena-parquet-2018_dec.parquet", "AWS CUR (legacy, Athena/Parquet column names)", "aws",
     ["line_item_usage_type"], ["line_item_unblended_cost"], 1.0, ""),
    ("finops-toolkit_azure-ea_actual-cost.csv", "Azure cost details (EA columns)", "azure",
     ["MeterCategory", "MeterName"], ["Cost"], 1.0, ""),
    ("finops-toolkit_azure-ea_amortized-cost.csv", "Azure cost details (EA columns)", "azure",
     ["MeterCategory", "MeterName"], ["Cost"], 1.0, ""),
    ("finops-toolkit_azure-ea_header-only.csv", "Azure cost details (EA columns)", "azure",
     ["MeterCategory", "MeterName"], ["CostInBillingCurrency"], None, "no rows"),
    ("focus-converters_azure-ea_cost-details.csv", "Azure cost details (EA columns)", "azure",
     ["MeterCategory", "MeterName"], ["CostInBillingCurrency"], 1.0, ""),
    ("koku_azure-ea-v2_cost-details.csv", "Azure cost details (EA columns)", "azure",
     ["MeterCategory", "MeterName"], ["CostInBillingCurrency"], 1.0, ""),
    ("koku_azure-mca-camel_cost-details.csv", "Azure cost details (MCA columns)", "azure",
     ["meterCategory", "meterName"], ["costInBillingCurrency"], 1.0, ""),
    ("koku_azure-legacy-camel_bom.csv", "Azure cost details (LEGACY columns)", "azure",
     ["meterCategory", "meterName"], ["preTaxCost"], 0.0, "VM hours without a unit of measure (pack size unknown)"),
    ("koku_azure-payg-legacy_bom.csv", "Azure cost details (EA columns)", "azure",
     ["MeterCategory", "MeterName"], ["PreTaxCost"], 0.0, "VM hours without a unit of measure (pack size unknown)"),
    ("opencost_azure-ea_headers.csv", "Azure cost details (EA columns)", "azure",
     ["MeterCategory", "MeterName"], ["CostInBillingCurrency"], 1.0, ""),
    ("opencost_azure-payg_headers.csv", "Azure cost details (EA columns)", "azure",
     ["MeterCategory", "MeterName"], ["PreTaxCost"], 1.0, ""),
    ("opencost_azure-payg-bom_headers.csv", "Azure cost details (EA columns)", "azure",
     ["MeterCategory", "MeterName"], ["PreTaxCost"], 1.0, ""),
    ("opencost_azure-payg-german_headers.csv", "Azure cost details (EA columns)", "azure",
     ["Kategorie der Verbrauchseinheit (MeterCategory)", "Name der Verbrauchseinheit (MeterName)"],
     ["PreTaxCost (PreTaxCost)"], 1.0, ""),
    ("opencost_azure-mixed-german-camel_headers.csv", "Azure cost details (MCA columns)", "azure",
     ["meterCategory", "meterName"], ["costInBillingCurrency"], 1.0, ""),
    ("opencost_azure-mca-partner-camel_headers.csv", "Azure cost details (MCA columns)", "azure",
     ["meterCategory", "meterName"], ["costInBillingCurrency"], 1.0, ""),
    ("gcp-professional-services_gcp-bq-export-flattened_finops-agent.csv", "Google Cloud Billing export", "gcp",
     ["sku_description"], ["cost"], None, "synthetic: SKUs and units do not match (egress in 'unit', RAM in hours)"),
    ("gcp-professional-services_gcp-bq-export-2019_cud-test.json", "Google Cloud Billing export", "gcp",
     ["sku.description"], ["cost"], 1.0, ""),
    ("gcp-professional-services_gcp-bq-flat-prettyjson_cud-expected.json", "Google Cloud Billing export", "gcp",
     ["sku.description"], ["cost"], 1.0, ""),
    ("koku_gcp-bq-export-csv-2020_dotted.csv", "Google Cloud Billing export", "gcp",
     ["sku.description"], ["cost"], 1.0, ""),
    ("koku_gcp-bq-export-csv-2022_dotted-resource.csv", "Google Cloud Billing export", "gcp",
     ["sku.description"], ["cost"], 1.0, ""),
]

FILES += [
    ("focus-converters_oci-cost-report_csv.csv", "Oracle Cloud Infrastructure cost report", "oci",
     ["product/Description"], ["cost/myCost"], 1.0, ""),
]

REFUSED = [
    ("focus-validator_focus05_all-pass.csv", r"FOCUS 0.5 columns"),
    ("focus-spec_focus-draft_commitment-flexibility.csv", r"not a FOCUS export, missing column\(s\)"),
    ("aws-wa-labs_cur-athena-hive-text-2019_after-headerless.gz", r"the first line looks like data"),
    ("opencost_azure-billing-values_template.csv", r"cannot tell the format|missing column"),
    ("gcp-billing-export-python_gcp-file-export-2014_json.json", r"legacy billing file export"),
]


# --- reading the raw files independently ---------------------------------------------------------------
def _open(path: Path):
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rt", encoding="utf-8-sig", newline="") if gz else \
        open(path, "rt", encoding="utf-8-sig", newline="")


def _flat(record, prefix=""):
    out = {}
    for k, v in record.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def raw_table(path: Path) -> pd.DataFrame:
    """The file's rows as strings (None where missing), read without carbonlab."""
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pandas().astype(object)
    if path.suffix == ".json":
        text, out, i = path.read_text(), [], 0
        decoder = json.JSONDecoder()
        while i < len(text):
            if text[i] in " \t\r\n,":
                i += 1
                continue
            value, i = decoder.raw_decode(text, i)
            out += value if isinstance(value, list) else [value]
        return pd.DataFrame([_flat(r) for r in out])
    with _open(path) as f:
        first = f.readline()
    sep = "\x01" if "\x01" in first else ","
    with _open(path) as f:
        reader = csv.reader(f, delimiter=sep, quoting=csv.QUOTE_NONE if sep == "\x01" else csv.QUOTE_MINIMAL)
        header = next(reader)
        rows = [r + [""] * (len(header) - len(r)) for r in reader if r]
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return frame.replace({"": None, "NULL": None, "\\N": None})


def _number(values) -> np.ndarray:
    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").fillna(0.0).to_numpy(dtype=float)


def _gcp_credits(raw: pd.DataFrame) -> float:
    if "credits" not in raw:
        return 0.0
    total = 0.0
    for c in raw["credits"]:
        items = c if isinstance(c, list) else (ast.literal_eval(c) if isinstance(c, str) and c.startswith("[")
                                               else [])   # JSON or Python-style text: both literals
        total += sum(float(i.get("amount") or 0) for i in items if isinstance(i, dict))
    return total


@pytest.fixture(scope="module", params=FILES, ids=[f[0] for f in FILES])
def case(request):
    name, fmt, provider, text_cols, cost_cols, share, why = request.param
    path = REAL / name
    raw = raw_table(path)
    usage = carbonlab.read(path)
    currencies = set(usage["currency"].dropna())
    # costs are never added across currencies; for the conservation checks here every rate is 1
    rates = {c: 1.0 for c in currencies} if len(currencies) > 1 else None
    cube = carbonlab.usage_cube(usage, exchange_rates=rates)
    return dict(name=name, path=path, fmt=fmt, provider=provider, text=text_cols, cost=cost_cols, share=share,
                why=why, raw=raw, usage=usage, cube=cube)


def test_every_file_has_a_data_card():
    data = sorted(p.name for p in REAL.iterdir() if p.suffix != ".md" and p.name != "README.md")
    for name in data:
        card = (REAL / name).with_suffix(".md") if not name.endswith(".csv.gz") else REAL / name.replace(".csv.gz",
                                                                                                        ".md")
        text = card.read_text()
        for field in ("repository", "commit", "licence", "rows kept"):
            assert field in text, (name, field)
    listed = {f[0] for f in FILES} | {f[0] for f in REFUSED}
    assert set(data) == listed, set(data) ^ listed


def test_format_and_version(case):
    assert describe_format(case["path"]) == case["fmt"]


def test_rows_in_equal_rows_placed_plus_unattributed(case):
    usage, raw = case["usage"], case["raw"]
    assert usage["source_row"].nunique() == len(raw)
    placed_rows = set(usage.loc[usage["kind"] != "unknown", "source_row"])
    unattributed_rows = set(usage.loc[usage["kind"] == "unknown", "source_row"])
    assert placed_rows | unattributed_rows == set(range(1, len(raw) + 1))
    assert int(case["cube"]["records_in"]) if "records_in" in case["cube"] else True
    assert case["cube"].attrs["records_in"] == len(usage)


def test_cost_in_equals_cost_out(case):
    raw, cube = case["raw"], case["cube"]
    cost_in = sum(_number(raw[c]).sum() for c in case["cost"] if c in raw)
    if case["provider"] == "gcp":
        cost_in += _gcp_credits(raw)
    out = float(cube["cost_attributed"].sum()) + float(cube["unattributed_cost"].sum())
    assert out == pytest.approx(cost_in, rel=1e-9, abs=1e-12)
    assert float(np.nansum(case["usage"]["cost"])) == pytest.approx(cost_in, rel=1e-9, abs=1e-12)


def test_unattributed_has_a_reason(case):
    table = carbonlab.unattributed_table(case["cube"])
    assert (table["reason"].astype(str).str.len() > 0).all()


def _covered_rows(case) -> np.ndarray:
    raw = case["raw"]
    text = pd.Series("", index=raw.index)
    for c in case["text"]:
        if c in raw:
            text = text + " " + raw[c].fillna("").astype(str)
    if case["provider"] is None:    # FOCUS: the provider of each row
        prov = raw["ProviderName"].fillna("").str.lower().map(
            {"aws": "aws", "microsoft": "azure", "oracle": "oci", "google cloud": "gcp"}).fillna("")
    else:
        prov = pd.Series(case["provider"], index=raw.index)
    covered = np.zeros(len(raw), dtype=bool)
    for p, pattern in COVERED.items():
        covered |= ((prov == p) & text.str.contains(pattern, regex=True)).to_numpy()
    covered &= ~text.str.contains(NOT_COVERED, regex=True).to_numpy()
    for col in ("lineItem/LineItemType", "line_item_line_item_type", "ChargeCategory", "cost_type", "ChargeType"):
        if col in raw:   # usage lines only (credits, fees and RI purchases are not usage)
            covered &= raw[col].fillna("Usage").isin(["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage",
                                                      "regular"]).to_numpy()
    return np.flatnonzero(covered) + 1


def test_covered_usage_is_placed(case):
    if case["share"] is None:
        pytest.skip(case["why"])
    usage = case["usage"]
    rows = _covered_rows(case)
    sub = usage[usage["source_row"].isin(rows)]
    if not len(sub):
        pytest.skip("no usage a carbon model covers in this file")
    placed = sub[(sub["kind"] != "unknown")]
    currencies = set(sub["currency"].dropna())
    cube = carbonlab.usage_cube(sub, exchange_rates={c: 1.0 for c in currencies} if len(currencies) > 1 else None)
    share_rows = placed["source_row"].nunique() / len(rows)
    assert share_rows >= case["share"], (case["why"], carbonlab.unattributed_table(cube).head().to_dict("records"))
    assert "missing region" not in set(cube["unattributed_reason"].values) or case["share"] < 1


@pytest.mark.parametrize("name, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_a_one_line_error(name, message):
    with pytest.raises(ValueError, match=re.escape(name) + ".*(" + message + ")") as info:
        carbonlab.read(REAL / name)
    assert "\n" not in str(info.value)


def test_a_bill_in_several_currencies_is_not_added_up():
    # Google's professional-services sample mixes AUD, EUR, GBP and USD lines
    path = REAL / "gcp-professional-services_gcp-bq-export-flattened_finops-agent.csv"
    raw = raw_table(path)
    assert raw["currency"].nunique() > 1
    with pytest.raises(ValueError, match=r"costs in several currencies \(.*EUR.*USD.*\): carbonlab does not add"):
        carbonlab.estimate(carbonlab.read(path))
    rates = {"USD": 1.0, "EUR": 1.1, "GBP": 1.25, "AUD": 0.65}
    cube = carbonlab.usage_cube(carbonlab.read(path), exchange_rates=rates)
    expected = sum(_number(g["cost"]).sum() * rates[c] for c, g in raw.groupby("currency"))
    expected += sum(_gcp_credits(g) * rates[c] for c, g in raw.groupby("currency"))
    got = float(cube["cost_attributed"].sum()) + float(cube["unattributed_cost"].sum())
    assert got == pytest.approx(expected, rel=1e-9)
