"""Google Cloud Billing export (BigQuery standard or detailed usage cost table) as CSV, JSON lines or Parquet.

BigQuery stores nested fields (``service.description``); JSON lines and
Parquet keep them nested, CSV exports of a query flatten them with dots or
underscores (``service.description`` or ``service_description``): all three
are read.

===============================  ==================  =========================================
export field                     carbonlab column    notes
===============================  ==================  =========================================
usage_start_time                 start               UTC (``2025-01-01 00:00:00 UTC`` or ISO)
usage_end_time                   end                 exclusive
project.id                       account             ``billing_account_id`` when empty
location.region                  region              ``location.location`` (zone -> region) if empty
service.description              service             e.g. ``Compute Engine``
sku.description                  (classification)    e.g. ``N2 Instance Core running in Belgium``
usage.amount                     quantity            in ``usage.unit``
usage.unit                       unit                ``seconds``, ``byte-seconds``, ``bytes``, ...
system_labels                    instance_type       ``compute.googleapis.com/machine_spec``
cost                             cost                gross cost, bill currency
credits                          (extra rows)        one ``unknown`` row per line with credits:
                                                     ``not usage (credit: <type>)``, their sum as cost
cost_type                        (classification)    only ``regular`` is usage
===============================  ==================  =========================================

Classification (CCF.md §8.2 where right):

* ``seconds`` with a CPU word (Core, vCPU, CPU, DCU): compute, vCPU-seconds as
  billed (core-seconds); with ``GPU``: GPU-seconds, the GPU model from the SKU.
  GKE cluster fees ("Kubernetes Clusters") have no hardware (CCF counts 3 vCPU
  per cluster); commitment fees are not usage.
* ``byte-seconds``: memory when the SKU names RAM or memory, else storage (SSD
  or HDD from the SKU); bytes and seconds are converted exactly
  (decimal GB: CCF divides by 2^30 and calls the result GB).
* ``bytes``: network when the SKU names outbound, inter-region or inter-zone
  transfer; other volumes (e.g. BigQuery bytes scanned) are unattributed.

References
----------
Google Cloud, "Structure of Standard data export", Cloud Billing documentation,
https://cloud.google.com/billing/docs/how-to/export-data-bigquery-tables/standard-usage,
accessed 2026-11-22.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carbonlab import datasets
from carbonlab.core import units
from carbonlab.io import _chunks, classify, tabular

#: Canonical (dotted) field -> carbonlab use.
VARIABLE_MAP = {"usage_start_time": "start", "usage_end_time": "end", "project.id": "account",
                "location.region": "region", "service.description": "service", "sku.description": "usage type",
                "usage.amount": "quantity", "usage.unit": "unit", "cost": "cost"}
REQUIRED = ["usage_start_time", "usage_end_time", "service.description", "sku.description", "usage.amount",
            "usage.unit", "cost"]
_OPTIONAL = ["billing_account_id", "project.id", "location.region", "location.location", "cost_type",
             "system_labels", "credits", "currency"]

#: Explicit types for JSON lines (numbers stay numbers; nested fields as BigQuery exports them).
JSON_SCHEMA = pa.schema([
    ("billing_account_id", pa.string()),
    ("service", pa.struct([("id", pa.string()), ("description", pa.string())])),
    ("sku", pa.struct([("id", pa.string()), ("description", pa.string())])),
    ("usage_start_time", pa.string()), ("usage_end_time", pa.string()),
    ("project", pa.struct([("id", pa.string()), ("name", pa.string())])),
    ("location", pa.struct([("location", pa.string()), ("country", pa.string()), ("region", pa.string()),
                            ("zone", pa.string())])),
    ("cost", pa.float64()), ("currency", pa.string()), ("cost_type", pa.string()),
    ("usage", pa.struct([("amount", pa.float64()), ("unit", pa.string()),
                         ("amount_in_pricing_units", pa.float64()), ("pricing_unit", pa.string())])),
    ("system_labels", pa.list_(pa.struct([("key", pa.string()), ("value", pa.string())]))),
    ("credits", pa.list_(pa.struct([("name", pa.string()), ("amount", pa.float64()), ("full_name", pa.string()),
                                    ("id", pa.string()), ("type", pa.string())]))),
])

_CPU = re.compile(r"\bcores?\b|vcpu|\bcpus?\b|\bdcu\b", re.I)
_GPU = re.compile(r"\bgpu\b", re.I)
_FEES = re.compile(r"\bfee\b|billing|reattribution|external ip charge|static ip|vpn tunnel|service charge|"
                   r"license", re.I)
_NETWORK_CCF = re.compile(r"egress|data delivery|network traffic|download", re.I)
_NO_MODEL_SERVICES = {"Cloud DNS", "Cloud Key Management Service (KMS)", "Secret Manager", "Support",
                      "Cloud Monitoring", "Cloud Logging", "Identity Platform", "Cloud Scheduler"}
_MACHINE_SPEC = "compute.googleapis.com/machine_spec"

#: ``usage.unit`` values -> (family, carbonlab unit).  The export's usage units are ``seconds``,
#: ``byte-seconds`` and ``bytes``; files that carry the pricing units instead (``usage.pricing_unit``:
#: ``hour``, ``gibibyte hour``, ``gibibyte month``, ``gibibyte``; seen in flattened query exports) are
#: read with the same rules.
GCP_UNITS = {"seconds": ("time", "s"), "second": ("time", "s"), "hour": ("time", "h"), "hours": ("time", "h"),
             "byte-seconds": ("capacity", "byte-s"), "gibibyte hour": ("capacity", "GiB-h"),
             "gibibyte month": ("month", "GiB-Mo"), "gibibyte-month": ("month", "GiB-Mo"),
             "bytes": ("data", "byte"), "gibibyte": ("data", "GiB")}


def _gpu_models() -> dict[str, str]:
    t = datasets.load_table("coefficients", "gpu_power")
    return {m.lower(): m for m in t.loc[t["provider"] == "gcp", "gpu_model"]}


def gpu_model(sku: pd.Series) -> pd.Series:
    """GPU model of the coefficient table from a GPU SKU (``Nvidia Tesla T4 GPU running in Americas``
    -> ``Nvidia T4``); the SKU's leading name when the table does not know it."""
    models = _gpu_models()
    name = sku.fillna("").astype(str).str.replace(r"\s+GPU\b.*$", "", regex=True, flags=re.I).str.strip()

    def pick(n: str) -> str:
        for cand in (n, re.sub(r"(?i)\btesla\s+", "", n)):
            if cand.lower() in models:
                return models[cand.lower()]
        return n

    return name.map(pick)


