"""The audit log: who did what to which record, when. Ids and codes only, never client data.

Rows are appended by audit.chain.append and never changed: the database refuses UPDATE, DELETE
and TRUNCATE (migration 0002) and the application's database role may only INSERT and SELECT
them (audit.roles); each row carries an HMAC, under a key the database never holds, of its own
fields and of the row before it, so `manage.py verify_audit` finds any row changed, removed or
slipped in, even by someone with the database's superuser.

There are no foreign keys on purpose: an event must outlive the user, organisation or record it
names, and a cascade or SET NULL would have to change the row.
"""

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> "AuditEventQuerySet":
        """The events `user` may read (accounts.permissions decides)."""
        from accounts import permissions

        return permissions.audit_events_visible_to(user, self)

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are never updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events are never deleted")


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(_("actor (user id)"), null=True, blank=True)
    organization_id = models.UUIDField(_("organisation id"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    request_id = models.UUIDField(_("request id"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("hash of the previous event"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    # Which chain key the hash is an HMAC under; empty for events from before the chain was keyed.
    key_id = models.CharField(_("chain key"), max_length=16, blank=True, db_default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organization_id", "-id"], name="audit_org_recent"),
            models.Index(fields=["actor_id", "-id"], name="audit_actor_recent"),
            models.Index(fields=["action", "-id"], name="audit_action_recent"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are never deleted")
