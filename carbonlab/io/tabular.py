"""Reading billing files as Arrow batches, and turning their columns into arrays.

Every reader of :mod:`carbonlab.io` goes through these helpers, so that CSV
(plain or gzip), Parquet and JSON lines files are read the same way: in
batches of about ``batch_rows`` rows (Parquet row groups, CSV blocks), with
string columns kept as dictionary codes so that classification runs once per
distinct value, not once per row.

Parsing rules (the same for every format)
-----------------------------------------
* **Missing values**: an empty cell, or the literal ``NULL`` (:data:`NULL_TOKENS`).
* **Numbers**: decimal text or a numeric column; a missing cell is missing.
  Anything else is an error naming the file, the 1-based data row and the
  column (or, with ``lenient=True``, a row flag the reader turns into an
  ``unattributed`` row).
* **Date-times**: ISO 8601 with or without a UTC offset, BigQuery's
  ``2025-01-01 00:00:00 UTC``, or US ``MM/DD/YYYY`` (Azure's exports) and
  ``M/D/YY`` (spreadsheet-saved files, e.g. the FOCUS specification's examples).
  A value without an offset is taken as UTC: all four export formats state
  their times in UTC.  Each column must use one format throughout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson
import pyarrow.parquet as pq

from carbonlab.io import _files

#: Default number of rows per batch (memory per batch is a few hundred MB at most).
BATCH_ROWS = 1_000_000
#: Most rows per batch of a text file (CSV, JSON): their rows are parsed into wide tables of text, and
#: smaller batches keep a streamed 10 M-row CSV under 1 GB (``benchmarks/bench_memory.py``).
TEXT_BATCH_ROWS = 250_000

_NS = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}

#: Cell texts that mean "no value" in the CSV exports seen in the wild: empty, and the literal
#: ``NULL`` that database-backed exporters write (the FinOps Foundation's FOCUS sample data).
NULL_TOKENS = ["", "NULL", "null"]


#: ``parquet``, ``csv``, ``jsonl`` or ``json`` from the name, else from the first bytes (the rule of
#: :func:`carbonlab.io._files.file_format`).
file_format = _files.file_format


def flatten(table: pa.Table) -> pa.Table:
    """Flatten struct columns into dotted names (``service.description``), recursively.

    >>> flatten(pa.table({"sku": [{"id": "1", "description": "Core"}]})).column_names
    ['sku.id', 'sku.description']
    """
    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    return table


def _first_json_record(path) -> dict:
    if _files.file_format(path) == "json":
        records = _files.json_records(path)
        return records[0] if records else {}
    text = _files.head(path).decode("utf-8-sig", errors="replace")
    for line in text.splitlines():
        if line.strip():
            try:
                return json.loads(line)
            except ValueError as exc:
                raise _files.FileError(f"{Path(path).name}: row 1 is not a JSON object ({exc})") from None
    return {}


def _dotted(record: dict, prefix: str = "") -> list[str]:
    out = []
    for k, v in record.items():
        if isinstance(v, dict):
            out += _dotted(v, f"{prefix}{k}.")
        else:
            out.append(f"{prefix}{k}")
    return out


def column_names(path) -> list[str]:
    """Column names of a file without reading its data (nested fields as dotted names)."""
    fmt = file_format(path)
    if fmt == "parquet":
        schema = pq.read_schema(path)
        return flatten(schema.empty_table()).column_names
    if fmt in ("jsonl", "json"):
        return _dotted(_first_json_record(path))
    return _files.csv_columns(path)


def _rebatch(batches, batch_rows: int) -> Iterator[pa.Table]:
    pending, size = [], 0
    for b in batches:
        if b.num_rows == 0:
            continue
        pending.append(b)
        size += b.num_rows
        if size >= batch_rows:
            yield pa.Table.from_batches(pending)
            pending, size = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def _row_group_runs(pf: pq.ParquetFile, batch_rows: int) -> list[list[int]]:
    runs, run, size = [], [], 0
    for i in range(pf.metadata.num_row_groups):
        n = pf.metadata.row_group(i).num_rows
        if run and size + n > batch_rows:
            runs.append(run)
            run, size = [], 0
        run.append(i)
        size += n
    if run:
        runs.append(run)
    return runs


def column(table: pa.Table, name: str | None):
    """Column ``name`` of ``table``; a column of nulls (strings) where ``name`` is None or not in the table.

    >>> column(pa.table({"a": [1, 2]}), "b").null_count
    2
    """
    if name is None or name not in table.column_names:
        return pa.nulls(table.num_rows, pa.string())
    return table.column(name)


def chunks(path, columns: list[str], chunk, *, batch_rows: int = BATCH_ROWS, numeric=(),
           json_schema: pa.Schema | None = None) -> Iterator:
    """What ``chunk`` makes of each table of a file (the loop every billing reader runs).

    Parameters
    ----------
    path, columns, batch_rows, numeric, json_schema
        As :func:`iter_tables` (the tables are not prefetched here: the readers prefetch the chunks
        they make, :func:`prefetched`).
    chunk : callable
        ``chunk(table, first_row, fetch)``: ``first_row`` is the 1-based data row of the table's first
        row, ``fetch`` as :func:`iter_tables` yields it.

    Yields
    ------
    What ``chunk`` returns, table by table.
    """
    first = 1
    for t, fetch in iter_tables(path, columns, batch_rows=batch_rows, json_schema=json_schema, prefetch=False,
                                numeric=numeric):
        yield chunk(t, first, fetch)
        first += t.num_rows


def parse_columns(table: pa.Table, parsers, *, name: str, first_row: int,
                  lenient: bool) -> tuple[list[np.ndarray], np.ndarray | None]:
    """Parse several columns of one table with :func:`times` or :func:`numbers` (or a function of their
    signature).

    Parameters
    ----------
    table : pyarrow.Table
    parsers : sequence of (callable, str)
        ``(parse, column name)`` pairs; a column not in the table is parsed as all missing.
    name, first_row, lenient
        As :func:`numbers`.

    Returns
    -------
    values : list of numpy.ndarray
        One array per pair, in order.
    bad : numpy.ndarray of bool or None
        Rows where a value could not be parsed (lenient only), None where there is none.
    """
    values, bad = [], np.zeros(table.num_rows, dtype=bool)
    for parse, col in parsers:
        v, b = parse(column(table, col), name=name, column_name=col, first_row=first_row, lenient=lenient)
        values.append(v)
        bad |= b
    return values, (bad if bad.any() else None)


def iter_tables(path, columns: list[str], *, batch_rows: int = BATCH_ROWS,
                json_schema: pa.Schema | None = None, prefetch: bool = True,
                numeric=()) -> Iterator[tuple[pa.Table, object]]:
    """Yield the file in Arrow tables of about ``batch_rows`` rows.

    Parameters
    ----------
    path : path-like
        The file (format from its name, see :func:`file_format`).
    columns : list of str
        Columns to read, as the file names them (dotted names for nested
        fields).  Columns absent from the file are skipped.
    batch_rows : int
        Rows per yielded table (Parquet yields whole row groups joined up to
        this size, so a row group larger than ``batch_rows`` is one table;
        text files at most :data:`TEXT_BATCH_ROWS`).
    json_schema : pyarrow.Schema, optional
        Explicit schema for JSON lines files (types of nested fields).
    prefetch : bool, default True
        Read the next table in a background thread while the caller works on
        the current one (Arrow decodes without holding the GIL).
    numeric : sequence of str
        Columns holding numbers: in text files they are read as plain text, not
        dictionary-encoded (their values are nearly all distinct).

    Yields
    ------
    table : pyarrow.Table
        String columns are dictionary-encoded where the format allows it.
    fetch : callable or None
        For Parquet, ``fetch(column)`` reads one more column for the same rows
        (used for expensive columns that are needed only sometimes, such as
        CUR 2.0's ``product`` map); None for text formats.
    """
    it = _iter_tables(path, columns, batch_rows=batch_rows, json_schema=json_schema, numeric=numeric)
    yield from (prefetched(it) if prefetch else it)


def prefetched(iterator) -> Iterator:
    """Run ``iterator`` one item ahead in a background thread.

    The readers put their batch work (Arrow decoding, which releases the GIL,
    and building the UsageTable chunk) in this thread, so that on two cores
    the next batch is prepared while the cube accumulates the current one.
    Exceptions are raised in the caller, in order.
    """
    from concurrent.futures import ThreadPoolExecutor

    done = object()
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(next, iterator, done)
        while True:
            item = future.result()
            if item is done:
                return
            future = pool.submit(next, iterator, done)
            yield item


def _iter_tables(path, columns, *, batch_rows, json_schema, numeric=()):
    return _READERS[file_format(path)](path, columns, batch_rows=batch_rows, json_schema=json_schema,
                                       numeric=numeric)


def _parquet_tables(path, columns, *, batch_rows, json_schema=None, numeric=()):
    """Runs of whole row groups; string columns read as dictionaries."""
    schema = pq.read_schema(path)
    top = {c.split(".")[0] for c in columns}
    present = [n for n in schema.names if n in top]
    strings = [n for n in schema.names if pa.types.is_string(schema.field(n).type)
               or pa.types.is_large_string(schema.field(n).type)]
    pf = pq.ParquetFile(path, read_dictionary=strings)
    for run in _row_group_runs(pf, batch_rows):
        t = pf.read_row_groups(run, columns=present, use_threads=True)

        def fetch(name, run=run):  # its own file handle: the prefetch thread may be reading
            if name not in schema.names:
                return None
            other = pq.ParquetFile(path)
            return flatten(other.read_row_groups(run, columns=[name], use_threads=True)).column(0)

        yield flatten(t), fetch


def _csv_tables(path, columns, *, batch_rows, json_schema=None, numeric=()):
    have = set(column_names(path))
    wanted = [c for c in columns if c in have]
    for t in _files.iter_csv(path, wanted, null_values=NULL_TOKENS, batch_rows=min(batch_rows, TEXT_BATCH_ROWS),
                             rebatch=_rebatch, plain=set(numeric)):
        yield t, None


def _json_tables(path, columns, *, batch_rows, json_schema=None, numeric=()):
    """A JSON document, read whole (an array of records, or records one after another)."""
    records = _files.json_records(path)
    for start in range(0, len(records), batch_rows):
        part = records[start:start + batch_rows]
        table = pa.Table.from_pylist(part, schema=json_schema) if json_schema is not None \
            else pa.Table.from_pylist(part)
        yield flatten(table), None


def _jsonl_tables(path, columns, *, batch_rows, json_schema=None, numeric=()):
    """JSON lines, streamed by Arrow."""
    read = pajson.ReadOptions(block_size=_files.CSV_BLOCK_BYTES, use_threads=True)
    parse = pajson.ParseOptions(explicit_schema=json_schema,
                                unexpected_field_behavior="ignore" if json_schema is not None else "infer")
    stream = pa.input_stream(str(path), compression="detect")
    reader = pajson.open_json(stream, read_options=read, parse_options=parse)
    for t in _rebatch(reader, min(batch_rows, TEXT_BATCH_ROWS)):
        yield flatten(t), None


#: File format (:func:`file_format`) -> the generator of its tables.
_READERS = {"parquet": _parquet_tables, "csv": _csv_tables, "json": _json_tables, "jsonl": _jsonl_tables}


# --- columns to arrays --------------------------------------------------------
def codes(column) -> tuple[np.ndarray, np.ndarray]:
    """Dictionary codes of a string column.

    Returns
    -------
    codes : numpy.ndarray of int64
        Index into ``categories``; -1 where the value is missing.
    categories : numpy.ndarray of object
        The distinct strings (may contain duplicates across dictionary chunks
        merged here; they are unified).
    """
    if isinstance(column, pa.ChunkedArray):
        if column.num_chunks == 0:
            return np.zeros(0, dtype=np.int64), np.array([], dtype=object)
        if pa.types.is_dictionary(column.type):
            column = column.unify_dictionaries()
            dictionary = column.chunk(0).dictionary
            idx = np.concatenate([c.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
                                  if c.null_count == 0 else
                                  c.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
                                  for c in column.chunks])
            cats = np.asarray(dictionary.to_pylist(), dtype=object)
            return unique_categories(idx, cats)
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        idx = column.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return unique_categories(idx, np.asarray(column.dictionary.to_pylist(), dtype=object))
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = pc.cast(column, pa.string())
    enc = column.dictionary_encode()
    return codes(enc)


def unique_categories(idx: np.ndarray, cats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make categories unique and non-null (remapping codes); a blank string is missing, as an empty
    CSV cell is (Parquet files written with non-null string columns hold ``""`` for missing values)."""
    if len(cats) == 0:
        return idx, cats
    as_list = cats.tolist()
    blank = [c is None or (isinstance(c, str) and not c.strip()) for c in as_list]
    if not any(blank) and len(set(as_list)) == len(as_list):  # already unique (Arrow dictionaries are)
        return idx, cats
    first: dict[str, int] = {}
    remap = np.empty(len(as_list), dtype=np.int64)
    for i, (c, b) in enumerate(zip(as_list, blank)):
        remap[i] = -1 if b else first.setdefault(str(c), len(first))
    out = np.where(idx >= 0, remap[np.clip(idx, 0, None)], -1)
    return out, np.asarray(list(first), dtype=object)


def map_codes(pair: tuple[np.ndarray, np.ndarray], fn) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``fn`` (categories -> new values, None where none) to a (codes, categories) pair.

    Rows whose category maps to None become missing (-1); the result's
    categories are made unique.
    """
    c, cats = pair
    mapped = np.asarray(list(fn(np.asarray(cats, dtype=object))), dtype=object) if len(cats) else cats
    valid = np.array([isinstance(v, str) and v != "" for v in mapped] + [False])
    c = np.where(valid[c], c, -1)
    return unique_categories(c, np.where(valid[:-1], mapped, None) if len(cats) else mapped)


def coalesce(*pairs: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the first non-missing value of several (codes, categories) pairs."""
    codes, cats = pairs[0]
    codes, cats = np.asarray(codes, dtype=np.int64), list(np.asarray(cats, dtype=object))
    for c, u in pairs[1:]:
        missing = codes < 0
        if not missing.any():
            break
        codes = np.where(missing & (c >= 0), c + len(cats), codes)
        cats.extend(np.asarray(u, dtype=object).tolist())
    return unique_categories(codes, np.asarray(cats, dtype=object))


def strings(column) -> np.ndarray:
    """A string column as an object array (None where missing)."""
    c, cats = codes(column)
    out = np.empty(len(c), dtype=object)
    out[:] = None
    ok = c >= 0
    out[ok] = cats[c[ok]]
    return out


class ParseError(ValueError):
    """A value that cannot be parsed, with the file, row and column it came from."""


def numbers(column, *, name: str, column_name: str, first_row: int, lenient: bool) -> tuple[np.ndarray, np.ndarray]:
    """Parse a numeric column.

    Returns
    -------
    values : numpy.ndarray of float64
        NaN where missing or (lenient) unparseable.
    bad : numpy.ndarray of bool
        True where a value was present but could not be parsed (lenient only).
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    where = dict(name=name, column_name=column_name, first_row=first_row, lenient=lenient)
    if pa.types.is_boolean(column.type):
        return _checked(np.full(len(column), np.nan), column.is_valid().to_numpy(zero_copy_only=False),
                        "a true/false value where a number is expected", column, **where)
    if pa.types.is_floating(column.type) or pa.types.is_integer(column.type) or pa.types.is_decimal(column.type):
        v = np.asarray(pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
        return _checked(v, np.zeros(len(v), dtype=bool), "", column, **where)
    try:
        v = np.asarray(pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
        return _checked(v, np.zeros(len(v), dtype=bool), "", column, **where)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    s = pd.Series(column.to_pandas(), dtype=object)
    stripped = s.where(s.isna(), s.astype(str).str.strip())
    v = pd.to_numeric(stripped.replace("", None), errors="coerce")
    bad = (v.isna() & stripped.notna() & (stripped != "")).to_numpy()
    return _checked(v.to_numpy(dtype=float), bad, "cannot parse {value!r} as a number", column, **where)


#: Largest magnitude a billing number may have: quantities run up to ~1e19 (GCP byte-seconds of a
#: petabyte-month); anything past 1e30 is a corrupt value, and its sum could overflow to infinity.
MAX_MAGNITUDE = 1e30


def _checked(v: np.ndarray, bad: np.ndarray, why: str, column, *, name, column_name, first_row, lenient):
    """Flag values that are not finite numbers of a sane size; raise for the first unless lenient."""
    absurd = np.isinf(v) | (np.abs(np.nan_to_num(v)) > MAX_MAGNITUDE)
    for mask, message in ((bad, why), (absurd, "{value!r} is not a finite number of a sane size "
                                               f"(|x| <= {MAX_MAGNITUDE:g})")):
        if mask.any() and not lenient:
            i = int(np.flatnonzero(mask)[0])
            value = column[i].as_py() if hasattr(column[i], "as_py") else column[i]
            raise ParseError(f"{name}: row {first_row + i}, column {column_name}: " + message.format(value=value))
    flagged = bad | absurd
    return np.where(flagged, np.nan, v), flagged


NAT = np.iinfo(np.int64).min


def _parse_time_strings(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse distinct time strings; returns int64 ns (NaT as min) and a bad mask."""
    s = pd.Series(values, dtype=object).str.strip()
    s = s.str.replace(r"\s+UTC$", "+00:00", regex=True)
    attempts = [dict(format="ISO8601"), dict(format="%m/%d/%Y"), dict(format="%m/%d/%Y %H:%M:%S"),
                dict(format="%m/%d/%Y %I:%M:%S %p"), dict(format="%m/%d/%y")]
    best = None
    for kw in attempts:
        t = pd.to_datetime(s, utc=True, errors="coerce", **kw)
        if best is None or t.notna().sum() > best.notna().sum():
            best = t
        if t.notna().all():
            break
    if not len(best):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    # microseconds hold any year; nanoseconds (pandas' and the cube's unit) only 1677-2262
    us = best.astype("datetime64[us, UTC]").array.asi8
    missing = best.isna().to_numpy()
    out_of_range = ~missing & (np.abs(us) >= np.iinfo(np.int64).max // 1000)
    ns = np.where(missing | out_of_range, NAT, us * 1000)
    return ns.astype(np.int64), missing | out_of_range



def times(column, *, name: str, column_name: str, first_row: int, lenient: bool) -> tuple[np.ndarray, np.ndarray]:
    """Parse a date-time column to UTC nanoseconds since the epoch.

    Returns
    -------
    values : numpy.ndarray of int64
        ``NAT`` (the smallest int64) where missing or (lenient) unparseable.
    bad : numpy.ndarray of bool
        True where a value was present but could not be parsed.
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    t = column.type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        if pa.types.is_date(t):
            column, t = pc.cast(column.cast(pa.date32()), pa.timestamp("s")), pa.timestamp("s")
        v = column.cast(pa.int64()).fill_null(NAT).to_numpy(zero_copy_only=False).astype(np.int64)
        factor = _NS[t.unit]
        bad = (v != NAT) & (np.abs(v) >= np.iinfo(np.int64).max // factor)   # past 2262: no nanoseconds
        if bad.any() and not lenient:
            i = int(np.flatnonzero(bad)[0])
            raise ParseError(f"{name}: row {first_row + i}, column {column_name}: {column[i]} is out of the range "
                             "of dates carbonlab places (1677-2262)")
        return np.where((v == NAT) | bad, NAT, v * factor), bad
    c, cats = codes(column)
    parsed, bad_cat = _parse_time_strings(cats)
    out = np.full(len(c), NAT, dtype=np.int64)
    ok = c >= 0
    out[ok] = np.where(bad_cat[c[ok]], NAT, parsed[c[ok]])
    bad = np.zeros(len(c), dtype=bool)
    bad[ok] = bad_cat[c[ok]]
    if bad.any() and not lenient:
        i = int(np.flatnonzero(bad)[0])
        raise ParseError(f"{name}: row {first_row + i}, column {column_name}: cannot parse "
                         f"{cats[c[i]]!r} as a date-time (of years 1677-2262)")
    return out, bad
