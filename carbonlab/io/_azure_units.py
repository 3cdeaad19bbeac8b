"""Units of measure of Azure cost-details rows that have none, and values a localised spreadsheet wrote.

The rules are those of :mod:`carbonlab.io.azure_costs` (module docstring, "Rows without a unit" and
"Localised headers"), implemented here for its reader and its classification rules:

* :class:`MeterUnits` fills an empty unit cell with the one unit the other rows of the same meter carry
  (one extra pass over the meter and unit columns, made only when a file has empty unit cells);
* :func:`infer_unit` infers a unit from the meter name (:data:`UNIT_INFERENCE`), and :func:`unit_notes`
  says on each row where its unit came from, or why it has none;
* :func:`localised` parses a column with :func:`carbonlab.io.tabular.times` or
  :func:`carbonlab.io.tabular.numbers` and names what a value that cannot be parsed looks like when it
  looks like a localised spreadsheet's (a day-first date, a decimal comma).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from carbonlab.io import _chunks, tabular

__all__ = ["UNIT_INFERENCE", "NO_UNIT", "HOURS_METERS", "infer_unit", "unit_notes", "MeterUnits", "blank",
           "locale_hint", "localised"]

#: Units of measure inferred for usage rows that have none: (meter category pattern, meter name pattern,
#: unit, certain).  ``certain`` is False where the unit is Azure's usual one for the meter but not stated by
#: the row; such rows say so in their note.  Hours (VMs, App Service, vCores, caches) and GB-seconds are
#: not inferred: their pack sizes vary (:mod:`carbonlab.io.azure_costs`).
UNIT_INFERENCE = (
    (r"", r"Data Transfer Out \(GB\)$", "1 GB", True),
    (r"^Bandwidth$", r"Data Transfer Out(?: - Free)?$", "1 GB", False),
    (r"^Storage$", r"^[PES]\d{1,2}(?: (?:LRS|ZRS))? Disks?$", "1/Month", False),
)
#: Meters billed in hours, whose hours come in packs of 1, 10 or 100: never inferred.
HOURS_METERS = re.compile(r"^(?:Virtual Machines|Azure App Service|App Service|Redis Cache|Azure Cache for Redis)$|"
                          r"\bvCore\b", re.I)
#: Reason of a usage row without a unit of measure.
NO_UNIT = "no unit of measure"


def infer_unit(category: pd.Series, meter: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Unit of measure from the meter (:data:`UNIT_INFERENCE`, first match) and whether it is certain.

    >>> unit, certain = infer_unit(pd.Series(["Bandwidth", "Storage"]), pd.Series(["Data Transfer Out (GB)",
    ...                                                                               "P10 LRS Disk"]))
    >>> unit.tolist(), certain.tolist()
    (['1 GB', '1/Month'], [True, False])
    """
    unit = pd.Series(None, index=meter.index, dtype=object)
    certain = np.zeros(len(meter), dtype=bool)
    for cat_pattern, meter_pattern, u, sure in UNIT_INFERENCE:
        hit = (unit.isna() & category.str.contains(cat_pattern, regex=True)
               & meter.str.contains(meter_pattern, regex=True)).to_numpy()
        unit[hit] = u
        certain[hit] = sure
    return unit, certain


def unit_notes(cls: pd.DataFrame, keys: pd.DataFrame, *, no_unit: np.ndarray, inferred: np.ndarray,
               certain: np.ndarray, from_meter: pd.Series, unit_of: pd.Series) -> None:
    """Notes of a class table's keys on their unit: why a usage row has none (``no_unit``), and where the
    unit of a placed row came from when the row did not bill it (the meter name, other rows of the meter)."""
    cat, meter = keys["category"].fillna("").astype(str), keys["meter"].fillna("").astype(str)
    hours_meter = (cat.str.contains(HOURS_METERS) | meter.str.contains(HOURS_METERS)).to_numpy()
    _chunks.assign(cls, no_unit, note=NO_UNIT)
    _chunks.assign(cls, no_unit & hours_meter, note=f"{NO_UNIT} (hours billed in packs of 1, 10 or 100 hours)")
    placed = (cls["kind"] != "unknown").to_numpy() & (cls["note"] == "").to_numpy()
    _chunks.assign(cls, placed & inferred & certain, note="unit from the meter name: " + from_meter)
    _chunks.assign(cls, placed & inferred & ~certain,
                   note=f"unit inferred from the meter name ({NO_UNIT}): " + from_meter)
    if "unit_from" in keys:
        m = placed & (keys["unit_from"] == "meter").to_numpy()
        _chunks.assign(cls, m, note="unit of measure from other rows of the same meter: " + unit_of.astype(str))


