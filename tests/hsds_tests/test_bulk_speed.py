"""What keeps a large import and export fast must not change what they do: the duplicate search
runs after the import as its own task with ids only, and compares a big block's records with their
nearest neighbours only; repeated schedule rules are judged once but every copy is judged; the
export's attribute lookup finds attributes of any entity name."""

import json
import time
import uuid

from celery.signals import before_task_publish
from django.utils import translation

from services import models as m
from services.hsds.exporter import export_json
from services.hsds.runner import import_path
from services.listings.duplicates import NEIGHBOURS, Profile, _candidate_pairs, find_candidates
from services.tasks import queue_after_import, queue_duplicate_search
from tests.hsds_tests.directory import CUCUTA, run_import


def _doc(number: int, org: str, name: str, phone: str) -> dict:
    return {
        "id": str(uuid.UUID(int=number)),
        "organization_id": org,
        "name": name,
        "status": "active",
        "phones": [{"id": str(uuid.UUID(int=10_000 + number)), "number": phone}],
    }


def _source(folder, second: tuple[str, str]) -> None:
    """An HSDS source of two listings of one organisation: a shelter and `second` (name, phone)."""
    org = m.Organization.objects.create(name="Fundación Puente", description="x")
    docs = [
        _doc(1, str(org.id), "Casa de Acogida La Esperanza", "+57 607 555 0101"),
        _doc(2, str(org.id), *second),
    ]
    (folder / "services.ndjson").write_text("".join(json.dumps(d) + "\n" for d in docs))


def test_an_import_queues_its_duplicate_search_with_the_run_id_only(celery_worker, tmp_path):
    _source(tmp_path, ("Casa Acogida Esperanza", "(607) 555-0101"))
    published: list[tuple] = []

    def remember(sender: str, body: tuple, **kwargs: object) -> None:
        if sender == "services.tasks.find_import_duplicates":
            published.append(tuple(body[0]) + tuple(body[1].values()))

    before_task_publish.connect(remember)
    try:
        run = m.ImportRun.objects.create(source=str(tmp_path))
        import_path(tmp_path, run=run, on_finished=queue_duplicate_search)
        deadline = time.monotonic() + 30
        while not m.DuplicateCandidate.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        before_task_publish.disconnect(remember)

    assert published == [(str(run.pk),)]  # no name, phone or address travels through the broker
    pair = m.DuplicateCandidate.objects.get()
    assert {pair.first_id, pair.second_id} == {uuid.UUID(int=1), uuid.UUID(int=2)}


def test_an_import_queues_the_build_of_its_public_documents_without_arguments(
    celery_worker, tmp_path
):
    """The import's bulk refresh leaves the documents out; the task queued after its commit
    builds them (API items and cards, every language), and nothing about a listing travels."""
    from services.search import documents

    _source(tmp_path, ("Comedor San José", "+57 607 555 0202"))
    published: list[tuple] = []

    def remember(sender: str, body: tuple, **kwargs: object) -> None:
        published.append((sender, tuple(body[0]), dict(body[1])))

    expected = len(documents.content_languages()) * 2
    before_task_publish.connect(remember)
    try:
        run = m.ImportRun.objects.create(source=str(tmp_path))
        import_path(tmp_path, run=run, on_finished=queue_after_import)
        deadline = time.monotonic() + 30
        while (
            m.ServiceDocument.objects.filter(card__isnull=False).count() < expected
            and time.monotonic() < deadline
        ):
            time.sleep(0.2)
    finally:
        before_task_publish.disconnect(remember)

    assert ("services.tasks.build_missing_documents", (), {}) in published
    assert m.ServiceDocument.objects.filter(card__isnull=False).count() == expected
    assert documents.missing_ids() == []


def test_an_unfinished_run_gets_no_duplicate_search(transactional_db):
    from services.tasks import find_import_duplicates

    run = m.ImportRun.objects.create(source="x", status=m.ImportRun.Status.RUNNING)

    assert find_import_duplicates(str(run.pk)) == 0
    assert find_import_duplicates(str(uuid.uuid4())) == 0


