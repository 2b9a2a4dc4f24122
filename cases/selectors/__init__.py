"""Reads of the cases app, one module per stage of the journey (see docs/decisions/0006).

Scoping lives in cases.selectors.people; import later stages by module: `from cases.selectors import contacts`.
"""

from cases.selectors.people import (
    CASELOAD_SORTS,
    CRN_QUERY,
    DATE_FORMATS,
    NOTHING,
    _case_scope,
    _ordered,
    _parse_date,
    case_get_for_user,
    caseload_for_officer,
    cases_visible_to,
    people_search,
    people_visible_to,
    person_access,
    person_get_for_user,
    person_summary,
    team_cases,
    team_officers_with_caseloads,
    with_access_limit_flag,
)

__all__ = [
    "NOTHING",
    "_case_scope",
    "person_access",
    "cases_visible_to",
    "people_visible_to",
    "with_access_limit_flag",
    "person_get_for_user",
    "case_get_for_user",
    "CASELOAD_SORTS",
    "_ordered",
    "caseload_for_officer",
    "team_cases",
    "team_officers_with_caseloads",
    "DATE_FORMATS",
    "CRN_QUERY",
    "_parse_date",
    "people_search",
    "person_summary",
]
