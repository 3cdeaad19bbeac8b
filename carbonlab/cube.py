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

from carbonlab.datasets import hardware
from carbonlab.core import schema, units
from carbonlab.core.schema import ACCOUNT, REGION, SERVICE, TIME, UNATTRIBUTED

HOUR_NS = 3_600_000_000_000
_NAT = np.iinfo(np.int64).min

#: Cube variables and the usage kind that feeds each.
CUBE_VARIABLES = {
    "compute": ("vcpu_hours", "cpu_energy_idle", "cpu_energy_span_measured", "cpu_energy_span_unmeasured",
                "memory_extra_gb_hours", "instance_hours", "embodied_reserved", "vcpu_hours_unknown_platform"),
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

_VARS = [v for vs in CUBE_VARIABLES.values() for v in vs]
_VI = {v: i for i, v in enumerate(_VARS)}
#: Placed-cost variable (not a physical quantity; used by the unattributed cost-ratio estimate).
_COST = "cost_attributed"
_FIXED_REASONS = ["unknown kind", "missing quantity", "invalid period", "missing region", "unit not convertible",
                  "invalid period (longer than 366 days)"]
#: Longest period one usage record may cover (a year, leap day included); longer ones are unattributed.
MAX_RECORD_NS = 366 * 24 * HOUR_NS
#: Usage whose months are separated from the months holding most of the bill by a gap longer than this is
#: "outside the bill's span": an error naming the record, or (lenient) unattributed.
FAR_GAP_MONTHS = 24
#: Largest usage cube built without asking (all variables, float64); ``max_cube_bytes`` changes it. [B]
MAX_CUBE_BYTES = 4 * 2**30
OUTSIDE_SPAN = "period outside the bill's span (lenient)"


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


def _days_in_month(ns: np.ndarray) -> np.ndarray:
    m = ns.view("M8[ns]").astype("M8[M]")
    return ((m + 1).astype("M8[D]") - m.astype("M8[D]")).astype(np.int64).astype(float)


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
        self._months: dict[int, int] = {}                 # month (since 1970-01) -> placed records
        self._month_first: dict[int, tuple] = {}          # month -> (file, row) of its first record
        self._month_groups: dict[tuple, int] = {}         # (month, provider, service, kind) -> records
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
                    qty[idx] = (raw[idx] / units.KILO * units.HOURS_PER_DAY * _days_in_month(start[idx])
                                * units.KILO / units.CANONICAL[k_name][2])
                else:
                    qty[idx] = raw[idx] * units.conversion_factor(u_name, k_name)
            except (ValueError, KeyError, TypeError):
                reason[idx] = nf + 4
        ok = reason < 0
        self.records_negative += int((ok & (raw < 0)).sum())
        if ok.any():
            self._count_months(t, ok, start, prov_c, prov_u, svc_c, svc_u, kind_c, kind_u)
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

    def _count_months(self, t, ok, start, prov_c, prov_u, svc_c, svc_u, kind_c, kind_u) -> None:
        """Placed records per calendar month (and per provider, service, kind), for the bill's span."""
        month = start[ok].view("M8[ns]").astype("M8[M]").astype(np.int64)
        inv, uniq = pd.factorize(month, sort=True)
        counts = np.bincount(inv)
        first = np.zeros(len(uniq), dtype=np.int64)
        first[inv[::-1]] = np.arange(len(inv))[::-1]            # first record of each month
        rows = np.flatnonzero(ok)
        files, source_rows = t["source_file"].to_numpy(), t["source_row"].to_numpy()
        for j, mo in enumerate(np.asarray(uniq, dtype=np.int64).tolist()):
            self._months[mo] = self._months.get(mo, 0) + int(counts[j])
            self._month_first.setdefault(mo, (str(files[rows[first[j]]]), int(source_rows[rows[first[j]]])))
        key = pd.DataFrame({"m": month, "p": prov_c[ok], "s": svc_c[ok], "k": kind_c[ok]}).value_counts()
        names = (lambda u, c: str(u[c]) if c >= 0 else "(none)")
        for (mo, p, sv, k), n in key.items():
            g = (int(mo), names(prov_u, p), names(svc_u, sv), names(kind_u, k))
            self._month_groups[g] = self._month_groups.get(g, 0) + int(n)

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
        m = len(idx)
        q = qty[idx]
        kc = kind_c[idx]
        rf = np.nan_to_num(t["replication"].to_numpy(dtype=float)[idx], nan=1.0) if "replication" in t \
            else np.ones(m)
        util = t["utilization"].to_numpy(dtype=float)[idx] if "utilization" in t else np.full(m, np.nan)
        contrib = {}  # variable -> (row positions within idx, values)

        # regions: check one provider per region, register them
        rp_code = reg_c[idx] * (len(prov_u) + 1) + (prov_c[idx] + 1)
        rp = np.flatnonzero(np.bincount(rp_code))
        for r, p in zip(*np.divmod(rp, len(prov_u) + 1)):
            p = p - 1
            rname, pname = str(reg_u[r]), str(prov_u[p]) if p >= 0 else "unknown"
            gi = self._regions.get(rname)
            if gi is None:
                self._regions[rname] = len(self._region_provider)
                self._region_provider.append(pname)
            elif self._region_provider[gi] != pname:
                raise ValueError(f"{self.name}: region code {rname!r} is used by two providers")
        it_c, it_u = _codes(t["instance_type"]) if "instance_type" in t else (np.full(len(t), -1), np.array([]))
        for k, fn, prefix, hours_var in (("compute", hardware.compute_coefficients, "cpu", "vcpu_hours"),
                                         ("gpu", hardware.gpu_coefficients, "gpu", "gpu_hours")):
            sel = np.flatnonzero(kc == kid.get(k, -2))
            if not len(sel):
                continue
            rows = idx[sel]
            pk = prov_c[rows] * (len(it_u) + 1) + (it_c[rows] + 1)
            inv, uniq = pd.factorize(pk)
            up, ui = np.divmod(np.asarray(uniq, dtype=np.int64), len(it_u) + 1)
            coef = self._coefficients(fn, np.array([str(prov_u[p]) for p in up], dtype=object),
                                      np.array([str(it_u[i - 1]) if i > 0 else None for i in ui], dtype=object))
            get = {c: coef[c].to_numpy(dtype=float)[inv] for c in coef.columns if c not in ("gpu_model",)}
            hours = q[sel] * rf[sel]
            span = hours * (get["max_watts"] - get["min_watts"]) / 1000.0
            u = util[sel]
            measured = ~np.isnan(u)
            contrib[hours_var] = (sel, q[sel])
            contrib[f"{prefix}_energy_idle"] = (sel, hours * get["min_watts"] / 1000.0)
            contrib[f"{prefix}_energy_span_measured"] = (sel, np.where(measured, span * np.where(measured, u, 0.0),
                                                                        0.0))
            contrib[f"{prefix}_energy_span_unmeasured"] = (sel, np.where(measured, 0.0, span))
            if k == "compute":
                known = get["known"].astype(bool)
                inst_hours = np.nan_to_num(np.where(known, hours / get["vcpu"], 0.0))
                contrib["instance_hours"] = (sel, inst_hours)
                contrib["vcpu_hours_unknown_platform"] = (sel, np.where(known, 0.0, q[sel]))
                contrib["memory_extra_gb_hours"] = (sel, inst_hours * get["memory_extra_gb"])
                contrib["embodied_reserved"] = (sel, np.nan_to_num(inst_hours * get["embodied_kg"]
                                                                   * get["resource_share"]))
        sel = np.flatnonzero(kc == kid.get("memory", -2))
        if len(sel):
            contrib["memory_gb_hours"] = (sel, q[sel])
            contrib["memory_gb_hours_replicated"] = (sel, q[sel] * rf[sel])
        sel = np.flatnonzero(kc == kid.get("storage", -2))
        if len(sel):
            sc_c, sc_u = _codes(t["storage_class"])
            hdd_code = [i for i, s in enumerate(sc_u) if str(s) == "hdd"]
            hdd = sc_c[idx[sel]] == (hdd_code[0] if hdd_code else -2)
            for cls, mask in (("ssd", ~hdd), ("hdd", hdd)):
                s2 = sel[mask]
                contrib[f"storage_{cls}_tb_hours"] = (s2, q[s2])
                contrib[f"storage_{cls}_tb_hours_replicated"] = (s2, q[s2] * rf[s2])
        sel = np.flatnonzero(kc == kid.get("network", -2))
        if len(sel):
            contrib["network_gb"] = (sel, q[sel])
        contrib[_COST] = (np.arange(m), cost[idx])

        # cells: spread over hours, then reduce to the occupied cells of this chunk
        rec, hour, frac = _spread(start[idx], end[idx])
        r_g = self._global(self._regions, reg_u, reg_c[idx])[reg_c[idx]]
        s_g = self._global(self._services, svc_u, svc_c[idx])[svc_c[idx]]
        if self.account:
            a_c, a_u = _codes(t["account"])
            a_u = np.append(a_u, "(none)")
            a_c = np.where(a_c < 0, len(a_u) - 1, a_c)
            a_g = self._global(self._accounts, a_u, a_c[idx])[a_c[idx]]
        else:
            a_g = np.zeros(m, dtype=np.int64)
        hmin = int(hour.min())
        nr, ns, na = len(self._regions), len(self._services), max(len(self._accounts), 1)
        local = (((hour - hmin) * nr + r_g[rec]) * ns + s_g[rec]) * na + a_g[rec]
        space = (int(hour.max()) - hmin + 1) * nr * ns * na
        if space <= 4 * len(local) + 1_000_000:
            present = np.bincount(local, minlength=space) > 0
            cells = np.flatnonzero(present)
            lut = np.cumsum(present) - 1
            inv = lut[local]
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
        r_cell = rest % nr
        h_cell = rest // nr + hmin
        self._parts.append((h_cell, r_cell, s_cell, a_cell, values))
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
    def _span(self) -> tuple[int, int] | None:
        """(first, last) month of the bill: the run of months, with gaps of at most
        :data:`FAR_GAP_MONTHS`, that holds most placed records."""
        months = sorted(self._months)
        if not months:
            return None
        runs, start = [], 0
        for i in range(1, len(months) + 1):
            if i == len(months) or months[i] - months[i - 1] > FAR_GAP_MONTHS:
                runs.append(months[start:i])
                start = i
        main = max(runs, key=lambda r: (sum(self._months[m] for m in r), -r[0]))
        return main[0], main[-1]

    def _check_span(self) -> None:
        """Raise for usage far outside the bill's span or, lenient, move it to the unattributed table."""
        span = self._span()
        far = [m for m in sorted(self._months) if span and not span[0] <= m <= span[1]]
        if not far:
            return
        month = lambda m: str(np.datetime64(m, "M"))  # noqa: E731
        if not self.lenient:
            file, row = self._month_first[far[-1] if far[-1] > span[1] else far[0]]
            bad = far[-1] if far[-1] > span[1] else far[0]
            raise ValueError(f"{file}: row {row}: its usage period ({month(bad)}) is more than {FAR_GAP_MONTHS} "
                             f"months from the rest of the bill ({month(span[0])} to {month(span[1])}): a typo in "
                             f"its dates? ({sum(self._months[m] for m in far)} record(s) outside the bill's span; "
                             "lenient=True leaves them unattributed)")
        self._consolidate_all()
        h, r, s, a, v = self._parts[0]
        lo = np.datetime64(span[0], "M").astype("M8[h]").astype(np.int64)
        hi = np.datetime64(span[1] + 1, "M").astype("M8[h]").astype(np.int64)
        out = (h < lo) | (h >= hi)
        cells = pd.DataFrame({"r": r[out], "s": s[out], "cost": v[out, len(_VARS)],
                              **{k: sum(v[out, _VI[x]] for x in xs) for k, xs in KIND_TOTALS.items()}})
        services = list(self._services)
        for (ri, si), row in cells.groupby(["r", "s"]).sum().iterrows():
            provider, service = self._region_provider[ri], str(services[si])
            kinds = [k for k in KIND_TOTALS if row[k] != 0]
            for k in kinds:
                self._outside(service, k, provider)[0] += float(row[k])
            # the cost of a cell is not split by kind: it goes with the cell's only kind, else with "(several)"
            self._outside(service, kinds[0] if len(kinds) == 1 else "(several)", provider)[1] += float(row["cost"])
        for (mo, provider, service, kind), n in self._month_groups.items():
            if mo in far:
                self._outside(service, kind, provider)[2] += n
                self.records_unattributed += n
        self._parts = [(h[~out], r[~out], s[~out], a[~out], v[~out])]
        self._cells = int((~out).sum())

    def _outside(self, service: str, kind: str, provider: str) -> list:
        unit = units.CANONICAL[kind][1] if kind in units.CANONICAL else "(several)"
        return self._unattributed.setdefault((service, kind, unit, OUTSIDE_SPAN, provider), [0.0, 0.0, 0])

    def _consolidate_all(self) -> None:
        if not self._parts:
            return
        if len(self._parts) > 1:
            self._consolidate()

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


#: Methods that estimate the unattributed usage of a Footprint (``carbonlab.estimate(..., unattributed=...)``).
UNATTRIBUTED_MODELS = ("ccf_cost_ratio",)


def ccf_cost_ratio(fp: xr.Dataset) -> dict[str, xr.DataArray]:
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
    from carbonlab.io.classify import estimable

    dim = UNATTRIBUTED
    provider = fp["provider"]
    other = [d for d in fp["energy"].dims if d != REGION]
    energy = fp["energy"].sum(other).groupby(provider).sum()
    cost = fp[_COST].sum([d for d in fp[_COST].dims if d != REGION]).groupby(provider).sum()
    op = fp["co2e_operational"]
    co2e = op.sum([d for d in op.dims if d not in (REGION, "basis")]).groupby(provider).sum()
    safe = cost.where(cost != 0)
    rows_p = fp[f"{dim}_provider"] if f"{dim}_provider" in fp else xr.full_like(fp[f"{dim}_cost"], "", dtype=object)
    ok = xr.DataArray(estimable(fp[f"{dim}_reason"].values), dims=dim) & rows_p.isin(list(cost["provider"].values))
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
