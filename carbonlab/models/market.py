"""Market-based Scope 2 factors and 24/7 hourly matching.

**The hierarchy** (GHG Protocol Scope 2 Guidance 2015, Table 6.3, as carbonlab
applies it to cloud use).  For each region, energy is covered step by step and
each step is recorded (``market_step_energy``):

1. ``eac`` -- energy attribute certificates (RECs, GOs, I-RECs): a number of
   MWh and their factor (0 g/kWh for renewable certificates) for a period;
2. ``ppa`` -- direct contracts with their certificates; a *period* of one hour
   per row is an hourly profile (24/7 matching, see below);
3. ``supplier`` -- a supplier-specific rate for all remaining energy.  A cloud
   customer buys electricity as part of a service, so carbonlab treats the
   provider's published market-based factor of the region as this step, unless
   the user gives a ``supplier`` row;
4. ``residual_mix`` -- the residual mix of the market (user rows);
5. ``grid_average`` -- the location-based grid average, disclosed as such.

Within an instrument's period, covered energy is spread over the hours in
proportion to their energy (the instrument says nothing finer); instruments
whose MWh exceed the period's energy leave a surplus that is reported and never
moves to another period (vintage must match).  Instruments of one kind and
region must not overlap in time, except rows with identical periods, which are
pooled (MWh summed, factor MWh-weighted).  Energy outside the footprint's hours
is unknown, so an instrument is matched against the energy *in the footprint*
within its period.

**Hourly matching** (our reading of the 2025 Scope 2 revision proposal and of
Google's CFE%; INTENSITY.md section 4.3):

.. math::

   \\mathrm{MBM} = \\sum_h \\big[\\min(E_h, C_h)\\,EF_{instr}
                   + \\max(0, E_h - C_h)\\,EF_{next,h}\\big], \\qquad
   \\mathrm{CFE} = \\frac{\\sum_h \\min(E_h, C_h) + g_h \\max(0, E_h - C_h)}{\\sum_h E_h}

with :math:`E_h` the load, :math:`C_h` the clean supply contracted for hour
:math:`h` and :math:`g_h` the grid's carbon-free share.

References
----------
.. [ghgp_scope2_2015] WRI/WBCSD, GHG Protocol Scope 2 Guidance, 2015, ch. 6-7 and Table 6.3,
   https://ghgprotocol.org/scope-2-guidance (accessed 2026-11-22).
.. [ghgp_scope2_2025] GHG Protocol, Scope 2 public consultation (20 Oct - 19 Dec 2025): hourly matching and
   deliverability, https://ghgprotocol.org/blog (accessed 2026-11-22).
.. [google_cfe] Google, region carbon information (CFE%),
   https://github.com/GoogleCloudPlatform/region-carbon-info (accessed 2026-11-22).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.core import schema
from carbonlab.core.schema import REGION, TIME
from carbonlab.core.units import KWH_PER_MWH

__all__ = ["KINDS", "STEPS", "validate_instruments", "market_factor", "empty_market_steps", "hourly_matching",
           "cfe_score"]

#: Instrument kinds, in the order of the hierarchy.
KINDS = ("eac", "ppa", "supplier", "residual_mix")
#: Steps recorded in ``market_step_energy``.
STEPS = ("eac", "ppa", "supplier", "residual_mix", "grid_average")
_LIMITED = ("eac", "ppa")


def validate_instruments(table: pd.DataFrame, *, name: str = "instruments") -> pd.DataFrame:
    """Check a table of contractual instruments and return it with canonical types.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``region``, ``kind`` (one of :data:`KINDS`), ``start``, ``end``
        (the period ``[start, end)``, UTC), ``mwh`` (required for ``eac`` and
        ``ppa``, empty for ``supplier`` and ``residual_mix`` which cover all
        remaining energy) and ``factor`` [g kWh-1]; optional ``provider``.
        A CSV file of these columns is read by
        :func:`carbonlab.io.instruments.read_instruments`.
    name : str
        How to call the table in error messages.

    Returns
    -------
    pandas.DataFrame
        ``start``/``end`` as tz-naive UTC datetime64, ``mwh``/``factor`` float,
        plus ``source_row`` (1-based data row).

    Raises
    ------
    ValueError
        Naming the row and column of the first bad cell.
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name}: instruments must be a DataFrame (read a file with "
                        "carbonlab.io.instruments.read_instruments)")
    df = table.copy()
    df.columns = [str(c).strip().lower() for c in df.columns]
    for col in ("region", "kind", "start", "end", "factor"):
        if col not in df.columns:
            raise ValueError(f"{name}: missing column {col!r}")
    if "mwh" not in df.columns:
        df["mwh"] = np.nan
    df["source_row"] = np.arange(1, len(df) + 1)
    df["kind"] = df["kind"].astype(str).str.strip().str.lower()
    for i, k in enumerate(df["kind"]):
        if k not in KINDS:
            _fail(name, i, "kind", f"{k!r} is not one of {KINDS}")
    _check_periods(df, name)
    for col in ("mwh", "factor"):
        df[col] = pd.to_numeric(df[col].replace("", np.nan), errors="coerce").astype(float)
    _check_amounts(df, name)
    df["region"] = df["region"].astype(str).str.strip()
    return df


