"""The directory steward in Chromium, on a desktop and on a phone: uploads an HSDS file in the admin, watches the import run
to its end (a real Celery worker runs it), finds the possible duplicate it made in the review
queue and merges the pair."""

import json
import uuid
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from tests.browser_tests.staff import in_own_thread

pytestmark = pytest.mark.browser

# One listing and number per screen size, so that each run's duplicate is its own.
LISTINGS = {
    "desktop": ("Comedor Comunitario San José", "+57 607 555 0199"),
    "phone": ("Comedor Popular Santa Marta", "+57 607 555 0288"),
}


@contextmanager
def worker(django_db_blocker):
    """A Celery worker on the real broker, in this process, for the length of the block."""
    celery_app.loader.import_module("celery.contrib.testing.tasks")
    with (
        django_db_blocker.unblock(),
        start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        yield


def _existing_listing(people, name: str, number: str) -> dict:
    """A listing of sara's organisation with a phone, which the upload will repeat."""
    from services.models import Phone, Service

    service = Service.objects.create(
        organization_id=people["sara"].organization_id, name=name, name_es=name
    )
    Phone.objects.create(service=service, number=number)
    return {"id": str(service.id), "organization_id": str(service.organization_id)}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_steward_imports_a_file_and_merges_the_duplicate_it_made(
    size, request, people, django_db_blocker, tmp_path, settings
):
    desktop = request.getfixturevalue(size)
    name, number = LISTINGS[size]
    settings.HSDS_IMPORT_DIR = tmp_path / "imports"
    with django_db_blocker.unblock():
        existing = in_own_thread(lambda: _existing_listing(people, name, number))
    upload = tmp_path / "services.ndjson"
    document = {
        "id": str(uuid.uuid4()),
        # The same name without its accent: a likely duplicate, not the same text.
        "name": name.replace("é", "e"),
        "status": "active",
        "organization_id": existing["organization_id"],
        "phones": [{"id": str(uuid.uuid4()), "number": number}],
    }
    upload.write_text(json.dumps(document) + "\n", encoding="utf-8")

    page = desktop.sign_in(people["sara"])
    with worker(django_db_blocker):
        page.goto(desktop.url("/es/admin/services/importrun/start/"))
        desktop.check("import-start")
        page.set_input_files("input[name=file]", str(upload))
        page.select_option("select[name=language]", "es")
        page.locator("form input[type=submit], form button[type=submit]").last.click()
        page.wait_for_load_state()
        for _ in range(60):
            if page.locator("progress[value='100']").count():
                break
            page.wait_for_timeout(500)
            page.reload()
        desktop.check("import-finished")
        assert page.locator("progress[value='100']").count() == 1, page.locator(
            "#content"
        ).inner_text()
        for _ in range(60):
            page.goto(desktop.url("/es/admin/services/duplicatecandidate/"))
            if page.locator("#result_list tbody tr", has_text=name).count():
                break
            page.wait_for_timeout(500)
    desktop.check("duplicates")
    page.locator("#result_list tbody tr", has_text=name).locator(
        "a[href*='/review/']"
    ).first.click()
    page.wait_for_load_state()
    desktop.check("duplicate-review")
    page.locator(f"button[name=decision][value='{existing['id']}']").click()
    page.wait_for_load_state()
    desktop.check("duplicate-merged")
    assert "Fusionado" in page.locator(".messagelist").inner_text()
    desktop.assert_no_problems()
