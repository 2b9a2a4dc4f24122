"""Forms for sentence plans, reviews and resettlement plans. They check the shape of input (a real date, a
choice from the list); the rules live in cases.services.plans, whose errors the views add to these forms."""

from django import forms

from cases.models import NeedArea, PlanObjective, ResettlementPlan, SentencePlan
from cases.services.plans import progress_field
from risk.forms import GovukDateField, GovukRadioSelect, add_service_errors

__all__ = [
    "CustodyScreeningForm",
    "ObjectiveForm",
    "PlanCompleteForm",
    "PlanForm",
    "PlanReviewForm",
    "ResettlementPlanCompleteForm",
    "add_service_errors",
]

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _yes_no_field(label: str, *, required: bool = False, message: str = "", help_text: str = ""):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=required,
        help_text=help_text,
        widget=GovukRadioSelect,
        error_messages={"required": message or "Answer yes or no", "invalid_choice": "Answer yes or no"},
    )


def yes_no_initial(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "")


def _text(label: str, *, required: bool = False, help_text: str = "", message: str = "", max_length=None):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": message} if message else None,
    )


class PlanForm(forms.Form):
    """A draft plan. Everything may be left blank while it is a draft; completing it says what is missing."""

    strengths = _text(
        "Strengths and protective factors",
        help_text="What the person has going for them: family, work, skills, motivation",
    )
    involvement = forms.ChoiceField(
        label="Was the person meaningfully involved in their plan?",
        choices=SentencePlan.Involvement.choices,
        required=False,
        widget=GovukRadioSelect,
        error_messages={"invalid_choice": "Choose one of the answers"},
    )
    involvement_details = _text(
        "Details of their involvement", help_text="Required if they were not involved: what was tried, and why not"
    )
    diversity_needs = _text(
        "Diversity needs", help_text="For example learning difficulties, disability, language, faith, caring duties"
    )
    barriers_to_engagement = _text(
        "Barriers to engagement", help_text="For example working hours, travel, childcare, health"
    )
    female_officer_offered = _yes_no_field("Was she offered a female officer?")
    women_only_setting_offered = _yes_no_field("Was she offered a women-only setting for appointments?")

    WOMEN_ONLY = ("female_officer_offered", "women_only_setting_offered")

    def __init__(self, *args, woman: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not woman:
            for name in self.WOMEN_ONLY:
                del self.fields[name]

    @classmethod
    def initial_from(cls, plan: SentencePlan) -> dict:
        initial = {
            name: getattr(plan, name)
            for name in ("strengths", "involvement", "involvement_details", "diversity_needs", "barriers_to_engagement")
        }
        for name in cls.WOMEN_ONLY:
            initial[name] = yes_no_initial(getattr(plan, name))
        return initial


class ObjectiveForm(forms.Form):
    need_area = forms.ChoiceField(
        label="Need area",
        choices=[("", "Choose a need area"), *NeedArea.choices],
        error_messages={
            "required": "Choose the need area the objective addresses",
            "invalid_choice": "Choose a need area from the list",
        },
    )
    description = _text("What will change", required=True, message="Enter what will change")
    actions = _text("How: the steps and interventions (optional)")
    who_delivers = forms.CharField(
        label="Who will do it",
        max_length=200,
        help_text="For example the responsible officer, a drug service or the person themselves",
        error_messages={
            "required": "Enter who will do it",
            "max_length": "Who will do it must be 200 characters or fewer",
        },
    )
    target_date = GovukDateField(name="Target date", label="Target date", help_text="For example, 27 3 2027")

    @classmethod
    def initial_from(cls, objective: PlanObjective) -> dict:
        return {name: getattr(objective, name) for name in cls.base_fields}


class PlanCompleteForm(forms.Form):
    completed_on = GovukDateField(
        name="Completion date", label="Date the plan was completed", help_text="For example, 27 3 2026"
    )


class PlanReviewForm(forms.Form):
    """A review: date, summary, whether the person took part, and a status and notes for each objective."""

    reviewed_on = GovukDateField(name="Review date", label="Date of the review", help_text="For example, 27 3 2026")
    summary = _text("Summary of the review", required=True, message="Enter a summary of the review")
    person_involved = _yes_no_field(
        "Did the person take part in the review?",
        required=True,
        message="Say whether the person took part in the review",
    )

    def __init__(self, *args, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives = list(objectives)
        for objective in self.objectives:
            self.fields[progress_field(objective.pk)] = forms.ChoiceField(
                label="Progress",
                choices=[("", "Choose progress"), *PlanObjective.Status.choices],
                error_messages={
                    "required": f"Choose the progress on “{objective.description[:60]}”",
                    "invalid_choice": "Choose progress from the list",
                },
            )
            self.fields[f"notes_{objective.pk}"] = _text("Notes (optional)")
            self.initial.setdefault(progress_field(objective.pk), objective.status)

    def objective_rows(self):
        """Each objective with its two fields, for the template."""
        return [
            (objective, self[progress_field(objective.pk)], self[f"notes_{objective.pk}"])
            for objective in self.objectives
        ]

    def progress(self) -> dict:
        return {
            objective.pk: {
                "status": self.cleaned_data[progress_field(objective.pk)],
                "notes": self.cleaned_data[f"notes_{objective.pk}"],
            }
            for objective in self.objectives
        }


class CustodyScreeningForm(forms.Form):
    screened_on = GovukDateField(
        name="Screening date",
        label="Date the basic custody screening was completed",
        help_text="For example, 27 3 2026",
    )
    screening_needs = _text(
        "Needs found at screening",
        required=True,
        message="Enter the needs found at screening",
        help_text="Accommodation, money and debt, work, health, substance misuse, family",
    )


class ResettlementPlanCompleteForm(forms.Form):
    completed_on = GovukDateField(
        name="Completion date", label="Date the plan was completed", help_text="For example, 27 3 2026"
    )
    accommodation_on_release = forms.ChoiceField(
        label="Where will the person sleep on the night of release?",
        choices=ResettlementPlan.Accommodation.choices,
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose where the person will sleep on the night of release",
            "invalid_choice": "Choose where the person will sleep on the night of release",
        },
    )
    accommodation_details = _text(
        "Accommodation details", help_text="Required if they have nowhere to stay yet: what is being done"
    )
    money_on_release = _text(
        "Money for basic needs on release",
        required=True,
        message="Enter how the person will have enough money for basic needs on release",
        help_text="For example a benefit claim started, a bank account opened, a discharge grant",
    )
    links_to_services = _text(
        "Links to services",
        required=True,
        message="Enter the services the person will be linked to on release",
        help_text="Substance misuse, mental health and others: who, and the first appointment",
    )
    other_actions = _text("Other actions (optional)")
