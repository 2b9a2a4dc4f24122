"""Forms for delivering the order, one module per kind of delivery."""