def blank(unit: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Rows whose unit, a (codes, categories) pair, is missing or blank."""
    c, cats = unit
    empty = np.array([str(x).strip() == "" for x in cats] + [True], dtype=bool)
    return empty[c]                                               # code -1 (missing) -> last -> True


def _decode(coded: list[tuple[np.ndarray, np.ndarray]], rows: np.ndarray) -> tuple[list[tuple], np.ndarray]:
    """Distinct value tuples of the selected rows of several (codes, categories) columns, and the index of
    each selected row's tuple."""
    stacked = np.stack([c[rows] for c, _ in coded], axis=1)
    uniq, inv = np.unique(stacked, axis=0, return_inverse=True)
    values = [tuple(None if i < 0 else cats[i] for i, (_, cats) in zip(row, coded)) for row in uniq]
    return values, inv.ravel()


class MeterUnits:
    """The unit of each meter (category, subcategory, name) of a file, for its rows with an empty unit cell.

    Parameters
    ----------
    path : path-like
    columns : dict
        The reader's field -> file column map (``category``, ``subcategory``, ``meter``, ``unit``).
    """

    METER = ("category", "subcategory", "meter")

    def __init__(self, path, columns: dict[str, str]):
        self.path = path
        self.cols = columns
        self._units: dict[tuple, str | None] | None = None

    def _col(self, t, key: str):
        return tabular.column(t, self.cols.get(key))

    def units(self, batch_rows: int) -> dict[tuple, str | None]:
        """Unit of each meter over the whole file; None if it has several (read once, when first asked)."""
        if self._units is None:
            seen: dict[tuple, set] = {}
            cols = [self.cols[k] for k in (*self.METER, "unit") if k in self.cols]
            for t, _ in tabular.iter_tables(self.path, cols, batch_rows=batch_rows, prefetch=False):
                unit = tabular.codes(self._col(t, "unit"))
                rows = np.flatnonzero(~blank(unit))
                if not len(rows):
                    continue
                values, _ = _decode([tabular.codes(self._col(t, k)) for k in self.METER] + [unit], rows)
                for v in values:
                    seen.setdefault(v[:-1], set()).add(v[-1])
            self._units = {k: (next(iter(v)) if len(v) == 1 else None) for k, v in seen.items()}
        return self._units

    def fill(self, coded_meter, unit, batch_rows: int):
        """Unit codes with the units of empty cells taken from other rows of the same meter, and a
        (codes, categories) column ``unit_from`` (``meter`` where filled)."""
        n = len(unit[0])
        none = (np.full(n, -1, dtype=np.int64), np.array([], dtype=object))
        empty = blank(unit)
        if "unit" not in self.cols or not empty.any():
            return unit, none
        units = self.units(batch_rows)
        idx = np.flatnonzero(empty)
        meters, inv = _decode(coded_meter, idx)
        c, cats = unit
        where = {u: i for i, u in enumerate(cats)}
        fill = np.array([-1 if (u := units.get(m)) is None else where.setdefault(u, len(where)) for m in meters],
                        dtype=np.int64)[inv]
        new = c.copy()
        new[idx] = np.where(fill >= 0, fill, c[idx])
        src = np.full(n, -1, dtype=np.int64)
        src[idx[fill >= 0]] = 0
        return (new, np.asarray(list(where), dtype=object)), (src, np.array(["meter"], dtype=object))


# ------------------------------------------------------------------------------------- localised values
_DMY_DOT = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s|$)")
_DMY_SLASH = re.compile(r"^(1[3-9]|2\d|3[01])/(0?[1-9]|1[0-2])/\d{4}(?:\s|$)")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d{1,3}(?:[.\s\u00a0]?\d{3})*,\d+$")
_RESAVED = "Azure writes the same format in every language; was the file re-saved by a spreadsheet with local settings?"
_UNPARSED = re.compile(r"cannot parse '(.*)' as")


def locale_hint(value: str) -> str:
    """What a value that cannot be parsed looks like, when it looks like a localised spreadsheet's.

    >>> locale_hint("31.01.2025")[:26]
    ' (a day.month.year date: A'
    >>> locale_hint("abc")
    ''
    """
    if _DMY_DOT.match(value):
        return f" (a day.month.year date: {_RESAVED})"
    if _DMY_SLASH.match(value):
        return f" (a day/month/year date: {_RESAVED})"
    if _DECIMAL_COMMA.match(value):
        return f" (a decimal comma or a thousands separator: {_RESAVED})"
    return ""


def localised(parse, column, *, name: str, column_name: str, first_row: int, lenient: bool):
    """``parse`` (:func:`carbonlab.io.tabular.times` or :func:`~carbonlab.io.tabular.numbers`) on a column,
    saying what a value that cannot be parsed looks like.

    A localised format (day-first date, decimal comma) is a property of the column, not of a row: it
    raises even when lenient, since the column's other values cannot be trusted (``05.01.2025``,
    ``1.234``).  Use it as a parser of :func:`carbonlab.io.tabular.parse_columns` through
    ``functools.partial(localised, tabular.times)``.
    """
    try:
        values, bad = parse(column, name=name, column_name=column_name, first_row=first_row, lenient=lenient)
    except tabular.ParseError as e:
        m = _UNPARSED.search(str(e))
        hint = locale_hint(m.group(1)) if m else ""
        if not hint:
            raise
        raise tabular.ParseError(f"{e}{hint}") from None
    if bad.any():
        raw = tabular.strings(column)
        hints: dict[str, str] = {}
        for i in np.flatnonzero(bad):
            value = str(raw[i]).strip()
            hint = hints.setdefault(value, locale_hint(value))
            if hint:
                what = "a date-time" if parse is tabular.times else "a number"
                raise tabular.ParseError(f"{name}: row {first_row + i}, column {column_name}: "
                                         f"cannot parse {raw[i]!r} as {what}{hint}")
    return values, bad
