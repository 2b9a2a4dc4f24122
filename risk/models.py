"""Risk: RoSH assessments, likelihood of reoffending, MAPPA, registrations (flags), risk reviews, and
children's safety and wellbeing, parents and carers. See shared/DOMAIN.md section 4.

Risk of serious harm (RoSH) levels are stored as numbers 1 to 4 so that the overall level can be held by
the database as the greatest of the four group levels.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models import Person, PreSentenceReport


class RiskLevel(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"
    VERY_HIGH = 4, "Very high"


# GOV.UK tag colours for each level, used by the templates.
RISK_LEVEL_TAG_COLOURS = {1: "green", 2: "yellow", 3: "orange", 4: "red"}
LEVEL_VALUES = [level.value for level in RiskLevel]


class RoshAssessment(models.Model):
    """A dated risk of serious harm assessment of one person.

    Drafts may be edited; once completed an assessment never changes. Completing one supersedes the
    person's previous completed assessment and closes their open risk reviews. The overall level is the
    highest of the four group levels (a database constraint).
    """

    class Kind(models.TextChoices):
        SCREENING = "screening", "Risk of serious harm screening at court"
        FULL = "full", "Full assessment after allocation"
        REVIEW = "review", "Review"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    class ReoffendingBand(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        VERY_HIGH = "very_high", "Very high"

    class ReoffendingTool(models.TextChoices):
        OGRS = "ogrs", "OGRS (Offender Group Reconviction Scale)"
        OGP = "ogp", "OGP (OASys General reoffending Predictor)"
        OVP = "ovp", "OVP (OASys Violence Predictor)"
        ASSET_PLUS = "asset_plus", "AssetPlus (youth)"
        OTHER = "other", "Other tool"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="rosh_assessments")
    pre_sentence_report = models.ForeignKey(
        PreSentenceReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_screenings",
        help_text="The pre-sentence report this risk of serious harm screening was done for.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    assessment_date = models.DateField(help_text="The day the assessment was carried out.")

    risk_to_public = models.PositiveSmallIntegerField(
        "Risk to the public", choices=RiskLevel.choices, null=True, blank=True
    )
    risk_to_known_adults = models.PositiveSmallIntegerField(
        "Risk to known adults", choices=RiskLevel.choices, null=True, blank=True
    )
    risk_to_children = models.PositiveSmallIntegerField(
        "Risk to children", choices=RiskLevel.choices, null=True, blank=True
    )
    risk_to_staff = models.PositiveSmallIntegerField("Risk to staff", choices=RiskLevel.choices, null=True, blank=True)
    overall_level = models.PositiveSmallIntegerField(
        "Overall risk of serious harm", choices=RiskLevel.choices, null=True, editable=False
    )

    who_is_at_risk = models.TextField("Who is at risk", blank=True)
    nature_of_risk = models.TextField("What is the nature of the risk", blank=True)
    circumstances_increasing_risk = models.TextField("Circumstances that would increase the risk", blank=True)
    plan_supervision = models.TextField("Risk management plan: supervision", blank=True)
    plan_interventions = models.TextField("Risk management plan: interventions and treatment", blank=True)
    plan_restrictions = models.TextField("Risk management plan: restrictions", blank=True)
    plan_victim_safety = models.TextField("Risk management plan: victim safety planning", blank=True)
    plan_contingency = models.TextField("Risk management plan: contingency", blank=True)

    reoffending_tool = models.CharField(
        "Likelihood of reoffending: tool", max_length=20, choices=ReoffendingTool.choices, blank=True
    )
    reoffending_score = models.DecimalField(
        "Likelihood of reoffending: score (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    reoffending_band = models.CharField(
        "Likelihood of reoffending: band", max_length=20, choices=ReoffendingBand.choices, blank=True
    )

    # Children (YOT cases): safety and wellbeing, alongside risk of serious harm to others.
    safety_and_wellbeing_level = models.PositiveSmallIntegerField(
        "Safety and wellbeing", choices=RiskLevel.choices, null=True, blank=True
    )
    safety_and_wellbeing_reasons = models.TextField("Reasons for the safety and wellbeing level", blank=True)
    safeguarding_plan = models.TextField("Safeguarding plan", blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rosh_assessments_started"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rosh_assessments_completed",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessment_date", "-pk"]
        indexes = [models.Index(fields=["person", "status", "-assessment_date"], name="rosh_person_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["screening", "full", "review"]), name="rosh_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=["draft", "completed"]), name="rosh_status_valid"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": LEVEL_VALUES}),
                    name=f"rosh_{field}_valid",
                )
                for field in (
                    "risk_to_public",
                    "risk_to_known_adults",
                    "risk_to_children",
                    "risk_to_staff",
                    "safety_and_wellbeing_level",
                )
            ],
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(
                    risk_to_public__isnull=False,
                    risk_to_known_adults__isnull=False,
                    risk_to_children__isnull=False,
                    risk_to_staff__isnull=False,
                    completed_by__isnull=False,
                    completed_at__isnull=False,
                    overall_level=Greatest(
                        F("risk_to_public"), F("risk_to_known_adults"), F("risk_to_children"), F("risk_to_staff")
                    ),
                ),
                name="rosh_completed_has_every_level_and_overall_is_highest",
                violation_error_message="A completed assessment needs a level for every group.",
            ),
            models.CheckConstraint(
                condition=Q(status="completed") | Q(superseded_by__isnull=True),
                name="rosh_only_completed_is_superseded",
            ),
            models.CheckConstraint(
                condition=Q(reoffending_score__isnull=True) | Q(reoffending_score__gte=0, reoffending_score__lte=100),
                name="rosh_reoffending_score_is_a_percentage",
                violation_error_message="The likelihood of reoffending score is a percentage from 0 to 100.",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="completed", superseded_by__isnull=True),
                name="rosh_one_current_per_person",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="draft"),
                name="rosh_one_draft_per_person",
                violation_error_message="This person already has a draft assessment: finish or continue that one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.person_id} on {self.assessment_date}"

    # Once completed, only the link to the assessment that supersedes it may still be set.
    MUTABLE_WHEN_COMPLETED = frozenset({"superseded_by"})

    def save(self, *args, **kwargs):
        """Refuse any change to a completed assessment, whichever code path tries it."""
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None and stored.is_completed:
                changed = [
                    field.attname
                    for field in self._meta.concrete_fields
                    if field.name not in self.MUTABLE_WHEN_COMPLETED
                    and getattr(stored, field.attname) != getattr(self, field.attname)
                ]
                if changed:
                    raise ValidationError(
                        "This assessment was completed and cannot be changed. Start a new assessment instead."
                    )
        super().save(*args, **kwargs)

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def levels(self) -> list[tuple[str, int | None]]:
        return [
            ("Public", self.risk_to_public),
            ("Known adults", self.risk_to_known_adults),
            ("Children", self.risk_to_children),
            ("Staff", self.risk_to_staff),
        ]


class MappaRegistration(models.Model):
    """Multi-agency public protection arrangements (MAPPA): category and level, with review dates."""

    class Category(models.IntegerChoices):
        REGISTERED_SEXUAL_OFFENDER = 1, "Category 1: registered sexual offender"
        VIOLENT = 2, "Category 2: violent offender"
        OTHER_DANGEROUS = 3, "Category 3: other dangerous offender"
        TERRORISM = 4, "Category 4: terrorism-related offender"

    class Level(models.IntegerChoices):
        ORDINARY = 1, "Level 1: ordinary agency management"
        MULTI_AGENCY = 2, "Level 2: multi-agency management"
        SENIOR_MULTI_AGENCY = 3, "Level 3: senior multi-agency management"

    class LeadAgency(models.TextChoices):
        PROBATION = "probation", "Probation"
        POLICE = "police", "Police"
        PRISON = "prison", "Prison service"
        YOUTH_OFFENDING_TEAM = "yot", "Youth Offending Team"
        HEALTH = "health", "Health (mental health services)"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mappa_registrations")
    category = models.PositiveSmallIntegerField(choices=Category.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    lead_agency = models.CharField(max_length=20, choices=LeadAgency.choices)
    start_date = models.DateField()
    next_review_date = models.DateField()
    notes = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=[1, 2, 3, 4]),
                name="mappa_category_valid",
                violation_error_message="Choose a MAPPA category from 1 to 4.",
            ),
            models.CheckConstraint(
                condition=Q(level__in=[1, 2, 3]),
                name="mappa_level_valid",
                violation_error_message="Choose a MAPPA level from 1 to 3.",
            ),
            models.CheckConstraint(
                condition=Q(lead_agency__in=["probation", "police", "prison", "yot", "health"]),
                name="mappa_lead_agency_valid",
            ),
            models.CheckConstraint(
                condition=Q(next_review_date__gte=F("start_date")),
                name="mappa_review_not_before_start",
                violation_error_message="The next review date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, ended_by__isnull=True, end_reason="")
                | (Q(end_date__isnull=False, ended_by__isnull=False) & ~Q(end_reason="")),
                name="mappa_ended_with_date_reason_and_who",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="mappa_end_not_before_start",
                violation_error_message="The end date must be on or after the start date.",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end_date__isnull=True),
                name="mappa_one_open_per_person",
                violation_error_message="This person already has an open MAPPA registration: end it first.",
            ),
        ]

    def __str__(self) -> str:
        return f"MAPPA category {self.category} level {self.level}"

    @property
    def short_label(self) -> str:
        return f"MAPPA category {self.category}, level {self.level}"

    @property
    def is_review_overdue(self) -> bool:
        """Open and past its next review date (a risk gap)."""
        return self.end_date is None and self.next_review_date < timezone.localdate()


class RegistrationType(models.Model):
    """Reference data: a kind of registration (flag), seeded by migration. Never deleted; switched off."""

    class Colour(models.TextChoices):
        RED = "red", "Red"
        ORANGE = "orange", "Orange"
        PURPLE = "purple", "Purple"
        PINK = "pink", "Pink"
        BLUE = "blue", "Blue"
        YELLOW = "yellow", "Yellow"
        GREY = "grey", "Grey"

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    colour = models.CharField(max_length=10, choices=Colour.choices, default=Colour.RED)
    default_review_months = models.PositiveSmallIntegerField(default=6)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_review_months__gte=1, default_review_months__lte=24),
                name="registration_type_review_months_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Registration(models.Model):
    """A flag on a person (e.g. domestic abuse perpetrator). Deregistered with a reason, never deleted."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    registration_type = models.ForeignKey(RegistrationType, on_delete=models.PROTECT, related_name="registrations")
    start_date = models.DateField()
    review_frequency_months = models.PositiveSmallIntegerField()
    next_review_date = models.DateField()
    reason = models.TextField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deregistered_date = models.DateField(null=True, blank=True)
    deregistration_reason = models.TextField(blank=True)
    deregistered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["person", "deregistered_date"], name="registration_person_open_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="registration_reason_required"),
            models.CheckConstraint(
                condition=Q(review_frequency_months__gte=1, review_frequency_months__lte=24),
                name="registration_review_frequency_range",
                violation_error_message="Review every 1 to 24 months.",
            ),
            models.CheckConstraint(
                condition=Q(next_review_date__gte=F("start_date")),
                name="registration_review_not_before_start",
                violation_error_message="The next review date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(deregistered_date__isnull=True, deregistered_by__isnull=True, deregistration_reason="")
                | (Q(deregistered_date__isnull=False, deregistered_by__isnull=False) & ~Q(deregistration_reason="")),
                name="registration_deregistered_with_date_reason_and_who",
            ),
            models.CheckConstraint(
                condition=Q(deregistered_date__isnull=True) | Q(deregistered_date__gte=F("start_date")),
                name="registration_deregistered_not_before_start",
                violation_error_message="The deregistration date must be on or after the start date.",
            ),
            models.UniqueConstraint(
                fields=["person", "registration_type"],
                condition=Q(deregistered_date__isnull=True),
                name="registration_one_open_per_type",
                violation_error_message="This person already has this registration.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_type} ({self.person_id})"

    @property
    def is_open(self) -> bool:
        return self.deregistered_date is None

    @property
    def is_review_overdue(self) -> bool:
        """Open and past its next review date (a risk gap)."""
        return self.is_open and self.next_review_date < timezone.localdate()


class RiskReview(models.Model):
    """A "risk review due" item, opened by a change of circumstances and closed by a completed assessment."""

    class Change(models.TextChoices):
        NEW_ADDRESS = "new_address", "New address"
        NEW_PARTNER_OR_HOUSEHOLD = "new_partner", "New partner or household member with children"
        ARREST_OR_NEW_OFFENCE = "arrest", "Arrest or new offence"
        LOSS_OF_ACCOMMODATION = "loss_of_accommodation", "Loss of accommodation"
        LOSS_OF_EMPLOYMENT = "loss_of_employment", "Loss of employment"
        RELAPSE = "relapse", "Relapse (drugs or alcohol)"
        NEW_REGISTRATION = "new_registration", "New registration (flag)"
        OTHER = "other", "Other change"

    class Status(models.TextChoices):
        OPEN = "open", "Review due"
        CLOSED = "closed", "Reviewed"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_reviews")
    change = models.CharField("What changed", max_length=30, choices=Change.choices)
    description = models.TextField("What happened")
    occurred_on = models.DateField("When it happened")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_by_assessment = models.ForeignKey(
        RoshAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="closed_reviews"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="risk_reviews"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["person", "status"], name="risk_review_person_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "closed"]), name="risk_review_status_valid"),
            models.CheckConstraint(condition=~Q(description=""), name="risk_review_description_required"),
            models.CheckConstraint(
                condition=Q(status="open", closed_by_assessment__isnull=True)
                | Q(status="closed", closed_by_assessment__isnull=False),
                name="risk_review_closed_by_an_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_change_display()} ({self.get_status_display()})"


class ParentOrCarer(models.Model):
    """A child's parent or carer (YOT cases), with how involved they are in the child's supervision."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        GRANDPARENT = "grandparent", "Grandparent"
        FOSTER_CARER = "foster_carer", "Foster carer"
        LOCAL_AUTHORITY = "local_authority", "Local authority (corporate parent)"
        OTHER_RELATIVE = "other_relative", "Other relative"
        OTHER = "other", "Other"

    class Involvement(models.TextChoices):
        ACTIVELY_INVOLVED = "active", "Actively involved"
        SOME_INVOLVEMENT = "some", "Some involvement"
        NOT_ENGAGING = "not_engaging", "Not engaging despite efforts"
        NOT_APPROPRIATE = "not_appropriate", "Involvement not appropriate"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parents_and_carers")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    has_parental_responsibility = models.BooleanField(default=False)
    involvement = models.CharField(max_length=30, choices=Involvement.choices)
    telephone = models.CharField(max_length=30, blank=True)
    notes = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "parent or carer"
        verbose_name_plural = "parents and carers"
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="parent_or_carer_name_required"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"
