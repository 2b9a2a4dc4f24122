"""Forms for appointments, outcomes, contacts and the contact log filter. They check the shape of input (a real
date and time, a choice from the list); the rules live in cases.services.contacts, whose errors the views add
to these forms (risk.forms.add_service_errors)."""

import re
from datetime import datetime, time

from django import forms
from django.utils import timezone

from cases.models import Contact
from cases.selectors.contacts import OUTCOME_CATEGORIES
from cases.services.contacts import (
    APPOINTMENT_METHODS,
    APPOINTMENT_TYPES,
    DURATION_MAX_MINUTES,
    DURATION_MIN_MINUTES,
    NOTES_MAX_LENGTH,
)
from risk.forms import GovukDateField, GovukRadioSelect, add_service_errors

__all__ = [
    "AppointmentForm",
    "ContactForm",
    "ContactLogFilterForm",
    "OutcomeForm",
    "add_service_errors",
    "parse_time",
]

TIME_PATTERN = re.compile(r"^(?P<hour>\d{1,2})[:.](?P<minute>\d{2})$")
TIME_MESSAGE = "Enter the time using the 24-hour clock, like 09:30 or 14:00"


def parse_time(text: str) -> time | None:
    """'9:30', '09.30' or '14:00' -> a time; None when it is not a real time of day."""
    match = TIME_PATTERN.match(text.strip())
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _text(label: str, *, required: bool = False, help_text: str = "", message: str = "", rows: int = 4):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message} if message else None,
    )


def _duration(required: bool) -> forms.IntegerField:
    range_message = f"The duration must be between {DURATION_MIN_MINUTES} and {DURATION_MAX_MINUTES} minutes (8 hours)."
    return forms.IntegerField(
        label="Duration in minutes",
        required=required,
        min_value=DURATION_MIN_MINUTES,
        max_value=DURATION_MAX_MINUTES,
        help_text="For example, 45",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the duration in minutes",
            "invalid": "Enter the duration as a whole number of minutes, like 45",
            "min_value": range_message,
            "max_value": range_message,
        },
    )


