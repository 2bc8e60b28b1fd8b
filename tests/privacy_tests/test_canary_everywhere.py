"""The canary suite: no sensitive value leaks through any output.

Distinctive values go into every field of the two sensitive classes (tests/privacy_tests/sensitivity.py): the
sealed handoff's name, phone, safe times and note, and a confidential shelter's address lines,
hidden texts (every language) and exact point. Then the whole product runs, through a real
gunicorn and a real Celery worker: every role makes, accepts, opens, connects, closes, declines,
withdraws and revokes referrals through pages and API, and walks the public pages, the public API,
the staff pages, the staff API and the admin; the expiry task runs on the worker; the public HSDS
export is written as JSON and CSV.

Then every response body and header, the gunicorn and worker logs (DEBUG), the application log of
this process (DEBUG), every e-mail (the worker prints them), every key left in the Redis db (broker
and cache), the export files, every audit event and every row of every table outside the canary's
own column are searched for each canary, plain and encoded (canaries.py). Only the entitled views
may hold one: the handoff only in the receiving intake's (two factors, after accepting) contact
page and handoff API answer; the shelter only in answers to staff entitled to confidential
locations (accounts.permissions.may_view_confidential_location).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from referrals.models import ContactHandoff, HandoffKey, Outbox, Referral, Status
from services import models as m
from services.hsds import exporter
from services.search.index import refresh_services
from tests.factories import (
    OrganizationFactory,
    RegionFactory,
    ServiceFactory,
    TaxonomyTermFactory,
    member,
)
from tests.privacy_tests import canaries as c
from tests.privacy_tests import sensitivity
from tests.privacy_tests.live import Browser, Exchange

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NEAR_LAT, NEAR_LON = 7.9101, -72.5013
CLIENT = (sensitivity.CLIENT,)
BOTH = sensitivity.SENSITIVE


def es(name: str, **kwargs) -> str:
    with translation.override("es"):
        return reverse(name, kwargs=kwargs)


# --- the world ---------------------------------------------------------------------------------


def seed_world() -> dict:
    a = OrganizationFactory(name="Fundación Remitente A", is_verified_partner=True)
    b = OrganizationFactory(name="Albergue Receptor B", is_verified_partner=True)
    unrelated = OrganizationFactory(name="Colectivo C sin verificar", is_verified_partner=False)
    stewards = OrganizationFactory(name="Directorio Enlace", is_verified_partner=True)
    shelter = m.Location(
        organization=b,
        name="Casa Refugio B (zona)",
        name_es="Casa Refugio B (zona)",
        is_confidential=True,
        point=Point(c.SHELTER_LON, c.SHELTER_LAT, srid=4326),
        time_zone="America/Bogota",
    )
    for name, value in c.location_values().items():
        setattr(shelter, name, value)
    # In a country, so that the country's pages and printable sheet list the shelter.
    shelter.region = RegionFactory(code="CO", name="Colombia", level=m.Region.Level.COUNTRY)
    shelter.save()
    m.Address.objects.create(location=shelter, country="CO", **c.ADDRESS)
    service_b = ServiceFactory(
        organization=b, name="Casa Refugio B", name_es="Casa Refugio B", name_en="Refuge House B"
    )
    service_b.last_verified_at = timezone.now()
    service_b.save()
    link = m.ServiceAtLocation.objects.create(
        service=service_b, location=shelter, **c.row_values("link")
    )
    m.Phone.objects.create(location=shelter, number="+57 601 222 3333", is_intake=True)
    m.Phone.objects.create(service=service_b, number="+57 601 222 4444")
    seed_rows_at_the_shelter(shelter, service_b)
    seed_rows_on_the_link(link, service_b)
    m.Metadata.objects.create(
        resource_id=shelter.pk,
        resource_type="address",
        last_action_date=timezone.now(),
        last_action_type="update",
        field_name="address_1",
        updated_by="steward",
        **c.METADATA,
    )
    service_a = ServiceFactory(organization=a, name="Orientación A", name_es="Orientación A")
    refresh_services([service_b.pk, service_a.pk])
    users = {}
    for label, org in (("a", a), ("b", b)):
        for role in ("caseworker", "hotline", "intake", "org_admin"):
            users[f"{role}-{label}"] = member(f"{role}-{label}", org, role)
    users["member-c"] = member("member-c", unrelated, "caseworker")
    users["org_admin-c"] = member("org_admin-c", unrelated, "org_admin")
    users["steward"] = member("steward", stewards, "steward")
    operator = member("operator", stewards, "org_admin")
    operator.is_superuser = operator.is_staff = True
    operator.save()
    users["operator"] = operator
    for name in ("steward", "org_admin-c", "org_admin-b"):
        users[name].is_staff = True
        users[name].save()
    return {
        "a": a,
        "b": b,
        "c": unrelated,
        "shelter": shelter,
        "service_b": service_b,
        "service_a": service_a,
        "users": users,
    }


def seed_rows_at_the_shelter(shelter: m.Location, service: m.Service) -> None:
    """Rows that are public elsewhere and confidential-location data here (ROW_RULES)."""
    # Also the service's own phone: the service page lists service phones as well as the place's.
    hidden = m.Phone.objects.create(
        location=shelter,
        service=service,
        is_intake=False,
        **c.HIDDEN_PHONE,
        **c.row_values("phone"),
    )
    contact = m.Contact.objects.create(location=shelter, service=service, **c.CONTACT)
    m.Phone.objects.create(contact=contact, **c.CONTACT_PHONE)
    m.Schedule.objects.create(
        location=shelter,
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR",
        opens_at="08:00",
        closes_at="17:00",
        schedule_link=c.SCHEDULE_LINK,
        **c.row_values("schedule"),
    )
    m.Accessibility.objects.create(
        location=shelter, url=c.ACCESSIBILITY_URL, **c.row_values("accessibility")
    )
    m.Language.objects.create(
        location=shelter, name="Wayuunaiki", code="guc", **c.row_values("language")
    )
    m.Language.objects.create(phone=hidden, name="English", code="en", note=c.PHONE_LANGUAGE_NOTE)


def seed_rows_on_the_link(link: m.ServiceAtLocation, service: m.Service) -> None:
    """The same kinds of row hanging off the service's link to the shelter (HSDS lets phones,
    contacts and schedules hang off a service_at_location), also attached to the service itself
    where HSDS allows it, so that every list of the service's own rows is tried too; tags and
    field history on hidden records."""
    phone = m.Phone.objects.create(
        service_at_location=link,
        service=service,
        is_intake=False,
        **c.LINK_PHONE,
        **c.row_values("link_phone"),
    )
    # The link's intake line is public: not a canary.
    m.Phone.objects.create(service_at_location=link, number=c.LINK_INTAKE_PHONE, is_intake=True)
    contact = m.Contact.objects.create(service_at_location=link, service=service, **c.LINK_CONTACT)
    m.Phone.objects.create(contact=contact, **c.LINK_CONTACT_PHONE)
    schedule = m.Schedule.objects.create(
        service_at_location=link,
        service=service,
        freq="WEEKLY",
        byday="SA,SU",
        opens_at="09:00",
        closes_at="13:00",
        schedule_link=c.LINK_SCHEDULE_LINK,
        **c.row_values("link_schedule"),
    )
    at_shelter = {
        "phone": m.Phone.objects.get(number=c.HIDDEN_PHONE["number"]),
        "contact": m.Contact.objects.get(name=c.CONTACT["name"]),
        "schedule": m.Schedule.objects.get(schedule_link=c.SCHEDULE_LINK),
    }
    tagged = {**at_shelter, "link": link, "link_phone": phone, "link_schedule": schedule}
    term = TaxonomyTermFactory(code="canary-tag")
    for kind, record in tagged.items():
        m.Attribute.objects.create(
            link_id=record.pk,
            link_entity=record._meta.model_name,
            taxonomy_term=term,
            value=c.ATTRIBUTE_VALUES[kind],
        )
    for record, field_name, values in (
        (link, "description", c.LINK_METADATA),
        (phone, "number", c.LINK_PHONE_METADATA),
    ):
        m.Metadata.objects.create(
            resource_id=record.pk,
            resource_type=record._meta.model_name,
            last_action_date=timezone.now(),
            last_action_type="update",
            field_name=field_name,
            updated_by="steward",
            **values,
        )


def page_form(world: dict, *, contact: bool = True) -> dict:
    data = {
        "organization": str(world["a"].pk),
        "urgency": "soon",
        "client_language": "es",
        "age_band": "26_40",
        "gender": "woman",
        "consent_method": "verbal",
        "shares_needs": "on",
        "client_agrees": "on",
        "script_language": "es",
        "idempotency_key": str(uuid.uuid4()),
    }
    if contact:
        data.update(
            shares_contact="on",
            contact_channel="phone",
            contact_name=c.HANDOFF["name"],
            contact_phone=c.HANDOFF["phone"],
            safe_times=c.HANDOFF["safe_times"],
            note=c.HANDOFF["note"],
        )
    return data


def version(pk) -> int:
    return Referral.objects.values_list("version", flat=True).get(pk=pk)


def page_move(browser: Browser, pk, name: str, **extra) -> None:
    response = browser.post(
        es("referrals:move", pk=pk), {"move": name, "version": version(pk), **extra}
    )
    assert response.status_code == 302, (browser.who, name, response.text[:500])


def api_move(browser: Browser, pk, name: str, **extra) -> None:
    response = browser.post(
        f"/api/v1/staff/referrals/{pk}/transitions",
        json={"move": name, "version": version(pk), **extra},
    )
    assert response.status_code == 200, (browser.who, name, response.text[:500])


def make_by_page(browser: Browser, world: dict) -> Referral:
    before = set(Referral.objects.values_list("pk", flat=True))
    response = browser.post(
        es("referrals:create", service_id=world["service_b"].pk), page_form(world)
    )
    assert response.status_code == 302, response.text[:1000]
    referral = Referral.objects.exclude(pk__in=before).get()
    browser.get(response.headers["Location"])
    browser.get(es("referrals:slip", pk=referral.pk))
    return referral


def make_by_api(browser: Browser, world: dict) -> Referral:
    response = browser.post(
        "/api/v1/staff/referrals",
        json={
            "service": str(world["service_b"].pk),
            "organization": str(world["a"].pk),
            "client_language": "es",
            "consent_method": "verbal",
            "shares_contact": True,
            "contact_channel": "phone",
            "contact_name": c.HANDOFF["name"],
            "contact_phone": c.HANDOFF["phone"],
            "safe_times": c.HANDOFF["safe_times"],
            "note": c.HANDOFF["note"],
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 201, response.text[:1000]
    return Referral.objects.get(pk=response.json()["id"])


# --- walking everything ------------------------------------------------------------------------


def public_paths(world: dict) -> list[str]:
    service = world["service_b"]
    sal = service.service_at_locations.get()
    # A visitor a few hundred metres from the shelter (their own position is not a canary).
    near = f"lat={NEAR_LAT}&lon={NEAR_LON}"
    return [
        es("services:home"),
        es("services:results") + "?q=refugio",
        es("services:results") + f"?q=refugio&{near}&radius_km=5",
        es("services:service", pk=service.pk),
        es("services:regions"),
        es("services:hotlines"),
        es("services:privacy"),
        es("services:country", country="CO"),
        es("services:country_hotlines", country="CO"),
        # The printable sheets, as HTML and as PDF (its text is searched: live.Browser).
        es("services:region_sheet", code="CO"),
        es("services:region_sheet", code="CO") + "?need=housing&paper=letter",
        es("services:region_sheet_pdf", code="CO"),
        es("services:region_sheet_pdf", code="CO") + "?need=housing",
        es("services:report", pk=service.pk),
        # Error pages: a service that does not exist, on the site and in the API.
        es("services:service", pk=uuid.uuid4()),
        f"/api/v1/services/{uuid.uuid4()}",
        "/en/" + es("services:service", pk=service.pk).split("/", 2)[2],
        "/sitemap.xml",
        "/robots.txt",
        "/api/v1/",
        "/api/v1/services",
        "/api/v1/services?full=true",
        f"/api/v1/services?{near}&radius_km=3&full=true",
        f"/api/v1/services/{service.pk}",
        "/api/v1/organizations?full=true&full_service=true",
        f"/api/v1/organizations/{world['b'].pk}?full_service=true",
        "/api/v1/service_at_locations?full=true",
        f"/api/v1/service_at_locations/{sal.pk}",
        "/api/v1/taxonomies",
        "/api/v1/taxonomy_terms",
        "/api/schema/",
        "/api/docs/",
    ]


def walk_public(browser: Browser, world: dict) -> None:
    # The result pages below stitch the shelter's stored cards (services/search/documents.py),
    # so the canaries are looked for in what a stored card holds, not only in a drawn one.
    from services.search import documents

    stored = m.ServiceDocument.objects.filter(service=world["service_b"], lang="es").first()
    assert stored is not None and stored.card["key"] == documents.card_key("es")
    for path in public_paths(world):
        response = browser.get(path)
        if response.status_code == 303:
            # The search answers with its sealed address; the results live there.
            browser.get(response.headers["Location"])
    browser.post(
        "/api/v1/services/search",
        json={"lat": NEAR_LAT, "lon": NEAR_LON, "radius_km": 2, "full": True},
    )


def walk_staff(browser: Browser, world: dict, referrals: list[Referral]) -> None:
    for name in ("accounts:dashboard", "referrals:inbox", "referrals:sent", "referrals:new"):
        browser.get(es(name))
    browser.get(es("referrals:new") + "?q=Casa+Refugio")
    browser.get(es("referrals:create", service_id=world["service_b"].pk))
    browser.get(es("audit:events"))
    browser.get(es("accounts:members_index"))
    for org in ("a", "b", "c"):
        browser.get(es("accounts:members", organization_id=world[org].pk))
    for name in ("listings:index", "listings:capacity_board", "listings:queue"):
        browser.get(es(name))
    for name in ("listings:listing", "listings:change", "listings:capacity"):
        browser.get(es(name, pk=world["service_b"].pk))
    browser.get("/api/v1/staff/referrals")
    browser.get("/api/v1/staff/schema/")
    browser.get("/api/staff/me/")
    browser.get("/api/staff/audit/")
    browser.get("/api/staff/memberships/")
    for referral in referrals:
        for name in ("referrals:detail", "referrals:made", "referrals:slip"):
            browser.get(es(name, pk=referral.pk))
        browser.get(f"/api/v1/staff/referrals/{referral.pk}")
        browser.get(f"/api/v1/staff/referrals/{referral.pk}/handoff")
        browser.post(es("referrals:contact", pk=referral.pk), {})


def walk_admin(browser: Browser, world: dict) -> None:
    browser.get(es("admin:index"))
    shelter = world["shelter"]
    objects = {
        m.Location: shelter,
        m.Address: shelter.addresses.first(),
        m.Service: world["service_b"],
        m.Organization: world["b"],
        m.Metadata: m.Metadata.objects.filter(resource_id=shelter.pk).first(),
    }
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        browser.get(es(f"admin:{info[0]}_{info[1]}_changelist"))
        browser.get(es(f"admin:{info[0]}_{info[1]}_changelist") + "?q=Oculta")
        target = objects.get(model)
        if target is not None:
            browser.get(es(f"admin:{info[0]}_{info[1]}_change", object_id=target.pk))
            browser.get(es(f"admin:{info[0]}_{info[1]}_history", object_id=target.pk))


def wait_for(condition, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not finish in time"
        time.sleep(0.2)


# --- where to look -----------------------------------------------------------------------------


def redis_dump() -> Iterator[tuple[str, str]]:
    """Every key of the broker's and the cache's Redis db, with its value, whatever its type."""
    urls = {settings.CELERY_BROKER_URL, settings.CACHES["default"]["LOCATION"]}
    for url in urls:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(count=500):
            kind = client.type(key).decode()
            if kind == "string":
                values = [client.get(key)]
            elif kind == "list":
                values = client.lrange(key, 0, -1)
            elif kind == "hash":
                values = [k + b"=" + v for k, v in client.hgetall(key).items()]
            elif kind == "set":
                values = list(client.smembers(key))
            elif kind == "zset":
                values = [v for v, _score in client.zrange(key, 0, -1, withscores=True)]
            else:
                values = [kind.encode()]
            text = b"\n".join(v or b"" for v in values)
            yield f"redis {url} {key!r}", key.decode(errors="replace") + "\n" + _decode(text)


def _decode(blob: bytes) -> str:
    """Bytes as text, and base64 bodies of kombu messages decoded too."""
    import base64
    import binascii

    text = blob.decode("utf-8", errors="replace")
    extra = []
    try:
        message = json.loads(text)
    except ValueError:
        message = None
    if isinstance(message, dict) and isinstance(message.get("body"), str):
        with contextlib.suppress(binascii.Error, ValueError):
            extra.append(base64.b64decode(message["body"]).decode("utf-8", errors="replace"))
    return "\n".join([text, *extra])


def database_rows() -> Iterator[tuple[str, str | None, str]]:
    """Every row of every model of every installed app, field by field, with the field's
    sensitivity class in that row (None outside the project's apps; a row rule may raise a
    public field of a row at the shelter). Sessions are decoded (their data is signed and
    compressed)."""
    from django.contrib.sessions.models import Session

    ids = sensitivity.ConfidentialIds()

    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        for row in model._default_manager.all().iterator():
            for field in model._meta.concrete_fields:
                key = f"{model._meta.label}.{field.name}"
                value = getattr(row, field.attname)
                if value is None:
                    continue
                if isinstance(value, bytes | memoryview):
                    value = bytes(value).hex()
                yield key, sensitivity.row_class(model, row, field.name, ids), str(value)
            if model is Session:
                yield "session (decoded)", None, json.dumps(row.get_decoded(), default=str)


# --- the test ----------------------------------------------------------------------------------


def test_canaries_reach_only_the_entitled_views(gunicorn, celery_subprocess, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    server, base = gunicorn
    world = seed_world()
    users = world["users"]
    record: list[Exchange] = []

    def browser(name: str, *, second_factor: bool = True) -> Browser:
        who = name if second_factor else f"{name} (no second factor)"
        person = Browser(who, base, record)
        return person.sign_in(users[name], second_factor=second_factor)

    case, hotline = browser("caseworker-a"), browser("hotline-a")
    intake, admin_b = browser("intake-b"), browser("org_admin-b")
    admin_a = browser("org_admin-a")

    # 1. Made on the page, accepted, opened, connected, closed.
    lived = make_by_page(case, world)
    handoff = ContactHandoff.objects.get(referral=lived)
    found = c.standard_canaries()
    found.add_bytes("handoff.ciphertext", sensitivity.CLIENT, bytes(handoff.ciphertext))
    wrapped = bytes(HandoffKey.objects.get(pk=handoff.key_id).wrapped_key)
    found.add_bytes("handoff.wrapped_key", sensitivity.CLIENT, wrapped)
    # Redis is read at several moments, so that messages in flight are seen, not only leftovers.
    redis_sources = list(redis_dump())
    intake.get(es("referrals:inbox"))
    intake.get(es("referrals:detail", pk=lived.pk))
    page_move(intake, lived.pk, "accept")
    opened = intake.post(es("referrals:contact", pk=lived.pk), {}, entitled_client=True)
    assert c.HANDOFF["name"] in opened.text  # the entitled view does show it
    by_api = intake.get(f"/api/v1/staff/referrals/{lived.pk}/handoff", entitled_client=True)
    assert by_api.json()["phone"] == c.HANDOFF["phone"]
    # While it is readable, everyone else tries every page and endpoint of it.
    everyone = [
        browser(name)
        for name in ("caseworker-a", "hotline-a", "org_admin-a", "org_admin-b", "intake-a")
        + ("member-c", "org_admin-c", "steward", "operator")
    ]
    everyone.append(browser("intake-b", second_factor=False))
    for person in everyone:
        walk_staff(person, world, [lived])
    page_move(intake, lived.pk, "connect")
    page_move(intake, lived.pk, "close", outcome="served", confirm="1")

    # 2. Made through the API by the hotline, declined through the API.
    declined = make_by_api(hotline, world)
    api_move(intake, declined.pk, "decline", reason="no_capacity")
    # 3. Made on the page, withdrawn by the referrer.
    withdrawn = make_by_page(case, world)
    page_move(case, withdrawn.pk, "withdraw", confirm="1")
    # 4. Accepted, then the client revokes consent (recorded by the receiving admin).
    revoked = make_by_api(hotline, world)
    api_move(intake, revoked.pk, "accept")
    intake.post(es("referrals:contact", pk=revoked.pk), {}, entitled_client=True)
    page_move(admin_b, revoked.pk, "revoke", method="written", confirm="1")
    redis_sources += redis_dump()
    # 5. Never answered: the worker expires it.
    expired = make_by_page(case, world)
    Referral.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    from config.celery import app as celery_app
    from referrals.tasks import expire_unanswered_referrals

    # A producer of its own: an in-process worker of an earlier test may have closed the pool.
    with celery_app.connection_for_write() as conn, conn.Producer() as producer:
        expire_unanswered_referrals.apply_async(producer=producer)
    wait_for(lambda: Referral.objects.get(pk=expired.pk).status == Status.EXPIRED)
    referrals = [lived, declined, withdrawn, revoked, expired]

    # Everyone walks everything again, now that every referral has ended.
    anonymous = Browser("anonymous", base, record)
    walk_public(anonymous, world)
    for person in [*everyone, intake, admin_a]:
        walk_staff(person, world, referrals)
        walk_public(person, world)
    for name in ("steward", "org_admin-c", "operator", "org_admin-b"):
        walk_admin(browser(name), world)

    # Every notification delivered by the worker (it prints them: console back end).
    wait_for(lambda: not Outbox.objects.filter(sent_at__isnull=True).exists(), seconds=60)
    assert Outbox.objects.count() >= 10
    for referral in referrals:
        referral.refresh_from_db()
        assert referral.status in Status.values
        assert ContactHandoff.objects.get(referral=referral).is_purged, referral.status

    # The public HSDS export, both formats.
    exporter.export_json(tmp_path / "json")
    exporter.export_csv(tmp_path / "csv")
    export_files = [p for p in (tmp_path / "json").rglob("*") if p.is_file()]
    export_files += [p for p in (tmp_path / "csv").rglob("*") if p.is_file()]
    assert export_files

    server.stop()
    celery_subprocess.stop()
    worker_log = celery_subprocess.text()
    assert "Subject:" in worker_log and lived.code in worker_log  # e-mails were written
    server_log = server.text()
    # The logs really are the whole story: access lines, DEBUG application lines, task receipts.
    assert '"GET /es/' in server_log and " DEBUG " in server_log
    assert "] received" in worker_log and "succeeded in" in worker_log

    leaks: list[str] = []
    errors: list[str] = []
    entitled_to_shelter = {
        "caseworker-a",
        "hotline-a",
        "org_admin-a",
        "intake-a",
        "intake-b",
        "org_admin-b",
        "steward",
        "operator",
    }
    assert len(record) > 300
    for exchange in record:
        classes = BOTH if exchange.who not in entitled_to_shelter else CLIENT
        if exchange.entitled_client:
            classes = tuple(k for k in classes if k != sensitivity.CLIENT)
        where = f"{exchange.who} {exchange.method} {exchange.url} → {exchange.status}"
        if exchange.status >= 500:
            # A page that fails cannot be shown not to leak; and error pages are a leak path.
            errors.append(where)
        for hit in found.found_in(exchange.headers, classes=BOTH):
            leaks.append(f"{where} (headers): {hit}")
        for hit in found.found_in(exchange.body, classes=classes):
            leaks.append(f"{where}: {hit}")
    # Sanity: the non-entitled walkers reached real pages, not only sign-in redirects.
    assert any(e.who == "member-c" and e.status == 200 for e in record)
    assert any(e.who == "anonymous" and e.status == 200 and "/api/v1/" in e.url for e in record)

    redis_sources += redis_dump()
    assert any("_kombu.binding" in where for where, _text in redis_sources)
    sources: list[tuple[str, str]] = [
        ("gunicorn log", server_log),
        ("celery worker log (and its e-mails)", worker_log),
        *(("application log", r.getMessage() + " " + repr(r.args)) for r in caplog.records),
        *redis_sources,
        *(
            (f"export {p.name}", p.read_bytes().decode("utf-8", errors="replace"))
            for p in export_files
        ),
        *(
            (
                f"audit event #{e.pk} {e.action}",
                json.dumps(
                    {f.attname: getattr(e, f.attname) for f in e._meta.concrete_fields},
                    default=str,
                ),
            )
            for e in AuditEvent.objects.order_by("pk")
        ),
    ]
    assert AuditEvent.objects.filter(action="referral.handoff_viewed").count() >= 2
    for where, text in sources:
        for hit in found.found_in(text, classes=BOTH):
            leaks.append(f"{where}: {hit}")

    # A sensitive value may sit only in a column of its own class (the shelter's address in its
    # Address row or in the field history of that row); anywhere else it is a copy that leaks.
    for field_key, field_class, text in database_rows():
        other = tuple(k for k in BOTH if k != field_class)
        for hit in found.found_in(text, classes=other):
            leaks.append(f"database column {field_key}: {hit}")

    assert not leaks, "canaries leaked:\n" + "\n".join(sorted(set(leaks))[:80])
    assert not errors, "server errors:\n" + "\n".join(sorted(set(errors)))


def test_the_canaries_cover_every_field_of_the_two_sensitive_classes():
    missing = c.sensitive_fields() - c.seeded_fields()
    assert not missing, f"sensitive fields the canary suite does not seed: {sorted(missing)}"
    conditional = set(sensitivity.conditional_fields()) - c.seeded_fields()
    assert not conditional, f"row-rule fields the canary suite does not seed: {sorted(conditional)}"
    assert set(sensitivity.SEALED_HANDOFF_FIELDS) == set(c.HANDOFF)
    # Every per-language column of a sensitive text is seeded with a value of its own.
    values = c.location_values()
    for stem in ("description", "transportation"):
        for code in settings.MODELTRANSLATION_LANGUAGES:
            assert values[f"{stem}_{code}"] != values[stem]


def test_encoded_forms_are_found():
    """The search itself works: every encoded form of a canary inside other text is found."""
    import base64
    import hashlib
    from urllib.parse import quote

    found = c.standard_canaries()
    name = c.HANDOFF["name"]
    hidden = [
        f"x{name}y",
        quote(name),
        json.dumps({"n": name}),
        base64.b64encode(b"prefix-" + name.encode() + b"-suffix").decode(),
        base64.b64encode(b"pr" + name.encode()).decode(),
        name.encode().hex().upper(),
        hashlib.sha256(name.encode()).hexdigest(),
        f"POINT({c.SHELTER_LON} {c.SHELTER_LAT})",
    ]
    for text in hidden:
        assert found.found_in(text, classes=BOTH), text
    assert not found.found_in("Casa Refugio B (zona) 7.8975 -72.49", classes=BOTH)
