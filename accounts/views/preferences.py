"""A member's own preferences. Each view changes only the signed-in member's own row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from accounts import actions, permissions
from accounts.forms import LanguageForm, WorkPhoneForm
from accounts.models import Membership
from config.languages import OWN_NAMES


@login_required
def language(request: HttpRequest) -> HttpResponse:
    """The language of the member's e-mails. The pages keep following the URL's language."""
    form = LanguageForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        # Only this column: the rest of the row (password, last sign-in) is not the form's.
        form.instance.save(update_fields=["language"])
        messages.success(
            request,
            gettext("Saved. We will write to you in %(language)s.")
            % {"language": OWN_NAMES[form.instance.language]},
        )
        return redirect("accounts:dashboard")
    status = 400 if form.errors else 200
    return render(request, "accounts/language.html", {"form": form}, status=status)


@login_required
def work_phone(request: HttpRequest) -> HttpResponse:
    """The member's work phone in each organisation they are an active member of."""
    if not permissions.may_use_staff_area(request.user):
        raise Http404
    memberships = list(
        Membership.objects.filter(user=request.user, is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )
    posted = None
    status = 200
    if request.method == "POST":
        posted = WorkPhoneForm(request.POST, auto_id=_auto_id(request.POST.get("membership")))
        chosen = None
        if posted.is_valid():
            chosen = next(
                (m for m in memberships if m.pk == posted.cleaned_data["membership"]), None
            )
            if chosen is None:
                raise Http404
            actions.set_work_phone(
                actor=request.user,
                membership=chosen,
                work_phone=posted.cleaned_data["work_phone"],
                request=request,
            )
            messages.success(request, gettext("Work phone saved."))
            return redirect("accounts:work_phone")
        status = 400
    rows = []
    for membership in memberships:
        if posted is not None and str(membership.pk) == posted.data.get("membership"):
            form = posted
        else:
            form = WorkPhoneForm(
                initial={"membership": membership.pk, "work_phone": membership.work_phone},
                auto_id=_auto_id(membership.pk),
            )
        rows.append({"membership": membership, "form": form})
    return render(request, "accounts/work_phone.html", {"rows": rows}, status=status)


def _auto_id(membership_id: object) -> str:
    # One form per organisation on the page: each field's id names its membership.
    return "id_%s_" + "".join(c for c in str(membership_id or "") if c.isdigit())[:12]
