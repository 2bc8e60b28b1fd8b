"""The staff pages' quick exit signs the member out as it leaves: a POST with the CSRF token to
the sign-out view, which ends the session and sends the browser to the neutral page. A GET (which
any other site could make a browser send) signs nobody out."""

import pytest
from django.test import Client

from services.templatetags.site import quick_exit_target
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def test_leaving_through_the_quick_exit_signs_out_and_goes_to_the_neutral_page(bob):
    client = sign_in(Client(), bob)
    response = client.post("/es/staff/sign-out/", {"leave": "1"})
    assert response.status_code == 200
    assert (
        f'http-equiv="refresh" content="0;url={quick_exit_target()}"' in response.content.decode()
    )
    assert "cookies" in response["Clear-Site-Data"]
    assert client.get("/es/staff/").status_code == 302  # to the sign-in page
    assert "/staff/sign-in/" in client.get("/es/staff/")["Location"]


def test_a_get_or_a_post_without_the_csrf_token_signs_nobody_out(bob):
    client = sign_in(Client(enforce_csrf_checks=True), bob)
    assert client.get("/es/staff/sign-out/?leave=1").status_code == 405
    assert client.post("/es/staff/sign-out/", {"leave": "1"}).status_code == 403
    assert client.get("/es/staff/").status_code == 200
