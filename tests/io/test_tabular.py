"""Reading billing files as Arrow tables and turning their columns into arrays (``carbonlab.io.tabular``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carbonlab.io import tabular


def test_time_formats_of_the_exports():
    # BigQuery text, ISO 8601 with Z or offset, naive (UTC), Azure's US dates
    for text, expected in [("2025-01-28 05:00:00 UTC", "2025-01-28T05:00Z"), ("2025-01-28T05:00:00Z", "2025-01-28T05:00Z"),
                           ("2025-01-28T06:00:00+01:00", "2025-01-28T05:00Z"), ("2025-01-28 05:00:00", "2025-01-28T05:00Z"),
                           ("01/28/2025", "2025-01-28T00:00Z")]:
        ns, bad = tabular.times(pa.array([text]), name="f", column_name="c", first_row=1, lenient=False)
        assert ns[0] == pd.Timestamp(expected).value and not bad.any(), text


def test_flatten_nested_fields_into_dotted_names():
    t = pa.table({"usage": [{"amount": 1.5, "unit": {"name": "s"}}], "cost": [2.0]})
    flat = tabular.flatten(t)
    assert flat.column_names == ["usage.amount", "usage.unit.name", "cost"]
    assert flat.column("usage.unit.name").to_pylist() == ["s"]


def test_a_column_not_in_the_table_is_all_missing():
    t = pa.table({"a": ["x", "y"]})
    assert tabular.column(t, "a").to_pylist() == ["x", "y"]
    assert tabular.column(t, "b").to_pylist() == [None, None]
    assert tabular.column(t, None).to_pylist() == [None, None]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_chunks_number_the_rows_of_every_table(tmp_path, suffix):
    frame = pd.DataFrame({"q": [str(i) for i in range(7)], "u": ["h"] * 7})
    path = tmp_path / f"f{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=3)
    seen = list(tabular.chunks(path, ["q", "u"], lambda t, first, fetch: (first, t.num_rows, fetch is not None),
                               batch_rows=3, numeric=["q"]))
    firsts, sizes = [first for first, _, _ in seen], [n for _, n, _ in seen]
    assert firsts == list(np.cumsum([1] + sizes[:-1])) and sum(sizes) == 7     # 1-based first data row of each
    if suffix == ".parquet":                                # whole row groups of 3 rows, up to batch_rows
        assert sizes == [3, 3, 1]
    assert all(has_fetch == (suffix == ".parquet") for _, _, has_fetch in seen)   # Parquet can read more columns


def test_parse_columns_joins_the_rows_that_could_not_be_parsed():
    t = pa.table({"start": ["2025-01-01T00:00Z", "soon", None], "qty": ["1", "2", "x"]})
    (start, qty), bad = tabular.parse_columns(t, [(tabular.times, "start"), (tabular.numbers, "qty")], name="f.csv",
                                              first_row=10, lenient=True)
    assert bad.tolist() == [False, True, True]
    assert start[2] == tabular.NAT and np.isnan(qty[2]) and qty[1] == 2.0
    (_,), none = tabular.parse_columns(t.slice(0, 1), [(tabular.times, "start")], name="f.csv", first_row=1,
                                       lenient=False)
    assert none is None
    with pytest.raises(tabular.ParseError, match=r"f.csv: row 11, column start: cannot parse 'soon'"):
        tabular.parse_columns(t, [(tabular.times, "start")], name="f.csv", first_row=10, lenient=False)


def test_codes_are_unique_and_blank_is_missing():
    c, cats = tabular.codes(pa.chunked_array([pa.array(["a", "", "b"]).dictionary_encode(),
                                              pa.array(["b", None, "a"]).dictionary_encode()]))
    assert sorted(cats.tolist()) == ["a", "b"]
    assert [None if i < 0 else cats[i] for i in c] == ["a", None, "b", "b", None, "a"]


def test_map_codes_and_coalesce():
    pair = tabular.codes(pa.array(["us-east-1a", "eu-west-1b", None]))
    zone = tabular.map_codes(pair, lambda cats: [c[:-1] if c != "eu-west-1b" else None for c in cats])
    first = tabular.coalesce(zone, tabular.codes(pa.array(["x", "y", "z"])))
    assert [first[1][i] for i in first[0]] == ["us-east-1", "y", "z"]


def test_numbers_refuse_booleans_and_absurd_values():
    with pytest.raises(tabular.ParseError, match=r"f: row 2, column c: a true/false value"):
        tabular.numbers(pa.array([True]), name="f", column_name="c", first_row=2, lenient=False)
    v, bad = tabular.numbers(pa.array(["1", "1e31", "inf"]), name="f", column_name="c", first_row=1, lenient=True)
    assert v[0] == 1.0 and bad.tolist() == [False, True, True] and np.isnan(v[1:]).all()
