"""Writes for enforcement (issue 6), one module per area: `from enforcement.services import compliance`."""
