from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    """Reserved for a later issue; it holds no models or pages yet (see README, "Layout")."""

    name = "enforcement"
