"""Accredited programmes: catalogue, referral, suitability, waiting list, groups, sessions, completion.

When a person is found unsuitable or does not complete, the requirement is still owed to the court: the case
shows "programme requirement outstanding: no alternative plan" until the officer records one.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import Provider
from cases.models import NeedArea, Requirement


class Programme(models.Model):
    """Reference data: an accredited programme (seeded by migration; switch off, never delete)."""

    class Delivery(models.TextChoices):
        GROUP = "group", "Group"
        ONE_TO_ONE = "one_to_one", "One-to-one"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    need_area = models.CharField(max_length=40, choices=NeedArea.choices)
    sessions = models.PositiveSmallIntegerField()
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.GROUP)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(sessions__gte=1, sessions__lte=200), name="programme_sessions_range"),
            models.CheckConstraint(condition=Q(delivery__in=["group", "one_to_one"]), name="programme_delivery_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeGroup(models.Model):
    """A run of a programme by a provider, starting on a date."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        CANCELLED = "cancelled", "Cancelled"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="groups")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="programme_groups")
    name = models.CharField(
        max_length=150, help_text="How staff refer to the group, for example 'TSP Tuesday evenings'."
    )
    start_date = models.DateField()
    location = models.CharField(max_length=200)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    capacity = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1, capacity__lte=20), name="programme_group_capacity"),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "running", "finished", "cancelled"]),
                name="programme_group_status_valid",
            ),
            models.UniqueConstraint(
                fields=["provider", "name"],
                name="programme_group_name_unique_in_provider",
                violation_error_message="This provider already has a group with that name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (starts {self.start_date:%-d %B %Y})"


class NonCompletionReason(models.TextChoices):
    DROPPED_OUT = "dropped_out", "Stopped attending"
    EXCLUDED = "excluded", "Removed from the group (behaviour)"
    BREACHED = "breached", "Order breached or revoked"
    MOVED_AWAY = "moved_away", "Moved away"
    HEALTH = "health", "Health"
    OTHER = "other", "Other"


class ProgrammeReferralStatus(models.TextChoices):
    REFERRED = "referred", "Referred: waiting for a suitability decision"
    WAITING = "waiting", "Suitable: waiting for a group"
    UNSUITABLE = "unsuitable", "Not suitable"
    ALLOCATED = "allocated", "Allocated to a group"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    NOT_COMPLETED = "not_completed", "Did not complete"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ProgrammeReferral(models.Model):
    """A person's way through a programme for an accredited programme requirement.

    referred -> suitable (waiting list) or unsuitable -> allocated to a group -> started -> completed or not
    completed; withdrawn at any open step. Only one open referral per requirement.
    """

    NonCompletionReason = NonCompletionReason

    Status = ProgrammeReferralStatus

    OPEN = (Status.REFERRED, Status.WAITING, Status.ALLOCATED, Status.STARTED)
    # A requirement still owed to the court after these, until an alternative plan is recorded.
    NEEDS_ALTERNATIVE = (Status.UNSUITABLE, Status.NOT_COMPLETED)

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="programme_referrals")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REFERRED)
    referred_on = models.DateField()
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    suitability_decided_on = models.DateField(null=True, blank=True)
    suitability_notes = models.TextField(blank=True, help_text="Why the person is, or is not, suitable.")
    group = models.ForeignKey(ProgrammeGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    allocated_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    non_completion_reason = models.CharField(max_length=20, choices=NonCompletionReason.choices, blank=True)
    non_completion_details = models.TextField(blank=True)
    alternative_plan = models.TextField(blank=True, help_text="How the requirement will be met instead.")
    alternative_plan_recorded_on = models.DateField(null=True, blank=True)
    alternative_plan_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["referred_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in ProgrammeReferralStatus]),
                name="programme_referral_status_valid",
            ),
            models.UniqueConstraint(
                fields=["requirement"],
                condition=Q(status__in=["referred", "waiting", "allocated", "started"]),
                name="programme_referral_one_open_per_requirement",
                violation_error_message="This requirement already has an open programme referral.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["referred", "withdrawn"]) | Q(suitability_decided_on__isnull=False),
                name="programme_referral_decided_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="unsuitable") | ~Q(suitability_notes=""),
                name="programme_referral_unsuitable_has_reason",
                violation_error_message="Say why the person is not suitable.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["allocated", "started", "completed"])
                | Q(group__isnull=False, allocated_on__isnull=False),
                name="programme_referral_allocated_has_group",
                violation_error_message="Choose the group.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["started", "completed"]) | Q(started_on__isnull=False),
                name="programme_referral_started_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["referred", "waiting", "allocated", "started"], ended_on__isnull=True)
                | (~Q(status__in=["referred", "waiting", "allocated", "started"]) & Q(ended_on__isnull=False)),
                name="programme_referral_closed_has_end_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_completed") | ~Q(non_completion_reason=""),
                name="programme_referral_not_completed_has_reason",
                violation_error_message="Say why the programme was not completed.",
            ),
            models.CheckConstraint(
                condition=Q(suitability_decided_on__isnull=True) | Q(suitability_decided_on__gte=F("referred_on")),
                name="programme_referral_decision_after_referral",
                violation_error_message="The suitability decision cannot be before the referral.",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(allocated_on__isnull=True)
                | Q(started_on__gte=F("allocated_on")),
                name="programme_referral_start_after_allocation",
                violation_error_message="The programme cannot start before the person was allocated to the group.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("referred_on")),
                name="programme_referral_end_after_referral",
                violation_error_message="A referral cannot end before it was made.",
            ),
            models.CheckConstraint(
                condition=(Q(alternative_plan="") & Q(alternative_plan_recorded_on__isnull=True))
                | (~Q(alternative_plan="") & Q(alternative_plan_recorded_on__isnull=False)),
                name="programme_referral_alternative_plan_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.get_status_display()}"


class ProgrammeSessionAttendance(models.Model):
    """One session of the programme for one person: attended or missed."""

    referral = models.ForeignKey(ProgrammeReferral, on_delete=models.PROTECT, related_name="session_attendances")
    session_number = models.PositiveSmallIntegerField()
    session_date = models.DateField()
    attended = models.BooleanField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["session_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "session_number"],
                name="programme_session_recorded_once",
                violation_error_message="This session is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(session_number__gte=1, session_number__lte=200), name="programme_session_number_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.session_number} on {self.session_date:%-d %B %Y}"
