"""The HTML report: `carbonlab report` and `carbonlab demo` execute the packaged notebook and render it.

Numbers in the report are checked against the footprint they were made from (summary and tornado computed
independently here); the report must show every assumption the footprint records and hide the code.
"""

from __future__ import annotations

import html
import json
import re

import pytest
import xarray as xr

import carbonlab
from carbonlab.cli import main

pytest.importorskip("papermill")
pytest.importorskip("nbconvert")
pytestmark = pytest.mark.notebook


def text_of(path) -> str:
    """Visible text of an HTML page (no style, scripts or tags)."""
    s = path.read_text(encoding="utf-8")
    s = re.sub(r"<(style|script)\b.*?</\1>", " ", s, flags=re.S)
    s = re.sub(r"<img[^>]*>", " [IMG] ", s)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", s)))


@pytest.fixture(scope="module")
def footprint(tmp_path_factory, hourly_vm_disk):
    df = hourly_vm_disk([("us-east-1", "aws", "m5.large"), ("asia-northeast1", "gcp", "n2-standard-8")],
                        cycle=3, source_file="bill.csv")
    fp = carbonlab.estimate(df, "carbonlab")
    path = tmp_path_factory.mktemp("fp") / "footprint.nc"
    fp.to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def report(footprint, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", str(footprint), "--out", str(out)]) == 0
    return out


def test_report_shows_the_footprint(footprint, report):
    text = text_of(report)
    with xr.open_dataset(footprint) as fp:
        fp = fp.load()
    s = carbonlab.summary(fp)
    assert "carbonlab report: 'carbonlab'" in text
    assert f"IT energy {s['energy_it_kwh']:,.0f} kWh" in text
    for basis, t in s["co2e_t"].items():
        assert f"operational CO2e, {basis.replace('_', ' ')} {t:.4g} t" in text
    assert f"embodied CO2e {s['co2e_embodied_t']:.4g} t" in text
    # every recorded assumption is listed (asia-northeast1 has no PUE disclosure: a fallback)
    assumed = json.loads(fp.attrs["assumed"])
    assert any("asia-northeast1 pue" in a for a in assumed)
    assert f"{len(assumed)} assumptions and fallbacks" in text
    for a in assumed:
        assert a in text, a
    for ref in fp.attrs["references"].splitlines():
        assert ref in text
    # the figures, as embedded images: world map, heatmap, by service, by component, tornado
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64', report.read_text())) == 5
    # no code and no traceback in the rendered report
    assert "import carbonlab" not in text and "Traceback" not in text


def test_report_tornado_matches_the_library(footprint, report):
    text = text_of(report)
    with xr.open_dataset(footprint) as fp:
        fp = fp.load()
    late = {k: v for k, v in carbonlab.sensitivity.RANGES.items()
            if k not in ("coefficient_set", "embodied_model", "resolution")}
    table = carbonlab.tornado(fp, carbonlab.sensitivity.methodology_of(fp), late)
    row = table.set_index("parameter").loc["amortization_years"]
    assert row["low_value"] == 8.0 and row["high_value"] == 3.0
    assert (f"amortization_years {row['base_value']} {row['low_value']} {row['high_value']} {row['low']:.4g} "
            f"{row['high']:.4g}") in text


def test_report_errors(tmp_path, capsys):
    assert main(["report", str(tmp_path / "missing.nc"), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("carbonlab: error:") and "missing.nc: no such file" in err and "\n" not in err


def test_report_bad_kernel(footprint, tmp_path, capsys):
    assert main(["report", str(footprint), "--out", str(tmp_path / "r.html"), "--kernel", "no-such-kernel"]) == 2
    assert "no-such-kernel" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_demo_writes_the_report(tmp_path):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    text = text_of(out / "report.html")
    assert f"embodied CO2e {summary['co2e_embodied_t']:.4g} t" in text
    assert "fjordline_focus.parquet" in text
    assert main(["demo", "--out", str(tmp_path / "quiet"), "--no-report"]) == 0
    assert not (tmp_path / "quiet" / "report.html").exists()
