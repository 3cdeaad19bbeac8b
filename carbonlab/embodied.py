"""Embodied (hardware manufacturing) emissions of cloud instances.

The SCI allocation :math:`M = TE \\times (TiR / EL) \\times (RR / ToR)` with the
Teads/CCF baseline model for TE.  Embodied emissions are reported in CO2e and
never turned into an energy (CCF adds ``co2e / EF`` to its kWh; carbonlab does
not, since that "energy" would grow as the grid gets cleaner).

References
----------
.. [sci2024] Green Software Foundation, *Software Carbon Intensity (SCI)
   Specification* v1.1.0 (ISO/IEC 21031:2024), "Embodied emissions",
   https://github.com/Green-Software-Foundation/sci/blob/main/SPEC.md, accessed 2026-11-22.
.. [teads2021] B. Davy, "Building an AWS EC2 carbon emissions dataset", Teads
   Engineering, 2021, chapter 5; constants as in
   github.com/cloud-carbon-footprint/ccf-coefficients ``ccfcoef/constants.py``.
"""

from __future__ import annotations

import numpy as np

from carbonlab.units import HOURS_PER_YEAR

#: Teads/CCF baseline: a mono-socket rack server with 16 GB and no local storage. [kg]
TEADS_BASE_KG = 1000.0
#: DRAM: 533 kg for 384 GB in the Dell R740 LCA. [kg GB-1]
TEADS_MEMORY_KG_PER_GB = 533.0 / 384.0
TEADS_BASE_MEMORY_GB = 16.0
#: Each CPU socket beyond the first. [kg]
TEADS_SOCKET_KG = 100.0
#: Each SSD and HDD (ccf-coefficients values; IF's SciEmbodied swaps them). [kg]
TEADS_SSD_KG = 100.0
TEADS_HDD_KG = 50.0
#: Each GPU. [kg]
TEADS_GPU_KG = 150.0

_MODEL_PARAMS = {"sci_embodied": {"lifespan_years"}}


def teads_baseline(memory_gb, *, sockets=1, ssd_count=0, hdd_count=0, gpu_count=0):
    """Total embodied emissions of a server platform, Teads/CCF baseline model.

    Parameters
    ----------
    memory_gb : array_like
        Memory of the platform (the largest instance of the family). [GB]
    sockets : array_like, default 1
        CPU sockets. [1]
    ssd_count, hdd_count, gpu_count : array_like, default 0
        Local drives and GPUs. [1]

    Returns
    -------
    array_like
        TE. [kg]

    Notes
    -----
    .. math:: TE = 1000 + \\max(0, M - 16) \\tfrac{533}{384} + 100 (s - 1) + 100 n_{SSD} + 50 n_{HDD} + 150 n_{GPU}

    Examples
    --------
    AWS m5 (384 GB, 2 sockets) in ccf-coefficients ``coefficients-aws-embodied.csv``:

    >>> round(float(teads_baseline(384, sockets=2)), 2)
    1610.79
    """
    mem = np.maximum(0.0, np.asarray(memory_gb, dtype=float) - TEADS_BASE_MEMORY_GB)
    return (TEADS_BASE_KG + mem * TEADS_MEMORY_KG_PER_GB + (np.asarray(sockets) - 1) * TEADS_SOCKET_KG
            + np.asarray(ssd_count) * TEADS_SSD_KG + np.asarray(hdd_count) * TEADS_HDD_KG
            + np.asarray(gpu_count) * TEADS_GPU_KG)


def sci_embodied(total_embodied, time_reserved, resource_share, *, lifespan_years=4.0):
    """Share of a platform's embodied emissions allocated to a reservation (SCI's M).

    Parameters
    ----------
    total_embodied : array_like
        TE, the platform's manufacturing emissions. [kg]
    time_reserved : array_like
        TiR, hours the instance was reserved. [h]
    resource_share : array_like
        RR/ToR, e.g. instance vCPU / platform vCPU. [1]
    lifespan_years : float, default 4
        EL, expected lifespan (amortisation period); 4 years as in CCF and
        Teads, 6 years as AWS, Google and Microsoft now depreciate servers. [year]

    Returns
    -------
    array_like
        M. [kg]

    Notes
    -----
    .. math:: M = TE \\times \\frac{TiR}{EL} \\times \\frac{RR}{ToR}

    with EL in hours as ``lifespan_years`` x 8760 (CCF's 35 040 h for 4 years).

    Examples
    --------
    The SCI specification's example: TE = 1000 kg, EL = 4 years, one hour of
    the whole server gives 0.0285 kg.

    >>> round(sci_embodied(1000.0, 1.0, 1.0, lifespan_years=4), 4)
    0.0285
    """
    return total_embodied * (time_reserved / (lifespan_years * HOURS_PER_YEAR)) * resource_share


def sci_embodied_from_reserved(embodied_reserved, *, lifespan_years=4.0):
    """SCI's M from the usage cube's ``embodied_reserved`` term.

    Parameters
    ----------
    embodied_reserved : array_like
        Sum over records of TE x TiR x RR/ToR. [kg h]
    lifespan_years : float, default 4
        Expected lifespan. [year]

    Returns
    -------
    array_like
        [kg]
    """
    return embodied_reserved / (lifespan_years * HOURS_PER_YEAR)