def gcp_rules(keys: pd.DataFrame) -> pd.DataFrame:
    """Classes of distinct GCP billing keys.

    Parameters
    ----------
    keys : pandas.DataFrame
        Columns ``cost_type``, ``service``, ``sku``, ``unit``, ``machine_type``.

    Returns
    -------
    pandas.DataFrame
        A class table (:data:`carbonlab.io._chunks.CLASS_COLUMNS`).
    """
    cls = _chunks.class_table(len(keys), keys.index)
    sku = keys["sku"].fillna("").astype(str)
    svc = keys["service"].fillna("").astype(str)
    unit = keys["unit"].fillna("").astype(str).str.strip().str.lower()
    cls["unit"] = keys["unit"]
    live = _usage_lines(cls, keys, sku, svc)
    family = unit.map(lambda u: GCP_UNITS.get(u, ("other", None))[0]).to_numpy(dtype=object)
    base = unit.map(lambda u: GCP_UNITS.get(u, ("other", None))[1])
    cpu = sku.str.contains(_CPU).to_numpy()
    _processor_time(cls, live & (family == "time"), sku, cpu, base, keys["machine_type"])
    m = live & (family == "capacity")
    memory = classify.is_memory(sku) & ~cpu
    _chunks.assign(cls, m & memory, kind="memory")
    _chunks.assign(cls, m & ~memory, kind="storage")
    _chunks.assign(cls, m, unit=base)
    # GiB-months in decimal GB-months
    _chunks.assign(cls, live & (family == "month"), kind="storage", unit="GB-Mo", factor=units.GB_PER_GIB)
    classify.set_storage_class(cls, sku, svc)
    m = live & (family == "data")
    net = classify.is_network(sku) | (sku.str.contains(_NETWORK_CCF) & ~sku.str.contains(classify.INBOUND_WORDS)
                                      ).to_numpy()
    _chunks.assign(cls, m & net, kind="network", unit=base)
    _chunks.assign(cls, m & ~net, note="data volume that is not transfer out of a data centre")
    _chunks.assign(cls, live & (family == "other"),
                   note="unit not modelled: " + keys["unit"].fillna("none").astype(str))
    cls["replication"] = classify.replication_factor(pd.Series("gcp", index=keys.index), svc, sku)
    return _chunks.finish(cls, keys["unit"], note="no physical model for this usage type")


