"""carbonlab: how a cloud bill becomes a carbon number, reproducibly.

Public API
----------
estimate, compare, summary, to_tidy, FootprintChain
    Footprints of usage under one or several methodologies.
Methodology, methodology, list_methodologies
    Methodologies as values and the preset ones.
usage_cube
    A UsageTable aggregated on time x region x service.
read, read_focus, read_aws_cur, read_gcp_billing, read_azure_costs
    Billing exports (FOCUS, AWS CUR legacy and 2.0, GCP billing, Azure cost
    details) to a UsageTable; ``read`` detects the format.
list_datasets, load_table, data_card
    Shipped reference data.
totals, total, variants, sweep, tornado, decompose, rerun
    Methodology studies: totals by any dimension, sweeps of one parameter,
    one-at-a-time sensitivity, the stages behind a difference.
``ds.carbon``
    The same functions and the figures as methods of a Footprint
    (:mod:`carbonlab.accessor`, registered on import).
"""

__version__ = "0.1.0"

from carbonlab.cube import usage_cube
from carbonlab.datasets import data_card, list_datasets, load_table
from carbonlab.footprint import FootprintChain, compare, estimate, summary, to_tidy
from carbonlab.io import read, read_aws_cur, read_azure_costs, read_focus, read_gcp_billing
from carbonlab.methodology import Methodology, list_methodologies, methodology
from carbonlab.sensitivity import decompose, rerun, sweep, tornado, total, totals, variants
from carbonlab import accessor  # noqa: F401  (registers ds.carbon)

__all__ = [
    "FootprintChain", "Methodology", "compare", "data_card", "estimate", "list_datasets",
    "list_methodologies", "load_table", "methodology", "read", "read_aws_cur", "read_azure_costs", "read_focus",
    "read_gcp_billing", "summary", "to_tidy", "usage_cube",
    "decompose", "rerun", "sweep", "tornado", "total", "totals", "variants",
]
