"""API of the cases app, one module per stage of the journey (see docs/decisions/0006).

Each module has `register(router)`, called from config/urls.py.
"""

from cases.api.people import (
    SEARCH_MAX_LENGTH,
    AddressSerializer,
    CaseFilter,
    CaseSerializer,
    CaseViewSet,
    PersonSerializer,
    PersonViewSet,
    StaffSummarySerializer,
    _record_access_if_limited,
)

__all__ = [
    "SEARCH_MAX_LENGTH",
    "StaffSummarySerializer",
    "AddressSerializer",
    "CaseSerializer",
    "PersonSerializer",
    "_record_access_if_limited",
    "CaseFilter",
    "CaseViewSet",
    "PersonViewSet",
]
