"""Sentence plans, their reviews, and resettlement plans for custody (shared/DOMAIN.md sections 5 and 7).

Clocks: NPS SL005R/006R and CRC SL003/004 (first contact -> sentence plan completed), CRC SL013 (basic custody
screening -> resettlement plan).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from cases.models.people import Case
from cases.models.sentencing import Sentence


class NeedArea(models.TextChoices):
    """The twelve need areas a plan's objectives address (the inspectorate's ASPIRE model)."""

    ACCOMMODATION = "accommodation", "Accommodation"
    EDUCATION_TRAINING_EMPLOYMENT = "education_training_employment", "Employment, training and education"
    FINANCE = "finance", "Financial management and income"
    RELATIONSHIPS = "relationships", "Relationships (including domestic abuse)"
    LIFESTYLE = "lifestyle", "Lifestyle and associates"
    GANG_MEMBERSHIP = "gang_membership", "Gang membership"
    DRUG_MISUSE = "drug_misuse", "Drug misuse"
    ALCOHOL_MISUSE = "alcohol_misuse", "Alcohol misuse"
    EMOTIONAL_WELLBEING = "emotional_wellbeing", "Emotional well-being"
    THINKING_AND_BEHAVIOUR = "thinking_and_behaviour", "Thinking and behaviour"
    ATTITUDES = "attitudes", "Attitudes to offending"
    DISCRIMINATORY_ATTITUDES = "discriminatory_attitudes", "Discriminatory attitudes"


class SentencePlan(models.Model):
    """The plan agreed with the person: objectives, strengths, involvement, diversity and barriers.

    A draft may be edited; completing it stops the sentence plan clock. A completed plan is changed only
    through reviews.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    class Involvement(models.TextChoices):
        YES = "yes", "Yes, meaningfully involved"
        WOULD_NOT_ENGAGE = "would_not_engage", "No, they would not engage despite effort"
        NOT_INVOLVED = "not_involved", "No, they were not involved"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sentence_plans")
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="sentence_plans")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    strengths = models.TextField("Strengths and protective factors", blank=True)
    involvement = models.CharField(
        "Was the person meaningfully involved?", max_length=30, choices=Involvement.choices, blank=True
    )
    involvement_details = models.TextField(blank=True)
    diversity_needs = models.TextField("Diversity needs", blank=True)
    barriers_to_engagement = models.TextField(blank=True)
    female_officer_offered = models.BooleanField(null=True, blank=True, help_text="Women only.")
    women_only_setting_offered = models.BooleanField(null=True, blank=True, help_text="Women only.")
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "completed"]), name="plan_status_valid"),
            models.CheckConstraint(
                condition=(Q(status="completed") & Q(completed_on__isnull=False) & ~Q(involvement=""))
                | (Q(status="draft") & Q(completed_on__isnull=True)),
                name="plan_completed_has_date_and_involvement",
                violation_error_message="A completed plan needs a completion date and whether the person was involved.",
            ),
            models.CheckConstraint(
                condition=Q(involvement="yes") | Q(involvement="") | ~Q(involvement_details=""),
                name="plan_not_involved_has_details",
                violation_error_message="Say why the person was not involved in their plan.",
            ),
            models.UniqueConstraint(
                fields=["sentence"],
                condition=Q(status="draft"),
                name="plan_one_draft_per_sentence",
                violation_error_message="This sentence already has a draft plan.",
            ),
        ]

    def __str__(self) -> str:
        return f"Sentence plan ({self.get_status_display().lower()})"


class PlanObjective(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"
        NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"

    plan = models.ForeignKey(SentencePlan, on_delete=models.PROTECT, related_name="objectives")
    need_area = models.CharField(max_length=40, choices=NeedArea.choices)
    description = models.TextField("What will change")
    actions = models.TextField("How: the steps and interventions", blank=True)
    who_delivers = models.CharField("Who will do it", max_length=200)
    target_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(need_area__in=[choice.value for choice in NeedArea]), name="objective_need_area_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "in_progress", "achieved", "not_achieved", "no_longer_needed"]),
                name="objective_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_need_area_display()}: {self.description[:60]}"


class PlanReview(models.Model):
    """A review of a completed plan: when, why, and progress against each objective."""

    plan = models.ForeignKey(SentencePlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    summary = models.TextField()
    person_involved = models.BooleanField("The person took part in the review")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"Review on {self.reviewed_on:%d %B %Y}"


class ObjectiveProgress(models.Model):
    plan_review = models.ForeignKey(PlanReview, on_delete=models.PROTECT, related_name="progress")
    objective = models.ForeignKey(PlanObjective, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=20, choices=PlanObjective.Status.choices)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan_review", "objective"], name="progress_one_per_objective_per_review")
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.objective}"


class ResettlementPlan(models.Model):
    """Through the Gate: screening in custody, then a plan for release (CRC SL013: within 5 days of screening).

    The minimum on release is a safe place to sleep that night, enough money for basic needs, and live links
    to services (shared/DOMAIN.md section 7).
    """

    class Status(models.TextChoices):
        SCREENED = "screened", "Screening done, plan due"
        COMPLETED = "completed", "Plan completed"

    class Accommodation(models.TextChoices):
        SETTLED = "settled", "Settled accommodation"
        APPROVED_PREMISES = "approved_premises", "Approved premises"
        TEMPORARY = "temporary", "Temporary accommodation"
        NONE = "none", "Nowhere to stay yet"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="resettlement_plans")
    sentence = models.OneToOneField(Sentence, on_delete=models.PROTECT, related_name="resettlement_plan")
    screened_on = models.DateField("Basic custody screening completed on")
    screening_needs = models.TextField("Needs found at screening")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCREENED)
    accommodation_on_release = models.CharField(max_length=30, choices=Accommodation.choices, blank=True)
    accommodation_details = models.TextField(blank=True)
    money_on_release = models.TextField("Money for basic needs on release", blank=True)
    links_to_services = models.TextField("Links to services (substance misuse, mental health, others)", blank=True)
    other_actions = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-screened_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["screened", "completed"]), name="resettlement_status_valid"),
            models.CheckConstraint(
                condition=(Q(status="completed") & Q(completed_on__isnull=False) & ~Q(accommodation_on_release=""))
                | (Q(status="screened") & Q(completed_on__isnull=True)),
                name="resettlement_completed_has_date_and_accommodation",
                violation_error_message="A completed resettlement plan needs a date and the accommodation on release.",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("screened_on")),
                name="resettlement_completed_after_screening",
                violation_error_message="The plan cannot be completed before the screening.",
            ),
        ]

    def __str__(self) -> str:
        return f"Resettlement plan ({self.get_status_display().lower()})"
