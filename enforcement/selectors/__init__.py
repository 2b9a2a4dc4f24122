"""Reads for enforcement (issue 6), one module per area: `from enforcement.selectors import compliance`."""
