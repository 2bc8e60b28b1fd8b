"""Each public service's stored result cards (services/search/documents.py): per interface
language and per location a card can be shown at, byte for byte the card drawn from the models,
with the distance and the hours badge filled per request; rebuilt on the refresh path after every
change of what a card shows (the admin's region, organisation and term edits included); never
holding what the row rules hide."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.gis.geos import Point
from django.forms.models import model_to_dict
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from services import hours
from services import models as m
from services.search import documents
from services.search.index import refresh_services
from tests.factories import RegionFactory, UserFactory, sign_in

CUCUTA = (7.89, -72.51)
LIMA = (-12.05, -77.04)
LANGS = [code for code, _name in settings.LANGUAGES]
FAST = engines["django"].from_string("{% load cards %}{% hit_cards hits level %}")
# A Monday, 10:00 in Bogotá: inside the weekday hours below.
MONDAY = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
SUNDAY = dt.datetime(2026, 3, 1, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def shelter(make_service):
    """A service at two places (an ordinary office in Cúcuta, a confidential shelter in Lima),
    with areas served, languages, terms and weekday hours."""
    colombia = m.Region.objects.get(code="CO")
    service = make_service(
        "Albergue Norte",
        at=CUCUTA,
        terms=("emergency-shelter", "legal"),
        languages=("es", "en"),
        area=colombia,
        hours=(("MO,TU,WE,TH,FR", dt.time(8), dt.time(17)),),
        is_free=True,
        no_id_required=True,
    )
    shelter = m.Location.objects.create(
        organization=service.organization,
        name_es="Casa Segura",
        point=Point(LIMA[1], LIMA[0], srid=4326),
        is_confidential=True,
        time_zone="America/Lima",
    )
    m.Address.objects.create(location=shelter, address_1="Jirón Secreto 12", country="PE")
    m.Phone.objects.create(location=shelter, number="+51 1 555 0000")
    m.Phone.objects.create(location=shelter, number="+51 1 555 0101", is_intake=True)
    m.ServiceAtLocation.objects.create(service=service, location=shelter)
    refresh_services([service.id])
    return service


def _render(cards, lang, level=3, page_country="") -> str:
    with translation.override(lang):
        return FAST.render({"hits": cards, "level": level, "page_country": page_country})


def _stored_html(
    service, lang, *, origin=None, metres=None, at=MONDAY, level=3, page_country=""
) -> str:
    cards = documents.page_cards([(service.id, metres)], lang=lang, origin=origin, now=at)
    assert [type(card) for card in cards] == [documents.StoredCard]
    return _render(cards, lang, level, page_country)


def _model_html(
    service, lang, *, origin=None, metres=None, at=MONDAY, level=3, page_country=""
) -> str:
    with translation.override(lang):
        [view] = documents._cards_from_models(
            [service.id], lang=lang, origin=origin, at=at
        ).values()
    view.distance_km = round(metres / 1000.0, 3) if metres is not None else None
    assert view.open_now == hours.is_open_now(view.service, at)
    return _render([view], lang, level, page_country)


def _assert_current(service) -> None:
    """Every stored card is the one the models draw now, wherever it is shown from."""
    for lang in LANGS:
        for origin, metres in ((None, None), (Point(-72.5, 7.9), 1234.0), (Point(-77, -12), 9.0)):
            for at, country in ((MONDAY, ""), (SUNDAY, "CO"), (MONDAY, "PE")):
                shown = {"origin": origin, "metres": metres, "at": at, "page_country": country}
                stored = _stored_html(service, lang, **shown)
                drawn = _model_html(service, lang, **shown)
                assert stored == drawn, (lang, origin, at, country)


def test_stored_cards_are_the_cards_drawn_from_the_models(shelter) -> None:
    _assert_current(shelter)
    near_cucuta = _stored_html(shelter, "es", origin=Point(-72.5, 7.9), metres=1234.0)
    near_lima = _stored_html(shelter, "es", origin=Point(-77, -12), metres=9.0, at=SUNDAY)
    # The card shows the place nearest the searcher, with that place's own public phones.
    assert "+57 601 555" in near_cucuta and "+51 1 5550101" not in near_cucuta
    assert "+51 1 5550101" in near_lima
    # A number is national on a page about its own country, international elsewhere.
    on_a_peruvian_page = _stored_html(shelter, "es", origin=Point(-77, -12), page_country="PE")
    assert "Llamar al (01) 5550101" in on_a_peruvian_page
    assert 'href="tel:+5115550101"' in on_a_peruvian_page
    assert "1 km" in near_cucuta
    assert 'class="open"' in near_cucuta and 'class="closed"' in near_lima
    # Each heading level a page asks for.
    assert "<h4>" in _stored_html(shelter, "en", level=4)


def test_a_stored_card_holds_nothing_a_row_rule_hides(shelter) -> None:
    secret_place = m.Location.objects.get(name_es="Casa Segura")
    for document in m.ServiceDocument.objects.filter(service=shelter):
        text = str(document.card)
        assert "Jirón Secreto" not in text
        assert "+51 1 555 0000" not in text  # not the shelter's intake line
        assert "Casa Segura" not in text
        # Where the card can be shown from: the shelter's public point, never its own.
        points = [variant["at"] for variant in document.card["variants"]]
        assert [secret_place.public_point.x, secret_place.public_point.y] in points
        assert [LIMA[1], LIMA[0]] not in points
    assert m.ServiceDocument.objects.filter(service=shelter).count() == len(LANGS)


def test_each_kind_of_change_rebuilds_the_cards(shelter) -> None:
    service = shelter
    office = service.service_at_locations.get(location__is_confidential=False).location
    # A town of its own: "the first Colombian region" depended on what earlier tests of the
    # run had left in the table, and could be the office's own town.
    bogota = RegionFactory(
        code="CO-DC-MOVED",
        name="Pueblo Movido",
        country_code="CO",
        parent=m.Region.objects.get(code="CO"),
    )
    term = m.TaxonomyTerm.objects.get(code="legal")

    def rename_organisation():
        service.organization.name = "Fundación Renombrada"
        service.organization.save()

    def add_phone():
        m.Phone.objects.create(service=service, number="+57 300 000 0000", whatsapp=True)

    def weekend_hours():
        m.Schedule.objects.filter(service=service).update(byday="SA,SU")

    def move_office():
        office.point = Point(-72.6, 7.95, srid=4326)
        office.region = bogota
        office.save()

    def add_language():
        m.Language.objects.create(service=service, code="fr")

    def add_area():
        m.ServiceArea.objects.create(service=service, region=bogota)

    def rename_term():
        term.name_es = term.name_en = "Ayuda legal gratuita"
        term.save()

    def free_places():
        service.capacity_available = 3
        service.capacity_updated_at = dt.datetime.now(dt.UTC)
        service.save()

    changes = (
        rename_organisation,
        add_phone,
        weekend_hours,
        move_office,
        add_language,
        add_area,
        rename_term,
        free_places,
    )
    shown = set(changes) - {free_places}  # the card shows no free places (the API item does)
    for change in changes:
        before = {lang: _stored_html(service, lang, at=SUNDAY) for lang in LANGS}
        change()
        refresh_services([service.id])
        _assert_current(service)
        after = {lang: _stored_html(service, lang, at=SUNDAY) for lang in LANGS}
        if change in shown:
            assert after != before, change.__name__


def test_a_write_without_a_refresh_leaves_no_older_card_served(shelter) -> None:
    """A save of any record a card shows discards the service's documents at once."""
    office = shelter.service_at_locations.get(location__is_confidential=False).location
    term = m.TaxonomyTerm.objects.get(code="legal")
    region = m.Region.objects.get(code="CO")
    writes = (
        lambda: m.Phone.objects.create(location=office, number="+57 1"),
        lambda: m.Language.objects.create(service=shelter, code="pt"),
        lambda: m.ServiceArea.objects.create(service=shelter, region=region),
        lambda: m.Attribute.objects.create(
            link_entity="service", link_id=shelter.id, taxonomy_term=term
        ),
        lambda: term.save(),
        lambda: region.save(),
    )
    for number, write in enumerate(writes):
        refresh_services([shelter.id])
        assert m.ServiceDocument.objects.filter(service=shelter).exists(), number
        write()
        assert not m.ServiceDocument.objects.filter(service=shelter).exists(), number
        # Until the refresh, the page draws the card from the models.
        [card] = documents.page_cards([(shelter.id, None)], lang="es")
        assert not isinstance(card, documents.StoredCard)


