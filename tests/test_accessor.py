"""ds.carbon: each method delegates to one public function with the Dataset and the arguments given."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import carbonlab
from carbonlab.accessor import CarbonAccessor


@pytest.fixture(scope="module")
def fp():
    rows = [dict(start=pd.Timestamp("2025-01-01T00:00Z") + pd.Timedelta(hours=h),
                 end=pd.Timestamp("2025-01-01T01:00Z") + pd.Timedelta(hours=h), provider="aws", region="us-east-1",
                 service="vm", kind="compute", instance_type="m5.large", quantity=2.0, unit="vCPU-h",
                 source_file="t.csv", source_row=h + 1) for h in range(6)]
    return carbonlab.estimate(pd.DataFrame(rows), "carbonlab")


# method -> (module, function, args, kwargs the method is called with, args/kwargs the function must receive)
DELEGATIONS = [
    ("summary", "carbonlab.tables", "summary", (), {}, (), {}),
    ("totals", "carbonlab.tables", "totals", ("region",), {"freq": None}, ("region",), {"freq": None}),
    ("total", "carbonlab.tables", "total", ("water",), {}, ("water",), {"basis": None}),
    ("to_tidy", "carbonlab.tables", "to_tidy", ("D",), {}, ("D",), {}),
    ("rerun", "carbonlab.sensitivity", "rerun", ("carbonlab_6y",), {}, ("carbonlab_6y",), {}),
    ("heatmap", "carbonlab.plot.footprint", "region_hour_heatmap", (), {"basis": "location_marginal"}, (),
     {"basis": "location_marginal", "ax": None}),
    ("stacked_by_service", "carbonlab.plot.footprint", "stacked_by_service", (), {"top": 3}, (),
     {"basis": None, "freq": "MS", "top": 3, "ax": None}),
    ("stacked_by_component", "carbonlab.plot.footprint", "stacked_by_component", (), {"freq": "D"}, (),
     {"freq": "D", "ax": None}),
    ("world_map", "carbonlab.plot.footprint", "world_map", (), {}, (), {"basis": "location_average", "ax": None}),
    ("methodology_bars", "carbonlab.plot.compare", "methodology_bars", (), {"basis": "market"}, (),
     {"basis": "market", "ax": None}),
    ("sweep_plot", "carbonlab.plot.compare", "sweep_plot", ("amortization_years",), {}, ("amortization_years",),
     {"metric": "co2e", "basis": "location_average", "ax": None}),
]


@pytest.mark.parametrize("method, module, function, args, kwargs, want_args, want_kwargs", DELEGATIONS,
                         ids=[d[0] for d in DELEGATIONS])
def test_delegates(fp, method, module, function, args, kwargs, want_args, want_kwargs):
    with mock.patch(f"{module}.{function}", return_value="sentinel") as spy:
        assert getattr(fp.carbon, method)(*args, **kwargs) == "sentinel"
    spy.assert_called_once()
    call = spy.call_args
    assert call.args[0] is fp
    assert call.args[1:] == want_args
    assert call.kwargs == want_kwargs


def test_every_public_method_is_tested():
    public = {n for n in vars(CarbonAccessor) if not n.startswith("_")}
    assert public == {d[0] for d in DELEGATIONS}


def test_accessor_holds_only_the_dataset(fp):
    acc = fp.carbon
    assert vars(acc) == {"_ds": fp}


def test_results_equal_the_functions(fp):
    xr.testing.assert_identical(fp.carbon.totals("service"), carbonlab.totals(fp, "service"))
    assert fp.carbon.total() == carbonlab.total(fp)
    pd.testing.assert_frame_equal(fp.carbon.to_tidy(), carbonlab.to_tidy(fp))
    assert np.isclose(fp.carbon.rerun("carbonlab_6y").carbon.total("co2e_embodied"),
                      carbonlab.total(fp, "co2e_embodied") * 4 / 6, rtol=1e-12)


def test_import_registers_without_matplotlib():
    import subprocess
    import sys
    code = ("import sys, xarray, carbonlab; assert hasattr(xarray.Dataset(), 'carbon'); "
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
