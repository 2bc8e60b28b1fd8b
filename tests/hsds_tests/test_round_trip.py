"""Export, import into an empty database, export again: the files are identical."""

import filecmp
from pathlib import Path

import pytest

from services import models as m
from services.hsds.exporter import export_csv, export_json
from tests.hsds_tests.directory import run_import, wipe_directory

EXPORTERS = {"json": export_json, "csv": export_csv}


def _same_folders(first: Path, second: Path) -> None:
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert not mismatch and not errors, f"differ: {mismatch} {errors}"


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("confidential", [False, True], ids=["public", "full"])
def test_export_import_export_is_identical(directory, tmp_path, fmt, confidential):
    export = EXPORTERS[fmt]
    export(tmp_path / "first", include_confidential=confidential)
    wipe_directory()
    assert not m.Service.objects.exists()

    _run, report = run_import(tmp_path / "first")
    export(tmp_path / "second", include_confidential=confidential)

    assert report.error_count == 0, report.errors
    assert report.warning_count == 0, report.warnings
    _same_folders(tmp_path / "first", tmp_path / "second")


def test_a_csv_export_reimported_gives_the_same_json(directory, tmp_path):
    export_json(tmp_path / "json", include_confidential=True)
    export_csv(tmp_path / "csv", include_confidential=True)
    wipe_directory()

    run_import(tmp_path / "csv")
    export_json(tmp_path / "again", include_confidential=True)

    _same_folders(tmp_path / "json", tmp_path / "again")


def test_the_round_trip_keeps_every_language_and_our_extensions(directory, tmp_path):
    export_json(tmp_path / "out", include_confidential=True)
    wipe_directory()
    run_import(tmp_path / "out")

    shelter = m.Service.objects.get(pk=directory.shelter.pk)
    assert (shelter.name_es, shelter.name_en) == ("Albergue de emergencia", "Emergency shelter")
    assert shelter.populations == ["women", "families"]
    assert (shelter.capacity_available, shelter.capacity_total) == (3, 10)
    assert shelter.is_free and shelter.open_24_7 and shelter.trafficking_specialised
    hotline = m.Service.objects.get(pk=directory.hotline.pk)
    assert hotline.content_language == "en" and hotline.name_en == "Trafficking hotline"
    house = m.Location.objects.get(pk=directory.safe_house.pk)
    assert house.is_confidential and house.region.code == "CO-NSA-3685533"
    assert house.point.equals_exact(directory.safe_house.point, tolerance=1e-9)
    term = m.TaxonomyTerm.objects.get(pk=directory.emergency_shelter.pk)
    assert term.parent_id == directory.housing.pk and term.name_en == "Emergency shelter"