def test_a_big_block_is_compared_with_near_neighbours_not_every_pair():
    far = [
        Profile(uuid.uuid4(), "Comedor Comunitario", points=[(CUCUTA[0] + i, CUCUTA[1])])
        for i in range(1, 40)
    ]
    here = Profile(uuid.uuid4(), "Comedor Comunitario", points=[CUCUTA])
    twin = Profile(uuid.uuid4(), "Comedor Comunitario", points=[(CUCUTA[0] + 0.0001, CUCUTA[1])])
    profiles = {p.id: p for p in [*far, here, twin]}

    pairs = set(_candidate_pairs(profiles, None))

    assert (min(here.id, twin.id), max(here.id, twin.id)) in pairs
    assert len(pairs) <= len(profiles) * NEIGHBOURS < len(profiles) * (len(profiles) - 1) // 2


def test_only_pairs_with_a_focus_record_are_found(db):
    org = m.Organization.objects.create(name="F", description="x")
    services = [
        m.Service.objects.create(organization=org, name="Albergue Norte", name_es="Albergue Norte")
        for _ in range(3)
    ]
    for service in services:
        m.Phone.objects.create(service=service, number="+57 607 555 0101")

    find_candidates(record_types=["service"], ids=[services[0].id])

    found = {frozenset((c.first_id, c.second_id)) for c in m.DuplicateCandidate.objects.all()}
    assert found == {
        frozenset((services[0].id, services[1].id)),
        frozenset((services[0].id, services[2].id)),
    }


def test_every_copy_of_a_bad_schedule_rule_is_rejected(db, tmp_path):
    org = m.Organization.objects.create(name="F", description="x")
    docs = []
    for number in (1, 2, 3):
        doc = _doc(number, str(org.id), f"Servicio {number}", "+57 601 555 0101")
        doc["schedules"] = [
            {
                "id": str(uuid.UUID(int=20_000 + number)),
                "freq": "MONTHLY",
                "bymonthday": "15" if number == 3 else "40",
                "opens_at": "09:00",
                "closes_at": "17:00",
            }
        ]
        docs.append(doc)
    (tmp_path / "services.ndjson").write_text("".join(json.dumps(d) + "\n" for d in docs))

    _run, report = run_import(tmp_path)

    assert [(p.record_id, p.field) for p in report.errors] == [
        (str(uuid.UUID(int=20_001)), "schedule"),
        (str(uuid.UUID(int=20_002)), "schedule"),
    ]
    assert list(m.Service.objects.values_list("id", flat=True)) == [uuid.UUID(int=3)]
    assert m.Schedule.objects.get().bymonthday == "15"


def test_attributes_of_any_entity_name_are_exported_with_their_record(db, tmp_path):
    org = m.Organization.objects.create(name="F", description="x")
    service = m.Service.objects.create(organization=org, name="Albergue", name_es="Albergue")
    term = m.TaxonomyTerm.objects.create(code="x-housing", name="Alojamiento")
    m.Attribute.objects.create(link_id=service.id, link_entity="service", taxonomy_term=term)
    m.Attribute.objects.create(link_id=service.id, link_entity="Servicio", taxonomy_term=term)
    m.Attribute.objects.create(link_id=org.id, link_entity="organization", taxonomy_term=term)

    export_json(tmp_path)

    doc = json.loads((tmp_path / "services.ndjson").read_text())
    assert sorted(a["link_entity"] for a in doc["attributes"]) == ["Servicio", "service"]
    org_doc = json.loads((tmp_path / "organizations.ndjson").read_text())
    assert [a["link_entity"] for a in org_doc["attributes"]] == ["organization"]


def test_problems_found_while_reading_are_in_the_importers_language(db, tmp_path):
    # Rows are parsed in a reader thread; Django's active language is per thread.
    (tmp_path / "services.ndjson").write_text(json.dumps({"id": "not-a-uuid", "name": "x"}) + "\n")

    with translation.override("en"):
        _run, english = run_import(tmp_path)
    with translation.override("es"):
        _run, spanish = run_import(tmp_path)

    assert [p.reason for p in english.errors] == ["is not a valid UUID"]
    assert [p.reason for p in spanish.errors] == ["no es un UUID válido"]


def test_an_import_leaves_its_connection_committing_durably_again(transactional_db, tmp_path):
    """The import's chunks commit without waiting for the disk; the connection outlives it (a
    worker's next task may be a referral's transition), so the setting must not."""
    from django.db import connection

    org = m.Organization.objects.create(name="Fundación Puente", description="x")
    (tmp_path / "services.ndjson").write_text(
        json.dumps(_doc(1, str(org.id), "Casa de Acogida", "+57 607 555 0101")) + "\n"
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        before = cursor.fetchone()[0]
    run_import(tmp_path)
    assert m.Service.objects.filter(id=uuid.UUID(int=1)).exists()
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == before == "on"
