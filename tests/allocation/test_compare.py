"""Comparing versions (:mod:`carbonlab.allocation.compare`): causes of a change and the exported history.

Sources
-------
- ``aws_blog_2025_04_23``: "Carbon methodology update for the AWS Customer Carbon Footprint Tool",
  https://aws.amazon.com/blogs/aws-cloud-financial-management/updated-carbon-methodology-for-the-
  aws-customer-carbon-footprint-tool/ : data for December 2024 and earlier stays on v1.0, January
  2025 onwards uses v2.0; exports carry up to 38 months of history.
- ``shapley1953``: L. S. Shapley, "A value for n-person games", 1953: the value of a cause is its
  marginal contribution averaged over every order.
"""

from __future__ import annotations

import itertools
import json
import math

import pytest
import xarray as xr
from allocation_helpers import hand_computation_provider, hand_value

from carbonlab import allocation
from carbonlab.allocation import compare as allocation_compare
from carbonlab.allocation.synthetic import synthetic_provider
from carbonlab.core.provenance import read_stamp


@pytest.fixture
def hand_provider():
    """Cluster 100 t: compute rack (80 % of power, 80 of 100 used) and networking rack (HAND)."""
    return hand_computation_provider()


def test_decomposition_matches_shapley_values_by_permutation(hand_provider):
    causes = ["unused_capacity", "overhead", "dependencies", "internal_share"]
    ds = allocation_compare.decompose_change(hand_provider, "v1", "v2")
    for account in "AB":
        expected = dict.fromkeys(causes, 0.0)
        for order in itertools.permutations(range(4)):          # average marginal contribution
            on = [0, 0, 0, 0]
            for i in order:
                before = hand_value(account, *on)
                on[i] = 1
                expected[causes[i]] += (hand_value(account, *on) - before) / math.factorial(4)
        got = ds.co2e_change.sel(account=account).sum("time").to_series()
        for cause in causes:
            assert got[cause] == pytest.approx(expected[cause], abs=1e-12), cause
        assert got[["economic_key", "scope3"]].abs().max() == 0.0


def test_sequential_decomposition_adds_up(hand_provider):
    ds = allocation_compare.decompose_change(hand_provider, "v1", "v2", method="sequential")
    total = ds.co2e_account.sel(version="v2") - ds.co2e_account.sel(version="v1")
    xr.testing.assert_allclose(ds.co2e_change.sum("cause"), total, rtol=1e-12)
    # unused capacity first: B has no dependency yet, so its whole change lands on dependencies/internal
    assert float(ds.co2e_change.sel(account="B", cause="unused_capacity").sum()) == 0.0


def test_history_breaks_in_january_2025():
    provider = synthetic_provider(1, n_accounts=20, n_months=38)       # Jan 2022 .. Feb 2025
    hist = allocation_compare.allocate_history(provider, ("v1", "v2"))
    assert hist.sizes["time"] == 38 and str(hist.time.values[-1])[:7] == "2025-02"
    assert (hist.methodology_version.values == ["v1"] * 36 + ["v2"] * 2).all()
    lbm = hist.co2e_allocated.sel(basis="location_average")
    assert bool(lbm.isel(time=slice(0, 36)).isnull().all()) and not bool(lbm.isel(time=slice(36, None)).isnull().any())
    restated = allocation_compare.allocate_history(provider, ("v1", "v2", "v3"))
    assert set(restated.methodology_version.values) == {"v3"}


def test_decomposition_is_stamped(hand_provider):
    ds = allocation_compare.decompose_change(hand_provider, "v1", "v2")
    stamped = read_stamp(ds.attrs)
    v1, v2 = allocation.load_version("v1"), allocation.load_version("v2")
    assert stamped["methodology"] == v2.methodology and stamped["methodology_version"] == "v1 -> v2"
    assert stamped["parameters"] == {"v1": dict(v1.parameters), "v2": dict(v2.parameters)}
    assert stamped["assumed"] == list(v1.assumptions + v2.assumptions)
    assert stamped["references"] == tuple(dict.fromkeys(v1.references + v2.references))   # one per line
    assert json.loads(ds.attrs["causes"]) == {c: list(keys) for c, keys in allocation.CAUSES.items()}


def test_history_is_stamped_with_the_versions_in_force():
    provider = synthetic_provider(2, n_accounts=10, n_months=3, start="2024-11")   # Nov 2024 .. Jan 2025
    v1, v2, v3 = (allocation.load_version(v) for v in allocation.VERSIONS)
    stamped = read_stamp(allocation_compare.allocate_history(provider, ("v1", "v2")).attrs)
    assert stamped["methodology_version"] == "v1 2024-11..2024-12 | v2 2025-01..2025-01"
    assert stamped["assumed"] == list(v1.assumptions + v2.assumptions)
    assert set(stamped["parameters"]) == {"v1", "v2"}
    restated = read_stamp(allocation_compare.allocate_history(provider, ("v1", "v2", "v3")).attrs)
    assert restated["methodology_version"] == "v3 2024-11..2025-01"
    assert restated["assumed"] == list(v3.assumptions)                 # only v3 is in force
    assert set(restated["references"]) == set(v1.references + v2.references + v3.references)
