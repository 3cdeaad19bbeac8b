"""Helpers shared by the modules of :mod:`carbonlab.allocation` (public within the subpackage).

- :func:`codes`: integer codes of labels, refusing unknown ones (the Provider's tables, the
  reporting levels);
- :func:`unique_inverse`: sorted distinct integer keys and the position of each key among them;
- :func:`time_coordinate`: the ``time`` coordinate of every allocation result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from carbonlab.core.schema import TIME

__all__ = ["codes", "time_coordinate", "unique_inverse"]


def codes(values, labels, what: str) -> np.ndarray:
    """Position of each value among ``labels``.

    Parameters
    ----------
    values : array_like
        Labels to encode.
    labels : sequence
        The known labels, in code order.
    what : str
        Table and column named in the error message (``"racks.cluster"``).

    Returns
    -------
    numpy.ndarray of int64
        Codes in ``range(len(labels))``.

    Raises
    ------
    ValueError
        If a value is not among ``labels``.

    Examples
    --------
    >>> codes(["b", "a", "b"], ["a", "b"], "t.c")
    array([1, 0, 1])
    """
    out = pd.Categorical(values, categories=labels).codes.astype(np.int64)
    if (out < 0).any():
        raise ValueError(f"{what}: unknown label {pd.Series(values)[out < 0].iloc[0]!r}")
    return out


def unique_inverse(keys: np.ndarray):
    """Sorted distinct integer keys and the position of each key among them (sort-based, fast).

    Parameters
    ----------
    keys : numpy.ndarray of int
        Keys in any order.

    Returns
    -------
    unique : numpy.ndarray
        The distinct keys, sorted.
    inverse : numpy.ndarray of int64
        ``unique[inverse] == keys``.

    Examples
    --------
    >>> unique_inverse(np.array([7, 3, 7]))
    (array([3, 7]), array([1, 0, 1]))
    """
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if len(keys) else np.zeros(0, bool)
    inverse = np.empty(len(keys), np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def time_coordinate(times) -> xr.DataArray:
    """The ``time`` coordinate of an allocation result: month starts (UTC), with CF attrs.

    Parameters
    ----------
    times : array_like of datetime64
        Month starts.

    Returns
    -------
    xarray.DataArray
        On ``time``, with ``standard_name``, ``long_name`` and ``axis``.
    """
    return xr.DataArray(pd.DatetimeIndex(times), dims=TIME,
                        attrs={"standard_name": "time", "long_name": "start of the month (UTC)", "axis": "T"})
