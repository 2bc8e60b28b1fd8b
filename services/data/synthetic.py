"""A synthetic directory for benchmarks (generate_directory): millions of rows through
PostgreSQL COPY, because bulk_create is many times slower.

Rows are fictional and marked "(synthetic)"; the random choices come from the seed, so two runs
with the same seed produce the same directory. The search columns are filled afterwards by the
same SQL function as everywhere else (search_index.refresh_services), with the search indexes
dropped meanwhile and rebuilt at the end, which is much faster than maintaining them row by row.
"""

from __future__ import annotations

import datetime as dt
import io
import queue
import random
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.contrib.gis.geos import Point
from django.db import connection

from services import models as m
from services.confidential import public_point
from services.data.demo import TEMPLATES, _hours
from services.search.index import refresh_services, refresh_words
from services.search.rows import FILL_SQL

BATCH = 50_000
# The tables generate() writes. Their secondary indexes (every index that backs no constraint)
# are dropped for the load and rebuilt once at the end: maintaining ~40 B-trees, a GiST and
# several GINs row by row, through the COPY and again through the refresh's UPDATE (which
# rewrites every service row), costs far more than building them in one sorted pass.
BULK_MODELS = (
    m.Organization,
    m.Location,
    m.Service,
    m.ServiceAtLocation,
    m.Phone,
    m.Schedule,
    m.Language,
    m.Attribute,
    m.ServiceArea,
    m.SearchRow,
    m.SearchFacet,
)
# Indexes of these are built only after the refresh has rewritten the rows they cover.
LATE_TABLES = (m.Service._meta.db_table, m.SearchRow._meta.db_table, m.SearchFacet._meta.db_table)


def _text(value: Any) -> str:
    """A value in COPY's text format. Called for every column of every row (about 15 million
    times for 1,000,000 services), so plain strings take the shortest path."""
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        return value
    if value is None:
        return r"\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if isinstance(value, list | tuple):
        return "{" + ",".join(str(v) for v in value) + "}"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return _text(str(value))


