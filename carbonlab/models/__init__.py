"""Layer 2, pure model functions named after their published method, one module per stage.

:mod:`~carbonlab.models.energy` (CCF compute, memory, storage, network), :mod:`~carbonlab.models.facility`
(PUE), :mod:`~carbonlab.models.emissions` (energy x grid intensity), :mod:`~carbonlab.models.embodied`
(SCI/Teads and Boavizta embodied), :mod:`~carbonlab.models.water` (WUE), :mod:`~carbonlab.models.marginal`
(Siler-Evans marginal emission factors), :mod:`~carbonlab.models.market` (Scope 2 market-based hierarchy,
24/7 matching).  They take and return arrays; no I/O, no global state.
"""
