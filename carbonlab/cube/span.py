"""The bill's span: which months a bill covers, and the usage that lies far outside them.

The months with placed usage are grouped into runs with gaps of at most :data:`FAR_GAP_MONTHS`; the run
holding most records is the bill.  Usage outside it (a typo such as a year 2200) would make the hourly cube
span centuries: it is an error naming the file and row of its first record, or, leniently, unattributed
with the reason :data:`OUTSIDE_SPAN`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonlab.core import units
from carbonlab.cube.contributions import KIND_TOTALS, VARIABLES

__all__ = ["BillSpan", "FAR_GAP_MONTHS", "OUTSIDE_SPAN"]

#: Usage whose months are separated from the months holding most of the bill by a gap longer than this is
#: "outside the bill's span".
FAR_GAP_MONTHS = 24
OUTSIDE_SPAN = "period outside the bill's span (lenient)"
_INDEX = {v: i for i, v in enumerate(VARIABLES)}


def _month_text(m: int) -> str:
    return str(np.datetime64(m, "M"))


class BillSpan:
    """Placed records counted per calendar month (and per provider, service and kind)."""

    def __init__(self):
        self.months: dict[int, int] = {}                 # month (since 1970-01) -> placed records
        self.first: dict[int, tuple] = {}                # month -> (file, row) of its first record
        self.groups: dict[tuple, int] = {}               # (month, provider, service, kind) -> records

    def count(self, t: pd.DataFrame, ok, start, provider, service, kind) -> None:
        """Count the placed records (``ok``) of a chunk by the month they start in."""
        month = start[ok].view("M8[ns]").astype("M8[M]").astype(np.int64)
        inv, uniq = pd.factorize(month, sort=True)
        counts = np.bincount(inv)
        first = np.zeros(len(uniq), dtype=np.int64)
        first[inv[::-1]] = np.arange(len(inv))[::-1]            # first record of each month
        rows = np.flatnonzero(ok)
        files, source_rows = t["source_file"].to_numpy(), t["source_row"].to_numpy()
        for j, mo in enumerate(np.asarray(uniq, dtype=np.int64).tolist()):
            self.months[mo] = self.months.get(mo, 0) + int(counts[j])
            self.first.setdefault(mo, (str(files[rows[first[j]]]), int(source_rows[rows[first[j]]])))
        (prov_c, prov_u), (svc_c, svc_u), (kind_c, kind_u) = provider, service, kind
        key = pd.DataFrame({"m": month, "p": prov_c[ok], "s": svc_c[ok], "k": kind_c[ok]}).value_counts()
        names = (lambda u, c: str(u[c]) if c >= 0 else "(none)")  # noqa: E731
        for (mo, p, sv, k), n in key.items():
            g = (int(mo), names(prov_u, p), names(svc_u, sv), names(kind_u, k))
            self.groups[g] = self.groups.get(g, 0) + int(n)

    def span(self) -> tuple[int, int] | None:
        """(first, last) month of the bill: the run of months, with gaps of at most
        :data:`FAR_GAP_MONTHS`, that holds most placed records."""
        months = sorted(self.months)
        if not months:
            return None
        runs, start = [], 0
        for i in range(1, len(months) + 1):
            if i == len(months) or months[i] - months[i - 1] > FAR_GAP_MONTHS:
                runs.append(months[start:i])
                start = i
        main = max(runs, key=lambda r: (sum(self.months[m] for m in r), -r[0]))
        return main[0], main[-1]

    def far(self, *, lenient: bool) -> tuple[list[int], tuple[int, int] | None]:
        """Months outside the bill's span (an error unless ``lenient``), and the span."""
        span = self.span()
        far = [m for m in sorted(self.months) if span and not span[0] <= m <= span[1]]
        if far and not lenient:
            bad = far[-1] if far[-1] > span[1] else far[0]
            file, row = self.first[bad]
            raise ValueError(f"{file}: row {row}: its usage period ({_month_text(bad)}) is more than "
                             f"{FAR_GAP_MONTHS} months from the rest of the bill ({_month_text(span[0])} to "
                             f"{_month_text(span[1])}): a typo in its dates? ({sum(self.months[m] for m in far)} "
                             "record(s) outside the bill's span; lenient=True leaves them unattributed)")
        return far, span

    def outside(self, cells, far, span, services, region_provider) -> tuple[np.ndarray, dict]:
        """Which cells lie outside the span, and the unattributed groups they become.

        Parameters
        ----------
        cells : tuple
            The builder's consolidated cells ``(hour, region, service, account, values)``.

        Returns
        -------
        keep : numpy.ndarray of bool
            Cells inside the span.
        groups : dict
            ``(service, kind, unit, reason, provider) -> [quantity, cost, records]``.
        """
        h, r, s, _, v = cells
        lo = np.datetime64(span[0], "M").astype("M8[h]").astype(np.int64)
        hi = np.datetime64(span[1] + 1, "M").astype("M8[h]").astype(np.int64)
        out = (h < lo) | (h >= hi)
        table = pd.DataFrame({"r": r[out], "s": s[out], "cost": v[out, len(VARIABLES)],
                              **{k: sum(v[out, _INDEX[x]] for x in xs) for k, xs in KIND_TOTALS.items()}})
        groups: dict[tuple, list] = {}

        def group(service, kind, provider):
            unit = units.CANONICAL[kind][1] if kind in units.CANONICAL else "(several)"
            return groups.setdefault((service, kind, unit, OUTSIDE_SPAN, provider), [0.0, 0.0, 0])

        for (ri, si), row in table.groupby(["r", "s"]).sum().iterrows():
            provider, service = region_provider[ri], str(services[si])
            kinds = [k for k in KIND_TOTALS if row[k] != 0]
            for k in kinds:
                group(service, k, provider)[0] += float(row[k])
            # the cost of a cell is not split by kind: it goes with the cell's only kind, else with "(several)"
            group(service, kinds[0] if len(kinds) == 1 else "(several)", provider)[1] += float(row["cost"])
        for (mo, provider, service, kind), n in self.groups.items():
            if mo in far:
                group(service, kind, provider)[2] += n
        return ~out, groups