def _usage_lines(cls, keys, sku, svc) -> np.ndarray:
    """Regular usage that is not a commitment, a fee, a service or cluster fee without hardware, nor a line
    of the shared rules (:func:`carbonlab.io.classify.line_notes`); the others get their note."""
    ctype = keys["cost_type"].fillna("regular").astype(str).str.lower().replace("", "regular")
    regular = (ctype == "regular").to_numpy()
    _chunks.assign(cls, ~regular, note="not usage (" + ctype + ")")
    commitment = sku.str.contains(r"^commitment\b|\bcommitment v\d", case=False).to_numpy()
    _chunks.assign(cls, regular & commitment, note="not usage (commitment fee)")
    fee = sku.str.contains(_FEES).to_numpy()
    _chunks.assign(cls, regular & ~commitment & fee, note="excluded: a fee without usage (CCF skips it)")
    live = regular & ~commitment & ~fee
    no_model = svc.isin(_NO_MODEL_SERVICES).to_numpy()
    _chunks.assign(cls, live & no_model, note="no physical model for this service")
    live &= ~no_model
    notes = classify.line_notes(sku, svc, keys["unit"])
    _chunks.assign(cls, live & (notes != ""), note=notes)
    live &= notes == ""
    cluster = sku.str.contains("Kubernetes Clusters|cluster management", case=False).to_numpy()
    _chunks.assign(cls, live & cluster, note="no physical model for this usage type (cluster management fee)")
    return live & ~cluster


def _processor_time(cls, m, sku, cpu, base, machine_type) -> None:
    """Seconds or hours: GPU time of the SKU's GPU model, vCPU time of the machine type; else a note."""
    gpu = sku.str.contains(_GPU).to_numpy()
    time_unit = base.map({"s": "-s", "h": "-h"}).fillna("")
    _chunks.assign(cls, m & gpu, kind="gpu", unit="GPU" + time_unit, instance_type=gpu_model(sku))
    c = m & ~gpu & cpu
    _chunks.assign(cls, c, kind="compute", unit="vCPU" + time_unit, instance_type=machine_type)
    _chunks.assign(cls, m & ~gpu & ~cpu, note="time of a resource without a CPU or GPU")


def _resolve(columns) -> dict[str, str]:
    """Canonical dotted field -> the file's column (dotted, underscored; case-insensitive)."""
    lower = {c.lower(): c for c in columns}
    out = {}
    for field in REQUIRED + _OPTIONAL:
        for cand in (field, field.replace(".", "_")):
            if cand.lower() in lower:
                out[field] = lower[cand.lower()]
                break
    return out


def _labels_value(column, key: str) -> pa.Array:
    """Value of ``key`` in a BigQuery ``[{key, value}]`` column (list of structs or JSON text)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        flat = column.flatten()
        if flat.type.num_fields == 0:
            return pa.nulls(len(column), pa.string())
        keys_ = flat.field("key")
        values = flat.field("value")
        parent = pc.list_parent_indices(column)
        hit = pc.equal(keys_, key).fill_null(False)
        rows = pc.filter(parent, hit).to_numpy(zero_copy_only=False)
        vals = pc.filter(values, hit).to_pylist()
        out = np.full(len(column), None, dtype=object)
        out[rows[::-1]] = vals[::-1]  # the first match wins
        return pa.array(out, pa.string())
    c, cats = tabular.codes(column)
    parsed = []
    for text in cats:
        value = None
        try:
            for item in json.loads(text) or []:
                if isinstance(item, dict) and item.get("key") == key:
                    value = item.get("value")
                    break
        except (ValueError, TypeError):
            value = None
        parsed.append(value)
    parsed = np.asarray(parsed + [None], dtype=object)
    return pa.array(parsed[c], pa.string())


def _credits(column) -> tuple[np.ndarray, np.ndarray]:
    """Per row: sum of credit amounts and the credit types joined (``""`` if none)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        return _listed_credits(column)
    c, cats = tabular.codes(column)
    per_cat = [_text_credits(text) for text in cats] + [(0.0, "")]
    arr = np.asarray(per_cat, dtype=object)
    return arr[c, 0].astype(float), arr[c, 1]


