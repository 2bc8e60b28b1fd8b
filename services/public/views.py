"""The public site: find help, read a listing, browse by region, call a hotline.

Every page here is for anonymous visitors on a phone someone else may check: GET only, no cookie,
no third party, no search term kept (see static/js/site.js for the address bar), no-store so the
browser keeps no copy, gzip because data is slow and dear. Searching and showing locations go
through services.search and services.confidential only.
"""

from __future__ import annotations

import functools
import math
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import F, Func, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from services import hours, visibility
from services.confidential import PublicLocation, public_location
from services.listings import upkeep
from services.listings.upkeep import listing_freshness
from services.models import (
    MergedRecord,
    Region,
    Service,
    ServiceArea,
    TaxonomyTerm,
)
from services.public import reports as public_reports
from services.public import share, sheets, tokens
from services.public.forms import ProblemReportForm, SearchForm, countries_with_services
from services.public.hits import HitView, _card_phones, hit_views  # noqa: F401 — tests read them here
from services.querysets import capacity_is_current
from services.search import (
    DEFAULT_PER_PAGE,
    PlaceNotFound,
    ResolvedPlace,
    SearchParamError,
    SearchParams,
    SearchResult,
    SearchTooBroad,
    attach_terms,
    documents,
    dropped_everything,
    parse_search_params,
    public_locations_prefetch,
    search,
)

# The big buttons on the home page: (taxonomy term code, label). Labels are ours, short and plain;
# a button shows only when the directory has the term.
MAIN_NEEDS = [
    ("housing", _("Shelter")),
    ("legal", _("Legal help")),
    ("hotline", _("Hotlines")),
    ("health", _("Health")),
    ("labour-rights", _("Work rights")),
]
# Terms that make a service a hotline (with their narrower terms).
HOTLINE_TERMS = ("hotline",)
# Coordinates from "near me" are already rounded on the device; rounding again here covers a
# hand-made URL, so that no finer position reaches the search, a link or a page.
COORDINATE_DECIMALS = 2


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET/HEAD only, compressed, and never stored by the browser or a shared cache.

    Compression is safe here: public pages hold no secret (no CSRF token, no session) for a
    BREACH-style attack to guess.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return require_safe(gzip_page(wrapper))


def _lang() -> str:
    return (get_language() or "es")[:2]


def _clean_query(data: QueryDict) -> QueryDict:
    """The visitor's parameters without empty values, with coordinates no finer than ~1 km, and
    with the home page's country used as the region when no place narrows the search."""
    query = QueryDict(mutable=True)
    for key, values in data.lists():
        kept = [value.strip() for value in values if value.strip()]
        if kept:
            query.setlist(key, kept)
    for key in ("lat", "lon"):
        if key in query:
            try:
                value = float(query[key])
            except ValueError:
                continue  # parse_search_params names the bad parameter
            if math.isfinite(value):
                query[key] = f"{value:.{COORDINATE_DECIMALS}f}"
    if "place" in query:
        # A typed place wins over an earlier "near me".
        query.pop("lat", None)
        query.pop("lon", None)
    country = query.get("country", "").upper()
    if country:
        # Kept as the context that ranks a typed place ("Florida" from Colombia's page).
        query["country"] = country
        if "region" not in query and not {"place", "lat"} & set(query):
            query["region"] = country
    query.pop("per_page", None)
    return query


def _need_buttons() -> list[tuple[str, str]]:
    existing = set(
        TaxonomyTerm.objects.filter(code__in=[code for code, _label in MAIN_NEEDS]).values_list(
            "code", flat=True
        )
    )
    return [(code, str(label)) for code, label in MAIN_NEEDS if code in existing]


def _hotline_search(country: Region, lang: str, limit: int, load: str) -> SearchResult:
    return search(
        SearchParams(region=country.code, taxonomy_term=HOTLINE_TERMS, per_page=limit),
        lang=lang,
        load=load,
    )


def national_hotlines(country: Region, lang: str, *, limit: int = 100) -> list[Any]:
    """Hotlines whose service area is the whole country, as cards (documents.page_cards)."""
    result = _hotline_search(country, lang, limit, "rows")
    return documents.page_cards(result.rows, lang=lang, area_region=country.id)


