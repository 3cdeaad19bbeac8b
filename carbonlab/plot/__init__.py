"""Layer 6, figures (matplotlib is imported only here): of a Footprint (:mod:`~carbonlab.plot.footprint`)
and of methodology comparisons and studies (:mod:`~carbonlab.plot.compare`)."""

from carbonlab.plot.compare import methodology_bars, sweep_plot, tornado_plot, waterfall_plot
from carbonlab.plot.footprint import region_hour_heatmap, stacked_by_component, stacked_by_service, world_map

__all__ = ["region_hour_heatmap", "stacked_by_service", "stacked_by_component", "world_map", "methodology_bars",
           "sweep_plot", "tornado_plot", "waterfall_plot"]
