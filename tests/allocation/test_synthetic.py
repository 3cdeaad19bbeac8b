"""Synthetic providers (:mod:`carbonlab.allocation.synthetic`): the toy example and determinism.

Sources
-------
- ``ccft_note``: carbonlab's research note on the AWS Customer Carbon Footprint Tool
  (shared/methods/AWS_CCFT.md, 2026-11-22): §4.2 toy example (100 t cluster, racks at 60 % and
  40 % of power, 25 % idle -> 40 t and 20 t).  The note says these are its own numbers, not the
  provider's.
"""

from __future__ import annotations

import pandas as pd
import pytest
import xarray as xr
from allocation_helpers import account_totals, ccft_note_toy

from carbonlab import allocation
from carbonlab.allocation.synthetic import synthetic_provider, toy_provider


@pytest.fixture
def ccft_note_toy_section_4_2():
    """The research note's §4.2 toy example (X 50 %, Y 25 % of rack A; Z fills rack B)."""
    return ccft_note_toy()


def test_shipped_toy_provider_matches_the_hand_built_one(ccft_note_toy_section_4_2):
    for version in ("v1", "v2"):
        pd.testing.assert_series_equal(account_totals(allocation.allocate(toy_provider(), version)),
                                       account_totals(allocation.allocate(ccft_note_toy_section_4_2, version)))


def test_identical_inputs_give_identical_outputs():
    a = allocation.allocate(synthetic_provider(3, n_accounts=20, n_months=2), "v3")
    b = allocation.allocate(synthetic_provider(3, n_accounts=20, n_months=2), "v3")
    xr.testing.assert_identical(a, b)


def test_seed_0_is_pinned():
    """The tables of ``synthetic_provider(0)`` (the notebook's provider), as first built (2026-12): a
    rewrite of the builders must give the same numbers, draw for draw."""
    provider = synthetic_provider(0)
    assert {t: len(getattr(provider, t)) for t in allocation.TABLES} == {
        "clusters": 6, "inventory": 228, "racks": 206, "rack_load": 5244, "rack_usage": 4104, "consumption": 34249}
    assert provider.inventory["scope2_location"].sum() == pytest.approx(11983.71125366665, rel=1e-12)
    assert provider.inventory["scope2_market"].sum() == pytest.approx(3699.463959011525, rel=1e-12)
    assert provider.consumption["spend"].sum() == pytest.approx(19903990.513381086, rel=1e-12)
    assert provider.rack_load["power"].sum() == pytest.approx(37924.45736253433, rel=1e-12)
    assert provider.racks["embodied"].sum() == 6830.0 and provider.clusters["building_embodied"].sum() == 27600.0
    assert provider.racks["installed"].min() == pd.Timestamp("2016-02-01")
    assert provider.clusters["commissioned"].min() == pd.Timestamp("2012-08-01")
