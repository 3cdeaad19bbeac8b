"""The allocation chain (:mod:`carbonlab.allocation.chain`): worked examples, hand computations,
versions, results and properties.

Sources
-------
- ``ccft_note``: carbonlab's research note on the AWS Customer Carbon Footprint Tool
  (shared/methods/AWS_CCFT.md, 2026-11-22): §4.2 toy example (100 t cluster, racks at 60 % and
  40 % of power, 25 % idle -> 40 t and 20 t, 30 t and 15 t without spreading, factor 1/(1 - 0.25));
  §5 amortisation (30 t rack -> 0.417 t/month over 6 years, 100 000 t building -> 166.7 t/month
  over 50 years, 4 years gives 1.5 times the 6-year charge).  The note says these are its own
  numbers, not the provider's.
- ``aws_blog_2025_04_23``: "Carbon methodology update for the AWS Customer Carbon Footprint Tool",
  https://aws.amazon.com/blogs/aws-cloud-financial-management/updated-carbon-methodology-for-the-
  aws-customer-carbon-footprint-tool/ : data for December 2024 and earlier stays on v1.0, January
  2025 onwards uses v2.0; exports carry up to 38 months of history.
- ``aws_blog_2025_10``: "AWS Customer Carbon Footprint Tool now includes Scope 3 emissions":
  history back-filled to January 2022; 6-year IT hardware and 50-year building baselines.
"""

from __future__ import annotations

import itertools
import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from allocation_helpers import (PROPERTY, account_totals, ccft_note_toy, hand_computation_provider, hand_value,
                                one_cluster_provider, providers, versions)
from hypothesis import given
from hypothesis import strategies as st

from carbonlab import allocation
from carbonlab.allocation import compare as allocation_compare
from carbonlab.allocation.synthetic import synthetic_provider
from carbonlab.core import schema
from carbonlab.core.provenance import read_stamp


@pytest.fixture
def ccft_note_toy_section_4_2():
    """The research note's §4.2 toy example (X 50 %, Y 25 % of rack A; Z fills rack B)."""
    return ccft_note_toy()


@pytest.fixture
def hand_provider():
    """Cluster 100 t: compute rack (80 % of power, 80 of 100 used) and networking rack (HAND)."""
    return hand_computation_provider()


# --- worked examples -------------------------------------------------------------------------
def test_toy_step_1_cluster_to_racks_by_power(ccft_note_toy_section_4_2):
    chain = allocation.allocation_chain(ccft_note_toy_section_4_2, "v2")
    np.testing.assert_allclose(chain.cluster_to_rack.toarray().ravel(), [0.6, 0.4], rtol=1e-15)
    np.testing.assert_allclose(chain.rack_emissions[:, 1, 1], [60.0, 40.0], rtol=1e-15)


def test_toy_v2_spreads_idle_capacity(ccft_note_toy_section_4_2):
    totals = account_totals(allocation.allocate(ccft_note_toy_section_4_2, "v2"))
    np.testing.assert_allclose(totals[["X", "Y"]], [40.0, 20.0], rtol=1e-12)


def test_toy_v1_keeps_idle_capacity(ccft_note_toy_section_4_2):
    ds = allocation.allocate(ccft_note_toy_section_4_2, "v1")
    np.testing.assert_allclose(account_totals(ds)[["X", "Y"]], [30.0, 15.0], rtol=1e-12)
    kept = ds.co2e_kept.sel(basis="market").sum(["region", "time", "scope"])
    assert float(kept.sel(kept="unused_capacity")) == pytest.approx(15.0, rel=1e-12)
    assert ds.region.values.tolist() == ["G"]          # v1 reports by geography


def test_toy_factor_is_one_over_one_minus_idle(ccft_note_toy_section_4_2):
    v1 = account_totals(allocation.allocate(ccft_note_toy_section_4_2, "v1"))
    v2 = account_totals(allocation.allocate(ccft_note_toy_section_4_2, "v2"))
    np.testing.assert_allclose(v2[["X", "Y"]] / v1[["X", "Y"]], 1 / (1 - 0.25), rtol=1e-12)
    assert v2["Z"] == v1["Z"] == pytest.approx(40.0)     # rack B has no idle capacity


