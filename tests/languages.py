"""The interface languages as test parameters.

A language listed in settings.LANGUAGES whose catalogue is not in this tree yet is a strict
expected failure, never a skip: the test runs, must fail, and starts passing (and asserting
everything) the moment the catalogue lands. The catalogue test (tests/i18n_tests) fails plainly,
by name, for a missing catalogue.

Two conditions, because Django ships French but not Haitian Creole: `served` is "Django can serve
/<code>/ pages" (some catalogue, ours or Django's, exists); `catalogued` is "our own catalogue
exists".
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import check_for_language

ROOT = Path(__file__).resolve().parents[1]


def _has_our_catalogue(code: str) -> bool:
    return code == "en" or (ROOT / "locale" / code / "LC_MESSAGES" / "django.po").exists()


def interface_languages(codes: list[str] | None = None, *, need: str = "served") -> list:
    ready = check_for_language if need == "served" else _has_our_catalogue
    params = []
    for code, _name in settings.LANGUAGES:
        if codes is not None and code not in codes:
            continue
        marks = []
        if not ready(code):
            marks.append(pytest.mark.xfail(strict=True, reason=f"no {code} catalogue here yet"))
        params.append(pytest.param(code, marks=marks, id=code))
    return params
