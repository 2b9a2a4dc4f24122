"""API for delivering the order: each module has `register(router)`, called from config/urls.py."""
