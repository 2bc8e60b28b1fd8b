"""The directory steward's admin: HSDS imports with their progress, and the duplicate queue.

Imported by services/admin/__init__.py. Starting an import uploads the file, records an ImportRun and
hands its id to Celery; the run's page shows percent and counts while it goes and every problem
(file, row, reason) when it ends. Duplicate pairs are reviewed side by side and merged (keeping
one) or dismissed; only stewards and operators may do either (accounts.permissions).
"""

from __future__ import annotations

import shutil
import uuid
import zipfile
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from services import phones
from services.listings import duplicates
from services.models import DuplicateCandidate, ImportRun, Organization, Service
from services.tasks import run_import

# Largest upload unpacked (a ZIP may hold much more than it weighs).
MAX_UNPACKED_BYTES = 4 * 1024**3


def _may_import(request: HttpRequest) -> bool:
    from accounts import permissions

    return permissions.may_import_listings(request.user)


def _may_merge(request: HttpRequest) -> bool:
    from accounts import permissions

    return permissions.may_merge_duplicates(request.user)


def import_dir() -> Path:
    return Path(getattr(settings, "HSDS_IMPORT_DIR", settings.BASE_DIR / ".local" / "imports"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS file"),
        help_text=_(
            "A ZIP of a CSV package (with datapackage.json) or of JSON documents, or one .json "
            "or .ndjson file."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the texts"),
        choices=settings.CONTENT_LANGUAGES,
        initial="es",
        help_text=_("Used for records that do not say which language they are written in."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".zip", ".json", ".ndjson"):
            raise forms.ValidationError(_("Upload a .zip, .json or .ndjson file."))
        return upload


def store_upload(upload: Any, target: Path) -> Path:
    """Saves the upload under `target` (unpacking a ZIP safely) and returns what to import."""
    target.mkdir(parents=True, exist_ok=True)
    name = Path(upload.name).name
    if Path(name).suffix.lower() != ".zip":
        destination = target / name
        with destination.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        return destination
    unpacked = target / "package"
    unpacked.mkdir()
    total = 0
    with zipfile.ZipFile(upload) as archive:
        for member in archive.infolist():
            if member.is_dir():
                continue
            # Only the file's own name: no path may climb out of the folder.
            inner = Path(member.filename).name
            if not inner or inner.startswith("."):
                continue
            total += member.file_size
            if total > MAX_UNPACKED_BYTES:
                shutil.rmtree(target, ignore_errors=True)
                raise forms.ValidationError(gettext("The ZIP file is too large once unpacked."))
            with archive.open(member) as source, (unpacked / inner).open("wb") as handle:
                shutil.copyfileobj(source, handle)
    return unpacked


@admin.register(ImportRun)
class StewardImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "source_name",
        "status",
        "progress",
        "created",
        "updated",
        "problem_count",
        "started_by",
    ]
    list_filter = ["status"]
    search_fields = ["source"]
    ordering = ["-created_at"]
    readonly_fields = [
        "source",
        "status",
        "progress",
        "total",
        "processed",
        "created",
        "updated",
        "started_by",
        "started_at",
        "finished_at",
        "problems",
    ]
    fields = readonly_fields
    change_form_template = "admin/services/importrun/change_form.html"
    change_list_template = "admin/services/importrun/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_import(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_import(request)

    @admin.display(description=_("source"))
    def source_name(self, run: ImportRun) -> str:
        return Path(run.source).name

    @admin.display(description=_("progress"))
    def progress(self, run: ImportRun) -> str:
        return format_html(
            '<progress max="100" value="{}"></progress> {}% ({} / {})',
            run.percent,
            run.percent,
            run.processed,
            run.total,
        )

    @admin.display(description=_("problems"))
    def problem_count(self, run: ImportRun) -> int:
        return len(run.errors or [])

    @admin.display(description=_("errors and warnings"))
    def problems(self, run: ImportRun) -> str:
        rows = run.errors or []
        if not rows:
            return gettext("None")
        header = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            gettext("level"),
            gettext("file"),
            gettext("row"),
            gettext("record"),
            gettext("field"),
            gettext("reason"),
        )
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    row.get("level", ""),
                    row.get("file", ""),
                    row.get("row", ""),
                    row.get("object", ""),
                    row.get("id", ""),
                    row.get("field", ""),
                    row.get("reason", ""),
                )
                for row in rows
            ),
        )
        return format_html("<table>{}{}</table>", header, body)

    def get_urls(self) -> list:
        return [
            path(
                "start/",
                self.admin_site.admin_view(self.start_view),
                name="services_importrun_start",
            ),
            *super().get_urls(),
        ]

    def start_view(self, request: HttpRequest) -> HttpResponse:
        if not _may_import(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            folder = import_dir() / uuid.uuid4().hex
            try:
                source = store_upload(form.cleaned_data["file"], folder)
            except (forms.ValidationError, zipfile.BadZipFile) as error:
                form.add_error("file", getattr(error, "message", gettext("Not a ZIP file.")))
            else:
                run = _start(request, source, form.cleaned_data["language"])
                messages.success(request, gettext("The import has started."))
                return HttpResponseRedirect(
                    reverse("admin:services_importrun_change", args=[run.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": gettext("Import HSDS data"),
        }
        return TemplateResponse(request, "admin/services/importrun/start.html", context)


@transaction.atomic
def _start(request: HttpRequest, source: Path, language: str) -> ImportRun:
    from audit import record

    run = ImportRun.objects.create(source=str(source)[:500], started_by=request.user)
    record(actor=request.user, action="services.import_started", obj=run, request=request)
    transaction.on_commit(lambda: run_import.delay(str(run.pk), language))
    return run


@admin.register(DuplicateCandidate)
class StewardDuplicateAdmin(admin.ModelAdmin):
    list_display = ["pair", "record_type", "score", "reasons_summary", "decision", "decided_at"]
    # `pair` is already the link to the review page; the admin's own link around it would nest
    # one anchor in another and leave an empty link for screen readers.
    list_display_links = None
    list_filter = ["decision", "record_type"]
    ordering = ["decision", "-score"]
    actions = ["dismiss_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_merge(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_merge(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_merge(request)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # The queue opens on the pairs still to review.
        if "decision__exact" not in request.GET and not request.GET.get("_changelist_filters"):
            query = request.GET.copy()
            query["decision__exact"] = DuplicateCandidate.Decision.OPEN
            request.GET = query
            request.META["QUERY_STRING"] = query.urlencode()
        return super().changelist_view(request, extra_context)

    def action_checkbox(self, obj: Any) -> str:
        # A label around the box makes the whole cell the target: a bare box is ~13 px.
        return format_html('<label class="action-target">{}</label>', super().action_checkbox(obj))

    @admin.display(description=_("pair"))
    def pair(self, candidate: DuplicateCandidate) -> str:
        names = _names(candidate)
        return format_html(
            '<a href="{}">{} ↔ {}</a>',
            reverse("admin:services_duplicatecandidate_review", args=[candidate.pk]),
            names.get(candidate.first_id, candidate.first_id),
            names.get(candidate.second_id, candidate.second_id),
        )

    @admin.display(description=_("why"))
    def reasons_summary(self, candidate: DuplicateCandidate) -> str:
        return ", ".join(f"{key}: {value}" for key, value in sorted(candidate.reasons.items()))

    @admin.action(description=_("Not duplicates: dismiss the selected pairs"))
    def dismiss_selected(self, request: HttpRequest, queryset: Any) -> None:
        count = 0
        for candidate in queryset.filter(decision=DuplicateCandidate.Decision.OPEN):
            duplicates.dismiss(candidate, actor=request.user)
            count += 1
        messages.success(
            request,
            ngettext("%(count)d pair dismissed.", "%(count)d pairs dismissed.", count)
            % {"count": count},
        )

    def get_urls(self) -> list:
        return [
            path(
                "<uuid:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="services_duplicatecandidate_review",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any):
        return HttpResponseRedirect(
            reverse("admin:services_duplicatecandidate_review", args=[object_id])
        )

    def review_view(self, request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
        if not _may_merge(request):
            raise PermissionDenied
        candidate = get_object_or_404(DuplicateCandidate, pk=pk)
        queue = reverse("admin:services_duplicatecandidate_changelist")
        if request.method == "POST" and candidate.decision == DuplicateCandidate.Decision.OPEN:
            choice = request.POST.get("decision")
            try:
                if choice == "dismiss":
                    duplicates.dismiss(candidate, actor=request.user)
                    messages.success(request, gettext("Marked as not duplicates."))
                elif choice in (str(candidate.first_id), str(candidate.second_id)):
                    duplicates.merge(candidate, keep=uuid.UUID(choice), actor=request.user)
                    messages.success(request, gettext("Merged."))
                else:
                    messages.error(request, gettext("Choose what to do with this pair."))
                    return HttpResponseRedirect(request.path)
            except duplicates.MergeError as error:
                messages.error(request, str(error))
            return HttpResponseRedirect(queue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Review a possible duplicate"),
            "candidate": candidate,
            "records": _describe(candidate),
            "queue_url": queue,
        }
        return TemplateResponse(request, "admin/services/duplicatecandidate/review.html", context)


def _model(candidate: DuplicateCandidate) -> Any:
    return Organization if candidate.record_type == "organization" else Service


def _names(candidate: DuplicateCandidate) -> dict[uuid.UUID, str]:
    model = _model(candidate)
    return dict(
        model.objects.filter(pk__in=[candidate.first_id, candidate.second_id]).values_list(
            "pk", "name"
        )
    )


def _describe(candidate: DuplicateCandidate) -> list[dict[str, Any]]:
    """Both records, side by side, with what a steward compares."""
    model = _model(candidate)
    rows = []
    for pk in (candidate.first_id, candidate.second_id):
        record = model.objects.filter(pk=pk).first()
        if record is None:
            rows.append({"id": pk, "missing": True})
            continue
        website = getattr(record, "website", "") or getattr(record, "url", "")
        rows.append(
            {
                "id": pk,
                "name": record.name,
                "organization": getattr(record, "organization", None),
                "website": website,
                "email": record.email,
                "phones": [phones.display(p.number) for p in record.phones.all()],
                "description": record.localized("description", "es")[0],
                "created_at": record.created_at,
                "last_modified": record.last_modified,
                "admin_url": reverse(f"admin:services_{model._meta.model_name}_change", args=[pk]),
            }
        )
    return rows
