"""A word written wholly in Cyrillic or Greek letters that look Latin ("Саѕа", "ΚΑΡΡΑ") in an
otherwise Latin name reads as a Latin word and is not one: it imitates another name, and is
refused like a word that mixes alphabets. A name written in Cyrillic or Greek, or one whose
Cyrillic or Greek words have letters of their own, passes."""

import csv

import pytest

from services import models as m
from services.validators import name_problem
from tests.factories import OrganizationFactory
from tests.hsds_tests.directory import run_import

IMITATIONS = {
    "Cyrillic Casa before a Latin word": "Саѕа Refugio",
    "Cyrillic Casa after a Latin word": "Fundación Саѕа Esperanza",
    "Cyrillic capitals": "Refugio АВС",
    "two look-alike words": "Саѕа Росо Latina",
    "Greek capitals": "ΚΑΡΡΑ Legal Aid",
    "Greek small letters": "Casa νοι",
    "after a hyphen": "Saint-Сеор",
    "Macedonian je and dze": "Ѕајо Shelter",
}
GENUINE = {
    "one Cyrillic word": "Саѕа",
    "a Russian name": "Дом Мира",
    "a Russian name of look-alikes and others": "Сара Надежда",
    "a Greek name": "Ομάδα Βοήθειας",
    "a Cyrillic word of its own beside a Latin one": "Фонд Help",
    "a Greek word of its own beside a Latin one": "Casa Ελπίδα",
    "Latin only": "Casa Refugio",
}


@pytest.mark.parametrize("name", IMITATIONS.values(), ids=IMITATIONS.keys())
def test_a_look_alike_word_in_a_latin_name_is_refused(name):
    assert name_problem(name) is not None


@pytest.mark.parametrize("name", GENUINE.values(), ids=GENUINE.keys())
def test_names_in_cyrillic_or_greek_pass(name):
    assert name_problem(name) is None


def test_the_reason_names_the_word():
    assert "Саѕа" in str(name_problem("Саѕа Refugio"))


def test_the_model_and_the_import_refuse_it(db, tmp_path):
    organization = OrganizationFactory.build(name="Саѕа Refugio")
    with pytest.raises(Exception) as raised:
        organization.clean()
    assert "Саѕа" in " ".join(raised.value.messages)

    genuine, imitation = (
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222222",
    )
    with (tmp_path / "organizations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "description"])
        writer.writerow([genuine, "Дом Мира", "Ayuda"])
        writer.writerow([imitation, "Саѕа Refugio", "Ayuda"])

    _run, report = run_import(tmp_path)

    assert [(p.row, p.field) for p in report.errors] == [("3", "name")]
    assert [str(pk) for pk in m.Organization.objects.values_list("id", flat=True)] == [genuine]


def test_the_admin_gives_the_reason_in_spanish(db, client):
    from tests.factories import UserFactory, sign_in

    sign_in(client, UserFactory(username="olga", is_superuser=True, is_staff=True))
    data = {"content_language": "es", "name": "Саѕа Refugio", "description_es": "Apoyo"}
    response = client.post("/es/admin/services/organization/add/", data)
    assert response.status_code == 200
    assert "letras cirílicas o griegas que parecen latinas" in response.content.decode()
    assert not m.Organization.objects.exists()
