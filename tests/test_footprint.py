"""Footprints: stages, provenance, numpy vs dask, compare, conservation through the pipeline."""

import json

import pandas as pd
import pytest
import xarray as xr

import carbonlab
from carbonlab.models import energy
from carbonlab import usage_cube
from carbonlab.footprint import FootprintChain


@pytest.fixture
def usage(usage_table):
    rows = []
    for h in range(48):
        start = pd.Timestamp("2025-03-01T00:00Z") + pd.Timedelta(hours=h)
        for region, provider in (("us-east-1", "aws"), ("europe-west1", "gcp"), ("westeurope", "azure")):
            rows += [
                dict(start=start, end=start + pd.Timedelta(hours=1), provider=provider, region=region,
                     service="vm", kind="compute", quantity=8.0 + h % 5, unit="vCPU-h",
                     instance_type={"aws": "m5.xlarge", "gcp": "n2-standard-8", "azure": "Standard_D4s_v3"}[provider]),
                dict(start=start, end=start + pd.Timedelta(hours=1), provider=provider, region=region,
                     service="disk", kind="storage", quantity=2.0, unit="TB-h", storage_class="ssd", replication=2.0),
                dict(start=start, end=start + pd.Timedelta(hours=1), provider=provider, region=region,
                     service="net", kind="network", quantity=1.5, unit="GB"),
            ]
    return usage_table(rows)


def test_footprint_variables_and_attrs(usage):
    fp = carbonlab.estimate(usage, "carbonlab")
    for name in ("energy_it", "pue", "energy", "grid_intensity", "co2e_operational", "co2e_embodied", "water"):
        assert name in fp, name
        assert fp[name].attrs["units"] and fp[name].attrs["long_name"]
    assert fp["energy_it"].dims == ("component", "time", "region", "service")
    assert set(fp["grid_intensity"].dims) == {"time", "region", "basis"}
    assert fp.attrs["methodology"] == "carbonlab"
    assert json.loads(fp.attrs["parameters"])["amortization_years"] == 4
    assert isinstance(json.loads(fp.attrs["assumed"]), list)
    assert "history" not in fp.attrs   # no wall-clock in computed outputs


def test_stages_chain_independently(usage):
    # independent recomputation of the chain from the cube and the published formulas
    m = carbonlab.methodology("ccf")
    fp = carbonlab.estimate(usage, m)
    cube = usage_cube(usage, m.coefficient_set)
    cpu = energy.ccf_compute_aggregated(cube["cpu_energy_idle"], cube["cpu_energy_span_measured"],
                                        cube["cpu_energy_span_unmeasured"], utilization=0.5)
    xr.testing.assert_allclose(fp["energy_it"].sel(component="cpu", drop=True), cpu.drop_attrs(), rtol=1e-12)
    xr.testing.assert_allclose(fp["energy"], fp["energy_it"].sum("component") * fp["pue"], rtol=1e-12)
    xr.testing.assert_allclose(fp["co2e_operational"], fp["energy"] * fp["grid_intensity"], rtol=1e-12)
    xr.testing.assert_allclose(fp["water"], fp["energy_it"].sum("component") * fp["wue"], rtol=1e-12)
    # embodied: M = TE x TiR/EL x RR/ToR with EL = 4 x 8760 h, in grams
    xr.testing.assert_allclose(fp["co2e_embodied"], cube["embodied_reserved"] * 1000 / (4 * 8760), rtol=1e-12)


def test_dask_and_numpy_give_the_same_footprint(usage):
    pytest.importorskip("dask")
    cube = usage_cube(usage, "ccf_2026")
    eager = carbonlab.estimate(cube, "carbonlab")
    lazy = carbonlab.estimate(cube.chunk({"time": 7}), "carbonlab")
    assert lazy["co2e_operational"].chunks is not None
    xr.testing.assert_allclose(eager, lazy.compute(), rtol=1e-12)


def test_identical_inputs_identical_outputs(usage):
    a = carbonlab.estimate(usage, "carbonlab")
    b = carbonlab.estimate(usage.copy(), "carbonlab")
    xr.testing.assert_identical(a, b)


def test_compare_adds_a_methodology_dimension(usage):
    ms = ["ccf", "carbonlab", carbonlab.methodology("carbonlab").replace(amortization_years=6)]
    cmp = carbonlab.compare(usage, ms)
    assert list(cmp["methodology"].values) == ["ccf", "carbonlab", "carbonlab[amortization_years=6]"]
    emb = cmp["co2e_embodied"].sum(["time", "region", "service"])
    assert float(emb.sel(methodology="carbonlab[amortization_years=6]")) == pytest.approx(
        float(emb.sel(methodology="carbonlab")) * 4 / 6, rel=1e-12)
    assert "methodology_parameters" in cmp.coords
    # results carry the dimension even where methodologies agree (amortisation does not move operational)
    op = cmp["co2e_operational"]
    assert "methodology" in op.dims
    xr.testing.assert_equal(op.sel(methodology="carbonlab", drop=True),
                            op.sel(methodology="carbonlab[amortization_years=6]", drop=True))


def test_cube_of_another_coefficient_set_is_refused(usage):
    cube = usage_cube(usage, "ccf_2020")
    with pytest.raises(ValueError, match="coefficient set"):
        carbonlab.estimate(cube, "carbonlab")


def test_custom_stage_callable(usage):
    def double_pue(ds, m):
        out, notes = carbonlab.stages.facility_pue(ds, m)
        return {"pue": out["pue"] * 2, "energy": out["energy"] * 2}, notes + ["doubled"]
    m = carbonlab.methodology("carbonlab")
    ref = FootprintChain(m).run(usage_cube(usage, m.coefficient_set))
    fp = FootprintChain(m, facility=double_pue).run(usage_cube(usage, m.coefficient_set))
    assert float(fp["energy"].sum()) == pytest.approx(2 * float(ref["energy"].sum()))
    assert "doubled" in fp.attrs["assumed"]


