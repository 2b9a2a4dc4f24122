"""Template filters for enforcement documents: a breach pack's frozen content keeps dates as ISO strings."""

from datetime import date, datetime

from django import template

register = template.Library()


@register.filter
def iso_date(value: str) -> str:
    """ "2026-11-02" (or a datetime's ISO text) as "2 November 2026"; "" stays ""."""
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return f"{parsed:%-d %B %Y}"


@register.filter
def lower_first(value: str) -> str:
    """ "Referred to the NPS" as "referred to the NPS": lower case inside a sentence, keeping acronyms."""
    text = str(value)
    return text[:1].lower() + text[1:]


@register.filter
def css_string(value) -> str:
    """Text for a CSS string in double quotes (a PDF's running header): backslashes, quotes and "<" escaped, line
    breaks as spaces. Django's escapejs writes \\u0027 escapes, which CSS would print as they are."""
    text = " ".join(str(value).split())
    # "<" as a CSS escape too, so no text can close the <style> element it stands in.
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
