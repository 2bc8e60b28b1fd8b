"""The public search form. It only draws the fields and keeps what the visitor chose; the
parameters are read and checked by services.search.parse_search_params, the one place that
knows what a search accepts (the API reads the same names)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from services.models import Population, Region, Service, ServiceArea, TaxonomyTerm
from services.phones import display as phone_display

RADIUS_CHOICES = [
    ("", _("Any distance")),
    ("5", _("Within 5 km")),
    ("10", _("Within 10 km")),
    ("25", _("Within 25 km")),
    ("50", _("Within 50 km")),
    ("100", _("Within 100 km")),
    ("250", _("Within 250 km")),
]
VERIFIED_CHOICES = [
    ("", _("Any time")),
    ("30", _("In the last month")),
    ("90", _("In the last 3 months")),
    ("365", _("In the last year")),
]
# (parameter, label): the yes/no filters, in the order a person looking for help weighs them.
FLAG_FILTERS = [
    ("free", _("Free")),
    ("no_id", _("No ID needed")),
    ("immigration_status_not_asked", _("They do not ask about immigration status")),
    ("open_now", _("Open now")),
    ("open_24_7", _("Open 24 hours, every day")),
    ("trafficking_specialised", _("Specialised in trafficking")),
    ("has_capacity", _("Has free places now")),
    ("accessible", _("Wheelchair accessible")),
]


def _attrs_html(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html, without the template engine."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's Select, drawn in Python: the same HTML as its templates (tests/public_tests prove
    it), without two template includes per option (~80 options on every results page)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = [
            f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>'
        ]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                # Each option ends with select_option.html's own line break.
                html.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs_html(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        # Every value above went through conditional_escape.
        return mark_safe("".join(html))  # noqa: S308  # nosec B308 B703


class FlagInput(forms.CheckboxInput):
    """A checkbox that sends `true`, the value the search parameters document; drawn in Python
    like Select (the HTML of django/forms/widgets/input.html)."""

    def __init__(self) -> None:
        super().__init__(attrs={"value": "true"})

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        value_html = "" if shown is None else f' value="{conditional_escape(str(shown))}"'
        return mark_safe(  # noqa: S308  # nosec B308 B703
            f'<input type="{conditional_escape(widget["type"])}"'
            f' name="{conditional_escape(widget["name"])}"{value_html}{_attrs_html(widget["attrs"])}>'
        )


def countries_with_services() -> list[Region]:
    """Countries where the published directory has at least one service (located there or
    serving it), by name in the page's language."""
    served = Service.objects.published().filter(
        service_at_locations__location__region__country_code=OuterRef("country_code")
    )
    serving = ServiceArea.objects.filter(
        service__in=Service.objects.published(), region__country_code=OuterRef("country_code")
    )
    countries = Region.objects.filter(level=Region.Level.COUNTRY).filter(
        Exists(served) | Exists(serving)
    )
    return sorted(countries, key=lambda region: region.name.casefold())


def need_choices() -> list[tuple[str, object]]:
    """Top-level needs with their narrower needs grouped under them (children are searched with
    their parent anyway)."""
    terms = list(TaxonomyTerm.objects.only("id", "code", "name", "parent_id"))
    children: dict[object, list[TaxonomyTerm]] = {}
    for term in terms:
        children.setdefault(term.parent_id, []).append(term)
    choices: list[tuple[str, object]] = [("", _("Any kind of help"))]
    for top in sorted(children.get(None, []), key=lambda t: t.name.casefold()):
        below = sorted(children.get(top.id, []), key=lambda t: t.name.casefold())
        if below:
            group = [(top.code, _("All: %(need)s") % {"need": top.name})]
            group += [(term.code, term.name) for term in below]
            choices.append((top.name, group))
        else:
            choices.append((top.code, top.name))
    return choices


# The filters' choices change when a listing is published or a term added, not per visitor: a
# results page reads them from the cache (fail-soft Redis, one round trip) instead of two queries
# (an EXISTS per country among them), at most this old.
CHOICES_SECONDS = 60