def test_toy_idle_capacity_pooled_region_wide(ccft_note_toy_section_4_2):
    # the other reading of "proportionally allocated to all customers": rack A's idle 15 t joins the
    # region's pool and follows the power key (compute draws 6 x 0.75 = 4.5 for used capacity, storage 4)
    version = allocation.load_version("v2").replace(unused_capacity="pool")
    totals = account_totals(allocation.allocate(ccft_note_toy_section_4_2, version))
    compute = 45.0 + 15.0 * 4.5 / 8.5
    np.testing.assert_allclose(totals[["X", "Y", "Z"]], [compute * 50 / 75, compute * 25 / 75,
                                                         40.0 + 15.0 * 4.0 / 8.5], rtol=1e-12)
    kept_with_overhead = allocation.allocate(ccft_note_toy_section_4_2, version.replace(overhead="provider"))
    assert float(kept_with_overhead.co2e_kept.sel(kept="unused_capacity", basis="market").sum()) == pytest.approx(15.0)


@pytest.mark.parametrize("total, years, expected", [(30.0, 6, 30.0 / 72), (30.0, 4, 30.0 / 48),
                                                     (1e5, 50, 1e5 / 600)])
def test_amortisation_ccft_note_section_5(total, years, expected):
    assert allocation.amortised_monthly(total, 0, lifetime_years=years) == pytest.approx(expected, rel=1e-15)
    assert round(float(allocation.amortised_monthly(30.0, 5, lifetime_years=6)), 3) == 0.417
    assert round(float(allocation.amortised_monthly(1e5, 5, lifetime_years=50)), 1) == 166.7


def test_amortisation_four_years_is_one_and_a_half_times_six():
    ratio = allocation.amortised_monthly(30.0, 10, lifetime_years=4) / allocation.amortised_monthly(
        30.0, 10, lifetime_years=6)
    assert ratio == pytest.approx(1.5, rel=1e-15)


def test_amortisation_early_retirement_rules():
    months = np.arange(80)
    write_off = allocation.amortised_monthly(72.0, months, lifetime_years=6, months_in_service=24)
    stop = allocation.amortised_monthly(72.0, months, lifetime_years=6, months_in_service=24,
                                        early_retirement="stop")
    assert write_off.sum() == pytest.approx(72.0)               # everything charged, 48 t in month 24
    assert write_off[23] == pytest.approx(1.0 + 48.0)
    assert stop.sum() == pytest.approx(24.0) and stop[24:].sum() == 0
    full = allocation.amortised_monthly(72.0, months, lifetime_years=6)
    assert full.sum() == pytest.approx(72.0) and full[72:].sum() == 0 and full[71] == 1.0


# --- a hand computation of every v2 rule (allocation_helpers.HAND) ---------------------------
@pytest.mark.parametrize("version, a, b, kept", [
    ("v1", 64.0, 0.0, {"unused_capacity": 16.0, "overhead": 20.0}),
    ("v2", 75.0, 20.0, {"internal": 5.0}),
])
def test_hand_computation(hand_provider, version, a, b, kept):
    ds = allocation.allocate(hand_provider, version)
    totals = account_totals(ds)
    assert totals["A"] == pytest.approx(a, rel=1e-12) and totals["B"] == pytest.approx(b, abs=1e-12)
    got = ds.co2e_kept.sel(basis="market").sum(["region", "time", "scope"]).to_series()
    for reason in allocation.KEPT_REASONS:
        assert got[reason] == pytest.approx(kept.get(reason, 0.0), abs=1e-12)


@pytest.mark.parametrize("switches", list(itertools.product([0, 1], repeat=4)))
def test_every_mix_of_v1_and_v2_rules_matches_the_hand_computation(hand_provider, switches):
    v1, v2 = allocation.load_version("v1"), allocation.load_version("v2")
    keys = ("unused_capacity", "overhead", "dependencies", "internal")
    version = v1.replace(**{k: v2.parameters[k] for k, on in zip(keys, switches) if on})
    totals = account_totals(allocation.allocate(hand_provider, version))
    for account in "AB":
        assert totals[account] == pytest.approx(hand_value(account, *switches), abs=1e-12)


def test_spend_overhead_key_reaches_services_without_racks(hand_provider):
    ds = allocation.allocate(hand_provider, allocation.load_version("v2").replace(overhead_key="spend"))
    # pool 20 t split by spend: compute's consumers spend 6 (A; the service row is not revenue),
    # serverless's 8 + 2 = 10 -> compute 80 + 7.5, serverless 12.5 + 87.5 x 20/80
    totals = account_totals(ds)
    assert totals["A"] == pytest.approx(87.5 * 0.75, rel=1e-12)
    assert totals["B"] == pytest.approx((12.5 + 87.5 * 0.25) * 0.8, rel=1e-12)


