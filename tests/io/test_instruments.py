"""Contractual instruments read from a CSV file (the table market.validate_instruments checks)."""

import pytest

from carbonlab.io.instruments import read_instruments


def test_reads_and_checks(tmp_path):
    path = tmp_path / "eac.csv"
    path.write_text("region,kind,start,end,mwh,factor\nus-east-1,eac,2025-01-01,2025-02-01,1.5,0\n"
                    "us-east-1,residual_mix,2025-01-01,2025-02-01,,420\n")
    t = read_instruments(path)
    assert t["kind"].tolist() == ["eac", "residual_mix"] and t["mwh"].iloc[0] == 1.5
    assert t["source_row"].tolist() == [1, 2]


def test_bad_cell_names_file_row_and_column(tmp_path):
    path = tmp_path / "ppa.csv"
    path.write_text("region,kind,start,end,mwh,factor\nus-east-1,ppa,2025-01-01,2025-02-01,,0\n")
    with pytest.raises(ValueError, match=r"ppa.csv: row 1 column 'mwh': a ppa needs its MWh"):
        read_instruments(path)


def test_missing_file_is_one_line(tmp_path):
    with pytest.raises(ValueError, match=r"nope.csv: No such file"):
        read_instruments(tmp_path / "nope.csv")
