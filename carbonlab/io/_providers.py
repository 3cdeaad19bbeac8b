"""How providers name their services and regions, for every reader alike.

Service names differ between a provider's own export and FOCUS (AWS product codes ``AmazonEC2`` against
product names ``Amazon Elastic Compute Cloud``), and Azure writes its regions in several spellings;
these tables make every reader name a service and a region the same way.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["SERVICE_CODES", "AWS_SERVICE_NAMES", "AZURE_REGION_ALIASES", "normalise_azure_region"]

#: Provider service names (FOCUS ``ServiceName``, Azure meter categories) -> CCF's service codes,
#: the keys of the replication rules.
SERVICE_CODES = {
    "Amazon Elastic Compute Cloud": "AmazonEC2", "Amazon Simple Storage Service": "AmazonS3",
    "Amazon Relational Database Service": "AmazonRDS", "AWS Lambda": "AWSLambda",
    "Amazon DynamoDB": "AmazonDynamoDB", "Amazon Elastic File System": "AmazonEFS",
    "Amazon DocumentDB (with MongoDB compatibility)": "AmazonDocDB", "Amazon ElastiCache": "AmazonElastiCache",
    "Amazon Elastic Container Registry": "AmazonECR", "AWS Data Transfer": "AWSDataTransfer",
    "Compute Engine": "Compute Engine", "Cloud Storage": "Cloud Storage", "Cloud SQL": "Cloud SQL",
    "Kubernetes Engine": "Kubernetes Engine", "Cloud Filestore": "Cloud Filestore",
    "Virtual Machines": "Virtual Machines", "Storage": "Storage", "SQL Database": "SQL Database",
    "Azure Cosmos DB": "Azure Cosmos DB", "Azure Database for MySQL": "Azure Database for MySQL",
    "Redis Cache": "Redis Cache",
}


#: AWS product codes (CUR ``line_item_product_code``) -> product names (FOCUS ``ServiceName``,
#: CUR ``product/ProductName``), so that every AWS reader names a service the same way.
AWS_SERVICE_NAMES = {code: name for name, code in SERVICE_CODES.items() if code.startswith(("Amazon", "AWS"))}
AWS_SERVICE_NAMES.update({
    "AmazonVPC": "Amazon Virtual Private Cloud", "AmazonCloudFront": "Amazon CloudFront",
    "AmazonCloudWatch": "AmazonCloudWatch", "AmazonEKS": "Amazon Elastic Container Service for Kubernetes",
    "AmazonECS": "Amazon Elastic Container Service", "AmazonRedshift": "Amazon Redshift",
    "AmazonES": "Amazon OpenSearch Service", "AmazonSageMaker": "Amazon SageMaker", "AWSGlue": "AWS Glue",
    "AmazonKinesis": "Amazon Kinesis", "AmazonSNS": "Amazon Simple Notification Service",
    "AWSQueueService": "Amazon Simple Queue Service", "AmazonRoute53": "Amazon Route 53",
    "AmazonMSK": "Amazon Managed Streaming for Apache Kafka", "AmazonNeptune": "Amazon Neptune",
    "AmazonFSx": "Amazon FSx", "AWSBackup": "AWS Backup", "AmazonAthena": "Amazon Athena",
    "AWSDeveloperSupport": "AWS Support (Developer)", "AWSBusinessSupport": "AWS Support (Business)",
    "AWSSupportEnterprise": "AWS Support (Enterprise)", "AWSCostExplorer": "AWS Cost Explorer",
})


#: Azure's older location labels (EA ``MeterRegion`` style, "US East") -> region names ("eastus").
#: Names are first lower-cased and stripped of spaces, hyphens and underscores ("West Europe" -> "westeurope").
AZURE_REGION_ALIASES = {
    "useast": "eastus", "useast2": "eastus2", "useast3": "eastus3", "uswest": "westus", "uswest2": "westus2",
    "uswest3": "westus3", "uscentral": "centralus", "usnorthcentral": "northcentralus",
    "ussouthcentral": "southcentralus", "uswestcentral": "westcentralus", "euwest": "westeurope",
    "eunorth": "northeurope", "apeast": "eastasia", "apsoutheast": "southeastasia", "jaeast": "japaneast",
    "jawest": "japanwest", "brsouth": "brazilsouth", "aueast": "australiaeast",
    "ausoutheast": "australiasoutheast", "aucentral": "australiacentral", "incentral": "centralindia",
    "insouth": "southindia", "inwest": "westindia", "cacentral": "canadacentral", "caeast": "canadaeast",
    "uksouth": "uksouth", "ukwest": "ukwest", "krcentral": "koreacentral", "krsouth": "koreasouth",
    "frcentral": "francecentral", "frsouth": "francesouth", "dewestcentral": "germanywestcentral",
    "denorth": "germanynorth", "chnorth": "switzerlandnorth", "chwest": "switzerlandwest",
    "noeast": "norwayeast", "nowest": "norwaywest", "secentral": "swedencentral", "zanorth": "southafricanorth",
    "aenorth": "uaenorth", "plcentral": "polandcentral", "itnorth": "italynorth", "qacentral": "qatarcentral",
}


def normalise_azure_region(names: pd.Series) -> pd.Series:
    """Azure region name from a location as exports write it (``West Europe``, ``EU West``, ``westeurope``).

    Lower-cases, drops spaces, hyphens and underscores, then maps the older
    "US East" style labels through :data:`AZURE_REGION_ALIASES`.
    """
    key = names.fillna("").astype(str).str.lower().str.replace(r"[\s_-]+", "", regex=True)
    out = key.map(AZURE_REGION_ALIASES).fillna(key).astype(object)
    return out.where((names.notna() & (key != "")).to_numpy(), None)
