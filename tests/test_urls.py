"""Every URL in the URL conf needs a signed-in user, except an explicit, justified allow-list.

The test walks django.urls.get_resolver() (nested includes and namespaces too), builds a concrete
URL for every pattern, checks that URL really resolves to that pattern, and requests it anonymously
(GET and POST). A new view that forgets login protection, or a new pattern the walker cannot build a
URL for, fails this test.
"""

import re
from dataclasses import dataclass
from types import ModuleType

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from config import urls as project_urls
from tests import factories

pytestmark = pytest.mark.django_db

# Views anyone may reach without signing in. Each needs a reason.
PUBLIC = {
    # The sign-in page: without it nobody could sign in.
    "login",
    # Load balancers and monitoring poll it without credentials; it shows no personal data.
    "health",
    # Django admin's own sign-in form (admin pages send staff to it); it only offers a sign-in form.
    "admin:login",
}


@dataclass
class Endpoint:
    name: str  # "namespace:url_name", or the route when the pattern has no name
    route: str  # the pattern as written, for messages
    url: str
    pattern: URLPattern


def _walk(patterns, prefix=(), namespace=""):
    for entry in patterns:
        pieces = (*prefix, entry.pattern)
        if isinstance(entry, URLResolver):
            child_namespace = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, pieces, child_namespace)
        else:
            yield entry, pieces, namespace


def _first_alternative(text: str) -> str:
    depth = 0
    for index, char in enumerate(text):
        if char == "\\":
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0 and (index == 0 or text[index - 1] != "\\"):
            return text[:index]
    return text


def _regex_sample(regex: str, values: dict) -> str:
    """A string the (simple) regex matches: named groups take `values`, unnamed groups a sample.

    A named group without a value raises KeyError: add a plausible value to the `values` fixture.
    """
    text = _first_alternative(regex.lstrip("^").rstrip("$"))
    out = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "(":
            depth, end = 1, index + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            group = text[index + 1 : end - 1]
            named = re.match(r"\?P<(\w+)>", group)
            if named:
                out += str(values[named.group(1)])
            elif group.startswith("?:"):
                out += _regex_sample(group[2:], values)
            else:
                out += "1"  # unnamed capture groups here are ids: ([^/]+)
            index = end
        elif char == "\\":
            out += text[index + 1]
            index += 2
        elif char in "?*+":
            index += 1  # the sample already satisfies the quantifier ("/?" keeps its "/")
        else:
            out += char
            index += 1
    return out


def _route_sample(route: str, converters: dict, values: dict) -> str:
    """Fill each <converter:name> with the converter's own to_url() of the plausible value for `name`."""

    def fill(match):
        name = match.group("name")
        return str(converters[name].to_url(values[name]))

    return re.sub(r"<(?:[^>:]+:)?(?P<name>[^>]+)>", fill, route)


def _endpoints(values: dict) -> list[Endpoint]:
    endpoints = []
    for pattern, pieces, namespace in _walk(get_resolver().url_patterns):
        url = "/"
        for piece in pieces:
            if isinstance(piece, RoutePattern):
                url += _route_sample(str(piece), piece.converters, values)
            elif isinstance(piece, RegexPattern):
                url += _regex_sample(str(piece), values)
            else:  # pragma: no cover - a new kind of pattern
                raise AssertionError(f"Teach the URL walker about {type(piece)}")
        route = "".join(str(piece) for piece in pieces)
        name = f"{namespace}{pattern.name}" if pattern.name else route
        endpoints.append(Endpoint(name=name, route=route, url=url, pattern=pattern))
    return endpoints


@pytest.fixture
def url_values(org):
    """A plausible value for every URL parameter name in the URL conf."""
    case = factories.CaseFactory(responsible_officer=org.officer)
    return {
        "crn": case.person.crn,
        "pk": case.pk,  # cases/<int:pk>/ and API case detail
        "object_id": org.officer.pk,  # admin change pages
        "id": org.officer.pk,  # admin password change
        "content_type_id": 1,
        "app_label": "accounts",  # admin app index
        "format": "json",  # DRF format suffixes
        "url": "no-such-admin-page/",  # admin catch-all
        "code": "weapons",  # API registration types, by code
        # Delivering the order (interventions/): ids that need not exist (a missing one is a 404 once signed in).
        "requirement_id": 1,
        "referral_id": 1,
        "session_id": 1,
        "attendance_id": 1,
        "group_id": 1,
        "need_area": "accommodation",
        # Enforcement (enforcement/): ids that need not exist either.
        "failure_id": 1,
        "letter_id": 1,
        "breach_id": 1,
        "pack_id": 1,
        "recall_id": 1,
        "request_id": 1,
        "case_id": case.pk,
        # Oversight (oversight/): a case in an audit's sample, which need not exist either.
        "audited_case_id": 1,
    }