def test_memory_beyond_benchmark_matches_ccf_cur_pipeline(usage_table):
    # CCF's own CUR pipeline, harness sample aws_cur_example.csv row 1 (shared/peers/ccf/README.md, "Sample run"):
    # BoxUsage:m5.large, 24 instance-hours in us-east-1 -> memory_kwh 0.0673341928, compute_kwh 0.1337484
    t = usage_table([dict(kind="compute", quantity=48.0, unit="vCPU-h", instance_type="m5.large",
                          start="2024-01-01T00:00Z", end="2024-01-02T00:00Z")])
    fp = carbonlab.estimate(t, "ccf")
    pue = float(fp["pue"].sel(region="us-east-1"))
    memory = float(fp["energy_it"].sel(component="memory").sum()) * pue
    cpu = float(fp["energy_it"].sel(component="cpu").sum()) * pue
    assert memory == pytest.approx(0.0673341928, rel=1e-9)
    assert cpu == pytest.approx(0.13374840000000002, rel=1e-9)
    off = carbonlab.estimate(t, carbonlab.methodology("ccf").replace(memory_beyond_benchmark=False))
    assert float(off["energy_it"].sel(component="memory").sum()) == 0.0


def test_current_gpus_use_their_datasheet_watts(usage_table):
    # p5.48xlarge carries 8 H100 (instances dataset); ccf_2026 watts for H100 from coefficients/gpu_power.csv
    from carbonlab import load_table
    t = usage_table([dict(kind="gpu", quantity=8.0, unit="GPU-h", instance_type="p5.48xlarge", utilization=0.6)])
    fp = carbonlab.estimate(t, "carbonlab")
    gpu = load_table("coefficients", "gpu_power").query("coefficient_set == 'ccf_2026' and provider == 'aws' "
                                                       "and gpu_model == 'Nvidia H100'").iloc[0]
    expected = 8.0 * (gpu["min_watts"] + 0.6 * (gpu["max_watts"] - gpu["min_watts"])) / 1000
    assert float(fp["energy_it"].sel(component="gpu").sum()) == pytest.approx(expected, rel=1e-12)
    assert gpu["max_watts"] == 700.0   # NVIDIA H100 SXM5 datasheet, up to 700 W


@pytest.mark.parametrize("a, b", [
    (dict(kind="compute", quantity=2.0, unit="vCPU-h"), dict(kind="compute", quantity=7200.0, unit="vCPU-s")),
    (dict(kind="network", quantity=1.0, unit="TB"), dict(kind="network", quantity=1000.0, unit="GB")),
    (dict(kind="storage", quantity=744.0, unit="TB-h", storage_class="ssd", end="2025-02-01T00:00Z"),
     dict(kind="storage", quantity=1000.0, unit="GB-Mo", storage_class="ssd", end="2025-02-01T00:00Z")),
    (dict(kind="memory", quantity=1.0, unit="GiB-h"), dict(kind="memory", quantity=1.073741824, unit="GB-h")),
])
def test_unit_invariance(usage_table, a, b):
    # the same usage in different units gives the same footprint (xclim-style unit-invariance test)
    fa = carbonlab.estimate(usage_table([a]), "carbonlab")
    fb = carbonlab.estimate(usage_table([b]), "carbonlab")
    for v in ("energy", "co2e_operational", "co2e_embodied", "water"):
        assert float(fa[v].sum()) == pytest.approx(float(fb[v].sum()), rel=1e-12), v


def test_compute_of_unknown_instance_types_is_reported(usage_table):
    t = usage_table([dict(kind="compute", quantity=30.0, unit="vCPU-h", instance_type="m5.large"),
                     dict(kind="compute", quantity=10.0, unit="vCPU-h", instance_type="zz9.huge")])
    fp = carbonlab.estimate(t, "carbonlab")
    assert float(fp["vcpu_hours_unknown_platform"].sum()) == 10.0
    assert "10 vCPU-h (25.0% of compute) have an unknown instance type" in fp.attrs["assumed"]


def test_every_variable_of_every_preset_has_units_and_long_name():
    from carbonlab.datasets import dataset_path
    usage = carbonlab.read(dataset_path("sample_org", "fjordline_focus.parquet"))
    for ds in [carbonlab.estimate(usage, m) for m in carbonlab.list_methodologies()] + [
            carbonlab.compare(usage, ["ccf", "carbonlab"])]:
        for name, var in ds.data_vars.items():
            assert var.attrs.get("units") and var.attrs.get("long_name"), name
        assert "parameters" in ds.attrs or "methodology_parameters" in ds.coords


@pytest.mark.parametrize("name", ["carbonlab", "carbonlab_hourly", "ccf"])
def test_all_unattributed_gives_an_empty_footprint(usage_table, name):
    # a FOCUS file whose RegionId column was renamed: every record lacks a region
    usage = usage_table([dict(kind="compute", quantity=4.0, unit="vCPU-h", region=None, cost=2.5),
                         dict(kind="unknown", quantity=1.0, unit="Requests", cost=0.5, note="no physical model")])
    fp = carbonlab.estimate(usage, name)
    assert fp.sizes["time"] == 0 and fp.sizes["region"] == 0
    assert float(fp["co2e_operational"].sum()) == 0.0
    table = carbonlab.unattributed_table(fp)
    assert table["cost"].sum() == pytest.approx(3.0) and set(table["reason"]) == {"missing region",
                                                                                "no physical model"}
    assert carbonlab.to_tidy(fp).empty
    assert carbonlab.summary(fp)["unattributed_cost"] == pytest.approx(3.0)
