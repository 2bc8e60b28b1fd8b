"""A confidential shelter stays confidential through export and import."""

import csv
import json

from services import models as m
from services.confidential import public_point
from services.hsds.exporter import export_csv, export_json
from tests.hsds_tests.directory import INTAKE_PHONE, SECRET_PHONE, SECRET_STREET, run_import


def _all_text(folder) -> str:
    return "".join(p.read_text() for p in sorted(folder.iterdir()))


def test_a_public_export_shows_a_confidential_location_as_the_public_may_see_it(
    directory, tmp_path
):
    export_json(tmp_path / "json")
    export_csv(tmp_path / "csv")

    for folder in (tmp_path / "json", tmp_path / "csv"):
        text = _all_text(folder)
        assert SECRET_STREET not in text
        assert SECRET_PHONE not in text
        assert "Coordinadora de la casa" not in text  # a contact at the house
        assert "barrio Latino" not in text and "Bus 12" not in text and "Rampa" not in text
        assert INTAKE_PHONE in text
    house = next(
        json.loads(line)
        for line in (tmp_path / "json" / "locations.ndjson").read_text().splitlines()
        if json.loads(line)["id"] == str(directory.safe_house.id)
    )
    assert "latitude" not in house and "longitude" not in house
    assert house["is_confidential"] is True and house["region_code"] == "CO-NSA-3685533"
    assert [p["number"] for p in house["phones"]] == [INTAKE_PHONE]
    assert house["addresses"] == []
    with (tmp_path / "csv" / "locations.csv").open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["id"] == str(directory.safe_house.id))
    assert row["latitude"] == row["longitude"] == ""


def test_a_full_export_carries_everything_for_another_installation(directory, tmp_path):
    export_json(tmp_path / "json", include_confidential=True)

    text = _all_text(tmp_path / "json")
    assert SECRET_STREET in text and SECRET_PHONE in text


def test_importing_an_exact_position_stores_only_its_cell_as_public(directory, tmp_path):
    export_json(tmp_path / "full", include_confidential=True)
    m.Location.objects.filter(pk=directory.safe_house.pk).delete()

    run_import(tmp_path / "full")

    house = m.Location.objects.get(pk=directory.safe_house.pk)
    assert house.point.equals_exact(directory.safe_house.point, tolerance=1e-9)
    assert house.public_point.equals_exact(public_point(house.point), tolerance=1e-9)
    assert not house.public_point.equals_exact(house.point, tolerance=1e-4)


def test_an_import_never_makes_a_confidential_location_public(directory, tmp_path):
    doc = {"id": str(directory.safe_house.id), "location_type": "physical",
           "is_confidential": False, "latitude": 7.9, "longitude": -72.5}  # fmt: skip
    (tmp_path / "locations.ndjson").write_text(json.dumps(doc) + "\n")

    run_import(tmp_path)

    house = m.Location.objects.get(pk=directory.safe_house.pk)
    assert house.is_confidential
    assert house.public_point.equals_exact(public_point(house.point), tolerance=1e-9)


def test_reimporting_a_public_export_keeps_the_exact_position(directory, tmp_path):
    export_json(tmp_path / "public")

    run_import(tmp_path / "public")

    house = m.Location.objects.get(pk=directory.safe_house.pk)
    assert house.point.equals_exact(directory.safe_house.point, tolerance=1e-9)
    assert m.Address.objects.filter(location=house, address_1=SECRET_STREET).exists()
