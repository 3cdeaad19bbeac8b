"""Broken and hostile billing files, one class each: carbonlab's one-line error, or an explicit rule.

The random mutations of ``test_mutations.py`` search the same space; here each class found there (and in
the hostile-input review) is pinned with the message a user sees.
"""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

import carbonlab
from carbonlab.cli import main
from carbonlab.datasets import dataset_path
from carbonlab.io import aws_cur

FOCUS = dataset_path("samples", "fjordline_focus10.csv.gz")


@pytest.fixture(scope="module")
def focus_text():
    return gzip.decompress(FOCUS.read_bytes()).decode()


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


@pytest.mark.parametrize("name, data, message", [
    ("empty.parquet", b"", r"empty.parquet: cannot be read: not a complete Parquet file"),
    ("text.parquet", b"ChargePeriodStart,BilledCost\n", r"text.parquet: cannot be read: not a complete Parquet"),
    ("bad.csv.gz", b"\x1f\x8b\x08\x00garbage", r"bad.csv.gz: cannot be read: truncated or corrupt compressed data"),
    ("latin.csv", "ChargePeriodStart,ChargePeriodEnd,ConsumedQuantity,ServiceName\nZ\xfcrich\n".encode("latin-1"),
     r"latin.csv: "),
])
def test_broken_files_are_one_line_errors(tmp_path, name, data, message):
    with pytest.raises(ValueError, match=message) as info:
        carbonlab.read(_write(tmp_path, name, data))
    assert "\n" not in str(info.value)


def test_truncated_gzip_mid_file(tmp_path, focus_text):
    data = gzip.compress(focus_text.encode())
    with pytest.raises(ValueError, match=r"cut.csv.gz: cannot be read.*compressed data"):
        carbonlab.read(_write(tmp_path, "cut.csv.gz", data[: len(data) // 2]))


@pytest.mark.parametrize("value", ["inf", "-Infinity", "1e309", "1e31"])
def test_non_finite_or_absurd_numbers_name_row_and_column(tmp_path, focus_text, value):
    frame = pd.read_csv(pd.io.common.StringIO(focus_text), dtype=str, keep_default_na=False).head(5)
    frame.loc[3, "BilledCost"] = value
    path = _write(tmp_path, "bill.csv", frame.to_csv(index=False))
    with pytest.raises(ValueError, match=rf"bill.csv: row 4, column BilledCost: '{value}' is not a finite number"):
        carbonlab.read(path)
    lenient = carbonlab.read(path, lenient=True)
    assert lenient.loc[lenient["source_row"] == 4, "note"].iloc[0] == "unparseable value (lenient)"


def test_booleans_are_not_numbers(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pq.read_table(dataset_path("samples", "fjordline_aws_cur2.parquet")).slice(0, 3)
    t = t.set_column(t.column_names.index("line_item_usage_amount"), "line_item_usage_amount",
                     pa.array([True, False, True]))
    pq.write_table(t, tmp_path / "cur2.parquet")
    with pytest.raises(ValueError, match=r"cur2.parquet: row 1, column line_item_usage_amount: a true/false value"):
        carbonlab.read(tmp_path / "cur2.parquet")


@pytest.mark.parametrize("value", ["2263-01-01T00:00:00Z", "-5"])
def test_dates_past_2262_name_row_and_column(tmp_path, focus_text, value):
    frame = pd.read_csv(pd.io.common.StringIO(focus_text), dtype=str, keep_default_na=False).head(5)
    frame.loc[1, "ChargePeriodEnd"] = value
    with pytest.raises(ValueError, match=r"bill.csv: row 2, column ChargePeriodEnd: cannot parse"):
        carbonlab.read(_write(tmp_path, "bill.csv", frame.to_csv(index=False)))


def test_a_typo_year_is_caught_before_the_cube_is_built(tmp_path, focus_text):
    frame = pd.read_csv(pd.io.common.StringIO(focus_text), dtype=str, keep_default_na=False)
    frame.loc[7, "ChargePeriodStart"] = "2200-03-01T00:00:00Z"
    frame.loc[7, "ChargePeriodEnd"] = "2200-03-01T01:00:00Z"
    path = _write(tmp_path, "bill.csv", frame.to_csv(index=False))
    with pytest.raises(ValueError, match=r"bill.csv: row 8: its usage period \(2200-03\)"):
        carbonlab.usage_cube(path)
    cube = carbonlab.usage_cube(path, lenient=True)
    assert "period outside the bill's span (lenient)" in set(cube["unattributed_reason"].values)


def test_repeated_cur_line_items_are_found(tmp_path):
    raw = pd.read_csv(dataset_path("samples", "fjordline_aws_cur.csv.gz"), dtype=str).head(20)
    doubled = pd.concat([raw, raw.iloc[[3, 7]]], ignore_index=True)      # two lines delivered twice
    path = tmp_path / "cur.csv"
    doubled.to_csv(path, index=False)
    dup = aws_cur.duplicate_line_items(path)
    assert dup.to_dict("list") == {"row": [21, 22], "first_row": [4, 8]}
    assert main(["estimate", str(path), "--out", str(tmp_path / "o")]) == 0


def test_cli_reports_duplicates(tmp_path, capsys):
    raw = pd.read_csv(dataset_path("samples", "fjordline_aws_cur.csv.gz"), dtype=str).head(20)
    pd.concat([raw, raw.iloc[[3]]], ignore_index=True).to_csv(tmp_path / "cur.csv", index=False)
    main(["estimate", str(tmp_path / "cur.csv"), "--out", str(tmp_path / "o")])
    assert "1 line(s) repeat an earlier line item (first: row 21 repeats row 4" in capsys.readouterr().err


def test_methodology_is_a_preset_name_never_a_path(tmp_path, capsys):
    from importlib import resources

    toml = tmp_path / "mine.toml"     # a valid methodology file, but given where a preset name goes
    toml.write_text((resources.files("carbonlab") / "methodologies" / "ccf.toml").read_text())
    bill = dataset_path("sample_org", "fjordline_focus.parquet")
    assert main(["estimate", str(bill), "--methodology", str(toml), "--out", str(tmp_path / "o")]) == 2
    assert "no methodology preset" in capsys.readouterr().err
    assert main(["estimate", str(bill), "--methodology", "../methodologies/ccf", "--out", str(tmp_path / "o")]) == 2
    assert main(["estimate", str(bill), "--methodology", "carbonlab_6", "--out", str(tmp_path / "o")]) == 2
    assert "did you mean 'carbonlab_6y'" in capsys.readouterr().err


def test_methodology_file_is_explicit(tmp_path, capsys):
    from importlib import resources

    preset = (resources.files("carbonlab") / "methodologies" / "carbonlab_6y.toml").read_text()
    toml = tmp_path / "mine.toml"
    toml.write_text(preset)
    bill = dataset_path("samples", "fjordline_focus12.parquet")
    assert main(["estimate", str(bill), "--methodology-file", str(toml), "--out", str(tmp_path / "o")]) == 0
    assert "methodology 'carbonlab_6y'" in capsys.readouterr().out
