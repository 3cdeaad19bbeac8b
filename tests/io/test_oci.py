"""The OCI cost report reader, against hand computations from Oracle's documentation.

Fixture files have exactly the columns of Oracle's cost report schema ("Cost and Usage Reports Overview",
https://docs.oracle.com/en-us/iaas/Content/Billing/Concepts/usagereportsoverview.htm, accessed 2026-12-02),
with values shaped like the real report in ``tests/data/real/focus-converters_oci-cost-report_csv.csv``.
Quantities are checked against Oracle's unit definitions, cited at each test:

* OCPU: "one OCPU is the equal of two vCPUs for x86-based compute"; "1 OCPU on Arm A1 = 1 core or 1 vCPU;
  1 OCPU on Arm A2 = 2 cores or 2 vCPUs" (Oracle, "Compute Shapes",
  https://docs.oracle.com/en-us/iaas/Content/Compute/References/computeshapes.htm, accessed 2026-12-02);
* storage months: "prorated based on the number of seconds in a month" (Oracle, "Block Volumes Pricing",
  footnote 1, https://www.oracle.com/cloud/storage/block-volumes/pricing/, accessed 2026-12-02);
* GiB = 2^30 bytes = 1.073741824 GB (IEC 80000-13).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import carbonlab
from carbonlab import datasets
from carbonlab.core import units
from carbonlab.io import oci

REAL = Path(__file__).resolve().parents[1] / "data" / "real" / "focus-converters_oci-cost-report_csv.csv"
BUILD = Path(__file__).resolve().parents[2] / "datasets" / "build"
GIB = 2**30 / 1e9

#: The cost report columns in Oracle's order (the real report above has the same 25, then tags).
COLUMNS = ["lineItem/referenceNo", "lineItem/tenantId", "lineItem/intervalUsageStart", "lineItem/intervalUsageEnd",
           "product/service", "product/compartmentId", "product/compartmentName", "product/region",
           "product/availabilityDomain", "product/resourceId", "usage/billedQuantity",
           "usage/billedQuantityOverage", "cost/subscriptionId", "cost/productSku", "product/Description",
           "cost/unitPrice", "cost/unitPriceOverage", "cost/myCost", "cost/myCostOverage", "cost/currencyCode",
           "cost/billingUnitReadable", "cost/skuUnitDescription", "cost/overageFlag", "lineItem/isCorrection",
           "lineItem/backreferenceNo", "tags/Oracle-Tags.CreatedBy"]

#: Real (product/service, product/Description, cost/billingUnitReadable, cost/skuUnitDescription) of the real
#: report, and SKUs of Oracle's price list for the others.
SKUS = {
    "e4_ocpu": ("COMPUTE", "Standard - E4", "1 NONE HOURS OCPUS", "OCPU Hours"),
    "e4_memory": ("COMPUTE", "Standard - E4 - Memory", "1 GiB HOURS MEMORY", "GB Hours"),
    "a1_ocpu": ("COMPUTE", "Compute - Ampere A1 - OCPU", "1 NONE HOURS OCPUS", "OCPU Hours"),
    "a2_ocpu": ("COMPUTE", "Compute - Standard - A2 - OCPU", "1 NONE HOURS OCPUS", "OCPU Hours"),
    "a4_ocpu": ("COMPUTE", "Compute - Standard - A4 - OCPU", "1 NONE HOURS OCPUS", "OCPU Hours"),
    "x9_ocpu": ("COMPUTE", "Compute - Standard - X9 - OCPU", "1 NONE HOURS OCPUS", "OCPU Hours"),
    "windows": ("COMPUTE", "Windows OS", "1 NONE HOURS OCPUS", "OCPU Hours"),
    "block": ("BLOCK_STORAGE", "Block Volume - Storage", "1 GiB MONTHS STORAGE_SIZE", "GB Months"),
    "vpu": ("BLOCK_STORAGE", "Block Volume - Performance Units", "1 GiB MONTHS PERFORMANCE_UNITS", "GB Months"),
    "object": ("OBJECTSTORE", "Object Storage - Storage", "1 GiB MONTHS STORAGE_SIZE", "GB Months"),
    "exadata": ("DATABASE", "Oracle Autonomous Transaction Processing - Exadata Storage",
                "1 TiB MONTHS STORAGE_SIZE", "TB"),
    "egress": ("NETWORK", "Outbound Data Transfer Zone 1", "1 GiB HOURS DATA_TRANSFERRED", "GB Months"),
    "stream_put": ("ORACLE_STREAMING_SERVICE", "Streaming - PUT or GET", "1 GiB NONE DATA_TRANSFERRED",
                   "GB Of Data Transferred"),
    "apex": ("DATABASE", "Oracle APEX Application Development", "1 NONE HOURS INSTANCE", "Hours"),
    "datapoints": ("TELEMETRY", "Monitoring Service - Retrieval", "1000000 NONE NONE DATAPOINTS",
                   "Million Datapoints"),
    "ecpu": ("DATABASE", "Oracle Autonomous Database - ECPU", "1 NONE HOURS ECPUS", "ECPU Per Hour"),
    "gpu_a100": ("COMPUTE", "Compute - GPU - A100", "1 NONE HOURS GPUS", "GPU Per Hour"),
}


def _report(tmp_path, rows, name="reports_cost-csv_0001000000603747.csv", drop=()):
    """Write a cost report: each row names a SKU of :data:`SKUS` plus the values that differ."""
    out = []
    for i, r in enumerate(rows):
        service, desc, readable, unit = SKUS[r.pop("sku")]
        base = {c: None for c in COLUMNS}
        base.update({"lineItem/referenceNo": f"ref{i}", "lineItem/tenantId": "ocid1.tenancy.oc1..aaaa",
                     "lineItem/intervalUsageStart": "2024-02-10T10:00Z",
                     "lineItem/intervalUsageEnd": "2024-02-10T11:00:00Z", "product/service": service,
                     "product/region": "us-ashburn-1", "product/Description": desc, "cost/currencyCode": "USD",
                     "cost/billingUnitReadable": readable, "cost/skuUnitDescription": unit,
                     "usage/billedQuantity": 1.0, "cost/myCost": 0.5, "lineItem/isCorrection": "false"})
        base.update(r)
        out.append(base)
    path = tmp_path / name
    pd.DataFrame(out, columns=COLUMNS).drop(columns=list(drop)).to_csv(path, index=False)
    return path


def _canonical(row):
    return float(units.to_canonical([row["quantity"]], row["unit"], row["kind"], times=[row["start"]])[0])


# ------------------------------------------------------------------------------------------- compute
def test_ocpu_hours_are_vcpu_hours_by_architecture(tmp_path):
    u = oci.read_oci_cost(_report(tmp_path, [
        {"sku": "e4_ocpu", "usage/billedQuantity": 3},      # x86: 2 vCPU per OCPU -> 6 vCPU-h
        {"sku": "a1_ocpu", "usage/billedQuantity": 4},      # Ampere A1: 1 vCPU per OCPU -> 4
        {"sku": "a2_ocpu", "usage/billedQuantity": 4},      # Ampere A2: 2 vCPU per OCPU -> 8
        {"sku": "x9_ocpu", "usage/billedQuantity": 0.5},    # x86 Ice Lake -> 1
        {"sku": "a4_ocpu", "usage/billedQuantity": 4},      # no ratio documented -> unattributed
        {"sku": "windows", "usage/billedQuantity": 3},      # licence on the same OCPUs -> excluded
    ]))
    assert u.attrs["source_format"] == "oci_cost"
    r = u.set_index("source_row")
    assert r.loc[1, ["kind", "unit", "quantity"]].tolist() == ["compute", "vCPU-h", 3 * oci.OCPU_VCPU]
    assert r.loc[1, "instance_type"] == "arch:AMD EPYC 3rd Gen"              # E4 = AMD EPYC 7J13 (Milan)
    assert r.loc[2, "quantity"] == 4 * 1.0 and pd.isna(r.loc[2, "instance_type"])
    assert r.loc[3, "quantity"] == 4 * 2.0
    assert r.loc[4, ["quantity", "instance_type"]].tolist() == [1.0, "arch:Ice Lake"]
    assert r.loc[5, "kind"] == "unknown" and "does not state" in r.loc[5, "note"] and r.loc[5, "quantity"] == 4
    assert r.loc[6, "kind"] == "unknown" and r.loc[6, "note"].startswith("excluded: a licence")
    assert (u["provider"] == "oci").all() and (u["region"] == "us-ashburn-1").all()
    assert (u["account"] == "ocid1.tenancy.oc1..aaaa").all() and (u["service"].iloc[0] == "COMPUTE")


def test_ocpu_constants():
    assert oci.OCPU_VCPU == 2.0 and oci.OCPU_VCPU_ARM == {"A1": 1.0, "A2": 2.0}
    assert oci.vcpu_per_ocpu(pd.Series(["Standard - E5", "Compute - GPU - A10"])).tolist() == [2.0, 2.0]


def test_memory_gib_hours_and_gpu_hours(tmp_path):
    u = oci.read_oci_cost(_report(tmp_path, [{"sku": "e4_memory", "usage/billedQuantity": 16},
                                             {"sku": "gpu_a100", "usage/billedQuantity": 8}]))
    mem, gpu = u.iloc[0], u.iloc[1]
    # "1 GiB HOURS MEMORY": 16 GiB-h = 16 x 1.073741824 GB-h
    assert (mem["kind"], mem["unit"]) == ("memory", "GB-h")
    assert mem["quantity"] == pytest.approx(16 * GIB, rel=1e-15)
    assert (gpu["kind"], gpu["unit"], gpu["quantity"], gpu["instance_type"]) == ("gpu", "GPU-h", 8, "Nvidia Tesla A100")


# ------------------------------------------------------------------------------------------- storage, network
def test_gb_months_use_the_real_days_of_the_month(tmp_path):
    u = oci.read_oci_cost(_report(tmp_path, [
        {"sku": "block", "usage/billedQuantity": 100},                                    # February 2024: 29 days
        {"sku": "block", "usage/billedQuantity": 100, "lineItem/intervalUsageStart": "2023-11-13T10:00Z",
         "lineItem/intervalUsageEnd": "2023-11-13T11:00:00Z"},                            # November: 30 days
        {"sku": "object", "usage/billedQuantity": 50, "lineItem/intervalUsageStart": "2024-01-31T23:00Z",
         "lineItem/intervalUsageEnd": "2024-02-01T00:00:00Z"},                            # January: 31 days
        {"sku": "exadata", "usage/billedQuantity": 0.008064516},                         # TiB-months
    ]))
    feb, nov, obj, exa = (u.iloc[i] for i in range(4))
    # GiB-months x 1.073741824 GB/GiB x 24 h x days / 1000 GB/TB = TB-h
    assert _canonical(feb) == pytest.approx(100 * GIB * 24 * 29 / 1000, rel=1e-14)
    assert _canonical(nov) == pytest.approx(100 * GIB * 24 * 30 / 1000, rel=1e-14)
    assert _canonical(obj) == pytest.approx(50 * GIB * 24 * 31 / 1000, rel=1e-14)
    assert _canonical(exa) == pytest.approx(0.008064516 * 2**40 / 1e9 * 24 * 29 / 1000, rel=1e-14)
    assert (feb["storage_class"], feb["replication"], bool(feb["storage_class_guessed"])) == ("ssd", 2.0, False)
    assert (obj["storage_class"], obj["replication"]) == ("hdd", 6.0)      # analogy with CCF's S3 factor
    assert exa["storage_class"] == "ssd" and bool(exa["storage_class_guessed"])


def test_outbound_transfer_is_network_whatever_the_sku_unit_says(tmp_path):
    # the real report bills outbound transfer as "GB Months" with billing unit "1 GiB HOURS DATA_TRANSFERRED"
    u = oci.read_oci_cost(_report(tmp_path, [{"sku": "egress", "usage/billedQuantity": 2.5},
                                             {"sku": "stream_put", "usage/billedQuantity": 2.5}]))
    out, put = u.iloc[0], u.iloc[1]
    assert (out["kind"], out["unit"]) == ("network", "GB") and out["quantity"] == pytest.approx(2.5 * GIB)
    assert put["kind"] == "unknown" and put["note"] == "data volume that is not transfer out of a data centre"


def test_lines_without_a_physical_model_keep_quantity_unit_and_cost(tmp_path):
    u = oci.read_oci_cost(_report(tmp_path, [
        {"sku": "vpu", "usage/billedQuantity": 3.7, "cost/myCost": 0.25},
        {"sku": "apex", "usage/billedQuantity": 6},
        {"sku": "datapoints", "usage/billedQuantity": 0.03},
        {"sku": "ecpu", "usage/billedQuantity": 2},
    ]))
    assert (u["kind"] == "unknown").all()
    assert u["unit"].tolist() == ["GB Months", "Hours", "Million Datapoints", "ECPU Per Hour"]
    assert u["quantity"].tolist() == [3.7, 6, 0.03, 2] and u["cost"].iloc[0] == 0.25
    notes = u["note"].tolist()
    assert "performance units" in notes[0] and "without a vCPU count" in notes[1]
    assert notes[2] == "unit not modelled: Million Datapoints" and "ECPU" in notes[3]


def test_sku_unit_description_alone(tmp_path):
    # files without cost/billingUnitReadable: the unit names alone (decimal GB as written)
    u = oci.read_oci_cost(_report(tmp_path, [
        {"sku": "e4_ocpu", "cost/skuUnitDescription": "OCPU Per Hour", "usage/billedQuantity": 2},
        {"sku": "e4_memory", "cost/skuUnitDescription": "Gigabyte Per Hour", "usage/billedQuantity": 8},
        {"sku": "block", "cost/skuUnitDescription": "Gigabyte Storage Capacity Per Month",
         "usage/billedQuantity": 10},
        {"sku": "egress", "cost/skuUnitDescription": "Gigabyte Outbound Data Transfer Per Month",
         "usage/billedQuantity": 4},
        {"sku": "vpu", "cost/skuUnitDescription": "Performance Units Per Gigabyte Per Month"},
    ], drop=["cost/billingUnitReadable"]))
    assert u["kind"].tolist() == ["compute", "memory", "storage", "network", "unknown"]
    assert u["quantity"].tolist()[:2] == [4.0, 8.0] and u["quantity"].iloc[3] == 4.0
    assert _canonical(u.iloc[2]) == pytest.approx(10 * 24 * 29 / 1000, rel=1e-14)


# ------------------------------------------------------------------------------------------- conservation
def _conservation(table):
    cube = carbonlab.usage_cube(table)
    cost_out = float(cube["cost_attributed"].sum()) + float(cube["unattributed_cost"].sum())
    return cube, cost_out


def test_real_report_rows_and_cost_are_conserved():
    raw = pd.read_csv(REAL)
    u = oci.read_oci_cost(REAL)
    assert len(u) == len(raw) == 506 and u["source_row"].tolist() == list(range(1, 507))
    cube, cost_out = _conservation(u)
    placed = cube.attrs["records_in"] - cube.attrs["records_unattributed"]
    assert cube.attrs["records_in"] == 506 and placed == (u["kind"] != "unknown").sum()
    assert int(cube["unattributed_records"].sum()) == cube.attrs["records_unattributed"]
    assert cost_out == pytest.approx(raw["cost/myCost"].sum(), rel=1e-12)
    # the real report by hand: 6 E4 OCPU-h -> 12 vCPU-h; 96 GiB-h of E4 memory
    assert float(cube["vcpu_hours"].sum()) == pytest.approx(12.0)
    assert float(cube["memory_gb_hours"].sum()) == pytest.approx(96 * GIB)
    # block volume storage, all in November 2023 (30 days): GiB-months x GiB x 24 x 30 / 1000 = TB-h
    sel = (raw["product/Description"] == "Block Volume - Storage").to_numpy()
    assert u.loc[sel, "quantity"].sum() == pytest.approx(raw.loc[sel, "usage/billedQuantity"].sum() * GIB * 720 / 1e3,
                                                          rel=1e-12)
    ssd = u["storage_class"].eq("ssd") & u["kind"].eq("storage")
    assert float(cube["storage_ssd_tb_hours"].sum()) == pytest.approx(u.loc[ssd, "quantity"].sum(), rel=1e-12)


def test_fixture_quantities_are_conserved_per_kind(tmp_path):
    u = oci.read_oci_cost(_report(tmp_path, [{"sku": s, "usage/billedQuantity": q} for s, q in
                                             (("e4_ocpu", 2), ("e4_memory", 16), ("block", 50), ("egress", 3),
                                              ("datapoints", 1), ("a4_ocpu", 1))]))
    cube, cost_out = _conservation(u)
    assert cost_out == pytest.approx(0.5 * 6)
    assert cube.attrs["records_in"] == 6 and cube.attrs["records_unattributed"] == 2
    for kind, var in (("compute", "vcpu_hours"), ("memory", "memory_gb_hours"), ("network", "network_gb")):
        assert float(cube[var].sum()) == pytest.approx(u.loc[u["kind"] == kind, "quantity"].sum(), rel=1e-12)


def test_corrections_net_out(tmp_path):
    u = oci.read_oci_cost(_report(tmp_path, [
        {"sku": "e4_ocpu", "usage/billedQuantity": 4},
        {"sku": "e4_ocpu", "usage/billedQuantity": -1, "cost/myCost": -0.125, "lineItem/isCorrection": "true",
         "lineItem/backreferenceNo": "ref0"},
    ]))
    cube, cost_out = _conservation(u)
    assert float(cube["vcpu_hours"].sum()) == 6.0 and cube.attrs["records_negative"] == 1
    assert cost_out == pytest.approx(0.375)


def test_unparseable_values(tmp_path):
    path = _report(tmp_path, [{"sku": "e4_ocpu", "usage/billedQuantity": "lots"}, {"sku": "e4_ocpu"}])
    with pytest.raises(ValueError, match=r"row 1, column usage/billedQuantity"):
        oci.read_oci_cost(path)
    u = oci.read_oci_cost(path, lenient=True)
    assert u["kind"].tolist() == ["unknown", "compute"] and u["note"].iloc[0] == "unparseable value (lenient)"


def test_streamed_batches_equal_the_whole_file():
    whole = oci.read_oci_cost(REAL)
    parts = pd.concat(list(oci.iter_oci_cost(REAL, batch_rows=100)), ignore_index=True)
    assert len(parts) == len(whole)
    assert parts["quantity"].sum() == pytest.approx(whole["quantity"].sum(), rel=1e-12)
    assert parts["kind"].astype(str).tolist() == whole["kind"].tolist()


# ------------------------------------------------------------------------------------------- format and columns
def test_looks_like_oci():
    assert oci.looks_like_oci(COLUMNS)
    assert oci.looks_like_oci([c.lower() for c in COLUMNS])
    assert not oci.looks_like_oci(["lineItem/UsageType", "lineItem/UsageStartDate", "lineItem/UsageAmount"])
    assert not oci.looks_like_oci(["ChargePeriodStart", "ConsumedQuantity", "ProviderName", "RegionName"])


def test_usage_reports_and_other_files_are_refused_by_name(tmp_path):
    usage = tmp_path / "reports_usage-csv_0001.csv"
    pd.DataFrame(columns=["lineItem/referenceNo", "lineItem/intervalUsageStart", "lineItem/intervalUsageEnd",
                          "product/service", "product/resource", "product/region", "usage/consumedQuantity",
                          "usage/billedQuantity"]).to_csv(usage, index=False)
    with pytest.raises(ValueError, match="an OCI usage report"):
        oci.read_oci_cost(usage)
    with pytest.raises(ValueError, match=r"not an OCI cost report.*cost/myCost"):
        oci.read_oci_cost(_report(tmp_path, [{"sku": "e4_ocpu"}], drop=["cost/myCost"]))


# ------------------------------------------------------------------------------------------- regions
def test_region_identifiers_names_and_keys():
    values = pd.Series(["us-ashburn-1", "US-ASHBURN-1", "IAD", "iad", "US East (Ashburn)", "us east (ashburn)",
                        "Brazil East (São Paulo)", "Brazil East (Sao Paulo)", "Germany Central (Frankfurt)",
                        "Netherlands NW (Amsterdam)", "UK West (Newport)", "CWL", "US Gov East (Ashburn)",
                        "Somewhere (Ashburn)", "Mars", "", None])
    assert oci.normalise_oci_region(values).tolist() == [
        "us-ashburn-1", "us-ashburn-1", "us-ashburn-1", "us-ashburn-1", "us-ashburn-1", "us-ashburn-1",
        "sa-saopaulo-1", "sa-saopaulo-1", "eu-frankfurt-1", "eu-amsterdam-1", "uk-cardiff-1", "uk-cardiff-1",
        "us-langley-1", None, None, None, None]   # Ashburn has three regions: only the full name decides


def test_every_shipped_oci_region_normalises_to_itself_from_its_id_name_and_key():
    t = datasets.load_table("regions")
    t = t[t["provider"] == "oci"]
    assert len(t) == 55
    keys = {v: k for k, v in oci.OCI_REGION_KEYS.items()}
    assert set(keys) == set(t["region"])
    for column in (t["region"], t["name"], t["region"].map(keys)):
        assert oci.normalise_oci_region(column.reset_index(drop=True)).tolist() == t["region"].tolist()


def test_region_keys_match_the_build_table():
    sys.path.insert(0, str(BUILD))
    try:
        import _oci_regions
    finally:
        sys.path.remove(str(BUILD))
    assert {k: r for r, (k, *_) in _oci_regions.OCI_REGIONS.items()} == oci.OCI_REGION_KEYS


def test_region_display_names_and_keys_in_a_file(tmp_path):
    u = oci.read_oci_cost(_report(tmp_path, [{"sku": "e4_ocpu", "product/region": "US East (Ashburn)"},
                                             {"sku": "e4_ocpu", "product/region": "FRA"},
                                             {"sku": "e4_ocpu", "product/region": "nowhere-1"}]))
    assert u["region"].tolist()[:2] == ["us-ashburn-1", "eu-frankfurt-1"] and pd.isna(u["region"].iloc[2])
    cube = carbonlab.usage_cube(u)
    assert "missing region" in set(cube["unattributed_reason"].values.tolist())


def test_fixture_columns_are_the_real_reports():
    real = list(pd.read_csv(REAL, nrows=0).columns)
    assert real[:25] == COLUMNS[:25]
    assert np.isin(["lineItem/intervalUsageStart", "cost/myCost"], real).all()


def test_rules_classify_oci_focus_rows_alike():
    # OCI rows of a FOCUS export (FinOps Foundation FOCUS-Sample-Data, tests/data/real/
    # focus-sample-data_focus10_multicloud.csv): ChargeDescription and ConsumedUnit, no billing unit
    keys = pd.DataFrame({
        "service": ["COMPUTE", "NETWORK", "COMPUTE", "COMPUTE", "COMPUTE", "BLOCK_STORAGE"],
        "description": ["Standard - E3 - Memory", "Outbound Data Transfer Zone 1", "Standard - E5",
                        "Standard - A1 - Memory", "Standard - A1", "Block Volume - Performance Units"],
        "unit": ["GB Hours", "GB Months", "OCPU Hours", "Gigabyte Per Hour", "OCPU Per Hour", "GB Months"],
        "unit_readable": [None] * 6})
    cls = oci.oci_rules(keys)
    assert cls["kind"].tolist() == ["memory", "network", "compute", "memory", "compute", "unknown"]
    assert cls["factor"].tolist()[2:5] == [2.0, 1.0, 1.0]          # E5 x86: 2 vCPU/OCPU; A1: 1
    assert cls["instance_type"].iloc[2] == "arch:AMD EPYC 4th Gen" and "performance units" in cls["note"].iloc[5]
