"""`{% hit_cards %}` (result cards drawn in Python, for speed) gives byte for byte what the
reference templates services/_hit.html and services/_phones.html give, in both languages, for
every kind of card the demo has and for values that need escaping."""

import copy

import pytest
from django.http import QueryDict
from django.template import engines
from django.utils import translation

import services.public.views as views
from services.models import Region
from services.search import SearchParams, parse_search_params, search
from tests.public_tests.demo import demo_directory

SEARCHES = [
    "q=albergue",
    "q=legal",
    "place=C%C3%BAcuta",
    "place=Bogot%C3%A1&radius_km=2000&q=salud",
    "lat=4.61&lon=-74.08&radius_km=500",
    "region=CO&free=on",
    "language=en",
    "region=US",
    "page=2",
]

REFERENCE = engines["django"].from_string(
    '{% for hit in hits %}{% include "services/_hit.html" with level=level %}{% endfor %}'
)
FAST = engines["django"].from_string("{% load cards %}{% hit_cards hits level %}")

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_directory(django_db_blocker):
        yield


def _hits(lang: str) -> list[views.HitView]:
    hits = []
    for query in SEARCHES:
        params = parse_search_params(views._clean_query(QueryDict(query)))
        hits += views.hit_views(search(params, lang=lang, load="page").hits, lang)
    for code in ("CO", "PE", "US"):
        # The national hotlines' cards, drawn from the models (the pages stitch them from
        # stored documents: tests/public_tests/test_stored_cards.py).
        params = SearchParams(region=code, taxonomy_term=views.HOTLINE_TERMS, per_page=100)
        country = Region.objects.get(code=code)
        hits += views.hit_views(
            [
                hit
                for hit in search(params, lang=lang, load="page").hits
                if any(area.region_id == country.id for area in hit.service.service_areas.all())
            ],
            lang,
        )
    return hits


def _both(hits: list, level, page_country: str = "") -> tuple[str, str]:
    context = {"hits": hits, "level": level, "page_country": page_country}
    return REFERENCE.render(context), FAST.render(context)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_cards_are_those_of_the_reference_template(demo, lang):
    with translation.override(lang):
        hits = _hits(lang)
        for level in (3, 4, None):
            # Numbers national on a page about their country, international elsewhere.
            for page_country in ("", "CO", "US"):
                reference, fast = _both(hits, level, page_country)
                assert fast == reference
    # The searches covered what a card can show.
    assert reference.count('class="card"') > 100
    for part in ("km", "open", "closed", "tel:", "https://wa.me/", '<p class="meta">'):
        assert part in reference, part


@pytest.mark.parametrize("lang", ["es", "en"])
def test_cards_escape_what_the_template_escapes(demo, lang):
    with translation.override(lang):
        hits = _hits(lang)[:12]
        odd = []
        for n, hit in enumerate(hits):
            hit = copy.copy(hit)
            hit.service = copy.copy(hit.service)
            hit.service.name_es = hit.service.name_en = ""
            # Every other name only in the other language: shown with its note.
            other = ("en" if lang == "es" else "es") if n % 2 else lang
            setattr(hit.service, f"name_{other}", f'<b>Casa "{n}" & Co\'s</b>')
            hit.service.organization = copy.copy(hit.service.organization)
            hit.service.organization.name = "A&B <i>"
            hit.service.terms = [copy.copy(term) for term in hit.service.terms]
            for term in hit.service.terms:
                term.name = "<x>&"
            hit.phones = [copy.copy(phone) for phone in hit.phones]
            for k, phone in enumerate(hit.phones):
                phone.number = '+57 "1" <2> & 3'
                phone.type = ("voice", "cell", "text", "fax")[(n + k) % 4]
                phone.whatsapp = (n + k) % 2 == 0
            hit.open_now = (True, False, None)[n % 3]
            hit.service.open_24_7 = n % 5 == 4
            hit.distance_km = (None, 0.2, 12.6)[n % 3]
            if n % 4 == 0:
                hit.place = None
            odd.append(hit)
        reference, fast = _both(odd, 3)
    assert fast == reference
    assert "&lt;b&gt;Casa &quot;0&quot; &amp; Co&#x27;s&lt;/b&gt;" in fast
    assert "&lt;x&gt;&amp;" in fast and "+57 &quot;1&quot; &lt;2&gt; &amp; 3" in fast
    for part in ("tel:", "sms:", "open", "closed", "km", "lang-note"):
        assert part in fast, part
    # A number that cannot be read has no country code for wa.me: no WhatsApp link at all.
    assert "wa.me" not in fast


def test_no_hits_draw_nothing(demo):
    assert _both([], 3) == ("", "")
