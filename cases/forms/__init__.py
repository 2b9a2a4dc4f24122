"""Forms of the cases app, one module per stage of the journey (see docs/decisions/0006)."""

from cases.forms.people import (
    ContactDetailsForm,
    SearchForm,
)

__all__ = [
    "SearchForm",
    "ContactDetailsForm",
]
