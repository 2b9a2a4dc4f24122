"""Writes of the cases app, one module per stage of the journey (see docs/decisions/0006).

The people-and-cases functions are re-exported here for `from cases import services`; later stages are
imported by module: `from cases.services import sentencing`.
"""

from cases.services.people import (
    CRN_LETTERS,
    access_limit_add,
    access_limit_end,
    access_record_write,
    access_records_write_for_listed,
    address_add,
    case_create,
    case_end,
    crn_generate,
    person_create,
    person_update_contact_details,
)

__all__ = [
    "CRN_LETTERS",
    "access_limit_add",
    "access_limit_end",
    "access_record_write",
    "access_records_write_for_listed",
    "address_add",
    "case_create",
    "case_end",
    "crn_generate",
    "person_create",
    "person_update_contact_details",
]
