"""Signing in and out: GOV.UK errors, lockout after repeated failures (django-axes), sliding session expiry."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


@pytest.fixture
def officer(org):
    return org.officer


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_renders(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "signed out after 30 minutes" in html


def test_right_password_signs_in_and_goes_to_the_caseload(client, officer):
    response = client.post(LOGIN, {"username": "olivia", "password": factories.PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:caseload")
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_next_is_followed_after_sign_in(client, officer):
    search = reverse("cases:search")

    response = client.post(LOGIN, {"username": "olivia", "password": factories.PASSWORD, "next": search})

    assert response["Location"] == search


def test_next_to_another_site_is_ignored(client, officer):
    response = client.post(
        LOGIN, {"username": "olivia", "password": factories.PASSWORD, "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("cases:caseload")


def test_wrong_password_shows_the_error_summary(client, officer):
    response = client.post(LOGIN, {"username": "olivia", "password": "wrong-password"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a correct username and password. Both are case-sensitive." in html
    assert "<title>Error: Sign in" in html
    assert not _signed_in(client)


def test_empty_form_asks_for_both_fields(client, db):
    response = client.post(LOGIN, {"username": "", "password": ""})

    assert response.context["form"].errors == {
        "username": ["Enter your username"],
        "password": ["Enter your password"],
    }
    html = response.content.decode()
    assert '<a href="#id_username">Enter your username</a>' in html


def test_inactive_account_cannot_sign_in(client, officer):
    officer.is_active = False
    officer.save()

    client.post(LOGIN, {"username": "olivia", "password": factories.PASSWORD})

    assert not _signed_in(client)


def test_signed_in_user_visiting_login_goes_to_the_caseload(client_for, officer):
    response = client_for(officer).get(LOGIN)

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:caseload")


class TestLockout:
    def test_failure_limit_is_five(self):
        assert settings.AXES_FAILURE_LIMIT == 5

    def test_locked_after_five_failures_even_with_the_right_password(self, client, officer):
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            response = client.post(LOGIN, {"username": "olivia", "password": "wrong-password"})
            assert response.status_code == 200
        fifth = client.post(LOGIN, {"username": "olivia", "password": "wrong-password"})
        assert fifth.status_code == 429

        response = client.post(LOGIN, {"username": "olivia", "password": factories.PASSWORD})

        assert response.status_code == 429
        assert "You cannot sign in for now" in response.content.decode()
        assert not _signed_in(client)

    def test_four_failures_do_not_lock(self, client, officer):
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            client.post(LOGIN, {"username": "olivia", "password": "wrong-password"})

        response = client.post(LOGIN, {"username": "olivia", "password": factories.PASSWORD})

        assert response.status_code == 302
        assert _signed_in(client)

    def test_success_resets_the_failure_count(self, client, officer):
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            client.post(LOGIN, {"username": "olivia", "password": "wrong-password"})
        client.post(LOGIN, {"username": "olivia", "password": factories.PASSWORD})
        client.post(reverse("logout"))

        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            client.post(LOGIN, {"username": "olivia", "password": "wrong-password"})
        response = client.post(LOGIN, {"username": "olivia", "password": factories.PASSWORD})

        assert response.status_code == 302

    def test_lockout_is_per_username(self, client, org):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            client.post(LOGIN, {"username": "olivia", "password": "wrong-password"})

        response = client.post(LOGIN, {"username": "colin", "password": factories.PASSWORD})

        assert response.status_code == 302

    def test_lock_lifts_after_the_cool_off(self, client, officer):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            client.post(LOGIN, {"username": "olivia", "password": "wrong-password"})

        later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
        with time_machine.travel(later, tick=False):
            response = client.post(LOGIN, {"username": "olivia", "password": factories.PASSWORD})

        assert response.status_code == 302


class TestLogout:
    def test_logout_is_post_only(self, client_for, officer):
        client = client_for(officer)

        assert client.get(reverse("logout")).status_code == 405
        assert _signed_in(client)

    def test_logout_signs_out_and_goes_to_login(self, client_for, officer):
        client = client_for(officer)

        response = client.post(reverse("logout"))

        assert response.status_code == 302
        assert response["Location"] == LOGIN
        assert not _signed_in(client)
        assert client.get(reverse("cases:caseload"))["Location"].startswith(LOGIN)

    def test_pages_have_a_sign_out_form(self, client_for, officer):
        html = client_for(officer).get(reverse("cases:caseload")).content.decode()

        assert f'<form method="post" action="{reverse("logout")}"' in html


class TestSessionExpiry:
    def test_settings(self):
        assert settings.SESSION_COOKIE_AGE == 30 * 60
        assert settings.SESSION_SAVE_EVERY_REQUEST is True

    def test_session_slides_with_activity_and_expires_after_30_idle_minutes(self, officer, client):
        caseload = reverse("cases:caseload")
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            client.post(LOGIN, {"username": "olivia", "password": factories.PASSWORD})
            assert client.get(caseload).status_code == 200

        # Each request within 30 minutes of the last one keeps the session alive...
        with time_machine.travel(start + timedelta(minutes=29), tick=False):
            assert client.get(caseload).status_code == 200
        with time_machine.travel(start + timedelta(minutes=58), tick=False):
            assert client.get(caseload).status_code == 200

        # ...and 31 idle minutes end it.
        with time_machine.travel(start + timedelta(minutes=89), tick=False):
            response = client.get(caseload)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={caseload}"
