"""Facility factors per region: PUE and WUE from the shipped tables.

Each lookup returns the values and the list of fallbacks it applied, so that a
Footprint can record them in its ``assumed`` attr.  Coefficient rows that are
carbonlab's own fallbacks rather than published values (OCI's, for which CCF and
Oracle publish none) say so in their ``source`` (:data:`FALLBACK_PREFIX`), and
every use of one is recorded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonlab import datasets


#: The ``source`` of every shipped coefficient row that is a carbonlab fallback starts with this
#: (``datasets/coefficients/DATACARD.md``); uses of such rows are recorded in ``assumed``.
FALLBACK_PREFIX = "carbonlab fallback"


def _constant_rows(coefficient_set: str, name: str) -> pd.DataFrame:
    t = datasets.load_table("coefficients", "constants")
    t = t[(t["coefficient_set"] == coefficient_set) & (t["name"] == name)]
    if t.empty:
        raise KeyError(f"no constant {name!r} in coefficient set {coefficient_set!r}")
    return t


def _constants(coefficient_set: str, name: str) -> dict[str, float]:
    t = _constant_rows(coefficient_set, name)
    return dict(zip(t["provider"], t["value"].astype(float)))


def constant_fallbacks(coefficient_set: str, name: str) -> dict[str, str]:
    """Providers whose constant ``name`` of ``coefficient_set`` is a carbonlab fallback, with its source.

    Examples
    --------
    >>> constant_fallbacks("provider_2024", "pue_fleet")["oci"][:46]
    'carbonlab fallback: OCI has no CCF or provider'
    >>> "aws" in constant_fallbacks("provider_2024", "pue_fleet")
    False
    """
    t = _constant_rows(coefficient_set, name)
    fb = t[t["source"].astype(str).str.startswith(FALLBACK_PREFIX)]
    return dict(zip(fb["provider"], fb["source"].astype(str)))


def _fleet_note(provider: str, region: str, fleet: str, value: float, fallbacks: dict) -> list[str]:
    if provider not in fallbacks:
        return []
    return [f"{provider}:{region} pue: {fleet} has no published fleet value for {provider}; carbonlab fallback "
            f"{value} used ({fallbacks[provider].removeprefix(FALLBACK_PREFIX + ': ')})"]


def fleet_pue(fleet: str) -> dict[str, float]:
    """Fleet PUE per provider from the ``constants`` table (``ccf_2020`` or ``provider_2024``)."""
    return _constants(fleet, "pue_fleet")


def pue(regions, providers, *, source="region", fleet="provider_2024"):
    """PUE per region.

    Parameters
    ----------
    regions, providers : sequence of str
    source : {"ccf", "region", "fleet"}
        ``ccf``: CCF's fleet constants, with its trailing-twelve-month values
        for the GCP regions it lists; ``region``: the provider's disclosure
        for the region (GSF Real Time Cloud), else the fleet value of
        ``fleet``; ``fleet``: fleet values only.
    fleet : str
        Coefficient set of the fleet values.

    Returns
    -------
    values : numpy.ndarray
        [1]
    assumed : list of str

    Notes
    -----
    Where a provider's fleet value is itself a carbonlab fallback (OCI: the
    mean of the other providers' values, :func:`constant_fallbacks`), every
    region that uses it is recorded, whatever the source.
    """
    assumed = []
    if source == "ccf":
        fleet_values, fallbacks = fleet_pue("ccf_2020"), constant_fallbacks("ccf_2020", "pue_fleet")
        reg = datasets.load_table("coefficients", "pue_regional")
        lut = {(p, r): v for p, r, v in zip(reg["provider"], reg["region"], reg["pue"])}
        out = []
        for r, p in zip(regions, providers):
            if (p, r) in lut:
                out.append(lut[(p, r)])
            else:
                out.append(fleet_values[p])
                assumed += _fleet_note(p, r, "ccf_2020", fleet_values[p], fallbacks)
        return np.array(out), assumed
    fleet_values, fallbacks = fleet_pue(fleet), constant_fallbacks(fleet, "pue_fleet")
    if source == "fleet":
        for r, p in zip(regions, providers):
            assumed += _fleet_note(p, r, fleet, fleet_values[p], fallbacks)
        return np.array([fleet_values[p] for p in providers]), assumed
    table = datasets.load_table("regions").set_index(["provider", "region"])["pue"]
    out = []
    for r, p in zip(regions, providers):
        v = table.get((p, r), np.nan)
        if pd.isna(v):
            v = fleet_values[p]
            assumed.append(f"{p}:{r} pue: no regional disclosure, {fleet} fleet value {v} used")
            assumed += _fleet_note(p, r, fleet, v, fallbacks)
        out.append(float(v))
    return np.array(out), assumed


def wue(regions, providers, *, source="region"):
    """Water usage effectiveness per region.

    Where a region has no disclosure, the median of the provider's disclosed
    regions is used; where the provider discloses none (Google in the GSF
    data), the median over all disclosed regions of all providers.  Every
    such region is recorded.

    Returns
    -------
    values : numpy.ndarray
        [L kWh-1]
    assumed : list of str
    """
    if source == "none":
        return np.zeros(len(regions)), []
    table = datasets.load_table("regions")
    known = table.dropna(subset=["wue"])
    by_provider = known.groupby("provider")["wue"].median().to_dict()
    overall = float(known["wue"].median())
    lut = {(p, r): v for p, r, v in zip(known["provider"], known["region"], known["wue"])}
    out, assumed = [], []
    for r, p in zip(regions, providers):
        if (p, r) in lut:
            out.append(float(lut[(p, r)]))
        elif p in by_provider:
            out.append(float(by_provider[p]))
            assumed.append(f"{p}:{r} wue: no disclosure, median of {p} regions {by_provider[p]} used")
        else:
            out.append(overall)
            assumed.append(f"{p}:{r} wue: {p} discloses none, median of all regions {overall} used")
    return np.array(out), assumed
