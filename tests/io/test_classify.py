"""One rule for every reader: lines CCF classifies and carbonlab did not, each against its source.

Sources: Cloud Carbon Footprint's AWS tables (``@cloud-carbon-footprint/aws`` 0.15.0,
``dist/lib/CostAndUsageTypes.js``: ``NETWORKING_USAGE_TYPES``, ``HDD_USAGE_TYPES``,
``UNKNOWN_USAGE_TYPES``; ``CostAndUsageReportsRow.js`` ACU-hours / 4), summarised in
``../shared/methods/CCF.md`` §1.4, §3.3, §4, §8.1; AWS documentation where cited at each test
(accessed 2026-12-02).
"""

from __future__ import annotations

import pandas as pd
import pytest

import carbonlab
from carbonlab.io import classify

CUR = {"lineItem/LineItemType": "Usage", "lineItem/UsageStartDate": "2024-01-15T00:00:00Z",
       "lineItem/UsageEndDate": "2024-01-15T01:00:00Z", "lineItem/UsageAccountId": "111111111111",
       "product/regionCode": "us-east-1", "lineItem/ProductCode": "AmazonEC2", "pricing/unit": "Hrs",
       "product/instanceType": None, "lineItem/UsageAmount": 1.0, "lineItem/UnblendedCost": 1.0}

FOCUS = {"BillingAccountId": "1", "ChargePeriodStart": "2024-09-18 22:00:00", "ChargePeriodEnd": "2024-09-18 23:00:00",
         "ChargeCategory": "Usage", "ProviderName": "AWS", "ServiceCategory": "Compute", "RegionId": "us-east-1",
         "ConsumedQuantity": "1", "BilledCost": "1.0", "ChargeDescription": None, "ResourceType": None}


def _cur(tmp_path, rows):
    path = tmp_path / "cur.csv"
    pd.DataFrame([{**CUR, **r} for r in rows]).to_csv(path, index=False)
    return carbonlab.read_aws_cur(path)


def _focus(tmp_path, rows, name="focus.csv"):
    path = tmp_path / name
    pd.DataFrame([{**FOCUS, **r} for r in rows]).to_csv(path, index=False)
    return carbonlab.read_focus(path)


def test_inter_region_transfer_out_counted_in_excluded(tmp_path):
    # CCF networking types include AWS-Out-Bytes; the In side is the same bytes arriving
    u = _cur(tmp_path, [{"lineItem/UsageType": "USE1-EUW2-AWS-Out-Bytes", "pricing/unit": "GB",
                         "lineItem/UsageAmount": 12.5},
                        {"lineItem/UsageType": "EUW2-USE1-AWS-In-Bytes", "pricing/unit": "GB",
                         "lineItem/UsageAmount": 12.5, "product/regionCode": "eu-west-2"}])
    assert (u["kind"].iloc[0], u["quantity"].iloc[0], u["unit"].iloc[0]) == ("network", 12.5, "GB")
    assert u["kind"].iloc[1] == "unknown" and u["note"].iloc[1] == classify.INTER_REGION_IN_NOTE
    assert not classify.estimable([u["note"].iloc[1]])[0]      # never priced by the cost ratio either


@pytest.mark.parametrize("usage_type, product, expected", [
    ("RDS:StorageUsage", "AmazonRDS", "hdd"),                 # magnetic (CCF: HDD)
    ("RDS:Multi-AZ-StorageUsage", "AmazonRDS", "hdd"),        # magnetic, Multi-AZ (CCF lists it as SSD)
    ("ES:Magnetic-Storage", "AmazonES", "hdd"),               # OpenSearch magnetic EBS (CCF lists it as SSD)
    ("RDS:GP2-Storage", "AmazonRDS", "ssd"),
    ("Aurora:StorageUsage", "AmazonRDS", "ssd"),              # Aurora's cluster volume (CCF: SSD)
])
def test_rds_magnetic_storage_is_hdd(tmp_path, usage_type, product, expected):
    u = _cur(tmp_path, [{"lineItem/UsageType": usage_type, "lineItem/ProductCode": product,
                         "pricing/unit": "GB-Mo", "lineItem/UsageAmount": 100}])
    assert (u["kind"].iloc[0], u["storage_class"].iloc[0]) == ("storage", expected)