@pytest.fixture
def endpoints(url_values):
    return _endpoints(url_values)


def _is_api(url: str) -> bool:
    return url.startswith("/api/")


def _is_admin(url: str) -> bool:
    return url.startswith("/admin/")


def _sends_to_sign_in(endpoint: Endpoint, response) -> bool:
    """HTML pages redirect to the sign-in page, remembering where the user was going.

    Django admin pages do their own check (AdminSite.admin_view) and send people to the admin's
    sign-in form, which signs in through the same backends (axes included).
    """
    if response.status_code != 302:
        return False
    location = response["Location"]
    if location.startswith("/login/?next="):
        return True
    return _is_admin(endpoint.url) and location.startswith("/admin/login/?next=")


def test_walker_builds_a_url_that_resolves_to_each_pattern(endpoints):
    problems = []
    for endpoint in endpoints:
        try:
            match = resolve(endpoint.url.split("?")[0])
        except Exception as error:
            problems.append(f"{endpoint.route} -> {endpoint.url}: {error!r}")
            continue
        if match.func is not endpoint.pattern.callback:
            problems.append(f"{endpoint.route} -> {endpoint.url} resolved to {match.route}")
    assert not problems, "\n".join(problems)


def test_walker_sees_the_whole_url_conf(endpoints):
    names = {endpoint.name for endpoint in endpoints}

    # Spot checks across every include: project, cases namespace, admin namespace, API router.
    assert {"home", "login", "logout", "health", "schema", "api-docs", "api-root"} <= names
    assert {"cases:caseload", "cases:team", "cases:search", "cases:person", "cases:case_history"} <= names
    assert {"admin:index", "admin:login", "admin:accounts_user_change"} <= names
    assert {"person-list", "person-detail", "case-list", "case-detail"} <= names
    assert len(endpoints) > 100


def _anonymous_problems(client, endpoints: list[Endpoint], method: str) -> list[str]:
    problems = []
    for endpoint in endpoints:
        if endpoint.name in PUBLIC:
            continue
        response = getattr(client, method)(endpoint.url)
        if _is_api(endpoint.url):
            if response.status_code not in (401, 403):
                problems.append(
                    f"{method.upper()} {endpoint.url} ({endpoint.name}): API answered {response.status_code}"
                )
        elif not _sends_to_sign_in(endpoint, response):
            where = response.get("Location", "")
            problems.append(f"{method.upper()} {endpoint.url} ({endpoint.name}): {response.status_code} {where}")
    return problems


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_url_needs_sign_in_except_the_allow_list(client, endpoints, method):
    problems = _anonymous_problems(client, endpoints, method)

    assert not problems, "Reachable without signing in:\n" + "\n".join(problems)


def _leaky_view(request, crn):
    return HttpResponse("personal data")


def test_the_check_catches_a_new_public_view(client, settings, url_values):
    """Guard the guard: a view someone marks login_not_required is reported."""
    leaky_urls = ModuleType("leaky_urls")
    leaky_urls.urlpatterns = [
        *project_urls.urlpatterns,
        path("leak/<str:crn>/", login_not_required(_leaky_view), name="leak"),
    ]
    settings.ROOT_URLCONF = leaky_urls

    problems = _anonymous_problems(client, _endpoints(url_values), "get")

    assert problems == [f"GET /leak/{url_values['crn']}/ (leak): 200 "]


def test_redirect_keeps_where_the_user_was_going(client, endpoints):
    caseload = next(endpoint for endpoint in endpoints if endpoint.name == "cases:caseload")

    response = client.get(caseload.url)

    assert response["Location"] == "/login/?next=/caseload/"


def test_allow_listed_views_are_reachable_anonymously(client, endpoints):
    by_name = {endpoint.name: endpoint for endpoint in endpoints}
    assert set(PUBLIC) <= set(by_name), "An allow-listed view no longer exists: remove it from PUBLIC"

    assert client.get(by_name["login"].url).status_code == 200
    assert client.get(by_name["admin:login"].url).status_code == 200
    health = client.get(by_name["health"].url)
    assert health.status_code in (200, 503)
    # Status only: nothing about people or staff.
    assert set(health.json()) == {"status", "database", "broker", "worker_last_heartbeat"}


def test_public_views_are_exactly_the_allow_list(endpoints):
    """Site views exempt from LoginRequiredMiddleware are exactly the allow-list.

    (API views authenticate themselves, and admin views redirect to the admin sign-in; both are
    checked by requesting them above.)
    """
    marked_public = {
        endpoint.name
        for endpoint in endpoints
        if getattr(endpoint.pattern.callback, "login_required", True) is False
        and not _is_api(endpoint.url)
        and not _is_admin(endpoint.url)
    }

    assert marked_public == PUBLIC - {"admin:login"}
