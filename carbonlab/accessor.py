"""``ds.carbon``: the public functions of carbonlab as methods of a Footprint.

Delegation only: each method calls one documented public function with the
Dataset as its first argument, and holds no state of its own (xarray creates
a fresh accessor for every derived Dataset).  The figure modules are imported
when a figure is asked for, so that ``import carbonlab`` does not load
matplotlib.

Examples
--------
>>> import pandas as pd, carbonlab
>>> usage = pd.DataFrame(dict(start=["2025-01-01T00:00Z"], end=["2025-01-01T01:00Z"], provider=["aws"],
...     region=["us-east-1"], service=["vm"], kind=["compute"], instance_type=["m5.large"],
...     quantity=[2.0], unit=["vCPU-h"], source_file=["doc"], source_row=[1]))
>>> fp = carbonlab.estimate(usage, "ccf")
>>> fp.carbon.total("energy_it") == carbonlab.total(fp, "energy_it")
True
"""

from __future__ import annotations

import importlib

import xarray as xr

from carbonlab import sensitivity, tables

__all__ = ["CarbonAccessor"]


def _figures(module: str):
    return importlib.import_module(f"carbonlab.{module}")


@xr.register_dataset_accessor("carbon")
class CarbonAccessor:
    """Methods of a Footprint (or a comparison) under ``ds.carbon``."""

    def __init__(self, ds: xr.Dataset):
        self._ds = ds

    # tables
    def summary(self) -> dict:
        """:func:`carbonlab.summary`."""
        return tables.summary(self._ds)

    def totals(self, by=None, *, freq=None) -> xr.Dataset:
        """:func:`carbonlab.totals` (sum over every dimension but ``by``)."""
        return tables.totals(self._ds, by, freq=freq)

    def total(self, metric: str = "co2e", *, basis=None):
        """:func:`carbonlab.total` (one number, or one per methodology)."""
        return tables.total(self._ds, metric, basis=basis)

    def to_tidy(self, freq: str = "MS"):
        """:func:`carbonlab.to_tidy`."""
        return tables.to_tidy(self._ds, freq)

    def rerun(self, methodology):
        """:func:`carbonlab.rerun` (the same usage under another methodology)."""
        return sensitivity.rerun(self._ds, methodology)

    # figures of a footprint
    def heatmap(self, basis=None, ax=None):
        """:func:`carbonlab.plot.region_hour_heatmap`."""
        return _figures("plot.footprint").region_hour_heatmap(self._ds, basis=basis, ax=ax)

    def stacked_by_service(self, basis=None, freq: str = "MS", top: int = 10, ax=None):
        """:func:`carbonlab.plot.stacked_by_service`."""
        return _figures("plot.footprint").stacked_by_service(self._ds, basis=basis, freq=freq, top=top, ax=ax)

    def stacked_by_component(self, freq: str = "MS", ax=None):
        """:func:`carbonlab.plot.stacked_by_component`."""
        return _figures("plot.footprint").stacked_by_component(self._ds, freq=freq, ax=ax)

    def world_map(self, basis: str = "location_average", ax=None):
        """:func:`carbonlab.plot.world_map`."""
        return _figures("plot.footprint").world_map(self._ds, basis=basis, ax=ax)

    # figures of a comparison
    def methodology_bars(self, basis: str = "location_average", ax=None):
        """:func:`carbonlab.plot.compare.methodology_bars`."""
        return _figures("plot.compare").methodology_bars(self._ds, basis=basis, ax=ax)

    def sweep_plot(self, parameter: str, metric: str = "co2e", basis: str = "location_average", ax=None):
        """:func:`carbonlab.plot.compare.sweep_plot`."""
        return _figures("plot.compare").sweep_plot(self._ds, parameter, metric=metric, basis=basis, ax=ax)
