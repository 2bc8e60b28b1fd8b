"""Duplicate listings: found by name, phone, website, address and distance; merged by a steward
with provenance kept and the old id redirected; never merged without one unless configured."""

import json
import uuid

import pytest
from django.contrib.gis.geos import Point

from services import models as m
from services.listings.duplicates import MergeError, Profile, dismiss, find_candidates, merge, score
from tests.hsds_tests.directory import CUCUTA, run_import


def _service(name: str, *, phone: str = "", url: str = "", street: str = "", at=None,
             org: m.Organization | None = None) -> m.Service:  # fmt: skip
    org = org or m.Organization.objects.create(name=f"Org de {name}", description="x")
    service = m.Service.objects.create(organization=org, name=name, name_es=name, url=url)
    if phone:
        m.Phone.objects.create(service=service, number=phone)
    if street or at:
        location = m.Location.objects.create(
            organization=org,
            name_es=name,
            point=Point(at[1], at[0], srid=4326) if at else None,
        )
        m.ServiceAtLocation.objects.create(service=service, location=location)
        if street:
            m.Address.objects.create(location=location, address_1=street, city="Cúcuta",
                                     state_province="NdS", country="CO")  # fmt: skip
    return service


def _pairs(record_type: str = "service") -> set[frozenset]:
    return {
        frozenset((c.first_id, c.second_id))
        for c in m.DuplicateCandidate.objects.filter(record_type=record_type)
    }


def test_the_same_shelter_listed_twice_is_a_candidate(db):
    first = _service("Casa de Acogida La Esperanza", phone="+57 607 555 0101",
                     street="Calle 10 #5-20", at=CUCUTA)  # fmt: skip
    second = _service("Casa Acogida Esperanza", phone="(607) 555-0101",
                      street="Calle 10 # 5 - 20", at=(CUCUTA[0] + 0.0002, CUCUTA[1]))  # fmt: skip
    _service("Comedor Comunitario San José", phone="+57 607 555 0999", at=CUCUTA)

    find_candidates(record_types=["service"])

    assert _pairs() == {frozenset((first.id, second.id))}
    candidate = m.DuplicateCandidate.objects.get()
    assert candidate.reasons["phone"] is True
    assert candidate.reasons["distance_m"] < 50
    assert candidate.score >= 0.75
    assert candidate.decision == m.DuplicateCandidate.Decision.OPEN


def test_a_shared_website_and_a_similar_name_are_enough(db):
    first = _service("Asesoría Legal Migrante", url="https://justicia.example.org/legal")
    second = _service("Asesoria legal para migrantes", url="http://www.justicia.example.org/legal/")

    find_candidates(record_types=["service"])

    assert _pairs() == {frozenset((first.id, second.id))}


def test_the_same_name_in_two_cities_is_not_enough(db):
    _service("Casa del Migrante", phone="+57 607 555 0101", at=CUCUTA)
    _service("Casa del Migrante", phone="+52 656 555 0199", at=(31.69, -106.42))

    find_candidates(record_types=["service"])

    assert _pairs() == set()


def test_organizations_are_compared_too(db):
    first = m.Organization.objects.create(name="Fundación Camino Seguro", description="x",
                                          website="https://camino.example.org")  # fmt: skip
    second = m.Organization.objects.create(name="Camino Seguro", description="y",
                                           website="https://camino.example.org/")  # fmt: skip

    find_candidates(record_types=["organization"])

    assert _pairs("organization") == {frozenset((first.id, second.id))}


def test_finding_again_adds_nothing_and_a_dismissed_pair_stays_dismissed(db):
    _service("Albergue Norte", phone="+57 607 555 0101")
    _service("Albergue del Norte", phone="+57 607 555 0101")
    find_candidates(record_types=["service"])
    candidate = m.DuplicateCandidate.objects.get()
    dismiss(candidate, actor=None)

    find_candidates(record_types=["service"])

    candidate.refresh_from_db()
    assert m.DuplicateCandidate.objects.count() == 1
    assert candidate.decision == m.DuplicateCandidate.Decision.DISMISSED
    with pytest.raises(MergeError):
        merge(candidate, keep=candidate.first_id, actor=None)


def test_nothing_merges_without_a_person_by_default(db):
    first = _service("Albergue Norte", phone="+57 607 555 0101", url="https://a.example.org")
    second = _service("Albergue Norte", phone="+57 607 555 0101", url="https://a.example.org")

    find_candidates(record_types=["service"])

    assert m.Service.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert m.DuplicateCandidate.objects.get().score == 1.0


def test_an_identical_pair_merges_itself_when_configured(db, settings):
    settings.DUPLICATES_AUTO_MERGE_SCORE = 1.0
    first = _service("Albergue Norte", phone="+57 607 555 0101", url="https://a.example.org")
    second = _service("Albergue Norte", phone="+57 607 555 0101", url="https://a.example.org")
    _service("Albergue Nortes", phone="+57 607 555 0101")  # close, not identical

    find_candidates(record_types=["service"])

    assert m.Service.objects.filter(pk__in=[first.pk, second.pk]).count() == 1
    assert m.MergedRecord.objects.count() == 1
    assert m.DuplicateCandidate.objects.filter(decision="open").exists()


