"""Classes of distinct keys and the UsageTable rows built from them (``carbonlab.io._chunks``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonlab.core import schema, units
from carbonlab.io import _chunks


def _rules(calls):
    def rules(keys):
        calls.append(len(keys))
        cls = _chunks.class_table(len(keys), keys.index)
        storage = (keys["unit"] == "GB-Mo").to_numpy()
        _chunks.assign(cls, storage, kind="storage", unit="GB-Mo", storage_class="ssd")
        gpu = (keys["unit"] == "h").to_numpy()
        _chunks.assign(cls, gpu, kind="compute", unit="vCPU-h", factor=8.0, gpu_factor=1.0)
        return _chunks.finish(cls, keys["unit"], note="no physical model")
    return rules


def _coded(values):
    codes, cats = pd.factorize(pd.Series(values, dtype=object))
    return codes.astype(np.int64), np.asarray(cats, dtype=object)


def test_each_key_is_classified_once_across_batches():
    calls = []
    keys = _chunks.KeyTable(_rules(calls), ["unit"])
    a = keys.lookup([_coded(["GB-Mo", "h", "GB-Mo"])])
    b = keys.lookup([_coded(["h", "req", "h"])])
    assert calls == [2, 1]                      # "h" is not classified again
    assert a.tolist() == [0, 1, 0] and b.tolist() == [1, 2, 1]
    assert keys.classes["kind"].tolist() == ["storage", "compute", "unknown"]
    assert keys.classes["note"].tolist() == ["", "", "no physical model"]


def test_usage_chunk_gb_months_gpus_and_unparseable_rows():
    keys = _chunks.KeyTable(_rules([]), ["unit"])
    coded = _coded(["GB-Mo", "GB-Mo", "h", "req"])
    key = keys.lookup([coded])
    start = pd.DatetimeIndex(["2024-02-10", "2024-03-10", "2024-02-10", "2024-02-10"], tz="UTC").as_unit("ns").asi8
    bad = np.array([False, False, False, True])
    chunk = _chunks.usage_chunk(keys.classes, key, start_ns=start, end_ns=start + 3_600_000_000_000,
                                quantity=np.array([1000.0, 1000.0, 2.0, 5.0]), cost=np.ones(4), provider="aws",
                                region="us-east-1", service="svc", account=None, source_file="f.csv", first_row=7,
                                bad=bad, raw_unit=coded)
    # 1000 GB-months are 1 TB x 24 h x the days of the row's month (February 2024: 29, March: 31)
    assert chunk["quantity"].iloc[:2].tolist() == pytest.approx([24 * 29, 24 * 31], rel=1e-15)
    assert chunk["quantity"].iloc[:2].tolist() == units.to_canonical([1000.0] * 2, "GB-Mo", "storage",
                                                                      times=start[:2]).tolist()
    assert (chunk["unit"].iloc[0], chunk["storage_class"].iloc[0]) == ("TB-h", "ssd")
    assert (chunk["kind"].iloc[2], chunk["quantity"].iloc[2]) == ("compute", 16.0)
    assert (chunk["kind"].iloc[3], chunk["note"].iloc[3], chunk["unit"].iloc[3]) == \
        ("unknown", "unparseable value (lenient)", "req")
    gpu = chunk.iloc[4]                                                   # one GPU row per GPU instance line
    assert (gpu["kind"], gpu["quantity"], gpu["unit"], gpu["cost"], gpu["source_row"]) == ("gpu", 2.0, "GPU-h", 0.0, 9)
    assert chunk["source_row"].tolist() == [7, 8, 9, 10, 9]
    table = _chunks.concat_chunks([chunk], "f.csv", "test")
    assert table.attrs["source_format"] == "test" and list(table.columns[:len(schema.USAGE_COLUMNS)]) == \
        list(schema.USAGE_COLUMNS)


def test_rules_that_miss_a_class_column_are_an_error():
    keys = _chunks.KeyTable(lambda k: pd.DataFrame({"kind": ["unknown"] * len(k)}, index=k.index), ["unit"])
    with pytest.raises(RuntimeError, match="did not fill"):
        keys.lookup([_coded(["h"])])
