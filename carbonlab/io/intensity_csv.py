"""Plain grid carbon-intensity CSV files, and the hourly rules every intensity reader shares.

A plain file has one row per (time, zone) with the columns ``time``, ``zone``,
``value`` and ``unit`` (names case-insensitive; an optional ``basis`` column
names the signal, default ``location_average``)::

    time,zone,value,unit
    2024-03-31T00:00:00Z,DE,312.5,g/kWh
    2024-03-31T01:00:00+00:00,DE,298.0,g/kWh

A single-series file (one zone, columns named by the caller) is read with
``time_column=``, ``value_column=``, ``zone=`` and ``unit=``.

Rules shared with :mod:`carbonlab.io.electricitymaps` and
:mod:`carbonlab.io.watttime`
---------------------------------------------------------------------------
* **Times are UTC.**  Timestamps with an offset (``+02:00``, ``Z``) are
  converted to UTC.  Naive timestamps are UTC, unless ``timezone=`` names the
  IANA zone of local wall-clock times; they are then localised with the
  daylight-saving rules of that zone (the repeated autumn hour is resolved from
  the order of the rows, a spring-forward hour that does not exist is an
  error).  Results carry tz-naive UTC hour starts, as a usage cube does.
* **Hourly.**  Sub-hourly points are averaged into the hour that contains them
  (label = hour start).  The same (zone, time, basis) given twice must carry
  the same values, cell for cell (an empty cell differs from a number), in one
  file or across files: an exact duplicate is dropped and counted
  (``duplicates_dropped``), a conflicting one is an error naming both rows --
  never "keep the first" or "average".
* **Gaps** (hours without a value between a zone's first and last value):
  runs of at most ``max_gap`` hours (default 3) are filled by linear
  interpolation in time; longer runs by the mean of the same UTC hour of day in
  the same calendar month of that zone.  Every filled hour is flagged in
  ``grid_intensity_filled``; hours outside a zone's own coverage stay missing
  (NaN) and are not flagged.  ``max_gap=None`` leaves all gaps missing.
* Leap years need nothing special: 2024 has 8784 hours.

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
* **Times.**  An empty or unparseable time is an error naming the row; so is a
  time outside :data:`TIME_RANGE` (1970-2099), which no grid signal covers: a
  mistyped or corrupt year.  A signal whose hourly grid (hours from its first
  to its last time x zones) would exceed :data:`MAX_CELLS` is an error
  rather than gigabytes of memory.
* **Intensities.**  An empty cell is a missing value (the gap rule applies).
  Anything else must be a finite number >= 0 and, once converted, at most
  :data:`MAX_INTENSITY` (5,000 g kWh-1, several times the dirtiest grid on
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
import json
import lzma
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.core import schema, units
from carbonlab.core.schema import BASIS, TIME

__all__ = ["read_intensity_csv", "intensity_unit_factor", "INTENSITY_UNITS", "ZONE", "SignalFileError",
           "MAX_INTENSITY", "TIME_RANGE"]

#: Name of the grid-zone dimension of reader outputs.
ZONE = "zone"

#: Highest grid intensity a signal may carry. [g kWh-1]  Hourly consumption-based intensities of the dirtiest
#: grids (lignite, oil) stay below about 1,300 g kWh-1 and marginal rates below about 1,100 g kWh-1; the bound
#: is set well above them so that only impossible values -- typically a number in kg/kWh labelled g/kWh -- fail.
MAX_INTENSITY = 5000.0

#: Times a signal may carry, UTC, as [start, stop).
TIME_RANGE = (pd.Timestamp("1970-01-01", tz="UTC"), pd.Timestamp("2100-01-01", tz="UTC"))

#: Largest decompressed size of one file. [bytes]
MAX_BYTES = 1 << 30

#: Most hours x zones one reader call puts on its hourly grid (350 zones over 10 years is 30.7 million).
MAX_CELLS = 40_000_000


class SignalFileError(ValueError):
    """A grid-signal file that cannot be read as it is: one line naming the file, and row and column where known."""


#: Factors from intensity units to g kWh-1 (keys normalised: lower case, no spaces, no "co2"/"eq" words).
#: 1 kg MWh-1 = 1 g kWh-1 exactly; 1 lb MWh-1 = 0.45359237 g kWh-1 (international pound).
INTENSITY_UNITS: dict[str, float] = {
    "gkwh-1": 1.0, "g/kwh": 1.0, "kg/mwh": 1.0, "kgmwh-1": 1.0,
    "kg/kwh": 1000.0, "kgkwh-1": 1000.0, "t/mwh": 1000.0, "tmwh-1": 1000.0,
    "t/kwh": 1e6, "tkwh-1": 1e6, "g/wh": 1000.0,
    "lb/mwh": units.KG_PER_POUND, "lbs/mwh": units.KG_PER_POUND, "lbmwh-1": units.KG_PER_POUND,
    "lbs_per_mwh": units.KG_PER_POUND, "lb_per_mwh": units.KG_PER_POUND,
}


def intensity_unit_factor(unit: str) -> float:
    """Factor that converts an intensity in ``unit`` to g kWh-1.

    Parameters
    ----------
    unit : str
        E.g. ``"g/kWh"``, ``"gCO2eq/kWh"``, ``"kg/kWh"``, ``"lbs_co2_per_mwh"``.

    Returns
    -------
    float
        [g kWh-1 per unit]

    Examples
    --------
    >>> intensity_unit_factor("lbs_co2_per_mwh")
    0.45359237
    >>> intensity_unit_factor("gCO₂eq/kWh")
    1.0
    """
    key = str(unit).strip().lower().replace(" ", "").replace("₂", "2")
    for word in ("co2eq", "co2e", "co2"):
        key = key.replace("_" + word + "_", "_").replace(word, "")
    key = key.replace("__", "_")
    try:
        return INTENSITY_UNITS[key]
    except KeyError:
        raise ValueError(f"unknown grid intensity unit {unit!r}; known: g/kWh, kg/kWh, kg/MWh, t/MWh, "
                         "lbs/MWh (any CO2/CO2e spelling)") from None


def unit_factor(unit, *, where: str) -> float:
    """:func:`intensity_unit_factor` whose error names the file (and place) ``where``."""
    try:
        return intensity_unit_factor(unit)
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


def _first_line(exc: BaseException) -> str:
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
                raise SignalFileError(f"{name}: truncated or corrupt {kind} data ({_first_line(exc)})") from None
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
            raise SignalFileError(f"{name}: {exc.strerror or _first_line(exc)}") from None
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
        raise SignalFileError(f"{name}: line {reader.line_num}: {_first_line(exc)} (an unterminated quote, "
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
def _rows(place):
    return place or (lambda k: f"row {k + 1}")


def parse_times(values, *, timezone: str | None = None, where: str = "", place=None) -> pd.DatetimeIndex:
    """Parse timestamps to a tz-aware UTC index (rules in the module docstring).

    ``place(k)`` names the k-th value in messages (default ``row k+1``).
    """
    place = _rows(place)
    raw = pd.Series(values, dtype="string").str.strip()
    empty = (raw.isna() | (raw == "")).to_numpy(dtype=bool)
    if empty.any():
        raise SignalFileError(f"{where}: {place(int(np.flatnonzero(empty)[0]))}: no time")
    try:
        parsed = pd.to_datetime(raw, format="ISO8601", utc=False)
    except (ValueError, TypeError, OverflowError):
        parsed = None
    if parsed is None or parsed.dtype == object:
        # mixed offsets (e.g. +01:00 and +02:00 across a DST change): parse each as UTC
        try:
            idx = pd.DatetimeIndex(pd.to_datetime(raw, format="ISO8601", utc=True))
        except (ValueError, TypeError, OverflowError) as err:
            raise _time_error(raw, where, place, err) from None
    else:
        idx = pd.DatetimeIndex(parsed)
        if idx.tz is not None:
            idx = idx.tz_convert("UTC")
        elif timezone is None:
            idx = idx.tz_localize("UTC")
        else:
            try:
                idx = idx.tz_localize(timezone, ambiguous="infer", nonexistent="raise").tz_convert("UTC")
            except Exception as err:  # pytz/zoneinfo raise several types
                raise SignalFileError(f"{where}: local times in {timezone} cannot be placed in UTC "
                                      f"({_first_line(err)}); give times with a UTC offset or in UTC") from None
    out = (idx < TIME_RANGE[0]) | (idx >= TIME_RANGE[1])
    if out.any():
        k = int(np.flatnonzero(out)[0])
        raise SignalFileError(f"{where}: {place(k)}: {raw.iloc[k]!r} is outside {TIME_RANGE[0].year}-"
                              f"{TIME_RANGE[1].year - 1}, which no grid signal covers (a mistyped or corrupt time)")
    return idx


def _time_error(raw: pd.Series, where: str, place, err) -> SignalFileError:
    for k, text in enumerate(raw):
        try:
            pd.to_datetime(text, format="ISO8601", utc=True)
        except (ValueError, TypeError, OverflowError):
            return SignalFileError(f"{where}: {place(k)}: {text!r} is not a time (ISO 8601, e.g. "
                                   "2024-01-01T00:00:00Z)")
    return SignalFileError(f"{where}: the times cannot be parsed together ({_first_line(err)})")


def numbers(text, *, where: str, place=None) -> np.ndarray:
    """Finite numbers of text cells; an empty cell is NaN, anything else is an error naming the place."""
    place = _rows(place)
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
    """Check intensities in g kWh-1 (NaN = missing): finite, >= 0 and at most :data:`MAX_INTENSITY`."""
    place = _rows(place)
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        bad = np.isinf(v) | (v < 0) | (v > MAX_INTENSITY)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raw = v[k] if shown is None else shown[k]
        what = repr(raw) if isinstance(raw, str) else f"{float(raw):g}"
        if np.isinf(v[k]):
            why = "is not a finite number"
        elif v[k] < 0:
            why = "is negative; a grid intensity is >= 0"
        else:
            why = (f"is {v[k]:g} g kWh-1, above {MAX_INTENSITY:g} g kWh-1, more than any grid emits "
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
    place = _rows(place)
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


def drop_duplicates(frame: pd.DataFrame, key: list, columns: list, *, where: str) -> tuple[pd.DataFrame, int]:
    """Drop exact duplicates of ``key``; a conflicting duplicate is an error naming its rows.

    Returns
    -------
    frame : pandas.DataFrame
    dropped : int
    """
    dup = frame.duplicated(key, keep=False).to_numpy()
    if not dup.any():
        return frame, 0
    d = frame[dup]
    n = d.groupby(key, sort=False, dropna=False)[columns].nunique(dropna=False)
    clash = (n > 1).any(axis=1).to_numpy()
    if clash.any():
        k = dict(zip(key, n.index[int(np.flatnonzero(clash)[0])]))
        grp = d[np.logical_and.reduce([(d[c] == v).to_numpy() for c, v in k.items()])]
        rows = [f"{r.get('source_file', '?')} {r.get('source_place', 'row')} {r.get('source_row', '?')}"
                for _, r in grp.head(4).iterrows()]
        label = ", ".join(f"{c} {v!r}" for c, v in k.items() if c != "time")
        raise SignalFileError(f"{where}: {label} at {pd.Timestamp(k['time']):%Y-%m-%d %H:%M} UTC has different "
                              f"values in {'; '.join(rows)}{' ...' if len(grp) > 4 else ''} (keep one of them)")
    out = frame.drop_duplicates(key)
    return out, len(frame) - len(out)


# ------------------------------------------------------------------------------------ hourly grid
def _runs(mask: np.ndarray):
    """(start, stop) of the runs of True in a 1-d boolean array."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1))


