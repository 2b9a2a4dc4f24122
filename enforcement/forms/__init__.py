"""Forms for enforcement (issue 6), one module per area: `from enforcement.forms import compliance`."""
