"""Provider-side allocation: how a provider's inventory becomes each account's number.

A provider's carbon tool shows each customer a slice of the provider's own
inventory.  This module makes the slicing described for the AWS Customer Carbon
Footprint Tool (CCFT) a model one can run and vary, as a chain of sparse
matrices applied to the inventory of each region and month [awsalloc]_:

.. code-block:: text

    cluster --power draw--> rack --used capacity--> service --dependencies--> service
        --usage (dedicated racks) or spend (no dedicated racks)--> account

Versions are parameter sets read from ``allocation/versions/v1.toml``, ``v2.toml``
and ``v3.toml`` [aws2025v2]_ [aws2025v3]_.  Each parameter carries its value, the
status of its evidence (P published, S secondary, A assumed by carbonlab, U
unconfirmed) and its assumption in words; :func:`load_version` validates them.
Whatever an allocation does not give to an account is kept by the provider under
a named reason (:data:`KEPT_REASONS`), so that allocated + kept = inventory.

References
----------
.. [awsalloc] AWS, "CCFT methodology: allocation",
   https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/ccft-overview-allocation.html
.. [aws2025v2] M. O'Toole et al., "Carbon methodology update for the AWS Customer Carbon
   Footprint Tool", AWS blog, 2025-04-23, https://aws.amazon.com/blogs/aws-cloud-financial-management/
   updated-carbon-methodology-for-the-aws-customer-carbon-footprint-tool/
.. [aws2025v3] AWS News Blog, "AWS Customer Carbon Footprint Tool now includes Scope 3
   emissions", October 2025, https://aws.amazon.com/blogs/aws/
   aws-customer-carbon-footprint-tool-now-includes-scope-3-emissions/
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
import scipy.sparse as sp
import xarray as xr

from carbonlab.allocation._util import codes, time_coordinate, unique_inverse
from carbonlab.allocation.provider import RACK_KINDS, SERVICE_RACK_KINDS, Provider
from carbonlab.core.provenance import stamp
from carbonlab.core.schema import ACCOUNT, BASIS, REGION, SERVICE, TIME, set_attrs

SCOPE, KEPT, ENTRY = "scope", "kept", "entry"
SCOPES = ("scope1", "scope2", "scope3")
#: Scope 2 bases an allocation can report (labels of :data:`carbonlab.core.schema.BASES`).
ALLOCATION_BASES = ("location_average", "market")
#: Why the provider keeps part of its inventory.
KEPT_REASONS = ("unused_capacity", "overhead", "internal", "dependencies", "no_recipient")
EVIDENCE = {"P": "published by the provider", "S": "secondary source", "A": "assumed by carbonlab",
            "U": "claimed, not confirmed"}
#: What a result assumes where a rule's evidence is A or U (its ``assumed`` sentences).
_UNPUBLISHED = {"A": "assumed by carbonlab (the provider has not published it)",
                "U": "claimed, not confirmed in a public source"}
VERSIONS = ("v1", "v2", "v3")

#: Every version parameter and its allowed values (``"years"``: whole months of a positive duration).
#: Every combination conserves the inventory; all but ``overhead_key="spend"`` are also monotonic in an
#: account's own usage (an economic overhead key can move overhead away from a growing customer).
PARAMETERS: dict[str, tuple | str] = {
    "bases": ("subset", ALLOCATION_BASES),
    "region_level": ("region", "geography"),
    "unused_capacity": ("spread", "pool", "provider"),
    "overhead": ("allocate", "provider"),
    "overhead_key": ("power", "spend"),
    "dependencies": ("resolve", "parent_customers", "provider"),
    "internal": ("key", "excluded"),
    "economic_key": ("spend", "usage"),
    "scope3": ("subset", ("fera", "it_hardware", "buildings")),
    "it_hardware_years": "years",
    "buildings_years": "years",
    "early_retirement": ("write_off", "stop"),
}
#: Causes of a change between versions, each the group of parameters it switches.
CAUSES: dict[str, tuple[str, ...]] = {
    "unused_capacity": ("unused_capacity",),
    "overhead": ("overhead", "overhead_key"),
    "dependencies": ("dependencies",),
    "internal_share": ("internal",),
    "economic_key": ("economic_key",),
    "scope3": ("scope3", "it_hardware_years", "buildings_years", "early_retirement"),
}


# --- versions ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AllocationVersion:
    """A validated allocation version: parameters with their evidence and assumptions.

    Attributes
    ----------
    name, label, methodology : str
        Short name (``v2``), one-line description and methodology id.
    parameters, evidence, notes : mapping
        Value, evidence tag (:data:`EVIDENCE`) and assumption text of every key of :data:`PARAMETERS`.
    first_month, last_month : pandas.Timestamp or None
        Months of data the provider published with this version (``None``: still current).
    references : tuple of str
    """

    name: str
    label: str
    methodology: str
    parameters: MappingProxyType
    evidence: MappingProxyType
    notes: MappingProxyType
    first_month: pd.Timestamp
    last_month: pd.Timestamp | None
    references: tuple[str, ...]

    @property
    def assumed(self) -> tuple[str, ...]:
        """Parameters whose rule is not published (evidence A or U)."""
        return tuple(k for k, e in self.evidence.items() if e in _UNPUBLISHED)

    @property
    def assumptions(self) -> tuple[str, ...]:
        """One sentence per parameter of :attr:`assumed`: the ``assumed`` of a result of this version.

        Examples
        --------
        >>> load_version("v2").assumptions[0]
        'v2 overhead_key: assumed by carbonlab (the provider has not published it)'
        """
        return tuple(f"{self.name} {k}: {_UNPUBLISHED[self.evidence[k]]}" for k in self.assumed)

    def replace(self, **parameters) -> AllocationVersion:
        """Return a copy with some parameters changed (their evidence becomes ``A``).

        Parameters
        ----------
        **parameters
            New values of keys of :data:`PARAMETERS`, validated as in a version file.

        Returns
        -------
        AllocationVersion
            Named ``<name>+<key>=<value>,...``, with the notes of the changed keys "changed by the user".
        """
        params = _validated({**self.parameters, **parameters})
        changes = ",".join(f"{k}={json.dumps(v)}" for k, v in sorted(parameters.items()))
        return AllocationVersion(
            f"{self.name}+{changes}", f"{self.label} (modified: {changes})", self.methodology,
            MappingProxyType(params), MappingProxyType({**self.evidence, **dict.fromkeys(parameters, "A")}),
            MappingProxyType({**self.notes, **dict.fromkeys(parameters, "changed by the user")}),
            self.first_month, self.last_month, self.references)

    def covers(self, months) -> np.ndarray:
        """Whether each month falls in the period the provider used this version for.

        Parameters
        ----------
        months : array_like of datetime64
            Month starts.

        Returns
        -------
        numpy.ndarray of bool
            True where the month lies in ``first_month .. last_month``.
        """
        m = pd.DatetimeIndex(months)
        last = pd.Timestamp.max if self.last_month is None else self.last_month
        return np.asarray((m >= self.first_month) & (m <= last))


def _validated(params: dict) -> dict:
    unknown, missing = set(params) - set(PARAMETERS), set(PARAMETERS) - set(params)
    if unknown or missing:
        raise ValueError(f"allocation parameters: unknown {sorted(unknown)}, missing {sorted(missing)}")
    out = {}
    for key, allowed in PARAMETERS.items():
        value = params[key]
        if allowed == "years":
            if not (isinstance(value, (int, float)) and value > 0 and float(12 * value).is_integer()):
                raise ValueError(f"{key}: {value!r} must be a positive number of years in whole months")
            value = float(value)
        elif allowed[0] == "subset":
            if isinstance(value, str) or not set(value) <= set(allowed[1]):
                raise ValueError(f"{key}: {value!r} must be a list drawn from {allowed[1]}")
            value = [v for v in allowed[1] if v in value]
        elif value not in allowed:
            raise ValueError(f"{key}: {value!r} is not one of {allowed}")
        out[key] = value
    if not out["bases"]:
        raise ValueError("bases: at least one basis is needed")
    return out


def load_version(version: str | Path | AllocationVersion) -> AllocationVersion:
    """Read and validate an allocation version.

    Parameters
    ----------
    version : str, path or AllocationVersion
        A shipped version name (:data:`VERSIONS`), or the path of a TOML file with a ``[version]``
        table and one ``[parameters.<key>]`` table (``value``, ``evidence``, ``note``) per key of
        :data:`PARAMETERS`.

    Returns
    -------
    AllocationVersion
        The version, its parameters validated against :data:`PARAMETERS`.

    Raises
    ------
    ValueError
        If a parameter is missing, unknown or out of range, or lacks its evidence tag or note.
    """
    if isinstance(version, AllocationVersion):
        return version
    if isinstance(version, str) and version in VERSIONS:
        text = (resources.files("carbonlab.allocation") / "versions" / f"{version}.toml").read_text("utf-8")
    else:
        text = Path(version).read_text("utf-8")
    doc = tomllib.loads(text)
    head, table = doc["version"], doc["parameters"]
    for key, entry in table.items():
        if set(entry) != {"value", "evidence", "note"} or entry["evidence"] not in EVIDENCE or not entry["note"]:
            raise ValueError(f"parameter {key!r} needs exactly a value, an evidence tag in "
                             f"{sorted(EVIDENCE)} and a non-empty note")
    params = _validated({k: e["value"] for k, e in table.items()})
    last = head.get("last_month")
    return AllocationVersion(
        head["name"], head["label"], head["id"], MappingProxyType(params),
        MappingProxyType({k: table[k]["evidence"] for k in PARAMETERS}),
        MappingProxyType({k: table[k]["note"] for k in PARAMETERS}),
        pd.Timestamp(head["first_month"]), None if last is None else pd.Timestamp(last),
        tuple(head.get("references", ())))


# --- model functions ---------------------------------------------------------------------------
def amortised_monthly(total, age_months, *, lifetime_years, months_in_service=np.inf,
                      early_retirement="write_off"):
    """Monthly charge of an asset's embodied emissions, amortised linearly.

    Parameters
    ----------
    total : array_like
        Embodied emissions of the asset (cradle to gate, or whole-building life cycle). [t]
    age_months : array_like
        Months since the asset entered service (0 in its first month). [month]
    lifetime_years : float
        Amortisation period: 6 years for IT hardware and 50 for buildings in CCFT v3. [year]
    months_in_service : array_like, default inf
        Months the asset actually served before retirement. [month]
    early_retirement : {"write_off", "stop"}
        What happens to the unamortised remainder of an asset retired early: charged in its last
        month in service, or never charged (not published; an assumption).

    Returns
    -------
    numpy.ndarray
        Embodied emissions charged in the month. [t]

    Notes
    -----
    .. math:: M = TE / (12 L) \\quad \\text{for } 0 \\le a < \\min(12 L, n)

    Examples
    --------
    A 30 t rack over 6 years, and a 100 000 t building over 50 years:

    >>> amortised_monthly([30.0, 1e5], 0, lifetime_years=[6, 50]).round(3)
    array([  0.417, 166.667])
    """
    total, age = np.asarray(total, float), np.asarray(age_months, float)
    months, served = 12.0 * np.asarray(lifetime_years, float), np.asarray(months_in_service, float)
    charge = np.where((age >= 0) & (age < np.minimum(months, served)), total / months, 0.0)
    if early_retirement == "write_off":
        last = (age == served - 1) & (served < months)
        charge = charge + np.where(last, total * (months - np.minimum(served, months)) / months, 0.0)
    return charge


def shares_within(weight, group, n_groups: int):
    """Each item's share of its group's total weight (0 where the group's total is 0).

    Parameters
    ----------
    weight : array_like
        Non-negative weights: power draw, used capacity, usage or spend. [any]
    group : array_like of int
        Group of each item, in ``range(n_groups)``.
    n_groups : int
        Number of groups.

    Returns
    -------
    share : numpy.ndarray
        ``weight / total[group]``. [1]
    total : numpy.ndarray
        Total weight of each group. [unit of weight]

    Examples
    --------
    The toy example's racks: 60 % and 40 % of the cluster's power.

    >>> shares_within([6.0, 4.0], [0, 0], 1)[0]
    array([0.6, 0.4])
    """
    weight = np.asarray(weight, float)
    total = np.bincount(group, weights=weight, minlength=n_groups)
    tg = total[group]
    return np.divide(weight, tg, out=np.zeros_like(weight), where=tg > 0), total


def resolve_dependencies(direct, dependency):
    """Total emissions of each service once higher-level services take their part of the ones below.

    Parameters
    ----------
    direct : numpy.ndarray
        Emissions each service receives from racks and overhead, shape (n, k). [t]
    dependency : scipy.sparse matrix
        ``dependency[child, parent]``: share of the parent's total passed to the child. [1]

    Returns
    -------
    numpy.ndarray
        Total of each service, :math:`T = D + G T`, shape (n, k). [t]

    Raises
    ------
    ValueError
        If the dependencies contain a cycle.

    Notes
    -----
    The sum :math:`T = \\sum_k G^k D` is finite because dependencies form an acyclic graph.
    """
    total, increment = direct.copy(), direct
    for _ in range(dependency.shape[0] + 1):
        increment = dependency @ increment
        if not increment.any():
            return total
        total = total + increment
    raise ValueError("service dependencies contain a cycle")


def _group_sum(group, values, n_groups):
    """Sum rows of ``values`` (n, ...) by ``group``: (n_groups, ...)."""
    flat = values.reshape(len(group), math.prod(values.shape[1:]))
    out = np.stack([np.bincount(group, flat[:, j], n_groups) for j in range(flat.shape[1])], axis=1)
    return out.reshape((n_groups,) + values.shape[1:])


def _csr(values, rows, cols, shape):
    return sp.csr_matrix((values, (rows, cols)), shape=shape)


@dataclass(frozen=True, eq=False)
class AllocationChain:
    """The allocation of one version as sparse matrices and the arrays they carry.

    Each matrix maps a vector indexed by its columns to one indexed by its rows. Emission arrays
    have trailing axes (scope, basis) with bases ``("location_average", "market")``. [t]

    Attributes
    ----------
    cluster_to_rack : scipy.sparse.csr_matrix
        (rack-month, cluster-month): share of the cluster's power drawn by the rack.
    rack_to_service : scipy.sparse.csr_matrix
        (node, rack-month), node = (time, region, service): used-capacity shares.
    overhead_to_service : scipy.sparse.csr_matrix
        (node, rack-month): shares of networking and spare racks passed to services.
    dependency : scipy.sparse.csr_matrix
        (node, node): share of a parent service passed to a child service.
    service_to_consumer : scipy.sparse.csr_matrix
        (consumption row, node): each consumer's share of the service.
    cluster_emissions, rack_emissions, service_direct, service_total, consumer_emissions : ndarray
    inventory, kept : ndarray
        Per (time, region) pair: inventory (nrt, 3, 2) and kept (reason, nrt, 3, 2).
    """

    cluster_to_rack: sp.csr_matrix
    rack_to_service: sp.csr_matrix
    overhead_to_service: sp.csr_matrix
    dependency: sp.csr_matrix
    service_to_consumer: sp.csr_matrix
    cluster_emissions: np.ndarray
    rack_emissions: np.ndarray
    service_direct: np.ndarray
    service_total: np.ndarray
    consumer_emissions: np.ndarray
    inventory: np.ndarray
    kept: np.ndarray


def allocation_chain(provider: Provider, version) -> AllocationChain:
    """Run the allocation chain of one version over every region and month of a provider.

    Parameters
    ----------
    provider : Provider
        The provider whose inventory is allocated.
    version : str, path or AllocationVersion
        See :func:`load_version`.

    Returns
    -------
    AllocationChain
        The matrices of each step and the emissions they carry. [t]
    """
    ix, par = provider.index, load_version(version).parameters
    kept = np.zeros((len(KEPT_REASONS), ix.nrt, 3, 2))  # each step adds what it keeps
    cluster, hardware, inventory = _inventory(ix, par)
    cluster_to_rack, rack = _cluster_to_rack(ix, cluster, hardware, kept)
    rack_to_service, pooled = _rack_to_service(ix, par, rack, kept)
    overhead_to_service = _overhead_to_service(ix, par, rack_to_service, pooled, rack, kept)
    direct = ((rack_to_service + overhead_to_service) @ rack.reshape(ix.n_rm, 6)).reshape(ix.nnode, 3, 2)
    service_to_consumer, dependency, total, consumer = _service_to_consumer(ix, par, direct, kept)
    return AllocationChain(cluster_to_rack, rack_to_service, overhead_to_service, dependency,
                           service_to_consumer, cluster, rack, direct, total, consumer, inventory, kept)


# --- the steps of the chain; each adds what the provider keeps to ``kept`` (reason, nrt, 3, 2) --
def _inventory(ix, par):
    """Inventory of each cluster-month (scope, basis), amortised hardware of each rack-month, and
    their sum per region-month."""
    cluster = np.zeros((len(ix.ck_rt), 3, 2))
    cluster[:, 0, :] = ix.scope1[:, None]
    cluster[:, 1, 0], cluster[:, 1, 1] = ix.s2l, ix.s2m
    if "fera" in par["scope3"]:
        cluster[:, 2, 0] += ix.feral
        cluster[:, 2, 1] += ix.feram
    if "buildings" in par["scope3"]:
        cluster[:, 2, :] += amortised_monthly(ix.ck_bldg, ix.ck_bldg_age,
                                              lifetime_years=par["buildings_years"])[:, None]
    hardware = np.zeros(ix.n_rm)
    if "it_hardware" in par["scope3"]:
        hardware = amortised_monthly(ix.rm_embodied, ix.rm_age, lifetime_years=par["it_hardware_years"],
                                     months_in_service=ix.rm_served, early_retirement=par["early_retirement"])
    inventory = _group_sum(ix.ck_rt, cluster, ix.nrt)
    inventory[:, 2, :] += np.bincount(ix.rm_rt, hardware, ix.nrt)[:, None]
    return cluster, hardware, inventory


def _cluster_to_rack(ix, cluster, hardware, kept):
    """Step 1: cluster -> rack by power draw; a cluster-month drawing no power keeps its inventory."""
    share, total_power = shares_within(ix.power, ix.rm_ck, len(ix.ck_rt))
    cluster_to_rack = _csr(share, np.arange(ix.n_rm), ix.rm_ck, (ix.n_rm, len(ix.ck_rt)))
    kept[4] += _group_sum(ix.ck_rt, cluster * (total_power == 0)[:, None, None], ix.nrt)
    rack = (cluster_to_rack @ cluster.reshape(-1, 6)).reshape(ix.n_rm, 3, 2)
    rack[:, 2, :] += hardware[:, None]
    return cluster_to_rack, rack


def _rack_to_service(ix, par, rack, kept):
    """Step 2: rack -> service by used capacity; idle capacity spread, pooled or kept.

    Returns the matrix and the weight of each rack-month in its region-month's shared pool.
    """
    n_rm = ix.n_rm
    used_total = np.bincount(ix.ru_rm, ix.used, n_rm)
    n_services = np.bincount(ix.ru_rm, minlength=n_rm)
    is_service_rack = np.isin(ix.rm_kind, [RACK_KINDS.index(k) for k in SERVICE_RACK_KINDS])
    if par["unused_capacity"] == "spread":
        ut = used_total[ix.ru_rm]
        share = np.where(ut > 0, np.divide(ix.used, ut, out=np.zeros(len(ut)), where=ut > 0),
                         1.0 / n_services[ix.ru_rm])
        pooled = (~is_service_rack | (n_services == 0)).astype(float)
    else:
        cap = ix.capacity[ix.ru_rm]
        share = np.divide(ix.used, cap, out=np.zeros(len(cap)), where=cap > 0)
        idle = np.where(is_service_rack, 1.0 - np.bincount(ix.ru_rm, share, n_rm), 0.0)
        pooled = (~is_service_rack).astype(float)
        if par["unused_capacity"] == "pool" and par["overhead"] == "allocate":
            pooled += idle  # idle capacity joins the region's shared pool
        else:
            kept[0] += _group_sum(ix.rm_rt, rack * idle[:, None, None], ix.nrt)
    return _csr(share, ix.ru_node, ix.ru_rm, (ix.nnode, n_rm)), pooled


def _overhead_to_service(ix, par, rack_to_service, pooled, rack, kept):
    """Shared overhead: the region-month pool of networking and spare racks (and pooled idle capacity)
    passed to services by the overhead key, or kept."""
    member = np.flatnonzero(pooled)
    pool = _csr(pooled[member], ix.rm_rt[member], member, (ix.nrt, ix.n_rm))
    pooled_emissions = (pool @ rack.reshape(ix.n_rm, 6)).reshape(ix.nrt, 3, 2)
    if par["overhead"] != "allocate":
        kept[1] += pooled_emissions
        return _csr([], [], [], (ix.nnode, ix.n_rm))
    nodes = np.arange(ix.nnode)
    if par["overhead_key"] == "power":
        key = rack_to_service @ ix.power
    else:
        key = np.bincount(ix.c_node, ix.c_spend * (ix.c_kind != 2), ix.nnode)
    key_share, key_total = shares_within(key, nodes // ix.ns, ix.nrt)
    kept[4] += pooled_emissions * (key_total == 0)[:, None, None]
    return _csr(key_share, nodes, nodes // ix.ns, (ix.nnode, ix.nrt)) @ pool


def _service_to_consumer(ix, par, direct, kept):
    """Step 3: service -> consumers, physical (usage) on dedicated racks, economic (spend) otherwise;
    then the dependencies between services, and the shares of internal teams (and, by version, of
    services) kept."""
    ns, nnode, nrt = ix.ns, ix.nnode, ix.nrt
    dedicated = ix.node_dedicated[ix.c_node]
    physical = dedicated | (par["economic_key"] == "usage")
    weight = np.where(physical, ix.c_usage, ix.c_spend)
    is_internal, is_service = ix.c_kind == 1, ix.c_kind == 2
    if par["dependencies"] == "parent_customers":
        weight = np.where(is_service, 0.0, weight)
    if par["internal"] == "excluded":
        weight = np.where(is_internal & ~dedicated, 0.0, weight)
    share, weight_total = shares_within(weight, ix.c_node, nnode)
    service_to_consumer = _csr(share, np.arange(len(share)), ix.c_node, (len(share), nnode))
    edge = is_service & (par["dependencies"] == "resolve")
    child = (ix.c_node // ns) * ns + ix.c_consumer
    dependency = _csr(share[edge], child[edge], ix.c_node[edge], (nnode, nnode))
    total = resolve_dependencies(direct.reshape(nnode, 6), dependency).reshape(nnode, 3, 2)
    consumer = (service_to_consumer @ total.reshape(nnode, 6)).reshape(-1, 3, 2)
    kept[2] += _group_sum(ix.c_node[is_internal] // ns, consumer[is_internal], nrt)
    if par["dependencies"] == "provider":
        kept[3] += _group_sum(ix.c_node[is_service] // ns, consumer[is_service], nrt)
    kept[4] += _group_sum(np.arange(nnode) // ns, total * (weight_total == 0)[:, None, None], nrt)
    return service_to_consumer, dependency, total, consumer


# --- results as xarray -------------------------------------------------------------------------
def _levels(ix, level: str):
    """Reporting level (regions or geographies) and the level of each region."""
    if level == "region":
        return ix.regions, np.arange(ix.nr)
    levels = pd.Index(sorted(set(ix.geography)))
    return levels, codes(ix.geography, levels, "geography")


def allocate(provider: Provider, version, *, layout: str = "dense") -> xr.Dataset:
    """Allocate a provider's inventory to accounts with one version.

    Parameters
    ----------
    provider : Provider
        The provider whose inventory is allocated.
    version : str, path or AllocationVersion
        ``"v1"``, ``"v2"``, ``"v3"``, a TOML file or a modified version (:meth:`AllocationVersion.replace`).
    layout : {"dense", "sparse"}
        ``dense``: ``co2e_allocated`` on (account, service, region, time, scope, basis).
        ``sparse``: on (entry, region, time, scope, basis), where ``entry`` stacks only the
        (account, service) pairs that occur; ``ds.unstack(ENTRY)`` gives the dense form.

    Returns
    -------
    xarray.Dataset
        ``co2e_allocated`` [t], ``co2e_kept`` (kept, region, time, scope, basis) [t] and
        ``co2e_inventory`` (region, time, scope, basis) [t]; ``region`` holds geographies when the
        version reports at that level.  Attrs: the provenance of :func:`carbonlab.core.provenance.stamp`
        (``methodology``: the version's id; ``methodology_version``: its name; ``methodology_description``:
        its label; ``parameters``; ``assumed``: one sentence per unpublished rule,
        :attr:`AllocationVersion.assumptions`; ``references``, one per line) and ``region_level``.

    Examples
    --------
    >>> from carbonlab.allocation.synthetic import toy_provider
    >>> ds = allocate(toy_provider(), "v2")
    >>> ds.co2e_allocated.sel(basis="market").sum(["service", "region", "time", "scope"]).values
    array([40., 20., 40.])
    """
    v = load_version(version)
    ix, par = provider.index, v.parameters
    chain = allocation_chain(provider, v)
    bases = [ALLOCATION_BASES.index(b) for b in par["bases"]]
    levels, level_of_region = _levels(ix, par["region_level"])
    nl, nt, ns, na = len(levels), ix.nt, ix.ns, len(ix.accounts)
    rt = np.arange(ix.nrt)
    lt = level_of_region[rt % ix.nr] * nt + rt // ix.nr
    inventory = _group_sum(lt, chain.inventory, nl * nt).reshape(nl, nt, 3, 2)[..., bases]
    kept = np.stack([_group_sum(lt, k, nl * nt) for k in chain.kept]).reshape(-1, nl, nt, 3, 2)[..., bases]
    account = ix.c_kind == 0
    node = ix.c_node[account]
    cell = lt[node // ns]
    values = chain.consumer_emissions[account][..., bases]
    if layout == "dense":
        shape = (na, ns, nl * nt, 3, len(bases))
        if math.prod(shape) > 5e8:
            raise MemoryError(f"a dense result of shape {shape} is too large; use layout='sparse'")
        allocated = np.zeros(shape)
        np.add.at(allocated, (ix.c_consumer[account], node % ns, cell), values)
        allocated = allocated.reshape(na, ns, nl, nt, 3, len(bases))
        dims, coords = (ACCOUNT, SERVICE, REGION, TIME), {ACCOUNT: ix.accounts, SERVICE: ix.services}
    elif layout == "sparse":
        pairs, entry = unique_inverse(ix.c_consumer[account] * ns + node % ns)
        allocated = _group_sum(entry * (nl * nt) + cell, values, len(pairs) * nl * nt)
        allocated = allocated.reshape(len(pairs), nl, nt, 3, len(bases))
        index = pd.MultiIndex(levels=[ix.accounts, ix.services], codes=[pairs // ns, pairs % ns],
                              names=[ACCOUNT, SERVICE])
        dims, coords = (ENTRY, REGION, TIME), xr.Coordinates.from_pandas_multiindex(index, ENTRY)
    else:
        raise ValueError(f"layout must be 'dense' or 'sparse', not {layout!r}")
    ds = xr.Dataset(coords=coords).assign_coords(
        {REGION: levels, TIME: time_coordinate(ix.times), SCOPE: list(SCOPES),
         BASIS: list(par["bases"]), KEPT: list(KEPT_REASONS)})
    if par["region_level"] == "region":
        ds = ds.assign_coords(geography=(REGION, ix.geography.astype(str)))
    ds["co2e_allocated"] = set_attrs(xr.DataArray(allocated, dims=dims + (SCOPE, BASIS)), "co2e_allocated")
    ds["co2e_kept"] = set_attrs(xr.DataArray(kept, dims=(KEPT, REGION, TIME, SCOPE, BASIS)), "co2e_kept")
    ds["co2e_inventory"] = set_attrs(xr.DataArray(inventory, dims=(REGION, TIME, SCOPE, BASIS)),
                                     "co2e_inventory")
    ds.attrs = stamp(methodology=v.methodology, version=v.name, description=v.label, parameters=v.parameters,
                     assumed=v.assumptions, references=v.references, region_level=par["region_level"])
    return ds


def check_conservation(ds: xr.Dataset, *, rtol: float = 1e-9) -> xr.DataArray:
    """Check that allocated plus kept equals the inventory in every region, month, scope and basis.

    Parameters
    ----------
    ds : xarray.Dataset
        A result of :func:`allocate` (either layout).
    rtol : float, default 1e-9
        Tolerance relative to the region-month's inventory (floating-point sums only). [1]

    Returns
    -------
    xarray.DataArray
        Allocated plus kept minus inventory. [t]

    Raises
    ------
    ValueError
        If a residual exceeds the tolerance.
    """
    alloc = ds["co2e_allocated"]
    allocated = alloc.sum([d for d in (ACCOUNT, SERVICE, ENTRY) if d in alloc.dims])
    residual = allocated + ds["co2e_kept"].sum(KEPT) - ds["co2e_inventory"]
    scale = ds["co2e_inventory"].sum([SCOPE, BASIS])
    if (abs(residual) > rtol * scale + 1e-12).any():
        raise ValueError(f"allocation does not conserve the inventory: max residual "
                         f"{float(abs(residual).max()):.3g} t")
    return residual
