"""Operational emissions: facility energy times a grid carbon-intensity signal.

The intensity may be any array on (time, region) — an annual value per region
broadcast over time, a monthly or an hourly signal — and may carry a ``basis``
dimension (location-based average, location-based marginal, market-based).
The functions here only multiply; building the signal is
:mod:`carbonlab.signals`'s work.

References
----------
.. [ghgp_scope2] World Resources Institute and WBCSD, *GHG Protocol Scope 2
   Guidance*, 2015, ch. 6, https://ghgprotocol.org/scope-2-guidance
.. [sci2024] ISO/IEC 21031:2024, *Software Carbon Intensity (SCI) specification*,
   term O = E x I.
"""

from __future__ import annotations


def location_based(energy, intensity):
    """Operational emissions by the location-based method.

    Parameters
    ----------
    energy : array_like
        Facility energy in each time bin. [kWh]
    intensity : array_like
        Grid carbon intensity of the region in the same time bin (average or
        marginal). [g kWh-1]

    Returns
    -------
    array_like
        Emissions in CO2-equivalent. [g]

    Notes
    -----
    .. math:: O = \\sum_t E_t \\, I_t

    GHG Protocol Scope 2 Guidance, §6.2 (location-based); SCI's term O = E x I.
    With hourly E and I this is the hourly location-based method; a correlated
    load and signal then give a different total than annual factors do.

    Examples
    --------
    >>> location_based(10.0, 379.069)
    3790.69
    """
    return energy * intensity


def market_based(energy, intensity):
    """Operational emissions by the market-based method.

    Parameters
    ----------
    energy : array_like
        Facility energy. [kWh]
    intensity : array_like
        Market-based factor after the Scope 2 hierarchy (contractual
        instruments, residual mix, then grid average). [g kWh-1]

    Returns
    -------
    array_like
        [g]
    """
    return energy * intensity
