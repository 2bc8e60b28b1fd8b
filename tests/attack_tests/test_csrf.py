"""CSRF on every state-changing staff URL: every URL pattern of the project is walked, filled
with well-formed ids, and sent POST, PUT, PATCH and DELETE from a signed-in, two-factor session
without a CSRF token (Client(enforce_csrf_checks=True)). Each answers 403 and nothing in the
database changes. Public URLs that take a POST are listed with the reason they need no token."""

import uuid

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern

from tests.factories import sign_in

pytestmark = pytest.mark.django_db

STAFF_NAMESPACES = {
    "accounts",
    "audit",
    "referrals",
    "listings",
    "admin",
    "staff_api",
    "referrals_api",
}
# Public pages answer anonymous visitors, set no cookie and carry no session: a forged request
# from another site has no authority to borrow. Each entry says what the POST does.
PUBLIC_POSTS_WITHOUT_TOKEN: dict[str, str] = {
    "service-search": "the public API's search by POST (so that terms stay out of URLs): reads only",
    "results": "the public search form: seals what was typed into the results address and answers "
    "303; reads only, sets no cookie, and refuses another site's Origin",
    "report": "an anonymous visitor reports a wrong listing; anyone may, and it only queues a "
    "suggestion for a steward",
    "twilio-sms": "Twilio's SMS webhook: signed with the account's auth token (X-Twilio-Signature, "
    "403 without it), changes nothing and sets no cookie",
    "twilio-whatsapp": "Twilio's WhatsApp webhook: signed like the SMS one",
    "rapidpro": "RapidPro's webhook: the shared secret in X-Enlace-Secret (403 without it), "
    "changes nothing and sets no cookie",
}
VALUES = {"uuid": str(uuid.uuid4()), "int": "1", "str": "x", "path": "x/1", "slug": "x"}


def _walk(patterns, prefix: str, namespaces: tuple):
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            part = "es/"
        elif isinstance(pattern, RoutePattern):
            part = str(pattern)
            for name, converter in pattern.converters.items():
                kind = type(converter).__name__.replace("Converter", "").lower()
                value = VALUES.get(kind, "x")
                part = part.replace(f"<{kind}:{name}>", value).replace(f"<{name}>", value)
        else:
            continue  # regex routes (the admin's app index): reached through their model URLs
        if isinstance(entry, URLResolver):
            ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, prefix + part, ns)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + part, namespaces, entry


def every_url() -> list[tuple[str, tuple, URLPattern]]:
    return list(_walk(get_resolver().url_patterns, "", ()))


def row_counts() -> dict:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label not in ("sessions.Session",) and model._meta.managed
    }


@pytest.fixture
def operator_session(world):
    """An operator (every staff page is open to them) signed in with both factors, in a client
    that checks CSRF the way a browser-borne request is checked."""
    from tests.factories import UserFactory, member

    operator = UserFactory(username="root-op", is_superuser=True, is_staff=True)
    member("root-op", world.a, "org_admin")
    client = sign_in(Client(enforce_csrf_checks=True), operator)
    return client


def test_the_walk_finds_the_staff_urls():
    urls = [url for url, ns, _ in every_url() if STAFF_NAMESPACES.intersection(ns)]
    assert len(urls) > 40
    for expected in ("/es/staff/referrals/", "/api/v1/staff/referrals", "/es/staff/api-tokens/"):
        assert any(url.startswith(expected) for url in urls), expected


def test_every_staff_url_refuses_a_post_without_a_csrf_token(operator_session):
    before = row_counts()
    not_refused = {}
    for url, namespaces, _entry in every_url():
        if not STAFF_NAMESPACES.intersection(namespaces):
            continue
        # Pages take POST only; the API also PUT, PATCH and DELETE.
        methods = ("post", "put", "patch", "delete") if url.startswith("/api/") else ("post",)
        for method in methods:
            answer = getattr(operator_session, method)(url, {} if method == "post" else "")
            if answer.status_code != 403:
                not_refused[f"{method.upper()} {url}"] = answer.status_code
    assert not_refused == {}
    assert row_counts() == before


def test_public_urls_that_take_a_post_are_known(operator_session):
    """Outside the staff area, a POST without a token is either refused (403), not a POST route
    (405), or one of the public forms listed above."""
    before = row_counts()
    unexpected = {}
    for url, namespaces, entry in every_url():
        if STAFF_NAMESPACES.intersection(namespaces):
            continue
        answer = operator_session.post(url, {})
        if answer.status_code in (403, 405):
            continue
        if entry.name not in PUBLIC_POSTS_WITHOUT_TOKEN:
            unexpected[url] = (entry.name, answer.status_code)
    assert unexpected == {}
    assert row_counts() == before


def test_the_same_post_with_its_token_goes_through(world):
    """The control: the refusals above come from the missing token, not from anything else."""
    client = sign_in(Client(enforce_csrf_checks=True), world["caseworker-a"])
    from django.urls import reverse

    page = client.get(reverse("accounts:api_tokens"))
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    token = token or client.cookies["csrftoken"].value
    made = client.post(
        reverse("accounts:api_tokens"), {"name": "control"}, headers={"x-csrftoken": token}
    )
    assert made.status_code == 200
    refused = client.post(reverse("accounts:api_tokens"), {"name": "forged"})
    assert refused.status_code == 403