def test_aurora_serverless_acu_hours(tmp_path):
    # "each ACU is a combination of approximately 2 GiB of memory, corresponding CPU, and networking"
    # (Aurora User Guide) at the r classes' 8 GiB per vCPU: 0.25 vCPU per ACU, CCF's ACU-hours / 4
    u = _cur(tmp_path, [{"lineItem/UsageType": "USE2-Aurora:ServerlessV2Usage", "lineItem/ProductCode": "AmazonRDS",
                         "pricing/unit": "ACU-Hr", "lineItem/UsageAmount": 8.0}])
    assert (u["kind"].iloc[0], u["unit"].iloc[0], u["quantity"].iloc[0]) == ("compute", "vCPU-h", 2.0)
    f = _focus(tmp_path, [{"ServiceName": "Amazon Relational Database Service", "ConsumedUnit": "ACU-Hours",
                           "ConsumedQuantity": "2", "ChargeDescription": "$0.06 per Aurora Capacity Unit hour "
                           "running Amazon Aurora PostgreSQL Serverless"}])
    assert (f["kind"].iloc[0], f["quantity"].iloc[0]) == ("compute", 0.5)


def test_cpu_credits_are_vcpu_hours_at_full_utilisation(tmp_path):
    # T-unlimited surplus credits: vCPU-Hours (CCF: usage amount as given); one credit = one vCPU at 100 %
    # for a minute (EC2 User Guide, "Key concepts for burstable performance instances")
    u = _cur(tmp_path, [{"lineItem/UsageType": "USE1-CPUCredits:t3", "pricing/unit": "vCPU-Hours",
                         "lineItem/UsageAmount": 3.0}])
    assert (u["kind"].iloc[0], u["quantity"].iloc[0], u["utilization"].iloc[0]) == ("compute", 3.0, 1.0)


@pytest.mark.parametrize("usage_type, instance, vcpu, gpus", [
    ("USE1-Notebk:ml.m5.xlarge", None, 4, 0),          # m5.xlarge: 4 vCPU (EC2 instance types)
    ("USE1-Train:ml.p3.2xlarge", "ml.p3.2xlarge", 8, 1),  # p3.2xlarge: 8 vCPU, 1 V100
])
def test_sagemaker_instances_are_their_ec2_type(tmp_path, usage_type, instance, vcpu, gpus):
    u = _cur(tmp_path, [{"lineItem/UsageType": usage_type, "lineItem/ProductCode": "AmazonSageMaker",
                         "product/instanceType": instance, "lineItem/UsageAmount": 2.0}])
    compute = u[u["kind"] == "compute"]
    assert compute["quantity"].tolist() == [2.0 * vcpu]
    assert u[u["kind"] == "gpu"]["quantity"].sum() == 2.0 * gpus


@pytest.mark.parametrize("usage_type, unit, service", [
    ("USE1-NatGateway-Bytes", "GB", "AmazonEC2"), ("USE1-NatGateway-Hours", "Hrs", "AmazonEC2"),
    ("USE1-LCUUsage", "LCU-Hrs", "AWSELB"), ("USE1-LoadBalancerUsage", "Hrs", "AWSELB"),
    ("US-DataTransfer-Out-Bytes", "GB", "AmazonCloudFront"),
])
def test_focus_and_cur_agree_on_nat_lb_cdn(tmp_path, usage_type, unit, service):
    names = {"AWSELB": "Elastic Load Balancing", "AmazonEC2": "Amazon Elastic Compute Cloud",
             "AmazonCloudFront": "Amazon CloudFront"}
    u = _cur(tmp_path, [{"lineItem/UsageType": usage_type, "pricing/unit": unit, "lineItem/ProductCode": service}])
    f = _focus(tmp_path, [{"ServiceName": names[service], "x_UsageType": usage_type, "ConsumedUnit": unit,
                           "ServiceCategory": "Networking"}])
    assert u["kind"].iloc[0] == f["kind"].iloc[0] == "unknown"
    assert u["note"].iloc[0] == f["note"].iloc[0] and u["note"].iloc[0].startswith("no physical model")


