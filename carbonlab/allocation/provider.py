"""The provider that :mod:`carbonlab.allocation` slices: clusters, racks, services and consumers.

A :class:`Provider` holds six tidy tables (one row per cluster, cluster-month, rack, rack-month,
rack-service-month and consumer-service-region-month) and turns them, once, into the integer codes
and arrays that the allocation chain multiplies (:attr:`Provider.index`, a :class:`ProviderIndex`).
Everything is validated on construction, with messages naming the table and column at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pandas as pd

from carbonlab.allocation._util import codes, unique_inverse

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
class ProviderIndex:
    """A provider's tables as integer codes and arrays (version independent), :attr:`Provider.index`.

    Labels are sorted.  A *region-month* ``rt = t * nr + region`` and a *node*
    ``node = rt * ns + service`` number the cells the chain allocates to.  Arrays prefixed ``ck_``
    have one entry per row of ``inventory`` (cluster-month), ``rm_`` per row of ``rack_load``
    (rack-month), ``ru_`` per row of ``rack_usage`` and ``c_`` per row of ``consumption``, the last
    in a canonical order so that the order of the rows never changes a sum.

    Attributes
    ----------
    times : pandas.DatetimeIndex
        The months of the inventory.
    regions, services, accounts : pandas.Index
        Labels of the regions, services (dedicated or built on others) and accounts.
    geography : numpy.ndarray of object
        Geography of each region.
    nt, nr, ns, nrt, nnode : int
        Numbers of months, regions, services, region-months and nodes.
    ck_rt : numpy.ndarray of int
        Region-month of each cluster-month.
    scope1, s2l, s2m, feral, feram : numpy.ndarray
        Scope 1, Scope 2 (location, market) and FERA (location, market) of each cluster-month. [t]
    ck_bldg : numpy.ndarray
        Embodied emissions of the cluster's buildings. [t]
    ck_bldg_age : numpy.ndarray
        Months since the cluster was commissioned (hugely negative where unknown: nothing is charged). [month]
    n_rm : int
        Number of rack-months.
    rm_ck, rm_rt, rm_kind : numpy.ndarray of int
        Cluster-month, region-month and kind (:data:`RACK_KINDS`) of each rack-month.
    power : numpy.ndarray
        Mean power draw of each rack-month. [kW]
    capacity : numpy.ndarray
        Capacity of each rack-month. [unit of ``used``]
    rm_embodied : numpy.ndarray
        Embodied emissions of the rack. [t]
    rm_age : numpy.ndarray
        Months since the rack was installed. [month]
    rm_served : numpy.ndarray
        Months the rack serves before retirement (inf if never retired). [month]
    ru_rm, ru_node : numpy.ndarray of int
        Rack-month and node of each rack-usage row.
    used : numpy.ndarray
        Capacity used by the row's service. [unit of ``used``]
    node_dedicated : numpy.ndarray of bool
        Whether the node's service has dedicated racks in that region and month.
    c_node, c_kind, c_consumer : numpy.ndarray of int
        Node, consumer kind (:data:`CONSUMER_KINDS`) and consumer code (among ``accounts``, the
        internal teams or ``services``, by kind) of each consumption row.
    c_usage, c_spend : numpy.ndarray
        Usage [unit of the service] and spend [currency] of each consumption row.
    """

    times: pd.DatetimeIndex
    regions: pd.Index
    geography: np.ndarray
    services: pd.Index
    accounts: pd.Index
    nt: int
    nr: int
    ns: int
    nrt: int
    nnode: int
    ck_rt: np.ndarray
    scope1: np.ndarray
    s2l: np.ndarray
    s2m: np.ndarray
    feral: np.ndarray
    feram: np.ndarray
    ck_bldg: np.ndarray
    ck_bldg_age: np.ndarray
    n_rm: int
    rm_ck: np.ndarray
    rm_rt: np.ndarray
    rm_kind: np.ndarray
    power: np.ndarray
    capacity: np.ndarray
    rm_embodied: np.ndarray
    rm_age: np.ndarray
    rm_served: np.ndarray
    ru_rm: np.ndarray
    ru_node: np.ndarray
    used: np.ndarray
    node_dedicated: np.ndarray
    c_node: np.ndarray
    c_kind: np.ndarray
    c_consumer: np.ndarray
    c_usage: np.ndarray
    c_spend: np.ndarray


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

    Attributes
    ----------
    index : ProviderIndex
        The tables as integer codes and arrays, built (and so validated) on construction.

    Raises
    ------
    ValueError
        If a table lacks a column, or its values are inconsistent (the message names table and column).
    """

    clusters: pd.DataFrame
    inventory: pd.DataFrame
    racks: pd.DataFrame
    rack_load: pd.DataFrame
    rack_usage: pd.DataFrame
    consumption: pd.DataFrame
    index: ProviderIndex = field(init=False, repr=False)

    def __post_init__(self):
        for name, (required, optional) in TABLES.items():
            table = getattr(self, name)
            missing = [c for c in required if c not in table.columns]
            if missing:
                raise ValueError(f"Provider.{name}: missing column(s) {missing}")
            absent = {c: v for c, v in optional.items() if c not in table.columns}
            if absent:
                object.__setattr__(self, name, table.assign(**absent))
        object.__setattr__(self, "index", _build_index(self))


