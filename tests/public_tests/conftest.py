"""A small directory in Cúcuta, Colombia: a confidential shelter, a legal clinic with a street
address, a national hotline and a listing written only in English."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.gis.geos import Point
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from services import models as m
from services.data.taxonomy import load_taxonomy
from services.public import tokens
from services.search.index import refresh_services
from tests.factories import (
    LocationFactory,
    RegionFactory,
    ServiceFactory,
)

# The shelter's real whereabouts: what the public must never learn.
SHELTER_STREET = "Calle 17 # 4-58 Barrio La Playa"
SHELTER_POSTCODE = "540006"
SHELTER_POINT = Point(-72.50431, 7.88917, srid=4326)
SHELTER_SECRET_PHONE = "+57 607 555 0199"
SHELTER_INTAKE_PHONE = "+57 607 555 0100"
CLINIC_STREET = "Avenida 0 # 11-80"


def sealed_results(query: str) -> str:
    return reverse("services:sealed_results", args=[tokens.seal(QueryDict(query))])


@dataclass
class Directory:
    country: m.Region
    department: m.Region
    town: m.Region
    shelter: m.Service
    shelter_location: m.Location
    clinic: m.Service
    hotline: m.Service
    english_only: m.Service

    def public_urls(self) -> list[str]:
        urls = []
        for lang in ("es", "en"):
            with translation.override(lang):
                urls += [
                    reverse("services:home"),
                    reverse("services:country", args=[self.country.code]),
                    # The search form's answer: a sealed address (services/public/tokens.py).
                    sealed_results("q=albergue&place=Cucuta"),
                    sealed_results("q=zzzzqqqq"),
                    reverse("services:service", args=[self.shelter.pk]),
                    reverse("services:service", args=[self.clinic.pk]),
                    reverse("services:service", args=[self.hotline.pk]),
                    reverse("services:regions"),
                    reverse("services:region", args=[self.country.code]),
                    reverse("services:region", args=[self.department.code]),
                    reverse("services:region", args=[self.town.code]),
                    # The printable sheets (HTML; the PDF is read in test_sheets.py).
                    reverse("services:region_sheet", args=[self.country.code]),
                    reverse("services:region_sheet", args=[self.department.code]) + "?need=housing",
                    reverse("services:hotlines"),
                    reverse("services:country_hotlines", args=[self.country.code]),
                    reverse("services:privacy"),
                ]
        return urls


def tag(service: m.Service, *codes: str) -> None:
    for code in codes:
        m.Attribute.objects.create(
            link_id=service.id,
            link_entity="service",
            link_type="service_type",
            taxonomy_term=m.TaxonomyTerm.objects.get(code=code),
        )


def weekdays_9_to_5(**owner) -> m.Schedule:
    return m.Schedule.objects.create(
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR",
        opens_at=dt.time(9),
        closes_at=dt.time(17),
        **owner,
    )


@pytest.fixture(autouse=True)
def spanish_first():
    """Each test starts where a visitor does, in Spanish (the test client's last request may
    have left English active in this thread)."""
    with translation.override("es"):
        yield


@pytest.fixture
def directory(db) -> Directory:
    load_taxonomy()
    country = RegionFactory(
        code="CO",
        level=m.Region.Level.COUNTRY,
        name="Colombia",
        name_es="Colombia",
        name_en="Colombia",
        centre=Point(-74.08, 4.6, srid=4326),
    )
    department = RegionFactory(
        code="CO-NSA",
        level=m.Region.Level.SUBDIVISION,
        parent=country,
        name="Norte de Santander",
        name_es="Norte de Santander",
        name_en="Norte de Santander",
        centre=Point(-72.9, 8.0, srid=4326),
    )
    town = RegionFactory(
        code="CO-NSA-3685533",
        level=m.Region.Level.MUNICIPALITY,
        parent=department,
        name="Cúcuta",
        name_es="Cúcuta",
        name_en="Cúcuta",
        centre=Point(-72.5078, 7.8939, srid=4326),
        population=750000,
        search_names=["cucuta"],
    )
    now = timezone.now()

    shelter = ServiceFactory(
        name_es="Casa Refugio Demo Frontera",
        name="Casa Refugio Demo Frontera",
        name_en="Border Demo Safe House",
        description_es="Albergue de emergencia para sobrevivientes de trata.",
        description_en="Emergency shelter for trafficking survivors.",
        is_free=True,
        no_id_required=True,
        trafficking_specialised=True,
        open_24_7=True,
        last_verified_at=now,
    )
    tag(shelter, "emergency-shelter", "trafficking-shelter")
    shelter_location = LocationFactory(
        organization=shelter.organization,
        name_es="Casa Refugio Demo",
        name="Casa Refugio Demo",
        is_confidential=True,
        point=SHELTER_POINT,
        region=town,
    )
    m.Address.objects.create(
        location=shelter_location,
        address_1=SHELTER_STREET,
        city="Cúcuta",
        state_province="Norte de Santander",
        postal_code=SHELTER_POSTCODE,
        country="CO",
    )
    m.ServiceAtLocation.objects.create(service=shelter, location=shelter_location)
    m.Phone.objects.create(location=shelter_location, number=SHELTER_INTAKE_PHONE, is_intake=True)
    m.Phone.objects.create(location=shelter_location, number=SHELTER_SECRET_PHONE, type="voice")

    clinic = ServiceFactory(
        name_es="Clínica Jurídica Demo Migrantes",
        name="Clínica Jurídica Demo Migrantes",
        name_en="Demo Migrant Legal Clinic",
        description_es="Abogados gratuitos para personas migrantes.",
        application_process_es="Llegue sin cita de lunes a viernes.",
        eligibility_description_es="Personas migrantes y refugiadas.",
        is_free=True,
        last_verified_at=now,
    )
    tag(clinic, "immigration-legal")
    clinic_location = LocationFactory(
        organization=clinic.organization,
        name_es="Sede centro",
        name="Sede centro",
        point=Point(-72.5050, 7.8890, srid=4326),
        region=town,
    )
    m.Address.objects.create(
        location=clinic_location,
        address_1=CLINIC_STREET,
        city="Cúcuta",
        state_province="Norte de Santander",
        country="CO",
    )
    m.ServiceAtLocation.objects.create(service=clinic, location=clinic_location)
    weekdays_9_to_5(location=clinic_location)
    m.Phone.objects.create(service=clinic, number="+57 607 555 0142", type="cell", whatsapp=True)
    m.RequiredDocument.objects.create(service=clinic, document_es="Cualquier documento")
    m.Language.objects.create(service=clinic, code="es", name="Spanish")
    m.Language.objects.create(
        service=clinic, code="fr", name="French", note_es="Francés: llame antes"
    )

    hotline = ServiceFactory(
        name_es="Línea Nacional Demo contra la Trata",
        name="Línea Nacional Demo contra la Trata",
        name_en="Demo National Anti-Trafficking Line",
        open_24_7=True,
        is_free=True,
        last_verified_at=now,
    )
    tag(hotline, "hotline")
    hotline_location = LocationFactory(
        organization=hotline.organization,
        name_es="Línea telefónica",
        name="Línea telefónica",
        location_type=m.Location.LocationType.VIRTUAL,
        point=None,
        region=None,
    )
    m.ServiceAtLocation.objects.create(service=hotline, location=hotline_location)
    m.ServiceArea.objects.create(service=hotline, region=country, name_es="Colombia")
    m.Phone.objects.create(service=hotline, number="01 8000 555 012", type="voice")

    english_only = ServiceFactory(
        content_language="en",
        name_es="",
        name="Demo Workers' Rights Centre",
        name_en="Demo Workers' Rights Centre",
        description_es="",
        description="Help with unpaid wages.",
        description_en="Help with unpaid wages.",
        last_verified_at=now,
    )
    tag(english_only, "labour-rights")
    english_location = LocationFactory(
        organization=english_only.organization,
        name_es="",
        name="Office",
        name_en="Office",
        point=Point(-72.51, 7.90, srid=4326),
        region=town,
    )
    m.ServiceAtLocation.objects.create(service=english_only, location=english_location)
    refresh_services()
    return Directory(
        country=country,
        department=department,
        town=town,
        shelter=shelter,
        shelter_location=shelter_location,
        clinic=clinic,
        hotline=hotline,
        english_only=english_only,
    )
