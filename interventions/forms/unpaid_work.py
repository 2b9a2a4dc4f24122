"""Forms for unpaid work pages. They check the shape of input (a real date and time, a whole number, a choice from
the list); the rules live in interventions.services.unpaid_work, whose errors the views add to these forms
(risk.forms.add_service_errors). The register names each person's fields "attendance-<id>-<field>", as the
service names its errors, so a refused register shows each message beside the right input."""

from django import forms

from cases.forms.contacts import TIME_MESSAGE, parse_time
from interventions.models import ProjectType, Rating, UnpaidWorkAttendance
from interventions.models.unpaid_work import SESSION_CAPACITY_RANGE
from interventions.services.unpaid_work import NOTES_MAX_LENGTH, register_key
from risk.forms import GovukDateField, GovukRadioSelect, add_service_errors

__all__ = [
    "BookForm",
    "PeriodForm",
    "ProjectForm",
    "ReasonForm",
    "RegisterDayForm",
    "RegisterForm",
    "SessionForm",
    "TransferForm",
    "add_service_errors",
]

Status = UnpaidWorkAttendance.Status
REGISTER_INPUTS = ("status", "penalty_minutes", "work_quality", "behaviour", "reason")
RATING_CHOICES = [("", "Choose a rating"), *Rating.choices]
# Outcome labels on the register: short enough for a phone screen.
OUTCOME_CHOICES = [
    (Status.ATTENDED.value, "Attended"),
    (Status.SENT_HOME_BEHAVIOUR.value, "Sent home (behaviour)"),
    (Status.STOOD_DOWN.value, "Stood down or sent home by the service (not their fault)"),
    (Status.ACCEPTABLE_ABSENCE.value, "Acceptable absence"),
    (Status.UNACCEPTABLE_ABSENCE.value, "Unacceptable absence"),
]


def _text(label: str, *, required: bool = False, help_text: str = "", message: str = "", rows: int = 3):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message} if message else None,
    )