def national_hotline_views(country: Region, lang: str, *, limit: int = 100) -> list[HitView]:
    """The same hotlines with their models loaded, for a reader that is not a page (the text
    channel picks a number from them)."""
    result = _hotline_search(country, lang, limit, "page")
    return hit_views(
        [
            hit
            for hit in result.hits
            if any(area.region_id == country.id for area in hit.service.service_areas.all())
        ],
        lang,
    )


def _page_cards(result: SearchResult, lang: str) -> list[Any]:
    """The cards of a page of results: stored documents, stitched (services/search/documents.py)."""
    origin = result.origin.point if result.origin is not None else None
    return documents.page_cards(result.rows, lang=lang, origin=origin)


def _country_or_404(code: str) -> Region:
    return get_object_or_404(Region, code=code.upper(), level=Region.Level.COUNTRY)


@public_page
def home(request: HttpRequest, country: str = "") -> HttpResponse:
    lang = _lang()
    chosen = _country_or_404(country) if country else None
    form = SearchForm(initial={"country": chosen.code if chosen else ""}, with_filters=False)
    return render(
        request,
        "services/home.html",
        {
            "page_country": chosen.code if chosen else "",
            "form": form,
            "needs": _need_buttons(),
            "countries": countries_with_services(),
            "country": chosen,
            "hotlines": national_hotlines(chosen, lang) if chosen else [],
        },
    )


# A query with any of these names a situation or a place: it only ever travels sealed.
PRIVATE_KEYS = ("q", "search", "place", "lat", "lon")


def _sealed_url(query: QueryDict) -> str:
    return reverse("services:sealed_results", kwargs={"token": tokens.seal(query)})


def _suggestions(query: QueryDict, params: SearchParams | None) -> list[dict[str, str]]:
    """Ways out of an empty result, each a link (sealed) to a search that may find something."""
    suggestions = []
    filters = [
        key
        for key in query
        if key not in {"q", "search", "place", "lat", "lon", "page", "radius_km", "country"}
    ]
    if filters:
        kept = QueryDict(mutable=True)
        for key in ("q", "place", "lat", "lon", "country"):
            if key in query:
                kept[key] = query[key]
        suggestions.append({"label": gettext("Remove all filters"), "url": _sealed_url(kept)})
    if params is not None and (params.place or params.lat is not None):
        wider = query.copy()
        wider["radius_km"] = "250"
        if query.get("radius_km") != "250":
            suggestions.append(
                {"label": gettext("Search farther away (250 km)"), "url": _sealed_url(wider)}
            )
        anywhere = query.copy()
        for key in ("place", "lat", "lon", "radius_km"):
            anywhere.pop(key, None)
        suggestions.append(
            {"label": gettext("Search without a place"), "url": _sealed_url(anywhere)}
        )
    if query.get("q"):
        without_words = query.copy()
        without_words.pop("q")
        if without_words:
            suggestions.append(
                {
                    "label": gettext("Search without the words you typed"),
                    "url": _sealed_url(without_words),
                }
            )
    return suggestions


def _place_choices(query: QueryDict, places: list[ResolvedPlace]) -> list[dict[str, str]]:
    """Each reading of the typed place as a link that searches there (sealed, by its code)."""
    choices = []
    for place in places:
        there = query.copy()
        there["place"] = f"={place.code}"
        there.pop("page", None)
        country = place.country_region
        choices.append(
            {
                "name": place.name,
                "country": country.name if country is not None and place.kind != "country" else "",
                "url": _sealed_url(there),
            }
        )
    return choices


def _whole_country_url(query: QueryDict, code: str) -> str:
    """The same search over a whole country, without the place that could not be found."""
    country = query.copy()
    for key in ("place", "lat", "lon", "radius_km", "page"):
        country.pop(key, None)
    country["region"] = code
    return _sealed_url(country)


