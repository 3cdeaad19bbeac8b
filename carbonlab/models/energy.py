"""IT energy of cloud usage: compute, GPU, memory, storage and network.

Pure model functions after the Cloud Carbon Footprint (CCF) methodology
:cite:p:`ccf2024`.  They take usage as numbers or arrays (numpy or xarray, any
shape; they broadcast) and return energy in kWh.  Coefficients are keyword-only,
with defaults from the source.  Nothing here reads files or looks at attrs.

References
----------
.. [ccf2024] Cloud Carbon Footprint, "Methodology",
   https://www.cloudcarbonfootprint.org/docs/methodology, code at
   github.com/cloud-carbon-footprint/cloud-carbon-footprint commit b7a049c
   (2024-03-25), accessed 2026-11-22.
.. [teads2021] B. Davy, "Building an AWS EC2 carbon emissions dataset", Teads
   Engineering, 2021, https://medium.com/teads-engineering/building-an-aws-ec2-carbon-emissions-dataset-3f0fd76c98ac
"""

from __future__ import annotations

import math

import numpy as np

#: Memory power per GB, mean of Crucial (0.375 W/GB) and Micron (0.4083 W/GB):
#: CCF ``MEMORY_COEFFICIENT``. [kWh GB-1 h-1]
MEMORY_KWH_PER_GB_HOUR = 0.000392
#: SSD: 6 W per 5 TB disk, CCF ``SSDCOEFFICIENT``. [Wh TB-1 h-1]
SSD_WH_PER_TB_HOUR = 1.2
#: HDD: 6.5 W per 10 TB disk (LBNL 2016 projection for 2020), CCF ``HDDCOEFFICIENT``. [Wh TB-1 h-1]
HDD_WH_PER_TB_HOUR = 0.65
#: Network between data centres, the lowest value in the literature CCF surveyed,
#: CCF ``NETWORKING_COEFFICIENT``. [kWh GB-1]
NETWORK_KWH_PER_GB = 0.001
#: CCF's default CPU utilisation ``AVG_CPU_UTILIZATION_2020`` (50 %), as a fraction. [1]
DEFAULT_UTILIZATION = 0.5

#: Parameter keys each model function needs (checked by the methodology schema).
_MODEL_PARAMS = {
    "ccf_compute": {"min_watts", "max_watts", "utilization"},
    "ccf_gpu": {"min_watts", "max_watts", "utilization"},
    "ccf_memory": {"coefficient"},
    "ccf_storage": {"coefficient"},
    "ccf_network": {"coefficient"},
}


def ccf_compute(vcpu_hours, *, min_watts, max_watts, utilization=DEFAULT_UTILIZATION):
    """CPU energy by CCF's linear power model.

    Parameters
    ----------
    vcpu_hours : array_like
        Virtual CPU time. [h]
    min_watts : array_like
        Power per vCPU at idle (SPECpower 0 % load). [W]
    max_watts : array_like
        Power per vCPU at 100 % load. [W]
    utilization : array_like, default 0.5
        Mean CPU utilisation as a fraction. [1]

    Returns
    -------
    array_like
        Energy used by the CPUs. [kWh]

    Notes
    -----
    .. math:: E = \\frac{t_{\\mathrm{vCPU}}\\,(W_{\\min} + u\\,(W_{\\max} - W_{\\min}))}{1000}

    CCF, ``packages/core/src/compute/ComputeEstimator.ts``.

    Examples
    --------
    >>> round(ccf_compute(720, min_watts=0.645, max_watts=4.115, utilization=0.35), 7)
    1.33884
    """
    return vcpu_hours * (min_watts + utilization * (max_watts - min_watts)) / 1000.0


def ccf_gpu(gpu_hours, *, min_watts, max_watts, utilization=DEFAULT_UTILIZATION):
    """GPU energy by the same linear model, with watts per GPU.

    Parameters
    ----------
    gpu_hours : array_like
        GPU time. [h]
    min_watts, max_watts : array_like
        Power per GPU at idle and at full load. [W]
    utilization : array_like, default 0.5
        Mean GPU utilisation as a fraction. [1]

    Returns
    -------
    array_like
        Energy used by the GPUs. [kWh]
    """
    return ccf_compute(gpu_hours, min_watts=min_watts, max_watts=max_watts, utilization=utilization)


def ccf_memory(gb_hours, *, coefficient=MEMORY_KWH_PER_GB_HOUR):
    """Memory energy.

    Parameters
    ----------
    gb_hours : array_like
        Memory reserved x time. [GB h]
    coefficient : float, default 0.000392
        Energy per GB-hour. [kWh GB-1 h-1]

    Returns
    -------
    array_like
        [kWh]

    Notes
    -----
    CCF, ``packages/core/src/memory/MemoryEstimator.ts``.
    """
    return gb_hours * coefficient


def ccf_storage(tb_hours, *, coefficient):
    """Storage energy of allocated capacity.

    Parameters
    ----------
    tb_hours : array_like
        Allocated capacity x time, replication included. [TB h]
    coefficient : float
        :data:`SSD_WH_PER_TB_HOUR` or :data:`HDD_WH_PER_TB_HOUR`. [Wh TB-1 h-1]

    Returns
    -------
    array_like
        [kWh]

    Notes
    -----
    CCF, ``packages/core/src/storage/StorageEstimator.ts``: allocated, not
    written, bytes.
    """
    return tb_hours * coefficient / 1000.0


