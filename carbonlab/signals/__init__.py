"""Layer 4, grid signals: the carbon intensity of every hour and region of a footprint, on each basis.

:func:`grid_intensity` (:mod:`~carbonlab.signals.assemble`) assembles the methodology's source
(:mod:`carbonlab.datasets.grid`), a user's own signal (:mod:`~carbonlab.signals.user`) and the market basis;
:func:`to_resolution` (:mod:`~carbonlab.signals.resolution`) averages an hourly signal over months or years.
"""

from carbonlab.datasets.grid import NATIVE_RESOLUTION, SOURCES, list_profiles, profile_signal
from carbonlab.signals.assemble import grid_intensity
from carbonlab.signals.resolution import RESOLUTIONS, to_resolution

__all__ = ["grid_intensity", "to_resolution", "profile_signal", "list_profiles", "SOURCES", "RESOLUTIONS",
           "NATIVE_RESOLUTION"]
