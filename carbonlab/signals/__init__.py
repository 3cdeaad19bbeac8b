"""Layer 4, grid signals: the carbon intensity of every hour and region of a footprint, on each basis.

:func:`grid_intensity` assembles the methodology's source (:mod:`carbonlab.signals.assemble`), a user's
own signal and the market basis; :func:`to_resolution` averages an hourly signal over months or years;
:func:`profile_signal` and :func:`list_profiles` give the shipped hourly profiles.
"""

from carbonlab.signals.assemble import (NATIVE_RESOLUTION, RESOLUTIONS, SOURCES, grid_intensity, list_profiles,
                                        profile_signal, to_resolution)

__all__ = ["grid_intensity", "to_resolution", "profile_signal", "list_profiles", "SOURCES", "RESOLUTIONS",
           "NATIVE_RESOLUTION"]
