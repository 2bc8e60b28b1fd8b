"""Dates name their month in the page's language. Django's month names come from our catalogue
(config/django_strings.py), where a message of our own with the same English text ("May") would
replace the month: a date would read "31 de Puede de 2026"."""

import datetime as dt

import pytest
from django.utils import dateformat, translation

MAY = {"es": "mayo", "pt": "maio", "fr": "mai", "ht": "me", "en": "May"}


@pytest.mark.parametrize("language", sorted(MAY))
def test_a_date_in_may_names_the_month_in_the_pages_language(language):
    with translation.override(language):
        assert dateformat.format(dt.date(2026, 5, 31), "F").lower() == MAY[language].lower()