def _fail(name, i, col, msg):
    raise ValueError(f"{name}: row {i + 1} column {col!r}: {msg}")


def _check_periods(df: pd.DataFrame, name: str) -> None:
    """Parse ``start`` and ``end`` (UTC, tz-naive) in place; each end after its start."""
    for col in ("start", "end"):
        try:
            t = pd.to_datetime(df[col], utc=True, format="ISO8601")
        except (ValueError, TypeError) as err:
            raise ValueError(f"{name}: column {col!r}: {err}") from None
        df[col] = t.dt.tz_localize(None).astype("datetime64[ns]")
    for i, (a, b) in enumerate(zip(df["start"], df["end"])):
        if not a < b:
            _fail(name, i, "end", f"period end {b} is not after start {a}")


def _check_amounts(df: pd.DataFrame, name: str) -> None:
    """Factors >= 0 everywhere; MWh for eac/ppa only."""
    for i, r in enumerate(df.itertuples()):
        if not np.isfinite(r.factor) or r.factor < 0:
            _fail(name, i, "factor", f"{r.factor!r} is not a factor >= 0 g/kWh")
        if r.kind in _LIMITED and (not np.isfinite(r.mwh) or r.mwh < 0):
            _fail(name, i, "mwh", f"a {r.kind} needs its MWh (>= 0)")
        if r.kind not in _LIMITED and np.isfinite(r.mwh):
            _fail(name, i, "mwh", f"a {r.kind} covers all remaining energy; leave mwh empty")


def _periods(rows: pd.DataFrame, time: np.ndarray, kind: str, region: str, name: str):
    """Pool rows with identical periods; index ranges [i0, i1) on ``time``; check for overlaps."""
    pooled = rows.groupby(["start", "end"], sort=True).apply(
        lambda g: pd.Series({"mwh": g["mwh"].sum(),
                             "factor": (np.average(g["factor"], weights=g["mwh"]) if g["mwh"].sum() > 0
                                        else g["factor"].mean()),
                             "rows": ",".join(map(str, g["source_row"]))}), include_groups=False).reset_index()
    starts, ends = pooled["start"].to_numpy(), pooled["end"].to_numpy()
    if len(pooled) > 1 and (starts[1:] < ends[:-1]).any():
        j = int(np.flatnonzero(starts[1:] < ends[:-1])[0])
        raise ValueError(f"{name}: {kind} instruments of region {region!r} overlap in time (rows "
                         f"{pooled['rows'][j]} and {pooled['rows'][j + 1]}); give identical or disjoint periods")
    pooled["i0"] = np.searchsorted(time, starts, side="left")
    pooled["i1"] = np.searchsorted(time, ends, side="left")
    return pooled


def _fill(n: int, pooled: pd.DataFrame, values: np.ndarray, default=np.nan) -> np.ndarray:
    out = np.full(n, default, dtype=float)
    for i0, i1, v in zip(pooled["i0"], pooled["i1"], values):
        out[i0:i1] = v
    return out


