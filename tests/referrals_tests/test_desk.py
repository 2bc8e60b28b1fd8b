"""The hotline desk: one search for a caller (several populations, children, need words as
people say them), dense cards with what staff may see, and a referral opened from a result."""

import pytest
from django.urls import reverse

from services import models as m
from services.search import parse_search_params, search
from services.search.needs import split_need
from tests.factories import OrganizationFactory, member, sign_in
from tests.hsds_tests.directory import INTAKE_PHONE, SECRET_STREET, build_directory
from tests.referrals_tests.staff_world import client_for_world, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(world):
    # Only this test's directory: the session's vocabulary is hidden inside the transaction.
    while m.TaxonomyTerm.objects.exists():
        m.TaxonomyTerm.objects.exclude(
            id__in=m.TaxonomyTerm.objects.filter(parent__isnull=False).values("parent_id")
        ).delete()
    m.Taxonomy.objects.all().delete()
    found = build_directory()
    # The codes of the production vocabulary, which the need words point to.
    for term, code in ((found.housing, "housing"), (found.emergency_shelter, "emergency-shelter")):
        term.code = code
        term.save()
    asylum = m.TaxonomyTerm.objects.create(
        taxonomy=found.taxonomy, code="asylum", name="Asilo y refugio", parent=found.legal_term
    )
    found.legal_term.code = "legal"
    found.legal_term.save()
    m.Attribute.objects.create(
        link_id=found.legal.id, link_entity="service", link_type="service", taxonomy_term=asylum
    )
    from services.search.index import refresh_services

    refresh_services([found.legal.id])
    return found


