"""Writes for organisations and staff. Each takes the acting user and records history with it."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Court, Provider, Region, Team, User
from config.history import save_with_history


@transaction.atomic
def region_create(*, by: User | None, name: str) -> Region:
    return save_with_history(Region(name=name), by=by)


@transaction.atomic
def provider_create(*, by: User | None, name: str, code: str, provider_type: str, region: Region) -> Provider:
    return save_with_history(Provider(name=name, code=code, provider_type=provider_type, region=region), by=by)


@transaction.atomic
def team_create(*, by: User | None, provider: Provider, name: str, code: str) -> Team:
    return save_with_history(Team(provider=provider, name=name, code=code), by=by)


@transaction.atomic
def court_create(*, by: User | None, name: str, code: str, court_type: str, region: Region) -> Court:
    return save_with_history(Court(name=name, code=code, court_type=court_type, region=region), by=by)


@transaction.atomic
def staff_create(
    *,
    by: User | None,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    password: str,
    team: Team | None = None,
    courts: list[Court] | tuple[Court, ...] = (),
    is_superuser: bool = False,
    senior_manager: bool = False,
) -> User:
    """Create a member of staff. Administrators may use the Django admin; others cannot. A senior manager (who
    countersigns recalls) is a manager."""
    if is_superuser and role != User.Role.ADMINISTRATOR:
        raise ValidationError({"is_superuser": "Only an administrator can be a superuser."})
    if senior_manager and role != User.Role.MANAGER:
        raise ValidationError({"senior_manager": "Only a manager can be a senior manager."})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        team=team,
        is_staff=role == User.Role.ADMINISTRATOR,
        is_superuser=is_superuser,
        senior_manager=senior_manager,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    if role != User.Role.COURT_USER and courts:
        raise ValidationError({"courts": "Only court users are tied to courts."})
    user.set_password(password)
    save_with_history(user, by=by)
    if courts:
        user.courts.set(courts)
    return user
