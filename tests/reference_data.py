"""Put back the reference data the migrations seed (requirement types, contact outcomes, registration types).

Transactional tests (browser tests, PostgreSQL concurrency tests) end by flushing every table, which also removes
the rows data migrations inserted; a transactional test that needs them calls `reseed()` first. The seed
functions use update_or_create, so calling them on a database that still has the rows changes nothing.
"""

from importlib import import_module

from django.apps import apps

DATA_MIGRATIONS = (
    "cases.migrations.0003_reference_data",
    "risk.migrations.0002_registration_types",
    "interventions.migrations.0002_programme_catalogue",
)


def reseed() -> None:
    for module_name in DATA_MIGRATIONS:
        import_module(module_name).seed(apps, None)
