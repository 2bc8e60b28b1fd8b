"""A small directory that touches every HSDS table, for the import/export and API suites.

Two organisations in Cúcuta: a shelter whose house is confidential (exact point, street address
and a private line that must never be public; an intake line that may), a legal-aid office at a
public address, an English-only hotline, and an inactive service the public never sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from services import models as m
from services.hsds.spec import TABLES
from services.search.index import refresh_services
from services.search.places import search_names_for

CUCUTA = (7.8939, -72.5078)  # lat, lon
SECRET_STREET = "Calle Secreta 12 #3-45"
SECRET_PHONE = "+573001111111"
INTAKE_PHONE = "+573002222222"


@dataclass
class Directory:
    shelter_org: m.Organization
    legal_org: m.Organization
    shelter: m.Service
    legal: m.Service
    hotline: m.Service
    inactive: m.Service
    safe_house: m.Location
    office: m.Location
    phone_line: m.Location
    cucuta: m.Region
    housing: m.TaxonomyTerm
    emergency_shelter: m.TaxonomyTerm
    legal_term: m.TaxonomyTerm
    taxonomy: m.Taxonomy


def regions() -> m.Region:
    country, _ = m.Region.objects.get_or_create(
        code="CO",
        defaults={
            "level": m.Region.Level.COUNTRY,
            "name": "Colombia",
            "name_es": "Colombia",
            "name_en": "Colombia",
            "country_code": "CO",
            "time_zone": "America/Bogota",
            "search_names": search_names_for("Colombia"),
        },
    )
    state, _ = m.Region.objects.get_or_create(
        code="CO-NSA",
        defaults={
            "level": m.Region.Level.SUBDIVISION,
            "parent": country,
            "name": "Norte de Santander",
            "name_es": "Norte de Santander",
            "name_en": "Norte de Santander",
            "country_code": "CO",
            "time_zone": "America/Bogota",
            "search_names": search_names_for("Norte de Santander"),
        },
    )
    town, _ = m.Region.objects.get_or_create(
        code="CO-NSA-3685533",
        defaults={
            "level": m.Region.Level.MUNICIPALITY,
            "parent": state,
            "name": "Cúcuta",
            "name_es": "Cúcuta",
            "name_en": "Cucuta",
            "country_code": "CO",
            "time_zone": "America/Bogota",
            "centre": Point(CUCUTA[1], CUCUTA[0], srid=4326),
            "population": 700000,
            "search_names": search_names_for("Cúcuta", "San José de Cúcuta"),
        },
    )
    return town


def build_directory() -> Directory:
    cucuta = regions()
    now = timezone.now()
    taxonomy = m.Taxonomy.objects.create(
        name="Enlace (test)", description="Needs", uri="https://enlace.example/t", version="1"
    )
    housing = m.TaxonomyTerm.objects.create(
        taxonomy=taxonomy, code="t-housing", name="Alojamiento", name_es="Alojamiento",
        name_en="Housing", term_uri="https://enlace.example/t/housing",
    )  # fmt: skip
    emergency = m.TaxonomyTerm.objects.create(
        taxonomy=taxonomy, code="t-emergency-shelter", parent=housing,
        name="Albergue de emergencia", name_es="Albergue de emergencia",
        name_en="Emergency shelter", open_eligibility_code="human_services:housing",
    )  # fmt: skip
    legal_term = m.TaxonomyTerm.objects.create(
        taxonomy=taxonomy, code="t-legal", name="Asistencia jurídica",
        name_es="Asistencia jurídica", name_en="Legal aid",
    )  # fmt: skip

    shelter_org = m.Organization.objects.create(
        name="Fundación Refugio Norte", description="Refugio para sobrevivientes.",
        description_es="Refugio para sobrevivientes.", description_en="Shelter for survivors.",
        website="https://refugio.example.org/", email="contacto@refugio.example.org",
        year_incorporated=2009,
    )  # fmt: skip
    m.OrganizationIdentifier.objects.create(
        organization=shelter_org, identifier_scheme="CO-NIT", identifier_type="NIT",
        identifier="900123456",
    )  # fmt: skip
    m.Funding.objects.create(organization=shelter_org, source="Donaciones privadas")
    program = m.Program.objects.create(
        organization=shelter_org, name="Casa segura", name_es="Casa segura",
        description="Acogida", description_es="Acogida",
    )  # fmt: skip
    m.Phone.objects.create(organization=shelter_org, number="+576075550100", type="voice")

    safe_house = m.Location.objects.create(
        organization=shelter_org, name="Casa refugio", name_es="Casa refugio",
        name_en="Safe house", description_es="Casa en el barrio Latino, junto al parque.",
        transportation_es="Bus 12 hasta la puerta.", is_confidential=True,
        point=Point(CUCUTA[1] + 0.0031, CUCUTA[0] + 0.0027, srid=4326), region=cucuta,
        time_zone="America/Bogota",
    )  # fmt: skip
    m.Address.objects.create(
        location=safe_house, address_1=SECRET_STREET, city="Cúcuta",
        state_province="Norte de Santander", postal_code="540001", country="CO",
    )  # fmt: skip
    secret_phone = m.Phone.objects.create(location=safe_house, number=SECRET_PHONE, type="voice")
    m.Language.objects.create(phone=secret_phone, code="es", name="Español")
    m.Phone.objects.create(
        location=safe_house, number=INTAKE_PHONE, type="voice", is_intake=True, whatsapp=True,
        description_es="Línea de ingreso, 24 horas", description_en="Intake line, 24 hours",
    )  # fmt: skip
    m.Contact.objects.create(
        location=safe_house, name="Coordinadora de la casa", email="casa@x.org"
    )
    m.Accessibility.objects.create(location=safe_house, description_es="Rampa en la calle 5")
    m.Schedule.objects.create(
        location=safe_house, freq="WEEKLY", byday="MO,TU,WE,TH,FR,SA,SU",
        opens_at=dt.time(0, 0), closes_at=dt.time(0, 0),
    )  # fmt: skip

    shelter = m.Service.objects.create(
        organization=shelter_org, program=program, name="Albergue de emergencia",
        name_es="Albergue de emergencia", name_en="Emergency shelter",
        description="Acogida segura.", description_es="Acogida segura.",
        description_en="Safe shelter.", url="https://refugio.example.org/albergue",
        is_free=True, open_24_7=True, trafficking_specialised=True, no_id_required=True,
        immigration_status_not_asked=True, populations=["women", "families"],
        capacity_available=3, capacity_total=10, capacity_unit="camas",
        capacity_updated_at=now, last_verified_at=now, minimum_age=18,
    )  # fmt: skip
    sal = m.ServiceAtLocation.objects.create(
        service=shelter, location=safe_house, description_es="Ingreso por la línea de ingreso."
    )
    m.Phone.objects.create(service_at_location=sal, number="+573003333333", is_intake=True)
    m.Language.objects.create(service=shelter, code="es", name="Español")
    m.Language.objects.create(service=shelter, code="en", name="English", note_es="Con cita")
    m.CostOption.objects.create(
        service=shelter, option_es="Gratis", currency="COP", amount=Decimal("0.00")
    )
    m.RequiredDocument.objects.create(service=shelter, document_es="Ninguno")
    m.ServiceArea.objects.create(service=shelter, region=cucuta, name_es="Cúcuta")
    m.Attribute.objects.create(
        link_id=shelter.id, link_entity="service", link_type="service", taxonomy_term=emergency
    )

    legal_org = m.Organization.objects.create(
        name="Corporación Justicia Migrante", description="Asesoría legal.",
        description_es="Asesoría legal.", website="https://justicia.example.org",
    )  # fmt: skip
    office = m.Location.objects.create(
        organization=legal_org, name="Oficina centro", name_es="Oficina centro",
        description_es="Segundo piso.", point=Point(CUCUTA[1], CUCUTA[0], srid=4326),
        region=cucuta, time_zone="America/Bogota",
    )  # fmt: skip
    m.Address.objects.create(
        location=office, address_1="Avenida 0 #10-20", city="Cúcuta",
        state_province="Norte de Santander", postal_code="540002", country="CO",
    )  # fmt: skip
    m.Accessibility.objects.create(location=office, description_es="Ascensor")
    legal = m.Service.objects.create(
        organization=legal_org, name="Asesoría legal migratoria",
        name_es="Asesoría legal migratoria", description_es="Asilo, visas y documentos.",
        no_id_required=True, last_verified_at=now, email="legal@justicia.example.org",
    )  # fmt: skip
    m.ServiceAtLocation.objects.create(service=legal, location=office)
    m.Phone.objects.create(service=legal, number="+576075550200", type="voice", whatsapp=True)
    m.Schedule.objects.create(
        service=legal, freq="WEEKLY", byday="MO,TU,WE,TH,FR",
        opens_at=dt.time(8, 0), closes_at=dt.time(17, 0),
    )  # fmt: skip
    m.Language.objects.create(service=legal, code="es", name="Español")
    m.Contact.objects.create(
        service=legal, name="Recepción", email="recepcion@justicia.example.org"
    )
    m.Attribute.objects.create(
        link_id=legal.id, link_entity="service", link_type="service", taxonomy_term=legal_term
    )

    phone_line = m.Location.objects.create(
        organization=legal_org, name="Línea nacional", name_es="Línea nacional",
        location_type="virtual", region=cucuta.parent.parent,
    )  # fmt: skip
    # Written in English only: a plain `name=` would also land in the active language's column.
    hotline = m.Service.objects.create(
        organization=legal_org, content_language="en",
        name_en="Trafficking hotline", description_en="Call any time.", open_24_7=True,
        last_verified_at=now,
    )  # fmt: skip
    m.ServiceAtLocation.objects.create(service=hotline, location=phone_line)
    m.Phone.objects.create(service=hotline, number="+5718000123456", type="voice")
    m.Language.objects.create(service=hotline, code="en", name="English")

    inactive = m.Service.objects.create(
        organization=legal_org, name="Servicio cerrado", name_es="Servicio cerrado",
        status="inactive", last_verified_at=now,
    )  # fmt: skip
    m.Metadata.objects.create(
        resource_id=legal.id, resource_type="service", last_action_date=now,
        last_action_type="update", field_name="name", previous_value="Asesoría",
        replacement_value="Asesoría legal migratoria", updated_by="steward",
    )  # fmt: skip
    refresh_services([shelter.id, legal.id, hotline.id, inactive.id])
    return Directory(
        shelter_org=shelter_org, legal_org=legal_org, shelter=shelter, legal=legal,
        hotline=hotline, inactive=inactive, safe_house=safe_house, office=office,
        phone_line=phone_line, cucuta=cucuta, housing=housing, emergency_shelter=emergency,
        legal_term=legal_term, taxonomy=taxonomy,
    )  # fmt: skip


def wipe_directory() -> None:
    """Empties every HSDS table (regions stay): 'an empty database' for a round trip."""
    tables = [t.db_table for t in TABLES] + [
        m.ImportRun._meta.db_table,
        m.DuplicateCandidate._meta.db_table,
        m.MergedRecord._meta.db_table,
    ]
    with connection.cursor() as cursor:
        # Checks the test's deferred foreign keys now, so that TRUNCATE may run.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def run_import(path: Path, **options) -> tuple[m.ImportRun, object]:
    from services.hsds.runner import import_path

    run = m.ImportRun.objects.create(source=str(path))
    report = import_path(path, run=run, **options)
    run.refresh_from_db()
    return run, report
