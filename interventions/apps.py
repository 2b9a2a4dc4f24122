from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    """Reserved for a later issue; it holds no models or pages yet (see README, "Layout")."""

    name = "interventions"
