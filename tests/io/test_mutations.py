"""Hostile and broken billing files: every mutation gives a conserving result or carbonlab's own error.

Seeds are small valid files of every billing format (the shipped one-week sample company in each
format, and the real OCI cost report of the corpus).  Hypothesis mutates them as careful users and
attackers would: truncation, byte flips, renamed columns, values swapped for text, ``inf``, ``1e309``,
booleans or far dates, duplicated rows, a second currency, other encodings.  For every mutant:

* either the file reads, the cube conserves every record and cent (in = placed + unattributed), and
  every total is finite;
* or the error is carbonlab's own: raised by carbonlab's code, one line, naming the file; never an
  exception type from pyarrow, pandas, json, gzip or codecs.

The CLI on the same mutants exits non-zero with one line on stderr, or succeeds.
"""

from __future__ import annotations

import gzip
import io
import traceback
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carbonlab
from carbonlab.cli import main
from carbonlab.datasets import dataset_path

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
ROWS = 40


def _text_seed(name: str, reader) -> tuple[str, bytes]:
    frame = reader()
    return name, frame.head(ROWS).to_csv(index=False).encode()


def _seeds() -> dict[str, bytes]:
    """file name -> bytes of a small valid file of each format."""
    out = {}
    for sample, name in (("fjordline_focus10.csv.gz", "focus.csv"), ("fjordline_aws_cur.csv.gz", "cur.csv"),
                         ("fjordline_azure_ea.csv.gz", "azure.csv"), ("fjordline_azure_mca.csv.gz", "mca.csv")):
        frame = pd.read_csv(dataset_path("samples", sample), dtype=str, keep_default_na=False)
        out[name] = frame.sample(ROWS, random_state=0).to_csv(index=False).encode()
    lines = gzip.decompress(dataset_path("samples", "fjordline_gcp_billing.jsonl.gz").read_bytes()).splitlines()
    out["gcp.jsonl"] = b"\n".join(lines[:ROWS]) + b"\n"
    oci = (REAL / "focus-converters_oci-cost-report_csv.csv").read_bytes().splitlines()
    out["oci.csv"] = b"\n".join(oci[:ROWS]) + b"\n"
    buf = io.BytesIO()
    pq.write_table(pq.read_table(dataset_path("samples", "fjordline_aws_cur2.parquet")).slice(0, ROWS), buf)
    out["cur2.parquet"] = buf.getvalue()
    return out


SEEDS = _seeds()
VALUES = ["abc", "inf", "-inf", "Infinity", "1e309", "true", "", "-5", "NaN", "2200-01-01T00:00:00Z",
          "2031-06-01T00:00:00Z", "31.01.2025", "1,5", "<script>alert(1)</script>", "EUR", "\x00", "9" * 400]


@st.composite
def mutants(draw, name):
    data = SEEDS[name]
    kind = draw(st.sampled_from(["truncate", "flip", "rename", "value", "duplicate", "encode", "gzip",
                                 "empty"] if not name.endswith(".parquet") else
                                ["truncate", "flip", "empty", "text", "value"]))
    if kind == "truncate":
        return name, data[:draw(st.integers(0, len(data)))]
    if kind == "flip":
        b = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(b) - 1))
            b[i] = draw(st.integers(0, 255))
        return name, bytes(b)
    if kind == "empty":
        return name, b""
    if kind == "text":
        return name, b"this is not parquet\n"
    if name.endswith(".parquet"):      # a column's values swapped for another type
        t = pq.read_table(io.BytesIO(data))
        col = draw(st.sampled_from(t.column_names))
        value = draw(st.sampled_from(VALUES))
        t = t.set_column(t.column_names.index(col), col, pa.array([value] * t.num_rows, pa.string()))
        buf = io.BytesIO()
        pq.write_table(t, buf)
        return name, buf.getvalue()
    if kind == "gzip":
        z = gzip.compress(data)
        return name + ".gz", z[:draw(st.integers(0, len(z)))]
    if kind == "encode":
        text = data.decode("utf-8") + "Zürich,ß\n"
        return name, text.encode(draw(st.sampled_from(["latin-1", "utf-16", "cp1252"])), errors="replace")
    if name.endswith(".jsonl"):
        lines = data.decode().splitlines()
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "duplicate":
            return name, ("\n".join(lines + [lines[i]]) + "\n").encode()
        value = draw(st.sampled_from(VALUES))
        field = draw(st.sampled_from(['"cost": ', '"amount": ', '"usage_start_time": ', '"currency": ',
                                      '"region": ']))
        lines[i] = lines[i].replace(field, field + f'{value!r}'.replace("'", '"') + ", \"x\": ", 1)
        return name, ("\n".join(lines) + "\n").encode()
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    if kind == "rename":
        col = draw(st.sampled_from(list(frame.columns)))
        frame = frame.rename(columns={col: draw(st.sampled_from(["x", col.upper(), col + " ", ""]))})
    elif kind == "duplicate":
        i = draw(st.integers(0, len(frame) - 1))
        frame = pd.concat([frame, frame.iloc[[i]]], ignore_index=True)
    else:
        col = draw(st.sampled_from(list(frame.columns)))
        rows = draw(st.lists(st.integers(0, len(frame) - 1), min_size=1, max_size=3))
        frame.loc[rows, col] = draw(st.sampled_from(VALUES))
    return name, frame.to_csv(index=False).encode()


def _is_carbonlabs_own(exc: BaseException, name: str) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    raised_in = frames[-1].filename if frames else ""
    return (isinstance(exc, ValueError) and type(exc).__module__.split(".")[0] in ("builtins", "carbonlab")
            and "/carbonlab/" in raised_in and name in str(exc) and "\n" not in str(exc))


def _check(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        usage = carbonlab.read(path)
        cube = carbonlab.usage_cube(usage)
    except Exception as exc:  # noqa: BLE001 -- the point of the test
        assert _is_carbonlabs_own(exc, name), f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
        return False
    assert cube.attrs["records_in"] == len(usage)                           # every record counted once:
    assert int(cube["unattributed_records"].sum()) == cube.attrs["records_unattributed"] <= len(usage)
    assert (usage["kind"] == "unknown").sum() <= cube.attrs["records_unattributed"]   # placed or unattributed
    total = float(cube["cost_attributed"].sum()) + float(cube["unattributed_cost"].sum())
    assert total == pytest.approx(float(np.nansum(usage["cost"])), rel=1e-9, abs=1e-9)
    for v in cube.data_vars:
        if cube[v].dtype.kind == "f":
            assert np.isfinite(cube[v].values).all(), v
    return True


SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seeds_read(tmp_path, seed):
    assert _check(tmp_path, seed, SEEDS[seed])


@pytest.mark.parametrize("seed", sorted(SEEDS))
@SETTINGS
@given(data=st.data())
def test_mutants_conserve_or_fail_cleanly(tmp_path, seed, data):
    name, raw = data.draw(mutants(seed))
    _check(tmp_path, name, raw)


@SETTINGS
@given(data=st.data(), seed=st.sampled_from(sorted(SEEDS)))
def test_cli_one_line(tmp_path, capsys, data, seed):
    name, raw = data.draw(mutants(seed))
    path = tmp_path / name
    path.write_bytes(raw)
    code = main(["estimate", str(path), "--out", str(tmp_path / "out")])
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("carbonlab: error")]
    assert code in (0, 2)
    if code == 2:
        assert len(err) == 1 and name in err[0]
