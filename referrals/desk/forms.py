"""Forms of the desk: the search, the code look-up and the call tally. They draw the fields
and check their shape; the search parameters themselves are read by
services.search.parse_search_params."""

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from referrals.forms import MAX_CHILDREN, read_children_ages
from referrals.models import CallOutcome
from services.models import Population
from services.public.forms import need_choices

SORTS = [
    ("distance", _("Distance")),
    ("places", _("Free places")),
    ("verified", _("Last verified")),
]
# The populations a hotline is asked about, in the order callers name them.
DESK_POPULATIONS = [
    (Population.WOMEN.value, _("Women")),
    (Population.MEN.value, _("Men")),
    (Population.TRANS_NONBINARY.value, _("Trans and non-binary people")),
    (Population.LGBTQ.value, _("LGBTQ+ people")),
    (Population.MINORS_UNACCOMPANIED.value, _("Unaccompanied minors")),
]
FLAGS = [
    ("no_id", _("No ID needed")),
    ("free", _("Free")),
    ("open_now", _("Open now")),
    ("open_24_7", _("Open 24 hours")),
    ("has_capacity", _("Free places now")),
]


class DeskSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Need and place"),
        help_text=_("For example: refugio Cúcuta"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autofocus": True,
                "autocomplete": "off",
                "enterkeyhint": "search",
            }
        ),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    need = forms.ChoiceField(label=_("Need"), required=False, choices=())
    population = forms.MultipleChoiceField(
        label=_("Who"),
        required=False,
        choices=DESK_POPULATIONS,
        widget=forms.CheckboxSelectMultiple,
    )
    children = forms.IntegerField(
        label=_("Children with them"),
        required=False,
        min_value=0,
        max_value=MAX_CHILDREN,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    children_ages = forms.CharField(
        label=_("Children's ages"),
        help_text=_("For example: 4, 9"),
        required=False,
        max_length=60,
    )
    language = forms.ChoiceField(
        label=_("Caller's language"), required=False, choices=settings.CONTENT_LANGUAGES
    )
    no_id = forms.BooleanField(label=_("No ID needed"), required=False)
    free = forms.BooleanField(label=_("Free"), required=False)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    open_24_7 = forms.BooleanField(label=_("Open 24 hours"), required=False)
    has_capacity = forms.BooleanField(label=_("Free places now"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = need_choices()
        self.fields["language"].choices = [("", _("Any language")), *settings.CONTENT_LANGUAGES]

    def clean_children_ages(self) -> list[int]:
        return read_children_ages(self.cleaned_data.get("children_ages") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ages = data.get("children_ages") or []
        if ages and not data.get("children"):
            data["children"] = len(ages)
        return data


class CodeLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Referral code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class CallForm(forms.Form):
    """Two taps: the need, region and language come from the search on screen; the outcome is
    the button pressed."""

    organization = forms.TypedChoiceField(coerce=uuid.UUID, choices=(), widget=forms.HiddenInput)
    need = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    region = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    language = forms.CharField(required=False, max_length=8, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=CallOutcome.choices)
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(str(o.pk), o.name) for o in organizations]
