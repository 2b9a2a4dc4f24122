"""config.history.save_with_history: who did it, and a change reason the history table can always hold."""

import pytest

from config.history import CHANGE_REASON_MAX_LENGTH, save_with_history
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_long_change_reason_is_shortened_to_what_the_history_holds(org):
    person = factories.PersonFactory()
    person.telephone = "0161 496 0000"

    save_with_history(person, by=org.officer, reason="Reviewed: " + "a long note " * 20)

    entry = person.history.latest()
    assert entry.history_user == org.officer
    assert len(entry.history_change_reason) == CHANGE_REASON_MAX_LENGTH
    assert entry.history_change_reason.startswith("Reviewed: a long note") and entry.history_change_reason.endswith("…")


def test_a_short_change_reason_is_kept_as_it_is(org):
    person = factories.PersonFactory()

    save_with_history(person, by=org.officer, reason="Contact details changed")

    assert person.history.latest().history_change_reason == "Contact details changed"