def _months(values, what: str) -> np.ndarray:
    t = pd.to_datetime(pd.Series(values))
    if t.dt.tz is not None:
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    v = t.to_numpy("datetime64[ns]")
    m = v.astype("datetime64[M]")
    if (m != v)[~np.isnat(v)].any():
        raise ValueError(f"{what}: times must be month starts (YYYY-MM-01 00:00)")
    return np.where(np.isnat(v), _NAT, m.astype(np.int64))


def _labels(*columns) -> pd.Index:
    """Sorted distinct labels of some columns."""
    values = np.concatenate([np.asarray(pd.unique(c), dtype=object) for c in columns])
    return pd.Index(np.sort(pd.unique(values)), dtype=object)


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


# --- one indexer per table; each returns the codes and arrays the next ones and the index need ---
def _index_clusters(cl: pd.DataFrame) -> SimpleNamespace:
    """Clusters (sorted labels), regions, and each cluster's region, buildings and commissioning."""
    clusters = pd.Index(sorted(cl["cluster"].unique()))
    if len(clusters) != len(cl):
        raise ValueError("Provider.clusters: duplicate cluster")
    geo = cl.groupby("region")["geography"].unique()
    if (geo.map(len) > 1).any():
        raise ValueError("Provider.clusters: a region belongs to one geography")
    regions = pd.Index(sorted(geo.index))
    row = cl.set_index("cluster").loc[clusters]
    region = codes(row["region"], regions, "clusters.region")
    (building,) = _numbers(row, ("building_embodied",), "clusters")
    return SimpleNamespace(labels=clusters, regions=regions, region=region, building=building,
                           geography=np.array([geo[r][0] for r in regions], dtype=object),
                           commissioned=_months(row["commissioned"], "clusters.commissioned"))


def _index_racks(rk: pd.DataFrame, clusters: pd.Index) -> SimpleNamespace:
    """Racks (sorted labels), and each rack's cluster, kind, embodied emissions and service period."""
    racks = pd.Index(sorted(rk["rack"].unique()))
    if len(racks) != len(rk):
        raise ValueError("Provider.racks: duplicate rack")
    row = rk.set_index("rack").loc[racks]
    cluster = codes(row["cluster"], clusters, "racks.cluster")
    kind = codes(row["kind"], RACK_KINDS, "racks.kind")
    (embodied,) = _numbers(row, ("embodied",), "racks")
    installed = _months(row["installed"], "racks.installed")
    if ((embodied > 0) & (installed == _NAT)).any():
        raise ValueError("Provider.racks: a rack with embodied emissions needs its installation month")
    return SimpleNamespace(labels=racks, cluster=cluster, kind=kind, embodied=embodied, installed=installed,
                           retired=_months(row["retired"], "racks.retired"))


