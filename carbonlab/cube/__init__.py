"""Layer 4, the usage cube: a UsageTable (or a billing file, streamed) on time x region x service.

:func:`usage_cube` and :class:`CubeBuilder` (:mod:`~carbonlab.cube.builder`, the rules of placing usage
in time and of the unattributed table); what each usage kind adds to the cube's variables
(:mod:`~carbonlab.cube.contributions`); the bill's span (:mod:`~carbonlab.cube.span`).
"""

from carbonlab.cube.builder import MAX_CUBE_BYTES, MAX_RECORD_NS, CubeBuilder, kind_totals, usage_cube
from carbonlab.cube.contributions import CUBE_VARIABLES, KIND_TOTALS
from carbonlab.cube.span import FAR_GAP_MONTHS, OUTSIDE_SPAN

__all__ = ["usage_cube", "CubeBuilder", "kind_totals", "CUBE_VARIABLES", "KIND_TOTALS", "MAX_CUBE_BYTES",
           "MAX_RECORD_NS", "FAR_GAP_MONTHS", "OUTSIDE_SPAN"]
