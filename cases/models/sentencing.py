"""Sentences (orders and out-of-court disposals) and their requirements (shared/DOMAIN.md section 3).

End dates are computed by cases.services.sentencing from the disposal's rules; the database holds the ranges
that are true of every disposal (lengths, hours, days) and the order of dates.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from cases.models.court import CourtAppearance
from cases.models.people import Case


class Disposal(models.TextChoices):
    # Adults (18 and over at sentence)
    COMMUNITY_ORDER = "community_order", "Community order"
    SUSPENDED_SENTENCE_ORDER = "suspended_sentence_order", "Suspended sentence order"
    CUSTODY = "custody", "Custody"
    # Children (10 to 17 at sentence)
    COMMUNITY_RESOLUTION = "community_resolution", "Community resolution"
    YOUTH_CAUTION = "youth_caution", "Youth caution"
    YOUTH_CONDITIONAL_CAUTION = "youth_conditional_caution", "Youth conditional caution"
    REFERRAL_ORDER = "referral_order", "Referral order"
    YOUTH_REHABILITATION_ORDER = "youth_rehabilitation_order", "Youth rehabilitation order"
    DETENTION_AND_TRAINING_ORDER = "detention_and_training_order", "Detention and training order"


ADULT_DISPOSALS = (Disposal.COMMUNITY_ORDER, Disposal.SUSPENDED_SENTENCE_ORDER, Disposal.CUSTODY)
YOUTH_DISPOSALS = (
    Disposal.COMMUNITY_RESOLUTION,
    Disposal.YOUTH_CAUTION,
    Disposal.YOUTH_CONDITIONAL_CAUTION,
    Disposal.REFERRAL_ORDER,
    Disposal.YOUTH_REHABILITATION_ORDER,
    Disposal.DETENTION_AND_TRAINING_ORDER,
)
OUT_OF_COURT_DISPOSALS = (Disposal.COMMUNITY_RESOLUTION, Disposal.YOUTH_CAUTION, Disposal.YOUTH_CONDITIONAL_CAUTION)
CUSTODIAL_DISPOSALS = (Disposal.CUSTODY, Disposal.DETENTION_AND_TRAINING_ORDER)
# Orders served in the community: the first appointment after allocation is measured (NPS SL003R / CRC SL001).
COMMUNITY_DISPOSALS = (
    Disposal.COMMUNITY_ORDER,
    Disposal.SUSPENDED_SENTENCE_ORDER,
    Disposal.REFERRAL_ORDER,
    Disposal.YOUTH_REHABILITATION_ORDER,
)
# Orders that can carry requirements.
DISPOSALS_WITH_REQUIREMENTS = (
    Disposal.COMMUNITY_ORDER,
    Disposal.SUSPENDED_SENTENCE_ORDER,
    Disposal.YOUTH_REHABILITATION_ORDER,
)


# The longest determinate custodial term recorded (40 years); orders in the community run at most 36 months.
MAXIMUM_CUSTODIAL_TERM_MONTHS = 480


class Sentence(models.Model):
    """The court's sentence (or an out-of-court disposal) that a case supervises.

    `end_date` is when supervision under it ends: the order's end, or for custody the later of licence end
    and post-sentence supervision end. It is empty only for a referral order whose contract is not yet
    signed (the order runs from the signing of the contract at the first panel meeting).
    """

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        COMPLETED = "completed", "Completed"
        REVOKED = "revoked", "Revoked"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sentences")
    court_appearance = models.ForeignKey(
        CourtAppearance, on_delete=models.PROTECT, related_name="sentences", null=True, blank=True
    )
    disposal = models.CharField(max_length=40, choices=Disposal.choices)
    sentence_date = models.DateField()
    length_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Length of the order, supervision period or custodial term in months."
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    # Suspended sentence orders: the custodial term that is suspended.
    suspended_custodial_term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # Custody and detention and training orders
    expected_release_date = models.DateField(null=True, blank=True)
    released_on = models.DateField(null=True, blank=True)
    licence_end_date = models.DateField(null=True, blank=True)
    post_sentence_supervision_end_date = models.DateField(null=True, blank=True)
    # Youth conditional caution: conditions to be completed within 3 months.
    conditions = models.TextField(blank=True)
    conditions_complete_by = models.DateField(null=True, blank=True)
    # Referral order: runs from the signing of the contract at a youth offender panel.
    contract_signed_on = models.DateField(null=True, blank=True)
    # Youth rehabilitation order with intensive supervision and surveillance.
    intensive_supervision_and_surveillance = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sentence_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disposal__in=[choice.value for choice in Disposal]), name="sentence_disposal_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["current", "completed", "revoked"]), name="sentence_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(length_months__isnull=True)
                | Q(length_months__gte=1, length_months__lte=36)
                | Q(disposal="custody", length_months__gte=1, length_months__lte=MAXIMUM_CUSTODIAL_TERM_MONTHS),
                name="sentence_length_in_range",
                violation_error_message=(
                    "An order or supervision period is between 1 and 36 months; a custodial term between 1 and "
                    f"{MAXIMUM_CUSTODIAL_TERM_MONTHS} months."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="sentence_end_not_before_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(start_date__gte=F("sentence_date")),
                name="sentence_start_not_before_sentence",
                violation_error_message="An order cannot start before the day of sentence.",
            ),
            models.CheckConstraint(
                condition=Q(released_on__isnull=True) | Q(released_on__gte=F("sentence_date")),
                name="sentence_release_not_before_sentence",
                violation_error_message="Release cannot be before the day of sentence.",
            ),
            models.CheckConstraint(
                condition=Q(released_on__isnull=True) | Q(disposal__in=["custody", "detention_and_training_order"]),
                name="sentence_release_only_custodial",
                violation_error_message="Only a custodial sentence has a release date.",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="current"),
                name="sentence_one_current_per_case",
                violation_error_message="This case already has a current sentence.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_disposal_display()} ({self.sentence_date:%d %B %Y})"

    @property
    def is_custodial(self) -> bool:
        return self.disposal in CUSTODIAL_DISPOSALS

    @property
    def is_youth(self) -> bool:
        return self.disposal in YOUTH_DISPOSALS


class RequirementType(models.Model):
    """Reference data for requirements of an order (seeded by migration; switch off, never delete).

    `measure` says what the court sets: days (RAR maximum days), hours (unpaid work), sessions (accredited
    programme) or nothing. Flags drive later behaviour (RAR day counting, unpaid work hours).
    """

    class Measure(models.TextChoices):
        DAYS = "days", "Days"
        HOURS = "hours", "Hours"
        SESSIONS = "sessions", "Sessions"
        NONE = "none", "Nothing to count"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    measure = models.CharField(max_length=20, choices=Measure.choices, default=Measure.NONE)
    counts_as_rar = models.BooleanField(
        "Counts as a rehabilitation activity requirement",
        default=False,
        help_text="Any activity on a day counts as one RAR day, however short.",
    )
    is_unpaid_work = models.BooleanField(default=False)
    is_accredited_programme = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(measure__in=["days", "hours", "sessions", "none"]), name="requirement_type_measure_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TerminationReason(models.TextChoices):
    """Why a requirement ended without being completed positively."""

    REVOKED = "revoked", "Order revoked by the court"
    BREACHED = "breached", "Breached and re-sentenced"
    AMENDED = "amended", "Removed when the court amended the order"
    TIME_EXPIRED = "time_expired", "Order ended before it was completed"
    UNSUITABLE = "unsuitable", "Found unsuitable (no alternative in the order)"
    DIED = "died", "The person died"
    OTHER = "other", "Other"


class Requirement(models.Model):
    """One requirement the court attached to an order."""

    TerminationReason = TerminationReason

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        TERMINATED = "terminated", "Terminated"

    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="requirements")
    requirement_type = models.ForeignKey(RequirementType, on_delete=models.PROTECT, related_name="requirements")
    maximum_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Rehabilitation activity requirement: the most days the court allows."
    )
    hours = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Unpaid work: hours ordered.")
    programme_name = models.CharField(max_length=150, blank=True)
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    details = models.TextField(
        blank=True, help_text="Conditions in the court's words: curfew hours, exclusion zone, residence, treatment."
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # Progress, kept by the interventions services from their own rows (recounted on every change), so that
    # the database itself refuses more days or hours than the court ordered.
    rar_days_delivered = models.PositiveSmallIntegerField(
        "RAR days delivered",
        default=0,
        help_text="Calendar days with at least one attended, complied rehabilitation activity.",
    )
    last_rar_activity_on = models.DateField(null=True, blank=True)
    unpaid_work_minutes_credited = models.PositiveIntegerField(default=0)
    # Outcome, recorded when the requirement ends (CRC SL010: unpaid work completed positively).
    ended_on = models.DateField(null=True, blank=True)
    completed_positively = models.BooleanField(null=True, blank=True)
    termination_reason = models.CharField(max_length=30, choices=TerminationReason.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "completed", "terminated"]), name="requirement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(maximum_days__isnull=False, rar_days_delivered__lte=F("maximum_days"))
                | Q(maximum_days__isnull=True, rar_days_delivered=0),
                name="requirement_rar_days_within_maximum",
                violation_error_message="The rehabilitation activity days delivered cannot exceed the court's maximum.",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=False, unpaid_work_minutes_credited__lte=F("hours") * 60)
                | Q(hours__isnull=True, unpaid_work_minutes_credited=0),
                name="requirement_unpaid_work_within_hours",
                violation_error_message="The unpaid work hours credited cannot exceed the hours ordered.",
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_on__isnull=True, completed_positively__isnull=True)
                | (
                    Q(status="completed", ended_on__isnull=False, completed_positively=True)
                    & (Q(hours__isnull=True) | Q(unpaid_work_minutes_credited=F("hours") * 60))
                )
                | (
                    Q(status="terminated", ended_on__isnull=False, completed_positively=False)
                    & ~Q(termination_reason="")
                ),
                name="requirement_outcome_matches_status",
                violation_error_message=(
                    "An ended requirement has its end date and outcome; it is completed positively only when "
                    "every hour of unpaid work is done, and a requirement ended otherwise needs a reason."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start_date")),
                name="requirement_ended_not_before_start",
                violation_error_message="A requirement cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(maximum_days__isnull=True) | Q(maximum_days__gte=1, maximum_days__lte=365),
                name="requirement_days_in_range",
                violation_error_message="A rehabilitation activity requirement is between 1 and 365 days.",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=40, hours__lte=300),
                name="requirement_hours_in_range",
                violation_error_message="Unpaid work is between 40 and 300 hours (240 for under-18s).",
            ),
            models.CheckConstraint(
                condition=Q(sessions__isnull=True) | Q(sessions__gte=1, sessions__lte=200),
                name="requirement_sessions_in_range",
                violation_error_message="A programme has between 1 and 200 sessions.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="requirement_end_not_before_start",
                violation_error_message="A requirement cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.requirement_type)


class ReferralPanelMeeting(models.Model):
    """A youth offender panel meeting under a referral order (initial, progress or final)."""

    class MeetingType(models.TextChoices):
        INITIAL = "initial", "Initial panel (contract agreed)"
        PROGRESS = "progress", "Progress panel"
        FINAL = "final", "Final panel"

    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="panel_meetings")
    meeting_type = models.CharField(max_length=20, choices=MeetingType.choices)
    meeting_date = models.DateField()
    contract_signed = models.BooleanField(default=False)
    attendees = models.TextField(blank=True, help_text="Panel members, the child, parents or carers, victim.")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting_type__in=["initial", "progress", "final"]), name="panel_meeting_type_valid"
            ),
            models.CheckConstraint(
                condition=~Q(contract_signed=True) | Q(meeting_type="initial"),
                name="panel_contract_signed_at_initial",
                violation_error_message="The contract is signed at the initial panel meeting.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_meeting_type_display()} on {self.meeting_date:%d %B %Y}"
