from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Manager oversight: team workload, overdue work, service-level compliance, continuity and case quality
    audits (README, "Oversight for managers")."""

    name = "oversight"
