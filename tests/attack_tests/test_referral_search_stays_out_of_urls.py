"""Screen one of making a referral: the words a hotline worker types (often a place or a need
the caller named) travel in a POST body, never in a URL, where the browser's history on a
shared phone and every access log would keep them."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from services.search.index import refresh_services
from tests.factories import sign_in
from tests.referrals_tests.staff_world import world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
WORDS = "Casa Refugio"


def new_url() -> str:
    with translation.override("es"):
        return reverse("referrals:new")


def test_the_search_form_posts_and_its_results_carry_no_search_words(world):
    refresh_services([world.service_b.pk])
    hotline = sign_in(Client(), world["hotline-a"])
    page = hotline.get(new_url()).content.decode()
    form = re.search(r'<form method="(\w+)"[^>]*role="search"', page)
    assert form and form.group(1) == "post"
    assert 'name="csrfmiddlewaretoken"' in page
    found = hotline.post(new_url(), {"q": WORDS, "client_language": "en"})
    assert found.status_code == 200
    text = found.content.decode()
    create = reverse("referrals:create", kwargs={"service_id": world.service_b.pk})
    assert create in text  # the service was found
    for href in re.findall(r'(?:href|action)="([^"]*)"', text):
        assert "Casa" not in href and "Refugio" not in href
        if href.startswith("/"):  # our own links (the quick-exit link goes elsewhere)
            assert "q=" not in href


def test_words_in_a_get_url_are_not_searched(world):
    """An old bookmark or a hand-made link with ?q= gets the empty form: the GET route never
    searches, so nobody is nudged into putting words in a URL."""
    refresh_services([world.service_b.pk])
    hotline = sign_in(Client(), world["hotline-a"])
    answer = hotline.get(new_url() + "?q=Casa+Refugio")
    assert answer.status_code == 200
    create = reverse("referrals:create", kwargs={"service_id": world.service_b.pk})
    assert create not in answer.content.decode()


def test_an_oversize_search_is_a_form_error_not_a_search(world):
    hotline = sign_in(Client(), world["hotline-a"])
    answer = hotline.post(new_url(), {"q": "x" * 5000, "client_language": "es"})
    assert answer.status_code == 200
    assert "errorlist" in answer.content.decode()
