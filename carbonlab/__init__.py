"""carbonlab: how a cloud bill becomes a carbon number, reproducibly.

Public API
----------
estimate, compare, FootprintChain
    Footprints of usage under one or several methodologies, stage by stage.
summary, totals, total, to_tidy, unattributed_table
    Tables of a Footprint: headline totals, totals by any dimension, one number per
    methodology, tidy rows, and the usage it could not place (with the reason).
Methodology, methodology, list_methodologies
    Methodologies as values and the preset ones.
usage_cube
    A UsageTable aggregated on time x region x service.
read, read_focus, read_aws_cur, read_gcp_billing, read_azure_costs, read_oci_cost
    Billing exports (FOCUS, AWS CUR legacy and 2.0, GCP billing, Azure cost
    details, Oracle Cloud cost reports) to a UsageTable; ``read`` detects the format.
list_datasets, load_table, data_card
    Shipped reference data.
read_electricitymaps, read_watttime, read_intensity_csv
    Hourly grid signals (Electricity Maps exports, WattTime/SGIP, plain CSV);
    pass one to ``estimate(..., intensity=...)``.
grid_intensity, to_resolution, profile_signal, siler_evans, market_factor, hourly_matching, cfe_score
    Grid signals: average, marginal (measured or estimated by Siler-Evans) and
    market-based (Scope 2 hierarchy, 24/7 matching), at hourly, monthly or
    annual resolution.
variants, sweep, tornado, decompose, rerun
    Methodology studies: variants of a methodology, sweeps of one parameter,
    one-at-a-time sensitivity, the stages behind a difference.
``ds.carbon``
    The same functions and the figures as methods of a Footprint
    (:mod:`carbonlab.accessor`, registered on import).
"""

from carbonlab._version import __version__
from carbonlab.cube import usage_cube
from carbonlab.datasets import data_card, list_datasets, load_table
from carbonlab.footprint import FootprintChain, compare, estimate
from carbonlab.io import read, read_aws_cur, read_azure_costs, read_focus, read_gcp_billing, read_oci_cost
from carbonlab.methodology import Methodology, list_methodologies, methodology
from carbonlab.signals import grid_intensity, profile_signal, to_resolution
from carbonlab.io.electricitymaps import read_electricitymaps
from carbonlab.io.intensity_csv import read_intensity_csv
from carbonlab.io.watttime import read_watttime
from carbonlab.models.marginal import siler_evans
from carbonlab.models.market import cfe_score, hourly_matching, market_factor
from carbonlab.sensitivity import decompose, rerun, sweep, tornado, variants
from carbonlab.tables import summary, to_tidy, total, totals, unattributed_table
from carbonlab import accessor  # noqa: F401  (registers ds.carbon)

__all__ = [
    "__version__", "FootprintChain", "Methodology", "compare", "data_card", "estimate", "list_datasets",
    "list_methodologies", "load_table", "methodology", "read", "read_aws_cur", "read_azure_costs", "read_focus",
    "read_gcp_billing", "read_oci_cost", "summary", "to_tidy", "unattributed_table", "usage_cube",
    "decompose", "rerun", "sweep", "tornado", "total", "totals", "variants",
    "cfe_score", "grid_intensity", "hourly_matching", "market_factor", "profile_signal", "read_electricitymaps",
    "read_intensity_csv", "read_watttime", "siler_evans", "to_resolution",
]
