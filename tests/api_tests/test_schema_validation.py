"""Every single-item response, and every list item, validates against the official HSDS 3.0
schema compiled with --set-additional-properties-false-everywhere, plus our documented
extensions."""

import json

import pytest

from services import models as m
from services.hsds import validation


def test_every_service_validates(api, directory, valid):
    for service in (directory.shelter, directory.legal, directory.hotline):
        for lang in ("es", "en", "ht"):
            valid(api.get(f"/api/v1/services/{service.pk}", {"lang": lang}).json(), "service")


def test_every_organization_validates(api, directory, valid):
    for org in (directory.shelter_org, directory.legal_org):
        valid(api.get(f"/api/v1/organizations/{org.pk}").json(), "organization")
        full = api.get(f"/api/v1/organizations/{org.pk}", {"full_service": "true"}).json()
        valid(full, "organization")


def test_every_service_at_location_validates(api, directory, valid):
    for sal in m.ServiceAtLocation.objects.exclude(service=directory.inactive):
        valid(api.get(f"/api/v1/service_at_locations/{sal.pk}").json(), "service_at_location")


def test_taxonomies_and_terms_validate(api, directory, valid):
    valid(api.get(f"/api/v1/taxonomies/{directory.taxonomy.pk}").json(), "taxonomy")
    for term in m.TaxonomyTerm.objects.all():
        valid(api.get(f"/api/v1/taxonomy_terms/{term.pk}").json(), "taxonomy_term")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/api/v1/services", "service_list"),
        ("/api/v1/services?full=true", "service"),
        ("/api/v1/organizations", "organization_list"),
        ("/api/v1/organizations?full=true", "organization"),
        ("/api/v1/service_at_locations", "service_at_location_list"),
        ("/api/v1/service_at_locations?full=true", "service_at_location"),
        ("/api/v1/taxonomies", "taxonomy"),
        ("/api/v1/taxonomy_terms", "taxonomy_term"),
    ],
)
def test_list_items_validate(api, directory, valid, url, kind):
    contents = api.get(url).json()["contents"]

    assert contents
    for item in contents:
        valid(item, kind)


def test_the_maintainers_tool_agrees(api, directory, hsds_spec, tmp_path):
    document = tmp_path / "shelter.json"
    document.write_text(json.dumps(api.get(f"/api/v1/services/{directory.shelter.pk}").json()))

    result = validation.check_with_cli(document, "service", tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
