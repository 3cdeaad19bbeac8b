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

from carbonlab.core.units import HOURS_PER_YEAR

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


# --- Boavizta bottom-up component model ------------------------------------------------------------
# Factors of boaviztapi ``boaviztapi/data/factors.yml`` (GWP, manufacture phase), which Boavizta takes
# from Umweltbundesamt, "Green Cloud Computing", Texte 94/2021,
# https://www.umweltbundesamt.de/publikationen/green-cloud-computing, accessed 2026-11-22.
# Method: https://doc.api.boavizta.org/Explanations/components/ (cpu, ram, ssd, hdd, motherboard,
# power_supply, case, assembly) and .../services/cloud.md for the instance share, accessed 2026-11-22.

#: CPU: kg CO2e per mm2 of die and per CPU package. [kg mm-2], [kg]
BOAVIZTA_CPU_DIE_KG_PER_MM2 = 0.0197
BOAVIZTA_CPU_BASE_KG = 9.14
#: RAM module: kg CO2e per cm2 of memory die and per module. [kg cm-2], [kg]
BOAVIZTA_RAM_DIE_KG_PER_CM2 = 2.20
BOAVIZTA_RAM_BASE_KG = 5.22
#: SSD: kg CO2e per cm2 of flash die and per drive. [kg cm-2], [kg]
BOAVIZTA_SSD_DIE_KG_PER_CM2 = 2.20
BOAVIZTA_SSD_BASE_KG = 6.34
#: HDD, per drive. [kg]
BOAVIZTA_HDD_KG = 31.11
#: Motherboard, per server. [kg]
BOAVIZTA_MOTHERBOARD_KG = 66.10
#: Power supply, per kg of power supply unit. [kg kg-1]
BOAVIZTA_PSU_KG_PER_KG = 24.30
#: Assembly, per server. [kg]
BOAVIZTA_ASSEMBLY_KG = 6.68
#: Enclosure: a rack server's case; a blade's own part plus its share of a 16-slot blade chassis. [kg]
BOAVIZTA_CASE_KG = {"rack": 150.0, "blade": 30.90 + 880.0 / 16}
#: Default memory and flash densities (Boavizta's examples in EMBODIED.md section 3). [GB cm-2]
BOAVIZTA_RAM_DENSITY = 1.79
BOAVIZTA_SSD_DENSITY = 50.6
#: Boavizta's server archetype power supply: 2 units of 2.99 kg. [1], [kg]
BOAVIZTA_PSU_UNITS = 2
BOAVIZTA_PSU_UNIT_KG = 2.99

#: Components of :func:`boavizta_server` and the resource of an instance that each is shared by.
BOAVIZTA_SHARED_BY = {"cpu": "vcpu", "ram": "memory", "ssd": "ssd", "hdd": "hdd", "gpu": "vcpu",
                      "motherboard": "vcpu", "power_supply": "vcpu", "assembly": "vcpu", "case": "vcpu"}

_MODEL_PARAMS["boavizta_server"] = {"cpu_die_mm2", "cpu_units", "ram_gb", "ram_units"}


def boavizta_cpu(die_size_mm2, *, units=1):
    """Embodied emissions of CPU packages, Boavizta's die-area model.

    Parameters
    ----------
    die_size_mm2 : array_like
        Silicon area of one package (all its dies, I/O die included). [mm2]
    units : array_like, default 1
        Packages (sockets). [1]

    Returns
    -------
    array_like
        [kg]

    Notes
    -----
    .. math:: I_{CPU} = n (0.0197 A_{die} + 9.14)

    Examples
    --------
    AWS Graviton2 (457 mm2), the c6gd.metal example of EMBODIED.md section 3:

    >>> round(float(boavizta_cpu(457)), 2)
    18.14
    """
    return np.asarray(units) * (np.asarray(die_size_mm2, dtype=float) * BOAVIZTA_CPU_DIE_KG_PER_MM2
                                + BOAVIZTA_CPU_BASE_KG)


def boavizta_ram(capacity_gb, *, units=1, density_gb_per_cm2=BOAVIZTA_RAM_DENSITY):
    """Embodied emissions of memory modules, Boavizta's die-area model.

    Parameters
    ----------
    capacity_gb : array_like
        Capacity of one module. [GB]
    units : array_like, default 1
        Modules. [1]
    density_gb_per_cm2 : array_like, default 1.79
        Memory die density. [GB cm-2]

    Returns
    -------
    array_like
        [kg]

    Notes
    -----
    .. math:: I_{RAM} = n \\left(2.20 \\frac{C}{d} + 5.22\\right)

    Examples
    --------
    >>> round(float(boavizta_ram(16, units=8)), 2)
    199.08
    """
    area = np.asarray(capacity_gb, dtype=float) / np.asarray(density_gb_per_cm2, dtype=float)
    return np.asarray(units) * (area * BOAVIZTA_RAM_DIE_KG_PER_CM2 + BOAVIZTA_RAM_BASE_KG)


def boavizta_ssd(capacity_gb, *, units=1, density_gb_per_cm2=BOAVIZTA_SSD_DENSITY):
    """Embodied emissions of solid-state drives, Boavizta's die-area model.

    Parameters
    ----------
    capacity_gb : array_like
        Capacity of one drive. [GB]
    units : array_like, default 1
        Drives. [1]
    density_gb_per_cm2 : array_like, default 50.6
        Flash die density. [GB cm-2]

    Returns
    -------
    array_like
        [kg]

    Notes
    -----
    .. math:: I_{SSD} = n \\left(2.20 \\frac{C}{d} + 6.34\\right)

    Examples
    --------
    >>> round(float(boavizta_ssd(1900, units=2)), 1)
    177.9
    """
    area = np.asarray(capacity_gb, dtype=float) / np.asarray(density_gb_per_cm2, dtype=float)
    return np.asarray(units) * (area * BOAVIZTA_SSD_DIE_KG_PER_CM2 + BOAVIZTA_SSD_BASE_KG)


