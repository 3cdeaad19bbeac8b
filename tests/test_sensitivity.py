"""Methodology studies: sweeps, one-at-a-time sensitivity and the decomposition of a difference.

Expected values are independent recomputations: SCI's M = TE x TiR / EL (so embodied scales as 1/EL,
EMBODIED.md section 1: 4 years gives 1.5 x the 6-year charge), separate ``estimate`` runs of each variant, and
Shapley's formula written out for two players [shapley1953].
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import carbonlab
from carbonlab import sensitivity
from carbonlab.sensitivity import STAGE_PARAMETERS


@pytest.fixture(scope="module")
def usage():
    rows = []
    for h in range(24):
        start = pd.Timestamp("2025-03-01T00:00Z") + pd.Timedelta(hours=h)
        for region, provider, itype in (("us-east-1", "aws", "m5.xlarge"), ("europe-west1", "gcp", "n2-standard-8"),
                                        ("westeurope", "azure", "Standard_D4s_v3")):
            base = dict(start=start, end=start + pd.Timedelta(hours=1), provider=provider, region=region,
                        account="a", source_file="test.csv")
            rows += [dict(base, service="vm", kind="compute", quantity=4.0 + h % 3, unit="vCPU-h",
                          instance_type=itype),
                     dict(base, service="disk", kind="storage", quantity=2.0, unit="TB-h", storage_class="ssd",
                          replication=2.0),
                     dict(base, service="net", kind="network", quantity=1.5, unit="GB")]
    df = pd.DataFrame(rows)
    df["source_row"] = np.arange(1, len(df) + 1)
    return df


def co2e_t(fp, basis="location_average"):
    """Independent total: operational on one basis plus embodied, grams to tonnes."""
    return float(fp["co2e_operational"].sel(basis=basis).sum() + fp["co2e_embodied"].sum()) / 1e6


def test_sweep_amortization_is_one_over_years(usage):
    years = [3, 4, 5, 6, 7, 8]
    sw = carbonlab.sweep(usage, "carbonlab", "amortization_years", years)
    assert list(sw["amortization_years"].values) == years
    assert list(sw["methodology"].values) == [f"carbonlab[amortization_years={y}]" for y in years]
    emb = carbonlab.total(sw, "co2e_embodied")
    # SCI: M = TE x TiR / EL -> M(y) = M(4) x 4 / y; 6 y is two thirds of 4 y (EMBODIED.md section 1)
    np.testing.assert_allclose(emb.values, emb.values[1] * 4 / np.array(years), rtol=1e-12)
    op = carbonlab.total(sw, "co2e_operational")
    np.testing.assert_array_equal(op.values, op.values[0])   # operational does not depend on amortisation
    with pytest.raises(KeyError):
        carbonlab.variants("carbonlab", "amortisation", [4])


def test_evaluate_matches_separate_estimates(usage):
    base = carbonlab.methodology("carbonlab")
    ms = [base, base.replace(pue_source="fleet"), base.replace(coefficient_set="ccf_2020"), "ccf"]
    got = sensitivity.evaluate(usage, ms)
    for m in ms:
        m = carbonlab.methodology(m)
        assert got[m.id] == pytest.approx(co2e_t(carbonlab.estimate(usage, m), m.bases[0]), rel=1e-12)
    assert got.attrs["units"] == "t"


def test_rerun_a_footprint_with_late_knobs(usage, tmp_path):
    fp = carbonlab.estimate(usage, "carbonlab")
    fp.to_netcdf(tmp_path / "fp.nc")
    back = xr.open_dataset(tmp_path / "fp.nc")
    m = carbonlab.methodology("carbonlab").replace(amortization_years=6, bases=("location_average",),
                                                  pue_source="fleet")
    again = carbonlab.rerun(back, m)
    assert co2e_t(again) == pytest.approx(co2e_t(carbonlab.estimate(usage, m)), rel=1e-9)
    assert list(again["basis"].values) == ["location_average"]
    with pytest.raises(ValueError, match="coefficient set"):
        carbonlab.rerun(back, "ccf")


def test_tornado_rows_are_separate_estimates(usage):
    ranges = {"amortization_years": (3.0, 8.0), "pue_source": ("ccf", "fleet"), "default_utilization": (0.1, 0.5)}
    table = carbonlab.tornado(usage, "carbonlab", ranges)
    base = carbonlab.methodology("carbonlab")
    ref = co2e_t(carbonlab.estimate(usage, base))
    assert list(table["parameter"]) == sorted(ranges, key=lambda p: -float(table.set_index("parameter").loc[
        p, "swing"]))
    row = table.set_index("parameter").loc["amortization_years"]
    emb4 = float(carbonlab.estimate(usage, base)["co2e_embodied"].sum()) / 1e6
    assert row["low_value"] == 8.0 and row["high_value"] == 3.0
    assert row["high"] == pytest.approx(ref + emb4 * (4 / 3 - 1), rel=1e-9)
    assert row["low"] == pytest.approx(ref - emb4 * (1 - 4 / 8), rel=1e-9)
    row = table.set_index("parameter").loc["pue_source"]
    totals = {v: co2e_t(carbonlab.estimate(usage, base.replace(pue_source=v))) for v in ("ccf", "fleet", "region")}
    assert row["low"] == pytest.approx(min(totals.values()), rel=1e-12)
    assert row["high"] == pytest.approx(max(totals.values()), rel=1e-12)
    np.testing.assert_allclose(table["base"], ref, rtol=1e-12)
    assert (table["swing"] >= 0).all()
    # utilisation: the base (0.5) is the top of the range, so the high end is the base itself
    row = table.set_index("parameter").loc["default_utilization"]
    assert row["high"] == pytest.approx(ref) and row["high_value"] == 0.5


def test_default_ranges_cover_known_choices():
    for param, values in sensitivity.RANGES.items():
        for v in values:
            carbonlab.methodology("carbonlab").replace(**{param: v})   # every value is a valid methodology
    assert sensitivity.RANGES["amortization_years"] == (3.0, 8.0)


@pytest.mark.parametrize("method", ["shapley", "sequential"])
def test_decompose_sums_to_the_difference(usage, method):
    table = carbonlab.decompose(usage, "ccf", "carbonlab", method=method)
    start = co2e_t(carbonlab.estimate(usage, "ccf"))
    end = co2e_t(carbonlab.estimate(usage, "carbonlab"))
    assert table["value"].iloc[0] == pytest.approx(start, rel=1e-12)
    assert table["value"].iloc[-1] == pytest.approx(end, rel=1e-12)
    changes = table[table["kind"] == "change"]
    assert changes["value"].sum() == pytest.approx(end - start, rel=1e-9, abs=1e-12)
    assert list(changes["step"]) == list(STAGE_PARAMETERS)
    # ccf and carbonlab both amortise the Teads baseline over 4 years and use the same WUE source
    by = changes.set_index("step")["value"]
    assert by["embodied"] == 0 and by["water"] == 0
    assert "grid_source: ccf_factors -> regions_annual" in changes.set_index("step").loc["grid", "parameters"]


def test_decompose_one_stage_is_the_whole_difference(usage):
    table = carbonlab.decompose(usage, "carbonlab", "carbonlab_6y")
    by = table.set_index("step")["value"]
    emb4 = float(carbonlab.estimate(usage, "carbonlab")["co2e_embodied"].sum()) / 1e6
    assert by["embodied"] == pytest.approx(emb4 * (4 / 6 - 1), rel=1e-9)
    assert by[["coefficients", "PUE", "grid", "water"]].abs().sum() == 0


def test_decompose_shapley_two_stages_by_hand(usage):
    # two differing stages A (PUE) and B (embodied): phi_A = [(v(A) - v()) + (v(AB) - v(B))] / 2
    start = carbonlab.methodology("carbonlab")
    end = start.replace(id="end", pue_source="ccf", embodied_model="boavizta")
    v = {s: co2e_t(carbonlab.estimate(usage, start.replace(**kw)))
         for s, kw in {"": {}, "A": dict(pue_source="ccf"), "B": dict(embodied_model="boavizta"),
                       "AB": dict(pue_source="ccf", embodied_model="boavizta")}.items()}
    table = carbonlab.decompose(usage, start, end).set_index("step")["value"]
    assert table["PUE"] == pytest.approx(((v["A"] - v[""]) + (v["AB"] - v["B"])) / 2, rel=1e-9)
    assert table["embodied"] == pytest.approx(((v["B"] - v[""]) + (v["AB"] - v["A"])) / 2, rel=1e-9)
    seq = carbonlab.decompose(usage, start, end, method="sequential").set_index("step")["value"]
    assert seq["PUE"] == pytest.approx(v["A"] - v[""], rel=1e-9)           # PUE comes first in the chain
    assert seq["embodied"] == pytest.approx(v["AB"] - v["A"], rel=1e-9)
    with pytest.raises(ValueError, match="method"):
        carbonlab.decompose(usage, start, end, method="owen")


def test_decompose_water_metric(usage):
    start = carbonlab.methodology("carbonlab")
    end = start.replace(id="dry", wue_source="none")
    table = carbonlab.decompose(usage, start, end, metric="water").set_index("step")["value"]
    assert table["water"] == pytest.approx(-carbonlab.total(carbonlab.estimate(usage, start), "water"), rel=1e-12)
    assert table[["coefficients", "PUE", "grid", "embodied"]].abs().sum() == 0


def test_tornado_records_alternatives_the_base_cannot_take(usage):
    # CCF's factor tables have no marginal rates: with the marginal basis, that alternative is not available
    table = carbonlab.tornado(usage, "carbonlab", {"grid_source": ("ccf_factors",),
                                                   "pue": ({"pue_source": "fleet", "pue_fleet": "ccf_2020"},)},
                              basis="location_marginal").set_index("parameter")
    row = table.loc["grid_source"]
    assert row["not_available"].startswith("ccf_factors: ")
    assert row["low"] == row["high"] == row["base"] and row["swing"] == 0
    # a knob of several parameters moving together
    row = table.loc["pue"]
    m = carbonlab.methodology("carbonlab").replace(pue_source="fleet", pue_fleet="ccf_2020")
    moved = co2e_t(carbonlab.estimate(usage, m), "location_marginal")
    assert moved in (pytest.approx(row["low"]), pytest.approx(row["high"]))
    assert row["base_value"] == "base" and row["not_available"] == ""
