"""From a UsageTable (or a billing file, streamed) to the usage cube on time x region x service.

Rules
-----
*Placing in time.* A record covering ``[start, end)`` is spread over the UTC
hours it overlaps in proportion to the overlap (a constant rate over the
record): an hourly record lands in its hour, a daily record (Azure's exports)
gives 1/24 to each of its hours, a monthly record gives 1/720 (30 days) or
1/744 (31 days) to each hour of its month, a record from 10:30 to 11:30 gives
half to each hour.

*What cannot be placed* goes to the ``unattributed`` table of the cube, counted
with its quantity, unit, cost and the reason, never dropped:
``unknown kind`` (or the reader's note), ``missing quantity``, ``invalid
period`` (no start or end, or end not after start; or longer than 366 days),
``unit not convertible`` (a unit that does not measure the record's kind),
``missing region``.

*The bill's span.*  The months with placed usage are grouped into runs with
gaps of at most :data:`FAR_GAP_MONTHS`; the run holding most records is the
bill.  Usage outside it (a typo such as a year 2200) would make the hourly cube
span centuries: it is an error naming the file and row, or, with
``lenient=True``, unattributed (``period outside the bill's span``).  A cube
larger than ``max_cube_bytes`` (all its variables counted) is an error saying
how large it would be, before anything is allocated.  For
every kind, the quantity of the records in equals the cube's total plus the
unattributed quantity (``tests/test_cube.py`` checks it).

*Negative quantities* (usage corrections) are placed like any usage, so they
net out against what they correct; ``attrs['records_negative']`` counts them.

*Why coefficients enter here.* Watts per vCPU depend on each record's
micro-architecture, which a region x service cell mixes; summing vCPU-hours
first would lose it.  The cube therefore carries, besides the physical
quantities, the three linear terms of the compute model
(:func:`carbonlab.models.energy.ccf_compute_aggregated`) for the methodology's
coefficient set, so that utilisation, PUE, grid, amortisation and water stay
late, cheap knobs.  ``attrs["coefficient_set"]`` says which set was used.

*Streaming.* :class:`CubeBuilder` accumulates UsageTable chunks one at a time
(each chunk is reduced to its occupied cells with ``numpy.bincount``), so a
billing file larger than memory goes straight from its Arrow batches to the
cube: ``usage_cube("cur.parquet")``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.core import schema, units
from carbonlab.core.schema import ACCOUNT, REGION, SERVICE, TIME, UNATTRIBUTED
from carbonlab.cube.contributions import CONTRIBUTIONS, COST, KIND_TOTALS, VARIABLES, Placed
from carbonlab.cube.span import BillSpan
from carbonlab.datasets import hardware

HOUR_NS = 3_600_000_000_000
_NAT = np.iinfo(np.int64).min

_VARS = VARIABLES
_VI = {v: i for i, v in enumerate(_VARS)}
_COST = COST
_FIXED_REASONS = ["unknown kind", "missing quantity", "invalid period", "missing region", "unit not convertible",
                  "invalid period (longer than 366 days)"]
#: Longest period one usage record may cover (a year, leap day included); longer ones are unattributed.
MAX_RECORD_NS = 366 * 24 * HOUR_NS
#: Largest usage cube built without asking (all variables, float64); ``max_cube_bytes`` changes it. [B]
MAX_CUBE_BYTES = 4 * 2**30


def _codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, categories) of a string column; -1 where missing."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy().astype(np.int64), np.asarray(col.cat.categories, dtype=object)
    c, u = pd.factorize(col.astype(object), use_na_sentinel=True)
    return c.astype(np.int64), np.asarray(u, dtype=object)


def _ns(col: pd.Series) -> np.ndarray:
    values = pd.DatetimeIndex(col)
    if values.tz is None:
        values = values.tz_localize("UTC")
    return values.tz_convert("UTC").as_unit("ns").asi8


def _spread(start_ns: np.ndarray, end_ns: np.ndarray):
    """Expand records to (record, hour, fraction) triplets, fractions summing to 1 per record."""
    h0 = start_ns // HOUR_NS
    h1 = -(-end_ns // HOUR_NS)
    n = (h1 - h0).astype(np.int64)
    if len(n) and (n == 1).all():
        return np.arange(len(n)), h0, np.ones(len(n))
    rec = np.repeat(np.arange(len(start_ns)), n)
    first = np.repeat(np.cumsum(n) - n, n)
    hour = h0[rec] + (np.arange(len(rec)) - first)
    lo = np.maximum(start_ns[rec], hour * HOUR_NS)
    hi = np.minimum(end_ns[rec], (hour + 1) * HOUR_NS)
    frac = (hi - lo) / (end_ns[rec] - start_ns[rec])
    return rec, hour, frac


class CubeBuilder:
    """Accumulate UsageTable chunks into the usage cube.

    Parameters
    ----------
    coefficient_set : str, default "ccf_2026"
        The hardware coefficients (``Methodology.coefficient_set``).
    account : bool, default False
        Keep an ``account`` dimension.
    name : str
        How to name the input in error messages.
    embodied_model : {"teads_baseline", "boavizta"}
        Which TE and resource share feed ``embodied_reserved``
        (:func:`carbonlab.datasets.hardware.compute_coefficients`).
    lenient : bool, default False
        Leave usage outside the bill's span unattributed instead of raising.
    max_cube_bytes : float
        Largest cube :meth:`finish` builds. [B]
    exchange_rates : dict, optional
        Currency (ISO 4217) -> rate to the one currency costs are reported in
        (that currency's own rate is 1); needed when a bill mixes currencies.

    Examples
    --------
    >>> b = CubeBuilder("ccf_2026")
    >>> for chunk in chunks:          # doctest: +SKIP
    ...     b.add(chunk)
    >>> cube = b.finish()             # doctest: +SKIP
    """

    def __init__(self, coefficient_set: str = "ccf_2026", *, account: bool = False, name: str = "usage table",
                 embodied_model: str = "teads_baseline", lenient: bool = False,
                 max_cube_bytes: float = MAX_CUBE_BYTES, exchange_rates: dict | None = None):
        self.coefficient_set = coefficient_set
        self.lenient = lenient
        self.max_cube_bytes = max_cube_bytes
        self.exchange_rates = (None if exchange_rates is None else
                               {str(k).strip().upper(): float(v) for k, v in exchange_rates.items()})
        self._currencies: set[str] = set()
        self._span = BillSpan()
        self.embodied_model = embodied_model
        self._embodied_assumed: set[str] = set()
        self.account = account
        self.name = name
        self._regions: dict[str, int] = {}
        self._region_provider: list[str] = []
        self._services: dict[str, int] = {}
        self._accounts: dict[str, int] = {}
        self._parts: list[tuple[np.ndarray, ...]] = []
        self._cells = 0
        self._unattributed: dict[tuple, list[float]] = {}
        self._files: set[str] = set()
        self.records_in = 0
        self.records_unattributed = 0
        self.records_negative = 0
        self._coef_cache: dict[tuple, tuple] = {}

    # -- helpers ------------------------------------------------------------
    def _global(self, table: dict, names: np.ndarray, used: np.ndarray) -> np.ndarray:
        """Global index of each local category that ``used`` codes refer to (-1 for the others)."""
        out = np.full(len(names), -1, dtype=np.int64)
        for i in np.flatnonzero(np.bincount(used, minlength=len(names))):
            out[i] = table.setdefault(str(names[i]), len(table))
        return out

    def _coefficients(self, fn, provider: np.ndarray, itype: np.ndarray) -> pd.DataFrame:
        """Coefficients per distinct (provider, instance type) pair, cached across chunks."""
        missing = [(p, i) for p, i in zip(provider, itype) if (fn.__name__, p, i) not in self._coef_cache]
        if missing:
            recs = pd.DataFrame(missing, columns=["provider", "instance_type"])
            if fn is hardware.compute_coefficients:
                coef = fn(recs, self.coefficient_set, embodied_model=self.embodied_model)
                if self.embodied_model == "boavizta":
                    self._embodied_assumed.update(hardware.boavizta_assumed(recs.assign(kind="compute")))
            else:
                coef = fn(recs, self.coefficient_set)
            for (p, i), row in zip(missing, coef.itertuples(index=False)):
                self._coef_cache[(fn.__name__, p, i)] = row
        rows = [self._coef_cache[(fn.__name__, p, i)] for p, i in zip(provider, itype)]
        return pd.DataFrame(rows, columns=rows[0]._fields) if rows else pd.DataFrame()

    # -- accumulation --------------------------------------------------------
    def add(self, t: pd.DataFrame) -> None:
        """Add a chunk of a UsageTable (canonical columns; string or categorical dtypes)."""
        n = len(t)
        self.records_in += n
        if n == 0:
            return
        kind_c, kind_u = _codes(t["kind"])
        unit_c, unit_u = _codes(t["unit"])
        note_c, note_u = _codes(t["note"]) if "note" in t else (np.full(n, -1), np.array([], dtype=object))
        svc_c, svc_u = _codes(t["service"])
        if (svc_c < 0).any():   # a line without a service name is placed under "(none)"
            svc_u = np.append(svc_u, "(none)")
            svc_c = np.where(svc_c < 0, len(svc_u) - 1, svc_c)
        reg_c, reg_u = _codes(t["region"])
        prov_c, prov_u = _codes(t["provider"])
        file_c, file_u = _codes(t["source_file"])
        self._files.update(str(f) for f in file_u)
        raw = t["quantity"].to_numpy(dtype=float)
        cost = np.nan_to_num(t["cost"].to_numpy(dtype=float)) if "cost" in t else np.zeros(n)
        cost = self._in_one_currency(t, cost)
        start, end = _ns(t["start"]), _ns(t["end"])

        # reason codes: -1 placed; 0..len(note_u)-1 a note; then the fixed reasons
        nf = len(note_u)
        reason = np.full(n, -1, dtype=np.int64)
        kinds = [str(k) for k in kind_u]
        kid = {k: i for i, k in enumerate(kinds)}
        unknown = kind_c == kid.get("unknown", -2)
        note_empty = np.array([str(x) == "" for x in note_u] + [True])[note_c]  # -1 -> True
        reason[unknown] = np.where(note_empty[unknown], nf + 0, note_c[unknown])
        reason[(reason < 0) & np.isnan(raw)] = nf + 1
        bad_period = (start == _NAT) | (end == _NAT)
        bad_period |= ~bad_period & (end <= start)
        reason[(reason < 0) & bad_period] = nf + 2
        too_long = ~bad_period & (end - np.where(bad_period, end, start) > MAX_RECORD_NS)
        reason[(reason < 0) & too_long] = nf + 5
        reason[(reason < 0) & (reg_c < 0)] = nf + 3
        qty = np.full(n, np.nan)
        pair = kind_c * (len(unit_u) + 1) + (unit_c + 1)
        cand = reason < 0
        for p in np.flatnonzero(np.bincount(pair[cand], minlength=1)):
            k, u = divmod(int(p), len(unit_u) + 1)
            k_name, u_name = kinds[k], (str(unit_u[u - 1]) if u > 0 else None)
            idx = np.flatnonzero(cand & (pair == p))
            try:
                if u_name == "GB-Mo" and k_name in ("storage", "memory"):
                    qty[idx] = (units.gb_month_to_tb_hours(raw[idx], start[idx]) * units.KILO
                                / units.CANONICAL[k_name][2])
                else:
                    qty[idx] = raw[idx] * units.conversion_factor(u_name, k_name)
            except (ValueError, KeyError, TypeError):
                reason[idx] = nf + 4
        ok = reason < 0
        self.records_negative += int((ok & (raw < 0)).sum())
        if ok.any():
            self._span.count(t, ok, start, (prov_c, prov_u), (svc_c, svc_u), (kind_c, kind_u))
        self._add_unattributed(~ok, reason, note_u, svc_c, svc_u, kind_c, kind_u, unit_c, unit_u, raw, cost,
                               prov_c, prov_u)
        if ok.any():
            self._add_placed(t, ok, qty, cost, start, end, kind_c, kid, reg_c, reg_u, prov_c, prov_u,
                             svc_c, svc_u)

    def _in_one_currency(self, t: pd.DataFrame, cost: np.ndarray) -> np.ndarray:
        """Costs in one currency: a file's own, or converted with the rates the user gave; never added
        across currencies silently."""
        if "currency" not in t:
            return cost
        cur_c, cur_u = _codes(t["currency"])
        used = [str(cur_u[i]).strip().upper() for i in np.flatnonzero(np.bincount(cur_c[cur_c >= 0],
                                                                                    minlength=len(cur_u)))]
        self._currencies.update(used)
        if self.exchange_rates is None:
            if len(self._currencies) > 1:
                raise ValueError(f"{self.name}: costs in several currencies ({', '.join(sorted(self._currencies))}): "
                                 "carbonlab does not add them up; pass exchange_rates={currency: rate to one "
                                 "currency}, or read each currency's lines separately")
            return cost
        missing = [c for c in used if c not in self.exchange_rates]
        if missing or ((cur_c < 0) & (cost != 0)).any():
            what = f"no exchange rate for {missing}" if missing else \
                f"row {int(t['source_row'].to_numpy()[np.flatnonzero((cur_c < 0) & (cost != 0))[0]])} has no currency"
            raise ValueError(f"{self.name}: {what} (exchange_rates gives {sorted(self.exchange_rates)})")
        rate = np.array([float(self.exchange_rates[str(c).strip().upper()]) for c in cur_u] + [1.0])
        return cost * rate[cur_c]

    def _add_unattributed(self, bad, reason, note_u, svc_c, svc_u, kind_c, kind_u, unit_c, unit_u, raw, cost,
                          prov_c, prov_u):
        nb = int(bad.sum())
        self.records_unattributed += nb
        if not nb:
            return
        reasons = [str(x) for x in note_u] + _FIXED_REASONS
        sizes = (len(prov_u) + 1, len(svc_u) + 1, len(kind_u) + 1, len(unit_u) + 1, len(reasons))
        key = prov_c[bad] + 1
        for codes, size in ((svc_c, sizes[1]), (kind_c, sizes[2]), (unit_c, sizes[3])):
            key = key * size + (codes[bad] + 1)
        key = key * sizes[4] + reason[bad]
        inv, uniq = pd.factorize(key, sort=True)
        q = np.bincount(inv, weights=np.nan_to_num(raw[bad]), minlength=len(uniq))
        c = np.bincount(inv, weights=cost[bad], minlength=len(uniq))
        r = np.bincount(inv, minlength=len(uniq))
        for j, k in enumerate(np.asarray(uniq, dtype=np.int64)):
            k, rs = divmod(int(k), sizes[4])
            k, u = divmod(k, sizes[3])
            k, kd = divmod(k, sizes[2])
            p, s = divmod(k, sizes[1])
            label = (str(svc_u[s - 1]) if s else "(none)", str(kind_u[kd - 1]) if kd else "(none)",
                     str(unit_u[u - 1]) if u else "(none)", reasons[rs], str(prov_u[p - 1]) if p else "unknown")
            acc = self._unattributed.setdefault(label, [0.0, 0.0, 0])
            acc[0] += q[j]
            acc[1] += c[j]
            acc[2] += int(r[j])

    def _add_placed(self, t, ok, qty, cost, start, end, kind_c, kid, reg_c, reg_u, prov_c, prov_u, svc_c, svc_u):
        idx = np.flatnonzero(ok)
        self._register_regions(reg_c[idx], reg_u, prov_c[idx], prov_u)
        contrib = self._contributions(t, idx, qty[idx], kind_c[idx], kid, prov_c[idx], prov_u)
        contrib[_COST] = (np.arange(len(idx)), cost[idx])
        rec, hour, frac = _spread(start[idx], end[idx])
        r_g = self._global(self._regions, reg_u, reg_c[idx])[reg_c[idx]]
        s_g = self._global(self._services, svc_u, svc_c[idx])[svc_c[idx]]
        a_g = self._account_index(t, idx)
        self._add_cells(contrib, rec, hour, frac, r_g, s_g, a_g, len(idx))

    def _register_regions(self, reg_c, reg_u, prov_c, prov_u) -> None:
        """Register the chunk's regions with their provider (a region code belongs to one provider)."""
        rp = np.flatnonzero(np.bincount(reg_c * (len(prov_u) + 1) + (prov_c + 1)))
        for r, p in zip(*np.divmod(rp, len(prov_u) + 1)):
            p = p - 1
            rname, pname = str(reg_u[r]), str(prov_u[p]) if p >= 0 else "unknown"
            gi = self._regions.get(rname)
            if gi is None:
                self._regions[rname] = len(self._region_provider)
                self._region_provider.append(pname)
            elif self._region_provider[gi] != pname:
                raise ValueError(f"{self.name}: region code {rname!r} is used by two providers")

    def _contributions(self, t, idx, q, kc, kid, prov_c, prov_u) -> dict:
        """Variable -> (positions within the placed records, values), kind by kind (:mod:`.contributions`)."""
        m = len(idx)
        it_c, it_u = _codes(t["instance_type"]) if "instance_type" in t else (np.full(len(t), -1), np.array([]))
        sc = _codes(t["storage_class"]) if "storage_class" in t else (np.full(len(t), -1), np.array([]))
        rf = np.nan_to_num(t["replication"].to_numpy(dtype=float)[idx], nan=1.0) if "replication" in t \
            else np.ones(m)
        util = t["utilization"].to_numpy(dtype=float)[idx] if "utilization" in t else np.full(m, np.nan)
        placed = Placed(quantity=q, replication=rf, utilization=util, provider=(prov_c, prov_u),
                        instance_type=(it_c[idx], it_u), storage_class=(sc[0][idx], sc[1]),
                        coefficients=self._coefficients)
        contrib = {}
        for kind, fn in CONTRIBUTIONS.items():
            sel = np.flatnonzero(kc == kid.get(kind, -2))
            if len(sel):
                contrib.update(fn(sel, placed))
        return contrib

    def _account_index(self, t, idx) -> np.ndarray:
        if not self.account:
            return np.zeros(len(idx), dtype=np.int64)
        a_c, a_u = _codes(t["account"])
        a_u = np.append(a_u, "(none)")
        a_c = np.where(a_c < 0, len(a_u) - 1, a_c)
        return self._global(self._accounts, a_u, a_c[idx])[a_c[idx]]

    def _add_cells(self, contrib, rec, hour, frac, r_g, s_g, a_g, m) -> None:
        """Spread the contributions over their hours and reduce them to the chunk's occupied cells."""
        hmin = int(hour.min())
        nr, ns, na = len(self._regions), len(self._services), max(len(self._accounts), 1)
        local = (((hour - hmin) * nr + r_g[rec]) * ns + s_g[rec]) * na + a_g[rec]
        space = (int(hour.max()) - hmin + 1) * nr * ns * na
        if space <= 4 * len(local) + 1_000_000:
            present = np.bincount(local, minlength=space) > 0
            cells = np.flatnonzero(present)
            inv = (np.cumsum(present) - 1)[local]
        else:
            inv, cells = pd.factorize(local, sort=True)
            cells = np.asarray(cells, dtype=np.int64)
        nc = len(cells)
        values = np.zeros((nc, len(_VARS) + 1))
        for var, (rows, vals) in contrib.items():
            col = len(_VARS) if var == _COST else _VI[var]
            if len(rec) == m:  # one hour per record
                values[:, col] = np.bincount(inv[rows], weights=vals, minlength=nc)
            else:
                wmask = np.zeros(m, dtype=bool)
                wmask[rows] = True
                w = np.zeros(m)
                w[rows] = vals
                use = wmask[rec]
                values[:, col] = np.bincount(inv[use], weights=(w[rec] * frac)[use], minlength=nc)
        a_cell = cells % na
        rest = cells // na
        s_cell = rest % ns
        rest //= ns
        self._parts.append((rest // nr + hmin, rest % nr, s_cell, a_cell, values))
        self._cells += nc
        if len(self._parts) > 1 and (self._cells > 4_000_000 or len(self._parts) >= 16):
            self._consolidate()

    def _consolidate(self) -> None:
        h, r, s, a, v = (np.concatenate([p[i] for p in self._parts]) for i in range(5))
        nr, ns, na = len(self._regions), len(self._services), max(len(self._accounts), 1)
        hmin = int(h.min())
        key = (((h - hmin) * nr + r) * ns + s) * na + a
        inv, cells = pd.factorize(key, sort=True)
        cells = np.asarray(cells, dtype=np.int64)
        values = np.stack([np.bincount(inv, weights=v[:, j], minlength=len(cells)) for j in range(v.shape[1])],
                          axis=1)
        a_c = cells % na
        rest = cells // na
        s_c = rest % ns
        rest //= ns
        self._parts = [(rest // nr + hmin, rest % nr, s_c, a_c, values)]
        self._cells = len(cells)

    # -- result --------------------------------------------------------------
    def _check_span(self) -> None:
        """Raise for usage far outside the bill's span or, lenient, move it to the unattributed table."""
        far, span = self._span.far(lenient=self.lenient)
        if not far:
            return
        if len(self._parts) > 1:
            self._consolidate()
        keep, groups = self._span.outside(self._parts[0], far, span, list(self._services), self._region_provider)
        for label, (q, c, n) in groups.items():
            acc = self._unattributed.setdefault(label, [0.0, 0.0, 0])
            acc[0] += q
            acc[1] += c
            acc[2] += n
            self.records_unattributed += n
        self._parts = [tuple(x[keep] for x in self._parts[0])]
        self._cells = int(keep.sum())

    def finish(self) -> xr.Dataset:
        """The usage cube of everything added (see :func:`usage_cube`)."""
        self._check_span()
        region_names = np.array(list(self._regions), dtype=object)
        r_order = np.argsort(region_names.astype(str), kind="stable")
        r_rank = np.empty(len(r_order), dtype=np.int64)
        r_rank[r_order] = np.arange(len(r_order))
        svc_names = np.array(list(self._services), dtype=object)
        s_order = np.argsort(svc_names.astype(str), kind="stable")
        s_rank = np.empty(len(s_order), dtype=np.int64)
        s_rank[s_order] = np.arange(len(s_order))
        acc_names = np.array(list(self._accounts), dtype=object)
        a_order = np.argsort(acc_names.astype(str), kind="stable")
        a_rank = np.empty(len(a_order), dtype=np.int64)
        a_rank[a_order] = np.arange(len(a_order))
        if self._parts:
            h, r, s, a, v = (np.concatenate([p[i] for p in self._parts]) for i in range(5))
            hmin, hmax = int(h.min()), int(h.max())
        else:
            h = r = s = a = np.zeros(0, dtype=np.int64)
            v = np.zeros((0, len(_VARS) + 1))
            hmin, hmax = 0, -1
        shape = [hmax - hmin + 1, len(region_names), len(svc_names)]
        dims = [TIME, REGION, SERVICE]
        flat = ((h - hmin) * shape[1] + r_rank[r]) * shape[2] + s_rank[s] if len(h) else h
        coords = {
            TIME: schema.time_coordinate(pd.to_datetime(np.arange(hmin, hmax + 1) * HOUR_NS, utc=True)),
            REGION: xr.DataArray(region_names[r_order], dims=REGION, attrs={"long_name": "cloud region code"}),
            SERVICE: xr.DataArray(svc_names[s_order], dims=SERVICE, attrs={"long_name": "cloud service"}),
            "provider": xr.DataArray(np.array(self._region_provider, dtype=object)[r_order], dims=REGION,
                                     attrs={"long_name": "cloud provider"}),
        }
        if self.account:
            flat = flat * len(acc_names) + a_rank[a] if len(h) else flat
            shape.append(len(acc_names))
            dims.append(ACCOUNT)
            coords[ACCOUNT] = xr.DataArray(acc_names[a_order], dims=ACCOUNT, attrs={"long_name": "account"})
        size = int(np.prod(shape))
        need = size * (len(_VARS) + 1) * 8
        if need > self.max_cube_bytes:
            raise ValueError(f"{self.name}: the usage cube would need {need / 2**30:,.1f} GiB ({' x '.join(f'{n:,}' for n in shape)}"
                             f" cells x {len(_VARS) + 1} variables), over the limit of "
                             f"{self.max_cube_bytes / 2**30:,.1f} GiB (max_cube_bytes): select fewer hours or regions, "
                             "leave out the account dimension, or build the cube in pieces and combine with xarray")
        data_vars = {}
        for j, var in enumerate(_VARS):
            values = np.bincount(flat, weights=v[:, j], minlength=size).reshape(shape)
            data_vars[var] = schema.set_attrs(xr.DataArray(values, dims=dims), var)
        cost = np.bincount(flat, weights=v[:, len(_VARS)], minlength=size).reshape(shape)
        ds = xr.Dataset(data_vars, coords=coords)
        ds[_COST] = schema.set_attrs(xr.DataArray(cost.sum(axis=tuple(range(3, len(shape)))) if self.account
                                                  else cost, dims=[TIME, REGION, SERVICE]), _COST)
        ds = ds.merge(self._unattributed_table())
        ds.attrs = {
            "title": "carbonlab usage cube",
            "coefficient_set": self.coefficient_set,
            "embodied_model": self.embodied_model,
            "currency": ", ".join(sorted(self._currencies)) if self.exchange_rates is None else
                        "converted: " + json.dumps(self.exchange_rates, sort_keys=True),
            "records_in": int(self.records_in),
            "records_unattributed": int(self.records_unattributed),
            "records_negative": int(self.records_negative),
            "source_files": "\n".join(sorted(self._files)),
            "Conventions": "CF-1.10",
        }
        if self.embodied_model == "boavizta":
            ds.attrs["embodied_assumed"] = "\n".join(sorted(self._embodied_assumed))
        return ds

    def _unattributed_table(self) -> xr.Dataset:
        keys = sorted(self._unattributed)
        dim = UNATTRIBUTED
        ds = xr.Dataset(coords={dim: np.arange(len(keys))})
        for j, col in enumerate(("service", "kind", "unit", "reason", "provider")):
            ds[f"unattributed_{col}"] = xr.DataArray(np.array([k[j] for k in keys], dtype=object), dims=dim,
                                                     attrs={"long_name": f"{col} of unattributed records",
                                                            "units": "1"})
        vals = np.array([self._unattributed[k] for k in keys], dtype=float).reshape(len(keys), 3)
        ds["unattributed_quantity"] = schema.set_attrs(xr.DataArray(vals[:, 0], dims=dim), "unattributed_quantity")
        ds["unattributed_cost"] = schema.set_attrs(xr.DataArray(vals[:, 1], dims=dim), "unattributed_cost")
        ds["unattributed_records"] = schema.set_attrs(xr.DataArray(vals[:, 2].astype(np.int64), dims=dim),
                                                      "unattributed_records")
        return ds


def usage_cube(usage, coefficient_set: str = "ccf_2026", *, account: bool = False, name: str = "usage table",
               embodied_model: str = "teads_baseline", format: str | None = None, lenient: bool = False,
               batch_rows: int | None = None, progress: bool = False,
               max_cube_bytes: float = MAX_CUBE_BYTES, exchange_rates: dict | None = None) -> xr.Dataset:
    """Aggregate a UsageTable, or stream a billing file, into the hourly usage cube.

    Parameters
    ----------
    usage : pandas.DataFrame or str or path-like
        A UsageTable (:data:`carbonlab.core.schema.USAGE_COLUMNS`; ``quantity`` in
        ``unit``, converted exactly by :mod:`carbonlab.core.units`), or the path of a
        billing file, which is read in batches straight into the cube
        (:func:`carbonlab.io.iter_read`; memory bounded by the batch size).
    coefficient_set : str, default "ccf_2026"
        The hardware coefficients (``Methodology.coefficient_set``).
    account : bool, default False
        Keep an ``account`` dimension.
    name : str
        How to name the input in error messages (a file's name by default).
    embodied_model : {"teads_baseline", "boavizta"}
        Which TE and resource share feed ``embodied_reserved``
        (:func:`carbonlab.datasets.hardware.compute_coefficients`).
    format, batch_rows
        For a file: its format (detected from the columns when None), rows per batch.
    lenient : bool, default False
        Values that cannot be parsed (a file) and records far outside the
        bill's span become unattributed rows instead of errors.
    progress : bool, default False
        For a file: show a progress bar of the rows read (tqdm; shown only on a
        terminal or in a notebook).
    max_cube_bytes : float, default :data:`MAX_CUBE_BYTES` (4 GiB)
        Largest cube built: a larger one is an error saying how large it would be. [B]
    exchange_rates : dict, optional
        Currency -> rate to one reporting currency, for bills in several
        currencies (costs are never added across currencies otherwise).

    Returns
    -------
    xarray.Dataset
        Variables of :data:`CUBE_VARIABLES` on (time, region, service[, account]),
        ``cost_attributed`` on (time, region, service), the ``unattributed``
        table, a ``provider`` coordinate on ``region``.
    """
    if isinstance(usage, (str, Path)):
        from carbonlab.io import iter_read

        kw = {} if batch_rows is None else {"batch_rows": batch_rows}
        builder = CubeBuilder(coefficient_set, account=account, name=Path(usage).name,
                              embodied_model=embodied_model, lenient=lenient, max_cube_bytes=max_cube_bytes,
                              exchange_rates=exchange_rates)
        bar = _progress_bar(Path(usage)) if progress else None
        for chunk in iter_read(usage, format=format, lenient=lenient, **kw):
            builder.add(chunk)
            if bar is not None:
                bar.update(int(chunk["source_row"].nunique()))  # lines of the file (GPU rows share one)
        if bar is not None:
            bar.close()
        return builder.finish()
    if name == "usage table" and "source_file" in usage and usage["source_file"].nunique() == 1:
        name = str(usage["source_file"].iloc[0])      # one file: errors name it
    t = schema.validate_usage_table(usage, name=name)
    # a canonical order, so that the sums do not depend on the order of the input rows
    t = t.sort_values(["source_file", "source_row", "kind"], kind="stable").reset_index(drop=True)
    builder = CubeBuilder(coefficient_set, account=account, name=name, embodied_model=embodied_model,
                          lenient=lenient, max_cube_bytes=max_cube_bytes, exchange_rates=exchange_rates)
    builder.add(t)
    return builder.finish()


def _progress_bar(path: Path):
    """A tqdm bar over the rows of a file (total known for Parquet from its metadata)."""
    from tqdm.auto import tqdm

    total = None
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        total = pq.ParquetFile(path).metadata.num_rows
    return tqdm(total=total, unit="rows", unit_scale=True, desc=path.name, disable=None, leave=False)


def kind_totals(cube: xr.Dataset) -> dict[str, float]:
    """Total canonical quantity per kind held in the cube (for conservation checks)."""
    return {k: float(sum(cube[v].sum() for v in vs)) for k, vs in KIND_TOTALS.items()}