def desk_search(client, **fields):
    data = {"language": "es", "sort": "distance", **fields}
    response = client.post(reverse("desk:find"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def card_names(response) -> list[str]:
    """The services on the result cards, in order."""
    page = response.content.decode()
    return [part.split(">", 1)[1].split("</h3>")[0] for part in page.split('<h3 id="card-')[1:]]


@pytest.mark.parametrize(
    ("typed", "need", "rest"),
    [
        ("refugio Cúcuta", "housing", "cucuta"),
        ("casa refugio en Cúcuta", "housing", "en cucuta"),
        ("Albergue", "housing", ""),
        ("refugio (asilo) Cúcuta", "asylum", "cucuta"),
        ("solicitud de refugio", "asylum", ""),
        ("asilo", "asylum", ""),
        ("abogado laboral", "legal", "laboral"),
    ],
)
def test_need_words_are_read_as_people_say_them(directory, typed, need, rest):
    assert split_need(typed) == (need, rest)


def test_a_need_word_without_its_term_stays_a_word(directory):
    m.Attribute.objects.filter(taxonomy_term__code="asylum").delete()
    m.TaxonomyTerm.objects.filter(code="asylum").delete()
    assert split_need("asilo Cúcuta") == ("", "asilo Cúcuta")


def test_refugio_cucuta_puts_shelters_first_and_leaves_out_asylum_lawyers(world, directory):
    client = client_for_world(world, "hotline-a")
    response = desk_search(client, q="refugio Cúcuta")
    assert card_names(response) == ["Albergue de emergencia"]
    assert "Cúcuta" in response.content.decode()


def test_women_with_two_children_is_one_search(world, directory):
    client = client_for_world(world, "hotline-a")
    response = desk_search(
        client, q="refugio Cúcuta", population=["women"], children="2", children_ages="4, 9"
    )
    assert card_names(response) == ["Albergue de emergencia"]
    page = response.content.decode()
    assert "with 2 children (4, 9)" in page or "con 2 niños (4, 9)" in page
    # A shelter for men only is not a place for her.
    m.Service.objects.filter(pk=directory.shelter.pk).update(populations=["men"])
    from services.search.index import refresh_services

    refresh_services([directory.shelter.id])
    response = desk_search(client, q="refugio Cúcuta", population=["women"], children="2")
    assert card_names(response) == []


def test_a_shelter_says_whether_it_takes_children_and_up_to_what_age(world, directory):
    client = client_for_world(world, "hotline-a")
    shelter = m.Service.objects.filter(pk=directory.shelter.pk)
    shelter.update(takes_children=True, children_max_age=8)
    response = desk_search(client, q="refugio Cúcuta", population=["women"], children_ages="4")
    assert card_names(response) == ["Albergue de emergencia"]
    card = response.content.decode().split('<h3 id="card-1">')[1].split("</dl>")[0]
    assert "8" in card
    # A nine-year-old is older than it takes; a shelter that takes no children at all is out.
    response = desk_search(client, q="refugio Cúcuta", population=["women"], children_ages="4, 9")
    assert card_names(response) == []
    shelter.update(takes_children=False, children_max_age=None)
    assert card_names(desk_search(client, q="refugio Cúcuta", children="1")) == []
    # Without children in the search, the same shelter is found.
    assert card_names(desk_search(client, q="refugio Cúcuta")) == ["Albergue de emergencia"]


def test_several_populations_must_all_be_served(directory):
    params = parse_search_params({"population": ["women", "families"], "place": "Cúcuta"})
    assert params.populations == ("women", "families")
    assert [h.service for h in search(params, lang="es").hits] == [directory.shelter]
    params = parse_search_params({"population": ["women", "men"], "place": "Cúcuta"})
    assert search(params, lang="es").hits == []


def test_an_unknown_population_among_several_is_a_clear_error(directory):
    from services.search import SearchParamError

    with pytest.raises(SearchParamError) as refused:
        parse_search_params({"population": ["women", "cats"]})
    assert refused.value.field == "population"


def test_the_card_shows_places_phones_and_what_staff_may_see(world, directory):
    client = client_for_world(world, "hotline-a")
    page = desk_search(client, q="refugio Cúcuta").content.decode()
    assert "<strong>3</strong> camas" in page
    assert f'href="tel:{INTAKE_PHONE.replace(" ", "")}"' in page
    # Staff of a verified partner see the safe house's street; the public never does.
    assert SECRET_STREET in page
    public = client.get("/es/buscar/", {"q": "albergue", "place": "Cúcuta"})
    assert SECRET_STREET not in public.content.decode()


def test_staff_of_an_unverified_organisation_see_only_the_public_card(world, directory):
    outsider = member("outsider-c", OrganizationFactory(is_verified_partner=False), "caseworker")
    from django.test import Client

    client = sign_in(Client(), outsider)
    response = desk_search(client, q="refugio Cúcuta")
    assert card_names(response) == ["Albergue de emergencia"]
    page = response.content.decode()
    assert SECRET_STREET not in page
    # Not a referring partner: no refer button.
    assert "data-refer" not in page


def test_the_search_stays_out_of_every_url_and_comes_back_after_a_referral(world, directory):
    client = client_for_world(world, "hotline-a")
    response = client.post(reverse("desk:find"), {"q": "refugio Cúcuta", "language": "es"})
    assert response["Location"] == reverse("desk:find")
    page = client.get(reverse("desk:find")).content.decode()
    assert 'value="refugio Cúcuta"' in page
    # The refer link carries the service id and codes only.
    refer = reverse("referrals:create", kwargs={"service_id": directory.shelter.pk})
    assert f'href="{refer}?client_language=es&amp;from=desk&amp;need=housing"' in page
    assert "cucuta" not in page.split(refer)[1].split('"')[0].casefold()


def test_a_referral_opened_from_the_desk_has_the_need_and_language_ticked(world, directory):
    client = client_for_world(world, "hotline-a")
    url = reverse("referrals:create", kwargs={"service_id": directory.shelter.pk})
    page = client.get(url, {"client_language": "fr", "need": "housing"}).content.decode()
    emergency = str(directory.emergency_shelter.pk)
    assert f'value="{emergency}"' in page
    checked = page.split(f'value="{emergency}"')[1].split(">")[0]
    assert "checked" in checked
    assert '<option value="fr" selected>' in page


def test_bad_desk_input_is_a_clear_error_and_no_500(world, directory):
    client = client_for_world(world, "hotline-a")
    response = client.post(reverse("desk:find"), {"children": "-3", "children_ages": "4, x"})
    assert response.status_code == 400
    response = client.post(reverse("desk:find"), {"place": "Zzyzxqwv", "language": "es"})
    assert client.get(reverse("desk:find")).status_code == 400


def test_the_desk_is_staff_only(client, world, directory):
    assert client.get(reverse("desk:find")).status_code == 302  # to sign-in
    from django.test import Client

    from tests.factories import UserFactory

    nobody = sign_in(Client(), UserFactory(username="no-org"))
    assert nobody.get(reverse("desk:find")).status_code == 404