class _TimeField(forms.CharField):
    def __init__(self, *, label: str, message: str, **kwargs):
        super().__init__(
            label=label,
            max_length=5,
            help_text="Use the 24-hour clock, for example 09:00",
            error_messages={"required": message, "max_length": TIME_MESSAGE},
            widget=forms.TextInput(attrs={"spellcheck": "false"}),
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        parsed = parse_time(value)
        if parsed is None:
            raise forms.ValidationError(TIME_MESSAGE)
        return parsed


class ProjectForm(forms.Form):
    name = forms.CharField(label="Name of the project", max_length=150, error_messages={"required": "Enter the name"})
    project_type = forms.ChoiceField(
        label="Type of project",
        choices=ProjectType.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose the type of project", "invalid_choice": "Choose a type from the list"},
    )
    location = forms.CharField(
        label="Where the work happens",
        max_length=200,
        help_text="An address or meeting point",
        error_messages={"required": "Enter where the work happens"},
    )
    beneficiary = forms.CharField(label="Who benefits (optional)", max_length=150, required=False)
    description = _text("Description (optional)")


class SessionForm(forms.Form):
    project = forms.TypedChoiceField(
        label="Project",
        coerce=int,
        error_messages={"required": "Choose the project", "invalid_choice": "Choose a project from the list"},
    )
    session_date = GovukDateField(name="Date of the session", help_text="For example, 3 12 2026")
    start_time = _TimeField(label="Start time", message="Enter the start time")
    end_time = _TimeField(label="End time", message="Enter the end time")
    capacity = forms.IntegerField(
        label="Places",
        min_value=SESSION_CAPACITY_RANGE[0],
        max_value=SESSION_CAPACITY_RANGE[1],
        help_text="How many people can work on the session ({} to {})".format(*SESSION_CAPACITY_RANGE),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Enter the number of places as a whole number, like 8",
            "min_value": "A session has between 1 and 30 places.",
            "max_value": "A session has between 1 and 30 places.",
        },
    )
    supervisor = forms.TypedChoiceField(label="Supervisor (optional)", coerce=int, empty_value=None, required=False)

    def __init__(self, *args, projects=(), staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.projects_by_id = {project.pk: project for project in projects}
        self.staff_by_id = {member.pk: member for member in staff}
        self.fields["project"].choices = [
            ("", "Choose a project"),
            *((project.pk, project.name) for project in projects),
        ]
        self.fields["supervisor"].choices = [
            ("", "No supervisor yet"),
            *((member.pk, member.get_full_name() or member.username) for member in staff),
        ]
        self.fields["supervisor"].error_messages["invalid_choice"] = "Choose a supervisor from the list"

    def clean_project(self):
        return self.projects_by_id[self.cleaned_data["project"]]

    def clean_supervisor(self):
        pk = self.cleaned_data.get("supervisor")
        return self.staff_by_id.get(pk) if pk else None


class ReasonForm(forms.Form):
    reason = _text("Reason", required=True, message="Enter the reason", rows=3)

    def __init__(self, *args, label: str = "Reason", message: str = "Enter the reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = message


class TransferForm(forms.Form):
    to_provider = forms.TypedChoiceField(
        label="Which CRC will deliver the work?",
        coerce=int,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose the CRC", "invalid_choice": "Choose a CRC from the list"},
    )
    notes = _text(
        "Notes for the CRC (optional)",
        help_text="Anything the CRC needs to arrange the work: health, childcare, travel, risks",
        rows=4,
    )

    def __init__(self, *args, crcs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.crcs_by_id = {crc.pk: crc for crc in crcs}
        if len(self.crcs_by_id) > 1:
            self.fields["to_provider"].choices = [(crc.pk, crc.name) for crc in crcs]
        else:
            del self.fields["to_provider"]

    def clean_to_provider(self):
        return self.crcs_by_id[self.cleaned_data["to_provider"]]


class BookForm(forms.Form):
    session = forms.TypedChoiceField(
        label="Choose a session",
        coerce=int,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose a session", "invalid_choice": "Choose a session from the list"},
    )

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions_by_id = {session.pk: session for session in sessions}
        self.fields["session"].choices = [
            (
                session.pk,
                f"{session.session_date:%a %-d %b %Y}, {session.start_time:%H:%M} to {session.end_time:%H:%M}: "
                f"{session.project.name} ({session.capacity - session.booked} of {session.capacity} places free)",
            )
            for session in sessions
        ]

    def clean_session(self):
        return self.sessions_by_id[self.cleaned_data["session"]]


class RegisterDayForm(forms.Form):
    day = GovukDateField(name="Date", label="Show sessions on", required=False)


class PeriodForm(forms.Form):
    date_from = GovukDateField(name="From date", label="From", required=False)
    date_to = GovukDateField(name="To date", label="To", required=False)

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The \u2018to\u2019 date must be the same as or after the \u2018from\u2019 date")
        return cleaned


class RegisterForm(forms.Form):
    """One fieldset per person: what happened (radios), penalty minutes, the two ratings and a reason.

    `rows` are the register's attendances; a row whose outcome is recorded and that the user may not correct
    (`editable(row)` false) has no inputs. A row left without an outcome is left as it is, unless something
    else was filled in for it. `entries()` gives the service what to record.
    """

    def __init__(self, *args, rows=(), editable=lambda row: True, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for attendance in rows:
            if not editable(attendance):
                self.rows.append({"attendance": attendance, "editable": False})
                continue
            pk = attendance.pk
            name = attendance.requirement.sentence.case.person.full_name
            recorded = attendance.status in UnpaidWorkAttendance.OUTCOMES
            fields = {
                "status": forms.ChoiceField(
                    label=f"What happened to {name}?",
                    choices=OUTCOME_CHOICES,
                    required=False,
                    widget=GovukRadioSelect,
                    initial=attendance.status if recorded else None,
                    error_messages={"invalid_choice": "Choose what happened from the list"},
                ),
                "penalty_minutes": forms.IntegerField(
                    label="Penalty minutes",
                    required=False,
                    min_value=0,
                    help_text="Lateness or long breaks",
                    initial=attendance.penalty_minutes if recorded else None,
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
                    error_messages={
                        "invalid": "Enter penalty minutes as a whole number, like 0 or 30",
                        "min_value": "Penalty minutes cannot be less than 0",
                    },
                ),
                "work_quality": forms.ChoiceField(
                    label="Work", choices=RATING_CHOICES, required=False, initial=attendance.work_quality
                ),
                "behaviour": forms.ChoiceField(
                    label="Behaviour", choices=RATING_CHOICES, required=False, initial=attendance.behaviour
                ),
                "reason": _text(
                    "Reason",
                    help_text="Needed for anything but attended",
                    rows=2,
                ),
            }
            fields["reason"].initial = attendance.reason
            for field_name, field in fields.items():
                self.fields[register_key(pk, field_name)] = field
            self.rows.append({"attendance": attendance, "editable": True})

    def bound_row(self, row) -> dict:
        """The row with its bound fields, for the template."""
        pk = row["attendance"].pk
        if not row["editable"]:
            return row
        return {**row, **{name: self[register_key(pk, name)] for name in REGISTER_INPUTS}}

    def bound_rows(self) -> list[dict]:
        return [self.bound_row(row) for row in self.rows]

    def clean(self):
        cleaned = super().clean()
        chosen = 0
        for row in self.rows:
            if not row["editable"]:
                continue
            pk = row["attendance"].pk
            status = cleaned.get(register_key(pk, "status"))
            others = any(cleaned.get(register_key(pk, name)) not in (None, "", 0) for name in REGISTER_INPUTS[1:])
            if status:
                chosen += 1
            elif others and row["attendance"].status == Status.BOOKED:
                self.add_error(register_key(pk, "status"), "Choose what happened, or clear this person's other answers")
        if not chosen and not self.errors:
            raise forms.ValidationError("Record what happened for at least one person.")
        return cleaned

    def entries(self) -> list[dict]:
        entries = []
        for row in self.rows:
            if not row["editable"]:
                continue
            pk = row["attendance"].pk
            status = self.cleaned_data.get(register_key(pk, "status"))
            if not status:
                continue
            entries.append(
                {
                    "attendance": pk,
                    "status": status,
                    "penalty_minutes": self.cleaned_data.get(register_key(pk, "penalty_minutes")) or 0,
                    "work_quality": self.cleaned_data.get(register_key(pk, "work_quality")) or "",
                    "behaviour": self.cleaned_data.get(register_key(pk, "behaviour")) or "",
                    "reason": self.cleaned_data.get(register_key(pk, "reason")) or "",
                }
            )
        return entries