def test_a_merge_keeps_everything_and_redirects_the_old_id(db, client):
    org = m.Organization.objects.create(name="Fundación", description="x")
    keep = _service("Albergue Norte", phone="+57 607 555 0101", org=org)
    gone = _service("Albergue del Norte", phone="+57 607 555 0101", street="Calle 1", at=CUCUTA)
    gone.email = "albergue@example.org"
    gone.save()
    term = m.TaxonomyTerm.objects.create(code="x-housing", name="Alojamiento")
    m.Attribute.objects.create(link_id=gone.id, link_entity="service", taxonomy_term=term)
    m.Metadata.objects.create(resource_id=gone.id, resource_type="service",
                              last_action_date=gone.created_at, last_action_type="create",
                              updated_by="import", source="lista-2024.csv")  # fmt: skip
    find_candidates(record_types=["service"])
    candidate = m.DuplicateCandidate.objects.get()

    survivor = merge(candidate, keep=keep.id, actor=None)

    assert survivor == keep.id
    assert not m.Service.objects.filter(pk=gone.pk).exists()
    keep.refresh_from_db()
    assert keep.email == "albergue@example.org"  # an empty field filled from the other
    assert keep.phones.count() == 2
    assert keep.service_at_locations.count() == 1
    assert m.Attribute.objects.get().link_id == keep.id
    history = m.Metadata.objects.filter(resource_id=keep.id)
    assert history.filter(source="lista-2024.csv").exists()  # the merged record's provenance
    entry = history.get(last_action_type="merge")
    assert entry.previous_value == str(gone.id) and entry.replacement_value == str(keep.id)
    assert m.MergedRecord.objects.get(old_id=gone.id).new_id == keep.id
    candidate.refresh_from_db()
    assert candidate.decision == m.DuplicateCandidate.Decision.MERGED
    response = client.get(f"/api/v1/services/{gone.id}")
    assert response.status_code == 301
    assert response["Location"].endswith(f"/api/v1/services/{keep.id}")


def test_merging_organisations_moves_their_services_and_locations(db):
    first = m.Organization.objects.create(name="Fundación Camino Seguro", description="x",
                                          website="https://camino.example.org")  # fmt: skip
    second = m.Organization.objects.create(name="Camino Seguro", description="y",
                                           website="https://camino.example.org")  # fmt: skip
    service = _service("Albergue", org=second, at=CUCUTA)
    find_candidates(record_types=["organization"])

    merge(m.DuplicateCandidate.objects.get(), keep=first.id, actor=None)

    service.refresh_from_db()
    assert service.organization_id == first.id
    assert m.Location.objects.get().organization_id == first.id
    assert not m.Organization.objects.filter(pk=second.pk).exists()


def test_merging_two_services_at_one_location_keeps_one_link(db):
    location = m.Location.objects.create(name_es="Sede", point=Point(CUCUTA[1], CUCUTA[0]))
    keep = _service("Albergue Norte", phone="+57 607 555 0101")
    gone = _service("Albergue del Norte", phone="+57 607 555 0101")
    m.ServiceAtLocation.objects.create(service=keep, location=location)
    link = m.ServiceAtLocation.objects.create(service=gone, location=location)
    m.Phone.objects.create(service_at_location=link, number="+57 1 234")
    find_candidates(record_types=["service"])

    merge(m.DuplicateCandidate.objects.get(), keep=keep.id, actor=None)

    remaining = m.ServiceAtLocation.objects.get()
    assert remaining.service_id == keep.id
    assert remaining.phones.get().number == "+57 1 234"


def test_after_an_import_only_its_records_are_compared(db, tmp_path):
    _service("Albergue Norte", phone="+57 607 555 0101")
    _service("Albergue del Norte", phone="+57 607 555 0101")  # an old pair, not this run's
    org = m.Organization.objects.create(name="F", description="x")
    earlier = _service("Comedor San Jose", phone="607 555 0999")
    doc = {"id": "11111111-1111-4111-8111-111111111111", "name": "Comedor San José",
           "status": "active", "organization_id": str(org.id),
           "phones": [{"id": "22222222-2222-4222-8222-222222222222", "number": "+57 607 555 0999"}]}  # fmt: skip
    (tmp_path / "services.ndjson").write_text(json.dumps(doc) + "\n")
    run, _report = run_import(tmp_path)

    found = find_candidates(run=run, record_types=["service"])

    assert found == 1
    assert _pairs() == {frozenset((uuid.UUID(doc["id"]), earlier.id))}


def test_scores_explain_themselves():
    a = Profile(uuid.uuid4(), "Casa Refugio", {"55501010"})
    b = Profile(uuid.uuid4(), "Casa Refugio", {"55501010"})
    c = Profile(uuid.uuid4(), "Casa Refugio", {"55509999"})

    assert score(a, b) == (1.0, {"name": 1.0, "phone": True})
    assert score(a, c)[0] < 0.75
