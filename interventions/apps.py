from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    """Delivering the order: RAR days, unpaid work, accredited programmes, referrals to services."""

    name = "interventions"
    verbose_name = "Delivering the order"

    def ready(self) -> None:
        from cases.events import case_event
        from interventions.receivers import on_case_event

        case_event.connect(on_case_event, dispatch_uid="interventions.on_case_event")
