"""Phone numbers are data: read with their owner's country, stored as E.164, shown in the
national format of the page's country and the international one elsewhere; unreadable ones are
refused with a clear message, or (already stored) listed for a steward."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from services import models as m
from services import phones
from services.templatetags.directory import phone_number, tel_href, whatsapp_href
from tests.factories import LocationFactory, RegionFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bogota():
    return RegionFactory(code="CO", name="Colombia", level=m.Region.Level.COUNTRY)


def test_a_national_number_is_stored_as_e164_with_its_locations_country(bogota):
    location = LocationFactory(region=bogota)
    phone = m.Phone(location=location, number="(601) 555 0101")
    phone.full_clean()
    assert phone.number == "+576015550101"


def test_an_invalid_number_is_refused_with_a_message_in_the_users_language(bogota):
    location = LocationFactory(region=bogota)
    with translation.override("es"):
        with pytest.raises(ValidationError) as refused:
            m.Phone(location=location, number="12").full_clean()
        assert "no es un número de teléfono" in " ".join(refused.value.message_dict["number"])


def test_a_number_without_country_code_and_no_known_country_is_refused():
    service = ServiceFactory()
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            m.Phone(service=service, number="300 123 4567").full_clean()
        assert "no country code" in " ".join(refused.value.message_dict["number"])


def test_a_number_stored_without_its_country_code_gets_no_broken_whatsapp_link():
    legacy = m.Phone(number="300 123 4567", whatsapp=True)
    # wa.me/3001234567 would open a chat with a stranger in another country, or nobody.
    assert whatsapp_href(legacy) == ""
    normalised = m.Phone(number="+573001234567", whatsapp=True)
    assert whatsapp_href(normalised) == "https://wa.me/573001234567"
    assert tel_href(normalised) == "tel:+573001234567"


def test_numbers_show_nationally_on_their_own_countrys_pages_and_internationally_elsewhere():
    phone = m.Phone(number="+576015550101")
    assert phone_number(phone, "CO") == "(601) 5550101"
    assert phone_number(phone, "US") == "+57 601 5550101"
    assert phone_number(phone) == "+57 601 5550101"


def test_normalising_stored_numbers_fixes_what_it_can_and_lists_the_rest(bogota):
    location = LocationFactory(region=bogota)
    readable = m.Phone.objects.create(location=location, number="601 555 0101")
    unreadable = m.Phone.objects.create(service=ServiceFactory(), number="ext. 12")
    changed, left = phones.normalise_stored(m.Phone)
    readable.refresh_from_db()
    unreadable.refresh_from_db()
    assert changed == 1 and readable.number == "+576015550101"
    assert left == [(unreadable.pk, "ext. 12")] and unreadable.number == "ext. 12"
    out = io.StringIO()
    call_command("phones_to_fix", stdout=out)
    assert str(unreadable.pk) in out.getvalue() and "ext. 12" in out.getvalue()
    assert str(readable.pk) not in out.getvalue()
    assert "1 numbers to fix." in out.getvalue()


def test_the_admin_lists_the_numbers_to_fix_and_refuses_an_invalid_one(bogota):
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    m.Phone.objects.create(service=ServiceFactory(), number="ext. 12")
    m.Phone.objects.create(service=ServiceFactory(), number="+576015550101")
    request = RequestFactory().get("/admin/services/phone/", {"format": "fix"})
    request.user = get_user_model().objects.create_superuser("alice", "a@example.org", "x" * 20)
    model_admin = admin.site._registry[m.Phone]
    listed = model_admin.get_changelist_instance(request).get_queryset(request)
    assert [p.number for p in listed] == ["ext. 12"]
    form_class = model_admin.get_form(request)
    location = LocationFactory(region=bogota)
    with translation.override("fr"):
        form = form_class(data={"number": "+57 12", "location": location.pk, "type": "voice"})
        assert not form.is_valid()
        assert "n'est pas un numéro" in " ".join(form.errors["number"])
    assert not m.Phone.objects.filter(location=location).exists()


def test_every_demo_number_is_valid_e164():
    call_command("load_demo", verbosity=0)
    numbers = list(m.Phone.objects.values_list("number", flat=True))
    assert numbers
    assert [n for n in numbers if not phones.is_e164(n)] == []
