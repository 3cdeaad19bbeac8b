"""Providers, versions and hand computations shared by the allocation tests.

``one_cluster_provider`` builds the research note's toy example (``ccft_note_toy``) and the hand
computation ``HAND`` (``hand_computation_provider``), which the test modules' fixtures return (a
second conftest.py would shadow ``tests/conftest.py``, which other tests import); ``providers`` and
``versions`` draw any provider and version (hypothesis).  Sources: see test_chain.py.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from carbonlab import allocation

T0 = pd.Timestamp("2025-01-01")


def one_cluster_provider(consumption, racks=(("A", "compute", 6.0, 100.0), ("B", "storage", 4.0, 100.0)),
                         usage=(("A", "compute", 75.0), ("B", "storage", 100.0)), scope2=100.0):
    """One cluster of ``scope2`` t in one month, racks (name, kind, power, capacity)."""
    return allocation.Provider(
        clusters=pd.DataFrame({"cluster": ["c"], "region": ["r"], "geography": ["G"]}),
        inventory=pd.DataFrame({"time": [T0], "cluster": ["c"], "scope1": [0.0],
                                "scope2_location": [scope2], "scope2_market": [scope2]}),
        racks=pd.DataFrame({"rack": [r[0] for r in racks], "cluster": "c", "kind": [r[1] for r in racks]}),
        rack_load=pd.DataFrame({"time": T0, "rack": [r[0] for r in racks], "power": [r[2] for r in racks],
                                "capacity": [r[3] for r in racks]}),
        rack_usage=pd.DataFrame({"time": T0, "rack": [u[0] for u in usage], "service": [u[1] for u in usage],
                                 "used": [u[2] for u in usage]}),
        consumption=pd.DataFrame([dict(time=T0, region="r", service=s, consumer=c, kind=k, usage=u, spend=d)
                                  for s, c, k, u, d in consumption]))


def account_totals(ds, basis="market"):
    return ds.co2e_allocated.sel(basis=basis).sum(["service", "region", "time", "scope"]).to_series()


def ccft_note_toy():
    """The note's toy example, built by hand (X 50 %, Y 25 % of rack A; Z fills rack B)."""
    return one_cluster_provider([("compute", "X", "account", 50.0, 1.0), ("compute", "Y", "account", 25.0, 1.0),
                                 ("storage", "Z", "account", 100.0, 1.0)])


# --- a hand computation of every v2 rule -----------------------------------------------------
# Cluster 100 t: compute rack (80 % of power, 80 of 100 used) and networking rack (20 %).
# compute is used by account A (60) and by service "serverless" (20); serverless has no racks
# and is used by account B (spend 8) and an internal team (spend 2).
HAND = [("compute", "A", "account", 60.0, 6.0), ("compute", "serverless", "service", 20.0, 2.0),
        ("serverless", "B", "account", 1.0, 8.0), ("serverless", "team", "internal", 1.0, 2.0)]


def hand_value(account, unused, overhead, dependencies, internal):
    """The same allocation computed by hand from the rules, switch by switch."""
    compute = 80.0 * (1.0 if unused else 0.8) + (20.0 if overhead else 0.0)
    if account == "A":
        return compute * (60.0 / 80.0 if dependencies else 1.0)
    return (compute * 20.0 / 80.0 if dependencies else 0.0) * (0.8 if internal else 1.0)


def hand_computation_provider():
    return one_cluster_provider(HAND, racks=(("C", "compute", 8.0, 100.0), ("N", "networking", 2.0, 0.0)),
                                usage=(("C", "compute", 80.0),))


# --- properties ------------------------------------------------------------------------------
AMOUNT = st.floats(0.0, 100.0, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def providers(draw):
    months = pd.date_range("2025-01", periods=draw(st.integers(1, 2)), freq="MS")
    regions = [f"r{i}" for i in range(draw(st.integers(1, 2)))]
    dedicated = [f"d{i}" for i in range(draw(st.integers(1, 3)))]
    built = {f"b{i}": draw(st.lists(st.sampled_from(dedicated), min_size=1, max_size=2, unique=True))
             for i in range(draw(st.integers(0, 2)))}
    clusters, inventory, racks, load, usage, consumption = [], [], [], [], [], []
    for r in regions:
        for c in range(draw(st.integers(1, 2))):
            name = f"{r}c{c}"
            clusters.append((name, r, "G" + r, draw(AMOUNT) * 100, months[0] - pd.DateOffset(months=draw(
                st.integers(0, 700)))))
            for t in months:
                inventory.append((t, name, *(draw(AMOUNT) for _ in range(5))))
            for k in range(draw(st.integers(1, 4))):
                rack, kind = f"{name}k{k}", draw(st.sampled_from(allocation.RACK_KINDS))
                racks.append((rack, name, kind, draw(AMOUNT), months[0] - pd.DateOffset(months=draw(
                    st.integers(0, 90)))))
                on = draw(st.lists(st.sampled_from(dedicated), max_size=2, unique=True)) if kind in (
                    "compute", "storage") else []
                for t in months:
                    capacity = draw(AMOUNT)
                    load.append((t, rack, draw(AMOUNT), capacity))
                    fractions = [draw(st.floats(0, 1)) for _ in on]
                    for s, f in zip(on, fractions):
                        usage.append((t, rack, s, capacity * f / max(1.0, sum(fractions))))
        for t in months:
            for s in dedicated + list(built):
                for a in draw(st.lists(st.sampled_from(["x", "y", "z", "w"]), max_size=3, unique=True)):
                    consumption.append((t, r, s, a, "account", draw(AMOUNT), draw(AMOUNT)))
                if draw(st.booleans()):
                    consumption.append((t, r, s, "team", "internal", draw(AMOUNT), draw(AMOUNT)))
            for child, parents in built.items():
                for p in parents:
                    consumption.append((t, r, p, child, "service", draw(AMOUNT), draw(AMOUNT)))
    return allocation.Provider(
        clusters=pd.DataFrame(clusters, columns=["cluster", "region", "geography", "building_embodied",
                                                 "commissioned"]),
        inventory=pd.DataFrame(inventory, columns=["time", "cluster", "scope1", "scope2_location",
                                                   "scope2_market", "fera_location", "fera_market"]),
        racks=pd.DataFrame(racks, columns=["rack", "cluster", "kind", "embodied", "installed"]),
        rack_load=pd.DataFrame(load, columns=["time", "rack", "power", "capacity"]),
        rack_usage=pd.DataFrame(usage, columns=["time", "rack", "service", "used"]),
        consumption=pd.DataFrame(consumption, columns=["time", "region", "service", "consumer", "kind",
                                                       "usage", "spend"]))


@st.composite
def versions(draw, overhead_keys=("power", "spend")):
    base = allocation.load_version(draw(st.sampled_from(allocation.VERSIONS)))
    changes = {k: draw(st.sampled_from(allowed)) for k, allowed in allocation.PARAMETERS.items()
               if isinstance(allowed, tuple) and allowed[0] != "subset" and draw(st.booleans())}
    if draw(st.booleans()):
        changes["scope3"] = draw(st.lists(st.sampled_from(["fera", "it_hardware", "buildings"]), unique=True))
        changes["it_hardware_years"] = draw(st.sampled_from([0.5, 4, 6]))
    if "overhead_key" in changes and changes["overhead_key"] not in overhead_keys:
        changes["overhead_key"] = overhead_keys[0]
    if base.parameters["overhead_key"] not in overhead_keys:
        changes["overhead_key"] = overhead_keys[0]
    return base.replace(**changes) if changes else base


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
