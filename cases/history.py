"""The history tab: who changed what and when, across a person and everything recorded about them.

Built from django-simple-history tables in a fixed number of queries (one per historised model, plus
one per referenced model), comparing consecutive versions in Python rather than with `diff_against`,
which would query once per version.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.db.models import QuerySet

from accounts.models import Provider, Team, User
from cases.models import Address, Case, Person, PersonAccessLimit

# `person` is the page's own subject; ids and creation stamps say nothing a reader needs.
HIDDEN_FIELDS = {"id", "created_at", "added_at", "person"}
ACTIONS = {"+": "Created", "~": "Changed", "-": "Removed"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _display(model: type[models.Model], field_name: str, value, names: dict) -> str:
    if value is None or value == "":
        return "Not entered"
    model_field = model._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value), f"#{value}")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y" if not isinstance(value, datetime) else "%-d %B %Y, %H:%M")
    return str(value)


def _tracked_fields(model: type[models.Model]) -> list[str]:
    return [
        model_field.attname
        for model_field in model._meta.concrete_fields
        if model_field.name not in HIDDEN_FIELDS and model_field.attname not in HIDDEN_FIELDS
    ]


def _entries_for(model, records, describe, names) -> list[HistoryEntry]:
    fields = _tracked_fields(model)
    by_object = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    entries = []
    for versions in by_object.values():
        versions.sort(key=lambda record: (record.history_date, record.history_id))
        previous = None
        for record in versions:
            changes = []
            for attname in fields:
                field_name = attname[:-3] if attname.endswith("_id") else attname
                new = getattr(record, attname)
                old = getattr(previous, attname) if previous is not None else None
                if previous is None and new in (None, ""):
                    continue
                if previous is not None and old == new:
                    continue
                label = str(model._meta.get_field(field_name).verbose_name)
                changes.append(
                    Change(
                        field=label[:1].upper() + label[1:],
                        old="" if previous is None else _display(model, field_name, old, names),
                        new=_display(model, field_name, new, names),
                    )
                )
            if previous is None or changes:
                user = record.history_user
                entries.append(
                    HistoryEntry(
                        when=record.history_date,
                        who=(user.get_full_name() or user.username) if user else "System",
                        what=describe(record),
                        action=ACTIONS.get(record.history_type, record.history_type),
                        reason=record.history_change_reason or "",
                        changes=changes,
                    )
                )
            previous = record
    return entries


def _names_for(records_by_model) -> dict:
    wanted = defaultdict(set)
    for model, records in records_by_model:
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.ForeignKey) and model_field.related_model in (User, Team, Provider):
                for record in records:
                    value = getattr(record, model_field.attname)
                    if value is not None:
                        wanted[model_field.related_model].add(value)
    names = {}
    for related_model, ids in wanted.items():
        for obj in related_model.objects.filter(pk__in=ids):
            names[(related_model, obj.pk)] = str(obj)
    return names


def person_history(
    *, person: Person, visible_cases: QuerySet[Case] | None = None, include_access_lists: bool = False
) -> list[HistoryEntry]:
    """Every recorded change to the person and their addresses, to `visible_cases`, and (for managers and
    administrators: `include_access_lists`) to their exclusion and restriction lists.

    Pass the cases the viewer may see (`cases.selectors.cases_visible_to`): the history of a case held
    by another provider stays as hidden here as it is everywhere else.
    """
    sources = [
        (Person, Person.history.filter(id=person.pk), lambda record: "Personal details"),
        (
            Address,
            Address.history.filter(person_id=person.pk),
            lambda record: "Address",
        ),
    ]
    if include_access_lists:
        # Who is excluded or restricted, and why, is for managers and administrators only.
        sources.append(
            (
                PersonAccessLimit,
                PersonAccessLimit.history.filter(person_id=person.pk),
                lambda record: "Access list",
            )
        )
    if visible_cases is not None:
        case_ids = visible_cases.filter(person_id=person.pk).values("pk")
        sources.append(
            (Case, Case.history.filter(person_id=person.pk, id__in=case_ids), lambda record: f"Case {record.id}")
        )
    return _collect(sources)


def case_history(*, case: Case) -> list[HistoryEntry]:
    return _collect([(Case, Case.history.filter(id=case.pk), lambda record: f"Case {record.id}")])


def _collect(sources) -> list[HistoryEntry]:
    loaded = [(model, list(queryset.select_related("history_user")), describe) for model, queryset, describe in sources]
    names = _names_for([(model, records) for model, records, _describe in loaded])
    entries = []
    for model, records, describe in loaded:
        entries.extend(_entries_for(model, records, describe, names))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
