"""HSDS import: validate in Python, write in batches with COPY and one upsert per table.

How a chunk of records (JSON documents or CSV rows) is handled:

1. Each JSON document is flattened into rows of the HSDS tables; nested objects take their
   parent's id (a phone under a service gets `service_id`). Rows with the same id are merged (the
   official examples repeat one phone under five owners), and so are the records they came from:
   a *record* is what is accepted or rejected as a whole.
2. Every row is read into column values by converters built from the model fields; references
   are resolved against the chunk and the database. A record with any invalid row is rejected
   whole, and so is every record that needed it. An optional reference to something that exists
   nowhere is dropped with a warning; a required one rejects the record.
3. Valid rows are written table by table in dependency order: COPY into a temporary table, then
   one `INSERT … ON CONFLICT (id) DO UPDATE … WHERE … IS DISTINCT FROM …` that updates only the
   columns the source gave and skips unchanged rows, and writes a provenance metadata row for each
   row it created or changed. The chunk is one transaction; if the database still refuses it, the
   chunk is retried record by record so that only the offending records are rejected.

Self-references (parent organisation, parent term) may point forward in the source; they are set
after the last chunk.

This module drives the steps, each in its own module over one shared `ImportState`: reader.py
(1-2), references.py, writer.py (3), refresh.py (the search columns), report.py (problems).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from services import models as m
from services import phones
from services.hsds.importer import reader, references, refresh, writer
from services.hsds.importer.chunks import ReadChunk, chunked
from services.hsds.importer.refresh import Refresher
from services.hsds.importer.report import ImportReport, Problem
from services.hsds.importer.state import ImportState
from services.hsds.sources import Origin, Source
from services.hsds.spec import BY_NAME, content_languages
from services.models import ImportRun

JSON_CHUNK = 1000
CSV_CHUNK = 5000


class Importer:
    """One import of `source` into the directory, recorded on `run`."""

    def __init__(
        self,
        source: Source,
        *,
        run: ImportRun,
        language: str = "es",
        updated_by: str = "import",
        country: str = "",
        on_progress: Callable[[int, ImportReport], None] | None = None,
        on_problem: Callable[[Problem], None] | None = None,
    ):
        if language not in content_languages():
            raise ValueError(f"unknown content language {language!r}")
        self.state = ImportState(
            source=source,
            run=run,
            language=language,
            updated_by=updated_by,
            country=country.upper(),
            on_progress=on_progress,
            on_problem=on_problem,
        )

    @property
    def report(self) -> ImportReport:
        return self.state.report

    def run_import(self) -> ImportReport:
        state = self.state
        chunk_size = CSV_CHUNK if state.source.is_tabular() else JSON_CHUNK
        processed = 0
        chunks = chunked(state.source.records(), chunk_size)
        language = translation.get_language()

        def read_next() -> ReadChunk | None:
            # Translation is per thread: the reader's messages in the importer's language.
            with translation.override(language):
                records = next(chunks, None)
                return None if records is None else reader.read_chunk(state, records)

        relaxed = False
        refresher: Refresher | None = None
        try:
            relaxed = refresh.relax_commit()
            state.chunks_commit = relaxed
            if relaxed:
                # Outside a caller's transaction each chunk commits, so a second connection
                # sees it: its services' search columns are computed there, on the other core.
                refresher = Refresher()
            # Two stages on two cores: while PostgreSQL writes a chunk (the writer waits on it
            # without the GIL), the reader thread parses and checks the next one.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hsds-reader") as pool:
                pending = pool.submit(read_next)
                while (chunk := pending.result()) is not None:
                    pending = pool.submit(read_next)
                    writer.write_chunk(state, chunk)
                    if refresher and state.committed:
                        refresher.submit(state.committed, state.last_stamp)
                        state.committed = {}
                    processed += chunk.size
                    state.report.records = processed
                    if state.on_progress:
                        state.on_progress(processed, state.report)
            if refresher:
                refresher.finish()
            refresh.analyze(state)
            references.resolve_deferred(state)
            self._normalise_national_phones()
            refresh.refresh_search(state, refresher)
            self._report_unknown_keys()
        finally:
            if refresher:
                refresher.finish()
            writer.drop_temp_tables(state)
            if relaxed:
                # The connection outlives the import (a Celery worker's next task may be a
                # referral's transition): its commits must wait for the disk again.
                with connection.cursor() as cursor:
                    cursor.execute("SET synchronous_commit TO DEFAULT")
        return state.report

    def _normalise_national_phones(self) -> None:
        """Read the numbers written without + with their owner's country, now that the owners
        are in the database; one that still cannot be read stays as written, reported, and
        listed by `manage.py phones_to_fix` for a steward."""
        state = self.state
        if not state.national_phones:
            return
        spec = BY_NAME["phones"]
        for phone in m.Phone.objects.filter(pk__in=list(state.national_phones)):
            try:
                number = phones.normalise(phone.number, phones.owner_country(phone))
            except ValidationError as error:
                state.problem(
                    "warning",
                    state.national_phones[phone.pk],
                    spec,
                    phone.pk,
                    "number",
                    _("kept as written, to be fixed: %(reason)s")
                    % {"reason": " ".join(error.messages)},
                )
                continue
            if number != phone.number:
                m.Phone.objects.filter(pk=phone.pk).update(number=number)

    def _report_unknown_keys(self) -> None:
        for file, object_name, key in sorted(self.state.unknown_keys):
            self.state.problem(
                "warning",
                Origin(file, ""),
                None,
                "",
                key,
                _("is not an HSDS field of %(object)s (nor one of ours); ignored")
                % {"object": object_name},
            )
