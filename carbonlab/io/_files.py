"""What kind of file a billing export is, and reading text exports in all the shapes seen in the wild.

Used by :mod:`carbonlab.io.tabular`; every reader goes through it.

Rules
-----
*File format.*  From the name first (``.csv``, ``.parquet``, ``.jsonl``,
``.json``, each optionally ``.gz``); a name that says nothing (a bare ``.gz``,
no extension) is told from the first bytes: Parquet's ``PAR1`` magic, a JSON
document (``{`` or ``[``), else delimited text.

*Delimited text.*  The delimiter is the most frequent of ``,`` ``;`` tab ``|``
and ``\\x01`` in the header line (European Azure exports use ``;``; Athena's
Hive text tables use ``\\x01`` with ``\\N`` for nulls and no quoting).  A row
with fewer fields than the header has its missing trailing fields empty (the
convention of pandas and of the ``csv`` module's ``DictReader``; seen in
generated CUR fixtures whose last column is absent from every row); a row with
more fields than the header is an error naming the file and row.

*JSON.*  A file whose first record is a whole line is JSON lines (streamed);
otherwise it is one JSON array of records, or several JSON objects written one
after the other (BigQuery's "JSON" download of a query), read whole.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import struct
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.csv as pacsv

#: Candidate delimiters of delimited text exports, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|", "\x01")
_EXTENSIONS = {".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
               ".csv": "csv", ".txt": "csv", ".tsv": "csv"}


class FileError(ValueError):
    """A file that cannot be read as it is, with the file (and row) named."""


#: Exceptions of the libraries that decode files (Arrow, gzip, zlib, codecs, json, csv): inside a reader
#: they mean a broken file, and become a :class:`FileError` naming it (:func:`reading`).
DEPENDENCY_ERRORS = (pa.ArrowException, UnicodeError, EOFError, zlib.error, gzip.BadGzipFile, csv.Error,
                     json.JSONDecodeError, struct.error, OverflowError, OSError)


def _explain(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at byte {exc.start} of a block)"
    if isinstance(exc, (EOFError, gzip.BadGzipFile, zlib.error)) or "compress" in text.lower() or \
            "gzip" in text.lower():
        return f"truncated or corrupt compressed data ({text[:120]})"
    if "magic bytes" in text or "Parquet file size is 0" in text or "footer" in text.lower():
        return "not a complete Parquet file (empty, truncated, or another format named .parquet)"
    if "invalid UTF8" in text or "utf-8" in text.lower() or "utf8" in text.lower():
        return "not UTF-8 text"
    return text[:200]


@contextmanager
def reading(path):
    """Turn the decoding libraries' exceptions into one line naming the file (row where known)."""
    try:
        yield
    except FileError:
        raise
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise FileError(f"{Path(path).name}: {exc.strerror or exc}") from None
    except DEPENDENCY_ERRORS as exc:
        row = re.search(r"[Rr]ow #?(\d+)", str(exc))
        where = f" near row {row.group(1)}" if row else ""
        raise FileError(f"{Path(path).name}: cannot be read{where}: {_explain(exc)}") from None


def head(path, size: int = 1 << 16) -> bytes:
    """The first ``size`` bytes of a file, decompressed when it is gzip."""
    with open(path, "rb") as f:
        start = f.read(2)
    opener = gzip.open if start == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        return f.read(size)


def file_format(path) -> str:
    """``parquet``, ``csv``, ``jsonl`` or ``json`` (a JSON document), from the name or the first bytes."""
    name = Path(path).name.lower()
    stem = name[:-3] if name.endswith(".gz") else name
    fmt = _EXTENSIONS.get(Path(stem).suffix)
    if fmt == "json":
        return _json_kind(path)
    if fmt is not None:
        return fmt
    first = head(path, 4096)
    if first[:4] == b"PAR1":
        return "parquet"
    text = first.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return _json_kind(path)
    return "csv"


def _json_kind(path) -> str:
    text = head(path).decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("{"):
        try:
            json.loads(text.splitlines()[0])
            return "jsonl"
        except ValueError:
            return "json"
    return "json"


def _open_text(path):
    with open(path, "rb") as f:
        start = f.read(2)
    if start == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, "rt", encoding="utf-8-sig", newline="")


def header_line(path) -> str:
    """The first line of a text file (decompressed, without a byte-order mark)."""
    text = head(path).decode("utf-8-sig", errors="replace")
    return text.splitlines()[0] if text else ""


