"""Imports, duplicate candidates and merges: the directory steward's records."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from services.models.base import HsdsRecord


class ImportRun(HsdsRecord):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        FAILED = "failed", _("failed")

    source = models.CharField(_("source"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    total = models.PositiveIntegerField(_("records in source"), default=0)
    processed = models.PositiveIntegerField(_("records processed"), default=0)
    created = models.PositiveIntegerField(_("records created"), default=0)
    updated = models.PositiveIntegerField(_("records updated"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 0


class DuplicateCandidate(HsdsRecord):
    class Decision(models.TextChoices):
        OPEN = "open", _("to review")
        MERGED = "merged", _("merged")
        DISMISSED = "dismissed", _("not duplicates")

    record_type = models.CharField(_("record type"), max_length=50)
    first_id = models.UUIDField(_("first record"))
    second_id = models.UUIDField(_("second record"))
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=dict, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "first_id", "second_id"],
                name="duplicate_candidate_pair_unique",
            )
        ]


class MergedRecord(models.Model):
    """An id that was merged into another: the API and pages redirect old ids to the survivor."""

    old_id = models.UUIDField(_("merged id"), primary_key=True)
    record_type = models.CharField(_("record type"), max_length=50)
    new_id = models.UUIDField(_("surviving id"), db_index=True)
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("merged record")
        verbose_name_plural = _("merged records")

    def __str__(self) -> str:
        return f"{self.old_id} → {self.new_id}"