def market_factor(energy, grid_average, *, instruments=None, supplier=None, name: str = "instruments"):
    """Market-based grid factor per hour and region after the Scope 2 hierarchy.

    Parameters
    ----------
    energy : xarray.DataArray or None
        Energy on (time, region) (other dimensions are summed). [kWh]  Needed
        when ``instruments`` hold ``eac``/``ppa`` rows; None gives the factor of
        uncovered energy (steps 3-5).
    grid_average : xarray.DataArray
        Location-based average on (time, region). [g kWh-1]
    instruments : pandas.DataFrame, optional
        See :func:`validate_instruments`.
    supplier : xarray.DataArray, optional
        Supplier-specific factor per region, NaN where none (carbonlab passes
        the provider's published market-based factor). [g kWh-1]

    Returns
    -------
    factor : xarray.DataArray
        On (time, region): emissions / energy of each hour; hours without
        energy show the factor uncovered energy would get. [g kWh-1]
    steps : xarray.DataArray
        ``market_step_energy`` on (region, market_step). [kWh]  NaN when
        ``energy`` is None.
    used : pandas.DataFrame
        One row per pooled ``eac``/``ppa`` period: ``region, kind, start, end,
        mwh, used_mwh, surplus_mwh, factor``.

    Examples
    --------
    >>> import pandas as pd, xarray as xr
    >>> t = pd.date_range("2025-01-01", periods=2, freq="h")
    >>> e = xr.DataArray([[1000.0], [1000.0]], coords={"time": t, "region": ["r"]})
    >>> g = xr.full_like(e, 400.0)
    >>> eac = pd.DataFrame({"region": ["r"], "kind": ["eac"], "start": ["2025-01-01"],
    ...                     "end": ["2025-01-02"], "mwh": [1.0], "factor": [0.0]})
    >>> f, steps, _ = market_factor(e, g, instruments=eac)
    >>> float((f * e).sum())          # 1 MWh of 2 covered at 0 g/kWh, the rest at the grid average
    400000.0
    """
    g = grid_average.transpose(TIME, REGION)
    time = np.asarray(g[TIME].values, dtype="datetime64[ns]")
    regions = [str(r) for r in g[REGION].values]
    e = None
    if energy is not None:
        other = [d for d in energy.dims if d not in (TIME, REGION)]
        e = energy.sum(other).transpose(TIME, REGION).reindex_like(g).fillna(0.0).to_numpy().astype(float)
    inst = _checked_instruments(instruments, regions, e, name)
    sup = (np.full(len(regions), np.nan) if supplier is None
           else supplier.reindex({REGION: regions}).to_numpy().astype(float))
    gv = g.to_numpy().astype(float)
    factor = np.empty(gv.shape)
    steps = np.full((len(regions), len(STEPS)), np.nan if e is None else 0.0)
    used_rows = []
    for j, region in enumerate(regions):
        rows = inst[inst["region"] == region] if inst is not None else None
        factor[:, j], steps[j], used = _region_factor(None if e is None else e[:, j], gv[:, j], sup[j], rows,
                                                      time, region, name)
        used_rows += used
    coords = {TIME: g[TIME], REGION: g[REGION]}
    out = schema.set_attrs(xr.DataArray(factor, dims=(TIME, REGION), coords=coords), "grid_intensity",
                           basis="market", method="GHG Protocol Scope 2 hierarchy (carbonlab.models.market)")
    step_da = schema.set_attrs(
        xr.DataArray(steps, dims=(REGION, "market_step"), coords={REGION: g[REGION], "market_step": list(STEPS)}),
        "market_step_energy")
    used = pd.DataFrame(used_rows, columns=["region", "kind", "start", "end", "mwh", "used_mwh", "surplus_mwh",
                                            "factor"])
    return out, step_da, used


def _checked_instruments(instruments, regions, e, name):
    if instruments is None:
        return None
    inst = validate_instruments(instruments, name=name)
    unknown = sorted(set(inst["region"]) - set(regions))
    if unknown:
        raise ValueError(f"{name}: region(s) {unknown} are not in the footprint (regions: {regions})")
    if e is None and inst["kind"].isin(_LIMITED).any():
        raise ValueError(f"{name}: eac/ppa instruments are matched against energy; pass energy")
    return inst


def _region_factor(energy, grid, supplier, rows, time, region, name):
    """One region: the factor of each hour, the energy of each step, and the eac/ppa periods used."""
    steps = np.full(len(STEPS), np.nan if energy is None else 0.0)
    uncovered, step_of = _uncovered_factor(grid, supplier, rows, time, region, name)
    if energy is None:
        return uncovered, steps, []
    remaining, co2, used = _cover_limited(energy, rows, time, region, name, steps)
    co2 = co2 + remaining * uncovered
    for s in np.unique(step_of):
        steps[s] += remaining[step_of == s].sum()
    factor = np.where(energy > 0, co2 / np.where(energy > 0, energy, 1.0), uncovered)
    return factor, steps, used


def _cover_limited(energy, rows, time, region, name, steps):
    """Steps 1-2: energy attribute certificates, then PPAs, cover the energy of their periods in turn."""
    T = len(energy)
    remaining, co2, used = energy.copy(), np.zeros(T), []
    for k, kind in enumerate(_LIMITED):
        sel = rows[rows["kind"] == kind] if rows is not None else None
        if sel is None or sel.empty:
            continue
        p = _periods(sel, time, kind, region, name)
        cs = np.concatenate([[0.0], np.cumsum(remaining)])
        avail = cs[p["i1"].to_numpy()] - cs[p["i0"].to_numpy()]
        cover = np.minimum(avail, p["mwh"].to_numpy() * KWH_PER_MWH)
        share = np.divide(cover, avail, out=np.zeros_like(cover), where=avail > 0)
        covered = _fill(T, p, share, 0.0) * remaining
        co2 += covered * _fill(T, p, p["factor"].to_numpy(), 0.0)
        remaining = remaining - covered
        steps[k] = covered.sum()
        for r, c in zip(p.itertuples(), cover):
            used.append(dict(region=region, kind=kind, start=r.start, end=r.end, mwh=r.mwh,
                             used_mwh=c / KWH_PER_MWH, surplus_mwh=r.mwh - c / KWH_PER_MWH, factor=r.factor))
    return remaining, co2, used


