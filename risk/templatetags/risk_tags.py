"""Template tags for risk: the flags shown on every page of a person, RoSH level tags and GOV.UK date inputs."""

from decimal import Decimal

from django import template

from cases.models import Person
from risk.forms import date_parts as _date_parts
from risk.models import RISK_LEVEL_TAG_COLOURS, RiskLevel
from risk.selectors import RiskOverview, open_registrations, with_current_risk

register = template.Library()


@register.filter
def rosh_colour(level) -> str:
    """GOV.UK tag colour for a RoSH level (1 to 4); grey when there is none."""
    return RISK_LEVEL_TAG_COLOURS.get(level, "grey")


@register.filter
def rosh_label(level) -> str:
    """ "Very high" for 4, and so on; "Not assessed" when there is no level."""
    try:
        return RiskLevel(level).label
    except ValueError:
        return "Not assessed"


@register.filter
def percent(value) -> str:
    """A score as the tool reports it: 42.5%, 40% (no trailing zeros)."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():f}%"


@register.simple_tag
def date_parts(value) -> dict:
    """The day, month and year to show in a GOV.UK date input, from a date or the submitted values."""
    return _date_parts(value)


def mappa_label(category: int, level: int) -> str:
    return f"MAPPA category {category}, level {level}"


@register.inclusion_tag("risk/includes/person_flags.html", takes_context=True)
def person_flags(context, person: Person) -> dict:
    """The person's open registrations (flags), open MAPPA registration and current RoSH level, as tags.

    Two queries whatever the number of flags (open registrations; current RoSH and MAPPA as one annotated
    row). The risk tab has all of it already in its `overview`, so it costs no query there.
    """
    overview = context.get("overview")
    if isinstance(overview, RiskOverview) and context.get("person") is person:
        registrations = sorted(overview.open_registrations, key=lambda flag: flag.registration_type.name)
        mappa = overview.mappa
        risk = {
            "rosh_level": overview.current.overall_level if overview.current else None,
            "mappa_category": mappa.category if mappa else None,
            "mappa_level": mappa.level if mappa else None,
        }
    else:
        registrations = open_registrations(person)
        risk = (
            with_current_risk(Person.objects.filter(pk=person.pk))
            .values("rosh_level", "mappa_category", "mappa_level")
            .first()
        ) or {"rosh_level": None, "mappa_category": None, "mappa_level": None}
    return {
        "person": person,
        "registrations": registrations,
        "rosh_level": risk["rosh_level"],
        "mappa": mappa_label(risk["mappa_category"], risk["mappa_level"]) if risk["mappa_category"] else "",
    }
