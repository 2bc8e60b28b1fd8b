"""Search returns hits that are already public: what a view or serializer is handed holds
nothing the row rules hide (services/visibility.py), so no caller has to filter it again. The
rows are those of test_rows_on_a_link.py: a service linked to a confidential shelter and to an
ordinary office, with phones, a contact, schedules and a description on each link."""

from __future__ import annotations

import pytest

from services import visibility
from services.search import SearchParams, search
from services.search.results import LOADS
from tests.privacy_tests import test_rows_on_a_link as link_rows
from tests.privacy_tests.test_rows_on_a_link import INTAKE, OPEN, SECRET

pytestmark = pytest.mark.django_db

world = link_rows.world


def _loaded_texts(hit) -> str:
    """Every text field of every row loaded with the hit, in every language."""
    texts = []
    for obj in visibility.walk_loaded([hit.service]):
        for field in obj._meta.concrete_fields:
            value = obj.__dict__.get(field.attname)
            if isinstance(value, str):
                texts.append(value)
    return "\n".join(texts)


@pytest.mark.parametrize("load", LOADS)
def test_search_hits_carry_nothing_the_row_rules_hide(world, load):
    result = search(SearchParams(text="Acogida Enlace"), lang="es", load=load)
    [hit] = [h for h in result.hits if h.service.pk == world.service.pk]
    text = _loaded_texts(hit)
    assert [label for label, value in SECRET.items() if value in text] == []


def test_search_hits_keep_the_intake_line_and_the_ordinary_place(world):
    result = search(SearchParams(text="Acogida Enlace"), lang="es", load="full")
    [hit] = [h for h in result.hits if h.service.pk == world.service.pk]
    links = {link.pk: link for link in hit.service.service_at_locations.all()}
    assert [p.number for p in links[world.hidden.pk].phones.all()] == [INTAKE]
    assert links[world.hidden.pk].description_es is None
    assert [p.number for p in links[world.public.pk].phones.all()] == [OPEN["link phone"]]
    assert links[world.public.pk].description_es == OPEN["link description"]
    # The service's own phones: the one hung off the link to the shelter is not among them.
    assert SECRET["service phone on the link"] not in {p.number for p in hit.service.phones.all()}
    notes = {s.description_es for s in hit.service.schedules.all()}
    assert SECRET["service schedule note"] not in notes


def _stitched(world, lang: str, origin) -> str:
    """The stored card of the world's service as a page stitches it, shown from `origin`."""
    from django.template import engines
    from django.utils import translation

    from services.search import documents

    cards = documents.page_cards([(world.service.pk, 1000.0)], lang=lang, origin=origin)
    assert [type(card) for card in cards] == [documents.StoredCard]
    with translation.override(lang):
        return (
            engines["django"]
            .from_string("{% load cards %}{% hit_cards hits 3 %}")
            .render({"hits": cards})
        )


def test_stored_documents_carry_nothing_the_row_rules_hide(world):
    """The stored API items and result cards (every language, every place a card can be shown
    at) hold none of the rows the rules hide; the shelter's card keeps its intake line."""
    from django.conf import settings

    from services.models import ServiceDocument

    documents = ServiceDocument.objects.filter(service=world.service)
    assert documents.count() == len(settings.LANGUAGES)
    for document in documents:
        stored = f"{document.body}\n{document.card}\n{document.hours}"
        assert [label for label, value in SECRET.items() if value in stored] == []
        assert document.card is not None and len(document.card["variants"]) == 2
    for lang, _name in settings.LANGUAGES:
        near_shelter = _stitched(world, lang, world.hidden.location.public_point)
        near_office = _stitched(world, lang, world.public.location.public_point)
        for html in (near_shelter, near_office):
            assert [label for label, value in SECRET.items() if value in html] == []
        assert INTAKE.replace(" ", "") in near_shelter
        assert OPEN["link phone"].replace(" ", "") in near_office