def _uncovered_factor(grid, supplier, rows, time, region, name):
    """Steps 3-5, for the energy left: the grid average, then the residual mix, then the provider's rate,
    then the user's supplier rows, each replacing the one before where it applies; and the step of each hour."""
    T = len(grid)
    uncovered = grid.copy()
    step_of = np.full(T, STEPS.index("grid_average"))
    for kind in ("residual_mix", "supplier"):
        if kind == "supplier" and np.isfinite(supplier):
            uncovered[:] = supplier
            step_of[:] = STEPS.index("supplier")
        sel = rows[rows["kind"] == kind] if rows is not None else None
        if sel is not None and not sel.empty:
            p = _periods(sel, time, kind, region, name)
            mask = _fill(T, p, np.ones(len(p)), 0.0) > 0
            uncovered[mask] = _fill(T, p, p["factor"].to_numpy())[mask]
            step_of[mask] = STEPS.index(kind)
    return uncovered, step_of


def empty_market_steps(regions) -> xr.DataArray:
    """``market_step_energy`` filled with NaN: the market basis was not computed."""
    data = np.full((len(regions), len(STEPS)), np.nan)
    return schema.set_attrs(xr.DataArray(data, dims=(REGION, "market_step"),
                                         coords={REGION: list(regions), "market_step": list(STEPS)}),
                            "market_step_energy", note="market basis not computed")


def hourly_matching(load, clean) -> xr.Dataset:
    """Match a load with a clean-energy supply hour by hour.

    Parameters
    ----------
    load : xarray.DataArray
        Energy used in each hour. [kWh]
    clean : xarray.DataArray
        Clean energy contracted for the same hours (broadcastable). [kWh]

    Returns
    -------
    xarray.Dataset
        ``energy_matched`` = min(load, clean) [kWh] and ``clean_surplus`` =
        max(0, clean - load) [kWh]; the unmatched load is ``load - energy_matched``.

    Examples
    --------
    >>> import xarray as xr
    >>> m = hourly_matching(xr.DataArray([5.0, 5.0], dims="time"), xr.DataArray([8.0, 2.0], dims="time"))
    >>> m.energy_matched.values.tolist(), m.clean_surplus.values.tolist()
    ([5.0, 2.0], [3.0, 0.0])
    """
    matched = np.minimum(load, clean)
    surplus = np.maximum(0.0, clean - load)
    return xr.Dataset({"energy_matched": schema.set_attrs(matched, "energy_matched"),
                       "clean_surplus": schema.set_attrs(surplus, "clean_surplus")})


def cfe_score(load, clean=None, grid_cfe=None, *, dim: str = TIME):
    """Carbon-free energy score of a load, matched hour by hour (24/7 CFE).

    Parameters
    ----------
    load : xarray.DataArray
        Energy used in each hour. [kWh]
    clean : xarray.DataArray, optional
        Contracted clean energy in each hour (PPA/CFE profile). [kWh]
    grid_cfe : xarray.DataArray, optional
        Carbon-free share of grid electricity in each hour. [1]
    dim : str, default "time"
        Dimension summed over.

    Returns
    -------
    xarray.DataArray
        .. math:: \\mathrm{CFE} = \\frac{\\sum_h \\min(E_h, C_h) + g_h \\max(0, E_h - C_h)}{\\sum_h E_h}

        [1]

    Examples
    --------
    >>> import xarray as xr
    >>> load = xr.DataArray([10.0, 10.0, 10.0], dims="time")
    >>> solar = xr.DataArray([0.0, 30.0, 0.0], dims="time")      # 30 kWh in one hour
    >>> round(float(cfe_score(load, solar)), 4)                # annual matching would say 100 %
    0.3333
    >>> round(float(cfe_score(load, solar, xr.DataArray([0.5, 0.5, 0.5], dims="time"))), 4)
    0.6667
    """
    clean = xr.zeros_like(load) if clean is None else clean
    matched = np.minimum(load, clean)
    rest = load - matched
    grid = 0.0 if grid_cfe is None else grid_cfe * rest
    score = (matched + grid).sum(dim) / load.sum(dim)
    return schema.set_attrs(score, "cfe_score")