def test_a_card_from_another_release_is_drawn_from_the_models(shelter) -> None:
    m.ServiceDocument.objects.filter(service=shelter).update(card={"key": "older", "variants": []})
    [card] = documents.page_cards([(shelter.id, None)], lang="es", now=MONDAY)
    assert not isinstance(card, documents.StoredCard)
    assert _render([card], "es") == _model_html(shelter, "es")


def _admin_save(client, obj, **changes) -> None:
    """Saves `obj` through its admin change form, as staff do."""
    model_admin = admin.site._registry[type(obj)]
    operator = UserFactory(username="olga", is_superuser=True, is_staff=True)
    sign_in(client, operator)
    request = RequestFactory().get("/")
    request.user = operator
    form = model_admin.get_form(request, obj)
    data = {}
    for name, value in model_to_dict(obj, fields=list(form.base_fields)).items():
        data[name] = "" if value is None else value
    data.update(changes)
    meta = obj._meta
    response = client.post(f"/es/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_region_time_zone_edit_in_the_admin_refreshes_hours_and_cards(client, make_service):
    """A place without its own time zone reads its hours in its region's: an edit of that zone
    in the admin reaches the search row and the documents, as a location edit does."""
    region = m.Region.objects.filter(code__startswith="CO-").order_by("code").first()
    service = make_service(
        "Refugio Horario",
        at=CUCUTA,
        region=region,
        time_zone="",
        hours=(("MO", dt.time(8), dt.time(12)),),
    )
    assert m.ServiceDocument.objects.get(service=service, lang="es").hours["zone"] == (
        region.time_zone or "UTC"
    )
    _admin_save(client, region, time_zone="Asia/Tokyo")
    stored = m.ServiceDocument.objects.get(service=service, lang="es")
    assert stored.hours["zone"] == "Asia/Tokyo"
    assert m.SearchRow.objects.get(service_id=service.id).time_zone == "Asia/Tokyo"
    _assert_current(service)


def test_an_organisation_renamed_in_the_admin_is_on_its_stored_cards(client, shelter):
    _admin_save(client, shelter.organization, name="Fundación Nueva")
    card = m.ServiceDocument.objects.get(service=shelter, lang="es").card
    assert "Fundación Nueva" in str(card)
    _assert_current(shelter)


def test_a_verification_is_served_from_the_models_then_from_its_rebuilt_documents(
    shelter, celery_worker
) -> None:
    """The commonest write saves the service (its search row follows by trigger) and discards
    its documents: the listing is drawn from the models, as right, until the task queued when
    the verification commits has rebuilt them (ids only in its arguments)."""
    import time

    from services.listings.upkeep import verify_service
    from tests.factories import verified

    operator = verified(UserFactory(username="vera", is_superuser=True, is_staff=True))
    with pytest.MonkeyPatch.context() as patch:
        queued = []
        patch.setattr("services.listings.upkeep.queue_document_rebuild", queued.append)
        verify_service(actor=operator, service=shelter, method="phone")
        assert queued == [[shelter.id]]
    [drawn] = documents.page_cards([(shelter.id, None)], lang="es", now=MONDAY)
    assert not isinstance(drawn, documents.StoredCard)
    verify_service(actor=operator, service=shelter, method="phone")
    deadline = time.monotonic() + 60
    while documents.missing_ids() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert documents.missing_ids() == []
    [card] = documents.page_cards([(shelter.id, None)], lang="es", now=MONDAY)
    assert isinstance(card, documents.StoredCard)
    _assert_current(shelter)


def test_a_verification_holds_when_the_broker_is_down(shelter, settings, caplog) -> None:
    """No broker: the verification is kept and logged without the listing's name; the listing
    is drawn from the models until the next build."""
    from django.test import TestCase

    from config.celery import app as celery_app
    from services.listings.upkeep import verify_service
    from tests.factories import verified
    from tests.fault_tests.conftest import _drop_broker_connections

    operator = verified(UserFactory(username="vera", is_superuser=True, is_staff=True))
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    _drop_broker_connections()
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            verify_service(actor=operator, service=shelter, method="phone")
    finally:
        celery_app.conf.broker_url = previous
        _drop_broker_connections()
    shelter.refresh_from_db()
    assert shelter.last_verified_at is not None
    assert "could not be queued" in caplog.text and "Albergue" not in caplog.text
    [drawn] = documents.page_cards([(shelter.id, None)], lang="es", now=MONDAY)
    assert not isinstance(drawn, documents.StoredCard)
