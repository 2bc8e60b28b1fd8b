"""The steward's admin: start an import and watch it; review the duplicate queue."""

import io
import time
import zipfile

import pytest

from services import models as m
from tests.factories import OrganizationFactory, member, sign_in


@pytest.fixture
def steward(db):
    user = member("steward-sofia", OrganizationFactory(name="Red de Directorio"), "steward")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def steward_client(client, steward):
    return sign_in(client, steward)


def _zip_of(folder) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.iterdir():
            if path.name == "datapackage.json":
                continue  # a link to the specification's package in the examples
            archive.write(path, arcname=f"csv/{path.name}")
        archive.writestr("../../escape.json", "{}")
    buffer.seek(0)
    buffer.name = "examples.zip"
    return buffer


def test_a_steward_starts_an_import_and_sees_its_progress(
    celery_worker, hsds_spec, settings, tmp_path, client
):
    settings.HSDS_IMPORT_DIR = tmp_path / "imports"
    user = member("steward-sofia", OrganizationFactory(name="Red"), "steward")
    user.is_staff = True
    user.save()
    sign_in(client, user)

    response = client.post(
        "/es/admin/services/importrun/start/",
        {"file": _zip_of(hsds_spec / "examples" / "csv"), "language": "en"},
    )

    run = m.ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/es/admin/services/importrun/{run.pk}/change/"
    assert run.started_by == user
    deadline = time.monotonic() + 60
    while run.status != "finished" and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    page = client.get(f"/es/admin/services/importrun/{run.pk}/change/").content.decode()
    assert run.status == "finished" and run.created == 20
    assert '<progress max="100" value="100">' in page
    assert "20 / 20" in page
    assert "locations.csv" in page  # the warnings' file and row
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing


def test_an_upload_cannot_climb_out_of_its_folder(steward_client, settings, tmp_path, hsds_spec):
    settings.HSDS_IMPORT_DIR = tmp_path / "imports"

    steward_client.post(
        "/es/admin/services/importrun/start/",
        {"file": _zip_of(hsds_spec / "examples" / "csv"), "language": "en"},
    )

    escaped = list(tmp_path.rglob("escape.json"))
    assert escaped and all(p.is_relative_to(tmp_path / "imports") for p in escaped)


def test_a_running_import_page_refreshes_itself(steward_client, steward):
    run = m.ImportRun.objects.create(source="/x/lista.csv", status="running", total=200,
                                     processed=50, created=40, started_by=steward)  # fmt: skip

    page = steward_client.get(f"/es/admin/services/importrun/{run.pk}/change/").content.decode()

    assert 'http-equiv="refresh"' in page
    assert '<progress max="100" value="25">' in page and "50 / 200" in page


def test_only_stewards_may_import(client, db):
    caseworker = member("bob-caseworker", OrganizationFactory(), "caseworker")
    caseworker.is_staff = True
    caseworker.save()
    sign_in(client, caseworker)

    assert client.get("/es/admin/services/importrun/start/").status_code in (403, 404)
    assert client.get("/es/admin/services/duplicatecandidate/").status_code in (403, 404)


def test_the_duplicate_queue_merges_and_dismisses(steward_client, steward):
    org = m.Organization.objects.create(name="F", description="x")
    services = []
    for name in ("Albergue Norte", "Albergue del Norte", "Comedor Sur", "Comedor del Sur"):
        service = m.Service.objects.create(organization=org, name=name, name_es=name)
        m.Phone.objects.create(service=service, number=f"+57 607 555 01{len(services) // 2}")
        services.append(service)
    from services.listings.duplicates import find_candidates

    find_candidates(record_types=["service"])
    first, second = m.DuplicateCandidate.objects.order_by("first_id")

    queue = steward_client.get("/es/admin/services/duplicatecandidate/").content.decode()
    review = steward_client.get(f"/es/admin/services/duplicatecandidate/{first.pk}/review/")
    merged = steward_client.post(
        f"/es/admin/services/duplicatecandidate/{first.pk}/review/",
        {"decision": str(first.first_id)},
    )
    dismissed = steward_client.post(
        f"/es/admin/services/duplicatecandidate/{second.pk}/review/", {"decision": "dismiss"}
    )

    assert "Albergue" in queue and "Comedor" in queue
    assert review.status_code == 200 and "Conservar este" in review.content.decode()
    assert merged.status_code == dismissed.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.decision, first.decided_by) == ("merged", steward)
    assert (second.decision, second.decided_by) == ("dismissed", steward)
    assert not m.Service.objects.filter(pk=first.second_id).exists()
    assert m.Service.objects.filter(pk__in=[second.first_id, second.second_id]).count() == 2
