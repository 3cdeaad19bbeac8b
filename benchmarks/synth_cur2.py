"""Write a synthetic AWS CUR 2.0 Parquet file for the reader benchmark.

The row mix is the one of CCF's own synthetic CUR rows (``node harness.js synth --kind aws-cur`` in
``../shared/peers/ccf``: the same 14 usage types, 6 regions, 3 accounts), made hourly over January 2024
as CUR 2.0 is, with CUR 2.0's snake_case columns and a ``product`` map column.

Usage::

    python benchmarks/synth_cur2.py OUT.parquet N [--row-group 1000000] [--seed 1]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

#: (product code, usage type, pricing unit, instance type, vcpu, product name) as in CCF's synthetic rows.
TYPES = [
    ("AmazonEC2", "BoxUsage:m5.large", "Hrs", "m5.large", "2"),
    ("AmazonEC2", "BoxUsage:c5.2xlarge", "Hrs", "c5.2xlarge", "8"),
    ("AmazonEC2", "BoxUsage:t3.medium", "Hrs", "t3.medium", "2"),
    ("AmazonEC2", "BoxUsage:r5.xlarge", "Hrs", "r5.xlarge", "4"),
    ("AmazonEC2", "BoxUsage:m6g.large", "Hrs", "m6g.large", "2"),
    ("AmazonEC2", "EBS:VolumeUsage.gp2", "GB-Mo", None, None),
    ("AmazonEC2", "EBS:SnapshotUsage", "GB-Mo", None, None),
    ("AmazonS3", "TimedStorage-ByteHrs", "GB-Mo", None, None),
    ("AmazonRDS", "InstanceUsage:db.r5.large", "Hrs", "db.r5.large", "2"),
    ("AmazonRDS", "RDS:GP2-Storage", "GB-Mo", None, None),
    ("AmazonEC2", "DataTransfer-Regional-Bytes", "GB", None, None),
    ("AmazonEC2", "NatGateway-Hours", "Hrs", None, None),
    ("AWSLambda", "Lambda-GB-Second", "Lambda-GB-Second", None, None),
    ("AmazonDynamoDB", "TimedStorage-ByteHrs", "GB-Mo", None, None),
]
REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"]
PREFIX = {"us-east-1": "USE1", "us-east-2": "USE2", "us-west-2": "USW2", "eu-west-1": "EU", "eu-central-1": "EUC1",
          "ap-southeast-1": "APS1"}
START = np.datetime64("2024-01-01T00:00", "ns")
HOUR = np.timedelta64(3600, "s").astype("m8[ns]")


def _dict(indices: np.ndarray, values: list) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), pa.array(values, pa.string()))


def _product_maps() -> pa.MapArray:
    maps = []
    for code, ut, unit, itype, vcpu in TYPES:
        m = [("product_name", code), ("servicecode", code), ("usagetype", ut)]
        if vcpu:
            m += [("vcpu", vcpu), ("instance_type", itype), ("physical_processor", "Intel Xeon")]
        maps.append(m)
    return pa.array(maps, type=pa.map_(pa.string(), pa.string()))


def row_group(n: int, rng: np.random.Generator, offset: int) -> pa.Table:
    t = rng.integers(0, len(TYPES), n)
    r = rng.integers(0, len(REGIONS), n)
    h = rng.integers(0, 31 * 24, n)
    acct = rng.integers(0, 3, n)
    start = START + h * HOUR
    usage_types = sorted({PREFIX[reg] + "-" + ty[1] for reg in REGIONS for ty in TYPES})
    ut_index = {u: i for i, u in enumerate(usage_types)}
    ut_idx = np.array([[ut_index[PREFIX[reg] + "-" + ty[1]] for reg in REGIONS] for ty in TYPES])[t, r]
    amount = np.round(rng.random(n) * 24, 2)
    cost = np.round(rng.random(n) * 10, 2)
    codes = sorted({ty[0] for ty in TYPES})
    units = sorted({ty[2] for ty in TYPES})
    itypes = sorted({ty[3] for ty in TYPES if ty[3]})
    cols = {
        "identity_line_item_id": pa.array(np.char.add("li-", (np.arange(n) + offset).astype(str))),
        "identity_time_interval": _dict(np.zeros(n), ["2024-01-01T00:00:00Z/2024-02-01T00:00:00Z"]),
        "bill_payer_account_id": _dict(np.zeros(n), ["999999999999"]),
        "line_item_usage_account_id": _dict(acct, ["111111111111", "222222222222", "333333333333"]),
        "line_item_line_item_type": _dict(np.zeros(n), ["Usage"]),
        "line_item_usage_start_date": pa.array(start, pa.timestamp("ns", tz="UTC")),
        "line_item_usage_end_date": pa.array(start + HOUR, pa.timestamp("ns", tz="UTC")),
        "line_item_product_code": _dict(np.array([codes.index(TYPES[i][0]) for i in range(len(TYPES))])[t], codes),
        "line_item_usage_type": _dict(ut_idx, usage_types),
        "line_item_operation": _dict(np.zeros(n), ["RunInstances"]),
        "line_item_usage_amount": pa.array(amount),
        "line_item_unblended_cost": pa.array(cost),
        "line_item_net_unblended_cost": pa.array(cost),
        "pricing_unit": _dict(np.array([units.index(TYPES[i][2]) for i in range(len(TYPES))])[t], units),
        "product_region_code": _dict(r, REGIONS),
        "product_instance_type": pa.DictionaryArray.from_arrays(
            pa.array(np.array([itypes.index(TYPES[i][3]) if TYPES[i][3] else -1 for i in range(len(TYPES))])[t],
                     mask=np.array([TYPES[i][3] is None for i in range(len(TYPES))])[t], type=pa.int32()),
            pa.array(itypes, pa.string())),
        "product": _product_maps().take(pa.array(t)),
    }
    table = pa.table(cols)
    # store dictionary columns as plain strings in the schema (Parquet dictionary-encodes them on disk)
    return table.cast(pa.schema([pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
                                 for f in table.schema]))


def write(path, n: int, *, row_group_rows: int = 1_000_000, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    writer = None
    done = 0
    while done < n:
        m = min(row_group_rows, n - done)
        t = row_group(m, rng, done)
        if writer is None:
            writer = pq.ParquetWriter(path, t.schema, compression="snappy")
        writer.write_table(t, row_group_size=row_group_rows)
        done += m
    writer.close()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("n", type=int)
    p.add_argument("--row-group", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    t0 = time.perf_counter()
    write(a.out, a.n, row_group_rows=a.row_group, seed=a.seed)
    print(f"wrote {a.n:,} rows to {a.out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