def _index_inventory(inv: pd.DataFrame, cl: SimpleNamespace) -> SimpleNamespace:
    """Cluster-months: the months, each row's month and cluster, and its emissions."""
    inv_t = _months(inv["time"], "inventory.time")
    months = np.unique(inv_t)
    cluster = codes(inv["cluster"], cl.labels, "inventory.cluster")
    t = np.searchsorted(months, inv_t)
    key = t * len(cl.labels) + cluster
    if len(unique_inverse(key)[0]) != len(key):
        raise ValueError("Provider.inventory: duplicate (time, cluster)")
    scope1, s2l, s2m, feral, feram = _numbers(inv, ("scope1", "scope2_location", "scope2_market",
                                                     "fera_location", "fera_market"), "inventory")
    return SimpleNamespace(months=months, t=t, cluster=cluster, key=key,
                           lookup=pd.Series(np.arange(len(key)), index=key), scope1=scope1, s2l=s2l, s2m=s2m,
                           feral=feral, feram=feram)


def _index_rack_load(load: pd.DataFrame, cl: SimpleNamespace, rk: SimpleNamespace,
                     ck: SimpleNamespace) -> SimpleNamespace:
    """Rack-months: each row's month, rack, cluster-month and region-month, power and capacity."""
    months = ck.months
    t_month = _months(load["time"], "rack_load.time")
    rack = codes(load["rack"], rk.labels, "rack_load.rack")
    t = np.searchsorted(months, t_month).clip(0, len(months) - 1)
    key = t * len(cl.labels) + rk.cluster[rack]
    bad = (months[t] != t_month) | ~np.isin(key, ck.key)
    if bad.any():
        raise ValueError("Provider.rack_load: a rack-month has no inventory row for its cluster and month")
    power, capacity = _numbers(load, ("power", "capacity"), "rack_load")
    lookup = pd.Series(np.arange(len(load)), index=t * len(rk.labels) + rack)
    if not lookup.index.is_unique:
        raise ValueError("Provider.rack_load: duplicate (time, rack)")
    return SimpleNamespace(t=t, rack=rack, ck=ck.lookup.loc[key].to_numpy(), power=power, capacity=capacity,
                           lookup=lookup, rt=t * len(cl.regions) + cl.region[rk.cluster[rack]])


def _index_rack_usage(ru: pd.DataFrame, months: np.ndarray, rk: SimpleNamespace, rm: SimpleNamespace,
                      services: pd.Index) -> SimpleNamespace:
    """Rack usage: each row's rack-month and node, and the capacity it uses."""
    ru_month = _months(ru["time"], "rack_usage.time")
    t = np.searchsorted(months, ru_month).clip(0, len(months) - 1)
    rack = codes(ru["rack"], rk.labels, "rack_usage.rack")
    key = t * len(rk.labels) + rack
    if (months[t] != ru_month).any() or not np.isin(key, rm.lookup.index).all():
        raise ValueError("Provider.rack_usage: a row has no rack_load row for its rack and month")
    ru_rm = rm.lookup.loc[key].to_numpy()
    if np.isin(rk.kind[rack], [RACK_KINDS.index(k) for k in ("networking", "spare")]).any():
        raise ValueError("Provider.rack_usage: networking and spare racks run no service")
    (used,) = _numbers(ru, ("used",), "rack_usage")
    if (np.bincount(ru_rm, used, len(rm.t)) > rm.capacity * (1 + 1e-9)).any():
        raise ValueError("Provider.rack_usage: used capacity exceeds the rack's capacity")
    node = rm.rt[ru_rm] * len(services) + codes(ru["service"], services, "rack_usage.service")
    return SimpleNamespace(rm=ru_rm, node=node, used=used)


