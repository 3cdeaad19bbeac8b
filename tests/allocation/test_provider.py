"""The Provider (:mod:`carbonlab.allocation.provider`): validation and its canonical index."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from allocation_helpers import PROPERTY, one_cluster_provider, providers, versions
from hypothesis import given
from hypothesis import strategies as st

from carbonlab import allocation
from carbonlab.allocation.provider import ProviderIndex
from carbonlab.allocation.synthetic import toy_provider


def test_a_dependency_cycle_is_refused():
    with pytest.raises(ValueError, match="cycle"):
        one_cluster_provider([("compute", "X", "account", 1.0, 1.0), ("svc_a", "svc_b", "service", 1.0, 1.0),
                              ("svc_b", "svc_a", "service", 1.0, 1.0)])


def test_used_capacity_above_capacity_is_refused():
    with pytest.raises(ValueError, match="exceeds"):
        one_cluster_provider([("compute", "X", "account", 1.0, 1.0)], usage=(("A", "compute", 120.0),))


@PROPERTY
@given(providers(), versions(), st.randoms(use_true_random=False))
def test_invariant_to_the_order_of_accounts(provider, version, random):
    order = list(provider.consumption.index)
    random.shuffle(order)
    shuffled = allocation.Provider(provider.clusters, provider.inventory, provider.racks, provider.rack_load,
                                   provider.rack_usage, provider.consumption.loc[order])
    xr.testing.assert_identical(allocation.allocate(provider, version), allocation.allocate(shuffled, version))


def test_the_index_is_built_on_construction():
    ix = toy_provider().index
    assert isinstance(ix, ProviderIndex)
    assert list(ix.accounts) == ["X", "Y", "Z"] and list(ix.services) == ["compute", "storage"]
    assert (ix.nt, ix.nr, ix.ns, ix.nrt, ix.nnode, ix.n_rm) == (1, 1, 2, 1, 2, 2)
    np.testing.assert_array_equal(ix.power, [6.0, 4.0])
    np.testing.assert_array_equal(ix.c_node, [0, 0, 1])                  # (time, region, service)


def test_a_missing_column_is_named():
    toy = toy_provider()
    with pytest.raises(ValueError, match=r"Provider\.racks: missing column\(s\) \['kind'\]"):
        allocation.Provider(toy.clusters, toy.inventory, toy.racks.drop(columns="kind"), toy.rack_load,
                            toy.rack_usage, toy.consumption)
