"""Who may oversee what, and the period a figure covers.

Oversight is for managers (docs/decisions/0010): a manager oversees their own team; a senior manager (head of
service) or an administrator with a team may choose any active team of their provider. Figures can also be read
for the whole provider and for the region it belongs to: those are counts only, and the cases behind them are
listed only where the manager may see them (cases.selectors.cases_visible_to). Responsible officers, unpaid work
supervisors and court users have no oversight pages.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from accounts.models import Provider, Region, Team, User


def can_oversee(user: User) -> bool:
    """Managers, and administrators who belong to a team (they act as that provider's manager)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.team_id
        and (user.role == User.Role.MANAGER or user.role == User.Role.ADMINISTRATOR)
    )


def require_oversight(user: User) -> None:
    if not can_oversee(user):
        raise PermissionDenied("Only managers can see oversight of a team.")


def can_choose_any_team(user: User) -> bool:
    return user.senior_manager or user.role == User.Role.ADMINISTRATOR


def teams_for(user: User) -> list[Team]:
    """The teams the user may oversee: their own, or (senior managers, administrators) every active team of their
    provider, by name."""
    if not can_oversee(user):
        return []
    if can_choose_any_team(user):
        return list(
            Team.objects.filter(provider_id=user.team.provider_id, active=True)
            .select_related("provider")
            .order_by("name")
        )
    return [user.team]


@dataclass(frozen=True)
class Scope:
    """The cases a figure covers: those held now by one team, one provider, or the providers of one region."""

    kind: str  # "team", "provider" or "region"
    team: Team | None = None
    provider: Provider | None = None
    region: Region | None = None

    @property
    def name(self) -> str:
        return str(self.team or self.provider or self.region)

    @property
    def subject_id(self) -> int:
        return (self.team or self.provider or self.region).pk

    @property
    def label(self) -> str:
        return {"team": "Team", "provider": "Provider", "region": "Region"}[self.kind] + f": {self.name}"

    def cases(self, prefix: str = "") -> Q:
        """A filter on cases (or, with `prefix` such as "case__", on rows that point to a case)."""
        if self.kind == "team":
            return Q(**{f"{prefix}team_id": self.team.pk})
        if self.kind == "provider":
            return Q(**{f"{prefix}provider_id": self.provider.pk})
        return Q(**{f"{prefix}provider__region_id": self.region.pk})


SCOPE_KINDS = ("team", "provider", "region")


def scope_options(user: User) -> list[Scope]:
    """Every scope the user may choose: their teams, their provider, their region."""
    if not can_oversee(user):
        return []
    provider = user.team.provider
    return [
        *(Scope("team", team=team) for team in teams_for(user)),
        Scope("provider", provider=provider),
        Scope("region", region=provider.region),
    ]


def resolve_scope(user: User, kind: str | None, subject_id: str | int | None = None) -> Scope:
    """The scope asked for, or the user's own team when nothing is asked. A scope the user may not choose is
    refused with a field error ("scope")."""
    require_oversight(user)
    kind = (kind or "team").strip()
    if kind not in SCOPE_KINDS:
        raise ValidationError({"scope": "Choose a team, your provider or your region."})
    provider = user.team.provider
    if kind == "provider":
        return Scope("provider", provider=provider)
    if kind == "region":
        return Scope("region", region=provider.region)
    if subject_id in (None, ""):
        return Scope("team", team=user.team)
    try:
        team_id = int(subject_id)
    except (TypeError, ValueError):
        raise ValidationError({"team": "Choose a team from the list."}) from None
    for team in teams_for(user):
        if team.pk == team_id:
            return Scope("team", team=team)
    raise ValidationError({"team": "You can only see the teams you manage."})


def scope_provider_types(scope: Scope) -> list[str]:
    """The provider types the scope holds (decides which service levels apply)."""
    if scope.kind == "team":
        return [scope.team.provider.provider_type]
    if scope.kind == "provider":
        return [scope.provider.provider_type]
    return sorted(set(Provider.objects.filter(region=scope.region).values_list("provider_type", flat=True)))


# Periods -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        quarter = _quarter_of(self.start)
        if self.start == quarter[0] and self.end == quarter[1]:
            return f"{_quarter_name(self.start)} ({self.start:%-d %B %Y} to {self.end:%-d %B %Y})"
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m-%d}_{self.end:%Y-%m-%d}"


def _quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    next_start = date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return start, next_start - timedelta(days=1)


def _quarter_name(start: date) -> str:
    months = {1: "January to March", 4: "April to June", 7: "July to September", 10: "October to December"}
    return f"{months[start.month]} {start.year}"


def last_full_quarter(today: date | None = None) -> Period:
    """The last calendar quarter that has fully ended (the default period of compliance figures)."""
    today = today or timezone.localdate()
    this_start, _ = _quarter_of(today)
    start, end = _quarter_of(this_start - timedelta(days=1))
    return Period(start, end)


def recent_quarters(today: date | None = None, count: int = 8) -> list[Period]:
    """The last `count` full quarters, newest first (the choices of the period list)."""
    periods = [last_full_quarter(today)]
    while len(periods) < count:
        start, end = _quarter_of(periods[-1].start - timedelta(days=1))
        periods.append(Period(start, end))
    return periods


def resolve_period(start: str | date | None, end: str | date | None = None, *, today: date | None = None) -> Period:
    """The period asked for (inclusive dates, as dates or ISO text), or the last full quarter when neither is given.
    Refused with field errors: a date that is not a date, the end before the start, a start in the future, or a
    period longer than 3 years."""
    today = today or timezone.localdate()
    if not start and not end:
        return last_full_quarter(today)
    errors = {}
    parsed = {}
    for field, value in (("start", start), ("end", end)):
        if isinstance(value, date):
            parsed[field] = value
            continue
        try:
            parsed[field] = date.fromisoformat((value or "").strip())
        except ValueError:
            errors[field] = f"Enter the {'first' if field == 'start' else 'last'} day of the period as a real date."
    if errors:
        raise ValidationError(errors)
    if parsed["end"] < parsed["start"]:
        raise ValidationError({"end": "The end of the period must be on or after its start."})
    if parsed["start"] > today:
        raise ValidationError({"start": "The period cannot start in the future."})
    if (parsed["end"] - parsed["start"]).days > 3 * 366:
        raise ValidationError({"end": "Choose a period of 3 years or less."})
    return Period(parsed["start"], parsed["end"])