def _index_consumption(cons: pd.DataFrame, months: np.ndarray, regions: pd.Index,
                       services: pd.Index) -> SimpleNamespace:
    """Consumption: node, kind and consumer of each row, in a canonical order so that row order never
    changes a sum."""
    nt, nr, ns = len(months), len(regions), len(services)
    c_month = _months(cons["time"], "consumption.time")
    c_t = np.searchsorted(months, c_month).clip(0, nt - 1)
    if (months[c_t] != c_month).any():
        raise ValueError("Provider.consumption: a month has no inventory")
    c_kind = codes(cons["kind"], CONSUMER_KINDS, "consumption.kind")
    c_node = (c_t * nr + codes(cons["region"], regions, "consumption.region")) * ns + codes(
        cons["service"], services, "consumption.service")
    accounts = _labels(cons.loc[c_kind == 0, "consumer"])
    internals = _labels(cons.loc[c_kind == 1, "consumer"])
    consumer = np.zeros(len(cons), np.int64)
    for k, labels in enumerate((accounts, internals, services)):
        sel = c_kind == k
        consumer[sel] = codes(cons.loc[sel, "consumer"], labels, f"consumption.consumer ({CONSUMER_KINDS[k]})")
    usage, spend = _numbers(cons, ("usage", "spend"), "consumption")
    edges = np.unique((c_node % ns * ns + consumer)[c_kind == 2])
    _check_acyclic(edges // ns, edges % ns, services)
    key = (c_node * 3 + c_kind) * (max(len(accounts), len(internals), ns) + 1) + consumer
    order = np.argsort(key, kind="stable")
    if (key[order][1:] == key[order][:-1]).any():  # repeated rows: order them by value too
        order = np.lexsort((spend, usage, key))
    return SimpleNamespace(accounts=accounts, node=c_node[order], kind=c_kind[order], consumer=consumer[order],
                           usage=usage[order], spend=spend[order])


def _build_index(p: Provider) -> ProviderIndex:
    """The :class:`ProviderIndex` of a provider's tables (validating them on the way)."""
    cl = _index_clusters(p.clusters)
    rk = _index_racks(p.racks, cl.labels)
    ck = _index_inventory(p.inventory, cl)
    ru, cons = p.rack_usage, p.consumption
    services = _labels(ru["service"], cons["service"], cons.loc[cons["kind"] == "service", "consumer"])
    rm = _index_rack_load(p.rack_load, cl, rk, ck)
    use = _index_rack_usage(ru, ck.months, rk, rm, services)
    c = _index_consumption(cons, ck.months, cl.regions, services)
    months = ck.months
    nt, nr, ns = len(months), len(cl.regions), len(services)
    return ProviderIndex(
        times=pd.DatetimeIndex(months.astype("datetime64[M]").astype("datetime64[ns]")), regions=cl.regions,
        geography=cl.geography, services=services, accounts=c.accounts, nt=nt, nr=nr, ns=ns, nrt=nt * nr,
        nnode=nt * nr * ns,
        ck_rt=ck.t * nr + cl.region[ck.cluster], scope1=ck.scope1, s2l=ck.s2l, s2m=ck.s2m, feral=ck.feral,
        feram=ck.feram, ck_bldg=cl.building[ck.cluster], ck_bldg_age=months[ck.t] - cl.commissioned[ck.cluster],
        n_rm=len(p.rack_load), rm_ck=rm.ck, rm_rt=rm.rt, rm_kind=rk.kind[rm.rack], power=rm.power,
        capacity=rm.capacity, rm_embodied=rk.embodied[rm.rack], rm_age=months[rm.t] - rk.installed[rm.rack],
        rm_served=np.where(rk.retired[rm.rack] == _NAT, np.inf,
                           (rk.retired - rk.installed)[rm.rack].astype(float)),
        ru_rm=use.rm, ru_node=use.node, used=use.used, node_dedicated=np.bincount(use.node, minlength=nt * nr * ns) > 0,
        c_node=c.node, c_kind=c.kind, c_consumer=c.consumer, c_usage=c.usage, c_spend=c.spend)