class Copier:
    """Streams rows of one model into COPY, filling every NOT NULL column the caller leaves out
    with the field's default (Django sets no database defaults)."""

    def __init__(self, model: type, columns: list[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        fields = {f.column: f for f in model._meta.concrete_fields}
        self.extra = {
            c: f.get_default()
            for c, f in fields.items()
            if c not in columns and not f.null and c != "id"
        }
        self.columns = columns + list(self.extra)
        self.tail = "\t".join(_text(v) for v in self.extra.values())
        self.buffer = io.StringIO()
        self.count = 0

    def row(self, *values: Any) -> None:
        line = "\t".join(_text(v) for v in values)
        self.buffer.write(f"{line}\t{self.tail}\n" if self.extra else f"{line}\n")
        self.count += 1

    def take(self) -> tuple[str, str] | None:
        """The COPY statement and the rows gathered since the last call."""
        if not self.buffer.tell():
            return None
        cols = ", ".join(f'"{c}"' for c in self.columns)
        data = self.buffer.getvalue()
        self.buffer = io.StringIO()
        return f'COPY "{self.table}" ({cols}) FROM STDIN', data


class Writer:
    """Runs the COPYs in a second thread, so that PostgreSQL loads one batch while Python builds
    the next (two cores)."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (job := self.queue.get()) is not None:
            if self.error is None:
                try:
                    for sql, data in job:
                        with self.cursor.copy(sql) as copy:
                            copy.write(data)
                except BaseException as exc:  # noqa: BLE001  (re-raised in the caller)
                    self.error = exc

    def send(self, copiers: tuple[Copier, ...]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put([job for c in copiers if (job := c.take()) is not None])

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


# uuid.UUID(int=n, version=4): variant bits 10, version nibble 4.
VERSION_MASK = ~((0xC000 << 48) | (0xF000 << 64))
VERSION_4 = (0x8000 << 48) | (4 << 76)


def _town_picker(rng: random.Random) -> Callable[[], m.Region]:
    towns = list(
        m.Region.objects.filter(level=m.Region.Level.MUNICIPALITY, centre__isnull=False)
        .select_related("parent__parent")
        .order_by("code")
    )
    if not towns:
        raise RuntimeError("No towns loaded: run manage.py load_regions first.")
    cumulative, total = [], 0.0
    for town in towns:
        total += max(town.population or 1, 1) ** 0.5
        cumulative.append(total)
    return lambda: rng.choices(towns, cum_weights=cumulative)[0]


def _secondary_indexes(cursor: Any) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of each index on the bulk tables that backs no primary
    key, unique or exclusion constraint, largest table first (built first, in parallel)."""
    tables = [model._meta.db_table for model in BULK_MODELS]
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY pg_relation_size(t.oid) DESC, i.relname
        """,
        [tables],
    )
    return list(cursor.fetchall())


def _drop_indexes(cursor: Any, indexes: list[tuple[str, str]]) -> None:
    # Inside a caller's transaction, deferred foreign-key checks would block the DDL.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def _restore_indexes(indexes: list[tuple[str, str]]) -> None:
    """After a failed load outside a transaction: the dropped indexes come back (the rows
    loaded so far stay, as they did before)."""
    if connection.in_atomic_block:
        return  # The transaction's rollback brings them back.
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(re.sub(r"^CREATE (UNIQUE )?INDEX ", r"CREATE \1INDEX IF NOT EXISTS ",
                                  definition))  # fmt: skip


def _build_indexes(indexes: list[tuple[str, str]], workers: int) -> None:
    """Rebuilds the dropped indexes, on one connection per core when not inside a transaction
    (a test's), each connection taking the next index from the list."""
    pending = queue.SimpleQueue()
    for item in indexes:
        pending.put(item)

    def work() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # GIN and GiST builds are several times faster when they fit in memory.
                cursor.execute("SET maintenance_work_mem = '512MB'")
                while True:
                    try:
                        _name, definition = pending.get_nowait()
                    except queue.Empty:
                        return
                    cursor.execute(definition)
        finally:
            if threads > 1:
                connection.close()

    threads = 1 if connection.in_atomic_block else max(1, workers)
    if threads == 1:
        work()
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(work) for _ in range(threads)]:
            future.result()


def _refresh_in_parallel(ids: list[str], workers: int, *, replica: bool) -> None:
    """The refresh is CPU-bound in PostgreSQL (text vectors): one connection per core."""
    chunks = [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]

    def work(part: list[list[str]]) -> None:
        try:
            if replica:
                with connection.cursor() as cursor:
                    cursor.execute("SET session_replication_role = replica")
            for chunk in part:
                refresh_services(chunk, words=False, documents=False)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(work, chunks[w::workers]) for w in range(workers)]:
            future.result()


def generate(
    services: int, seed: int, *, workers: int = 2, log: Callable[[str], None] = print
) -> dict[str, float]:
    """Adds `services` synthetic services (about 5 per organisation); returns timings."""
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor.cursor)
    try:
        return _generate(services, seed, indexes, workers=workers, log=log)
    except BaseException:
        _restore_indexes(indexes)
        raise


