"""From a UsageTable to the usage cube on time (hourly, UTC) x region x service.

Rules
-----
*Placing in time.* A record covering ``[start, end)`` is spread over the UTC
hours it overlaps in proportion to the overlap (a constant rate over the
record): an hourly record lands in its hour, a daily record gives 1/24 to each
of its hours, a record from 10:30 to 11:30 gives half to each hour.

*What cannot be placed* goes to the ``unattributed`` table of the cube, counted
with its quantity, unit, cost and the reason, never dropped:
``unknown kind``, ``missing quantity``, ``invalid period`` (no start or end, or
end not after start), ``unit not convertible`` (a unit that does not measure
the record's kind), ``missing region``.  For every kind, the quantity of the
records in equals the cube's total plus the unattributed quantity
(``tests/test_cube.py`` checks it).

*Why coefficients enter here.* Watts per vCPU depend on each record's
micro-architecture, which a region x service cell mixes; summing vCPU-hours
first would lose it.  The cube therefore carries, besides the physical
quantities, the three linear terms of the compute model
(:func:`carbonlab.energy.ccf_compute_aggregated`) for the methodology's
coefficient set, so that utilisation, PUE, grid, amortisation and water stay
late, cheap knobs.  ``attrs["coefficient_set"]`` says which set was used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab import hardware, schema, units
from carbonlab.schema import ACCOUNT, REGION, SERVICE, TIME, UNATTRIBUTED

HOUR_NS = 3_600_000_000_000

#: Cube variables and the usage kind that feeds each.
CUBE_VARIABLES = {
    "compute": ("vcpu_hours", "cpu_energy_idle", "cpu_energy_span_measured", "cpu_energy_span_unmeasured",
                "memory_extra_gb_hours", "instance_hours", "embodied_reserved"),
    "gpu": ("gpu_hours", "gpu_energy_idle", "gpu_energy_span_measured", "gpu_energy_span_unmeasured"),
    "memory": ("memory_gb_hours", "memory_gb_hours_replicated"),
    "storage": ("storage_ssd_tb_hours", "storage_hdd_tb_hours",
                "storage_ssd_tb_hours_replicated", "storage_hdd_tb_hours_replicated"),
    "network": ("network_gb",),
}

#: Which variable of the cube holds each kind's canonical quantity (conservation).
KIND_TOTALS = {
    "compute": ("vcpu_hours",),
    "gpu": ("gpu_hours",),
    "memory": ("memory_gb_hours",),
    "storage": ("storage_ssd_tb_hours", "storage_hdd_tb_hours"),
    "network": ("network_gb",),
}


def _classify(t: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Canonical quantity of each record and the reason it cannot be placed ('' if it can)."""
    n = len(t)
    reason = np.full(n, "", dtype=object)
    qty = np.full(n, np.nan)
    kind = t["kind"].to_numpy(dtype=object)
    notes = t["note"].fillna("").to_numpy(dtype=object)
    unknown = kind == "unknown"
    reason[unknown] = np.where(notes[unknown] != "", notes[unknown], "unknown kind")
    raw = t["quantity"].to_numpy(dtype=float)
    reason[(reason == "") & np.isnan(raw)] = "missing quantity"
    start, end = t["start"], t["end"]
    bad_period = (start.isna() | end.isna()).to_numpy().copy()
    bad_period |= ~bad_period & (end.to_numpy() <= start.to_numpy())
    reason[(reason == "") & bad_period] = "invalid period"
    reason[(reason == "") & t["region"].isna().to_numpy()] = "missing region"
    unit = t["unit"].to_numpy(dtype=object)
    for (k, u), idx in t.groupby(["kind", "unit"], sort=False, dropna=False).indices.items():
        if k == "unknown":
            continue
        idx = np.asarray(idx)
        try:
            qty[idx] = units.to_canonical(raw[idx], u, k, times=start.iloc[idx].to_numpy())
        except (ValueError, KeyError):
            reason[idx[reason[idx] == ""]] = "unit not convertible"
    del unit
    return qty, reason