def _listed_credits(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Credits of a list-of-structs column (JSON lines, Parquet)."""
    n = len(column)
    total, kinds = np.zeros(n), np.full(n, "", dtype=object)
    flat = column.flatten()
    if len(flat) == 0 or flat.type.num_fields == 0:
        return total, kinds
    parent = pc.list_parent_indices(column).to_numpy(zero_copy_only=False)
    amount = np.nan_to_num(flat.field("amount").to_numpy(zero_copy_only=False).astype(float))
    total = np.bincount(parent, weights=amount, minlength=n)
    fields = [flat.type.field(i).name for i in range(flat.type.num_fields)]
    names = flat.field("type") if "type" in fields else flat.field("name")
    for p, t in zip(parent, names.to_pylist()):
        kinds[p] = t if not kinds[p] else f"{kinds[p]}+{t}"
    return total, kinds


def _text_credits(text) -> tuple[float, str]:
    """Sum and types of the credits of one text cell (JSON or Python-style records)."""
    items = _literal(text)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return 0.0, _UNPARSEABLE
    try:
        total = sum(float(i.get("amount") or 0.0) for i in items)
    except (TypeError, ValueError):
        return 0.0, _UNPARSEABLE
    return total, "+".join(str(i.get("type") or i.get("name") or "credit") for i in items)


_UNPARSEABLE = "\x00unparseable"


def _literal(text):
    """A credits cell as JSON, or as the Python-style text some exporters write
    (``[{'name': 'X', 'amount': -1.5}]``, project Koku's test exports); None if neither."""
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        pass
    try:
        return ast.literal_eval(text)     # literals only: never evaluates code
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


_NUMERIC_FIELDS = ("cost", "usage.amount", "usage.amount_in_pricing_units")
#: JSON_SCHEMA with the numeric fields as text, for the lenient re-read (text is then parsed per row).
_TEXT_SCHEMA = pa.schema([
    f if f.name not in ("cost", "usage") else
    pa.field(f.name, pa.string() if f.name == "cost" else
             pa.struct([pa.field(c.name, pa.string() if c.name.startswith("amount") else c.type) for c in f.type]))
    for f in JSON_SCHEMA])


def _json_rows(path, name: str, *, skip: int, lenient: bool) -> list[dict]:
    """Rows after ``skip`` of a JSON lines file, checked field by field (the slow path after Arrow
    refused a value): a number field holding something else raises with file, row and field, or,
    lenient, is kept as text for the per-row parser to flag."""
    import gzip

    opener = gzip.open if str(path).endswith(".gz") else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as f:
        data_row = 0
        for line in f:
            if not line.strip():
                continue
            data_row += 1
            if data_row <= skip:
                continue
            try:
                rec = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{name}: row {data_row}: not a JSON object ({exc})") from exc
            for field in _NUMERIC_FIELDS:
                _number_as_text(rec, field, where=f"{name}: row {data_row}", lenient=lenient)
            rows.append(rec)
    return rows


def _number_as_text(rec: dict, field: str, *, where: str, lenient: bool) -> None:
    """Replace a (dotted) number field of a record by its text; a value that is not a number raises
    naming ``where`` and the field, unless lenient."""
    head, _, leaf = field.rpartition(".")
    holder = rec.get(head) if head else rec
    value = holder.get(leaf) if isinstance(holder, dict) else None
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            float(value)
        except (TypeError, ValueError):
            if not lenient:
                raise ValueError(f"{where}, column {field}: cannot parse {value!r} as a number") from None
    holder[leaf] = str(value)


def _flatten_json(rows: list[dict]) -> pa.Table:
    return tabular.flatten(pa.Table.from_pylist(rows, schema=_TEXT_SCHEMA))


class _GcpReader:
    def __init__(self, path, *, lenient: bool):
        self.path = Path(path)
        self.name = self.path.name
        self.lenient = lenient
        self.format = tabular.file_format(self.path)
        self.cols = _resolve(tabular.column_names(self.path))
        missing = [c for c in REQUIRED if c not in self.cols]
        if missing:
            raise ValueError(f"{self.name}: not a GCP billing export, missing column(s) {missing}")
        self.keys = _chunks.KeyTable(gcp_rules, ["cost_type", "service", "sku", "unit", "machine_type"])

    def chunks(self, batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
        self.rows_read = 0
        try:
            yield from tabular.chunks(self.path, list(self.cols.values()), self._chunk, batch_rows=batch_rows,
                                      json_schema=JSON_SCHEMA if self.format == "jsonl" else None,
                                      numeric=[self.cols["cost"], self.cols["usage.amount"]])
        except pa.ArrowInvalid as exc:
            if self.format != "jsonl":
                raise ValueError(f"{self.name}: cannot read the file after data row {self.rows_read}: {exc}") from exc
            # a value of the wrong type: find it (file, row, field), or read the rest leniently
            rows = _json_rows(self.path, self.name, skip=self.rows_read, lenient=self.lenient)
            for start in range(0, len(rows), batch_rows):
                yield self._chunk(_flatten_json(rows[start:start + batch_rows]), self.rows_read + 1)

    def _col(self, t: pa.Table, field: str):
        return tabular.column(t, self.cols.get(field))

    def _chunk(self, t: pa.Table, first: int, fetch=None) -> pd.DataFrame:
        c = self.cols
        (start, end, qty, cost), bad = tabular.parse_columns(
            t, [(tabular.times, c["usage_start_time"]), (tabular.times, c["usage_end_time"]),
                (tabular.numbers, c["usage.amount"]), (tabular.numbers, c["cost"])],
            name=self.name, first_row=first, lenient=self.lenient)
        machine = (_labels_value(self._col(t, "system_labels"), _MACHINE_SPEC) if "system_labels" in c
                   else pa.nulls(t.num_rows, pa.string()))
        coded = [tabular.codes(self._col(t, k)) for k in ("cost_type", "service.description", "sku.description",
                                                          "usage.unit")] + [tabular.codes(machine)]
        key = self.keys.lookup(coded)
        region = pc.coalesce(self._col(t, "location.region").cast(pa.string()),
                             pc.replace_substring_regex(self._col(t, "location.location").cast(pa.string()),
                                                        r"^([a-z]+-[a-z]+\d+)-[a-z]$", r"\1"))
        account = pc.coalesce(self._col(t, "project.id").cast(pa.string()),
                              self._col(t, "billing_account_id").cast(pa.string()))
        chunk = _chunks.usage_chunk(self.keys.classes, key, start_ns=start, end_ns=end, quantity=qty, cost=cost,
                                    provider="gcp", region=tabular.codes(region), service=coded[1],
                                    account=tabular.codes(account), source_file=self.name, first_row=first,
                                    bad=bad, raw_unit=coded[3], currency=tabular.codes(self._col(t, "currency")))
        if "credits" in c:
            chunk = self._with_credit_rows(chunk, t, first)
        self.rows_read = first - 1 + t.num_rows
        return chunk

    def _with_credit_rows(self, chunk: pd.DataFrame, t: pa.Table, first: int) -> pd.DataFrame:
        """The chunk plus one ``unknown`` row (same ``source_row``) carrying each line's credits as cost."""
        amount, kinds = _credits(self._col(t, "credits"))
        unparseable = kinds == _UNPARSEABLE
        if unparseable.any() and not self.lenient:
            i = int(np.flatnonzero(unparseable)[0])
            raise tabular.ParseError(f"{self.name}: row {first + i}, column {self.cols['credits']}: cannot parse "
                                     "the credits (neither JSON nor a list of records)")
        kinds = np.where(unparseable, "unparseable value (lenient)", kinds)
        has = (amount != 0) | (kinds != "")
        if not has.any():
            return chunk
        n = int(has.sum())
        rows = chunk.iloc[:t.num_rows].loc[has].copy()
        notes = pd.Series(kinds[has], dtype=object).replace("", "credit")
        notes = ("not usage (credit: " + notes + ")").where(~unparseable[has], notes)
        rows["kind"] = pd.Categorical(["unknown"] * n)
        rows["note"] = pd.Categorical(notes.to_numpy())
        rows["quantity"] = 0.0
        rows["unit"] = pd.Categorical([None] * n, categories=["credit"])
        rows["cost"] = amount[has]
        rows["instance_type"] = pd.Categorical([None] * n, categories=["none"])
        rows["storage_class"] = pd.Categorical([None] * n, categories=["none"])
        rows["utilization"] = np.nan
        rows["storage_class_guessed"] = False
        return pd.concat([chunk, rows], ignore_index=True)


def iter_gcp_billing(path, *, lenient: bool = False,
                     batch_rows: int = tabular.BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """Read a GCP billing export in batches; yields UsageTable chunks."""
    yield from tabular.prefetched(_GcpReader(path, lenient=lenient).chunks(batch_rows))


def read_gcp_billing(path, *, lenient: bool = False) -> pd.DataFrame:
    """Read a Google Cloud Billing export (BigQuery schema) into a UsageTable.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` / ``.csv.gz`` (flattened fields), ``.jsonl`` / ``.jsonl.gz``
        (BigQuery's JSON export) or ``.parquet``.
    lenient : bool, default False
        Rows with a value that cannot be parsed become ``unknown`` rows with
        the note ``unparseable value (lenient)`` instead of raising.

    Returns
    -------
    pandas.DataFrame
        A UsageTable; a line with credits adds an ``unknown`` row (same
        ``source_row``) carrying the credits as cost; ``attrs["source_format"]``.

    Raises
    ------
    ValueError
        Missing columns (named) or, unless ``lenient``, a value that cannot be
        parsed (file, row and column named).
    """
    reader = _GcpReader(path, lenient=lenient)
    return _chunks.concat_chunks(list(reader.chunks()), reader.name, f"gcp_billing_{reader.format}")
