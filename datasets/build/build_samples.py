"""Build datasets/samples/: one week of the fictional company's usage in every export format (seed 0).

The same records (:func:`carbonlab.datasets.sample.sample_usage_records`, 2025-01-28 to 2025-02-04, across a month
boundary) and the same non-usage charges (:func:`carbonlab.datasets.sample.sample_charges`) are written as

* ``fjordline_focus12.parquet``  FinOps FOCUS 1.2, all three clouds
* ``fjordline_focus10.csv.gz``   FinOps FOCUS 1.0 (no SkuMeter, no 1.2 columns), all three clouds
* ``fjordline_aws_cur.csv.gz``   AWS legacy CUR (``lineItem/UsageType`` columns)
* ``fjordline_aws_cur2.parquet`` AWS CUR 2.0 (snake_case columns, ``product`` map)
* ``fjordline_gcp_billing.jsonl.gz`` Google Cloud Billing export, BigQuery JSON (nested fields)
* ``fjordline_azure_ea.csv.gz``  Azure cost details, Enterprise Agreement columns (daily rows)
* ``fjordline_azure_mca.csv.gz`` Azure cost details, Microsoft Customer Agreement columns (daily rows)

Usage: python datasets/build/build_samples.py   (then python datasets/build/make_registry.py)
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from carbonlab.datasets.sample import (sample_charges, sample_usage_records, to_aws_cur, to_azure_costs, to_focus,
                              to_gcp_billing)

OUT = Path(__file__).resolve().parent.parent / "samples"
START, END = "2025-01-28", "2025-02-04"


def _gzip_text(path: Path, text: str) -> None:
    # mtime=0 and no file name in the header: the same text gives the same bytes
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                                compresslevel=9) as f:
        f.write(text.encode("utf-8"))


def _csv_gz(df, path: Path) -> None:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    _gzip_text(path, buf.getvalue())


def _parquet(table: pa.Table, path: Path) -> None:
    # plain (not large) strings, as the providers' Parquet exports have them
    table = table.cast(pa.schema([pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type)
                                  for f in table.schema]))
    pq.write_table(table.replace_schema_metadata(None), path, compression="zstd", compression_level=9,
                   row_group_size=50_000)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    records = sample_usage_records(seed=0, start=START, end=END)
    charges = sample_charges(records)
    _parquet(pa.Table.from_pandas(to_focus(records, charges, version="1.2"), preserve_index=False),
             OUT / "fjordline_focus12.parquet")
    _csv_gz(to_focus(records, charges, version="1.0"), OUT / "fjordline_focus10.csv.gz")
    _csv_gz(to_aws_cur(records, charges, version="legacy"), OUT / "fjordline_aws_cur.csv.gz")
    cur2 = to_aws_cur(records, charges, version="cur2")
    schema = pa.Schema.from_pandas(cur2.drop(columns="product"), preserve_index=False).append(
        pa.field("product", pa.map_(pa.string(), pa.string())))
    _parquet(pa.Table.from_pandas(cur2, schema=schema, preserve_index=False), OUT / "fjordline_aws_cur2.parquet")
    rows = to_gcp_billing(records, charges)
    _gzip_text(OUT / "fjordline_gcp_billing.jsonl.gz", "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
    _csv_gz(to_azure_costs(records, charges, columns="ea"), OUT / "fjordline_azure_ea.csv.gz")
    _csv_gz(to_azure_costs(records, charges, columns="mca"), OUT / "fjordline_azure_mca.csv.gz")
    for p in sorted(OUT.iterdir()):
        print(f"{p.name:<34} {p.stat().st_size / 1e3:8.1f} kB")


if __name__ == "__main__":
    main()
