"""Unpaid work: projects, sessions and who attended them (shared/DOMAIN.md section 3).

Credited minutes = (end - start) - penalty minutes, and only when the person attended. The database holds the
arithmetic on each attendance row; cases.Requirement.unpaid_work_minutes_credited (the recounted total) is
held under the hours ordered by a constraint there.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import Provider
from cases.models import Requirement

SESSION_CAPACITY_RANGE = (1, 30)


class ProjectType(models.TextChoices):
    GROUP_PLACEMENT = "group_placement", "Group placement"
    INDIVIDUAL_PLACEMENT = "individual_placement", "Individual placement"
    EXTERNALLY_SUPERVISED = "externally_supervised", "Externally supervised placement"
    INDUCTION = "induction", "Induction"
    EDUCATION_TRAINING = "education_training", "Education and training"


class UnpaidWorkProject(models.Model):
    """A place where unpaid work is done, run by the provider that delivers the work (a CRC or a YOT)."""

    ProjectType = ProjectType

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="unpaid_work_projects")
    name = models.CharField(max_length=150)
    project_type = models.CharField(max_length=30, choices=ProjectType.choices)
    location = models.CharField(max_length=200, help_text="Address or meeting point.")
    beneficiary = models.CharField(max_length=150, blank=True, help_text="Who benefits from the work.")
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project_type__in=[choice.value for choice in ProjectType]), name="project_type_valid"
            ),
            models.UniqueConstraint(
                fields=["provider", "name"],
                name="project_name_unique_in_provider",
                violation_error_message="This provider already has a project with that name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UnpaidWorkSession(models.Model):
    """One session of work on a project: a day, start and end times, a supervisor and places."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled by the service"

    project = models.ForeignKey(UnpaidWorkProject, on_delete=models.PROTECT, related_name="sessions")
    session_date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="supervised_sessions"
    )
    capacity = models.PositiveSmallIntegerField(help_text="How many people can work on the session.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["session_date", "start_time", "pk"]
        indexes = [models.Index(fields=["session_date", "supervisor"], name="session_date_supervisor_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="session_ends_after_start",
                violation_error_message="A session ends after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=SESSION_CAPACITY_RANGE[0], capacity__lte=SESSION_CAPACITY_RANGE[1]),
                name="session_capacity_in_range",
                violation_error_message="A session has between 1 and 30 places.",
            ),
            models.CheckConstraint(condition=Q(status__in=["scheduled", "cancelled"]), name="session_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_reason=""),
                name="session_cancelled_has_reason",
                violation_error_message="Say why the session was cancelled.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} on {self.session_date:%-d %B %Y}, {self.start_time:%H:%M} to {self.end_time:%H:%M}"

    @property
    def minutes(self) -> int:
        return (self.end_time.hour * 60 + self.end_time.minute) - (self.start_time.hour * 60 + self.start_time.minute)


class UnpaidWorkTransfer(models.Model):
    """An NPS case's unpaid work requirement passed to the CRC, which delivers all unpaid work (NPS SL007)."""

    requirement = models.OneToOneField(Requirement, on_delete=models.PROTECT, related_name="unpaid_work_transfer")
    from_provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    to_provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="unpaid_work_received")
    transferred_on = models.DateField()
    notes = models.TextField(blank=True)
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_provider=F("to_provider")),
                name="unpaid_work_transfer_between_providers",
                violation_error_message="The requirement must go to a different provider.",
            ),
        ]

    def __str__(self) -> str:
        return f"Unpaid work passed to {self.to_provider} on {self.transferred_on:%-d %B %Y}"


class Rating(models.TextChoices):
    EXCELLENT = "excellent", "Excellent"
    GOOD = "good", "Good"
    SATISFACTORY = "satisfactory", "Satisfactory"
    POOR = "poor", "Poor"
    UNACCEPTABLE = "unacceptable", "Unacceptable"


class AttendanceStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    SENT_HOME_BEHAVIOUR = "sent_home_behaviour", "Sent home (behaviour)"
    STOOD_DOWN = "stood_down", "Stood down or sent home by the service (not the person's fault)"
    ACCEPTABLE_ABSENCE = "acceptable_absence", "Acceptable absence"
    UNACCEPTABLE_ABSENCE = "unacceptable_absence", "Unacceptable absence"
    WITHDRAWN = "withdrawn", "Taken off the session before it started"


class UnpaidWorkAttendance(models.Model):
    """A person booked on a session, and what happened (the supervisor's register).

    `scheduled_minutes` is the session's length when the outcome was recorded. Only an attended person is
    credited, with the session's minutes less any penalty; every other outcome credits nothing. Stood down
    (or sent home because the work was not there) is the service's failure, never the person's.
    """

    Rating = Rating

    Status = AttendanceStatus

    OUTCOMES = (
        Status.ATTENDED,
        Status.SENT_HOME_BEHAVIOUR,
        Status.STOOD_DOWN,
        Status.ACCEPTABLE_ABSENCE,
        Status.UNACCEPTABLE_ABSENCE,
    )

    session = models.ForeignKey(UnpaidWorkSession, on_delete=models.PROTECT, related_name="attendances")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="unpaid_work_attendances")
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.BOOKED)
    is_education_training = models.BooleanField(
        default=False, help_text="On an education and training project (capped at a share of the hours)."
    )
    scheduled_minutes = models.PositiveSmallIntegerField()
    penalty_minutes = models.PositiveSmallIntegerField(default=0, help_text="Lateness or long breaks.")
    credited_minutes = models.PositiveSmallIntegerField(default=0)
    work_quality = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    behaviour = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    reason = models.TextField(blank=True, help_text="Why the person was sent home, stood down or absent.")
    notes = models.TextField(blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["session__session_date", "session__start_time", "pk"]
        indexes = [models.Index(fields=["requirement", "status"], name="attendance_requirement_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in AttendanceStatus]), name="attendance_status_valid"
            ),
            models.UniqueConstraint(
                fields=["session", "requirement"],
                condition=~Q(status="withdrawn"),
                name="attendance_once_per_session",
                violation_error_message="This person is already booked on this session.",
            ),
            models.CheckConstraint(
                condition=Q(penalty_minutes__lte=F("scheduled_minutes")),
                name="attendance_penalty_within_session",
                violation_error_message="Penalty minutes cannot be more than the length of the session.",
            ),
            models.CheckConstraint(
                condition=Q(status="attended", credited_minutes=F("scheduled_minutes") - F("penalty_minutes"))
                | (~Q(status="attended") & Q(credited_minutes=0, penalty_minutes=0)),
                name="attendance_credit_is_session_less_penalty",
                violation_error_message="Only an attended session is credited: its length less the penalty minutes.",
            ),
            models.CheckConstraint(
                condition=~Q(status="attended") | (~Q(work_quality="") & ~Q(behaviour="")),
                name="attendance_attended_is_rated",
                violation_error_message="Rate the work and the behaviour of someone who attended.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["attended", "booked", "withdrawn"]) | ~Q(reason=""),
                name="attendance_reason_for_other_outcomes",
                violation_error_message="Say why: sent home, stood down and absences need a reason.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["booked", "withdrawn"], outcome_recorded_at__isnull=True)
                | (~Q(status__in=["booked", "withdrawn"]) & Q(outcome_recorded_at__isnull=False)),
                name="attendance_outcome_has_recorded_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.session}"
