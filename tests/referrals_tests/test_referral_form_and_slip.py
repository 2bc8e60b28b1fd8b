"""What a caseworker meets on the referral form and what the client carries away on the slip.

The form opens at the consent script (nothing has autofocus, so nothing scrolls it away), the
script names the receiving organisation and everything the referral tells it, and the person's
yes is an explicit tick that nothing gives in advance. The slip says nothing about what the
service is for: a code, a neutral first name chosen by the organisation or only a phone, the
expiry and the national hotline."""

import re

import pytest
from django.utils import translation

from referrals.actions import ConsentInput, ReferralInput, make_referral
from referrals.forms import consent_script
from referrals.models import Referral
from services.models import Phone, Region, ServiceArea
from tests.factories import OrganizationFactory, ServiceFactory
from tests.referrals_tests.staff_world import (
    client_for_world,
    referral_form,
    world_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db


def _form_page(world) -> str:
    client = client_for_world(world, "caseworker-a")
    with translation.override("es"):
        from django.urls import reverse

        url = reverse("referrals:create", kwargs={"service_id": world.service_b.pk})
    return client.get(url + "?client_language=es").content.decode()


def test_the_referral_form_opens_at_the_script_with_nothing_ticked(world):
    page = _form_page(world)
    form = page[page.index('<form method="post" class="stack"') :]
    assert "autofocus" not in form
    assert form.index('class="script"') < form.index('name="urgency"')
    for name in ("client_agrees", "shares_needs", "shares_contact", "interpreter_needed"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', form).group(0)
        assert "checked" not in tag, tag
    assert 'name="client_agrees"' in form


def test_the_consent_script_names_the_receiving_organisation_and_what_is_sent(world):
    script = consent_script("es", receiving=world.b.name)
    assert world.b.name in script
    for sent in ("ayuda", "edad", "género", "idioma"):
        assert sent in script, sent
    english = consent_script("en", receiving=world.b.name)
    for sent in ("help you need", "age group", "gender", "language"):
        assert sent in english, sent


def test_a_referral_without_the_persons_yes_is_refused_and_the_error_is_announced(world):
    client = client_for_world(world, "caseworker-a")
    data = referral_form(world)
    del data["client_agrees"]
    with translation.override("es"):
        from django.urls import reverse

        url = reverse("referrals:create", kwargs={"service_id": world.service_b.pk})
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Referral.objects.exists()
    page = response.content.decode()
    summary = page[page.index('class="error-summary"') - 12 :]
    assert 'role="alert"' in summary[:200] and "data-focus-first" in summary[:200]
    assert "marca la casilla" in summary[:1000].lower()


def _referral(world) -> Referral:
    return make_referral(
        actor=world["caseworker-a"],
        organization=world.a,
        details=ReferralInput(service=world.service_b, client_language="es", urgency="routine"),
        consent=ConsentInput(method="verbal", explained_language="es"),
        handoff=None,
    )


def test_the_slip_names_no_service_only_its_slip_name_phone_expiry_and_hotline(world):
    colombia = Region.objects.get_or_create(
        code="CO",
        defaults={"level": Region.Level.COUNTRY, "name": "Colombia", "country_code": "CO"},
    )[0]
    hotline = ServiceFactory(
        organization=OrganizationFactory(is_verified_partner=True), name="Línea nacional"
    )
    ServiceArea.objects.create(service=hotline, region=colombia, name="Colombia")
    Phone.objects.create(service=hotline, number="01 8000 52 2020")
    location = world.service_b.organization.locations.create(name="Sede", region=colombia)
    world.service_b.service_at_locations.create(location=location)
    world.service_b.slip_name = "Casa Ana"
    world.service_b.save()
    referral = _referral(world)
    client = client_for_world(world, "caseworker-a")
    with translation.override("es"):
        from django.urls import reverse

        page = client.get(reverse("referrals:slip", kwargs={"pk": referral.pk})).content.decode()
    assert "Casa Refugio B" not in page and "Refuge House B" not in page
    assert "Casa Ana" in page and "+57 601 222 3333" in page and "01 8000 52 2020" in page
    assert f'<strong class="code" translate="no">{referral.code}</strong>' in page
    assert "data-print" in page
    if referral.expires_at:
        assert str(referral.expires_at.year) in page


def test_without_a_slip_name_the_slip_shows_only_the_phone(world):
    referral = _referral(world)
    client = client_for_world(world, "caseworker-a")
    with translation.override("es"):
        from django.urls import reverse

        page = client.get(reverse("referrals:slip", kwargs={"pk": referral.pk})).content.decode()
    assert "Casa Refugio B" not in page and "+57 601 222 3333" in page
    assert "Pregunta por" not in page
