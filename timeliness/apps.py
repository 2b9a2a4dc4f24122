from django.apps import AppConfig


class TimelinessConfig(AppConfig):
    """Service-level clocks, alerts and the Celery scan that raises them."""

    name = "timeliness"
    verbose_name = "Service levels and alerts"

    def ready(self) -> None:
        from cases.events import case_event
        from timeliness.services import on_case_event

        case_event.connect(on_case_event, dispatch_uid="timeliness.on_case_event")
