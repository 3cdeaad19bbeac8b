"""carbonlab: how a cloud bill becomes a carbon number."""

__version__ = "0.1.0"