def _cached_choices(name: str, compute: Callable[[], list[Any]]) -> list[Any]:
    key = f"search-form:{name}:{(get_language() or settings.LANGUAGE_CODE)[:2]}"
    choices = cache.get(key)
    if choices is None:
        choices = compute()
        cache.set(key, choices, CHOICES_SECONDS)
    return choices


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("What help are you looking for?"),
        required=False,
        max_length=200,
        help_text=_("For example: shelter, lawyer, doctor, unpaid wages"),
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}
        ),
    )
    place = forms.CharField(
        label=_("Where?"),
        required=False,
        max_length=200,
        help_text=_("A town, city or region"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # Filled only by the "near me" button, already rounded to about 1 km on the device.
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, widget=forms.HiddenInput)
    # The country picked on the home page: narrows a search that names no place.
    country = forms.CharField(required=False, widget=forms.HiddenInput)

    taxonomy_term_id = forms.ChoiceField(label=_("Kind of help"), required=False, widget=Select)
    region = forms.ChoiceField(label=_("Country"), required=False, widget=Select)
    radius_km = forms.ChoiceField(
        label=_("Distance"), required=False, choices=RADIUS_CHOICES, widget=Select
    )
    language = forms.ChoiceField(label=_("Language spoken"), required=False, widget=Select)
    population = forms.ChoiceField(
        label=_("Who it is for"),
        required=False,
        choices=[("", _("Everyone")), *Population.choices],
        widget=Select,
    )
    verified_within_days = forms.ChoiceField(
        label=_("Information checked"), required=False, choices=VERIFIED_CHOICES, widget=Select
    )

    def __init__(self, *args, with_filters: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in FLAG_FILTERS:
            self.fields[name] = forms.BooleanField(label=label, required=False, widget=FlagInput())
        self.fields["language"].choices = [
            ("", _("Any language")),
            *[(code, name) for code, name in settings.CONTENT_LANGUAGES],
        ]
        if with_filters:
            needs = _cached_choices("needs", lambda: need_choices()[1:])
            self.fields["taxonomy_term_id"].choices = [("", _("Any kind of help")), *needs]
            countries = _cached_choices(
                "countries", lambda: [(c.code, c.name) for c in countries_with_services()]
            )
            self.fields["region"].choices = [("", _("All countries")), *countries]
            # A region reached by browsing (a department, a town) stays selectable.
            chosen = (self.data.get("region") or "").upper() if self.is_bound else ""
            codes = {code for code, _label in self.fields["region"].choices}
            if chosen and chosen not in codes:
                region = Region.objects.filter(code=chosen).first()
                if region is not None:
                    self.fields["region"].choices.append((region.code, region.name))

    @property
    def select_fields(self) -> list[forms.BoundField]:
        names = ["taxonomy_term_id", "region", "radius_km", "language", "population"]
        return [self[name] for name in [*names, "verified_within_days"]]

    @property
    def flag_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label in FLAG_FILTERS]

    @property
    def active_filter_count(self) -> int:
        if not self.is_bound:
            return 0
        names = ["taxonomy_term_id", "region", "radius_km", "language", "population"]
        names += ["verified_within_days", *[name for name, _label in FLAG_FILTERS]]
        return sum(1 for name in names if self.data.get(name))


class ProblemReportForm(forms.Form):
    """The anonymous "something is wrong" form of a service page. It has no field for anything
    about the visitor: what is wrong, which number, and the answer to a simple question."""

    kind = forms.ChoiceField(
        label=_("What is wrong?"),
        widget=forms.RadioSelect,
        choices=[
            ("phone_not_working", _("This number does not work")),
            ("closed", _("This place has closed")),
        ],
        error_messages={"required": _("Choose what is wrong.")},
    )
    phone = forms.ChoiceField(label=_("Which number?"), required=False, widget=forms.RadioSelect)
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=20,
        error_messages={"required": _("Answer the question, so we know a person sent this.")},
    )
    t = forms.CharField(widget=forms.HiddenInput, max_length=500)

    def __init__(self, service: Service, phones: list, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        self.phones = {str(phone.pk): phone for phone in phones}
        self.fields["phone"].choices = [
            (key, phone_display(p.number)) for key, p in self.phones.items()
        ]
        self.sent = False
        self.token_data: dict = {}
        self.question = None
        if self.is_bound:
            from services.public.reports import question_for, read_token

            data = read_token(self.data.get("t", ""), service.pk)
            if data is not None:
                self.question = question_for(data)

    @classmethod
    def blank(cls, service: Service, phones: list) -> "ProblemReportForm":
        form = cls(service, phones)
        form.refresh_challenge()
        return form

    def refresh_challenge(self) -> None:
        """A new token and question for the next try (each token works once)."""
        from services.public.reports import new_challenge

        challenge = new_challenge(self.service.pk)
        self.question = challenge.question
        self.challenge_token = challenge.token

    def clean(self) -> dict:
        from services.public.reports import answer_is_right, read_token

        data = super().clean()
        token = read_token(self.data.get("t", ""), self.service.pk)
        if token is None:
            raise forms.ValidationError(
                _("This form is too old. Please answer the new question and send it again."),
                code="token",
            )
        self.token_data = token
        if "answer" in data and not answer_is_right(token, data["answer"]):
            self.add_error("answer", _("That is not the answer. Please try again."))
        phone_key = data.get("phone") or ""
        data["phone"] = self.phones.get(phone_key)
        if data.get("kind") == "phone_not_working" and self.phones and data["phone"] is None:
            self.add_error("phone", _("Choose the number that does not work."))
        return data
