"""Pages for enforcement (issue 6), one module per area."""
