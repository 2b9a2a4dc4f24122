"""HTML pages of the cases app, one module per stage of the journey (see docs/decisions/0006)."""

from cases.views.people import (
    _page,
    _person_for_request,
    _query_without_page,
    _sort,
    _sort_columns,
    case_detail,
    case_history_view,
    caseload,
    person_contact_details,
    person_detail,
    person_history_view,
    search,
    team,
)

__all__ = [
    "_page",
    "_person_for_request",
    "_query_without_page",
    "_sort",
    "_sort_columns",
    "case_detail",
    "case_history_view",
    "caseload",
    "person_contact_details",
    "person_detail",
    "person_history_view",
    "search",
    "team",
]
