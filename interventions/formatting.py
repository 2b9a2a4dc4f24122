"""Figures in the words pages use, shared by the interventions services and selectors."""


def hours_text(minutes: int) -> str:
    """Minutes as people say them: 1950 -> "32 hours 30 minutes", 420 -> "7 hours", 60 -> "1 hour",
    45 -> "45 minutes", 0 -> "0 hours"."""
    hours, rest = divmod(max(int(minutes), 0), 60)
    parts = []
    if hours or not rest:
        parts.append(f"{hours} hour{'' if hours == 1 else 's'}")
    if rest:
        parts.append(f"{rest} minute{'' if rest == 1 else 's'}")
    return " ".join(parts)
