from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def in_minutes(value: timedelta | None) -> int | str:
    """A lockout or session length in whole minutes, for plain-English messages."""
    if not isinstance(value, timedelta):
        return ""
    return max(1, round(value.total_seconds() / 60))
