"""A member's own preferences. Each view changes only the signed-in member's own row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from accounts.forms import LanguageForm
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
