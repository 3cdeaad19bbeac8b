"""Grid-signal files as bytes, text, CSV tables and cells: the rules every grid-signal reader shares.

Used by :mod:`carbonlab.io.intensity_csv`, :mod:`carbonlab.io.electricitymaps` and
:mod:`carbonlab.io.watttime` (the hourly rules are in :mod:`carbonlab.io._hourly`).

Broken and hostile input
------------------------
Every problem below is a :class:`SignalFileError` (a ``ValueError``) in one
line naming the file, and the row (line of the file, header = 1) or point and
the column where they are known; no exception of a parsing library leaves a
reader, and no broken value becomes a number.

* **Bytes.**  A file that cannot be opened (missing, a directory) is an error
  naming it, and so is an empty (0 byte) file.  gzip, bzip2 and xz data are
  decompressed whatever the file is called; truncated or corrupt compressed
  data is an error, so is a zip archive (unzip it first).  Text is UTF-8 (a
  byte-order mark is dropped) or UTF-16/32 with a byte-order mark; any other
  byte is an error naming its line (save the file as UTF-8), and so is a NUL
  character.
* **CSV structure.**  The first non-blank line is the header (an empty header
  cell is named ``Unnamed: <i>``, as pandas does); lines that are empty or
  hold only empty cells are skipped.  A row with fewer or more cells than the
  header (a truncated row, an unquoted delimiter in a cell) is an error: cells
  are never shifted or guessed.  An unterminated quote is an error.  A header
  without data rows is an error, so is a file whose intensity cells are all
  empty.  A required column that is missing (renamed) is an error listing the
  columns found; two columns for the same field are an error.
* **Intensities.**  An empty cell is a missing value (the gap rule applies).
  Anything else must be a finite number >= 0 and, once converted, at most
  :data:`carbonlab.core.units.MAX_INTENSITY` (5,000 g kWh-1, several times the dirtiest grid on
  record, so a value in the wrong unit is caught): ``inf``, ``Infinity``,
  ``1e309``, ``nan``, ``true``, ``abc`` or ``-5`` is an error naming file,
  row and column.  A unit that carbonlab does not know is an error naming its
  row.  Zones and bases must not be empty.

One case cannot be told from a complete file: a file cut inside the *last*
cell of its last row, when that cell is a number (``312.5`` -> ``31``) and the
file does not end with a line break.  The files written by Electricity Maps,
the WattTime SDK and pandas end with a line break, and a truncation anywhere
else is caught.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from carbonlab.core import units
from carbonlab.io._files import FileError

#: Largest decompressed size of one file. [bytes]
MAX_BYTES = 1 << 30


class SignalFileError(FileError):
    """A grid-signal file that cannot be read as it is: one line naming the file, and row and column where known
    (a :class:`carbonlab.io._files.FileError`, so a ``ValueError``)."""


def unit_factor(unit, *, where: str) -> float:
    """:func:`carbonlab.core.units.intensity_unit_factor` whose error names the file (and place) ``where``."""
    try:
        return units.intensity_unit_factor(unit)
    except ValueError as err:
        raise SignalFileError(f"{where}: {err}") from None


# ------------------------------------------------------------------------------------ bytes and text
def sources(paths) -> list[tuple[object, str]]:
    """(source, name) of each file: a path, a sequence of paths, or an open file (text or binary)."""
    if hasattr(paths, "read"):
        items = [paths]
    elif isinstance(paths, (str, Path)):
        items = [Path(paths)]
    else:
        items = [p if hasattr(p, "read") else Path(p) for p in paths]
    if not items:
        raise SignalFileError("no files given")
    return [(s, source_name(s)) for s in items]


def files_label(files) -> str:
    """The files of one reader call, for messages about all of them: ``a.csv, b.csv`` or ``a.csv, ... (38 files)``."""
    names = [name for _, name in files]
    return ", ".join(names) if len(names) <= 3 else f"{names[0]}, {names[1]}, ... ({len(names)} files)"


def source_name(src) -> str:
    """The name of a file in messages (one line)."""
    name = str(getattr(src, "name", None) or "<stream>") if hasattr(src, "read") else str(src)
    return name.replace("\r", "\\r").replace("\n", "\\n")


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (at most 160 characters), for one-line errors."""
    text = str(exc).strip()
    return text.splitlines()[0][:160] if text else type(exc).__name__