def delimiter(path) -> str:
    """The delimiter of a delimited text file, from its header line."""
    line = header_line(path)
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_columns(path) -> list[str]:
    """The header of a delimited text file."""
    d = delimiter(path)
    line = header_line(path)
    if d == "\x01":
        return line.split(d)
    return next(csv.reader([line], delimiter=d), [])


#: Bytes of text Arrow parses at a time.  Arrow keeps several blocks in flight per thread, so the block
#: bounds the reader's memory: measured on a 2 M-row FOCUS CSV (``benchmarks/bench_memory.py``), 64 MB
#: blocks peak at ~1 GB and parse at 0.3 M rows/s, 4 MB blocks at ~0.25 GB and 0.8 M rows/s.
CSV_BLOCK_BYTES = 4 << 20


def csv_options(path, wanted: list[str], null_values: list[str], plain=()):
    """Arrow parse and convert options for a delimited text file: every column read as text, dictionary
    encoded except ``plain`` ones (numbers, whose values are nearly all distinct)."""
    d = delimiter(path)
    hive = d == "\x01"
    parse = pacsv.ParseOptions(delimiter=d, quote_char=False if hive else '"', newlines_in_values=not hive)
    types = {c: pa.string() if c in plain else pa.dictionary(pa.int32(), pa.string()) for c in wanted}
    convert = pacsv.ConvertOptions(include_columns=wanted, column_types=types,
                                   null_values=null_values + (["\\N"] if hive else []), strings_can_be_null=True,
                                   quoted_strings_can_be_null=True)
    return parse, convert


def iter_csv(path, wanted: list[str], *, null_values: list[str], batch_rows: int, rebatch,
             plain=(), block_size: int = CSV_BLOCK_BYTES) -> Iterator[pa.Table]:
    """Arrow tables of a delimited text file, falling back to Python's ``csv`` for ragged rows."""
    parse, convert = csv_options(path, wanted, null_values, plain)
    read = pacsv.ReadOptions(block_size=block_size, use_threads=True)
    done = 0
    try:
        with pa.input_stream(str(path), compression="detect") as stream:
            for t in rebatch(pacsv.open_csv(stream, read_options=read, parse_options=parse,
                                            convert_options=convert), batch_rows):
                yield t
                done += t.num_rows
    except pa.ArrowInvalid as exc:
        if "columns, got" not in str(exc):
            raise
        yield from _iter_csv_python(path, wanted, skip=done, null_values=null_values, batch_rows=batch_rows)


def _iter_csv_python(path, wanted, *, skip: int, null_values, batch_rows: int) -> Iterator[pa.Table]:
    d = delimiter(path)
    nulls = set(null_values) | ({"\\N"} if d == "\x01" else set())
    with _open_text(path) as f:
        reader = csv.reader(f, delimiter=d, quoting=csv.QUOTE_NONE if d == "\x01" else csv.QUOTE_MINIMAL)
        header = next(reader, [])
        index = [header.index(c) for c in wanted]
        width = len(header)
        rows: list[list] = []
        number = 0
        for record in reader:
            if not record:
                continue
            number += 1
            if number <= skip:
                continue
            if len(record) > width:
                raise FileError(f"{Path(path).name}: row {number} has {len(record)} fields but the header has "
                                f"{width}: its values cannot be matched to the columns")
            rows.append([record[i] if i < len(record) and record[i] not in nulls else None for i in index])
            if len(rows) >= batch_rows:
                yield _strings_table(rows, wanted)
                rows = []
        if rows:
            yield _strings_table(rows, wanted)


def _strings_table(rows, names) -> pa.Table:
    columns = list(zip(*rows)) if rows else [[] for _ in names]
    return pa.table({n: pa.array(list(c), pa.string()) for n, c in zip(names, columns)})


def json_records(path) -> list[dict]:
    """The records of a JSON document: an array of objects, or objects written one after another."""
    with _open_text(path) as f:
        text = f.read()
    decoder = json.JSONDecoder()
    records, i = [], 0
    while True:
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text):
            break
        try:
            value, i = decoder.raw_decode(text, i)
        except ValueError as exc:
            raise FileError(f"{Path(path).name}: not valid JSON at character {i}: {exc.msg}") from None
        if isinstance(value, list):
            records.extend(value)
        else:
            records.append(value)
    bad = next((k for k, r in enumerate(records) if not isinstance(r, dict)), None)
    if bad is not None:
        raise FileError(f"{Path(path).name}: record {bad + 1} is not a JSON object")
    return records