@csrf_exempt  # changes nothing and sets no cookie: a same-origin check instead (reports.py)
@require_http_methods(["GET", "HEAD", "POST"])
def results(request: HttpRequest) -> HttpResponse:
    """The search form posts here and is answered with 303 to a sealed results address, so the
    words and the place never enter a URL, the history or a log line. A shared link without
    words or place (a region, a need) is shown as it is; an old link with them is sealed."""
    if request.method == "POST":
        if not public_reports.same_origin(request):
            response = HttpResponse(
                gettext("This form must be sent from our own page."), status=403
            )
            add_never_cache_headers(response)
            return response
        query = _clean_query(request.POST)
        return _see_other(_sealed_url(query))
    query = _clean_query(request.GET)
    if any(key in query for key in PRIVATE_KEYS):
        return _see_other(_sealed_url(query))
    return _results_page(request, query)


class _SeeOther(HttpResponseRedirect):
    """303: the browser fetches the sealed address with GET, and Back skips the POST."""

    status_code = 303


def _see_other(url: str) -> HttpResponse:
    response = _SeeOther(url)
    add_never_cache_headers(response)
    return response


@public_page
def sealed_results(request: HttpRequest, token: str) -> HttpResponse:
    try:
        query = tokens.unseal(token)
    except tokens.TokenExpired:
        return _lost_search(request, gettext("This search has expired. Please search again."), 410)
    except tokens.TokenInvalid:
        return _lost_search(request, gettext("This search address is not valid."), 404)
    return _results_page(request, _clean_query(query))


def _lost_search(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "services/results.html",
        {"form": SearchForm(), "lost": message, "query": QueryDict()},
        status=status,
    )


@public_page
def _results_page(request: HttpRequest, query: QueryDict) -> HttpResponse:
    lang = _lang()
    form = SearchForm(query)
    error: SearchParamError | None = None
    params: SearchParams | None = None
    result: SearchResult | None = None
    try:
        params = parse_search_params(query)
        if _only_common_words(params):
            raise SearchParamError(
                "q",
                gettext(
                    "These words are too common to search by: write what you need, like "
                    "“shelter” or “lawyer”, or choose a place."
                ),
            )
        # A place the gazetteer does not know is only found out while searching.
        result = search(params, lang=lang, load="rows")
        if result.total and params.page > result.total_pages:
            # An out-of-range page (an old link) shows the last one rather than nothing.
            query["page"] = str(result.total_pages)
            params = parse_search_params(query)
            result = search(params, lang=lang, load="rows")
    except SearchParamError as exc:
        error, result = exc, None
    hits = _page_cards(result, lang) if result else []
    origin_country = None
    if result is not None and not hits:
        origin_region = result.origin.region if result.origin else None
        code = (origin_region.code if origin_region else params.region if params else "")[:2]
        origin_country = Region.objects.filter(code=code, level=Region.Level.COUNTRY).first()
    origin = result.origin if result is not None else None
    typed_place = (query.get("place") or "").split(",")[0].strip()
    if typed_place.startswith("=") and origin is not None:
        # A reading picked from "Which one?": the form shows its name, not its code.
        shown = query.copy()
        shown["place"] = typed_place = origin.name
        form = SearchForm(shown)
    unplaced = isinstance(error, PlaceNotFound)
    context_country = (query.get("country") or "").upper()
    origin_region = origin.region if origin is not None else None
    return render(
        request,
        "services/results.html",
        {
            "page_country": (
                origin_region.country_code
                if origin_region is not None
                else ((params.region or "")[:2] if params else "") or context_country
            ).upper(),
            "form": form,
            "query": query,
            "error": None if unplaced else error,
            "unplaced_message": error.message if unplaced else "",
            "params": params if error is None else None,
            "result": result,
            "hits": hits,
            "near_me": params is not None and params.lat is not None,
            "suggestions": _suggestions(query, params) if result is not None and not hits else [],
            "fallback_hotlines": national_hotlines(origin_country, lang, limit=20)
            if origin_country
            else [],
            "fallback_country": origin_country,
            "typed_place": typed_place,
            "place_choices": _place_choices(query, [origin, *origin.alternatives])
            if origin is not None and origin.ambiguous
            else [],
            "unplaced": unplaced,
            "unplaced_choices": _place_choices(query, error.suggestions) if unplaced else [],
            "whole_country": (
                Region.objects.filter(code=context_country, level=Region.Level.COUNTRY).first()
                if unplaced and context_country
                else None
            ),
            "whole_country_url": _whole_country_url(query, context_country)
            if unplaced and context_country
            else "",
            "page_links": _page_links(query, result),
        },
        status=(422 if isinstance(error, SearchTooBroad) else 400) if error is not None else 200,
    )


