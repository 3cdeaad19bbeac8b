"""Comparing allocation versions: causes of a change, and the history an export shows.

Between two versions (:func:`carbonlab.allocation.load_version`), :func:`decompose_change` splits
each account's change into the causes of :data:`carbonlab.allocation.CAUSES`;
:func:`allocate_history` builds the monthly series a provider's export would contain, with the
methodology break where the provider switched versions.

References
----------
.. [shapley1953] L. S. Shapley, "A value for n-person games", Contributions to the Theory of
   Games II, 1953, pp. 307-317, https://doi.org/10.1515/9781400881970-018
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import xarray as xr

from carbonlab.allocation._util import time_coordinate
from carbonlab.allocation.chain import (ALLOCATION_BASES, CAUSES, AllocationVersion, allocate, allocation_chain,
                                        load_version)
from carbonlab.allocation.provider import Provider
from carbonlab.core.provenance import stamp
from carbonlab.core.schema import ACCOUNT, BASIS, REGION, TIME, set_attrs
from carbonlab.sensitivity import shapley_changes

CAUSE = "cause"


def _account_totals(provider: Provider, version: AllocationVersion, basis: int) -> np.ndarray:
    ix = provider.index
    consumer = allocation_chain(provider, version).consumer_emissions
    account = ix.c_kind == 0
    cell = ix.c_consumer[account] * ix.nt + ix.c_node[account] // ix.ns // ix.nr
    total = np.bincount(cell, consumer[account, :, basis].sum(axis=1), len(ix.accounts) * ix.nt)
    return total.reshape(len(ix.accounts), ix.nt)


def decompose_change(provider: Provider, old, new, *, basis: str = "market",
                     method: str = "shapley") -> xr.Dataset:
    """Split the change of each account's total between two versions into its causes.

    Parameters
    ----------
    provider : Provider
        The provider whose inventory is allocated.
    old, new : str, path or AllocationVersion
        The versions compared (see :func:`carbonlab.allocation.load_version`).
    basis : {"market", "location_average"}
        Basis of the comparison; both versions must report it.
    method : {"shapley", "sequential"}
        ``shapley`` averages each cause's effect over every order of switching the causes
        (:math:`2^k` runs for :math:`k` differing causes) [shapley1953]_; ``sequential`` switches
        them in the order of :data:`CAUSES` (:math:`k + 1` runs; the split then depends on order).

    Returns
    -------
    xarray.Dataset
        ``co2e_change`` (account, cause, time), summing over ``cause`` to new - old, and
        ``co2e_account`` (version, account, time), both totals over services, regions and scopes. [t]
        Attrs: the provenance of :func:`carbonlab.core.provenance.stamp` (``methodology_version``
        ``"old -> new"``, the parameters of both versions, the ``assumed`` sentences of both) and
        ``causes`` (JSON: the parameters each cause switches).
    """
    old, new = load_version(old), load_version(new)
    if basis not in old.parameters["bases"] or basis not in new.parameters["bases"]:
        raise ValueError(f"both versions must report the {basis!r} basis")
    ix, b = provider.index, ALLOCATION_BASES.index(basis)
    differs = [c for c, keys in CAUSES.items() if any(old.parameters[k] != new.parameters[k] for k in keys)]

    def run(switched) -> np.ndarray:
        changes = {k: new.parameters[k] for c in switched for k in CAUSES[c]}
        return _account_totals(provider, old.replace(**changes) if changes else old, b)

    change = np.zeros((len(ix.accounts), len(CAUSES), ix.nt))
    if method == "shapley":
        k = len(differs)
        value = {s: run(s) for n in range(k + 1) for s in itertools.combinations(differs, n)}
        for c, share in shapley_changes(differs, value).items():
            change[:, list(CAUSES).index(c)] = share
        first, last = value[()], value[tuple(differs)]
    elif method == "sequential":
        first = last = run(())
        for n, c in enumerate(differs):
            step = run(differs[: n + 1])
            change[:, list(CAUSES).index(c)] = step - last
            last = step
    else:
        raise ValueError(f"method must be 'shapley' or 'sequential', not {method!r}")
    ds = xr.Dataset(coords={ACCOUNT: ix.accounts, CAUSE: list(CAUSES), TIME: time_coordinate(ix.times),
                            "version": [old.name, new.name]})
    ds["co2e_change"] = set_attrs(xr.DataArray(change, dims=(ACCOUNT, CAUSE, TIME)), "co2e_change",
                                  method=method, basis=basis)
    ds["co2e_account"] = set_attrs(xr.DataArray(np.stack([first, last]), dims=("version", ACCOUNT, TIME)),
                                   "co2e_account", basis=basis)
    ds.attrs = stamp(methodology=new.methodology, version=f"{old.name} -> {new.name}",
                     description=f"change of each account's total from {old.name} to {new.name}, by cause ({method})",
                     parameters={old.name: dict(old.parameters), new.name: dict(new.parameters)},
                     assumed=old.assumptions + new.assumptions, references=old.references + new.references,
                     causes=json.dumps(CAUSES))
    return ds


def allocate_history(provider: Provider, versions=("v1", "v2")) -> xr.Dataset:
    """Emissions as an export would show them: each month allocated with the version in force.

    Each month takes the last version in ``versions`` whose published period covers it, so
    ``("v1", "v2")`` reproduces the break between December 2024 and January 2025 and
    ``("v1", "v2", "v3")`` the history restated with v3 back to January 2022.

    Parameters
    ----------
    provider : Provider
        The provider whose inventory is allocated.
    versions : sequence of str, path or AllocationVersion
        Candidate versions, in order; a later one takes over the months it covers.

    Returns
    -------
    xarray.Dataset
        ``co2e_allocated`` on (account, service, time, scope, basis), summed over regions, NaN where
        the month's version does not report a basis; coordinate ``methodology_version`` (time). [t]
        Attrs: the provenance of :func:`carbonlab.core.provenance.stamp`: ``methodology_version``
        names each version in force and its months (``"v1 2022-01..2024-12 | v2 2025-01..2025-02"``),
        ``parameters`` those of every version given, ``assumed`` the sentences of the versions in force.
    """
    loaded = [load_version(v) for v in versions]
    times = provider.index.times
    chosen = np.full(len(times), -1)
    for i, v in enumerate(loaded):
        chosen[v.covers(times)] = i
    if (chosen < 0).any():
        raise ValueError(f"no version covers {times[chosen < 0][0]:%Y-%m}")
    in_force = np.unique(chosen)
    parts = []
    for i in in_force:
        ds = allocate(provider, loaded[i])
        part = ds["co2e_allocated"].sum(REGION).isel({TIME: np.flatnonzero(chosen == i)})
        parts.append(part.reindex({BASIS: list(ALLOCATION_BASES)}))
    out = xr.concat(parts, dim=TIME, coords="minimal", compat="override").sortby(TIME)
    out = set_attrs(out, "co2e_allocated")
    names = np.array([v.name for v in loaded])[chosen]
    result = out.to_dataset().assign_coords(methodology_version=(TIME, names))
    result.attrs = stamp(methodology=loaded[-1].methodology,
                         version=" | ".join(f"{loaded[i].name} {times[chosen == i][0]:%Y-%m}.."
                                            f"{times[chosen == i][-1]:%Y-%m}" for i in in_force),
                         description="emissions as an export shows them: each month allocated with the version "
                                     "in force",
                         parameters={v.name: dict(v.parameters) for v in loaded},
                         assumed=[a for i in in_force for a in loaded[i].assumptions],
                         references=[r for v in loaded for r in v.references])
    return result