def ccf_network(gigabytes, *, coefficient=NETWORK_KWH_PER_GB):
    """Energy of data moved between data centres.

    Parameters
    ----------
    gigabytes : array_like
        Data transferred. [GB]
    coefficient : float, default 0.001
        [kWh GB-1]

    Returns
    -------
    array_like
        [kWh]

    Notes
    -----
    CCF applies no replication factor to networking
    (``packages/core/src/networking/NetworkingEstimator.ts``).
    """
    return gigabytes * coefficient


def ccf_compute_aggregated(idle, span_measured, span_unmeasured, *, utilization=DEFAULT_UTILIZATION):
    """:func:`ccf_compute` summed over records, from the usage cube's three terms.

    Because the model is linear in utilisation, the sum over records splits
    into a term at idle power, a term weighted by each record's measured
    utilisation, and a term for records without a measurement, to which the
    methodology's default utilisation applies.

    Parameters
    ----------
    idle : array_like
        Sum of :math:`t\\,W_{\\min}/1000`. [kWh]
    span_measured : array_like
        Sum of :math:`t\\,u\\,(W_{\\max}-W_{\\min})/1000` over measured records. [kWh]
    span_unmeasured : array_like
        Sum of :math:`t\\,(W_{\\max}-W_{\\min})/1000` over the other records. [kWh]
    utilization : float, default 0.5
        Default utilisation as a fraction. [1]

    Returns
    -------
    array_like
        [kWh]
    """
    return idle + span_measured + utilization * span_unmeasured


def ccf_watts(architectures, table, fallback):
    """Watts per vCPU of a set of micro-architectures, by CCF's averaging rule.

    Parameters
    ----------
    architectures : str
        Micro-architectures joined by ``|`` (``"Cascade Lake|Skylake"``);
        empty for unknown.
    table : Mapping[str, float]
        Watts per vCPU by micro-architecture. [W]
    fallback : float
        The cloud's fallback value (CCF's average or median). [W]

    Returns
    -------
    float
        The mean over the list, or the median when it contains Sandy Bridge or
        Ivy Bridge; the fallback when the list is empty or any member is
        missing from the table. [W]

    Notes
    -----
    CCF ``getWattsByAverageOrMedian`` in ``packages/core/src/FootprintEstimate.ts``;
    a missing member makes CCF's mean ``NaN``, which it replaces by the fallback.

    Examples
    --------
    >>> ccf_watts("Cascade Lake|Skylake", {"Cascade Lake": 0.64, "Skylake": 0.65}, 0.74)
    0.645
    >>> ccf_watts("Ice Lake", {"Cascade Lake": 0.64}, 0.74)
    0.74
    """
    names = [a for a in (architectures or "").split("|") if a]
    values = [table.get(a) for a in names]
    if not values or any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return float(fallback)
    if "Sandy Bridge" in names or "Ivy Bridge" in names:
        result = float(np.median(values))
    else:
        result = values[0] if len(values) == 1 else sum(values) / len(values)
    return float(result) if result else float(fallback)


def ccf_memory_beyond_benchmark(instance_memory_gb, platform_vcpu, platform_memory_gb,
                                spec_gb_per_chip, *, vcpus_per_chip=96):
    """Memory of an instance above what SPECpower's watts already include.

    SPECpower min/max watts include the DRAM of the benchmarked server.  CCF
    counts extra memory only when the platform has more GB per physical chip
    than the SPECpower servers of its micro-architecture.

    Parameters
    ----------
    instance_memory_gb : array_like
        Memory of the instance. [GB]
    platform_vcpu : array_like
        vCPUs of the largest type in the family. [1]
    platform_memory_gb : array_like
        Memory of the largest type in the family. [GB]
    spec_gb_per_chip : array_like
        SPECpower memory per chip for the architecture (CCF ``MEMORY_BY_COMPUTE_PROCESSOR``). [GB]
    vcpus_per_chip : int, default 96
        vCPUs per physical chip assumed by CCF. [1]

    Returns
    -------
    array_like
        Extra memory per instance-hour. [GB]

    Notes
    -----
    .. math::
        n = \\lceil V_p / 96 \\rceil,\\quad
        \\delta = M_p / n - M_{\\mathrm{SPEC}},\\quad
        G = \\max(0, \\delta)\\, M_i / M_p

    CCF ``packages/core/src/memory/helpers.ts``.  Worked example (CCF.md §2.2):
    m5.large (platform 96 vCPU, 384 GB, Skylake 81.32 GB/chip) gives
    302.68 / 48 = 6.306 GB per instance-hour.

    Examples
    --------
    >>> round(float(ccf_memory_beyond_benchmark(8, 96, 384, 81.32)), 4)
    6.3058
    """
    chips = np.ceil(np.asarray(platform_vcpu, dtype=float) / vcpus_per_chip)
    delta = np.asarray(platform_memory_gb, dtype=float) / chips - spec_gb_per_chip
    return np.where(delta > 0, delta / (platform_memory_gb / np.asarray(instance_memory_gb, dtype=float)), 0.0)
