"""Contractual instruments for the market basis (Scope 2): a CSV file read into the table
:func:`carbonlab.models.market.validate_instruments` checks.

=========  =======  =================================================================================
column     units    meaning
=========  =======  =================================================================================
region              the footprint's region code the instrument applies to
kind                ``eac``, ``ppa``, ``supplier`` or ``residual_mix`` (the Scope 2 hierarchy)
start      UTC      start of the period the instrument covers (ISO 8601)
end        UTC      end of the period (exclusive)
mwh        MWh      energy an ``eac`` or ``ppa`` covers; empty for ``supplier`` and ``residual_mix``
factor     g kWh-1  emission factor of the energy covered
provider            optional
=========  =======  =================================================================================
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carbonlab.io._files import reading
from carbonlab.models.market import validate_instruments

__all__ = ["read_instruments"]


def read_instruments(path) -> pd.DataFrame:
    """Read a CSV of contractual instruments and check it.

    Parameters
    ----------
    path : str or path-like
        A CSV with the columns of the module docstring.

    Returns
    -------
    pandas.DataFrame
        As :func:`carbonlab.models.market.validate_instruments` returns it.
    """
    with reading(path):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return validate_instruments(table, name=Path(path).name)