# --- versions --------------------------------------------------------------------------------
def test_versions_follow_the_published_timeline():
    v1, v2, v3 = (allocation.load_version(v) for v in allocation.VERSIONS)
    assert v1.last_month == pd.Timestamp("2024-12-01") and v2.first_month == pd.Timestamp("2025-01-01")
    assert v3.first_month == pd.Timestamp("2022-01-01")                    # history back-filled
    assert v1.parameters["bases"] == ["market"] and v2.parameters["bases"] == ["location_average", "market"]
    assert v3.parameters["it_hardware_years"] == 6 and v3.parameters["buildings_years"] == 50
    assert v3.parameters["scope3"] and not v2.parameters["scope3"]
    for v in (v1, v2, v3):
        assert set(v.notes) == set(allocation.PARAMETERS) and all(v.notes.values())


def test_a_version_file_without_its_assumption_is_refused(tmp_path):
    text = (resources.files("carbonlab.allocation") / "versions" / "v2.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('[parameters.internal]\nvalue = "key"\nevidence = "S"',
                                '[parameters.internal]\nvalue = "key"\nevidence = "maybe"'))
    with pytest.raises(ValueError, match="evidence"):
        allocation.load_version(bad)
    bad.write_text(text.replace('value = "spread"', 'value = "sometimes"'))
    with pytest.raises(ValueError, match="unused_capacity"):
        allocation.load_version(bad)


def test_replace_validates_and_marks_the_change_as_assumed():
    v = allocation.load_version("v3").replace(it_hardware_years=4)
    assert v.parameters["it_hardware_years"] == 4.0 and v.evidence["it_hardware_years"] == "A"
    assert "it_hardware_years" in v.assumed and v.name == "v3+it_hardware_years=4"
    with pytest.raises(ValueError):
        allocation.load_version("v3").replace(dependencies="sometimes")
    with pytest.raises(ValueError):
        allocation.load_version("v3").replace(it_hardware_years=6.01)


def test_assumptions_say_which_rules_are_unpublished():
    v2 = allocation.load_version("v2")
    assert v2.assumed == ("overhead_key", "early_retirement")               # evidence A (none U)
    assert v2.assumptions == ("v2 overhead_key: assumed by carbonlab (the provider has not published it)",
                              "v2 early_retirement: assumed by carbonlab (the provider has not published it)")
    changed = v2.replace(overhead_key="spend")
    assert changed.assumptions[0].startswith('v2+overhead_key="spend" overhead_key: assumed')


# --- results ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def synthetic():
    return synthetic_provider(7, n_accounts=60, n_months=4, start="2024-11")


@pytest.mark.parametrize("version", allocation.VERSIONS)
def test_synthetic_conserves_and_is_stamped(synthetic, version):
    ds = allocation.allocate(synthetic, version)
    residual = allocation.check_conservation(ds)
    assert float(abs(residual).max()) < 1e-9 * float(ds.co2e_inventory.max())
    for name in ("co2e_allocated", "co2e_kept", "co2e_inventory"):
        assert ds[name].attrs["units"] == "t" and ds[name].attrs["long_name"]
    params = json.loads(ds.attrs["parameters"])
    assert params == dict(allocation.load_version(version).parameters)
    assert ds.attrs["methodology_version"] == version and "history" not in ds.attrs
    stamped, v = read_stamp(ds.attrs), allocation.load_version(version)
    assert stamped["assumed"] == list(v.assumptions)          # one sentence per unpublished rule
    assert {a.split(":")[0].removeprefix(f"{version} ") for a in stamped["assumed"]} == set(v.assumed)
    assert ds.attrs["references"].splitlines() == list(v.references)
    assert stamped["methodology_description"] == v.label and ds.attrs["region_level"] == v.parameters["region_level"]


def test_scope3_appears_only_in_v3(synthetic):
    v2, v3 = (allocation.allocate(synthetic, v) for v in ("v2", "v3"))
    assert float(v2.co2e_inventory.sel(scope="scope3").sum()) == 0.0
    assert float(v3.co2e_inventory.sel(scope="scope3").sum()) > 0.0
    xr.testing.assert_allclose(v2.co2e_inventory.sel(scope=["scope1", "scope2"]),
                               v3.co2e_inventory.sel(scope=["scope1", "scope2"]), rtol=1e-12)
    change = allocation_compare.decompose_change(synthetic, "v2", "v3").co2e_change
    assert float(abs(change.drop_sel(cause="scope3")).max()) == 0.0


