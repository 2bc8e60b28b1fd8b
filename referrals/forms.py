"""Forms of the staff referral pages. Contact fields are plain form fields that reach only
make_referral's HandoffInput: they are never put in a model form, a message or a log."""

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from referrals.models import AgeBand, Consent, DeclineReason, Gender, Outcome, Status, Urgency
from referrals.transitions import OUTCOMES
from services.models import TaxonomyTerm

# The consent script is read in the client's language: every interface language has it.
SCRIPT_LANGUAGES = tuple(settings.LANGUAGES)
# Moves that end a referral for good; the staff page asks for a ticked confirmation first.
IRREVERSIBLE_MOVES = ("close", "withdraw", "revoke")
# Fields that carry contact details: kept out of debug error pages (sensitive_post_parameters).
CONTACT_FIELDS = ("contact_name", "contact_phone", "safe_times", "note")


def consent_script(language: str, *, receiving: str) -> str:
    """The standard consent script, read to the client in their language (any interface
    language; Spanish otherwise). It names
    the organisation that will receive the referral and everything the referral tells it."""
    language = language if language in dict(SCRIPT_LANGUAGES) else "es"
    with translation.override(language):
        return str(
            _(
                "We would like to refer you to %(organization)s, which can help you. "
                "With your permission we will tell them the kind of help you need, your age "
                "group, your gender if you tell us, and the language you speak. "
                "If you agree, we will also give them a way to contact you, and only the way "
                "you choose. We will not share anything else about you. "
                "You can say no, and you can change your mind at any time: just tell us or "
                "them, and your contact details will be deleted. Do you agree?"
            )
            % {"organization": receiving}
        )


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *list(choices)]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(Status.choices, _("any"))
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=_blank(Urgency.choices, _("any"))
    )
    age = forms.ChoiceField(
        label=_("Waiting"),
        required=False,
        choices=[
            ("", _("any time")),
            ("today", _("less than a day")),
            ("2d", _("less than 48 hours")),
            ("old", _("more than 48 hours")),
        ],
    )


class MoveForm(forms.Form):
    """One transition. `version` is the one the user saw, so a stale page loses cleanly."""

    move = forms.ChoiceField(
        choices=[(m, m) for m in ("accept", "decline", "connect", "close", "withdraw", "revoke")],
        widget=forms.HiddenInput,
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Reason"), required=False, choices=_blank(DeclineReason.choices, "—")
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=_blank([c for c in Outcome.choices if c[0] in OUTCOMES], "—"),
    )
    method = forms.ChoiceField(
        label=_("How the client revoked consent"),
        required=False,
        choices=_blank(Consent.Method.choices, "—"),
    )
    confirm = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        move = data.get("move")
        if move in IRREVERSIBLE_MOVES and not data.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm: this step cannot be undone."))
        if move == "decline" and not data.get("reason"):
            self.add_error("reason", _("Choose why the referral is declined."))
        if move == "close" and not data.get("outcome"):
            self.add_error("outcome", _("Choose the outcome."))
        if move == "revoke" and not data.get("method"):
            self.add_error("method", _("Choose how the client revoked consent."))
        return data

    def reason_for_move(self) -> str:
        move = self.cleaned_data["move"]
        if move == "decline":
            return self.cleaned_data["reason"]
        if move == "revoke":
            return self.cleaned_data["method"]
        return ""


class ServiceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a service"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "type": "search"}),
    )
    client_language = forms.ChoiceField(
        label=_("Client's language"), choices=SCRIPT_LANGUAGES, initial="es"
    )


class ConsentFields(forms.Form):
    """What the client agreed to, as read from the script: asked when a referral is made and
    again when consent is renewed. Nothing is ticked in advance; `client_agrees` is the member's
    explicit record that the person said yes."""

    consent_method = forms.ChoiceField(
        label=_("How the client gave consent"), choices=Consent.Method.choices
    )
    client_agrees = forms.BooleanField(
        label=_("I read the script and the person said yes"),
        error_messages={
            "required": _("Read the script to the person and tick the box once they say yes.")
        },
    )
    shares_needs = forms.BooleanField(
        label=_("The client agrees to share their needs"), required=False
    )
    shares_contact = forms.BooleanField(
        label=_("The client agrees to share a way to contact them"), required=False
    )
    contact_channel = forms.ChoiceField(
        label=_("How they may be contacted"),
        required=False,
        choices=_blank(Consent.Channel.choices, "—"),
    )
    contact_name = forms.CharField(label=_("Name or alias"), required=False, max_length=200)
    contact_phone = forms.CharField(
        label=_("Phone or safe channel"), required=False, max_length=200
    )
    safe_times = forms.CharField(label=_("Safe times to call"), required=False, max_length=200)
    note = forms.CharField(
        label=_("Note for the receiving intake"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    script_language = forms.ChoiceField(choices=SCRIPT_LANGUAGES, widget=forms.HiddenInput)


# More children than this with one adult is a group, not a family: a typing slip.
MAX_CHILDREN = 15


def read_children_ages(raw: str) -> list[int]:
    """ "4, 9" (or "4 9", "4;9") as [4, 9]; a translated error for anything else."""
    ages = []
    for part in (raw or "").replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        if not part.isdigit() or int(part) > 17:
            raise forms.ValidationError(_("Give ages from 0 to 17, separated by commas."))
        ages.append(int(part))
    return ages


def check_children(data: dict[str, Any]) -> None:
    """Ages without a count give the count; more ages than children is a mistake to fix."""
    ages = data.get("children_ages") or []
    if ages and not data.get("children"):
        data["children"] = len(ages)
    if len(ages) > (data.get("children") or 0):
        raise forms.ValidationError({"children_ages": _("Give at most one age for each child.")})


class ReferralForm(ConsentFields):
    organization = forms.TypedChoiceField(
        label=_("Referring organisation"), coerce=uuid.UUID, choices=()
    )
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs"),
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    client_language = forms.ChoiceField(
        label=_("Client's language"), choices=settings.CONTENT_LANGUAGES
    )
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)
    age_band = forms.ChoiceField(
        label=_("Age band (optional)"),
        required=False,
        choices=_blank(AgeBand.choices, _("not given")),
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"), required=False, choices=_blank(Gender.choices, _("not given"))
    )
    children = forms.IntegerField(
        label=_("Children with them (optional)"),
        required=False,
        min_value=0,
        max_value=MAX_CHILDREN,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    children_ages = forms.CharField(
        label=_("Children's ages (optional)"),
        help_text=_("For example: 4, 9. No names."),
        required=False,
        max_length=60,
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def clean_children_ages(self) -> list[int]:
        return read_children_ages(self.cleaned_data.get("children_ages") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            check_children(data)
        except forms.ValidationError as invalid:
            self.add_error(None, invalid)
        return data

    def __init__(self, *args: Any, organizations: list, terms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(str(o.pk), o.name) for o in organizations]
        if len(organizations) == 1:
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].initial = str(organizations[0].pk)
        self.fields["needs"].queryset = terms


class RenewConsentForm(ConsentFields):
    """Consent recorded again with the client: its own method, scope and date."""