_COMPRESSIONS = ((b"\x1f\x8b", "gzip", lambda f: gzip.GzipFile(fileobj=f)), (b"BZh", "bzip2", bz2.BZ2File),
                 (b"\xfd7zXZ\x00", "xz", lzma.LZMAFile))
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _decompress(data: bytes, name: str) -> bytes:
    if data[:4] == b"PK\x03\x04":
        raise SignalFileError(f"{name}: a zip archive; unzip it and read the file inside")
    for magic, kind, opener in _COMPRESSIONS:
        if data.startswith(magic) and (kind != "bzip2" or data[3:4].isdigit()):
            try:
                with opener(io.BytesIO(data)) as f:
                    out = f.read(MAX_BYTES + 1)
            except (EOFError, OSError, zlib.error, lzma.LZMAError, ValueError) as exc:
                raise SignalFileError(f"{name}: truncated or corrupt {kind} data ({first_line(exc)})") from None
            if len(out) > MAX_BYTES:
                raise SignalFileError(f"{name}: decompresses to more than {MAX_BYTES} bytes")
            if not out:
                raise SignalFileError(f"{name}: the {kind} data hold an empty file")
            return out
    return data


def _decode(data: bytes, name: str) -> str:
    encoding = "utf-8"
    for bom, enc in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom):], enc
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].decode(encoding, errors="replace").count("\n") + 1
        raise SignalFileError(f"{name}: line {line}: byte 0x{data[exc.start]:02x} is not {encoding.upper()} text "
                              "(save the file as UTF-8)") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise SignalFileError(f"{name}: line {text.count(chr(10), 0, nul) + 1}: a NUL character (a binary file, or "
                              "UTF-16 without a byte-order mark; save the file as UTF-8)")
    return text


def read_text(src, name: str) -> str:
    """The text of a signal file: decompressed and decoded by the rules of the module docstring."""
    if hasattr(src, "read"):
        data = src.read()
        if isinstance(data, str):
            data = data.encode("utf-8", errors="surrogatepass")
    else:
        try:
            data = Path(src).read_bytes()
        except OSError as exc:                   # missing, a directory, no permission: as the billing readers
            raise SignalFileError(f"{name}: {exc.strerror or first_line(exc)}") from None
    if not data:
        raise SignalFileError(f"{name}: the file is empty (0 bytes)")
    return _decode(_decompress(data, name), name)


@dataclass
class Table:
    """A CSV file as text cells: ``header``, ``rows`` (all as long as the header) and the file ``lines`` of rows."""

    name: str
    header: list
    rows: list
    lines: np.ndarray

    def find(self, *names: str, required: bool = True, what: str | None = None) -> int | None:
        """Index of the column named one of ``names`` (case-insensitive, spaces stripped)."""
        wanted = {n.strip().lower() for n in names}
        hits = [i for i, h in enumerate(self.header) if h.strip().lower() in wanted]
        if len(hits) > 1:
            raise SignalFileError(f"{self.name}: two columns for {what or names[0]!r}: "
                                  f"{[self.header[i] for i in hits]}")
        if not hits:
            if required:
                raise SignalFileError(f"{self.name}: no column {what or names[0]!r} (columns: {self.header})")
            return None
        return hits[0]

    def column(self, i: int) -> pd.Series:
        """The cells of column ``i``, stripped."""
        return pd.Series([r[i].strip() for r in self.rows], dtype=object)

    def place(self, i: int):
        """f(k) -> ``row <line> column '<name>'`` of the k-th row."""
        return lambda k: f"row {self.lines[k]} column {self.header[i]!r}"


def read_table(src, name: str) -> Table:
    """Read a CSV file by the rules of the module docstring (every cell a string)."""
    return table_from_text(read_text(src, name), name)


