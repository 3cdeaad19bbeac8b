"""The HTML report: `carbonlab report` and `carbonlab demo` execute the packaged notebook and render it.

Numbers in the report are checked against the footprint they were made from (summary and tornado computed
independently here); the report must show every assumption the footprint records and hide the code.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
import xarray as xr

import carbonlab
import carbonlab.report
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


# A billing file is untrusted input: a report of someone else's bill must show its names, never run them.
SCRIPT, IMG, SVG = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>'
MATH = r"$\frac{$"  # not HTML, but matplotlib would parse it as mathtext and fail on it


class _Page(HTMLParser):
    """Elements (tag, attrs), script bodies and visible text of an HTML page (a space for each tag)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.scripts, self.text, self._raw = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        self.text.append(" ")
        if tag in ("script", "style"):
            self._raw = []

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))
        self.text.append(" ")

    def handle_endtag(self, tag):
        self.text.append(" ")
        if tag in ("script", "style") and self._raw is not None:
            if tag == "script":
                self.scripts.append("".join(self._raw))
            self._raw = None

    def handle_data(self, data):
        (self._raw if self._raw is not None else self.text).append(data)


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    # placed rows: a compute and a storage service named <script>, and one named in mathtext, in two unknown
    # regions named after the payloads (the ccf preset places them with CCF's Unknown grid factor, recorded
    # in `assumed`); unattributed rows: services and units named after the payloads (reason "unit not
    # modelled: <unit>"); the account id and the file name are payloads too, and so are attrs of the file
    d = tmp_path_factory.mktemp("hostile")
    rows = []
    for h in range(3):
        t0 = pd.Timestamp("2025-01-01T00:00Z") + pd.Timedelta(hours=h)
        b = dict(BillingAccountId=IMG, ChargePeriodStart=t0.isoformat(),
                 ChargePeriodEnd=(t0 + pd.Timedelta(hours=1)).isoformat(), ChargeCategory="Usage",
                 ProviderName="AWS", BillingCurrency="USD", InvoiceId="I-1")
        rows += [dict(b, ServiceName=SCRIPT, ServiceCategory="Compute", RegionId=IMG, ConsumedQuantity="4",
                      ConsumedUnit="vCPU-Hours", BilledCost="0.2"),
                 dict(b, ServiceName=SCRIPT, ServiceCategory="Storage", RegionId=SVG, ConsumedQuantity="100",
                      ConsumedUnit="GB-Hours", BilledCost="0.01"),
                 dict(b, ServiceName=MATH, ServiceCategory="Compute", RegionId=SVG, ConsumedQuantity="1",
                      ConsumedUnit="vCPU-Hours", BilledCost="0.05"),
                 dict(b, ServiceName=SVG, ServiceCategory="Other", RegionId=IMG, ConsumedQuantity="7",
                      ConsumedUnit=IMG, BilledCost="1.5"),
                 dict(b, ServiceName=IMG, ServiceCategory="Compute", RegionId=SVG, ConsumedQuantity="2",
                      ConsumedUnit=SVG, BilledCost="0.5")]
    bill = d / f"{IMG}.csv"
    pd.DataFrame(rows).to_csv(bill, index=False)
    fp = carbonlab.estimate(carbonlab.read(bill), "ccf", account=True)
    assert set(fp["service"].values) == {SCRIPT, MATH} and set(fp["region"].values) == {IMG, SVG}
    assert set(fp["account"].values) == {IMG}
    assert set(fp["unattributed_unit"].values) == {IMG, SVG} and int(fp["unattributed_records"].sum()) == 6
    fp.attrs["methodology_description"] = SCRIPT
    fp.attrs["references"] += "\n" + SVG
    path = d / "footprint.nc"
    fp.to_netcdf(path)
    return carbonlab.report.render_report(path, d / "report.html")


def test_report_escapes_the_bill(hostile_report):
    raw = hostile_report.read_text(encoding="utf-8")
    page = _Page()
    page.feed(raw)
    page.close()
    # (a) no event handler anywhere; (b) no script of the bill, no image or svg from it
    assert not [(tag, name) for tag, attrs in page.elements for name, _ in attrs if name.lower().startswith("on")]
    assert not [s for s in page.scripts if "alert(" in s]
    assert "svg" not in {tag for tag, _ in page.elements}
    images = [dict(attrs).get("src", "") for tag, attrs in page.elements if tag == "img"]
    assert len(images) == 5 and all(src.startswith("data:image/png;base64,") for src in images)
    # (c) the reader still sees every name, as text: in the tables, the assumptions, the unattributed
    # table (reason and unit), the input file, and the attrs of the footprint file
    text = re.sub(r"\s+", " ", "".join(page.text))
    for s in (SCRIPT, IMG, SVG, MATH):
        assert s in text, s
    assert f"Input: {IMG}.csv , 3 hours" in text
    assert f"aws:{IMG} grid: not in CCF's table" in text and f"aws:{SVG} wue: no disclosure" in text
    assert f"unit not modelled: {IMG}" in text and f"unit not modelled: {SVG}" in text
    assert f"{SCRIPT} Input:" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "&lt;img src=x onerror=alert(1)&gt;" in raw
