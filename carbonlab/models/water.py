"""Site water consumption from IT energy and water usage effectiveness.

References
----------
.. [wue2011] The Green Grid, *Water Usage Effectiveness (WUE): a Green Grid data
   center sustainability metric*, White Paper 35, 2011; ISO/IEC 30134-9:2022.
"""

from __future__ import annotations


def wue_water(energy_it, wue):
    """Site water used for this IT energy.

    Parameters
    ----------
    energy_it : array_like
        Energy used by the IT equipment. [kWh]
    wue : array_like
        Water usage effectiveness of the site. [L kWh-1]

    Returns
    -------
    array_like
        Water. [L]

    Notes
    -----
    .. math:: W = E_{\\mathrm{IT}} \\times \\mathrm{WUE}

    WUE is defined as annual site water use divided by **IT equipment** energy
    (The Green Grid WP35; ISO/IEC 30134-9), not facility energy.  Multiplying
    facility energy (IT x PUE) by WUE would overstate water by the PUE factor:
    1000 kWh drawn in a region with PUE 1.15 and WUE 0.12 L/kWh is 869.6 kWh of
    IT energy and 104.3 L, not 120 L.  Off-site water embedded in electricity
    generation is outside WUE.

    Examples
    --------
    >>> round(wue_water(1000 / 1.15, 0.12), 1)
    104.3
    """
    return energy_it * wue