def _only_common_words(params: SearchParams) -> bool:
    """Words were typed, none worth searching by (search/text.py), and nothing else was asked:
    the page asks what is needed rather than listing the whole directory."""
    return dropped_everything(params.text) and replace(
        params, text="", country="", page=1, per_page=DEFAULT_PER_PAGE
    ) == SearchParams(per_page=DEFAULT_PER_PAGE)


def _page_links(query: QueryDict, result: SearchResult | None) -> dict[str, str]:
    """The previous and next pages, each sealed."""
    links: dict[str, str] = {}
    if result is None:
        return links
    for name, page in (("prev", result.page - 1), ("next", result.page + 1)):
        if 1 <= page <= result.total_pages:
            other = query.copy()
            other["page"] = str(page)
            links[name] = _sealed_url(other)
    return links


def _load_service(pk: uuid.UUID) -> Service:
    """A published service with everything its page shows, in a fixed number of queries, and
    only what the public may see of it (services/visibility.py's row rules, applied here as in
    search and the API); its locations come without their exact point
    (search.public_locations_prefetch)."""
    service = get_object_or_404(
        Service.objects.published()
        .select_related("organization", "program")
        .prefetch_related(
            "phones",
            "languages",
            "schedules",
            "required_documents",
            "cost_options",
            "funding",
            "contacts__phones",
            Prefetch("service_areas", queryset=ServiceArea.objects.select_related("region")),
            public_locations_prefetch(),
        ),
        pk=pk,
    )
    attach_terms([service])
    visibility.prune([service])
    return service


def _page_rows(service: Service, lang: str) -> dict[str, Any]:
    """What the service page shows of the rows around the service, as _load_service left them:
    at a confidential location, directly or through the service's link to it, only the intake
    line; no contact, hours, accessibility or language note there, no link description."""
    places = []
    for sal in service.service_at_locations.all():
        place = public_location(sal.location, lang=lang)
        # The link's phones are the place's too (an intake line may hang off the link).
        place.phones = [*place.phones, *sal.phones.all()]
        schedules = [*sal.schedules.all(), *sal.location.schedules.all()]
        places.append(
            {
                "public": place,
                "location": sal.location,
                "link": sal,
                "hours": hours.describe_hours(schedules, lang=lang),
                "time_zone": hours.service_time_zone(sal.location),
                "accessibility": list(sal.location.accessibility.all()),
                "maps": _maps_links(place),
            }
        )
    return {
        "places": places,
        "phones": _card_phones(service, []),
        "schedules": list(service.schedules.all()),
        "languages": list(service.languages.all()),
        "contacts": [
            {"contact": contact, "phones": list(contact.phones.all())}
            for contact in service.contacts.all()
        ],
    }


@public_page
def service_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    lang = _lang()
    try:
        service = _load_service(pk)
    except Http404:
        merged = MergedRecord.objects.filter(old_id=pk, record_type="service").first()
        if merged is None:
            raise
        return redirect("services:service", pk=merged.new_id, permanent=True)
    return render(request, "services/service_detail.html", _detail_context(service, lang))


def service_country(service: Service, places: list[dict[str, Any]]) -> str:
    """The country a listing's page is about: its first place's, else its first area's (from
    what _load_service prefetched; no query)."""
    for place in places:
        region = getattr(place["location"], "region", None)
        if region is not None:
            return region.country_code
    for area in service.service_areas.all():
        if area.region is not None:
            return area.region.country_code
    return ""


def _share_links(service: Service, rows: dict[str, Any], lang: str) -> dict[str, str]:
    numbers = rows["phones"] or [
        phone for place in rows["places"] for phone in place["public"].phones
    ]
    return share.share_links(service, numbers, hours.describe_hours(rows["schedules"], lang=lang))


