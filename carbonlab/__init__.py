"""carbonlab: how a cloud bill becomes a carbon number, reproducibly.

Public API
----------
estimate, compare, summary, to_tidy, FootprintChain
    Footprints of usage under one or several methodologies.
Methodology, methodology, list_methodologies
    Methodologies as values and the preset ones.
usage_cube
    A UsageTable aggregated on time x region x service.
read_focus
    FinOps FOCUS exports to a UsageTable.
list_datasets, load_table, data_card
    Shipped reference data.
"""

__version__ = "0.1.0"

from carbonlab.cube import usage_cube
from carbonlab.datasets import data_card, list_datasets, load_table
from carbonlab.footprint import FootprintChain, compare, estimate, summary, to_tidy
from carbonlab.io.focus import read_focus
from carbonlab.methodology import Methodology, list_methodologies, methodology

__all__ = [
    "FootprintChain", "Methodology", "compare", "data_card", "estimate", "list_datasets",
    "list_methodologies", "load_table", "methodology", "read_focus", "summary", "to_tidy", "usage_cube",
]
