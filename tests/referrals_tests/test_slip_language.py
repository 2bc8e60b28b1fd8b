"""The printable slip speaks the client's language, whichever of the five it is."""

import polib
import pytest

from referrals.models import Referral
from tests.i18n_tests.test_catalogues import catalogue_path
from tests.languages import interface_languages
from tests.referrals_tests.staff_world import world_fixture  # noqa: F401
from tests.referrals_tests.test_pages import _referral_in, client_for, url

pytestmark = pytest.mark.django_db

SLIP_SENTENCES = (
    "Your referral",
    "Your code:",
    "Give this code when you call or visit. It says nothing about you.",
    "Print",
)


def translated(language: str, msgid: str) -> str:
    [entry] = [e for e in polib.pofile(str(catalogue_path(language))) if e.msgid == msgid]
    return entry.msgstr


def test_a_portuguese_slip_reads_in_brazilian_portuguese(world):
    referral = _referral_in(world, "sent")
    Referral.objects.filter(pk=referral.pk).update(client_language="pt")
    text = client_for(world["caseworker-a"]).get(url("slip", pk=referral.pk)).content.decode()
    assert '<html lang="pt">' in text
    assert translated("pt", "Your code:") in text and referral.code in text
    assert "Diga este código quando ligar ou for lá. Ele não diz nada sobre você." in text
    assert "Give this code" not in text


@pytest.mark.parametrize("language", interface_languages(["fr", "ht"], need="catalogued"))
def test_a_slip_for_a_french_or_creole_speaking_client_is_in_their_language(world, language):
    referral = _referral_in(world, "sent")
    Referral.objects.filter(pk=referral.pk).update(client_language=language)
    text = client_for(world["caseworker-a"]).get(url("slip", pk=referral.pk)).content.decode()
    assert f'<html lang="{language}">' in text
    for sentence in SLIP_SENTENCES:
        assert translated(language, sentence) in text
        assert sentence not in text


@pytest.mark.parametrize("language", ["pt", "fr", "ht"])
def test_the_consent_script_is_read_in_the_clients_language(world, language):
    from django.utils.html import escape

    from referrals.forms import consent_script

    case = client_for(world["caseworker-a"])
    page = case.get(url("create", service_id=world.service_b.pk) + f"?client_language={language}")
    text = page.content.decode()
    receiving = world.service_b.organization.name
    script = consent_script(language, receiving=receiving)
    assert script != consent_script("en", receiving=receiving)
    assert f'<blockquote lang="{language}" class="script">' in text
    assert escape(script) in text
    # Every other language is one tap away, named in its own language.
    for other in ("Español", "English", "Kreyòl ayisyen", "Português", "Français"):
        assert other in text