def public_share_links(pk: uuid.UUID) -> dict[str, str] | None:
    """The share links of a published listing as its public page makes them (for the staff
    listing page); None when the public cannot open it."""
    try:
        service = _load_service(pk)
    except Http404:
        return None
    lang = _lang()
    return _share_links(service, _page_rows(service, lang), lang)


def _detail_context(service: Service, lang: str, report: Any = None) -> dict[str, Any]:
    rows = _page_rows(service, lang)
    own_schedules = rows["schedules"]
    return {
        "service": service,
        "page_country": service_country(service, rows["places"]),
        "share": _share_links(service, rows, lang),
        "freshness": listing_freshness(service),
        "capacity_current": capacity_is_current(service),
        "report": report or ProblemReportForm.blank(service, rows["phones"]),
        "places": rows["places"],
        "open_now": hours.is_open_now(service),
        "hours": hours.describe_hours(own_schedules, lang=lang),
        "time_zone": hours.service_time_zone(service) if own_schedules else "",
        "phones": rows["phones"],
        "languages": rows["languages"],
        "contacts": rows["contacts"],
        "areas": list(service.service_areas.all()),
        "populations": [
            label
            for value, label in Service._meta.get_field("populations").base_field.choices
            if value in service.populations
        ],
    }


@csrf_exempt  # public pages set no cookie, so no CSRF cookie: see services/public/reports.py
@require_POST
def report_problem(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """An anonymous report about a listing. Answers with the service page: a thank-you note, or
    the form again with what to fix, in the visitor's language. Nothing is kept about the
    visitor, and no cookie is set."""
    lang = _lang()
    if not public_reports.same_origin(request):
        response = HttpResponse(gettext("This form must be sent from our own page."), status=403)
        add_never_cache_headers(response)
        return response
    service = _load_service(pk)
    phones = _page_rows(service, lang)["phones"]
    form = ProblemReportForm(service, phones, request.POST)
    status = 200
    if not form.is_valid():
        status = 400
    elif public_reports.throttled(request, service.pk):
        form.add_error(None, gettext("Too many reports right now. Please try again in an hour."))
        status = 429
    elif not public_reports.use_nonce(form.token_data):
        form.add_error(
            None, gettext("This form was already sent. Reload the page to send another.")
        )
        status = 400
    else:
        try:
            upkeep.report_problem(
                service=service, kind=form.cleaned_data["kind"], phone=form.cleaned_data["phone"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
        else:
            form.sent = True
    if status != 200:
        form.refresh_challenge()
    response = render(
        request, "services/service_detail.html", _detail_context(service, lang, form), status=status
    )
    add_never_cache_headers(response)
    return response


def _maps_links(place: PublicLocation) -> dict[str, str] | None:
    """Links that open a map app or OpenStreetMap only when tapped (no tiles, nothing embedded).

    Built from the street address of an ordinary location; a confidential one has no address to
    give, so it gets no map link at all.
    """
    if place.is_confidential or not place.address:
        return None
    from urllib.parse import quote

    address = place.address
    parts = [
        address.get("address_1"),
        address.get("address_2"),
        address.get("city"),
        address.get("state_province"),
        address.get("country"),
    ]
    text = ", ".join(part for part in parts if part)
    links = {"osm": f"https://www.openstreetmap.org/search?query={quote(text)}"}
    if place.latitude is not None and place.longitude is not None:
        links["geo"] = f"geo:{place.latitude:.6f},{place.longitude:.6f}?q={quote(text)}"
    return links


def _served_regions(parent: Region | None, level: int) -> list[Region]:
    """Regions at `level` (under `parent`) where the published directory has a service, located
    in the region or below it, or serving it.

    Reads the services' derived `region_ids` (every region they are in or serve, with its
    ancestors) in one pass; a correlated EXISTS per region took minutes on 15,000 towns when the
    planner had no statistics yet.
    """
    served = (
        Service.objects.published()
        .annotate(region_id=Func(F("region_ids"), function="unnest"))
        .values("region_id")
    )
    regions = Region.objects.filter(level=level, id__in=served)
    if parent is not None:
        regions = regions.filter(parent=parent)
    return sorted(regions, key=lambda region: region.name.casefold())


@public_page
def regions(request: HttpRequest, code: str = "") -> HttpResponse:
    lang = _lang()
    region = get_object_or_404(Region, code=code.upper()) if code else None
    if region is None:
        return render(
            request,
            "services/regions.html",
            {"region": None, "children": countries_with_services(), "chain": []},
        )
    children = (
        _served_regions(region, region.level + 1)
        if region.level < Region.Level.MUNICIPALITY
        else []
    )
    query = QueryDict(mutable=True)
    query["region"] = region.code
    if request.GET.get("page"):
        query["page"] = request.GET["page"]
    try:
        params = parse_search_params(query)
    except SearchParamError:
        params = parse_search_params({"region": region.code})
    result = search(params, lang=lang, load="rows")
    return render(
        request,
        "services/regions.html",
        {
            "region": region,
            "page_country": region.country_code,
            "chain": list(reversed(region.ancestors_and_self()))[:-1],
            "children": children,
            "result": result,
            "hits": _page_cards(result, lang),
            "page_query": "",
        },
    )


@public_page
def hotlines(request: HttpRequest, country: str = "") -> HttpResponse:
    lang = _lang()
    chosen = _country_or_404(country) if country else None
    return render(
        request,
        "services/hotlines.html",
        {
            "page_country": chosen.code if chosen else "",
            "country": chosen,
            "countries": countries_with_services(),
            "hotlines": national_hotlines(chosen, lang) if chosen else [],
        },
    )


@public_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "services/privacy.html")


PAPER_LABELS = {"a4": _("A4"), "letter": _("US Letter")}


def _sheet_request(request: HttpRequest, code: str) -> tuple[Region, TaxonomyTerm | None, str]:
    """The region (a country or first-level subdivision), the need (one of MAIN_NEEDS) and the
    paper a sheet is asked for; a 404 for anything else (a town's sheet is its state's)."""
    region = get_object_or_404(
        Region,
        code=code.upper(),
        level__in=[Region.Level.COUNTRY, Region.Level.SUBDIVISION],
    )
    need_code = request.GET.get("need", "").strip()
    # Only the needs a sheet groups by: a bounded set of sheets to make and keep (a PDF costs
    # a second or two of a core), whatever addresses a crawler tries.
    if need_code and need_code not in {code for code, _label in MAIN_NEEDS}:
        raise Http404
    need = get_object_or_404(TaxonomyTerm, code=need_code) if need_code else None
    paper = request.GET.get("paper", "")
    if paper not in sheets.PAPERS:
        paper = sheets.default_paper(region.country_code)
    return region, need, paper


def _sheet_html(request: HttpRequest, region: Region, need: TaxonomyTerm | None, paper: str) -> str:
    lang = _lang()
    key = sheets.cache_key("html", region.code, need.code if need else "", lang, paper)
    html = cache.get(key) if key else None
    if html is None:
        context = {
            **sheets.build(
                region,
                need,
                lang,
                cards=hit_views,
                needs=MAIN_NEEDS,
                hotline_terms=HOTLINE_TERMS,
            ),
            "region": region,
            "need": need,
            "paper": paper,
            "papers": [(size, PAPER_LABELS[size]) for size in sheets.PAPERS],
            "page_country": region.country_code,
            "site_url": settings.SITE_URL.split("://", 1)[-1],
        }
        html = render_to_string("services/sheet.html", context, request=request)
        if key:
            cache.set(key, html, timeout=sheets.CACHE_SECONDS)
    return html


@public_page
def region_sheet(request: HttpRequest, code: str) -> HttpResponse:
    """A region's services on one or two printed pages, for the browser's print."""
    region, need, paper = _sheet_request(request, code)
    return HttpResponse(_sheet_html(request, region, need, paper))


@public_page
def region_sheet_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The same sheet as a PDF, made here (services/public/sheets.py)."""
    region, need, paper = _sheet_request(request, code)
    lang = _lang()
    key = sheets.cache_key("pdf", region.code, need.code if need else "", lang, paper)
    pdf = cache.get(key) if key else None
    if pdf is None:
        pdf = sheets.pdf_from_html(_sheet_html(request, region, need, paper))
        if key:
            cache.set(key, pdf, timeout=sheets.CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"enlace-{region.code.lower()}{'-' + need.code if need else ''}-{lang}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
