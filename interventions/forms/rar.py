"""Forms for rehabilitation activity: record an activity with its appointment, or mark an appointment already
booked. They check the shape of input (a real date and time, a choice from the list); the rules live in
interventions.services.rar, whose errors the views add to these forms (add_service_errors)."""

from datetime import datetime

from django import forms
from django.utils import timezone

from cases.forms.contacts import TIME_MESSAGE, parse_time
from cases.models import Contact, NeedArea
from cases.services.contacts import APPOINTMENT_METHODS, APPOINTMENT_TYPES
from interventions.models.rar import ACTIVITY_MINUTES_RANGE, ActivityType
from interventions.services.rar import DESCRIPTION_MAX_LENGTH, ORGANISATION_MAX_LENGTH
from risk.forms import GovukDateField, GovukRadioSelect, add_service_errors

__all__ = ["MarkActivityForm", "RecordActivityForm", "add_service_errors"]

DURATION_MESSAGE = (
    f"An activity lasts between {ACTIVITY_MINUTES_RANGE[0]} and {ACTIVITY_MINUTES_RANGE[1]} minutes (8 hours): "
    "enter its duration."
)


def _staff_label(member) -> str:
    return member.get_full_name() or member.username


class _ActivityFieldsForm(forms.Form):
    """What the activity was, what it serves and who delivered it: shared by both forms."""

    activity_type = forms.ChoiceField(
        label="Type of activity",
        choices=[("", "Choose a type"), *ActivityType.choices],
        error_messages={"required": "Choose the type of activity", "invalid_choice": "Choose a type from the list"},
    )
    need_area = forms.ChoiceField(
        label="Need area (optional if you choose a plan objective)",
        required=False,
        choices=[("", "Choose a need area"), *NeedArea.choices],
        error_messages={"invalid_choice": "Choose a need area from the list"},
    )
    plan_objective = forms.TypedChoiceField(
        label="Plan objective (optional if you choose a need area)",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose an objective of this case's sentence plan"},
    )
    delivered_by = forms.TypedChoiceField(
        label="Member of staff who delivered it",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Leave empty if an organisation delivered it",
        error_messages={"invalid_choice": "Choose a member of staff of the case's team"},
    )
    delivered_by_organisation = forms.CharField(
        label="Organisation that delivered it (optional)",
        max_length=ORGANISATION_MAX_LENGTH,
        required=False,
        help_text="A partner service or a volunteer organisation, for example a housing advice service",
        error_messages={"max_length": f"The organisation's name must be {ORGANISATION_MAX_LENGTH} characters or fewer"},
    )
    description = forms.CharField(
        label="What the activity was (optional)",
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="This is what a court sees for the day, for example 'worked on a budget with the person'",
    )

    def __init__(self, *args, staff_choices=(), objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_by_id = {member.pk: member for member in staff_choices}
        self.objectives_by_id = {objective.pk: objective for objective in objectives}
        self.fields["delivered_by"].choices = [
            ("", "Choose a member of staff"),
            *((member.pk, _staff_label(member)) for member in staff_choices),
        ]
        self.fields["plan_objective"].choices = [
            ("", "Choose an objective" if objectives else "The case's plan has no objectives"),
            *((objective.pk, str(objective)) for objective in objectives),
        ]

    def clean_delivered_by(self):
        pk = self.cleaned_data.get("delivered_by")
        return self.staff_by_id.get(pk) if pk else None

    def clean_plan_objective(self):
        pk = self.cleaned_data.get("plan_objective")
        return self.objectives_by_id.get(pk) if pk else None

    def activity_data(self) -> dict:
        data = self.cleaned_data
        return {
            "activity_type": data["activity_type"],
            "need_area": data["need_area"],
            "plan_objective": data["plan_objective"],
            "delivered_by": data["delivered_by"],
            "delivered_by_organisation": data["delivered_by_organisation"],
            "description": data["description"],
        }


class RecordActivityForm(_ActivityFieldsForm):
    """A new activity: its appointment (when, how long, where) and, if it has happened, its outcome."""

    contact_type = forms.ChoiceField(
        label="Type of appointment",
        choices=[(choice.value, choice.label) for choice in APPOINTMENT_TYPES],
        error_messages={"required": "Choose the type of appointment", "invalid_choice": "Choose a type from the list"},
    )
    date = GovukDateField(name="Date", help_text="For example, 27 3 2027")
    time = forms.CharField(
        label="Time",
        max_length=5,
        help_text="Use the 24-hour clock, for example 09:30 or 14:00",
        error_messages={"required": "Enter the time", "max_length": TIME_MESSAGE},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    duration_minutes = forms.IntegerField(
        label="Duration in minutes",
        min_value=ACTIVITY_MINUTES_RANGE[0],
        max_value=ACTIVITY_MINUTES_RANGE[1],
        help_text="For example, 45",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the duration in minutes",
            "invalid": "Enter the duration as a whole number of minutes, like 45",
            "min_value": DURATION_MESSAGE,
            "max_value": DURATION_MESSAGE,
        },
    )
    method = forms.ChoiceField(
        label="How did or will the activity happen?",
        choices=[(value, Contact.Method(value).label) for value in APPOINTMENT_METHODS],
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose face to face, telephone or video call",
            "invalid_choice": "Choose face to face, telephone or video call",
        },
    )
    location = forms.CharField(
        label="Location",
        max_length=200,
        required=False,
        help_text="Needed for a face to face activity, for example the office or the partner's address",
    )
    outcome = forms.ChoiceField(
        label="Outcome (only if the activity has already happened)",
        required=False,
        widget=GovukRadioSelect,
        error_messages={"invalid_choice": "Choose an outcome from the list"},
    )
    absence_reason = forms.ChoiceField(
        label="Why was the absence acceptable?",
        choices=Contact.AbsenceReason.choices,
        required=False,
        widget=GovukRadioSelect,
        error_messages={"invalid_choice": "Choose a reason for the absence from the list"},
    )
    absence_reason_details = forms.CharField(
        label="Details of the reason (optional)",
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the reason is \u201cOther\u201d",
    )

    field_order = [
        "activity_type",
        "date",
        "time",
        "duration_minutes",
        "need_area",
        "plan_objective",
        "delivered_by",
        "delivered_by_organisation",
        "description",
        "contact_type",
        "method",
        "location",
        "outcome",
        "absence_reason",
        "absence_reason_details",
    ]

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes_by_code = {outcome.code: outcome for outcome in outcomes}
        self.fields["outcome"].choices = [(outcome.code, outcome.name) for outcome in outcomes]

    def clean_time(self):
        value = parse_time(self.cleaned_data["time"])
        if value is None:
            raise forms.ValidationError(TIME_MESSAGE)
        return value

    def clean_outcome(self):
        code = self.cleaned_data.get("outcome")
        return self.outcomes_by_code.get(code) if code else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("time"):
            cleaned["starts_at"] = timezone.make_aware(datetime.combine(cleaned["date"], cleaned["time"]))
        return cleaned

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            **self.activity_data(),
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "contact_type": data["contact_type"],
            "method": data["method"],
            "location": data["location"],
            "outcome": data["outcome"],
            "absence_reason": data["absence_reason"],
            "absence_reason_details": data["absence_reason_details"],
        }