@pytest.mark.parametrize("usage_type, unit", [
    ("USW2-ExtendedSupport:Yr1-Yr2:MySQL5.7", "vCPU-Hours"),   # RDS Extended Support: a fee per vCPU-hour
    ("EBSOptimized:t3a.small", "Hrs"),                          # the instance is billed by BoxUsage
    ("SoftwareUsage:t2.nano", "Hrs"),                           # marketplace software on an EC2 instance
])
def test_fees_per_unit_of_hardware_are_not_hardware(tmp_path, usage_type, unit):
    u = _cur(tmp_path, [{"lineItem/UsageType": usage_type, "pricing/unit": unit,
                         "product/instanceType": "t3a.small"}])
    assert u["kind"].iloc[0] == "unknown" and u["note"].iloc[0].startswith("excluded")


def test_pricing_unit_told_from_usage_type(tmp_path):
    # 2018 CURs leave pricing/unit empty on EBS, transfer and spot lines
    u = _cur(tmp_path, [{"lineItem/UsageType": "EBS:VolumeUsage.gp2", "pricing/unit": None,
                         "lineItem/UsageAmount": 31.0},
                        {"lineItem/UsageType": "SpotUsage:m5.large", "pricing/unit": None}])
    assert u["kind"].tolist() == ["storage", "compute"]
    assert u["quantity"].iloc[1] == 2.0                 # m5.large: 2 vCPU


def test_vcores_of_azure_meters():
    assert classify.vcores(pd.Series(["4 vCore", "vCore", "2 vCores", "D2 v3"])).tolist()[:3] == [4.0, 1.0, 2.0]


def test_instance_type_in_a_charge_description():
    found = classify.instance_type_from_description(pd.Series([
        "$0.34 per On Demand Linux c5.2xlarge Instance Hour", "USD 0.023 per db.t3.micro Single-AZ instance hour",
        "Virtual Machines Dv2/DSv2 Series - D11 v2/DS11 v2 - US East 2", "AWS Fargate - vCPU - US West 2 (Oregon)"]))
    assert found.tolist() == ["c5.2xlarge", "db.t3.micro", "Standard_D11_v2", None]


def test_aws_vcpu_by_size_against_the_instance_table():
    # the size rule against every large/xlarge AWS type the shipped table lists (AWS's own vCPU counts)
    from carbonlab import load_table

    t = load_table("instances")
    t = t[(t["provider"] == "aws") & t["instance_type"].str.contains(r"\.\d*x?large$")]
    rule = classify.aws_vcpu_by_size(t["instance_type"])
    agree = (rule == t["vcpu"].to_numpy())
    exceptions = set(t.loc[~agree, "instance_type"].str.split(".").str[0])
    assert agree.mean() > 0.97
    assert exceptions <= {"c1", "c4", "d2", "ds2", "hpc6a", "hs1", "m2", "ra3"}   # previous generations, HPC, Redshift


def test_new_instance_type_is_placed_by_its_size(tmp_path):
    # m7i-flex.xlarge (4 vCPU, EC2 documentation) is not in the shipped table: placed by the size rule,
    # with no platform (the footprint reports the compute without an embodied estimate)
    f = _focus(tmp_path, [{"ServiceName": "Amazon Elastic Compute Cloud", "ConsumedUnit": "Hours",
                           "ChargeDescription": "$0.19152 per On Demand Linux m7i-flex.xlarge Instance Hour"}])
    assert (f["kind"].iloc[0], f["quantity"].iloc[0], f["instance_type"].iloc[0]) == ("compute", 4.0,
                                                                                      "m7i-flex.xlarge")
    cube = carbonlab.usage_cube(f)
    assert float(cube["vcpu_hours_unknown_platform"].sum()) == 4.0


def test_lambda_at_edge_is_lambda_compute_in_its_region(tmp_path):
    u = _cur(tmp_path, [{"lineItem/UsageType": "USW2-Lambda-Edge-GB-Second", "lineItem/ProductCode": "AmazonCloudFront",
                         "pricing/unit": "Lambda-GB-Second", "lineItem/UsageAmount": 1769.0}])
    assert (u["kind"].iloc[0], u["quantity"].iloc[0]) == ("compute", pytest.approx(1000 / 3600))


def test_parse_pack():
    pack, base = classify.parse_pack(pd.Series(["10 Hours", "1 GB/Month", "1/Month", "50000 GB Seconds", "10K",
                                                "Hours", None]))
    assert pack.tolist() == [10, 1, 1, 50000, 10000, 1, 1]
    assert base.tolist() == ["Hours", "GB/Month", "/Month", "GB Seconds", "", "Hours", ""]
