"""Forms for the risk pages. They parse and check the shape of input (a real date, a choice from the list);
the rules of the risk area live in risk.services, whose ValidationErrors the views add to these forms."""

from datetime import date

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from risk.models import MappaRegistration, ParentOrCarer, RegistrationType, RiskLevel, RiskReview, RoshAssessment

# Widgets -----------------------------------------------------------------------------------------------------


class GovukRadioSelect(forms.RadioSelect):
    """Radios whose label target (and so the error summary link) is the first radio, as GOV.UK Frontend does.

    Django's RadioSelect returns no id for the group label; the templates give the first radio the field's id.
    """

    def id_for_label(self, id_, index=None):
        return id_


class DateInputWidget(forms.Widget):
    """GOV.UK date input: three boxes named `<name>-day`, `<name>-month` and `<name>-year`."""

    PARTS = ("day", "month", "year")

    def value_from_datadict(self, data, files, name):
        return [data.get(f"{name}-{part}", "") for part in self.PARTS]

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}-{part}" not in data for part in self.PARTS)

    def id_for_label(self, id_):
        return f"{id_}-day" if id_ else id_


def date_parts(value) -> dict:
    """Day, month and year to show in the three boxes, from a date (initial) or the submitted strings."""
    if isinstance(value, date):
        return {"day": value.day, "month": value.month, "year": value.year}
    if isinstance(value, list | tuple) and len(value) == 3:
        return dict(zip(DateInputWidget.PARTS, value, strict=True))
    return {"day": "", "month": "", "year": ""}


class GovukDateField(forms.Field):
    """A date entered as day, month and year, with GOV.UK's error messages.

    `name` is how messages start ("Assessment date must be a real date").
    """

    widget = DateInputWidget

    def __init__(self, *, name: str, **kwargs):
        self.name = name
        custom = kwargs.get("error_messages") or {}
        super().__init__(**kwargs)
        if "required" not in custom:
            self.error_messages["required"] = f"Enter the {name[:1].lower() + name[1:]}"

    def to_python(self, value):
        if isinstance(value, date):
            return value
        parts = [str(part or "").strip() for part in (value or ["", "", ""])]
        if not any(parts):
            return None
        missing = [part for part, text in zip(DateInputWidget.PARTS, parts, strict=True) if not text]
        if missing:
            raise ValidationError(f"{self.name} must include a {' and a '.join(missing)}", code="incomplete")
        if not all(part.isdigit() and len(part) <= limit for part, limit in zip(parts, (2, 2, 4), strict=True)):
            raise ValidationError(f"{self.name} must be a real date", code="invalid")
        day, month, year = (int(part) for part in parts)
        if year < 1900:
            raise ValidationError(f"{self.name} must be after 1900", code="too_early")
        try:
            return date(year, month, day)
        except ValueError:
            raise ValidationError(f"{self.name} must be a real date", code="invalid") from None


def _level_field(label: str, *, required: bool = False, required_message: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=RiskLevel.choices,
        coerce=int,
        empty_value=None,
        required=required,
        widget=GovukRadioSelect,
        error_messages={"required": required_message, "invalid_choice": "Choose low, medium, high or very high"},
    )


def _text(label: str, *, required: bool = False, help_text: str = "", message: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": message} if message else None,
    )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# RoSH assessment ---------------------------------------------------------------------------------------------

NARRATIVE_FIELDS = ("who_is_at_risk", "nature_of_risk", "circumstances_increasing_risk")
PLAN_FIELDS = ("plan_supervision", "plan_interventions", "plan_restrictions", "plan_victim_safety", "plan_contingency")
LEVEL_FIELDS = ("risk_to_public", "risk_to_known_adults", "risk_to_children", "risk_to_staff")
REOFFENDING_FIELDS = ("reoffending_tool", "reoffending_score", "reoffending_band")
CHILD_FIELDS = ("safety_and_wellbeing_level", "safety_and_wellbeing_reasons", "safeguarding_plan")


