"""What each kind of placed usage adds to the usage cube's variables.

One function per usage kind, registered in :data:`CONTRIBUTIONS` against the variables it fills
(:data:`CUBE_VARIABLES`).  Each takes the positions of the records of its kind within a batch of placed
records and the batch (:class:`Placed`) and returns ``{variable: (positions, values)}``.

Processor kinds (compute, GPU) carry the three linear terms of CCF's compute model for the cube's
coefficient set (:func:`carbonlab.models.energy.ccf_compute_aggregated`): energy at idle, and the span
between idle and full power weighted by measured utilisation (records that have one) or left for the
methodology's default utilisation (records that have none).  Compute also carries the instance-hours, the
memory beyond CCF's benchmark server and the embodied term ``embodied_reserved`` (TE x time x resource
share) of its instance types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from carbonlab.core.units import KILO
from carbonlab.datasets import hardware

__all__ = ["CUBE_VARIABLES", "KIND_TOTALS", "VARIABLES", "COST", "CONTRIBUTIONS", "Placed"]

#: Cube variables and the usage kind that feeds each.
CUBE_VARIABLES = {
    "compute": ("vcpu_hours", "cpu_energy_idle", "cpu_energy_span_measured", "cpu_energy_span_unmeasured",
                "memory_extra_gb_hours", "instance_hours", "embodied_reserved", "vcpu_hours_unknown_platform"),
    "gpu": ("gpu_hours", "gpu_energy_idle", "gpu_energy_span_measured", "gpu_energy_span_unmeasured"),
    "memory": ("memory_gb_hours", "memory_gb_hours_replicated"),
    "storage": ("storage_ssd_tb_hours", "storage_hdd_tb_hours",
                "storage_ssd_tb_hours_replicated", "storage_hdd_tb_hours_replicated"),
    "network": ("network_gb",),
}

#: Which variable of the cube holds each kind's canonical quantity (conservation).
KIND_TOTALS = {
    "compute": ("vcpu_hours",),
    "gpu": ("gpu_hours",),
    "memory": ("memory_gb_hours",),
    "storage": ("storage_ssd_tb_hours", "storage_hdd_tb_hours"),
    "network": ("network_gb",),
}

#: Every cube variable, in the order of the columns of the builder's cells.
VARIABLES = [v for vs in CUBE_VARIABLES.values() for v in vs]
#: Placed cost (not a physical quantity; used by the unattributed cost-ratio estimate).
COST = "cost_attributed"


@dataclass
class Placed:
    """A batch of placed records (each array has one entry per placed record).

    ``quantity`` is in the kind's canonical unit; ``provider``/``instance_type``/``storage_class`` are
    (codes, categories) pairs; ``coefficients(fn, providers, instance_types)`` gives a table of hardware
    coefficients per distinct pair (cached by the builder).
    """

    quantity: np.ndarray
    replication: np.ndarray
    utilization: np.ndarray
    provider: tuple
    instance_type: tuple
    storage_class: tuple
    coefficients: Callable


def _coefficients(p: Placed, fn, sel: np.ndarray) -> dict[str, np.ndarray]:
    """Per record of ``sel``, the coefficients ``fn`` gives its (provider, instance type)."""
    prov_c, prov_u = p.provider
    it_c, it_u = p.instance_type
    pk = prov_c[sel] * (len(it_u) + 1) + (it_c[sel] + 1)
    inv, uniq = pd.factorize(pk)
    up, ui = np.divmod(np.asarray(uniq, dtype=np.int64), len(it_u) + 1)
    coef = p.coefficients(fn, np.array([str(prov_u[i]) for i in up], dtype=object),
                          np.array([str(it_u[i - 1]) if i > 0 else None for i in ui], dtype=object))
    return {c: coef[c].to_numpy(dtype=float)[inv] for c in coef.columns if c not in ("gpu_model",)}


def _processor_terms(p: Placed, sel, get, prefix: str, hours_var: str) -> tuple[dict, np.ndarray]:
    hours = p.quantity[sel] * p.replication[sel]
    span = hours * (get["max_watts"] - get["min_watts"]) / KILO
    u = p.utilization[sel]
    measured = ~np.isnan(u)
    out = {hours_var: (sel, p.quantity[sel]),
           f"{prefix}_energy_idle": (sel, hours * get["min_watts"] / KILO),
           f"{prefix}_energy_span_measured": (sel, np.where(measured, span * np.where(measured, u, 0.0), 0.0)),
           f"{prefix}_energy_span_unmeasured": (sel, np.where(measured, 0.0, span))}
    return out, hours


def compute(sel: np.ndarray, p: Placed) -> dict:
    """vCPU-hours, the compute model's terms, instance-hours, extra memory and the embodied term."""
    get = _coefficients(p, hardware.compute_coefficients, sel)
    out, hours = _processor_terms(p, sel, get, "cpu", "vcpu_hours")
    known = get["known"].astype(bool)
    inst_hours = np.nan_to_num(np.where(known, hours / get["vcpu"], 0.0))
    out["instance_hours"] = (sel, inst_hours)
    out["vcpu_hours_unknown_platform"] = (sel, np.where(known, 0.0, p.quantity[sel]))
    out["memory_extra_gb_hours"] = (sel, inst_hours * get["memory_extra_gb"])
    out["embodied_reserved"] = (sel, np.nan_to_num(inst_hours * get["embodied_kg"] * get["resource_share"]))
    return out


def gpu(sel: np.ndarray, p: Placed) -> dict:
    """GPU-hours and the GPU model's terms."""
    get = _coefficients(p, hardware.gpu_coefficients, sel)
    return _processor_terms(p, sel, get, "gpu", "gpu_hours")[0]


def memory(sel: np.ndarray, p: Placed) -> dict:
    """GB-hours of memory, as billed and replicated."""
    return {"memory_gb_hours": (sel, p.quantity[sel]),
            "memory_gb_hours_replicated": (sel, p.quantity[sel] * p.replication[sel])}


def storage(sel: np.ndarray, p: Placed) -> dict:
    """TB-hours of storage on SSD and on HDD, as billed and replicated."""
    sc_c, sc_u = p.storage_class
    hdd_code = [i for i, s in enumerate(sc_u) if str(s) == "hdd"]
    hdd = sc_c[sel] == (hdd_code[0] if hdd_code else -2)
    out = {}
    for cls, mask in (("ssd", ~hdd), ("hdd", hdd)):
        s2 = sel[mask]
        out[f"storage_{cls}_tb_hours"] = (s2, p.quantity[s2])
        out[f"storage_{cls}_tb_hours_replicated"] = (s2, p.quantity[s2] * p.replication[s2])
    return out


def network(sel: np.ndarray, p: Placed) -> dict:
    """GB moved between data centres."""
    return {"network_gb": (sel, p.quantity[sel])}


#: Usage kind -> its contribution function (the kinds of :data:`CUBE_VARIABLES`).
CONTRIBUTIONS = {"compute": compute, "gpu": gpu, "memory": memory, "storage": storage, "network": network}