def fill_gaps(series: pd.Series, *, max_gap: int | None = 3) -> tuple[pd.Series, pd.Series]:
    """Fill the gaps of an hourly series by the documented rule.

    Parameters
    ----------
    series : pandas.Series
        Hourly values on a complete hourly DatetimeIndex (NaN = no value).
    max_gap : int or None
        Longest run of missing hours filled by linear interpolation; longer runs
        take the mean of the same hour of day in the same month.  None: no filling.

    Returns
    -------
    filled : pandas.Series
    flag : pandas.Series of bool
        True where a value was filled.
    """
    values = series.to_numpy(dtype=float).copy()
    flag = np.zeros(len(values), dtype=bool)
    valid = np.flatnonzero(~np.isnan(values))
    if max_gap is None or len(valid) == 0:
        return pd.Series(values, index=series.index), pd.Series(flag, index=series.index)
    first, last = valid[0], valid[-1]
    inside = np.zeros(len(values), dtype=bool)
    inside[first:last + 1] = True
    missing = np.isnan(values) & inside
    idx = series.index
    month, hour = idx.month.to_numpy() - 1, idx.hour.to_numpy()
    profile = series.groupby([idx.month, idx.hour]).mean()
    table = np.full((12, 24), np.nan)
    table[profile.index.get_level_values(0) - 1, profile.index.get_level_values(1)] = profile.to_numpy()
    for a, b in _runs(missing):
        if b - a <= max_gap:
            x0, x1 = a - 1, b
            w = (np.arange(a, b) - x0) / (x1 - x0)
            values[a:b] = values[x0] + w * (values[x1] - values[x0])
        else:
            values[a:b] = table[month[a:b], hour[a:b]]
        flag[a:b] = ~np.isnan(values[a:b])
    return pd.Series(values, index=idx), pd.Series(flag, index=idx)


