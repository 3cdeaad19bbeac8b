"""The hourly rules every grid-signal reader shares (``carbonlab.io._hourly``): UTC times, duplicates, gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonlab.io import _hourly
from carbonlab.io._signal_files import SignalFileError


def test_times_with_offsets_naive_and_local():
    utc = _hourly.parse_times(["2024-03-31T03:00:00+02:00", "2024-03-31T01:00:00Z"])
    assert list(utc) == [pd.Timestamp("2024-03-31T01:00Z")] * 2
    naive = _hourly.parse_times(["2024-01-01 00:00"])
    assert naive[0] == pd.Timestamp("2024-01-01T00:00Z")
    local = _hourly.parse_times(["2024-01-01 01:00"], timezone="Europe/Berlin")
    assert local[0] == pd.Timestamp("2024-01-01T00:00Z")
    with pytest.raises(SignalFileError, match=r"f.csv: row 2: '1900-01-01' is outside 1970-2099"):
        _hourly.parse_times(["2024-01-01", "1900-01-01"], where="f.csv")
    with pytest.raises(SignalFileError, match=r"f.csv: row 1: 'noon' is not a time"):
        _hourly.parse_times(["noon"], where="f.csv")


def test_short_gaps_interpolated_long_gaps_from_the_month_and_hour_profile():
    idx = pd.date_range("2024-01-01", periods=24 * 3, freq="h", tz="UTC")
    values = pd.Series(np.tile(np.arange(24.0), 3), index=idx)
    values.iloc[[5, 6]] = np.nan                                   # 2 h: linear between 4 and 7
    values.iloc[30:40] = np.nan                                     # 10 h: mean of the same hours on other days
    filled, flag = _hourly.fill_gaps(values, max_gap=3)
    assert filled.iloc[5:7].tolist() == [5.0, 6.0]
    assert filled.iloc[30:40].tolist() == list(np.arange(6.0, 16.0))
    assert int(flag.sum()) == 12
    untouched, none = _hourly.fill_gaps(values, max_gap=None)
    assert untouched.isna().sum() == 12 and not none.any()


def test_duplicates_dropped_when_equal_an_error_when_not():
    frame = pd.DataFrame({"zone": ["DE", "DE", "DE"], "time": pd.to_datetime(["2024-01-01"] * 3, utc=True),
                          "value": [1.0, 1.0, 1.0], "source_file": "a.csv", "source_row": [2, 3, 4]})
    out, dropped = _hourly.drop_duplicates(frame, ["zone", "time"], ["value"], where="x")
    assert (len(out), dropped) == (1, 2)
    frame.loc[2, "value"] = 2.0
    with pytest.raises(SignalFileError, match=r"x: zone 'DE' at 2024-01-01 00:00 UTC has different values in "
                                              r"a.csv row 2; a.csv row 3; a.csv row 4"):
        _hourly.drop_duplicates(frame, ["zone", "time"], ["value"], where="x")


def test_hourly_table_means_points_and_refuses_a_grid_too_large(monkeypatch):
    frame = pd.DataFrame({"zone": ["DE"] * 4, "value": [1.0, 3.0, 5.0, 7.0],
                          "time": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 00:30", "2024-01-01 01:00",
                                                  "2024-01-01 03:00"], utc=True)})
    values, filled, info = _hourly.hourly_table(frame, ["value"], where="x")
    assert values["value"]["DE"].tolist() == [2.0, 5.0, 6.0, 7.0] and filled["value"]["DE"].tolist() == \
        [False, False, True, False]
    assert info["points_per_hour_max"] == 2 and info["filled_hours"] == {"value": {"DE": 1}}
    ds = _hourly.intensity_dataset(values, filled, {"value": "location_average"}, source="test")
    assert ds["grid_intensity"].dims == ("time", "zone", "basis") and ds.attrs["source"] == "test"
    monkeypatch.setattr(_hourly, "MAX_CELLS", 3)
    with pytest.raises(SignalFileError, match=r"x: 1 zones over 4 hours .* more than 3 hourly values"):
        _hourly.hourly_table(frame, ["value"], where="x")
