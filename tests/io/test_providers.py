"""Service and region names shared by the readers (``carbonlab.io._providers``)."""

from __future__ import annotations

import pandas as pd

from carbonlab.io import _providers


def test_azure_region_names():
    names = pd.Series(["West Europe", "EU West", "westeurope", "US East", "East US 2", None])
    assert _providers.normalise_azure_region(names).tolist() == ["westeurope", "westeurope", "westeurope", "eastus",
                                                                 "eastus2", None]


def test_aws_product_codes_and_service_names_are_one_table():
    assert _providers.AWS_SERVICE_NAMES["AmazonEC2"] == "Amazon Elastic Compute Cloud"
    assert _providers.SERVICE_CODES[_providers.AWS_SERVICE_NAMES["AmazonS3"]] == "AmazonS3"