class AssessmentForm(forms.Form):
    """A draft RoSH assessment. Levels and narrative may be left blank while it is a draft; completing it
    (risk.services.assessment_complete) says what is still missing."""

    kind = forms.ChoiceField(
        label="What kind of assessment is this?",
        choices=RoshAssessment.Kind.choices,
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose screening at court, full assessment or review",
            "invalid_choice": "Choose screening at court, full assessment or review",
        },
    )
    assessment_date = GovukDateField(
        name="Assessment date", label="Assessment date", help_text="The day the assessment was carried out"
    )
    risk_to_public = _level_field("Risk to the public")
    risk_to_known_adults = _level_field("Risk to known adults")
    risk_to_children = _level_field("Risk to children")
    risk_to_staff = _level_field("Risk to staff")
    who_is_at_risk = _text("Who is at risk", help_text="Name the people or groups, for example a former partner")
    nature_of_risk = _text("What is the nature of the risk", help_text="What harm could happen, and how")
    circumstances_increasing_risk = _text("Circumstances that would increase the risk")
    plan_supervision = _text("Supervision")
    plan_interventions = _text("Interventions and treatment")
    plan_restrictions = _text("Restrictions", help_text="For example licence conditions or court orders")
    plan_victim_safety = _text("Victim safety planning")
    plan_contingency = _text("Contingency", help_text="What will happen if the risk increases")
    reoffending_tool = forms.ChoiceField(
        label="Tool",
        choices=[("", "Not recorded"), *RoshAssessment.ReoffendingTool.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a tool from the list"},
    )
    reoffending_score = forms.DecimalField(
        label="Score (%)",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        help_text="As the tool reported it, for example 42 or 42.5",
        error_messages={
            "invalid": "Score must be a number, like 42 or 42.5",
            "min_value": "Score must be between 0 and 100",
            "max_value": "Score must be between 0 and 100",
            "max_digits": "Score must be between 0 and 100",
            "max_decimal_places": "Score must have no more than 2 decimal places",
        },
    )
    reoffending_band = forms.ChoiceField(
        label="Band",
        choices=[("", "Not recorded"), *RoshAssessment.ReoffendingBand.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a band from the list"},
    )
    safety_and_wellbeing_level = _level_field("Safety and wellbeing level")
    safety_and_wellbeing_reasons = _text("Reasons for the safety and wellbeing level")
    safeguarding_plan = _text("Safeguarding plan")

    def __init__(self, *args, child: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        if not child:
            for name in CHILD_FIELDS:
                del self.fields[name]

    @classmethod
    def initial_from(cls, assessment: RoshAssessment) -> dict:
        names = ("kind", "assessment_date", *LEVEL_FIELDS, *NARRATIVE_FIELDS, *PLAN_FIELDS)
        return {name: getattr(assessment, name) for name in (*names, *REOFFENDING_FIELDS, *CHILD_FIELDS)}

    def service_fields(self) -> dict:
        """Everything but kind and date, as the services take them (blank text as "", blank levels as None)."""
        data = dict(self.cleaned_data)
        data.pop("kind")
        data.pop("assessment_date")
        return data


# Registrations (flags) ---------------------------------------------------------------------------------------


class RegistrationTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RegistrationType) -> str:
        months = obj.default_review_months
        return f"{obj.name} (reviewed every {months} month{'s' if months != 1 else ''})"


class RegistrationAddForm(forms.Form):
    registration_type = RegistrationTypeChoiceField(
        label="Type of registration",
        queryset=RegistrationType.objects.filter(active=True).order_by("name"),
        empty_label="Choose a type",
        error_messages={
            "required": "Choose the type of registration",
            "invalid_choice": "Choose a type of registration from the list",
        },
    )
    start_date = GovukDateField(name="Start date", label="Start date", help_text="For example, 27 3 2025")
    review_frequency_months = forms.IntegerField(
        label="Review every (months)",
        required=False,
        min_value=1,
        max_value=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        help_text="Leave blank to use the usual frequency for the type, shown in brackets",
        error_messages={
            "invalid": "Review frequency must be a whole number of months, like 6",
            "min_value": "Review frequency must be between 1 and 24 months",
            "max_value": "Review frequency must be between 1 and 24 months",
        },
    )
    reason = _text(
        "Why is this registration being added?", required=True, message="Enter why this registration is being added"
    )


class RegistrationReviewForm(forms.Form):
    review_date = GovukDateField(name="Review date", label="Date of the review", help_text="For example, 27 3 2025")
    note = _text("What did the review find? (optional)")


class RegistrationDeregisterForm(forms.Form):
    deregistered_date = GovukDateField(name="Date", label="Date removed", help_text="For example, 27 3 2025")
    deregistration_reason = _text(
        "Why is this registration being removed?", required=True, message="Enter why this registration is being removed"
    )


# MAPPA -------------------------------------------------------------------------------------------------------


def _mappa_level_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="MAPPA level",
        choices=MappaRegistration.Level.choices,
        coerce=int,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose a MAPPA level", "invalid_choice": "Choose a MAPPA level from 1 to 3"},
    )


class MappaAddForm(forms.Form):
    category = forms.TypedChoiceField(
        label="MAPPA category",
        choices=MappaRegistration.Category.choices,
        coerce=int,
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose a MAPPA category",
            "invalid_choice": "Choose a MAPPA category from 1 to 4",
        },
    )
    level = _mappa_level_field()
    lead_agency = forms.ChoiceField(
        label="Lead agency",
        choices=[("", "Choose the lead agency"), *MappaRegistration.LeadAgency.choices],
        error_messages={"required": "Choose the lead agency", "invalid_choice": "Choose the lead agency"},
    )
    start_date = GovukDateField(name="Start date", label="Start date", help_text="For example, 27 3 2025")
    next_review_date = GovukDateField(
        name="Next review date", label="Next review date", help_text="For example, 27 9 2025"
    )
    notes = _text("Notes (optional)")


