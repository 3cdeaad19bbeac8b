"""Layer 5, provider-side allocation: how a cloud provider divides its own emissions among customers.

A toy and a synthetic :class:`Provider` (:mod:`~carbonlab.allocation.synthetic`), the allocation
versions v1, v2, v3 as data (``versions/*.toml``, :func:`load_version`), the chain of allocation steps and
:func:`allocate` (:mod:`~carbonlab.allocation.chain`), and what changes between versions
(:func:`decompose_change`, :func:`allocate_history`, :mod:`~carbonlab.allocation.compare`).
"""

from carbonlab.allocation.chain import (ALLOCATION_BASES, CAUSES, ENTRY, EVIDENCE, KEPT, KEPT_REASONS, PARAMETERS,
                                        SCOPE, SCOPES, VERSIONS, AllocationChain, AllocationVersion, allocate,
                                        allocation_chain, amortised_monthly, check_conservation, load_version,
                                        resolve_dependencies, shares_within)
from carbonlab.allocation.compare import CAUSE, allocate_history, decompose_change
from carbonlab.allocation.provider import CONSUMER_KINDS, RACK_KINDS, SERVICE_RACK_KINDS, TABLES, Provider
from carbonlab.allocation.synthetic import synthetic_provider, toy_provider

__all__ = ["Provider", "AllocationVersion", "AllocationChain", "load_version", "allocation_chain", "allocate",
           "check_conservation", "amortised_monthly", "shares_within", "resolve_dependencies", "decompose_change",
           "allocate_history", "toy_provider", "synthetic_provider", "VERSIONS", "SCOPES", "ALLOCATION_BASES",
           "KEPT_REASONS", "EVIDENCE", "PARAMETERS", "CAUSES", "CAUSE", "SCOPE", "KEPT", "ENTRY", "TABLES",
           "RACK_KINDS", "SERVICE_RACK_KINDS", "CONSUMER_KINDS"]