def boavizta_server(*, cpu_die_mm2, cpu_units, ram_gb, ram_units, ssd_gb=0.0, ssd_units=0, hdd_units=0,
                    psu_units=BOAVIZTA_PSU_UNITS, psu_unit_kg=BOAVIZTA_PSU_UNIT_KG, case="rack",
                    gpu_units=0, gpu_unit_kg=0.0, ram_density=BOAVIZTA_RAM_DENSITY,
                    ssd_density=BOAVIZTA_SSD_DENSITY) -> dict:
    """Manufacturing emissions of a server, component by component (Boavizta bottom-up).

    End of life is not included (as in Boavizta's bottom-up path).  Boavizta
    has a GPU card model of its own (EMBODIED.md section 3); carbonlab does not
    implement it and takes GPU cards as ``gpu_units`` x ``gpu_unit_kg``.

    Parameters
    ----------
    cpu_die_mm2 : array_like
        Die area of one CPU package. [mm2]
    cpu_units : array_like
        CPU packages. [1]
    ram_gb : array_like
        Capacity of one memory module. [GB]
    ram_units : array_like
        Memory modules. [1]
    ssd_gb, ssd_units : array_like, default 0
        Capacity of one SSD [GB] and SSDs [1].
    hdd_units : array_like, default 0
        Hard drives. [1]
    psu_units, psu_unit_kg : array_like, default 2 and 2.99
        Power supply units [1] and the mass of one [kg].
    case : {"rack", "blade"}
        Enclosure.
    gpu_units, gpu_unit_kg : array_like, default 0
        GPU cards [1] and the emissions of one [kg].
    ram_density, ssd_density : array_like
        [GB cm-2]

    Returns
    -------
    dict of str to array_like
        Emissions per component (keys of :data:`BOAVIZTA_SHARED_BY`). [kg]

    Examples
    --------
    The c6gd.metal of EMBODIED.md section 3 (Tailpipe's worked example):

    >>> parts = boavizta_server(cpu_die_mm2=457, cpu_units=1, ram_gb=16, ram_units=8,
    ...                         ssd_gb=1900, ssd_units=2)
    >>> round(float(sum(parts.values())), 1)
    763.2
    """
    parts = {
        "cpu": boavizta_cpu(cpu_die_mm2, units=cpu_units),
        "ram": boavizta_ram(ram_gb, units=ram_units, density_gb_per_cm2=ram_density),
        "ssd": np.where(np.asarray(ssd_units) > 0, boavizta_ssd(ssd_gb, units=ssd_units,
                                                                density_gb_per_cm2=ssd_density), 0.0),
        "hdd": np.asarray(hdd_units) * BOAVIZTA_HDD_KG,
        "gpu": np.asarray(gpu_units) * np.asarray(gpu_unit_kg, dtype=float),
        "motherboard": BOAVIZTA_MOTHERBOARD_KG,
        "power_supply": np.asarray(psu_units) * np.asarray(psu_unit_kg, dtype=float) * BOAVIZTA_PSU_KG_PER_KG,
        "assembly": BOAVIZTA_ASSEMBLY_KG,
        "case": np.vectorize(BOAVIZTA_CASE_KG.__getitem__, otypes=[float])(case),
    }
    shape = np.broadcast_shapes(*(np.shape(v) for v in parts.values()))
    return {k: np.array(np.broadcast_to(np.asarray(v, dtype=float), shape)) for k, v in parts.items()}


def boavizta_instance_share(parts: dict, *, vcpu_share, memory_share, ssd_share=None, hdd_share=None):
    """Share of a server's manufacturing emissions that a cloud instance carries (Boavizta).

    Memory is shared by memory, drives by their capacity and everything else
    (CPU, GPU, motherboard, power supply, assembly, case) by vCPU.

    Parameters
    ----------
    parts : dict
        Output of :func:`boavizta_server`. [kg]
    vcpu_share : array_like
        Instance vCPU / server vCPU. [1]
    memory_share : array_like
        Instance memory / server memory. [1]
    ssd_share, hdd_share : array_like, optional
        Instance drive capacity / server drive capacity; ``vcpu_share`` if
        not given (local drives of a family grow with its sizes). [1]

    Returns
    -------
    array_like
        Emissions of the instance over the server's life. [kg]

    Notes
    -----
    .. math:: I_{inst} = I_{RAM} \\frac{m_i}{m_s} + I_{SSD} \\frac{s_i}{s_s} + I_{HDD} \\frac{h_i}{h_s}
              + (I_{server} - I_{RAM} - I_{SSD} - I_{HDD}) \\frac{v_i}{v_s}

    Examples
    --------
    c6gd.medium (1 of 64 vCPU, 2 of 128 GB, 59 of 3800 GB of SSD), EMBODIED.md section 3:

    >>> parts = boavizta_server(cpu_die_mm2=457, cpu_units=1, ram_gb=16, ram_units=8,
    ...                         ssd_gb=1900, ssd_units=2)
    >>> round(float(boavizta_instance_share(parts, vcpu_share=1 / 64, memory_share=2 / 128,
    ...                                     ssd_share=59 / 3800)), 2)
    11.91
    """
    shares = {"vcpu": vcpu_share, "memory": memory_share,
              "ssd": vcpu_share if ssd_share is None else ssd_share,
              "hdd": vcpu_share if hdd_share is None else hdd_share}
    return sum(np.asarray(v) * np.asarray(shares[BOAVIZTA_SHARED_BY[k]]) for k, v in parts.items())
