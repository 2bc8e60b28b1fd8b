"""Staff pages of the referral workflow. Every view fetches through referrals.staff, which asks
accounts.permissions: a referral the user may not see is a 404, and what the user sees of it
(needs, demographics, contact details) is `permissions.referral_view`'s answer. URLs carry the
referral's UUID only, never its code or anything about the client. Views that hold contact
details are `sensitive_variables`/`sensitive_post_parameters`: a debug error page shows none."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from config.languages import OWN_NAMES
from referrals import crypto, notices, staff
from referrals.actions import CONSENT_SCRIPT_VERSION
from referrals.desk.views import family_from_search
from referrals.forms import (
    CONTACT_FIELDS,
    IRREVERSIBLE_MOVES,
    SCRIPT_LANGUAGES,
    InboxFilterForm,
    MoveForm,
    ReferralForm,
    RenewConsentForm,
    ServiceSearchForm,
    consent_script,
)
from referrals.handoffs import read_handoff
from referrals.models import Consent, DeclineReason, Outcome, Referral
from referrals.transitions import TransitionError
from services.search import SearchParamError, parse_search_params, search

REASON_LABELS = {**dict(DeclineReason.choices), **dict(Outcome.choices)}
METHOD_LABELS = dict(Consent.Method.choices)


def _list(request: HttpRequest, queryset: Any, template: str, title: str) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    queryset = staff.as_queue(staff.filter_inbox(queryset, data))
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, template, {"form": form, "page": page, "title": title})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Referrals to the services of the organisations where the user is intake staff."""
    if not permissions.may_use_staff_area(request.user):
        raise Http404
    return _list(
        request, staff.received_by(request.user), "referrals/list.html", gettext("Received")
    )


@login_required
def sent(request: HttpRequest) -> HttpResponse:
    if not permissions.may_use_staff_area(request.user):
        raise Http404
    notices.mark_sent_seen(request)
    return _list(request, staff.sent_by(request.user), "referrals/list.html", gettext("Sent"))


def _events(referral: Referral) -> list[dict[str, Any]]:
    rows = []
    for event in referral.events.select_related("actor_organization"):
        reason = ""
        if event.reason:
            label = REASON_LABELS.get(event.reason) or METHOD_LABELS.get(event.reason)
            reason = str(label) if label else ""
        rows.append(
            {
                "at": event.at,
                "to": event.get_to_status_display(),
                "organization": event.actor_organization.name if event.actor_organization else "",
                "reason": reason,
            }
        )
    return rows


# The next expected move, when it is offered, in the order a referral moves forward.
FORWARD = ("accept", "connect", "close")


