"""The scope and period choices of the service-level and continuity pages (GET forms).

The scope is one select: a team ("team:<id>"), the user's provider ("provider") or their region ("region"). The period
is one select of the last full quarters, or "Choose dates" with two GOV.UK date inputs. Links between the pages (and
the CSV downloads) carry the period as ISO dates, `start=2026-07-01&end=2026-09-30`, which these forms also read.
Nothing chosen means the manager's own team and the last full quarter. Whether the user may choose a scope is decided
by oversight.scopes.resolve_scope, whose refusals are shown as errors on the scope field.
"""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from oversight.scopes import (
    Period,
    Scope,
    last_full_quarter,
    recent_quarters,
    resolve_period,
    resolve_scope,
    scope_options,
)
from risk.forms import DateInputWidget, GovukDateField

CHOOSE_DATES = "dates"


def scope_value(scope: Scope) -> str:
    """How a scope is written in the query string: "team:12", "provider" or "region"."""
    return f"team:{scope.team.pk}" if scope.kind == "team" else scope.kind


class ScopeSelect(forms.ChoiceField):
    """The scope list. Any value is passed on to resolve_scope, which says why a scope cannot be chosen (a team the
    manager does not manage is refused there, with its own message, rather than as "not one of the choices")."""

    def validate(self, value):
        pass


class PeriodDateWidget(DateInputWidget):
    """The GOV.UK date input (`start-day`, `start-month`, `start-year`), which also reads an ISO date given as
    `start=2026-07-01` in a link."""

    def value_from_datadict(self, data, files, name):
        if not super().value_omitted_from_data(data, files, name):
            return super().value_from_datadict(data, files, name)
        text = (data.get(name) or "").strip()
        if not text:
            return ["", "", ""]
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return [str(day.day), str(day.month), str(day.year)]

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and name not in data


class PeriodDateField(GovukDateField):
    widget = PeriodDateWidget

    def to_python(self, value):
        if isinstance(value, str):
            raise ValidationError(f"{self.name} must be a real date", code="invalid")
        return super().to_python(value)


class ScopeForm(forms.Form):
    scope = ScopeSelect(label="Cases held by", required=False)

    def __init__(self, data=None, *, user: User, today: date | None = None, **kwargs):
        self.user = user
        self.today = today or timezone.localdate()
        data = data.copy() if data is not None else {}
        if not data.get("scope"):
            data["scope"] = f"team:{user.team_id}"
        self._prepare(data)
        super().__init__(data, **kwargs)
        self.fields["scope"].choices = [(scope_value(scope), scope.label) for scope in scope_options(user)]

    def _prepare(self, data) -> None:
        """Fill in defaults before the form is bound (subclasses add the period)."""

    def clean_scope(self) -> Scope:
        value = (self.cleaned_data.get("scope") or "").strip()
        kind, _, subject_id = value.partition(":")
        try:
            return resolve_scope(self.user, kind, subject_id or None)
        except ValidationError as error:
            messages = [
                message.rstrip(".") for field_messages in error.message_dict.values() for message in field_messages
            ]
            raise ValidationError(messages) from None

    @property
    def chosen_scope(self) -> Scope:
        return self.cleaned_data["scope"]

    def query_params(self) -> dict:
        """The choices as they are written in links to other pages and in the CSV download."""
        return {"scope": scope_value(self.chosen_scope)}

    def query(self, **extra) -> str:
        return urlencode({**self.query_params(), **extra})


class ScopePeriodForm(ScopeForm):
    period = forms.ChoiceField(
        label="Period",
        required=False,
        error_messages={"invalid_choice": "Choose a period from the list"},
    )
    start = PeriodDateField(
        name="First day of the period",
        label="First day of the period",
        required=False,
        help_text="Only if you choose dates. For example, 1 4 2026",
    )
    end = PeriodDateField(
        name="Last day of the period",
        label="Last day of the period",
        required=False,
        help_text="For example, 30 6 2026",
    )

    def __init__(self, data=None, *, user: User, today: date | None = None, **kwargs):
        super().__init__(data, user=user, today=today, **kwargs)
        self.quarters = recent_quarters(self.today)
        self.fields["period"].choices = [
            *((quarter.key, quarter.label) for quarter in self.quarters),
            (CHOOSE_DATES, "Choose dates"),
        ]

    def _prepare(self, data) -> None:
        if data.get("period"):
            return
        start, end = (data.get(name) or "" for name in ("start", "end"))
        has_parts = any(data.get(f"{name}-{part}") for name in ("start", "end") for part in DateInputWidget.PARTS)
        if not (start or end or has_parts):
            data["period"] = last_full_quarter(self.today).key
            return
        # A link with ISO dates: show the quarter in the list when the dates are one of them.
        keys = {quarter.key for quarter in recent_quarters(self.today)}
        data["period"] = f"{start}_{end}" if f"{start}_{end}" in keys else CHOOSE_DATES

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("period")
        if "period" in self.errors:
            return cleaned
        if choice != CHOOSE_DATES:
            # The date boxes are only read when "Choose dates" is chosen.
            for name in ("start", "end"):
                self._errors.pop(name, None)
            quarter = next((quarter for quarter in self.quarters if quarter.key == choice), None)
            cleaned["period"] = quarter or last_full_quarter(self.today)
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        if start is None:
            self.add_error("start", "Enter the first day of the period")
        if end is None:
            self.add_error("end", "Enter the last day of the period")
        if start is None or end is None:
            return cleaned
        try:
            cleaned["period"] = resolve_period(start, end, today=self.today)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in ("start", "end") else None, message.rstrip("."))
        return cleaned

    @property
    def chosen_period(self) -> Period:
        return self.cleaned_data["period"]

    def query_params(self) -> dict:
        return {
            **super().query_params(),
            "start": self.chosen_period.start.isoformat(),
            "end": self.chosen_period.end.isoformat(),
        }
