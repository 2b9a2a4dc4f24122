"""Filter forms of the team dashboard and the overdue work list (GET forms: always bound to the query string).

The team comes from oversight.scopes.resolve_scope, so a manager asking for a team they do not manage gets that
refusal as a form error ("You can only see the teams you manage.") and the page shows no figures. The service
level and continuity pages have their own scope and period form (oversight/forms_compliance.py).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Team, User
from cases.models import Case
from oversight.scopes import resolve_scope, teams_for
from oversight.selectors.overdue import KINDS


def team_officers(team: Team) -> list[User]:
    """The officers whose work the team's lists can be filtered to: the team's active responsible officers and
    anyone holding one of its active cases (a manager may hold cases), by name. One query."""
    holders = Case.objects.filter(team=team, status=Case.Status.ACTIVE).values("responsible_officer_id")
    return list(
        User.objects.filter(
            Q(team=team, is_active=True, role=User.Role.RESPONSIBLE_OFFICER) | Q(pk__in=holders)
        ).order_by("last_name", "first_name", "pk")
    )


class TeamFilterForm(forms.Form):
    """`?team=<id>`: one of the teams the user may oversee (their own when empty)."""

    team = forms.CharField(label="Team", required=False, widget=forms.Select)

    def __init__(self, data, *, user: User, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.teams = teams_for(user)
        self.fields["team"].widget.choices = [(team.pk, team.name) for team in self.teams]
        # Resolved now (the officer list of the overdue work form depends on it); a refusal is raised in clean_team.
        self.chosen_team, self.team_error = None, None
        try:
            self.chosen_team = resolve_scope(user, "team", self.data.get("team")).team
        except ValidationError as error:
            self.team_error = error.message_dict.get("team") or error.messages

    @property
    def show_team_choice(self) -> bool:
        """A team list only for those who may choose (or who asked for a team they may not see)."""
        return len(self.teams) > 1 or bool(self.errors.get("team"))

    def clean_team(self) -> Team:
        if self.team_error:
            raise ValidationError(self.team_error)
        return self.chosen_team


class OverdueFilterForm(TeamFilterForm):
    """The overdue work list's filters: the team, one of its officers, one kind of work."""

    officer = forms.CharField(label="Officer", required=False, widget=forms.Select)
    kind = forms.ChoiceField(
        label="Kind of work",
        required=False,
        choices=[("", "All kinds of work"), *KINDS],
        error_messages={"invalid_choice": "Choose a kind of work from the list."},
    )

    def __init__(self, data, *, user: User, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.officers = team_officers(self.chosen_team) if self.chosen_team is not None else []
        self.fields["officer"].widget.choices = [("", "All officers")] + [
            (officer.pk, officer.get_full_name()) for officer in self.officers
        ]

    def clean_officer(self) -> User | None:
        value = (self.cleaned_data.get("officer") or "").strip()
        if not value or self.chosen_team is None:
            return None
        for officer in self.officers:
            if str(officer.pk) == value:
                return officer
        raise ValidationError(f"Choose an officer in {self.chosen_team.name} from the list.")
