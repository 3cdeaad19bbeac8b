"""Provenance of a result: one writer (:func:`stamp`) and its inverse (:func:`read_stamp`).

Every result carbonlab computes (a footprint, a methodology comparison, a provider-side allocation, a
decomposition of a change) carries, in its attrs:

===========================  ===============================================================================
attr                         meaning
===========================  ===============================================================================
``methodology``              the id of the methodology (or allocation version) the result follows
``methodology_version``      its version
``methodology_description``  one sentence
``parameters``               every parameter value used, as one JSON object (keys sorted)
``assumed``                  a JSON list of sentences: what the result assumes where the data had nothing to
                             say (a parameter left at its default, a fallback applied to a region, a rule of a
                             model the provider has not published), one meaning everywhere
``references``               the sources, one per line
===========================  ===============================================================================

Only computed values go in: no wall-clock time (identical inputs give identical attrs); ``history`` is
added when a file is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

__all__ = ["stamp", "read_stamp", "with_assumed", "PROVENANCE_ATTRS"]

#: The attrs :func:`stamp` writes, in order.
PROVENANCE_ATTRS = ("methodology", "methodology_version", "methodology_description", "parameters", "assumed",
                    "references")


def _json_default(value):
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    raise TypeError(f"parameter value {value!r} of type {type(value).__name__} cannot be written as JSON")


def stamp(*, methodology: str, version: str, description: str = "", parameters: Mapping | None = None,
          assumed: Sequence[str] = (), references: Sequence[str] = (), **extra: str) -> dict[str, str]:
    """The provenance attrs of a result.

    Parameters
    ----------
    methodology, version, description : str
        Id, version and one-sentence description of the methodology the result follows.
    parameters : mapping, optional
        Every parameter value used (JSON-serialisable; tuples become lists).
    assumed : sequence of str
        What the result assumes where the data had nothing to say, one sentence each.
    references : sequence of str
        The sources; repeats are dropped, order kept.
    **extra : str
        Further attrs of the result (e.g. ``title``), written after these.

    Returns
    -------
    dict of str
        Attrs with the keys of :data:`PROVENANCE_ATTRS`, then ``extra``.

    Examples
    --------
    >>> a = stamp(methodology="m", version="1", parameters={"pue": 1.1}, assumed=["pue: default"],
    ...           references=["A", "B", "A"])
    >>> a["parameters"], a["assumed"], a["references"]
    ('{"pue": 1.1}', '["pue: default"]', 'A\\nB')
    """
    return {"methodology": str(methodology), "methodology_version": str(version),
            "methodology_description": str(description),
            "parameters": json.dumps(dict(parameters or {}), sort_keys=True, default=_json_default),
            "assumed": json.dumps([str(a) for a in assumed]),
            "references": "\n".join(dict.fromkeys(str(r) for r in references if str(r))), **extra}


def read_stamp(attrs: Mapping) -> dict:
    """The provenance of a result's attrs, parsed back (:func:`stamp` inverted).

    Returns
    -------
    dict
        ``methodology``, ``methodology_version``, ``methodology_description`` (str), ``parameters``
        (dict), ``assumed`` (list of str), ``references`` (tuple of str); missing attrs give empty values.

    Examples
    --------
    >>> read_stamp(stamp(methodology="m", version="1", parameters={"a": [1, 2]}, references=["A"]))["parameters"]
    {'a': [1, 2]}
    """
    return {"methodology": str(attrs.get("methodology", "")),
            "methodology_version": str(attrs.get("methodology_version", "")),
            "methodology_description": str(attrs.get("methodology_description", "")),
            "parameters": json.loads(attrs.get("parameters") or "{}"),
            "assumed": list(json.loads(attrs.get("assumed") or "[]")),
            "references": tuple(r for r in str(attrs.get("references", "")).splitlines() if r)}


def with_assumed(attrs: Mapping, notes: Sequence[str]) -> dict:
    """``attrs`` with ``notes`` appended to its ``assumed`` list (the same JSON form)."""
    return {**attrs, "assumed": json.dumps(list(json.loads(attrs.get("assumed") or "[]")) + [str(n) for n in notes])}
