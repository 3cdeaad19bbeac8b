"""Classes of the distinct keys of a file, and the UsageTable rows built from them.

Every billing reader classifies its lines with these tools (the rules themselves are in
:mod:`carbonlab.io.classify` and in each reader's ``*_rules``).  Rules run once per *distinct key* of
a file (usage type, unit, service, instance type, ...), never per row: :class:`KeyTable` factorises a
batch's key columns, classifies the keys it has not seen yet and returns, per row, the index of its
class.  :func:`usage_chunk` then builds the UsageTable rows of the batch from the classes and the row
values (times, quantities, costs), with every quantity in its kind's canonical unit
(:data:`carbonlab.core.units.CANONICAL`: vCPU-h, GPU-h, GB-h of memory, TB-h of storage, GB of network;
decimal prefixes, binary units converted exactly; GB-months with the real days of the row's month,
:func:`carbonlab.core.units.to_canonical`).  Unattributed rows keep the quantity and unit as billed.
:func:`concat_chunks` joins a file's chunks into one validated UsageTable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonlab.core import schema, units

__all__ = ["CLASS_COLUMNS", "class_table", "assign", "finish", "KeyTable", "usage_chunk", "concat_chunks"]

#: Columns of a class table (one row per distinct key of a file).
CLASS_COLUMNS = {"kind": "unknown", "unit": None, "factor": 1.0, "instance_type": None, "storage_class": None,
                 "storage_class_guessed": False, "replication": 1.0, "utilization": np.nan,
                 "gpu_factor": 0.0, "note": ""}


def class_table(n: int, index=None) -> pd.DataFrame:
    """An empty class table of ``n`` keys (every key ``unknown``) for rules to fill in."""
    idx = pd.RangeIndex(n) if index is None else index
    return pd.DataFrame({c: pd.Series([v] * n, index=idx, dtype=object if isinstance(v, str) or v is None
                                      else type(v)) for c, v in CLASS_COLUMNS.items()})


def assign(classes: pd.DataFrame, rows, **values) -> None:
    """Set columns of a class table at ``rows`` (a boolean mask over its keys).

    Each value is one value for all those keys, or an array or Series over all the keys of the table,
    taken at ``rows``: ``assign(cls, ok, kind="compute", unit="vCPU-h", factor=vcpu)``.
    """
    rows = np.asarray(rows, dtype=bool)
    for column, value in values.items():
        classes.loc[rows, column] = value[rows] if isinstance(value, (np.ndarray, pd.Series)) else value


def finish(classes: pd.DataFrame, billed_unit: pd.Series, *, note: str | None = None) -> pd.DataFrame:
    """The last rule of every reader: unknown keys keep the unit as billed, with factor 1, and ``note``
    where no rule gave them a reason."""
    unknown = (classes["kind"] == "unknown").to_numpy()
    assign(classes, unknown, unit=billed_unit, factor=1.0)
    if note is not None:
        assign(classes, unknown & (classes["note"] == "").to_numpy(), note=note)
    return classes


class KeyTable:
    """Classes of the distinct keys of a file, built once per key across batches.

    Parameters
    ----------
    rules : callable
        ``rules(keys) -> classes``: a DataFrame of distinct keys (one column per
        key column, strings or None) to a class table (:data:`CLASS_COLUMNS`)
        on the same index.
    columns : list of str
        Names of the key columns, in order.
    """

    def __init__(self, rules, columns: list[str]):
        self.rules = rules
        self.columns = list(columns)
        self._index: dict[tuple, int] = {}
        self._frames: list[pd.DataFrame] = []
        self._classes: pd.DataFrame | None = None

    @property
    def classes(self) -> pd.DataFrame:
        """All classes so far, indexed 0..n-1 in the order keys were first seen."""
        if self._classes is None or len(self._classes) != len(self._index):
            self._classes = (pd.concat(self._frames, ignore_index=True) if self._frames
                             else class_table(0))
        return self._classes

    def lookup(self, coded: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Class index of each row from its key columns given as (codes, categories) pairs."""
        n = len(coded[0][0])
        key = np.zeros(n, dtype=np.int64)
        radix = 1
        for c, cats in coded:
            size = len(cats) + 1
            if radix * size > 2**62:
                key, uniq = pd.factorize(key)
                key = key.astype(np.int64)
                radix = len(uniq)
            key = key * size + (c + 1)
            radix *= size
        inv, uniq = pd.factorize(key, sort=False)
        # decode each distinct key back to its strings
        rem = np.asarray(uniq, dtype=np.int64)
        parts = []
        for c, cats in reversed(coded):
            size = len(cats) + 1
            parts.append(rem % size - 1)
            rem = rem // size
        parts.reverse()
        tuples = list(zip(*[[None if i < 0 else cats[i] for i in p] for p, (_, cats) in zip(parts, coded)]))
        new = [t for t in dict.fromkeys(tuples) if t not in self._index]
        if new:
            keys = pd.DataFrame(new, columns=self.columns)
            classes = self.rules(keys)
            missing = set(CLASS_COLUMNS) - set(classes.columns)
            if missing:
                raise RuntimeError(f"classification rules did not fill {sorted(missing)}")
            start = len(self._index)
            for i, t in enumerate(new):
                self._index[t] = start + i
            self._frames.append(classes[list(CLASS_COLUMNS)].reset_index(drop=True))
        class_of_uniq = np.fromiter((self._index[t] for t in tuples), dtype=np.int64, count=len(tuples))
        return class_of_uniq[inv]