def hourly_table(frame: pd.DataFrame, columns: list[str], *, where: str = "",
                 max_gap: int | None = 3) -> tuple[dict, dict, dict]:
    """Put long (time, zone, values...) records on a complete UTC hourly grid.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``time`` (tz-aware UTC), ``zone``, the value ``columns`` and
        optionally ``source_file``/``source_row`` for error messages.
    columns : list of str
        Value columns to regularise.

    Returns
    -------
    values : dict of column -> DataFrame (hour x zone)
    filled : dict of column -> DataFrame of bool
    info : dict
        ``duplicates_dropped``, ``points_per_hour_max``, ``filled_hours`` per column and zone.

    Raises
    ------
    SignalFileError
        No records or no value columns, or one (zone, time) with different values.
    """
    if len(frame) == 0 or not len(columns):
        raise SignalFileError(f"{where}: no intensity values")
    df, dropped = drop_duplicates(frame, ["zone", "time"], list(columns), where=where)
    info: dict = {"duplicates_dropped": dropped}
    df = df.assign(hour=df["time"].dt.floor("h"))
    grouped = df.groupby(["hour", "zone"], sort=True)[columns]
    hourly = grouped.mean()
    info["points_per_hour_max"] = int(grouped.size().max())
    start, stop = hourly.index.get_level_values(0).min(), hourly.index.get_level_values(0).max()
    zones = sorted(hourly.index.get_level_values(1).unique())
    n_hours = int((stop - start) / pd.Timedelta("1h")) + 1
    if n_hours * len(zones) > MAX_CELLS:
        raise SignalFileError(f"{where}: {len(zones)} zones over {n_hours} hours ({start:%Y-%m-%d} to {stop:%Y-%m-%d}) "
                              f"is more than {MAX_CELLS:,} hourly values; read fewer zones or years at a time")
    full = pd.date_range(start, stop, freq="h", tz="UTC")
    values, filled = {}, {}
    info["filled_hours"] = {}
    for col in columns:
        wide = hourly[col].unstack("zone").reindex(index=full, columns=zones)
        out, flags = {}, {}
        for z in zones:
            out[z], flags[z] = fill_gaps(wide[z], max_gap=max_gap)
        values[col] = pd.DataFrame(out, index=full)
        filled[col] = pd.DataFrame(flags, index=full)
        info["filled_hours"][col] = {z: int(filled[col][z].sum()) for z in zones}
    return values, filled, info


