"""The official HSDS 3.0 examples import cleanly, in both forms, and a second import changes
nothing."""

from services import models as m
from tests.hsds_tests.directory import run_import

EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"
EXAMPLE_PHONE = "1554f2e2-a373-45db-a3fa-9fc48a61c15e"
# The examples' own defects: references to records they do not contain, and a position outside
# the Earth (latitude 100). They are reported as warnings; nothing is rejected.
KNOWN_WARNINGS = {"parent_organization_id", "organization_id", "service_at_location_id",
                  "taxonomy_id", "parent_id", "latitude"}  # fmt: skip


def test_the_csv_package_imports_without_errors(hsds_spec, db):
    run, report = run_import(hsds_spec / "examples" / "csv", language="en")

    assert report.error_count == 0, report.errors
    assert report.rejected_records == 0
    assert {p.field for p in report.warnings} <= KNOWN_WARNINGS
    assert run.status == m.ImportRun.Status.FINISHED
    assert run.total == run.processed == 20
    service = m.Service.objects.get(pk=EXAMPLE_SERVICE)
    assert service.name_en == "Community Counselling"
    assert service.content_language == "en"
    assert service.program.name == "Community Mental Health Support"
    phone = m.Phone.objects.get(pk=EXAMPLE_PHONE)
    # One phone with five owners in the examples: all five are kept.
    assert {phone.service_id, phone.location_id, phone.contact_id} == {
        service.id,
        m.Location.objects.get().id,
        m.Contact.objects.get().id,
    }
    assert phone.service_at_location_id is not None and phone.organization_id is not None
    assert m.Schedule.objects.get().byday == "TH,FR"
    assert m.Location.objects.get().point is None  # latitude 100: left empty, with a warning


def test_the_json_examples_import_without_errors(hsds_spec, db):
    run, report = run_import(hsds_spec / "examples", language="en")

    assert report.error_count == 0, report.errors
    assert report.rejected_records == 0
    assert {p.field for p in report.warnings} <= KNOWN_WARNINGS
    assert m.Service.objects.filter(pk=EXAMPLE_SERVICE).exists()
    assert m.Attribute.objects.get().taxonomy_term.code == "code"
    assert m.Taxonomy.objects.filter(pk="5c4d79d7-cc55-470e-9f1f-8cad074e4892").exists()
    assert m.CostOption.objects.get().amount == 35


def test_importing_the_examples_again_changes_nothing(hsds_spec, db):
    run_import(hsds_spec / "examples" / "csv", language="en")
    before = m.Metadata.objects.count()

    _run, report = run_import(hsds_spec / "examples" / "csv", language="en")

    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == 20
    assert m.Metadata.objects.count() == before  # no provenance for a change that did not happen


def test_json_after_csv_updates_the_same_records_by_id(hsds_spec, db):
    run_import(hsds_spec / "examples" / "csv", language="en")
    counts = {model: model.objects.count() for model in (m.Service, m.Phone, m.Location)}

    _run, report = run_import(hsds_spec / "examples", language="en")

    assert report.error_count == 0
    assert report.created == 0
    assert {model: model.objects.count() for model in counts} == counts