class _WhenAndWhoForm(forms.Form):
    """Date, time, who the person sees and where: shared by appointments and other contacts."""

    date = GovukDateField(name="Date", help_text="For example, 27 3 2027")
    time = forms.CharField(
        label="Time",
        max_length=5,
        help_text="Use the 24-hour clock, for example 09:30 or 14:00",
        error_messages={"required": "Enter the time", "max_length": TIME_MESSAGE},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    staff = forms.TypedChoiceField(label="Member of staff", coerce=int, empty_value=None, required=False)
    with_whom = forms.CharField(
        label="Others present (optional)",
        max_length=200,
        required=False,
        help_text="For example, a parent or carer, an interpreter or a worker from another agency",
    )
    location = forms.CharField(label="Location", max_length=200, required=False)

    def __init__(self, *args, staff_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_by_id = {member.pk: member for member in staff_choices}
        self.fields["staff"].choices = [
            ("", "Choose a member of staff"),
            *((member.pk, member.get_full_name() or member.username) for member in staff_choices),
        ]
        self.fields["staff"].error_messages["invalid_choice"] = "Choose a member of staff of the case's team"

    def clean_time(self):
        value = parse_time(self.cleaned_data["time"])
        if value is None:
            raise forms.ValidationError(TIME_MESSAGE)
        return value

    def clean_staff(self):
        pk = self.cleaned_data.get("staff")
        return self.staff_by_id.get(pk) if pk else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("time"):
            cleaned["starts_at"] = timezone.make_aware(datetime.combine(cleaned["date"], cleaned["time"]))
        return cleaned


class AppointmentForm(_WhenAndWhoForm):
    contact_type = forms.ChoiceField(
        label="Type of appointment",
        choices=[("", "Choose a type"), *((choice.value, choice.label) for choice in APPOINTMENT_TYPES)],
        error_messages={"required": "Choose the type of appointment", "invalid_choice": "Choose a type from the list"},
    )
    duration_minutes = _duration(required=True)
    method = forms.ChoiceField(
        label="How will the appointment happen?",
        choices=[(value, Contact.Method(value).label) for value in APPOINTMENT_METHODS],
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose face to face, telephone or video call",
            "invalid_choice": "Choose face to face, telephone or video call",
        },
    )
    notes = _text("Notes (optional)", help_text="Anything the person or a colleague needs to know", rows=3)

    field_order = [
        "contact_type",
        "date",
        "time",
        "duration_minutes",
        "method",
        "location",
        "staff",
        "with_whom",
        "notes",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].label = "Who will the person see?"
        self.fields["staff"].help_text = "Leave as it is to book with the responsible officer"
        self.fields["location"].help_text = "Needed for a face to face appointment, for example the office address"


class ContactForm(_WhenAndWhoForm):
    """Anything else that happened: a call, a letter, a visit, contact with another agency."""

    contact_type = forms.ChoiceField(
        label="Type of contact",
        choices=[("", "Choose a type"), *Contact.ContactType.choices],
        error_messages={"required": "Choose the type of contact", "invalid_choice": "Choose a type from the list"},
    )
    method = forms.ChoiceField(
        label="How did the contact happen?",
        choices=Contact.Method.choices,
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose how the contact happened",
            "invalid_choice": "Choose how the contact happened",
        },
    )
    duration_minutes = _duration(required=False)
    notes = _text("What happened", required=True, message="Enter notes: say what happened", rows=6)

    field_order = [
        "contact_type",
        "date",
        "time",
        "method",
        "staff",
        "with_whom",
        "duration_minutes",
        "location",
        "notes",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].label = "Duration in minutes (optional)"
        self.fields["location"].label = "Location (optional)"
        self.fields["staff"].label = "Member of staff (optional)"


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose the outcome of the appointment",
            "invalid_choice": "Choose an outcome from the list",
        },
    )
    absence_reason = forms.ChoiceField(
        label="Why was the absence acceptable?",
        choices=Contact.AbsenceReason.choices,
        required=False,
        widget=GovukRadioSelect,
        error_messages={"invalid_choice": "Choose a reason for the absence from the list"},
    )
    absence_reason_details = _text(
        "Details of the reason", help_text="Needed when the reason is \u201cOther\u201d; add any evidence seen"
    )
    notes = _text("Notes (optional)", help_text="What was discussed, or what happens next", rows=5)

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes_by_code = {outcome.code: outcome for outcome in outcomes}
        self.fields["outcome"].choices = [(outcome.code, outcome.name) for outcome in outcomes]

    def clean_outcome(self):
        return self.outcomes_by_code[self.cleaned_data["outcome"]]


class ContactLogFilterForm(forms.Form):
    """The contact log's filters (GET). Every field is optional; invalid values are errors, not ignored."""

    contact_type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "All types"), *Contact.ContactType.choices],
        error_messages={"invalid_choice": "Choose a type from the list"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "All outcomes"), *OUTCOME_CATEGORIES.items()],
        error_messages={"invalid_choice": "Choose an outcome from the list"},
    )
    date_from = GovukDateField(name="From date", label="From", required=False)
    date_to = GovukDateField(name="To date", label="To", required=False)

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The \u2018to\u2019 date must be the same as or after the \u2018from\u2019 date")
        return cleaned

    def selector_filters(self) -> dict:
        return {
            "contact_type": self.cleaned_data.get("contact_type") or None,
            "outcome": self.cleaned_data.get("outcome") or None,
            "date_from": self.cleaned_data.get("date_from"),
            "date_to": self.cleaned_data.get("date_to"),
        }

    @property
    def is_filtered(self) -> bool:
        return any(self.selector_filters().values()) if self.is_bound and self.is_valid() else False