def test_geography_level_sums_the_regions(synthetic):
    by_region = allocation.allocate(synthetic, allocation.load_version("v1").replace(region_level="region"))
    by_geography = allocation.allocate(synthetic, "v1")
    summed = by_region.co2e_allocated.groupby("geography").sum().rename(geography="region")
    xr.testing.assert_allclose(summed.transpose(*by_geography.co2e_allocated.dims),
                               by_geography.co2e_allocated, rtol=1e-12)


def test_sparse_layout_holds_the_dense_values(synthetic):
    dense = allocation.allocate(synthetic, "v3")
    sparse = allocation.allocate(synthetic, "v3", layout="sparse")
    allocation.check_conservation(sparse)
    unstacked = sparse.co2e_allocated.unstack(allocation.ENTRY, fill_value=0.0)
    xr.testing.assert_allclose(unstacked.reindex_like(dense.co2e_allocated, fill_value=0.0).transpose(
        *dense.co2e_allocated.dims), dense.co2e_allocated, rtol=1e-12, atol=1e-15)


def test_units_of_the_allocation_variables_parse_in_pint():
    pint = pytest.importorskip("pint")
    ureg = pint.UnitRegistry()
    for name in ("co2e_allocated", "co2e_kept", "co2e_inventory", "co2e_account", "co2e_change"):
        assert ureg(schema.VARIABLES[name]["units"]).to("kg").magnitude == 1000.0


# --- properties ------------------------------------------------------------------------------
@PROPERTY
@given(providers(), versions())
def test_conservation_and_shares_for_any_inventory_and_usage(provider, version):
    ds = allocation.allocate(provider, version)
    allocation.check_conservation(ds)
    inventory = ds.co2e_inventory
    allocated = ds.co2e_allocated.sum(["service"])
    assert bool((ds.co2e_allocated >= 0).all()) and float(ds.co2e_kept.min()) >= -1e-9 * float(inventory.max())
    # each account's share of the inventory of its region, month, scope and basis is in [0, 1]
    assert bool((allocated <= inventory * (1 + 1e-12)).all())


@PROPERTY
@given(providers(), versions(overhead_keys=("power",)), st.data())
def test_monotonic_in_an_accounts_own_usage(provider, version, data):
    rows = provider.consumption.index[provider.consumption["kind"] == "account"]
    if len(rows) == 0:
        return
    row = data.draw(st.sampled_from(list(rows)))
    factor = data.draw(st.floats(1.0, 10.0))
    grown = provider.consumption.copy()
    grown.loc[row, ["usage", "spend"]] *= factor
    account = provider.consumption.loc[row, "consumer"]
    before = allocation.allocate(provider, version).co2e_allocated.sel(account=account)
    after = allocation.allocate(allocation.Provider(provider.clusters, provider.inventory, provider.racks,
                                                    provider.rack_load, provider.rack_usage, grown),
                                version).co2e_allocated.sel(account=account)
    sums = ["service", "region", "time", "scope"]
    assert bool((after.sum(sums) >= before.sum(sums) * (1 - 1e-12) - 1e-12).all())


def test_spend_overhead_key_is_not_monotonic():
    """A documented limit: an economic overhead key can move overhead away from a customer."""
    provider = one_cluster_provider(
        [("s1", "a", "account", 0.01, 50.0), ("s1", "o", "account", 99.99, 100.0),
         ("s2", "a", "account", 100.0, 100.0)],
        racks=(("K1", "compute", 1.0, 100.0), ("K2", "compute", 1.0, 100.0), ("N", "networking", 8.0, 0.0)),
        usage=(("K1", "s1", 100.0), ("K2", "s2", 100.0)))
    version = allocation.load_version("v2").replace(overhead_key="spend")
    before = account_totals(allocation.allocate(provider, version))["a"]
    grown = provider.consumption.copy()
    grown.loc[(grown.consumer == "a") & (grown.service == "s1"), ["usage", "spend"]] *= 2
    after = account_totals(allocation.allocate(allocation.Provider(
        provider.clusters, provider.inventory, provider.racks, provider.rack_load, provider.rack_usage, grown),
        version))["a"]
    assert after < before
