"""Layer 1, the contract every module shares: dimension names, the UsageTable, the variables registry,
units and provenance.  Imports nothing else from carbonlab.

Modules: :mod:`~carbonlab.core.schema` (dimensions, UsageTable, variables registry, ``set_attrs``),
:mod:`~carbonlab.core.units` (exact unit conversions).
"""
