"""The desk's pages: the search (home of hotline staff), the code look-up and the call tally.

The search form is POSTed and kept in the member's session, then shown by a GET (post, redirect,
get): the caller's place and words never reach a URL, the history or an access log, and "refer
to another" after a referral comes back to the same search. Every view is staff-only (404
otherwise) and starts from accounts.permissions and referrals.staff.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

import audit
from accounts import permissions
from referrals import staff
from referrals.actions import record_call
from referrals.codes import normalise
from referrals.desk.cards import build_cards, sort_cards
from referrals.desk.forms import CallForm, CodeLookupForm, DeskSearchForm
from referrals.desk.throttle import over_limit
from referrals.transitions import TransitionError
from services.models import Region, TaxonomyTerm
from services.search import SearchParamError, parse_search_params, search
from services.search.needs import split_need
from services.search.places import split_place

SESSION_KEY = "enlace.desk.search"
# The desk compares the best matches of one search on one screen and re-sorts them there.
DESK_RESULTS = 50


def _lang() -> str:
    return (get_language() or "es")[:2]


def _staff_or_404(request: HttpRequest) -> None:
    if not permissions.may_use_staff_area(request.user):
        raise Http404


def _search_query(data: dict[str, Any], lang: str) -> tuple[dict[str, Any], str]:
    """The search parameters of a valid desk form, and the need code it searched for."""
    text = (data.get("q") or "").strip()
    need = data.get("need") or ""
    if text and not need:
        need, text = split_need(text)
    place = (data.get("place") or "").strip()
    if text and not place:
        place, text = split_place(text)
    populations = list(data.get("population") or [])
    if data.get("children"):
        populations.append("families")
    query: dict[str, Any] = {
        "q": text,
        "place": place,
        "population": populations,
        "language": data.get("language") or "",
        "per_page": str(DESK_RESULTS),
    }
    if need:
        query["taxonomy_term"] = need
    for flag in ("no_id", "free", "open_now", "open_24_7", "has_capacity"):
        if data.get(flag):
            query[flag] = "true"
    return query, need


def _call_form(request: HttpRequest, need: str, region: Region | None, language: str) -> Any:
    organizations = [
        o
        for o in staff.referring_organizations(request.user)
        if permissions.may_record_calls(request.user, o)
    ]
    if not organizations:
        return None
    return CallForm(
        organizations=organizations,
        initial={
            "organization": str(organizations[0].pk),
            "need": need,
            "region": region.code if region is not None else "",
            "language": language,
            "key": uuid.uuid4(),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def find(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    lang = _lang()
    if request.method == "POST":
        if "clear" in request.POST:
            request.session.pop(SESSION_KEY, None)
            return redirect("desk:find")
        form = DeskSearchForm(request.POST)
        if form.is_valid():
            kept = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
            request.session[SESSION_KEY] = kept
            return redirect("desk:find")
        return _render_find(request, form, status=400)
    saved = request.session.get(SESSION_KEY)
    if saved:
        data = QueryDict(mutable=True)
        for key, values in saved.items():
            data.setlist(key, values)
        form = DeskSearchForm(data)
    else:
        form = DeskSearchForm(initial={"language": lang, "sort": "distance"})
    return _render_find(request, form)


def family_from_search(request: HttpRequest) -> dict[str, Any]:
    """The children of the member's current desk search ("with 2 children, 4 and 9"), for the
    referral form it opens: read from the session, so they travel in no URL."""
    saved = request.session.get(SESSION_KEY)
    if not saved:
        return {}
    data = QueryDict(mutable=True)
    for key, values in saved.items():
        data.setlist(key, values)
    form = DeskSearchForm(data)
    if not form.is_valid() or not form.cleaned_data.get("children"):
        return {}
    ages = form.cleaned_data.get("children_ages") or []
    return {
        "children": form.cleaned_data["children"],
        "children_ages": ", ".join(str(age) for age in ages),
    }


def _render_find(request: HttpRequest, form: DeskSearchForm, status: int = 200) -> HttpResponse:
    lang = _lang()
    context: dict[str, Any] = {"form": form, "cards": [], "result": None, "searched": False}
    language = lang
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        language = data.get("language") or lang
        query, need = _search_query(data, lang)
        try:
            params = parse_search_params(query)
            result = search(params, lang=lang, load="page")
        except SearchParamError as invalid:
            field = "place" if invalid.field == "place" else None
            form.add_error(field, invalid.message)
            status = 400
        else:
            origin = result.origin
            region = origin.region if origin is not None else None
            home = region.country_code if region is not None else ""
            cards = sort_cards(
                build_cards(request.user, result.hits, lang=lang, home_country=home),
                data.get("sort") or "distance",
            )
            if data.get("children"):
                ages = data.get("children_ages") or []
                cards = [card for card in cards if card.takes_children_aged(ages)]
            may_refer = bool(staff.referring_organizations(request.user))
            refer_query = urlencode(
                {"client_language": language, "from": "desk", **({"need": need} if need else {})}
            )
            context.update(
                searched=True,
                page_country=home,
                result=result,
                cards=cards,
                origin=origin,
                need=TaxonomyTerm.objects.filter(code=need).first() if need else None,
                several_countries=len({c.country for c in cards if c.country}) > 1,
                refer_query=refer_query if may_refer else "",
                call_form=_call_form(request, need, region, language),
                children=data.get("children"),
                children_ages=data.get("children_ages") or [],
            )
    if "call_form" not in context:
        context["call_form"] = _call_form(request, "", None, language)
    return render(request, "referrals/desk.html", context, status=status)


@login_required
@require_POST
def record(request: HttpRequest) -> HttpResponse:
    """Count the call: one tap on its outcome."""
    _staff_or_404(request)
    organizations = [
        o
        for o in staff.referring_organizations(request.user)
        if permissions.may_record_calls(request.user, o)
    ]
    if not organizations:
        raise Http404
    form = CallForm(request.POST, organizations=organizations)
    if not form.is_valid():
        messages.error(request, gettext("The call was not counted: choose how it ended."))
        return redirect("desk:find")
    data = form.cleaned_data
    organization = next(o for o in organizations if o.pk == data["organization"])
    try:
        record_call(
            actor=request.user,
            organization=organization,
            outcome=data["outcome"],
            key=data["key"],
            region=Region.objects.filter(code=data["region"]).first() if data["region"] else None,
            need=TaxonomyTerm.objects.filter(code=data["need"]).first() if data["need"] else None,
            language=data["language"],
        )
    except TransitionError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, gettext("Call counted. Thank you."))
    return redirect("desk:find")


def _audit_org(user: Any) -> uuid.UUID | None:
    ids = sorted(permissions.roles(user))
    return ids[0] if ids else None


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """A referral by the code a caller reads out. Found among the referrals this member may see:
    its page. Otherwise one answer, whether the code exists elsewhere or nowhere."""
    _staff_or_404(request)
    if request.method != "POST":
        return render(request, "referrals/lookup.html", {"form": CodeLookupForm()})
    form = CodeLookupForm(request.POST)
    if not form.is_valid():
        return render(request, "referrals/lookup.html", {"form": form}, status=400)
    if over_limit(request.user):
        form.add_error(
            "code", gettext("Too many look-ups in a short time. Wait a few minutes and try again.")
        )
        return render(request, "referrals/lookup.html", {"form": form}, status=429)
    code = normalise(form.cleaned_data["code"])
    if code is None:
        form.add_error(
            "code",
            gettext(
                "This code is incomplete or has a mistake (its last character does not match). "
                "Ask the person to read it again, one character at a time."
            ),
        )
        return render(request, "referrals/lookup.html", {"form": form}, status=400)
    referral = staff.visible_referrals(request.user).filter(code=code).first()
    if referral is None:
        audit.record(
            actor=request.user,
            action="referral.lookup_missed",
            organization=_audit_org(request.user),
            request=request,
        )
        form.add_error(
            "code",
            gettext("No referral you may see has this code. Check it with the person again."),
        )
        return render(request, "referrals/lookup.html", {"form": form}, status=404)
    view = permissions.referral_view(request.user, referral)
    own = (
        referral.referring_organization_id
        if view.side in ("referring", "both")
        else referral.receiving_organization_id
    )
    audit.record(
        actor=request.user,
        action="referral.looked_up",
        organization=own,
        obj=referral,
        request=request,
    )
    return redirect("referrals:detail", pk=referral.pk)
