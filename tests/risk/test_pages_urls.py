"""Every risk page needs a signed-in user: anonymous visitors go to the sign-in page and nothing is shown."""

import pytest
from django.urls import get_resolver, reverse

from tests import factories

pytestmark = pytest.mark.django_db

CRN_PAGES = {"person_risk", "assessment_new", "registration_new", "mappa_new", "change_new", "parent_new"}
ID_PAGES = {
    "assessment",
    "assessment_edit",
    "assessment_complete",
    "registration_review",
    "registration_deregister",
    "mappa_review",
    "mappa_end",
}
OTHER_PAGES = {"gaps"}


def _risk_url_names() -> set[str]:
    """The names of the patterns in the "risk" namespace, as the URL conf has them."""
    _prefix, resolver = get_resolver().namespace_dict["risk"]
    return {pattern.name for pattern in resolver.url_patterns}


def test_the_list_here_covers_every_risk_url():
    assert _risk_url_names() == CRN_PAGES | ID_PAGES | OTHER_PAGES


@pytest.fixture
def urls(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    assessment = factories.RoshAssessmentFactory(person=case.person, draft=True)
    registration = factories.RegistrationFactory(person=case.person)
    mappa = factories.MappaRegistrationFactory(person=case.person)
    ids = {
        "assessment": assessment.pk,
        "assessment_edit": assessment.pk,
        "assessment_complete": assessment.pk,
        "registration_review": registration.pk,
        "registration_deregister": registration.pk,
        "mappa_review": mappa.pk,
        "mappa_end": mappa.pk,
    }
    built = {name: reverse(f"risk:{name}", args=[case.person.crn]) for name in CRN_PAGES}
    built |= {name: reverse(f"risk:{name}", args=[pk]) for name, pk in ids.items()}
    built |= {name: reverse(f"risk:{name}") for name in OTHER_PAGES}
    return built


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, urls, method):
    for name, url in urls.items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"] == f"/login/?next={url}", name


def test_every_page_answers_a_signed_in_officer(org, client_for, urls):
    client = client_for(org.officer)
    for name, url in urls.items():
        expected = 405 if name == "assessment_complete" else 200
        if name == "parent_new":
            expected = 400  # the fixture's person is an adult
        if name == "assessment_new":
            expected = 302  # the person already has a draft: continue it
        assert client.get(url).status_code == expected, name