def intensity_dataset(values: dict, filled: dict, bases: dict[str, str], *, source: str,
                      attrs: dict | None = None, extras: dict | None = None) -> xr.Dataset:
    """Assemble a reader's Dataset: ``grid_intensity`` and ``grid_intensity_filled`` on (time, zone, basis).

    ``bases`` maps value columns (already in g kWh-1) to basis names; ``extras``
    maps further columns to registry variable names (on time x zone).
    """
    cols = list(bases)
    first = values[cols[0]]
    time = schema.time_coordinate(first.index)
    zones = list(first.columns)
    coords = {TIME: time, ZONE: zones, BASIS: [bases[c] for c in cols]}
    data = np.stack([values[c].to_numpy(dtype=float) for c in cols], axis=-1)
    flags = np.stack([filled[c].to_numpy(dtype=bool) for c in cols], axis=-1)
    gi = schema.set_attrs(xr.DataArray(data, dims=(TIME, ZONE, BASIS), coords=coords), "grid_intensity",
                          source=source, resolution="hourly")
    gf = schema.set_attrs(xr.DataArray(flags, dims=(TIME, ZONE, BASIS), coords=coords), "grid_intensity_filled",
                          source=source)
    ds = xr.Dataset({"grid_intensity": gi, "grid_intensity_filled": gf})
    for col, name in (extras or {}).items():
        ds[name] = schema.set_attrs(xr.DataArray(values[col].to_numpy(), dims=(TIME, ZONE),
                                                 coords={TIME: time, ZONE: zones}), name, source=source)
    ds[ZONE].attrs = {"long_name": "grid zone"}
    ds[BASIS].attrs = {"long_name": "grid signal basis"}
    ds.attrs = {"source": source, "time_convention": "UTC hour start", **(attrs or {})}
    return ds


