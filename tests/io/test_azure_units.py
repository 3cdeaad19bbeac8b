"""Units of Azure rows without one, and values a localised spreadsheet wrote (``carbonlab.io._azure_units``)."""

from __future__ import annotations

import functools

import pandas as pd
import pyarrow as pa
import pytest

from carbonlab.io import _azure_units, tabular


def test_units_inferred_from_the_meter_name_and_how_sure():
    category = pd.Series(["Bandwidth", "Bandwidth", "Storage", "Virtual Machines", "Functions"])
    meter = pd.Series(["Data Transfer Out (GB)", "Data Transfer Out - Free", "E4 ZRS Disk", "D2 v3", "Execution Time"])
    unit, certain = _azure_units.infer_unit(category, meter)
    assert unit.where(unit.notna(), None).tolist() == ["1 GB", "1 GB", "1/Month", None, None]   # hours, GB-s: packs vary
    assert certain.tolist() == [True, False, False, False, False]


def test_empty_unit_cells_take_the_one_unit_of_their_meter(tmp_path):
    path = tmp_path / "az.csv"
    pd.DataFrame({"MeterCategory": ["Storage", "Storage", "Storage", "VM", "VM", "VM"],
                  "MeterName": ["P10", "P10", "P20", "D2", "D2", "D2"],
                  "UnitOfMeasure": ["1/Month", None, None, "1 Hour", "10 Hours", None]}).to_csv(path, index=False)
    cols = {"category": "MeterCategory", "meter": "MeterName", "unit": "UnitOfMeasure"}
    units = _azure_units.MeterUnits(path, cols)
    t = next(tabular.iter_tables(path, list(cols.values()), prefetch=False))[0]
    meter = [tabular.codes(tabular.column(t, cols.get(k))) for k in units.METER]
    (c, cats), (src, _) = units.fill(meter, tabular.codes(t.column("UnitOfMeasure")), 100)
    assert [None if i < 0 else cats[i] for i in c] == ["1/Month", "1/Month", None, "1 Hour", "10 Hours", None]
    assert (src == 0).tolist() == [False, True, False, False, False, False]   # a meter with two units: not filled


def test_localised_values_raise_even_when_lenient():
    numbers = functools.partial(_azure_units.localised, tabular.numbers)
    with pytest.raises(tabular.ParseError, match=r"az.csv: row 3, column Quantity: cannot parse '1,5' as a number "
                                                 r"\(a decimal comma"):
        numbers(pa.array(["2", "1,5"]), name="az.csv", column_name="Quantity", first_row=2, lenient=True)
    values, bad = numbers(pa.array(["2", "lots"]), name="az.csv", column_name="Quantity", first_row=2, lenient=True)
    assert bad.tolist() == [False, True] and values[0] == 2.0                 # not localised: lenient as usual
    assert _azure_units.locale_hint("13/01/2025").startswith(" (a day/month/year date")
