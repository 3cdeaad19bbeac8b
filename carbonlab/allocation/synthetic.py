"""Synthetic providers to study :mod:`carbonlab.allocation` without real inventory data.

No provider publishes its racks, utilisation or internal consumption, so everything here is
invented, deterministically from a seed, with magnitudes chosen to be plausible rather than true:
rack power between idle and full draw, grid factors of the order of those of the named regions,
embodied emissions of the order quoted by the provider's Scope 3 announcement (about 30 t per rack).
Nothing from this module is evidence about any real provider.

Two builders:

- :func:`toy_provider`, the hand-sized example of carbonlab's CCFT research note (one cluster of
  100 t, racks drawing 60 % and 40 %, one rack 25 % idle);
- :func:`synthetic_provider`, a parameterised region set with a service catalogue, dependencies,
  internal teams, three archetypal customers and any number of generic accounts and services.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonlab.allocation.provider import Provider

#: Archetypal customers added by :func:`synthetic_provider`: monthly usage per catalogue service.
ARCHETYPES = {
    "steady-compute": {"compute": 50_000.0, "block_storage": 20_000.0, "object_storage": 5_000.0,
                       "monitoring": 200.0},
    "serverless-heavy": {"serverless": 60_000.0, "queue": 300.0, "object_storage": 20_000.0,
                         "database": 1_460.0, "compute": 1_000.0, "monitoring": 500.0},
    "storage-heavy": {"object_storage": 2_000_000.0, "block_storage": 50_000.0, "compute": 5_000.0,
                      "data_warehouse": 2_920.0},
}

#: The teaching catalogue: (name, rack kind or "" when the service has no dedicated racks, unit,
#: list price per unit [USD], share of accounts using it, median monthly usage per account,
#: {parent service: parent units consumed per unit}).  Prices are of the order of public list
#: prices; the resource factors are invented.
CATALOGUE = (
    ("compute", "compute", "vCPU-h", 0.045, 0.9, 4_000.0, {}),
    ("block_storage", "storage", "GB-month", 0.08, 0.7, 3_000.0, {}),
    ("object_storage", "storage", "GB-month", 0.023, 0.8, 10_000.0, {}),
    ("serverless", "", "GB-h", 0.06, 0.35, 2_000.0, {"compute": 0.8}),
    ("data_warehouse", "", "node-h", 1.086, 0.1, 700.0, {"compute": 4.0, "object_storage": 1.5}),
    ("database", "", "instance-h", 0.2, 0.4, 730.0, {"compute": 2.0, "block_storage": 0.3}),
    ("queue", "", "million requests", 0.4, 0.3, 50.0, {"compute": 2.0}),
    ("monitoring", "", "GB ingested", 0.5, 0.6, 20.0, {"compute": 0.05, "object_storage": 1.0}),
)

#: (region, geography, location-based grid factor [t MWh-1], market-based coverage in the first
#: and the last month [1]); factors are rounded orders of magnitude, not published values.
REGIONS = (("us-east-1", "AMER", 0.38, 0.70, 0.95), ("eu-west-1", "EMEA", 0.30, 0.80, 0.97),
           ("ap-northeast-1", "APAC", 0.45, 0.30, 0.60))

#: Rack power at idle and full load [kW], and embodied emissions [t], by rack kind (invented).
RACK_POWER = {"compute": (5.0, 12.0), "storage": (6.0, 8.0), "networking": (4.0, 4.0), "spare": (3.0, 3.0)}
RACK_EMBODIED = {"compute": 30.0, "storage": 40.0, "networking": 15.0, "spare": 30.0}


def toy_provider() -> Provider:
    """The worked toy example: 100 t in one cluster, racks A (60 % of power) and B (40 %).

    Rack A runs ``compute``: account X uses 50 % of its capacity, Y 25 %, 25 % is idle.  Rack B
    runs ``storage`` fully used by account Z.  Under a v2-style rule X gets 60 x 50/75 = 40 t and Y
    20 t; with idle capacity kept by the provider, 30 t and 15 t (carbonlab research note on the
    AWS CCFT, section 4.2; the numbers are that note's own example, not the provider's).

    Returns
    -------
    Provider
        One cluster, region and month (January 2025), two racks and three accounts.
    """
    t = pd.Timestamp("2025-01-01")
    return Provider(
        clusters=pd.DataFrame({"cluster": ["c1"], "region": ["r1"], "geography": ["G1"]}),
        inventory=pd.DataFrame({"time": [t], "cluster": ["c1"], "scope1": [0.0],
                                "scope2_location": [100.0], "scope2_market": [100.0]}),
        racks=pd.DataFrame({"rack": ["A", "B"], "cluster": ["c1", "c1"], "kind": ["compute", "storage"]}),
        rack_load=pd.DataFrame({"time": [t, t], "rack": ["A", "B"], "power": [6.0, 4.0],
                                "capacity": [100.0, 100.0]}),
        rack_usage=pd.DataFrame({"time": [t, t], "rack": ["A", "B"], "service": ["compute", "storage"],
                                 "used": [75.0, 100.0]}),
        consumption=pd.DataFrame({"time": [t] * 3, "region": ["r1"] * 3,
                                  "service": ["compute", "compute", "storage"], "consumer": ["X", "Y", "Z"],
                                  "kind": ["account"] * 3, "usage": [50.0, 25.0, 100.0],
                                  "spend": [5.0, 2.5, 2.0]}))


def _catalogue(n_services, rng):
    """Service catalogue, extended with generated services up to ``n_services``."""
    cat = [list(row) for row in CATALOGUE]
    dedicated = [c[0] for c in cat if c[1]]
    for i in range(len(cat), n_services or len(cat)):
        if rng.random() < 0.3:
            cat.append([f"svc{i:03d}", str(rng.choice(["compute", "storage"])), "unit",
                        float(rng.uniform(0.01, 0.2)), 0.0, float(rng.lognormal(7, 1)), {}])
            dedicated.append(cat[-1][0])
        else:
            parents = rng.choice(dedicated, size=min(len(dedicated), rng.integers(1, 3)), replace=False)
            cat.append([f"svc{i:03d}", "", "unit", float(rng.uniform(0.05, 1.0)), 0.0,
                        float(rng.lognormal(5, 1)), {str(p): float(rng.uniform(0.1, 2.0)) for p in parents}])
    if n_services and n_services < len(cat):
        raise ValueError(f"n_services must be at least the catalogue's {len(CATALOGUE)}")
    for row, weight in zip(cat[len(CATALOGUE):], 0.3 / np.arange(1, len(cat) - len(CATALOGUE) + 1) ** 0.8):
        row[4] = weight  # generated services: Zipf-like share of accounts
    return pd.DataFrame(cat, columns=["service", "rack_kind", "unit", "price", "share", "median", "parents"])


def synthetic_provider(seed: int = 0, *, n_accounts: int = 300, n_services: int | None = None,
                       regions=REGIONS, start: str = "2022-01", n_months: int = 38,
                       idle_fraction: float = 0.3, internal_fraction: float = 0.15,
                       spare_fraction: float = 0.1, racks_per_service: int = 12,
                       clusters_per_region: int = 2, refresh_years: float = 6.0, archetypes: bool = True,
                       pue: float = 1.15) -> Provider:
    """A deterministic synthetic provider.

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`; the same arguments give the same tables.
    n_accounts : int
        Generic accounts besides the archetypes (:data:`ARCHETYPES`).
    n_services : int, optional
        Services in total; beyond the catalogue (:data:`CATALOGUE`) services ``svcNNN`` are
        generated, 30 % with dedicated racks and the rest built on one or two of those.
    regions : sequence of tuple
        As :data:`REGIONS`.
    start, n_months : str, int
        First month and number of months (38 months from January 2022 end in February 2025).
    idle_fraction : float
        Mean idle share of the capacity of each service's racks (varying +-30 % by month). [1]
    internal_fraction : float
        Share of each service's usage by the provider's internal teams. [1]
    spare_fraction : float
        Spare (expansion) racks per service rack. [1]
    racks_per_service : int
        Racks of each catalogue service with dedicated racks in each region (generated ones get 2).
    clusters_per_region : int
        Clusters in each region; each region's racks are spread evenly over them.
    refresh_years : float
        Each rack slot's hardware is replaced after this many years (its first rack has a random
        age); the replaced rack is retired, the new one installed in that month. [year]
    archetypes : bool
        Add the three archetypal accounts in the first region.
    pue : float
        Facility energy over IT energy. [1]

    Returns
    -------
    Provider
        Built table by table: consumption (accounts, internal teams, services built on others), racks
        with their load and usage (sized for the demand, refreshed every ``refresh_years``), clusters,
        and the inventory from the racks' energy.
    """
    rng = np.random.default_rng(seed)
    cat = _catalogue(n_services, rng)
    months = pd.date_range(start, periods=n_months, freq="MS")
    accounts = _accounts(cat, len(regions), months, n_accounts, archetypes, rng)
    demand, internal_total, parents = _demand(accounts, cat, months, len(regions), internal_fraction)
    consumption = _consumption(accounts, internal_total, parents, cat, months, regions)
    slots, rack_load, rack_usage = _rack_slots(demand, cat, regions, months, rng, idle_fraction=idle_fraction,
                                               spare_fraction=spare_fraction, racks_per_service=racks_per_service,
                                               clusters_per_region=clusters_per_region)
    racks, rack_load, rack_usage = _refreshed(slots, rack_load, rack_usage, months, start, refresh_years, rng)
    clusters = _clusters(regions, clusters_per_region, slots, start, rng)
    return Provider(clusters=clusters, inventory=_inventory(rack_load, racks, clusters, regions, months, pue),
                    racks=racks, rack_load=rack_load, rack_usage=rack_usage, consumption=consumption)


# --- one builder per table, called in this order (each draws from ``rng`` in turn) -------------
def _generic_accounts(cat, n_regions, n_months, n_accounts, rng):
    """Generic accounts: services by popularity, home region, onboarding month and growth.

    Returns the account, service and region code of each row, and its usage and spend by month
    (row, month).
    """
    ns, nr = len(cat), n_regions
    price, median = cat["price"].to_numpy(), cat["median"].to_numpy()
    n_pick = 1 + rng.poisson(cat["share"].sum() - 1, n_accounts)
    row_account = np.repeat(np.arange(n_accounts), n_pick)
    row_service = rng.choice(ns, size=len(row_account), p=cat["share"] / cat["share"].sum())
    row_key = np.sort(row_account * ns + row_service)
    row_key = row_key[np.r_[True, row_key[1:] != row_key[:-1]]]
    row_account, row_service = row_key // ns, row_key % ns
    home = rng.integers(0, nr, n_accounts)
    row_region = np.where(rng.random(len(row_key)) < 0.85, home[row_account], rng.integers(0, nr, len(row_key)))
    base = median[row_service] * rng.lognormal(0.0, 1.2, len(row_key))
    onboard = np.where(rng.random(n_accounts) < 0.7, 0, rng.integers(0, n_months, n_accounts))
    growth = rng.normal(0.01, 0.01, n_accounts)
    discount = np.where(rng.random(n_accounts) < 0.3, rng.uniform(0.1, 0.3, n_accounts), 0.0)
    t = np.arange(n_months)
    usage = base[:, None] * (1 + growth[row_account])[:, None] ** t * rng.uniform(0.92, 1.08, (len(row_key), n_months))
    usage = np.where(t >= onboard[row_account][:, None], usage, 0.0)
    spend = usage * (price[row_service] * (1 - discount[row_account]))[:, None]
    return row_account, row_service, row_region, usage, spend


def _archetype_rows(cat, first_code, n_months):
    """The archetypal accounts (:data:`ARCHETYPES`, codes from ``first_code``) in the first region, as
    :func:`_generic_accounts` returns rows."""
    extra = [(first_code + i, s, u) for i, a in enumerate(ARCHETYPES) for s, u in ARCHETYPES[a].items()]
    a_idx = np.array([e[0] for e in extra])
    s_idx = cat.reset_index().set_index("service").loc[[e[1] for e in extra], "index"].to_numpy()
    arch = np.array([e[2] for e in extra])[:, None] * np.ones(n_months)
    return a_idx, s_idx, np.zeros(len(extra), int), arch, arch * cat["price"].to_numpy()[s_idx][:, None]


def _accounts(cat, n_regions, months, n_accounts, archetypes, rng) -> pd.DataFrame:
    """The accounts' rows of the consumption table, with ``region_code`` and ``service_code``."""
    rows = _generic_accounts(cat, n_regions, len(months), n_accounts, rng)
    labels = [f"acct-{i:07d}" for i in range(n_accounts)]
    if archetypes:
        labels += list(ARCHETYPES)
        rows = tuple(np.r_[a, b] for a, b in zip(rows, _archetype_rows(cat, n_accounts, len(months))))
    row_account, row_service, row_region, usage, spend = rows
    keep = usage > 0
    ti = np.broadcast_to(np.arange(len(months)), usage.shape)[keep]
    return pd.DataFrame({
        "time": months[ti], "region_code": np.broadcast_to(row_region[:, None], usage.shape)[keep],
        "service_code": np.broadcast_to(row_service[:, None], usage.shape)[keep],
        "consumer": pd.Categorical.from_codes(np.broadcast_to(row_account[:, None], usage.shape)[keep], labels),
        "kind": "account", "usage": usage[keep], "spend": spend[keep]})


def _demand(accounts, cat, months, n_regions, internal_fraction):
    """Demand per (time, region, service): accounts, internal teams, then services built on others.

    Returns the demand and the internal teams' usage (time, region, service), and the usage of each
    parent service by each child service built on it, as ``(child, parent, usage)``.
    """
    account_total = np.zeros((len(months), n_regions, len(cat)))
    np.add.at(account_total, (months.get_indexer(accounts["time"]), accounts["region_code"].to_numpy(),
                              accounts["service_code"].to_numpy()), accounts["usage"].to_numpy())
    internal_total = account_total * internal_fraction / (1 - internal_fraction)
    demand = account_total + internal_total
    parents = []
    for child, deps in enumerate(cat["parents"]):
        for parent, factor in deps.items():
            p = int(np.flatnonzero(cat["service"] == parent)[0])
            parents.append((child, p, demand[:, :, child] * factor))
    for _, p, amount in parents:
        demand[:, :, p] += amount
    return demand, internal_total, parents


def _consumption(accounts, internal_total, parents, cat, months, regions) -> pd.DataFrame:
    """The consumption table: the accounts, two internal teams per service and the services built on others."""
    price = cat["price"].to_numpy()
    tt, rr = np.meshgrid(np.arange(len(months)), np.arange(len(regions)), indexing="ij")
    internal, services = [], []
    for s in range(len(cat)):
        for team, part in (("internal-retail", 0.7), ("internal-devtools", 0.3)):
            u = internal_total[:, :, s] * part
            internal.append(pd.DataFrame({"time": months[tt.ravel()], "region_code": rr.ravel(), "service_code": s,
                                          "consumer": team, "kind": "internal", "usage": u.ravel(),
                                          "spend": u.ravel() * price[s]}))
    for child, p, amount in parents:
        services.append(pd.DataFrame({"time": months[tt.ravel()], "region_code": rr.ravel(), "service_code": p,
                                      "consumer": cat["service"][child], "kind": "service",
                                      "usage": amount.ravel(), "spend": amount.ravel() * price[p]}))
    consumption = pd.concat([accounts.assign(consumer=accounts["consumer"].astype(object))] + internal + services,
                            ignore_index=True)
    consumption = consumption[consumption["usage"] > 0]
    consumption.insert(1, "region", pd.Categorical.from_codes(consumption.pop("region_code"), [r[0] for r in regions]))
    consumption.insert(2, "service", pd.Categorical.from_codes(consumption.pop("service_code"), list(cat["service"])))
    return consumption


def _service_racks(region, demand, cat, months, rng, *, idle_fraction, racks_per_service, clusters_per_region):
    """Racks of the services with dedicated racks in one region, sized for the busiest month and spread
    over the region's clusters (``demand``: time, service).

    Returns the racks ``(name, cluster, kind)``, their rack_load and rack_usage frames, and the number
    of racks in each cluster.
    """
    n_in_cluster = np.zeros(clusters_per_region, int)
    racks, load, rack_use = [], [], []
    for s in np.flatnonzero(cat["rack_kind"] != ""):
        peak = demand[:, s].max()
        if peak <= 0:
            continue
        kind, n = cat["rack_kind"][s], racks_per_service if s < len(CATALOGUE) else 2
        idle_kw, full_kw = RACK_POWER[kind]
        for k in range(n):
            c = int(np.argmin(n_in_cluster))
            n_in_cluster[c] += 1
            name = f"{region}-{cat['service'][s]}-{k:03d}"
            racks.append((name, f"{region}-c{c}", kind))
            used = demand[:, s] / n
            # capacity follows demand (racks added as it grows), idle around ``idle_fraction``
            capacity = np.maximum(peak * 1e-3, used) / (1 - idle_fraction * rng.uniform(0.7, 1.3, len(months)))
            load.append(pd.DataFrame({"time": months, "rack": name, "capacity": capacity,
                                      "power": idle_kw + (full_kw - idle_kw) * used / capacity}))
            rack_use.append(pd.DataFrame({"time": months, "rack": name, "service": cat["service"][s],
                                          "used": used}))
    return racks, load, rack_use, n_in_cluster


def _overhead_racks(region, n_in_cluster, months, spare_fraction):
    """Networking (one per 8 service racks) and spare racks of each cluster of one region, idle."""
    racks, load = [], []
    for c, n in enumerate(n_in_cluster):
        for kind, count in (("networking", -(-n // 8)), ("spare", int(np.ceil(spare_fraction * n)))):
            for k in range(count):
                name = f"{region}-c{c}-{kind}-{k:02d}"
                racks.append((name, f"{region}-c{c}", kind))
                load.append(pd.DataFrame({"time": months, "rack": name, "capacity": 0.0,
                                          "power": RACK_POWER[kind][0]}))
    return racks, load


def _rack_slots(demand, cat, regions, months, rng, *, idle_fraction, spare_fraction, racks_per_service,
                clusters_per_region):
    """Rack slots of every region (service racks, then networking and spare racks) and their loads and usage."""
    slots, load, rack_use = [], [], []
    for r, (region, *_rest) in enumerate(regions):
        racks, r_load, r_use, n_in_cluster = _service_racks(
            region, demand[:, r], cat, months, rng, idle_fraction=idle_fraction,
            racks_per_service=racks_per_service, clusters_per_region=clusters_per_region)
        overhead, o_load = _overhead_racks(region, n_in_cluster, months, spare_fraction)
        slots += racks + overhead
        load += r_load + o_load
        rack_use += r_use
    return pd.DataFrame(slots, columns=["slot", "cluster", "kind"]), load, rack_use


def _generation(table, first_age, first_month, refresh):
    """Hardware generation of each row's rack slot in the row's month."""
    t_index = (table["time"].dt.year - first_month.year) * 12 + table["time"].dt.month - first_month.month
    return (first_age.loc[table["rack"]].to_numpy() + t_index.to_numpy()) // refresh


def _refreshed(slots, load, rack_use, months, start, refresh_years, rng):
    """The racks table, and rack_load and rack_usage with each slot's rack of the month.

    Every rack slot is refreshed after ``refresh_years``: a new rack (name suffix -gN) replaces it.
    """
    refresh = round(12 * refresh_years)
    first_age = rng.integers(0, refresh, len(slots))
    spare = slots["kind"].to_numpy() == "spare"
    first_age[spare] = rng.integers(0, 12, spare.sum())  # expansion racks are recent
    first_age = pd.Series(first_age, index=slots["slot"])
    load = pd.concat(load, ignore_index=True)
    rack_use = pd.concat(rack_use, ignore_index=True) if rack_use else pd.DataFrame(
        columns=["time", "rack", "service", "used"])
    gen = _generation(load, first_age, months[0], refresh)
    pairs = pd.DataFrame({"slot": load["rack"], "gen": gen}).drop_duplicates().merge(slots, on="slot")
    for table, g in ((load, gen), (rack_use, _generation(rack_use, first_age, months[0], refresh))):
        table["rack"] = np.where(g == 0, table["rack"], table["rack"] + "-g" + g.astype(str))
    names = np.where(pairs["gen"] == 0, pairs["slot"], pairs["slot"] + "-g" + pairs["gen"].astype(str))
    racks = pd.DataFrame({"rack": names, "cluster": pairs["cluster"], "kind": pairs["kind"],
                          "embodied": pairs["kind"].map(RACK_EMBODIED)})
    offsets = (pairs["gen"] * refresh - first_age.loc[pairs["slot"]].to_numpy()).to_numpy()
    racks["installed"] = [pd.Timestamp(start) + pd.DateOffset(months=int(o)) for o in offsets]
    racks["retired"] = [pd.Timestamp(start) + pd.DateOffset(months=int(o) + refresh) for o in offsets]
    return racks, load, rack_use


def _clusters(regions, clusters_per_region, slots, start, rng) -> pd.DataFrame:
    """The clusters table: buildings of 200 t embodied per rack slot, commissioned 2 to 10 years before ``start``."""
    clusters = pd.DataFrame([(f"{reg[0]}-c{c}", reg[0], reg[1]) for reg in regions for c in range(clusters_per_region)],
                            columns=["cluster", "region", "geography"])
    per_cluster = slots.groupby("cluster").size()
    clusters["building_embodied"] = 200.0 * clusters["cluster"].map(per_cluster).fillna(0).to_numpy()
    clusters["commissioned"] = [pd.Timestamp(start) - pd.DateOffset(months=int(m))
                                for m in rng.integers(24, 120, len(clusters))]
    return clusters


def _inventory(load, racks, clusters, regions, months, pue) -> pd.DataFrame:
    """The inventory table: each cluster's emissions from its racks' energy and its region's grid."""
    energy = load.merge(racks[["rack", "cluster"]], on="rack").assign(
        mwh=lambda d: d["power"] * d["time"].dt.days_in_month * 24 * pue / 1000)
    inv = energy.groupby(["time", "cluster"], as_index=False)["mwh"].sum().merge(clusters[["cluster", "region"]])
    spec = {reg[0]: reg for reg in regions}
    frac = (inv["time"] - months[0]) / max(months[-1] - months[0], pd.Timedelta(1, "D"))
    factor = inv["region"].map(lambda r: spec[r][2])
    first = inv["region"].map(lambda r: spec[r][3])
    cover = first + frac * (inv["region"].map(lambda r: spec[r][4]) - first)
    inv["scope2_location"] = inv["mwh"] * factor
    inv["scope2_market"] = inv["scope2_location"] * (1 - cover)
    inv["scope1"] = 0.005 * inv["scope2_location"]  # backup generators: a small share, invented
    inv["fera_location"] = 0.18 * inv["scope2_location"]  # upstream electricity and T&D losses, invented
    inv["fera_market"] = 0.18 * inv["scope2_market"]
    return inv.drop(columns=["mwh", "region"])