def _as_paths(paths) -> list[Path]:
    if isinstance(paths, (str, Path)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def wide_by_basis(data: pd.DataFrame, *, where: str) -> tuple[pd.DataFrame, list[str], int]:
    """Long (time, zone, basis, value) records -> one column per basis; duplicates by the module's rule."""
    data, dropped = drop_duplicates(data, ["zone", "time", "basis"], ["value"], where=where)
    wide = data.set_index(["time", "zone", "basis"])["value"].unstack("basis")
    bases = [b for b in schema.BASES if b in wide.columns]
    return wide.dropna(how="all", subset=bases).reset_index(), bases, dropped


def _strings(table: Table, i: int, what: str) -> np.ndarray:
    cells = table.column(i)
    empty = (cells == "").to_numpy()
    if empty.any():
        raise SignalFileError(f"{table.name}: {table.place(i)(int(np.flatnonzero(empty)[0]))}: no {what}")
    return cells.to_numpy(dtype=object)


def _read_plain(src, name, *, time_column, value_column, zone, unit, basis, timezone) -> pd.DataFrame:
    table = read_table(src, name)
    tcol, vcol = table.find(time_column), table.find(value_column)
    df = pd.DataFrame({"time": parse_times(table.column(tcol), timezone=timezone, where=name,
                                           place=table.place(tcol))})
    df["zone"] = zone if zone is not None else _strings(table, table.find("zone"), "zone")
    if unit is not None:
        factors = np.full(len(df), unit_factor(unit, where=name))
    else:
        ucol = table.find("unit")
        cells = table.column(ucol)
        codes, uniques = pd.factorize(cells)
        lut = [unit_factor(u, where=f"{name}: {table.place(ucol)(int(np.argmax(codes == k)))}")
               for k, u in enumerate(uniques)]
        factors = np.asarray(lut, dtype=float)[codes]
    df["value"] = intensity_cells(table.column(vcol), where=name, place=table.place(vcol), factor=factors)
    bcol = table.find("basis", required=False) if basis is None else None
    df["basis"] = basis if basis is not None else (_strings(table, bcol, "basis") if bcol is not None
                                                   else "location_average")
    bad = ~df["basis"].isin(schema.BASES).to_numpy()
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        where = table.place(bcol)(k) if bcol is not None else "basis="
        raise SignalFileError(f"{name}: {where}: {df['basis'].iloc[k]!r} is not one of {schema.BASES}")
    require_values(df, ["value"], name=name)
    df["source_file"], df["source_row"] = name, table.lines
    return df


def read_intensity_csv(paths, *, time_column: str = "time", value_column: str = "value",
                       zone: str | None = None, unit: str | None = None, basis: str | None = None,
                       timezone: str | None = None, max_gap: int | None = 3) -> xr.Dataset:
    """Read plain grid carbon-intensity CSV files.

    Parameters
    ----------
    paths : str, path, open file or sequence of paths
        CSV files (UTF-8, header row; gzip, bzip2 or xz compressed files are read too).
    time_column, value_column : str
        Column names (case-insensitive) of the time and of the intensity.
    zone : str, optional
        Zone of a single-series file; otherwise the ``zone`` column is read.
    unit : str, optional
        Unit of a single-series file (e.g. ``"g/kWh"``); otherwise the ``unit``
        column is read, row by row.
    basis : str, optional
        Basis of every row (default: the ``basis`` column, else
        ``location_average``).
    timezone : str, optional
        IANA zone of naive local times (default: naive times are UTC).
    max_gap : int or None, default 3
        Gap rule (module docstring).

    Returns
    -------
    xarray.Dataset
        ``grid_intensity`` and ``grid_intensity_filled`` on (time, zone, basis). [g kWh-1]

    Raises
    ------
    SignalFileError
        A broken file or value, by the rules of the module docstring.

    Notes
    -----
    ===================  ====================  ===============
    source column        carbonlab             units
    ===================  ====================  ===============
    ``time``             ``time``              UTC hour start
    ``zone``             ``zone``              --
    ``value``            ``grid_intensity``    g kWh-1 (converted from ``unit``)
    ``unit``             (conversion)          --
    ``basis`` (optional) ``basis``             --
    ===================  ====================  ===============
    """
    files = sources(paths)
    frames = [_read_plain(src, name, time_column=time_column, value_column=value_column, zone=zone, unit=unit,
                          basis=basis, timezone=timezone) for src, name in files]
    where = f"intensity CSV {files_label(files)}"
    wide, bases, dropped = wide_by_basis(pd.concat(frames, ignore_index=True), where=where)
    values, filled, info = hourly_table(wide, bases, where=where, max_gap=max_gap)
    return intensity_dataset(values, filled, {b: b for b in bases}, source="intensity_csv",
                             attrs={"files": json.dumps([name for _, name in files]),
                                    "gap_rule": f"linear up to {max_gap} h, else month x hour-of-day mean",
                                    "filled_hours": json.dumps(info["filled_hours"]),
                                    "duplicates_dropped": dropped,
                                    "timezone_of_naive_times": timezone or "UTC"})
