"""The demo built twice for a test module: once to snapshot and roll back, then again to keep for the module's
tests (rolled back after the last one). Comparing the two snapshots proves the demo is deterministic.

    @pytest.fixture(scope="module")
    def built(django_db_setup, django_db_blocker):
        yield from build_twice(django_db_blocker, people=PEOPLE, seed=SEED, snapshot=my_snapshot)

yields {"summary": the second build's DemoSummary, "first": snapshot(), "second": snapshot()}.
"""

from collections.abc import Callable, Iterator

from django.db import transaction
from django.test.utils import override_settings

from cases import demo
from tests.reference_data import reseed


class RolledBack(Exception):
    pass


def fast_hashing():
    return override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def build_twice(django_db_blocker, *, people: int, seed: int, snapshot: Callable[[], dict]) -> Iterator[dict]:
    with django_db_blocker.unblock(), fast_hashing():
        reseed()  # an earlier transactional test may have flushed the reference data
        try:
            with transaction.atomic():
                demo.demo_build(people=people, seed=seed)
                first = snapshot()
                raise RolledBack
        except RolledBack:
            pass
        try:
            with transaction.atomic():
                summary = demo.demo_build(people=people, seed=seed)
                yield {"summary": summary, "first": first, "second": snapshot()}
                raise RolledBack
        except RolledBack:
            pass
