"""HTML pages for delivering the order, one module per kind of delivery; interventions/urls.py joins them."""