def _generate(
    services: int,
    seed: int,
    indexes: list[tuple[str, str]],
    *,
    workers: int,
    log: Callable[[str], None],
) -> dict[str, float]:
    rng = random.Random(seed)  # noqa: S311  (reproducible fiction, not secrets)
    timings: dict[str, float] = {}
    started = time.monotonic()
    pick_town = _town_picker(rng)
    terms = {t.code: t.id for t in m.TaxonomyTerm.objects.all()}
    if not terms:
        raise RuntimeError("No taxonomy: run manage.py load_demo (or load the taxonomy) first.")
    countries = {r.code: r for r in m.Region.objects.filter(level=m.Region.Level.COUNTRY)}
    # One timestamp for every row, formatted once.
    now = dt.datetime.now(dt.UTC).isoformat()
    verified = [(dt.datetime.now(dt.UTC) - dt.timedelta(days=d)).isoformat() for d in range(501)]

    def uid(*_parts: object) -> str:
        # Seeded random ids: as reproducible as derived ones, and cheaper than uuid5. The bits
        # of uuid.UUID(int=..., version=4), written as the hex COPY reads, without building a
        # UUID object per row.
        n = (rng.getrandbits(128) & VERSION_MASK) | VERSION_4
        return f"{n:032x}"

    orgs = Copier(
        m.Organization,
        [
            "id",
            "created_at",
            "last_modified",
            "name",
            "description",
            "description_es",
            "description_en",
            "content_language",
        ],
    )
    locs = Copier(
        m.Location,
        [
            "id",
            "created_at",
            "last_modified",
            "organization_id",
            "location_type",
            "name",
            "name_es",
            "is_confidential",
            "point",
            "public_point",
            "region_id",
            "time_zone",
        ],
    )
    svcs = Copier(
        m.Service,
        [
            "id",
            "created_at",
            "last_modified",
            "organization_id",
            "name",
            "name_es",
            "name_en",
            "description",
            "description_es",
            "description_en",
            "content_language",
            "status",
            "populations",
            "immigration_status_not_asked",
            "no_id_required",
            "is_free",
            "open_24_7",
            "trafficking_specialised",
            "capacity_available",
            "capacity_total",
            "last_verified_at",
        ],
    )
    sals = Copier(
        m.ServiceAtLocation, ["id", "created_at", "last_modified", "service_id", "location_id"]
    )
    phones = Copier(m.Phone, ["id", "created_at", "last_modified", "service_id", "number", "type"])
    scheds = Copier(
        m.Schedule,
        [
            "id",
            "created_at",
            "last_modified",
            "service_id",
            "freq",
            "byday",
            "opens_at",
            "closes_at",
        ],
    )
    langs = Copier(m.Language, ["id", "created_at", "last_modified", "service_id", "code"])
    attrs = Copier(
        m.Attribute,
        [
            "id",
            "created_at",
            "last_modified",
            "link_id",
            "link_entity",
            "link_type",
            "taxonomy_term_id",
        ],
    )
    areas = Copier(m.ServiceArea, ["id", "created_at", "last_modified", "service_id",
                                   "region_id"])  # fmt: skip
    copiers = (orgs, locs, svcs, sals, phones, scheds, langs, attrs, areas)
    new_ids: list[str] = []

    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        _drop_indexes(cursor, indexes)
        # Foreign keys are checked row by row by triggers; every id here is generated together
        # with its parent in this function, so a superuser may skip those checks (others can't,
        # and the load is merely slower).
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        replica = cursor.fetchone()[0]
        if replica:
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")
        writer = Writer(cursor)
        made = 0
        org_n = 0
        while made < services:
            org_n += 1
            town = pick_town()
            org_id = uid("org", org_n)
            orgs.row(
                org_id,
                now,
                now,
                f"Organización sintética {org_n} (synthetic)",
                "Registro sintético.",
                "Registro sintético.",
                "Synthetic record.",
                "es",
            )
            x = round(town.centre.x + rng.uniform(-0.08, 0.08), 6)
            y = round(town.centre.y + rng.uniform(-0.08, 0.08), 6)
            ewkt = f"SRID=4326;POINT({x} {y})"
            loc_id = uid("loc", org_n)
            locs.row(
                loc_id,
                now,
                now,
                org_id,
                "physical",
                f"Sede {town.name}",
                f"Sede {town.name}",
                False,
                ewkt,
                ewkt,
                town.id,
                town.time_zone,
            )
            for k in range(min(rng.randint(3, 7), services - made)):
                made += 1
                template = TEMPLATES[rng.randrange(len(TEMPLATES))]
                service_id = uid("svc", made)
                new_ids.append(service_id)
                location_id = loc_id
                if template.confidential:
                    location_id = uid("loc", org_n, k)
                    exact = Point(
                        x + rng.uniform(-0.02, 0.02),
                        y + rng.uniform(-0.02, 0.02),
                        srid=4326,
                    )
                    public = public_point(exact)
                    locs.row(
                        location_id,
                        now,
                        now,
                        org_id,
                        "physical",
                        "Casa refugio",
                        "Casa refugio",
                        True,
                        exact.ewkt,
                        public.ewkt,
                        town.id,
                        town.time_zone,
                    )
                hotline = rng.random() < 0.002
                name_es = f"{template.es} {made} – {town.name} (synthetic)"
                name_en = f"{template.en} {made} – {town.name} (synthetic)"
                capacity = template.capacity
                svcs.row(
                    service_id,
                    now,
                    now,
                    org_id,
                    name_es,
                    name_es,
                    name_en,
                    template.desc_es,
                    template.desc_es,
                    template.desc_en,
                    "es",
                    "active",
                    list(template.populations),
                    template.status_not_asked,
                    template.no_id,
                    template.free,
                    template.hours == "247" or hotline,
                    template.trafficking,
                    rng.randint(0, capacity) if capacity else None,
                    capacity,
                    verified[rng.randint(0, 500)],
                )
                sals.row(uid("sal", made), now, now, service_id, location_id)
                phones.row(
                    uid("phone", made), now, now, service_id, f"+171355501{made % 100:02d}", "voice"
                )
                for n, spec in enumerate(_hours("247" if hotline else template.hours)):
                    scheds.row(
                        uid("sched", made, n),
                        now,
                        now,
                        service_id,
                        "WEEKLY",
                        spec["byday"],
                        spec["opens"],
                        spec["closes"],
                    )
                for code in ["es"] + rng.sample(["en", "pt", "fr", "ht"], rng.randint(0, 2)):
                    langs.row(uid("lang", made, code), now, now, service_id, code)
                for code in template.terms:
                    attrs.row(
                        uid("attr", made, code),
                        now,
                        now,
                        service_id,
                        "service",
                        "service",
                        terms[code],
                    )
                area_region = countries.get(town.country_code) if hotline else town
                areas.row(uid("area", made), now, now, service_id, area_region.id)
            if svcs.count >= BATCH:
                writer.send(copiers)
                svcs.count = 0
        writer.send(copiers)
        writer.close()
        timings["copy_s"] = round(time.monotonic() - started, 1)
        log(f"COPY of {services} services and their rows: {timings['copy_s']} s")
    # The refresh finds each service's rows through the other tables' indexes (without them
    # every chunk would read those tables whole); the service table's own indexes wait until
    # its rows have been rewritten.
    later = [i for i in indexes if any(f" ON public.{t} " in i[1] for t in LATE_TABLES)]
    step = time.monotonic()
    _build_indexes([i for i in indexes if i not in later], workers)
    timings["indexes_s"] = round(time.monotonic() - step, 1)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute("ANALYZE")
        step = time.monotonic()
        # Still in replica mode (superusers): the search table's statement triggers would
        # upsert every chunk into it through its indexes; it is filled once below instead.
        if workers > 1:
            _refresh_in_parallel(new_ids, workers, replica=replica)
        else:
            for i in range(0, len(new_ids), BATCH):
                refresh_services(new_ids[i : i + BATCH], words=False, documents=False)
        refresh_words()
        timings["refresh_s"] = round(time.monotonic() - step, 1)
        log(f"Search columns: {timings['refresh_s']} s")
        step = time.monotonic()
        # Every service's search row in one statement (the ones there already are left as they
        # are). Its foreign key is to the rows it is read from, so replica mode may skip it.
        cursor.execute(FILL_SQL)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET synchronous_commit = DEFAULT")
        timings["search_rows_s"] = round(time.monotonic() - step, 1)
        log(f"Search table: {timings['search_rows_s']} s")
    step = time.monotonic()
    _build_indexes(later, workers)
    timings["indexes_s"] = round(timings["indexes_s"] + time.monotonic() - step, 1)
    log(f"Indexes ({len(indexes)}): {timings['indexes_s']} s")
    step = time.monotonic()
    with connection.cursor() as cursor:
        # VACUUM (outside a transaction only) sets the visibility map, so that counts can be
        # answered from indexes alone.
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        for table in LATE_TABLES:
            cursor.execute(f"{verb} {table}")
    timings["analyze_s"] = round(time.monotonic() - step, 1)
    timings["total_s"] = round(time.monotonic() - started, 1)
    return timings