def _detail_context(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    user = request.user
    moves = staff.moves_for(user, referral)
    view = permissions.referral_view(user, referral)
    is_referring = permissions.may_act_for_referring_side(user, referral)
    return {
        "referral": referral,
        "events": _events(referral),
        "moves": moves,
        "primary_move": next((m for m in FORWARD if m in moves), ""),
        "irreversible": IRREVERSIBLE_MOVES,
        "move_form": MoveForm(),
        "may_read_handoff": view.contact,
        "shows_needs": view.needs,
        "consent_state": view.consent,
        "is_referring": is_referring,
        "may_renew": is_referring and staff.may_renew_consent(referral),
        "needs": list(referral.needs.all()) if view.needs else [],
        # Who to call back when the client is reached only through the referring organisation:
        # the member's own work phone is for the receiving side alone (their colleagues have
        # their own ways to reach them), the organisation's public number for both.
        "referrer_name": staff.referrer_name(referral),
        "referrer_work_phone": (
            staff.referrer_work_phone(referral)
            if view.side in ("receiving", "both", "reader")
            else ""
        ),
        "referrer_phone": staff.organization_phone(referral.referring_organization_id),
    }


@login_required
def detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = staff.referral_or_404(request.user, pk)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


@login_required
@require_POST
def move(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = staff.referral_or_404(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, referral)
        context["move_form"] = form
        context["errors"] = [e for errors in form.errors.values() for e in errors]
        return render(request, "referrals/detail.html", context, status=400)
    name = form.cleaned_data["move"]
    try:
        staff.make_move(
            request.user,
            referral,
            name,
            version=form.cleaned_data["version"],
            reason=form.reason_for_move(),
            outcome=form.cleaned_data.get("outcome") or "",
        )
    except PermissionDenied:
        raise
    except TransitionError as refused:
        # A stale version or a lost race: say so, and show the referral as it is now.
        referral = staff.referral_or_404(request.user, pk)
        context = _detail_context(request, referral)
        context["errors"] = [refused.message]
        return render(request, "referrals/detail.html", context, status=409)
    messages.success(request, gettext("Saved."))
    return redirect("referrals:detail", pk=referral.pk)


@login_required
@require_POST
@never_cache
@sensitive_variables("details", "response")
def contact(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The receiving intake opens the contact details: POST so that no prefetch or history
    replays it, every opening audited (read_handoff, which asks the consent rule itself), and
    never stored by the browser."""
    referral = staff.referral_or_404(request.user, pk)
    if not permissions.may_read_handoff(request.user, referral):
        raise Http404
    try:
        details = read_handoff(actor=request.user, referral=referral)
    except crypto.HandoffUnreadable:
        details = None
    response = render(request, "referrals/contact.html", {"referral": referral, "details": details})
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    response["Pragma"] = "no-cache"
    return response


# --- making a referral ------------------------------------------------------------------------


def _referrer_orgs_or_404(request: HttpRequest) -> list:
    organizations = staff.referring_organizations(request.user)
    if not organizations:
        raise Http404
    return organizations


def _client_language(request: HttpRequest) -> str:
    value = (
        request.GET.get("client_language")
        or request.POST.get("client_language")
        or request.POST.get("script_language")
        or ""
    )
    if value in dict(SCRIPT_LANGUAGES):
        return value
    page = get_language() or "es"
    return page if page in dict(SCRIPT_LANGUAGES) else "es"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Screen one: find the service (the public search), or go straight on with ?service=."""
    _referrer_orgs_or_404(request)
    language = _client_language(request)
    if request.GET.get("service"):
        try:
            service_id = uuid.UUID(request.GET["service"])
        except ValueError as bad:
            raise Http404 from bad
        url = reverse("referrals:create", kwargs={"service_id": service_id})
        return redirect(f"{url}?client_language={language}")
    # The search words travel in a POST body: in a URL they would stay in the history of a
    # shared phone or computer and in every access log on the way.
    form = ServiceSearchForm(
        request.POST if request.method == "POST" else None,
        initial={"client_language": language},
    )
    result = None
    error = ""
    if form.is_valid() and form.cleaned_data["q"]:
        try:
            params = parse_search_params({"q": form.cleaned_data["q"]})
            result = search(params, lang=get_language() or "es")
        except SearchParamError as invalid:
            error = invalid.message
    return render(
        request,
        "referrals/new.html",
        {"form": form, "result": result, "error": error, "client_language": language},
    )


@sensitive_post_parameters(*CONTACT_FIELDS)
@login_required
@sensitive_variables("form", "data")
def create(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Screen two: one form. Screen three is the confirmation with the code."""
    organizations = _referrer_orgs_or_404(request)
    service = staff.referable_services().filter(pk=service_id).first()
    if service is None:
        raise Http404
    language = _client_language(request)
    terms = staff.terms_for(service)
    if request.method == "POST":
        form = ReferralForm(request.POST, organizations=organizations, terms=terms)
        if form.is_valid():
            data = form.cleaned_data
            organization = next(o for o in organizations if o.pk == data["organization"])
            try:
                referral = staff.submit_referral(
                    user=request.user, organization=organization, service=service, data=data
                )
            except TransitionError as refused:
                form.add_error(None, refused.message)
            else:
                return redirect("referrals:made", pk=referral.pk)
    else:
        initial = {
            "client_language": language,
            "script_language": language,
            # From the desk: the need searched for, as a code (never words about the client).
            "needs": staff.needs_from_code(terms, request.GET.get("need", "")),
            "urgency": "routine",
            "consent_method": "verbal",
            # A fresh key per rendered form: a double submit or a retry makes one referral.
            "idempotency_key": uuid.uuid4(),
        }
        if request.GET.get("from") == "desk":
            initial.update(family_from_search(request))
        form = ReferralForm(organizations=organizations, terms=terms, initial=initial)
    return render(
        request,
        "referrals/create.html",
        {
            "form": form,
            "service": service,
            "service_name": service.localized("name", get_language() or "es")[0] or service.name,
            "script": consent_script(language, receiving=service.organization.name),
            "receiving": service.organization.name,
            "script_language": language,
            "script_version": CONSENT_SCRIPT_VERSION,
            "other_script_languages": [
                (code, OWN_NAMES.get(code, code))
                for code, _n in SCRIPT_LANGUAGES
                if code != language
            ],
        },
    )


def _referring_referral_or_404(request: HttpRequest, pk: uuid.UUID) -> Referral:
    referral = staff.referral_or_404(request.user, pk)
    if permissions.referral_view(request.user, referral).side not in ("referring", "both"):
        raise Http404
    return referral


@login_required
def made(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = _referring_referral_or_404(request, pk)
    return render(request, "referrals/made.html", {"referral": referral})


@login_required
def slip(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A printable slip in the client's language: the code, the neutral name the receiving
    organisation chose for slips (or nothing but the phone), the expiry and the national
    hotline. Never the service's name, which may say what it is for: a slip found by the wrong
    person must not say "shelter for trafficking survivors". Nothing about the client."""
    referral = _referring_referral_or_404(request, pk)
    language = referral.client_language
    service = referral.service
    with translation.override(language):
        response = render(
            request,
            "referrals/slip.html",
            {
                "referral": referral,
                "language": language,
                "slip_name": service.slip_name,
                "phone": staff.public_phone(service),
                "hotline": staff.national_hotline(service),
            },
        )
    return response


@sensitive_post_parameters(*CONTACT_FIELDS)
@login_required
@sensitive_variables("form", "data")
def renew(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The referring side records the client's consent again: a new consent record, with its
    own method and date. Contact details, if the client gives them again, are sealed afresh."""
    referral = _referring_referral_or_404(request, pk)
    if not staff.may_renew_consent(referral):
        raise Http404
    language = _client_language(request)
    if request.method == "POST":
        form = RenewConsentForm(request.POST)
        if form.is_valid():
            try:
                staff.renew_consent(user=request.user, referral=referral, data=form.cleaned_data)
            except TransitionError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, gettext("Consent recorded again."))
                return redirect("referrals:detail", pk=referral.pk)
        status = 400
    else:
        # Nothing is ticked in advance: each agreement is the client's, recorded as they give it.
        form = RenewConsentForm(
            initial={
                "script_language": language,
                "consent_method": "verbal",
            }
        )
        status = 200
    return render(
        request,
        "referrals/renew.html",
        {
            "referral": referral,
            "form": form,
            "script": consent_script(language, receiving=referral.receiving_organization.name),
            "script_language": language,
            "script_version": CONSENT_SCRIPT_VERSION,
        },
        status=status,
    )
