"""Pages of the oversight area, one module per group of pages (see oversight/urls.py)."""
