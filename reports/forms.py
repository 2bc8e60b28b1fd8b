from django import forms
from django.utils.translation import gettext_lazy as _

# Whole months only: a shorter period would make small counts of a few days.
PERIODS = (6, 12, 24, 36)


class PeriodForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Period"),
        choices=[(n, _("last %(months)s months") % {"months": n}) for n in PERIODS],
        coerce=int,
        initial=12,
        required=False,
    )

    def months_wanted(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("months"):
            return self.cleaned_data["months"]
        return 12