def _contributions(t: pd.DataFrame, qty: np.ndarray, coefficient_set: str,
                   embodied_model: str = "teads_baseline") -> dict[str, np.ndarray]:
    """Per-record amount of every cube variable (zero where a record does not feed it)."""
    n = len(t)
    out = {v: np.zeros(n) for vs in CUBE_VARIABLES.values() for v in vs}
    kind = t["kind"].to_numpy(dtype=object)
    rf = t["replication"].fillna(1.0).to_numpy(dtype=float)
    util = t["utilization"].to_numpy(dtype=float)

    for k, coef_fn, prefix, hours_var in (("compute", hardware.compute_coefficients, "cpu", "vcpu_hours"),
                                          ("gpu", hardware.gpu_coefficients, "gpu", "gpu_hours")):
        m = kind == k
        if not m.any():
            continue
        c = coef_fn(t.loc[m], coefficient_set, **({"embodied_model": embodied_model} if k == "compute" else {}))
        hours = qty[m] * rf[m]
        out[hours_var][m] = qty[m]
        span = hours * (c["max_watts"].to_numpy() - c["min_watts"].to_numpy()) / 1000.0
        u = util[m]
        measured = ~np.isnan(u)
        out[f"{prefix}_energy_idle"][m] = hours * c["min_watts"].to_numpy() / 1000.0
        out[f"{prefix}_energy_span_measured"][m] = np.where(measured, span * np.where(measured, u, 0.0), 0.0)
        out[f"{prefix}_energy_span_unmeasured"][m] = np.where(measured, 0.0, span)
        if k == "compute":
            inst_hours = np.where(c["known"].to_numpy(dtype=bool), hours / c["vcpu"].to_numpy(), 0.0)
            inst_hours = np.nan_to_num(inst_hours)
            out["instance_hours"][m] = inst_hours
            out["memory_extra_gb_hours"][m] = inst_hours * c["memory_extra_gb"].to_numpy()
            out["embodied_reserved"][m] = np.nan_to_num(
                inst_hours * c["embodied_kg"].to_numpy() * c["resource_share"].to_numpy())

    m = kind == "memory"
    out["memory_gb_hours"][m] = qty[m]
    out["memory_gb_hours_replicated"][m] = qty[m] * rf[m]
    m = kind == "storage"
    hdd = t["storage_class"].fillna("").to_numpy(dtype=object) == "hdd"
    for cls, sel in (("ssd", m & ~hdd), ("hdd", m & hdd)):
        out[f"storage_{cls}_tb_hours"][sel] = qty[sel]
        out[f"storage_{cls}_tb_hours_replicated"][sel] = (qty * rf)[sel]
    m = kind == "network"
    out["network_gb"][m] = qty[m]
    return out


