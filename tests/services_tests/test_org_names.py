"""A name cannot imitate another organisation's or listing's: direction overrides, invisible and
control characters, styled or full-width letters and words that mix alphabets are refused, in
the admin, in model forms and in the HSDS import; names in our five languages pass."""

import csv

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from services import models as m
from services.validators import name_problem
from tests.factories import OrganizationFactory, ServiceFactory, UserFactory, sign_in
from tests.hsds_tests.directory import run_import

GOOD = [
    "Fundación Niñas y Mujeres Libres",
    "Corporación Espacios de Mujer — Medellín",
    "¡Alto a la Trata!",
    "Casa 1º de Mayo",
    "Hogar Nª Sª de Guadalupe",
    "Associação Brasileira de Apoio às Vítimas",
    "Organização Não Governamental Coração",
    "Maison d'accueil Saint-Éloi",
    "Œuvre française « Refuge »",
    "Fondasyon Ayisyen pou Jèn yo",
    "Sèvis Legal pou Fanm ak Timoun",
    "Women’s Shelter of the North (WSN)",
    "St. Mary's Anti-Trafficking Network",
    # Typed with combining accents (as some keyboards send them): the same name.
    "Fundacio\u0301n Esperanza",
]

BAD = {
    "right-to-left override": "Fundación \u202eABC",
    "left-to-right isolate": "Fundación \u2066Esperanza\u2069",
    "right-to-left mark": "Fundación\u200f Esperanza",
    "zero-width space": "Fundación Esper\u200banza",
    "zero-width joiner": "Fundación Esper\u200danza",
    "byte order mark": "\ufeffFundación Esperanza",
    "soft hyphen": "Fundación Espe\u00adranza",
    "control character": "Fundación\x07 Esperanza",
    "line break": "Fundación\nEsperanza",
    "private use": "Fundación \ue000 Esperanza",
    "unassigned": "Fundación \U000e0fff",
    "full-width letters": "Ｆｕｎｄａｃｉóｎ Esperanza",
    "mathematical bold": "𝐅𝐮𝐧𝐝𝐚𝐜𝐢ó𝐧 Esperanza",
    "ligature": "Oﬁcina de Apoyo",
    "no-break space": "Fundación\u00a0Esperanza",
    "Cyrillic a and s in a Latin word": "Fundаción Esperanza",
    "Greek omicron in a Latin word": "Fundación Esperanzο",
}


@pytest.mark.parametrize("name", GOOD)
def test_names_in_our_languages_pass(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name", BAD.values(), ids=BAD.keys())
def test_names_that_could_imitate_another_are_refused(name):
    assert name_problem(name) is not None


def test_the_mixed_word_is_named_in_the_reason():
    assert "Fundаción" in str(name_problem("Fundаción Esperanza"))


def test_a_word_wholly_in_another_alphabet_passes():
    assert name_problem("Casa Ελπίδα") is None
    assert name_problem("Дом Надежды") is None


def test_model_clean_refuses_each_name_column_and_stores_nfc(db):
    organization = OrganizationFactory.build(name="Fundación \u202eABC")
    with pytest.raises(ValidationError) as raised:
        organization.clean()
    assert "invisible" in " ".join(raised.value.messages)

    service = ServiceFactory.build(name="Albergue", name_en="Shelter\u200b")
    with pytest.raises(ValidationError) as raised:
        service.clean()
    assert "[en]" in " ".join(raised.value.messages)

    service = ServiceFactory.build(alternate_name="Refugio Nº 1", name_es="Fundacio\u0301n Luz")
    service.clean()
    assert service.name_es == "Fundación Luz"  # precomposed, as search and sorting expect


@pytest.fixture
def operator(db):
    return UserFactory(username="olga", is_superuser=True, is_staff=True)


def _admin_form(model, user, data):
    request = RequestFactory().get("/")
    request.user = user
    return admin.site._registry[model].get_form(request)(data=data)


def test_the_admin_refuses_a_spoofing_organisation_name_with_a_translated_reason(client, operator):
    sign_in(client, operator)
    data = {
        "content_language": "es",
        "name": "Fundаción Esperanza",  # a Cyrillic а
        "description_es": "Apoyo",
        "year_incorporated": "",
    }
    response = client.post("/es/admin/services/organization/add/", data)
    assert response.status_code == 200
    assert "mezcla alfabetos" in response.content.decode()
    assert not m.Organization.objects.exists()

    data["name"] = "Fundación Esperanza"
    assert client.post("/es/admin/services/organization/add/", data).status_code == 302
    assert m.Organization.objects.get().name == "Fundación Esperanza"


def test_the_admin_service_form_checks_every_language(operator):
    organization = OrganizationFactory()
    data = {
        "content_language": "es",
        "organization": str(organization.pk),
        "name_es": "Albergue Esperanza",
        "name_ht": "Kay \u202eEspwa",
        "status": "active",
    }
    form = _admin_form(m.Service, operator, data)
    assert not form.is_valid()
    assert "[ht]" in " ".join(form.non_field_errors())


def test_the_hsds_import_refuses_the_same_names(db, tmp_path):
    good, bad = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    with (tmp_path / "organizations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "description"])
        writer.writerow([good, "Fondasyon Ayisyen pou Jèn yo", "Ayuda"])
        writer.writerow([bad, "Fondasyon \u200bAyisyen", "Ayuda"])

    _run, report = run_import(tmp_path)

    assert [(p.row, p.field) for p in report.errors] == [("3", "name")]
    assert [str(pk) for pk in m.Organization.objects.values_list("id", flat=True)] == [good]