def _cat(codes: np.ndarray, categories) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(categories), dtype=object), validate=False)


def _factor(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    c, u = pd.factorize(values.astype(object), use_na_sentinel=True)
    return c.astype(np.int64), np.asarray(u, dtype=object)


def _as_cat(value, n: int) -> pd.Categorical:
    """A per-row string column from a (codes, categories) pair, an array, or one value."""
    if isinstance(value, tuple):
        return _cat(*value)
    if value is None or isinstance(value, str):
        return _cat(np.zeros(n, dtype=np.int64) if value is not None else np.full(n, -1, dtype=np.int64),
                    [value] if value is not None else [])
    c, u = _factor(pd.Series(np.asarray(value, dtype=object)))
    return _cat(c, u)


def _datetimes(ns: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(np.asarray(ns, dtype=np.int64).view("M8[ns]")).tz_localize("UTC")


def _canonical(classes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Per class: exact factor to the kind's canonical unit, whether the unit is GB-months of storage or
    memory (converted row by row with the days of the row's month), and the canonical unit.  A unit that
    cannot measure its kind is kept as it is (the cube then reports it as ``unit not convertible``)."""
    factor = np.ones(len(classes))
    month = np.zeros(len(classes), dtype=bool)
    out = classes["unit"].astype(object).copy()
    for i, (k, u) in enumerate(zip(classes["kind"], classes["unit"])):
        if k not in units.CANONICAL or u is None or (isinstance(u, float) and np.isnan(u)):
            continue
        if u == "GB-Mo" and k in ("storage", "memory"):
            month[i] = True
        else:
            try:
                factor[i] = units.conversion_factor(u, k)
            except ValueError:
                continue
        out.iloc[i] = units.CANONICAL[k][1]
    return factor, month, out


def _kinds(classes: pd.DataFrame, key: np.ndarray, bad: np.ndarray | None):
    """Per row: kind and note codes (rows flagged ``bad`` are ``unknown``, ``unparseable value (lenient)``)."""
    kind_c, kind_u = _factor(classes["kind"])
    kind = kind_c[key]
    if "unknown" not in kind_u.tolist():
        kind_u = np.append(kind_u, "unknown")
    unknown_kind = kind_u.tolist().index("unknown")
    note_c, note_u = _factor(classes["note"].fillna(""))
    note = note_c[key]
    if bad is not None and bad.any():
        kind = np.where(bad, unknown_kind, kind)
        note_u = np.append(note_u, "unparseable value (lenient)")
        note = np.where(bad, len(note_u) - 1, note)
    return (kind, kind_u), (note, note_u), kind == unknown_kind


def _quantities(classes: pd.DataFrame, key: np.ndarray, quantity: np.ndarray, start_ns: np.ndarray,
                is_unknown: np.ndarray, to_canonical: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Per row: the quantity in its kind's canonical unit (as billed where the row is unknown)."""
    billed = quantity * classes["factor"].to_numpy(dtype=float)[key]
    qty = billed * to_canonical[key]
    kinds = classes["kind"].to_numpy(dtype=object)
    for kind in ("storage", "memory"):       # GB-months: TB-hours of the row's month, as units.to_canonical
        rows = (month & (kinds == kind))[key]
        if rows.any():
            tb_hours = units.gb_month_to_tb_hours(billed[rows], start_ns[rows])
            qty[rows] = tb_hours * units.KILO / units.CANONICAL[kind][2]
    return np.where(is_unknown, quantity, qty)


def _units(canonical_unit: pd.Series, key: np.ndarray, raw_unit, is_unknown: np.ndarray):
    """Per row: unit codes, the canonical unit of the class, or for unknown rows the unit as billed."""
    unit_c, unit_u = _factor(canonical_unit)
    unit = unit_c[key]
    if raw_unit is None:
        return unit, unit_u
    rc, ru = raw_unit if isinstance(raw_unit, tuple) else _factor(pd.Series(np.asarray(raw_unit, dtype=object)))
    offset = len(unit_u)
    unit_u = np.concatenate([unit_u, np.asarray(ru, dtype=object)])
    unit = np.where(is_unknown, np.where(rc >= 0, rc + offset, -1), unit)
    if len(set(unit_u.tolist())) != len(unit_u):  # the same unit as class and as billed
        unit_u, remap = np.unique(unit_u.astype(str), return_inverse=True)
        unit = np.where(unit >= 0, remap[np.clip(unit, 0, None)], -1)
        unit_u = unit_u.astype(object)
    return unit, unit_u


def _with_gpu_rows(table: pd.DataFrame, classes: pd.DataFrame, key: np.ndarray, quantity: np.ndarray,
                   is_unknown: np.ndarray) -> pd.DataFrame:
    """The table plus one ``gpu`` row (same ``source_row``, zero cost) per line of a GPU instance."""
    gpu = classes["gpu_factor"].to_numpy(dtype=float)[key]
    g = (gpu > 0) & ~is_unknown
    if not g.any():
        return table
    rows = table.loc[g].copy()
    rows["kind"] = _cat(np.zeros(int(g.sum()), dtype=np.int64), ["gpu"])
    rows["quantity"] = quantity[g] * gpu[g]
    rows["unit"] = _cat(np.zeros(int(g.sum()), dtype=np.int64), ["GPU-h"])
    rows["cost"] = 0.0
    rows["utilization"] = np.nan
    rows["storage_class_guessed"] = False
    return pd.concat([table, rows], ignore_index=True)


def usage_chunk(classes: pd.DataFrame, key: np.ndarray, *, start_ns: np.ndarray, end_ns: np.ndarray,
                quantity: np.ndarray, cost: np.ndarray, provider, region, service, account,
                source_file: str, first_row: int, bad: np.ndarray | None = None,
                raw_unit=None, currency=None) -> pd.DataFrame:
    """UsageTable rows of one batch, from the class of each row and its values.

    Parameters
    ----------
    classes : pandas.DataFrame
        Class table (:data:`CLASS_COLUMNS`), indexed 0..k-1.
    key : numpy.ndarray of int
        Class index of each row.
    start_ns, end_ns : numpy.ndarray of int64
        Period of each row, UTC nanoseconds.
    quantity : numpy.ndarray of float
        Quantity as billed, before the class factor.
    cost : numpy.ndarray of float
    provider, region, service, account
        Per-row strings: a (codes, categories) pair, an array, or one string.
    source_file : str
    first_row : int
        1-based data row of the batch's first row.
    bad : numpy.ndarray of bool, optional
        Rows with a value that could not be parsed (lenient reading): kind
        ``unknown``, note ``unparseable value (lenient)``.
    raw_unit : optional
        Per-row units as billed, used for unknown rows (defaults to the class unit).
    currency : optional
        Per-row currency of ``cost`` (ISO 4217 code as the file writes it).

    Returns
    -------
    pandas.DataFrame
        UsageTable rows (categorical string columns) plus ``storage_class_guessed``;
        GPU instances add one ``gpu`` row per line, with the same ``source_row``
        and zero cost.
    """
    n = len(key)
    (kind, kind_u), (note, note_u), is_unknown = _kinds(classes, key, bad)
    to_canonical, month, canonical_unit = _canonical(classes)
    unit, unit_u = _units(canonical_unit, key, raw_unit, is_unknown)
    it_c, it_u = _factor(classes["instance_type"])
    sc_c, sc_u = _factor(classes["storage_class"])
    table = pd.DataFrame({
        "start": _datetimes(start_ns), "end": _datetimes(end_ns),
        "account": _as_cat(account, n), "provider": _as_cat(provider, n), "region": _as_cat(region, n),
        "service": _as_cat(service, n), "kind": _cat(kind, kind_u), "instance_type": _cat(it_c[key], it_u),
        "quantity": _quantities(classes, key, quantity, start_ns, is_unknown, to_canonical, month),
        "unit": _cat(unit, unit_u),
        "storage_class": _cat(sc_c[key], sc_u),
        "replication": classes["replication"].to_numpy(dtype=float)[key],
        "utilization": classes["utilization"].to_numpy(dtype=float)[key],
        "cost": cost, "currency": _as_cat(currency, n),
        "source_file": _cat(np.zeros(n, dtype=np.int64), [source_file]),
        "source_row": np.arange(first_row, first_row + n, dtype=np.int64),
        "note": _cat(note, note_u),
        "storage_class_guessed": classes["storage_class_guessed"].to_numpy(dtype=bool)[key] & ~is_unknown,
    })
    return _with_gpu_rows(table, classes, key, quantity, is_unknown)


def concat_chunks(chunks: list[pd.DataFrame], name: str, source_format: str | None = None) -> pd.DataFrame:
    """Join a file's chunks into one validated UsageTable (canonical dtypes).

    ``source_format``, when given, is recorded in ``attrs["source_format"]``.
    """
    if not chunks:
        table = schema.validate_usage_table(schema.empty_usage_table().assign(storage_class_guessed=False),
                                            name=name)
    else:
        table = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
        for col in ("account", "provider", "region", "service", "kind", "instance_type", "unit", "storage_class",
                    "currency", "source_file", "note"):
            table[col] = table[col].astype(object)
        table = schema.validate_usage_table(table, name=name)
    if source_format is not None:
        table.attrs["source_format"] = source_format
    return table
