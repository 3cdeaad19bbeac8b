"""Exact unit conversions for usage quantities.

carbonlab converts every usage quantity to the canonical unit of its kind
(:data:`CANONICAL`) through one table of exact factors.
Decimal (GB, TB: powers of 1000) and binary (GiB, TiB: powers of 1024) prefixes
are named explicitly; a unit whose prefix is ambiguous is not guessed.

Month-based storage units (``GB-Mo``) depend on the length of the month; they
are converted with the real number of days of the record's month by
:func:`gb_month_to_tb_hours`.

References
----------
BIPM, *The International System of Units*, 9th ed., 2019, Table 7 (decimal
prefixes); IEC 80000-13:2008 (binary prefixes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KILO = 1000.0
KIBI = 1024.0
SECONDS_PER_HOUR = 3600.0
HOURS_PER_DAY = 24.0
#: Hours in a 365-day year, as SCI's example and CCF's 35 040 h lifespan (4 x 8760) use.
HOURS_PER_YEAR = 8760.0

GRAMS_PER_TONNE = 1e6
GRAMS_PER_KG = 1e3
#: One pound is exactly 0.45359237 kg (International yard and pound agreement, 1959).
KG_PER_POUND = 0.45359237
KWH_PER_MWH = 1e3

#: Every unit carbonlab reads: {unit: (dimension, exact factor to the dimension's base unit)}.
#: Bases: vCPU-h, GPU-h, GB-h (decimal gigabyte x hour), GB (decimal gigabyte).
UNITS: dict[str, tuple[str, float]] = {
    # processor time
    "vCPU-h": ("vcpu_time", 1.0),
    "vCPU-hours": ("vcpu_time", 1.0),
    "vCPU-s": ("vcpu_time", 1.0 / SECONDS_PER_HOUR),
    "vCPU-seconds": ("vcpu_time", 1.0 / SECONDS_PER_HOUR),
    "GPU-h": ("gpu_time", 1.0),
    "GPU-hours": ("gpu_time", 1.0),
    "GPU-s": ("gpu_time", 1.0 / SECONDS_PER_HOUR),
    "GPU-seconds": ("gpu_time", 1.0 / SECONDS_PER_HOUR),
    # capacity x time (memory and storage)
    "GB-h": ("data_time", 1.0),
    "GB-hours": ("data_time", 1.0),
    "GB-s": ("data_time", 1.0 / SECONDS_PER_HOUR),
    "GB-seconds": ("data_time", 1.0 / SECONDS_PER_HOUR),
    "TB-h": ("data_time", KILO),
    "TB-hours": ("data_time", KILO),
    "GiB-h": ("data_time", KIBI**3 / KILO**3),
    "GiB-s": ("data_time", KIBI**3 / KILO**3 / SECONDS_PER_HOUR),
    "TiB-h": ("data_time", KIBI**4 / KILO**3),
    "byte-h": ("data_time", 1.0 / KILO**3),
    "byte-s": ("data_time", 1.0 / KILO**3 / SECONDS_PER_HOUR),
    # data volume
    "GB": ("data", 1.0),
    "MB": ("data", 1.0 / KILO),
    "TB": ("data", KILO),
    "GiB": ("data", KIBI**3 / KILO**3),
    "TiB": ("data", KIBI**4 / KILO**3),
    "byte": ("data", 1.0 / KILO**3),
}

#: Canonical unit of each usage kind: (dimension, unit, size of the unit in the dimension's base).
CANONICAL: dict[str, tuple[str, str, float]] = {
    "compute": ("vcpu_time", "vCPU-h", 1.0),
    "gpu": ("gpu_time", "GPU-h", 1.0),
    "memory": ("data_time", "GB-h", 1.0),
    "storage": ("data_time", "TB-h", KILO),
    "network": ("data", "GB", 1.0),
}


def conversion_factor(unit: str, kind: str) -> float:
    """Return the exact factor that converts ``unit`` to the canonical unit of ``kind``.

    Parameters
    ----------
    unit : str
        A key of :data:`UNITS`.
    kind : str
        A usage kind with a canonical unit (``compute``, ``gpu``, ``memory``,
        ``storage``, ``network``).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the unit is unknown or measures another dimension.

    Examples
    --------
    >>> conversion_factor("GB-h", "storage")
    0.001
    >>> conversion_factor("GiB", "network")
    1.073741824
    """
    try:
        dim, factor = UNITS[unit]
    except KeyError:
        raise ValueError(f"unknown unit {unit!r}; known units: {sorted(UNITS)} and GB-Mo") from None
    cdim, cunit, size = CANONICAL[kind]
    if dim != cdim:
        raise ValueError(f"unit {unit!r} cannot measure {kind} usage (canonical unit {cunit})")
    return factor / size


def days_in_month(times) -> np.ndarray:
    """Number of days in the calendar month of each timestamp (leap years included); NaN where missing.

    ``times`` are datetimes (a Series, DatetimeIndex or datetime64 array) or int64 nanoseconds since
    the epoch, UTC, with the smallest int64 for a missing time (as the readers and the cube carry them).

    >>> days_in_month(np.array([0, 1_709_251_200_000_000_000]))      # 1970-01-01, 2024-03-01 (ns)
    array([31., 31.])
    >>> days_in_month(pd.DatetimeIndex(["2024-02-10", "2023-02-10"]))
    array([29., 28.])
    """
    if isinstance(times, np.ndarray) and times.dtype.kind in "iu":
        times = times.astype(np.int64, copy=False).view("M8[ns]")
    return np.asarray(pd.DatetimeIndex(times).days_in_month, dtype=float)


def gb_month_to_tb_hours(quantity, times) -> np.ndarray:
    """Convert decimal gigabyte-months to terabyte-hours with the real month length.

    Parameters
    ----------
    quantity : array_like
        Storage in GB-months (GB x fraction of a month). [GB month]
    times : array_like of datetime
        A time inside the month each quantity belongs to.

    Returns
    -------
    numpy.ndarray
        Storage in terabyte-hours. [TB h]

    Notes
    -----
    .. math:: \\mathrm{TBh} = \\frac{\\mathrm{GBMo}}{1000} \\times 24 \\times d_{\\mathrm{month}}

    This is also the conversion Cloud Carbon Footprint uses for AWS ``GB-Mo``
    (``packages/common/src/helpers/unitConversion.ts``).
    """
    return np.asarray(quantity, dtype=float) / KILO * HOURS_PER_DAY * days_in_month(times)


def to_canonical(quantity, unit, kind, times=None) -> np.ndarray:
    """Convert quantities to the canonical unit of ``kind``.

    Parameters
    ----------
    quantity : array_like
        Quantities in ``unit``.
    unit : str or array_like of str
        Units of each quantity (keys of :data:`UNITS`, or ``GB-Mo``).
    kind : str
        The usage kind; its canonical unit is given by :data:`CANONICAL`.
    times : array_like of datetime, optional
        Needed only for month-based units.

    Returns
    -------
    numpy.ndarray
    """
    q = np.asarray(quantity, dtype=float)
    units = np.broadcast_to(np.asarray(unit, dtype=object), q.shape)
    out = np.empty_like(q)
    for u in pd.unique(units.ravel()):
        mask = units == u
        if u == "GB-Mo" and kind in ("storage", "memory"):
            if times is None:
                raise ValueError("GB-Mo needs the record times to convert (month length)")
            tbh = gb_month_to_tb_hours(q[mask], pd.DatetimeIndex(np.asarray(times)[mask]))
            out[mask] = tbh * KILO / CANONICAL[kind][2]
        else:
            out[mask] = q[mask] * conversion_factor(u, kind)
    return out


#: Units amounts are shown in (totals, figure axes), each with its exact size in the registry unit of the
#: same quantity (``carbonlab.core.schema.VARIABLES[name]["units"]``: g of CO2e, kWh, L of water):
#: ``{registry unit: {shown unit: how many registry units make one shown unit}}``.
SCALES: dict[str, dict[str, float]] = {
    "g": {"g": 1.0, "kg": GRAMS_PER_KG, "t": GRAMS_PER_TONNE},
    "kWh": {"kWh": 1.0, "MWh": KWH_PER_MWH},
    "L": {"L": 1.0},
}


def amount_scale(unit: str, to: str) -> float:
    """How many ``unit`` make one ``to``, exactly (:data:`SCALES`); divide an amount in ``unit`` by it.

    Parameters
    ----------
    unit : str
        The registry unit of the amount (a key of :data:`SCALES`).
    to : str
        The unit to show it in.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If there is no exact scale between the two units.

    Examples
    --------
    >>> amount_scale("g", "t")
    1000000.0
    >>> amount_scale("kWh", "MWh")
    1000.0
    """
    try:
        return SCALES[unit][to]
    except KeyError:
        raise ValueError(f"no exact scale from {unit!r} to {to!r}; scales: {SCALES}") from None


#: Decimal gigabytes in a gibibyte: 2^30 B / 10^9 B (IEC 80000-13), exactly 1.073741824.
GB_PER_GIB = KIBI**3 / KILO**3


# --- grid carbon intensity -----------------------------------------------------
#: Factors from intensity units to g kWh-1 (keys normalised by :func:`intensity_unit_factor`: lower case,
#: no spaces, no "co2"/"eq" words).  1 kg MWh-1 = 1 g kWh-1 exactly; 1 lb MWh-1 = 0.45359237 g kWh-1
#: (international pound).
INTENSITY_UNITS: dict[str, float] = {
    "gkwh-1": 1.0, "g/kwh": 1.0, "kg/mwh": 1.0, "kgmwh-1": 1.0,
    "kg/kwh": 1000.0, "kgkwh-1": 1000.0, "t/mwh": 1000.0, "tmwh-1": 1000.0,
    "t/kwh": 1e6, "tkwh-1": 1e6, "g/wh": 1000.0,
    "lb/mwh": KG_PER_POUND, "lbs/mwh": KG_PER_POUND, "lbmwh-1": KG_PER_POUND,
    "lbs_per_mwh": KG_PER_POUND, "lb_per_mwh": KG_PER_POUND,
}

#: Highest grid intensity a signal may carry. [g kWh-1]  Hourly consumption-based intensities of the dirtiest
#: grids (lignite, oil) stay below about 1,300 g kWh-1 and marginal rates below about 1,100 g kWh-1; the bound
#: is set well above them so that only impossible values -- typically a number in kg/kWh labelled g/kWh -- fail.
MAX_INTENSITY = 5000.0


def intensity_unit_factor(unit: str) -> float:
    """Factor that converts an intensity in ``unit`` to g kWh-1 (:data:`INTENSITY_UNITS`).

    Parameters
    ----------
    unit : str
        E.g. ``"g/kWh"``, ``"gCO2eq/kWh"``, ``"kg/kWh"``, ``"lbs_co2_per_mwh"``.

    Returns
    -------
    float
        [g kWh-1 per unit]

    Raises
    ------
    ValueError
        If the unit is not one of :data:`INTENSITY_UNITS` in any CO2/CO2e spelling.

    Examples
    --------
    >>> intensity_unit_factor("lbs_co2_per_mwh")
    0.45359237
    >>> intensity_unit_factor("gCO₂eq/kWh")
    1.0
    """
    key = str(unit).strip().lower().replace(" ", "").replace("₂", "2")
    for word in ("co2eq", "co2e", "co2"):
        key = key.replace("_" + word + "_", "_").replace(word, "")
    key = key.replace("__", "_")
    try:
        return INTENSITY_UNITS[key]
    except KeyError:
        raise ValueError(f"unknown grid intensity unit {unit!r}; known: g/kWh, kg/kWh, kg/MWh, t/MWh, "
                         "lbs/MWh (any CO2/CO2e spelling)") from None
