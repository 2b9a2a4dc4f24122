"""Case events interventions listens to (cases.events), connected in interventions.apps.

CONTACT_OUTCOME_RECORDED (subject "contact:<id>"): when the appointment is marked as rehabilitation activity,
its requirement's RAR days are recounted (interventions.services.rar.rar_days_recount). The receiver runs inside
the publishing service's transaction, so a day that would pass the court's maximum refuses the outcome itself
(ValidationError on `outcome`) and nothing is written. Every other event is ignored.
"""

from django.core.exceptions import ValidationError

from cases import events


def _contact_id(subject: str) -> int | None:
    kind, _, pk = subject.partition(":")
    return int(pk) if kind == "contact" and pk.isdigit() else None


def on_case_event(sender, *, event, **kwargs) -> None:
    if event.name != events.CONTACT_OUTCOME_RECORDED:
        return
    contact_id = _contact_id(event.subject)
    if contact_id is None:
        return
    from interventions.models import RehabilitationActivity
    from interventions.services import rar

    activity = RehabilitationActivity.objects.select_related("requirement").filter(contact_id=contact_id).first()
    if activity is None:
        return
    try:
        rar.rar_days_recount(requirement=activity.requirement, by=event.by)
    except ValidationError as error:
        codes = {item.code for items in getattr(error, "error_dict", {}).values() for item in items}
        if rar.MAXIMUM_PASSED not in codes:
            raise
        maximum = activity.requirement.maximum_days or 0
        raise ValidationError(
            {
                "outcome": (
                    f"This requirement has reached its maximum of {maximum} day{'' if maximum == 1 else 's'}: "
                    f"this rehabilitation activity on {activity.activity_date:%-d %B %Y} would be a day beyond it. "
                    "An attended and complied outcome cannot be recorded for it while it is marked against this "
                    "requirement."
                )
            }
        ) from None
