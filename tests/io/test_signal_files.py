"""Grid-signal files as bytes, text, CSV tables and cells (``carbonlab.io._signal_files``)."""

from __future__ import annotations

import bz2
import gzip
import io

import numpy as np
import pytest

from carbonlab.io import _signal_files
from carbonlab.io._files import FileError
from carbonlab.io._signal_files import SignalFileError


def test_one_error_type_for_broken_files():
    assert issubclass(SignalFileError, FileError) and issubclass(SignalFileError, ValueError)


@pytest.mark.parametrize("pack", [lambda b: b, gzip.compress, bz2.compress, lambda b: b"\xef\xbb\xbf" + b,
                                  lambda b: b"\xff\xfe" + b.decode().encode("utf-16-le")])
def test_text_decompressed_and_decoded_whatever_the_name(tmp_path, pack):
    path = tmp_path / "signal.csv"
    path.write_bytes(pack(b"time,value\n2024-01-01,1\n"))
    assert _signal_files.read_text(path, "signal.csv") == "time,value\n2024-01-01,1\n"


@pytest.mark.parametrize("data, message", [
    (b"", r"s.csv: the file is empty \(0 bytes\)"),
    (gzip.compress(b"time,value\n" * 100)[:-9], r"s.csv: truncated or corrupt gzip data"),
    (b"PK\x03\x04rest", r"s.csv: a zip archive"),
    (b"time\n\xff\n", r"s.csv: line 2: byte 0xff is not UTF-8 text"),
])
def test_broken_bytes_are_one_line(tmp_path, data, message):
    path = tmp_path / "s.csv"
    path.write_bytes(data)
    with pytest.raises(SignalFileError, match=message):
        _signal_files.read_text(path, "s.csv")


def test_a_table_of_text_cells_and_its_places():
    table = _signal_files.table_from_text("\ntime,Value\n\n2024-01-01,1\n2024-01-02,\n", "s.csv")
    assert table.header == ["time", "Value"] and table.lines.tolist() == [4, 5]
    i = table.find("value")
    assert table.column(i).tolist() == ["1", ""] and table.place(i)(1) == "row 5 column 'Value'"
    with pytest.raises(SignalFileError, match=r"s.csv: row 3 has 1 cells, the header 2"):
        _signal_files.table_from_text("a,b\n1,2\n3\n", "s.csv")
    with pytest.raises(SignalFileError, match=r"s.csv: no column 'zone'"):
        table.find("zone")


def test_intensity_cells_converted_and_checked():
    v = _signal_files.intensity_cells(["0.3", ""], where="s.csv", factor=1000.0)
    assert v[0] == 300.0 and np.isnan(v[1])
    for text, why in [("inf", "not a finite number"), ("-5", "is negative"), ("6000", "above 5000 g kWh-1"),
                      ("abc", "is not a number")]:
        with pytest.raises(SignalFileError, match=rf"s.csv: row 1: .*{why}"):
            _signal_files.intensity_cells([text], where="s.csv")
    with pytest.raises(SignalFileError, match=r"s.csv: unknown grid intensity unit 'furlongs'"):
        _signal_files.unit_factor("furlongs", where="s.csv")


def test_sources_and_their_names():
    files = _signal_files.sources([io.StringIO("x"), "a.csv"])
    assert [name for _, name in files] == ["<stream>", "a.csv"]
    assert _signal_files.files_label([(None, f"f{i}.csv") for i in range(5)]) == "f0.csv, f1.csv, ... (5 files)"
    with pytest.raises(SignalFileError, match="no files given"):
        _signal_files.sources([])