def _records(text: str, name: str) -> tuple[list, np.ndarray]:
    """CSV records and the file line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        if '"' not in text:                      # no quoted line breaks: one record per line (fast path)
            records = list(reader)
            return records, np.arange(1, len(records) + 1)
        records, starts, start = [], [], 1
        for row in reader:
            records.append(row)
            starts.append(start)
            start = reader.line_num + 1
        return records, np.asarray(starts, dtype=int)
    except csv.Error as exc:
        raise SignalFileError(f"{name}: line {reader.line_num}: {first_line(exc)} (an unterminated quote, "
                              "or a truncated file)") from None


def table_from_text(text: str, name: str) -> Table:
    """The :class:`Table` of decoded CSV text."""
    records, starts = _records(text, name)
    keep = [k for k, row in enumerate(records) if "".join(row).strip()]
    if not keep:
        raise SignalFileError(f"{name}: no header (the file holds only blank lines)")
    header = [c.strip() or f"Unnamed: {i}" for i, c in enumerate(records[keep[0]])]
    rows = [records[k] for k in keep[1:]]
    if not rows:
        raise SignalFileError(f"{name}: a header and no data rows")
    lines = starts[keep[1:]]
    sizes = np.fromiter(map(len, rows), dtype=int, count=len(rows))
    bad = np.flatnonzero(sizes != len(header))
    if len(bad):
        k = int(bad[0])
        raise SignalFileError(f"{name}: row {lines[k]} has {sizes[k]} cells, the header {len(header)} "
                              "(a truncated or malformed row)")
    return Table(name, header, rows, lines)


# ------------------------------------------------------------------------------------ cells
def row_place(place):
    """``place`` (k -> where the k-th value is, for messages), or ``row k+1`` by default."""
    return place or (lambda k: f"row {k + 1}")


def numbers(text, *, where: str, place=None) -> np.ndarray:
    """Finite numbers of text cells; an empty cell is NaN, anything else is an error naming the place."""
    place = row_place(place)
    s = pd.Series(text, dtype="string").str.strip()
    empty = (s.isna() | (s == "")).to_numpy(dtype=bool)
    out = pd.to_numeric(s.mask(empty), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~empty & ~np.isfinite(out)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        kind = "not a finite number" if np.isinf(out[k]) else "not a number"
        hint = "; leave the cell empty for a missing value" if str(s.iloc[k]).lower() in ("nan", "-nan", "+nan") \
            else ""
        raise SignalFileError(f"{where}: {place(k)}: {s.iloc[k]!r} is {kind}{hint}")
    return out


def check_intensity(values, *, where: str, place=None, shown=None) -> np.ndarray:
    """Check intensities in g kWh-1 (NaN = missing): finite, >= 0 and at most
    :data:`carbonlab.core.units.MAX_INTENSITY`."""
    place = row_place(place)
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        bad = np.isinf(v) | (v < 0) | (v > units.MAX_INTENSITY)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raw = v[k] if shown is None else shown[k]
        what = repr(raw) if isinstance(raw, str) else f"{float(raw):g}"
        if np.isinf(v[k]):
            why = "is not a finite number"
        elif v[k] < 0:
            why = "is negative; a grid intensity is >= 0"
        else:
            why = (f"is {v[k]:g} g kWh-1, above {units.MAX_INTENSITY:g} g kWh-1, more than any grid emits "
                   "(check the unit)")
        raise SignalFileError(f"{where}: {place(k)}: {what} {why}")
    return v


def intensity_cells(text, *, where: str, place=None, factor=1.0) -> np.ndarray:
    """Intensities of text cells in a unit of ``factor`` g kWh-1 each, converted to g kWh-1 and checked."""
    raw = pd.Series(text, dtype="string").str.strip()
    values = numbers(raw, where=where, place=place) * np.asarray(factor, dtype=float)
    return check_intensity(values, where=where, place=place, shown=raw.to_numpy(dtype=object))


def percent_cells(text, *, where: str, place=None) -> np.ndarray:
    """Percentages of text cells (0-100; empty = NaN)."""
    place = row_place(place)
    v = numbers(text, where=where, place=place)
    with np.errstate(invalid="ignore"):
        bad = (v < 0) | (v > 100)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise SignalFileError(f"{where}: {place(k)}: {v[k]:g} is not a percentage (0-100)")
    return v


def require_values(frame: pd.DataFrame, columns, *, name: str) -> None:
    """A file must hold at least one intensity."""
    if not np.isfinite(frame[list(columns)].to_numpy(dtype=float)).any():
        raise SignalFileError(f"{name}: no intensity values (every intensity cell is empty)")
