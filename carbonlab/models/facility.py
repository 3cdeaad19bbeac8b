"""Facility overhead: from IT energy to the energy a data centre draws.

References
----------
.. [iso30134_2] ISO/IEC 30134-2:2016, *Key performance indicators — Part 2: Power
   usage effectiveness (PUE)*.
.. [ccf2024] Cloud Carbon Footprint, fleet PUE constants: AWS 1.135
   (``AwsFootprintEstimationConstants.ts`` ``PUE_AVG``), GCP 1.1, Azure 1.185.
"""

from __future__ import annotations

#: CCF's fleet PUE per cloud (commit b7a049c, npm aws 0.15.0 / azure 1.8.0). [1]
CCF_FLEET_PUE = {"aws": 1.135, "gcp": 1.1, "azure": 1.185}


def pue_energy(energy_it, pue):
    """Facility energy from IT energy and power usage effectiveness.

    Parameters
    ----------
    energy_it : array_like
        Energy used by the IT equipment. [kWh]
    pue : array_like
        Power usage effectiveness, total facility energy / IT energy, >= 1. [1]

    Returns
    -------
    array_like
        Facility energy. [kWh]

    Notes
    -----
    .. math:: E_{\\mathrm{facility}} = E_{\\mathrm{IT}} \\times \\mathrm{PUE}

    ISO/IEC 30134-2:2016, eq. 1.

    Examples
    --------
    >>> pue_energy(100.0, 1.135)
    113.5
    """
    return energy_it * pue
