"""A member chooses the language of their e-mails on their own account page."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from accounts.languages import recipient_language
from tests.factories import OrganizationFactory, member, sign_in

pytestmark = pytest.mark.django_db


def page(lang: str = "es") -> str:
    with translation.override(lang):
        return reverse("accounts:language")


@pytest.fixture
def alice(db):
    return member("alice", OrganizationFactory(name="Casa Alice"), "intake")


def test_a_member_chooses_portuguese_for_their_e_mails(alice):
    client = sign_in(Client(), alice)
    shown = client.get(page()).content.decode()
    for own_name in ("Español", "English", "Português", "Français", "Kreyòl ayisyen"):
        assert own_name in shown
    assert page() in client.get(reverse("accounts:dashboard")).content.decode()

    answer = client.post(page(), {"language": "pt"})

    assert answer.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "pt"
    assert recipient_language(alice) == "pt"


def test_an_unknown_language_is_refused_in_the_members_language_and_changes_nothing(alice):
    client = sign_in(Client(), alice)

    answer = client.post(page("pt"), {"language": "xx"})

    assert answer.status_code == 400
    assert "Escolha uma opção válida." in answer.content.decode()
    alice.refresh_from_db()
    assert alice.language == "es"


def test_the_page_is_for_signed_in_members_only(db):
    answer = Client().post(page(), {"language": "pt"})
    assert answer.status_code in (302, 404)


def test_a_language_no_longer_offered_falls_back_to_spanish(alice):
    alice.language = "pt"
    with override_settings(LANGUAGES=[("es", "Spanish"), ("en", "English")]):
        assert recipient_language(alice) == "es"
