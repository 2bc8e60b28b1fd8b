"""The import reads phone numbers as the site does: E.164 stored, an invalid number reported with
its file, row and a clear reason, and the rest of the file imported. A number written without a
country code is read with its place's country; one that cannot be read is kept, reported and
listed for a steward."""

import io

from django.core.management import call_command
from django.utils import translation

from services import models as m
from tests.factories import RegionFactory
from tests.hsds_tests.directory import run_import
from tests.hsds_tests.test_import_errors import _write_csv

ORG = "11111111-1111-4111-8111-111111111111"
ORG_NOWHERE = "33333333-3333-4333-8333-333333333333"
PLACE = "22222222-2222-4222-8222-222222222222"
PHONE_OK = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa1"
PHONE_NATIONAL = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa2"
PHONE_BAD = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa3"
PHONE_AFTER = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa4"
PHONE_AT_PLACE = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa5"
PHONE_OF_ORG = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa6"


def _files(tmp_path):
    RegionFactory(code="CO", name="Colombia", level=m.Region.Level.COUNTRY)
    _write_csv(
        tmp_path,
        "organizations.csv",
        ["id", "name", "description"],
        [[ORG, "Fundación", "Ayuda"], [ORG_NOWHERE, "Sin lugar", "Ayuda"]],
    )
    _write_csv(
        tmp_path,
        "locations.csv",
        ["id", "organization_id", "name", "location_type", "region_code"],
        [[PLACE, ORG, "Sede", "virtual", "CO"]],
    )
    _write_csv(
        tmp_path,
        "phones.csv",
        ["id", "organization_id", "location_id", "number"],
        [
            [PHONE_OK, ORG, "", "+57 607 555 0101"],
            [PHONE_NATIONAL, ORG_NOWHERE, "", "607 555 0102"],
            [PHONE_BAD, ORG, "", "+57 12"],
            [PHONE_AFTER, ORG, "", "+1 (713) 555-0103"],
            [PHONE_AT_PLACE, "", PLACE, "(607) 555-0104"],
            [PHONE_OF_ORG, ORG, "", "607 555 0105"],
        ],
    )


def _numbers() -> dict[str, str]:
    return {str(k): v for k, v in m.Phone.objects.values_list("id", "number")}


def test_an_invalid_number_is_reported_and_the_import_goes_on(db, tmp_path):
    _files(tmp_path)
    with translation.override("es"):
        _run, report = run_import(tmp_path)
    errors = {(p.file, p.row, p.field): p.reason for p in report.errors}
    assert "no es un número de teléfono" in errors[("phones.csv", "4", "number")]
    assert report.error_count == 1
    # Importing the same file again changes nothing.
    with translation.override("es"):
        _again, second = run_import(tmp_path)
    assert (second.created, second.updated) == (0, 0)
    # Read with its place's country, or its organisation's places'.
    assert _numbers()[PHONE_AT_PLACE] == "+576075550104"
    assert _numbers()[PHONE_OF_ORG] == "+576075550105"
    assert _numbers()[PHONE_OK] == "+576075550101"
    assert _numbers()[PHONE_AFTER] == "+17135550103"
    assert PHONE_BAD not in _numbers()
    # No place, no country: kept as written, reported, and listed for a steward.
    warnings = {(p.file, p.row, p.field): p.reason for p in report.warnings}
    assert "no tiene código de país" in warnings[("phones.csv", "3", "number")]
    assert _numbers()[PHONE_NATIONAL] == "607 555 0102"
    listed = io.StringIO()
    call_command("phones_to_fix", stdout=listed)
    assert PHONE_NATIONAL in listed.getvalue()


def test_the_importer_reads_national_numbers_in_the_country_it_is_given(db, tmp_path):
    _files(tmp_path)
    _run, report = run_import(tmp_path, country="CO")
    assert _numbers()[PHONE_NATIONAL] == "+576075550102"
    assert PHONE_BAD not in _numbers()
    assert report.error_count == 1
