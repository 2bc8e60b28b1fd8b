import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, Scope, User
from config.languages import OWN_NAMES


class SignInForm(AuthenticationForm):
    """Django's form: one error message for a wrong name, a wrong password and an inactive
    account, so it never tells which."""

    username = forms.CharField(
        label=_("Username"),
        help_text=_("Usually your e-mail address."),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


def _no_hidden_characters(value: str) -> None:
    """Names are shown to other members: no direction overrides (U+202E turns "gnp.exe" around),
    no invisible characters that make two names look alike, no control characters."""
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in value):
        raise forms.ValidationError(
            _("Remove invisible or text-direction characters from the name."), code="hidden"
        )


class PersonNameField(forms.CharField):
    default_validators = [_no_hidden_characters]

    def to_python(self, value: Any) -> str:
        return unicodedata.normalize("NFC", super().to_python(value))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]

    def clean_email(self) -> str:
        """A domain with non-Latin letters is kept in its ASCII (punycode) form: the mail
        reaches the same place, and "exаmple.org" with a Cyrillic "а" shows as the xn--
        name it is instead of passing for example.org in the members list."""
        local, _at, domain = self.cleaned_data["email"].rpartition("@")
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError as bad:
            raise forms.ValidationError(_("Enter a valid e-mail address.")) from bad
        return f"{local}@{domain}"


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]


class NewAccountForm(forms.Form):
    """The account an invitation creates; its username and e-mail are the invited address."""

    first_name = PersonNameField(label=_("First name"), max_length=150)
    last_name = PersonNameField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            candidate = User(
                username=self.email,
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, e.g. the script or computer that will use it."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=Scope.choices,
        required=False,
        initial=[Scope.REFERRALS_READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only intake staff may let a token open contact details, and such a token lasts "
            "7 days at most. Without a choice, the token only reads referrals."
        ),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name.isprintable():
            raise forms.ValidationError(_("Use letters, numbers and punctuation only."))
        return name


class LanguageForm(forms.ModelForm):
    """The member's language for e-mails, each choice named in its own language (a member who
    reads only Creole finds "Kreyòl ayisyen" on a Spanish page)."""

    class Meta:
        model = User
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, OWN_NAMES[code]) for code, _name in settings.LANGUAGES
        ]


class WorkPhoneForm(forms.Form):
    """A member's work phone in one organisation: blank, or a number as
    services.listings.row_edits.read_phone accepts one (the one check of phone numbers)."""

    membership = forms.IntegerField(widget=forms.HiddenInput)
    work_phone = forms.CharField(
        label=_("Work phone"),
        required=False,
        max_length=50,
        help_text=_(
            "Organisations that receive your referrals see it, to call you back about them. "
            "Nobody else does."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_work_phone(self) -> str:
        from django.core.exceptions import ValidationError

        from services.listings.row_edits import read_phone

        raw = self.cleaned_data.get("work_phone") or ""
        if not raw.strip():
            return ""
        try:
            return read_phone(raw)["number"]
        except ValidationError as invalid:
            raise forms.ValidationError(invalid.message_dict["number"]) from None
