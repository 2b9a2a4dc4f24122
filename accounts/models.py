"""Organisations and staff: regions, providers (NPS divisions, CRCs, YOTs), teams, courts, users."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Region(models.Model):
    """A geographical region (e.g. "North West"), used to group providers and courts."""

    name = models.CharField(max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """An organisation that supervises people: an NPS division, a CRC or a Youth Offending Team."""

    class ProviderType(models.TextChoices):
        NPS_DIVISION = "nps_division", "National Probation Service division"
        CRC = "crc", "Community Rehabilitation Company"
        YOT = "yot", "Youth Offending Team"

    name = models.CharField(max_length=150, unique=True)
    code = models.CharField(max_length=10, unique=True, help_text="Short code, e.g. N01 or C05.")
    provider_type = models.CharField(max_length=20, choices=ProviderType.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="providers")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider_type__in=["nps_division", "crc", "yot"]),
                name="provider_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_youth(self) -> bool:
        return self.provider_type == self.ProviderType.YOT


class Team(models.Model):
    """A team of staff within one provider, overseen by a senior probation officer or team manager."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=150)
    code = models.CharField(max_length=12, unique=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="team_name_unique_in_provider"),
        ]

    def __str__(self) -> str:
        return self.name


class Court(models.Model):
    """A criminal court (reference data): where reports are delivered and breach packs are sent."""

    class CourtType(models.TextChoices):
        MAGISTRATES = "magistrates", "Magistrates' court"
        CROWN = "crown", "Crown Court"
        YOUTH = "youth", "Youth court"

    name = models.CharField(max_length=150, unique=True)
    code = models.CharField(max_length=10, unique=True)
    court_type = models.CharField(max_length=20, choices=CourtType.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="courts")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(court_type__in=["magistrates", "crown", "youth"]), name="court_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. Their role decides what they may see (see cases.selectors)."""

    class Role(models.TextChoices):
        RESPONSIBLE_OFFICER = "responsible_officer", "Responsible officer"
        MANAGER = "manager", "Senior probation officer or team manager"
        UNPAID_WORK_SUPERVISOR = "unpaid_work_supervisor", "Unpaid work supervisor"
        COURT_USER = "court_user", "Court user"
        ADMINISTRATOR = "administrator", "Administrator"

    # Roles that work within a team and must have one.
    TEAM_ROLES = (Role.RESPONSIBLE_OFFICER, Role.MANAGER, Role.UNPAID_WORK_SUPERVISOR)

    role = models.CharField(max_length=30, choices=Role.choices, default=Role.RESPONSIBLE_OFFICER)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    courts = models.ManyToManyField(
        Court, blank=True, related_name="court_users", help_text="Courts whose breach packs a court user receives."
    )
    senior_manager = models.BooleanField(
        default=False,
        help_text="A manager who is also a senior manager (head of service or deputy) countersigns recalls.",
    )
    history = HistoricalRecords(excluded_fields=["last_login", "password"], m2m_fields=[courts])

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    role__in=["responsible_officer", "manager", "unpaid_work_supervisor", "court_user", "administrator"]
                ),
                name="user_role_valid",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["responsible_officer", "manager", "unpaid_work_supervisor"])
                | Q(team__isnull=False),
                name="user_team_required_for_team_roles",
                violation_error_message=(
                    "Responsible officers, managers and unpaid work supervisors must belong to a team."
                ),
            ),
            models.CheckConstraint(
                condition=Q(is_superuser=False) | Q(role="administrator"),
                name="user_only_administrators_are_superusers",
                violation_error_message="Only an administrator can be a superuser.",
            ),
            models.CheckConstraint(
                condition=~Q(role="court_user") | Q(team__isnull=True),
                name="user_court_user_has_no_team",
                violation_error_message="A court user works for a court, not a probation team.",
            ),
            models.CheckConstraint(
                condition=Q(senior_manager=False) | Q(role="manager"),
                name="user_senior_manager_is_a_manager",
                violation_error_message="Only a manager can be a senior manager.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def provider(self) -> Provider | None:
        return self.team.provider if self.team_id else None

    @property
    def role_label(self) -> str:
        """The role as users in this provider call it: a YOT's responsible officer is a case manager."""
        if self.role == self.Role.RESPONSIBLE_OFFICER and self.team_id and self.team.provider.is_youth:
            return "Case manager"
        return self.get_role_display()

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR or self.is_superuser
