"""What an import found: each problem (file, row, object, id, field, reason) and the counts.

A problem's reason is translated into the language the import runs in; the database's own
refusals are turned into a sentence a steward can act on where the constraint is ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_STORED_PROBLEMS = 5000


@dataclass
class Problem:
    level: str  # "error" or "warning"
    file: str
    row: str
    object: str
    record_id: str
    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {
            "level": self.level,
            "file": self.file,
            "row": self.row,
            "object": self.object,
            "id": self.record_id,
            "field": self.field,
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    records: int = 0
    rejected_records: int = 0
    error_count: int = 0
    warning_count: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


_CONSTRAINT_REASONS = {
    "service_at_location_unique": lambda: _(
        "this service is already linked to this location under another id"
    ),
    "service_age_range_ordered": lambda: _("the maximum age is lower than the minimum age"),
    "service_capacity_within_total": lambda: _("free places exceed the total capacity"),
    "location_only_physical_can_be_confidential": lambda: _(
        "only a physical location can be confidential"
    ),
}


def database_reason(error: Exception) -> str:
    diag = getattr(getattr(error, "__cause__", None), "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    if constraint in _CONSTRAINT_REASONS:
        return _CONSTRAINT_REASONS[constraint]()
    return _("the database refused this record: %(error)s") % {
        "error": str(error).splitlines()[0][:200]
    }
