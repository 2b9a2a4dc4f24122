from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    """Enforcement: failures to comply, decisions and warning letters (breach and recall to follow)."""

    name = "enforcement"
    verbose_name = "Enforcement"

    def ready(self) -> None:
        from cases.events import case_event
        from enforcement.receivers import on_case_event

        case_event.connect(on_case_event, dispatch_uid="enforcement.on_case_event")
