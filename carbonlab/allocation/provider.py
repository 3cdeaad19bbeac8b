"""The provider that :mod:`carbonlab.allocation` slices: clusters, racks, services and consumers.

A :class:`Provider` holds six tidy tables (one row per cluster, cluster-month, rack, rack-month,
rack-service-month and consumer-service-region-month) and turns them, once, into the integer codes
and arrays that the allocation chain multiplies.  Everything is validated on construction, with
messages naming the table and column at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace

import numpy as np
import pandas as pd

RACK_KINDS = ("compute", "storage", "networking", "spare")
#: Rack kinds that run services; the others form the region's shared-overhead pool.
SERVICE_RACK_KINDS = ("compute", "storage")
CONSUMER_KINDS = ("account", "internal", "service")
_NAT = np.iinfo(np.int64).min

#: Tables of a :class:`Provider`: required columns, and optional columns with their default.
TABLES = {
    "clusters": (("cluster", "region", "geography"), {"building_embodied": 0.0, "commissioned": pd.NaT}),
    "inventory": (("time", "cluster", "scope1", "scope2_location", "scope2_market"),
                  {"fera_location": 0.0, "fera_market": 0.0}),
    "racks": (("rack", "cluster", "kind"), {"embodied": 0.0, "installed": pd.NaT, "retired": pd.NaT}),
    "rack_load": (("time", "rack", "power", "capacity"), {}),
    "rack_usage": (("time", "rack", "service", "used"), {}),
    "consumption": (("time", "region", "service", "consumer", "kind", "usage", "spend"), {}),
}


@dataclass(frozen=True, eq=False)
class Provider:
    """One provider's regions for some months, as six tidy tables (validated on construction).

    Parameters
    ----------
    clusters : pandas.DataFrame
        ``cluster``, ``region``, ``geography``; optional ``building_embodied``, the buildings' total
        embodied emissions [t], and ``commissioned`` (month).
    inventory : pandas.DataFrame
        One row per cluster and month (``time``, a month start): ``scope1``, ``scope2_location``,
        ``scope2_market`` and optional ``fera_location``, ``fera_market`` (Scope 3 category 3). [t]
    racks : pandas.DataFrame
        ``rack``, ``cluster``, ``kind`` (:data:`RACK_KINDS`); optional ``embodied`` [t],
        ``installed`` and ``retired`` (months; retired = first month out of service).
    rack_load : pandas.DataFrame
        Per rack and month: mean ``power`` draw [kW] and ``capacity`` (in the units of ``used``).
    rack_usage : pandas.DataFrame
        Per rack, month and service running on it: ``used`` capacity.  Services listed here have
        dedicated racks in that region and month; the others are allocated economically.
    consumption : pandas.DataFrame
        Who consumes each service in each region and month: ``consumer``, ``kind``
        (:data:`CONSUMER_KINDS`; a ``service`` consumer is a service built on this one), ``usage``
        (in the service's unit) and ``spend`` (billed, or list-price equivalent for internal teams
        and services).
    """

    clusters: pd.DataFrame
    inventory: pd.DataFrame
    racks: pd.DataFrame
    rack_load: pd.DataFrame
    rack_usage: pd.DataFrame
    consumption: pd.DataFrame

    def __post_init__(self):
        for name, (required, optional) in TABLES.items():
            table = getattr(self, name)
            missing = [c for c in required if c not in table.columns]
            if missing:
                raise ValueError(f"Provider.{name}: missing column(s) {missing}")
            absent = {c: v for c, v in optional.items() if c not in table.columns}
            if absent:
                object.__setattr__(self, name, table.assign(**absent))
        self._index  # validate now, so that errors appear where the provider is built

    @cached_property
    def _index(self) -> SimpleNamespace:
        return _build_index(self)


def _months(values, what: str) -> np.ndarray:
    t = pd.to_datetime(pd.Series(values))
    if t.dt.tz is not None:
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    v = t.to_numpy("datetime64[ns]")
    m = v.astype("datetime64[M]")
    if (m != v)[~np.isnat(v)].any():
        raise ValueError(f"{what}: times must be month starts (YYYY-MM-01 00:00)")
    return np.where(np.isnat(v), _NAT, m.astype(np.int64))


def _codes(values, labels, what: str) -> np.ndarray:
    codes = pd.Categorical(values, categories=labels).codes.astype(np.int64)
    if (codes < 0).any():
        raise ValueError(f"{what}: unknown label {pd.Series(values)[codes < 0].iloc[0]!r}")
    return codes


def _labels(*columns) -> pd.Index:
    """Sorted distinct labels of some columns."""
    values = np.concatenate([np.asarray(pd.unique(c), dtype=object) for c in columns])
    return pd.Index(np.sort(pd.unique(values)), dtype=object)


def unique_inverse(keys: np.ndarray):
    """Sorted distinct integer keys and the position of each key among them (sort-based, fast)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if len(keys) else np.zeros(0, bool)
    inverse = np.empty(len(keys), np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _numbers(table: pd.DataFrame, columns, what: str) -> list[np.ndarray]:
    out = []
    for c in columns:
        v = table[c].to_numpy(float)
        if not np.isfinite(v).all() or (v < 0).any():
            raise ValueError(f"{what}.{c}: values must be finite and non-negative")
        out.append(v)
    return out


def _check_acyclic(parent, child, services) -> None:
    """Raise if services built on other services form a cycle (Kahn's topological sort)."""
    remaining = set(zip(parent.tolist(), child.tolist()))
    while remaining:
        has_parent = {c for _, c in remaining}
        roots = {p for p, _ in remaining} - has_parent
        if not roots:
            cycle = sorted({services[p] for p, _ in remaining})
            raise ValueError(f"Provider.consumption: services built on each other in a cycle: {cycle}")
        remaining = {(p, c) for p, c in remaining if p not in roots}


def _build_index(p: Provider) -> SimpleNamespace:
    """Integer codes of every table (version independent; consumption in a canonical order)."""
    cl, inv, rk, load, ru, cons = p.clusters, p.inventory, p.racks, p.rack_load, p.rack_usage, p.consumption
    clusters = pd.Index(sorted(cl["cluster"].unique()))
    if len(clusters) != len(cl):
        raise ValueError("Provider.clusters: duplicate cluster")
    geo = cl.groupby("region")["geography"].unique()
    if (geo.map(len) > 1).any():
        raise ValueError("Provider.clusters: a region belongs to one geography")
    regions = pd.Index(sorted(geo.index))
    cluster_row = cl.set_index("cluster").loc[clusters]
    cl_region = _codes(cluster_row["region"], regions, "clusters.region")
    racks = pd.Index(sorted(rk["rack"].unique()))
    if len(racks) != len(rk):
        raise ValueError("Provider.racks: duplicate rack")
    rack_row = rk.set_index("rack").loc[racks]
    rack_cluster = _codes(rack_row["cluster"], clusters, "racks.cluster")
    rack_kind = _codes(rack_row["kind"], RACK_KINDS, "racks.kind")
    inv_t = _months(inv["time"], "inventory.time")
    months = np.unique(inv_t)
    nt, nr = len(months), len(regions)
    services = _labels(ru["service"], cons["service"], cons.loc[cons["kind"] == "service", "consumer"])
    ns = len(services)
    # cluster-months
    ck_cluster = _codes(inv["cluster"], clusters, "inventory.cluster")
    ck_t = np.searchsorted(months, inv_t)
    ck_key = ck_t * len(clusters) + ck_cluster
    if len(unique_inverse(ck_key)[0]) != len(ck_key):
        raise ValueError("Provider.inventory: duplicate (time, cluster)")
    ck_lookup = pd.Series(np.arange(len(ck_key)), index=ck_key)
    scope1, s2l, s2m, feral, feram = _numbers(inv, ("scope1", "scope2_location", "scope2_market",
                                                     "fera_location", "fera_market"), "inventory")
    (bldg,) = _numbers(cluster_row, ("building_embodied",), "clusters")
    commissioned = _months(cluster_row["commissioned"], "clusters.commissioned")
    # rack-months
    rm_t_month = _months(load["time"], "rack_load.time")
    rm_rack = _codes(load["rack"], racks, "rack_load.rack")
    rm_t = np.searchsorted(months, rm_t_month).clip(0, nt - 1)
    rm_key = rm_t * len(clusters) + rack_cluster[rm_rack]
    bad = (months[rm_t] != rm_t_month) | ~np.isin(rm_key, ck_key)
    if bad.any():
        raise ValueError("Provider.rack_load: a rack-month has no inventory row for its cluster and month")
    rm_ck = ck_lookup.loc[rm_key].to_numpy()
    power, capacity = _numbers(load, ("power", "capacity"), "rack_load")
    (embodied,) = _numbers(rack_row, ("embodied",), "racks")
    installed = _months(rack_row["installed"], "racks.installed")
    retired = _months(rack_row["retired"], "racks.retired")
    if ((embodied > 0) & (installed == _NAT)).any():
        raise ValueError("Provider.racks: a rack with embodied emissions needs its installation month")
    rm_lookup = pd.Series(np.arange(len(load)), index=rm_t * len(racks) + rm_rack)
    if not rm_lookup.index.is_unique:
        raise ValueError("Provider.rack_load: duplicate (time, rack)")
    # rack usage
    ru_month = _months(ru["time"], "rack_usage.time")
    ru_t = np.searchsorted(months, ru_month).clip(0, nt - 1)
    ru_rack = _codes(ru["rack"], racks, "rack_usage.rack")
    ru_key = ru_t * len(racks) + ru_rack
    if (months[ru_t] != ru_month).any() or not np.isin(ru_key, rm_lookup.index).all():
        raise ValueError("Provider.rack_usage: a row has no rack_load row for its rack and month")
    ru_rm = rm_lookup.loc[ru_key].to_numpy()
    if np.isin(rack_kind[ru_rack], [RACK_KINDS.index(k) for k in ("networking", "spare")]).any():
        raise ValueError("Provider.rack_usage: networking and spare racks run no service")
    (used,) = _numbers(ru, ("used",), "rack_usage")
    if (np.bincount(ru_rm, used, len(load)) > capacity * (1 + 1e-9)).any():
        raise ValueError("Provider.rack_usage: used capacity exceeds the rack's capacity")
    rm_rt = rm_t * nr + cl_region[rack_cluster[rm_rack]]
    ru_node = rm_rt[ru_rm] * ns + _codes(ru["service"], services, "rack_usage.service")
    # consumption, in a canonical order so that row order never changes a sum
    c_month = _months(cons["time"], "consumption.time")
    c_t = np.searchsorted(months, c_month).clip(0, nt - 1)
    if (months[c_t] != c_month).any():
        raise ValueError("Provider.consumption: a month has no inventory")
    c_kind = _codes(cons["kind"], CONSUMER_KINDS, "consumption.kind")
    c_node = (c_t * nr + _codes(cons["region"], regions, "consumption.region")) * ns + _codes(
        cons["service"], services, "consumption.service")
    accounts = _labels(cons.loc[c_kind == 0, "consumer"])
    internals = _labels(cons.loc[c_kind == 1, "consumer"])
    consumer = np.zeros(len(cons), np.int64)
    for k, labels in enumerate((accounts, internals, services)):
        sel = c_kind == k
        consumer[sel] = _codes(cons.loc[sel, "consumer"], labels, f"consumption.consumer ({CONSUMER_KINDS[k]})")
    usage, spend = _numbers(cons, ("usage", "spend"), "consumption")
    edges = np.unique((c_node % ns * ns + consumer)[c_kind == 2])
    _check_acyclic(edges // ns, edges % ns, services)
    key = (c_node * 3 + c_kind) * (max(len(accounts), len(internals), ns) + 1) + consumer
    order = np.argsort(key, kind="stable")
    if (key[order][1:] == key[order][:-1]).any():  # repeated rows: order them by value too
        order = np.lexsort((spend, usage, key))
    n_rm = len(load)
    return SimpleNamespace(
        months=months, times=pd.DatetimeIndex(months.astype("datetime64[M]").astype("datetime64[ns]")),
        regions=regions, geography=np.array([geo[r][0] for r in regions], dtype=object),
        services=services, accounts=accounts, nt=nt, nr=nr, ns=ns, nrt=nt * nr, nnode=nt * nr * ns,
        ck_rt=ck_t * nr + cl_region[ck_cluster], ck_t=ck_t, scope1=scope1, s2l=s2l, s2m=s2m,
        feral=feral, feram=feram, ck_bldg=bldg[ck_cluster],
        ck_bldg_age=months[ck_t] - commissioned[ck_cluster], n_rm=n_rm, rm_ck=rm_ck, rm_rt=rm_rt,
        rm_kind=rack_kind[rm_rack], power=power, capacity=capacity, rm_embodied=embodied[rm_rack],
        rm_age=months[rm_t] - installed[rm_rack],
        rm_served=np.where(retired[rm_rack] == _NAT, np.inf,
                           (retired - installed)[rm_rack].astype(float)),
        ru_rm=ru_rm, ru_node=ru_node, used=used,
        node_dedicated=np.bincount(ru_node, minlength=nt * nr * ns) > 0,
        c_node=c_node[order], c_kind=c_kind[order], c_consumer=consumer[order],
        c_usage=usage[order], c_spend=spend[order])