def _spread(start_ns: np.ndarray, end_ns: np.ndarray):
    """Expand records to (record, hour, fraction) triplets, fractions summing to 1 per record."""
    h0 = start_ns // HOUR_NS
    h1 = -(-end_ns // HOUR_NS)
    n = (h1 - h0).astype(np.int64)
    rec = np.repeat(np.arange(len(start_ns)), n)
    first = np.repeat(np.cumsum(n) - n, n)
    hour = h0[rec] + (np.arange(len(rec)) - first)
    lo = np.maximum(start_ns[rec], hour * HOUR_NS)
    hi = np.minimum(end_ns[rec], (hour + 1) * HOUR_NS)
    frac = (hi - lo) / (end_ns[rec] - start_ns[rec])
    return rec, hour, frac


def _unattributed_table(t: pd.DataFrame, reason: np.ndarray) -> xr.Dataset:
    bad = t.loc[reason != ""].assign(reason=reason[reason != ""])
    groups = (bad.assign(service=bad["service"].fillna("(none)"), unit=bad["unit"].fillna("(none)"),
                         cost=bad["cost"].fillna(0.0))
              .groupby(["service", "kind", "unit", "reason"], sort=True, dropna=False)
              .agg(quantity=("quantity", "sum"), cost=("cost", "sum"), records=("quantity", "size"))
              .reset_index())
    dim = UNATTRIBUTED
    ds = xr.Dataset(coords={dim: np.arange(len(groups))})
    for col in ("service", "kind", "unit", "reason"):
        ds[f"unattributed_{col}"] = xr.DataArray(groups[col].astype(str).to_numpy(dtype=object), dims=dim,
                                                 attrs={"long_name": f"{col} of unattributed records", "units": "1"})
    ds["unattributed_quantity"] = schema.set_attrs(xr.DataArray(groups["quantity"].to_numpy(float), dims=dim),
                                                   "unattributed_quantity")
    ds["unattributed_cost"] = schema.set_attrs(xr.DataArray(groups["cost"].to_numpy(float), dims=dim),
                                               "unattributed_cost")
    ds["unattributed_records"] = schema.set_attrs(xr.DataArray(groups["records"].to_numpy(np.int64), dims=dim),
                                                  "unattributed_records")
    return ds


def usage_cube(usage: pd.DataFrame, coefficient_set: str = "ccf_2026", *, account: bool = False,
               name: str = "usage table", embodied_model: str = "teads_baseline") -> xr.Dataset:
    """Aggregate a UsageTable into the hourly usage cube.

    Parameters
    ----------
    usage : pandas.DataFrame
        A UsageTable (:data:`carbonlab.schema.USAGE_COLUMNS`); ``quantity`` in
        ``unit``, which is converted exactly (:mod:`carbonlab.units`).
    coefficient_set : str, default "ccf_2026"
        The hardware coefficients (``Methodology.coefficient_set``).
    account : bool, default False
        Keep an ``account`` dimension.
    name : str
        How to name the input in error messages.
    embodied_model : {"teads_baseline", "boavizta"}
        Which TE and resource share feed ``embodied_reserved``
        (:func:`carbonlab.hardware.compute_coefficients`).

    Returns
    -------
    xarray.Dataset
        Variables of :data:`CUBE_VARIABLES` on (time, region, service[, account]),
        the ``unattributed`` table, a ``provider`` coordinate on ``region``.
    """
    t = schema.validate_usage_table(usage, name=name)
    # a canonical order, so that the sums do not depend on the order of the input rows
    t = t.sort_values(["source_file", "source_row", "kind"], kind="stable").reset_index(drop=True)
    qty, reason = _classify(t)
    ok = reason == ""
    placed = t.loc[ok].reset_index(drop=True)
    contrib = _contributions(placed, qty[ok], coefficient_set, embodied_model)

    start_ns = pd.DatetimeIndex(placed["start"]).asi8
    end_ns = pd.DatetimeIndex(placed["end"]).asi8
    rec, hour, frac = _spread(start_ns, end_ns)

    regions_pv = placed[["region", "provider"]].drop_duplicates().sort_values("region")
    dup = regions_pv["region"][regions_pv["region"].duplicated()]
    if len(dup):
        raise ValueError(f"{name}: region code {dup.iloc[0]!r} is used by two providers")
    region_codes = regions_pv["region"].to_numpy(dtype=str)
    services = np.sort(placed["service"].astype(str).unique())
    dims = [TIME, REGION, SERVICE]
    r_idx = np.searchsorted(region_codes, placed["region"].to_numpy(dtype=str))
    s_idx = np.searchsorted(services, placed["service"].to_numpy(dtype=str))
    if len(hour):
        hmin, hmax = int(hour.min()), int(hour.max())
    else:
        hmin, hmax = 0, -1
    shape = [hmax - hmin + 1, len(region_codes), len(services)]
    flat = ((hour - hmin) * shape[1] + r_idx[rec]) * shape[2] + s_idx[rec]
    coords = {
        TIME: schema.time_coordinate(pd.to_datetime((np.arange(hmin, hmax + 1) * HOUR_NS), utc=True)),
        REGION: xr.DataArray(region_codes.astype(object), dims=REGION, attrs={"long_name": "cloud region code"}),
        SERVICE: xr.DataArray(services.astype(object), dims=SERVICE, attrs={"long_name": "cloud service"}),
        "provider": xr.DataArray(regions_pv["provider"].to_numpy(dtype=object), dims=REGION,
                                 attrs={"long_name": "cloud provider"}),
    }
    if account:
        accounts = np.sort(placed["account"].fillna("(none)").astype(str).unique())
        a_idx = np.searchsorted(accounts, placed["account"].fillna("(none)").to_numpy(dtype=str))
        flat = flat * len(accounts) + a_idx[rec]
        shape.append(len(accounts))
        dims.append(ACCOUNT)
        coords[ACCOUNT] = xr.DataArray(accounts.astype(object), dims=ACCOUNT, attrs={"long_name": "account"})
    size = int(np.prod(shape))
    if size > 2_000_000_000:
        raise MemoryError(f"{name}: the cube would have {size:,} cells; select fewer hours or regions, "
                          "or build it in pieces and combine with xarray")
    data_vars = {}
    for var, per_record in contrib.items():
        values = np.bincount(flat, weights=per_record[rec] * frac, minlength=size).reshape(shape)
        data_vars[var] = schema.set_attrs(xr.DataArray(values, dims=dims), var)
    ds = xr.Dataset(data_vars, coords=coords)
    ds = ds.merge(_unattributed_table(t, reason))
    ds.attrs = {
        "title": "carbonlab usage cube",
        "coefficient_set": coefficient_set,
        "embodied_model": embodied_model,
        "records_in": int(len(t)),
        "records_unattributed": int((~ok).sum()),
        "source_files": "\n".join(sorted(t["source_file"].dropna().astype(str).unique())),
        "Conventions": "CF-1.10",
    }
    if embodied_model == "boavizta":
        ds.attrs["embodied_assumed"] = "\n".join(hardware.boavizta_assumed(placed))
    return ds


def kind_totals(cube: xr.Dataset) -> dict[str, float]:
    """Total canonical quantity per kind held in the cube (for conservation checks)."""
    return {k: float(sum(cube[v].sum() for v in vs)) for k, vs in KIND_TOTALS.items()}
