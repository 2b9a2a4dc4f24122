"""API for enforcement: each module has `register(router)`, called from config/urls.py."""