class MarkActivityForm(_ActivityFieldsForm):
    """An appointment already booked on the case, marked as rehabilitation activity."""

    contact = forms.TypedChoiceField(
        label="Which appointment was rehabilitation activity?",
        coerce=int,
        empty_value=None,
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose the appointment",
            "invalid_choice": "Choose one of the appointments listed",
        },
    )

    field_order = [
        "contact",
        "activity_type",
        "need_area",
        "plan_objective",
        "delivered_by",
        "delivered_by_organisation",
        "description",
    ]

    def __init__(self, *args, appointments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.appointments_by_id = {appointment.pk: appointment for appointment in appointments}
        self.fields["contact"].choices = [
            (appointment.pk, _appointment_label(appointment)) for appointment in appointments
        ]

    def clean_contact(self):
        return self.appointments_by_id.get(self.cleaned_data.get("contact"))

    def service_data(self) -> dict:
        return {**self.activity_data(), "contact": self.cleaned_data["contact"]}


def _appointment_label(appointment: Contact) -> str:
    when = timezone.localtime(appointment.starts_at)
    parts = [f"{when:%-d %B %Y, %H:%M}", appointment.get_contact_type_display()]
    if appointment.duration_minutes:
        parts.append(f"{appointment.duration_minutes} minutes")
    if appointment.staff_id:
        parts.append(f"with {_staff_label(appointment.staff)}")
    parts.append(appointment.outcome.name if appointment.outcome_id else "no outcome yet")
    return ", ".join(parts)