class MappaReviewForm(forms.Form):
    level = _mappa_level_field()
    next_review_date = GovukDateField(
        name="Next review date", label="Next review date", help_text="Must be in the future, for example 27 9 2026"
    )
    notes = _text("Notes (optional)", help_text="Replaces the current notes when you enter something")


class MappaEndForm(forms.Form):
    end_date = GovukDateField(name="End date", label="End date", help_text="For example, 27 3 2025")
    end_reason = _text("Why has MAPPA management ended?", required=True, message="Enter why MAPPA management ended")


# Change of circumstances -------------------------------------------------------------------------------------


class ChangeOfCircumstancesForm(forms.Form):
    change = forms.ChoiceField(
        label="What changed?",
        # A new registration opens its own review (risk.services.registration_add).
        choices=[choice for choice in RiskReview.Change.choices if choice[0] != RiskReview.Change.NEW_REGISTRATION],
        widget=GovukRadioSelect,
        error_messages={"required": "Choose what changed", "invalid_choice": "Choose what changed"},
    )
    description = _text("What happened?", required=True, message="Enter what happened")
    occurred_on = GovukDateField(name="Date", label="When did it happen?", help_text="For example, 27 3 2025")


# Parents and carers ------------------------------------------------------------------------------------------


class ParentOrCarerForm(forms.Form):
    name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter the parent or carer's name"}
    )
    relationship = forms.ChoiceField(
        label="Relationship to the child",
        choices=[("", "Choose a relationship"), *ParentOrCarer.Relationship.choices],
        error_messages={"required": "Choose the relationship", "invalid_choice": "Choose the relationship"},
    )
    has_parental_responsibility = forms.TypedChoiceField(
        label="Do they have parental responsibility?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose whether they have parental responsibility",
            "invalid_choice": "Choose whether they have parental responsibility",
        },
    )
    involvement = forms.ChoiceField(
        label="How involved are they in the child's supervision?",
        choices=ParentOrCarer.Involvement.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose how involved they are", "invalid_choice": "Choose how involved they are"},
    )
    telephone = forms.CharField(label="Telephone (optional)", max_length=30, required=False)
    notes = _text("Notes (optional)")
