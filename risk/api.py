"""API for assessments, MAPPA and registrations under /api/v1/risk/, scoped like everything else."""


def register(router) -> None:
    """Add the risk endpoints to the API router (config/urls.py calls this)."""
