"""Estimates of the usage a footprint could not place (the unattributed table), labelled as estimates.

Registered by name in :data:`UNATTRIBUTED_MODELS`; :func:`carbonlab.estimate` runs one when asked
(``unattributed="ccf_cost_ratio"``).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from carbonlab.core import schema
from carbonlab.core.schema import REGION, UNATTRIBUTED

__all__ = ["UNATTRIBUTED_MODELS", "ccf_cost_ratio"]

COST = "cost_attributed"

#: Models that estimate the unattributed usage of a Footprint (``carbonlab.estimate(..., unattributed=...)``).
UNATTRIBUTED_MODELS = ("ccf_cost_ratio",)


def ccf_cost_ratio(fp: xr.Dataset, estimable: np.ndarray) -> dict[str, xr.DataArray]:
    """Estimate the energy and emissions of unattributed usage by CCF's cost-ratio method.

    Each unattributed group that is usage (not credits, taxes, fees or lines
    excluded as double counting, see :data:`carbonlab.io.classify.NOT_ESTIMABLE`)
    gets its cost times its provider's facility energy (and operational CO2e,
    per basis) per unit of attributed cost.

    Parameters
    ----------
    fp : xarray.Dataset
        A Footprint (one methodology) with ``energy``, ``co2e_operational``,
        ``cost_attributed`` and the ``unattributed`` table.
    estimable : numpy.ndarray of bool
        Per unattributed group, whether it is usage the ratio may price (not
        credits, taxes, fees or lines excluded as double counting: the readers'
        rule, :func:`carbonlab.io.classify.estimable` of the group's reason).

    Returns
    -------
    dict of xarray.DataArray
        ``unattributed_energy_estimate`` [kWh] on ``unattributed``;
        ``unattributed_co2e_estimate`` [g] on (``unattributed``, ``basis``).

    Notes
    -----
    .. math:: E_u = c_u \\, \\frac{\\sum_{p} E}{\\sum_{p} c}

    CCF (``UnknownEstimator``, CCF.md §8.4) forms the ratio per pricing unit
    over all known rows of a query, by cost for AWS and by usage amount for GCP
    and Azure; its known-row "kWh" include embodied CO2e divided by the grid
    factor.  carbonlab forms it per provider, by cost, from facility energy
    only: the cube keeps cost by region, not by billing unit, and a usage-amount
    ratio would mix units.  A provider with no attributed cost gives no
    estimate (0), as CCF gives none without known rows.

    References
    ----------
    Cloud Carbon Footprint, ``packages/core/src/unknown/UnknownEstimator.ts`` (commit b7a049c),
    https://github.com/cloud-carbon-footprint/cloud-carbon-footprint, accessed 2026-11-22.
    """
    dim = UNATTRIBUTED
    provider = fp["provider"]
    other = [d for d in fp["energy"].dims if d != REGION]
    energy = fp["energy"].sum(other).groupby(provider).sum()
    cost = fp[COST].sum([d for d in fp[COST].dims if d != REGION]).groupby(provider).sum()
    op = fp["co2e_operational"]
    co2e = op.sum([d for d in op.dims if d not in (REGION, "basis")]).groupby(provider).sum()
    safe = cost.where(cost != 0)
    rows_p = fp[f"{dim}_provider"] if f"{dim}_provider" in fp else xr.full_like(fp[f"{dim}_cost"], "", dtype=object)
    ok = xr.DataArray(np.asarray(estimable, dtype=bool), dims=dim) & rows_p.isin(list(cost["provider"].values))
    pick = {"provider": rows_p.where(ok, cost["provider"].values[0] if cost.sizes["provider"] else "")}
    e_ratio = (energy / safe).fillna(0.0)
    c_ratio = (co2e / safe).fillna(0.0)
    c_u = fp[f"{dim}_cost"]
    if cost.sizes.get("provider", 0) == 0:
        e_est = xr.zeros_like(c_u)
        c_est = xr.zeros_like(c_u) * xr.ones_like(op.isel({d: 0 for d in op.dims if d != "basis"}))
    else:
        e_est = (c_u * e_ratio.sel(pick, drop=True)).where(ok, 0.0)
        c_est = (c_u * c_ratio.sel(pick, drop=True)).where(ok, 0.0)
    c_est = c_est.drop_vars([c for c in c_est.coords if c not in c_est.dims])
    e_est = e_est.drop_vars([c for c in e_est.coords if c not in e_est.dims])
    return {"unattributed_energy_estimate": schema.set_attrs(e_est, "unattributed_energy_estimate",
                                                             method="ccf_cost_ratio"),
            "unattributed_co2e_estimate": schema.set_attrs(c_est.transpose(dim, ...), "unattributed_co2e_estimate",
                                                           method="ccf_cost_ratio")}
