"""The fictional demo directory that `make run` shows (load_demo).

Every organisation and service name ends in "(demo)", every street is "Calle Demo"/"Demo Street",
every phone number sits in a range reserved for fiction (+1 555 01xx in North America, "555 01xx"
after the country and area code elsewhere, lengthened or shortened to the country's plan so that
each is a valid E.164 number, as real ones are stored). Ids are derived from stable keys (uuid5), and the
random choices from a fixed seed, so two runs build the same directory and a second run changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone, translation

from services import models as m
from services import phones
from services.confidential import point_for_public
from services.data.taxonomy import load_taxonomy
from services.search.index import refresh_services
from services.search.places import resolve_place

NAMESPACE = uuid.UUID("6f1c6c1e-4d0b-4f43-9a57-0d7a1c1e5e11")
SEED = 20240611


def demo_id(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


@dataclass(frozen=True)
class City:
    name: str
    country: str
    dial: str  # country and area code before the fictional 555 01xx
    tz: str


CITIES: tuple[City, ...] = (
    City("Caracas", "VE", "+58 212", "America/Caracas"),
    City("Maracaibo", "VE", "+58 261", "America/Caracas"),
    City("San Cristóbal", "VE", "+58 276", "America/Caracas"),
    City("Cúcuta", "CO", "+57 607", "America/Bogota"),
    City("Bogotá", "CO", "+57 601", "America/Bogota"),
    City("Medellín", "CO", "+57 604", "America/Bogota"),
    City("Cali", "CO", "+57 602", "America/Bogota"),
    City("Barranquilla", "CO", "+57 605", "America/Bogota"),
    City("Ipiales", "CO", "+57 602", "America/Bogota"),
    City("Riohacha", "CO", "+57 605", "America/Bogota"),
    City("Bucaramanga", "CO", "+57 607", "America/Bogota"),
    City("Quito", "EC", "+593 2", "America/Guayaquil"),
    City("Guayaquil", "EC", "+593 4", "America/Guayaquil"),
    City("Tulcán", "EC", "+593 6", "America/Guayaquil"),
    City("Huaquillas", "EC", "+593 7", "America/Guayaquil"),
    City("Lima", "PE", "+51 1", "America/Lima"),
    City("Tumbes", "PE", "+51 72", "America/Lima"),
    City("Trujillo", "PE", "+51 44", "America/Lima"),
    City("Arequipa", "PE", "+51 54", "America/Lima"),
    City("Tacna", "PE", "+51 52", "America/Lima"),
    City("Santiago", "CL", "+56 2", "America/Santiago"),
    City("Arica", "CL", "+56 58", "America/Santiago"),
    City("Iquique", "CL", "+56 57", "America/Santiago"),
    City("Antofagasta", "CL", "+56 55", "America/Santiago"),
    City("Boa Vista", "BR", "+55 95", "America/Boa_Vista"),
    City("Manaus", "BR", "+55 92", "America/Manaus"),
    City("São Paulo", "BR", "+55 11", "America/Sao_Paulo"),
    City("Tapachula", "MX", "+52 962", "America/Mexico_City"),
    City("Ciudad de México", "MX", "+52 55", "America/Mexico_City"),
    City("Monterrey", "MX", "+52 81", "America/Monterrey"),
    City("Tijuana", "MX", "+52 664", "America/Tijuana"),
    City("Ciudad Juárez", "MX", "+52 656", "America/Ciudad_Juarez"),
    City("Houston", "US", "+1 713", "America/Chicago"),
    City("Miami", "US", "+1 305", "America/New_York"),
    City("New York City", "US", "+1 212", "America/New_York"),
    City("Los Angeles", "US", "+1 213", "America/Los_Angeles"),
    City("El Paso", "US", "+1 915", "America/Denver"),
    City("Chicago", "US", "+1 312", "America/Chicago"),
    # Central America and Panamá, on the route north (added after the others, so that their
    # random choices leave the earlier cities' as they were).
    City("Ciudad de Panamá", "PA", "+507 2", "America/Panama"),
    City("Metetí", "PA", "+507 2", "America/Panama"),
    City("David", "PA", "+507 7", "America/Panama"),
    City("San José", "CR", "+506 2", "America/Costa_Rica"),
    City("Managua", "NI", "+505 2", "America/Managua"),
    City("Tegucigalpa", "HN", "+504 2", "America/Tegucigalpa"),
    City("San Pedro Sula", "HN", "+504 2", "America/Tegucigalpa"),
    City("San Salvador", "SV", "+503 2", "America/El_Salvador"),
    City("Ciudad de Guatemala", "GT", "+502 2", "America/Guatemala"),
    City("Tecún Umán", "GT", "+502 7", "America/Guatemala"),
)

ORG_NAMES = (
    ("Fundación Camino Seguro", "Safe Path Foundation"),
    ("Red Manos Abiertas", "Open Hands Network"),
    ("Corporación Puente Humano", "Human Bridge Corporation"),
    ("Asociación Mujeres en Ruta", "Women on the Road Association"),
    ("Centro Esperanza Migrante", "Migrant Hope Center"),
    ("Colectivo Derechos Sin Fronteras", "Rights Without Borders Collective"),
)


@dataclass(frozen=True)
class Template:
    key: str
    terms: tuple[str, ...]
    es: str
    en: str
    desc_es: str
    desc_en: str
    hours: str  # weekdays, extended, 247, overnight, saturday
    free: bool = True
    no_id: bool = False
    status_not_asked: bool = False
    trafficking: bool = False
    populations: tuple[str, ...] = ()
    capacity: int | None = None
    confidential: bool = False
    takes_children: bool | None = None
    children_max_age: int | None = None


TEMPLATES: tuple[Template, ...] = (
    Template(
        "shelter", ("emergency-shelter",), "Albergue temporal", "Temporary shelter",
        "Albergue de paso para personas migrantes y sus familias: cama, comida caliente y ducha "
        "por hasta siete noches.",
        "Short-stay shelter for migrants and their families: a bed, hot meals and showers for "
        "up to seven nights.",
        "247", no_id=True, status_not_asked=True, populations=("families", "women", "men"),
        capacity=40, takes_children=True,
    ),
    Template(
        "trafficking-shelter", ("trafficking-shelter", "case-management"),
        "Casa refugio para sobrevivientes de trata", "Safe house for trafficking survivors",
        "Casa refugio de dirección confidencial para mujeres sobrevivientes de trata de personas, "
        "con acompañamiento psicosocial y jurídico. El ingreso se coordina por la línea de "
        "admisión.",
        "Confidential safe house for women who survived human trafficking, with psychosocial and "
        "legal support. Admission is arranged through the intake line.",
        "247", no_id=True, status_not_asked=True, trafficking=True,
        populations=("women", "trans_nonbinary"), capacity=12, confidential=True,
        takes_children=False,
    ),
    Template(
        "legal", ("immigration-legal", "asylum"), "Asesoría legal migratoria",
        "Immigration legal help",
        "Abogadas y abogados orientan sobre regularización, refugio y asilo, permisos de "
        "permanencia y trámites ante migración. Consultas gratuitas y confidenciales.",
        "Lawyers advise on regularisation, refugee status and asylum, residence permits and "
        "immigration procedures. Free and confidential consultations.",
        "weekdays", status_not_asked=True,
    ),
    Template(
        "trafficking-legal", ("t-visa", "u-visa", "continued-presence", "legal"),
        "Representación legal para víctimas de trata", "Legal representation for trafficking "
        "victims",
        "Representación legal para víctimas de trata: visa T, visa U, Presencia Continuada y "
        "denuncias ante la fiscalía.",
        "Legal representation for trafficking victims: T visa, U visa, Continued Presence and "
        "criminal complaints.",
        "weekdays", status_not_asked=True, trafficking=True,
    ),
    Template(
        "labour", ("labour-rights",), "Orientación en derechos laborales", "Labour rights advice",
        "Orientación sobre salarios no pagados, explotación laboral y cómo denunciar a un "
        "empleador abusivo.",
        "Advice on unpaid wages, labour exploitation and how to report an abusive employer.",
        "weekdays", status_not_asked=True,
    ),
    Template(
        "medical", ("medical-care", "sexual-reproductive-health"), "Consulta médica gratuita",
        "Free medical clinic",
        "Atención médica general, vacunación, pruebas de VIH y salud sexual y reproductiva sin "
        "importar el estatus migratorio.",
        "General medical care, vaccination, HIV testing and sexual and reproductive health "
        "regardless of immigration status.",
        "extended", no_id=True, status_not_asked=True,
    ),
    Template(
        "mental", ("mental-health",), "Apoyo psicosocial", "Psychosocial support",
        "Primeros auxilios psicológicos y terapia individual o en grupo para personas que "
        "vivieron violencia.",
        "Psychological first aid and individual or group therapy for people who lived through "
        "violence.",
        "weekdays", status_not_asked=True, populations=("women", "men", "lgbtq"),
    ),
    Template(
        "food", ("food", "clothing"), "Comedor comunitario y ropero", "Community kitchen and "
        "clothing bank",
        "Almuerzo caliente todos los días y entrega de ropa y kits de higiene.",
        "A hot lunch every day and clothing and hygiene kits.",
        "saturday", no_id=True, status_not_asked=True, populations=("families",),
    ),
    Template(
        "documents", ("identity-documents",), "Apoyo con documentos de identidad",
        "Help with identity documents",
        "Acompañamiento para obtener pasaporte, cédula, partida de nacimiento o registro "
        "consular.",
        "Support to obtain a passport, ID card, birth certificate or consular registration.",
        "weekdays",
    ),
    Template(
        "children", ("child-protection", "family-reunification"), "Protección de niñez migrante",
        "Protection for migrant children",
        "Atención a niñas, niños y adolescentes no acompañados y búsqueda de familiares.",
        "Care for unaccompanied children and teenagers and family tracing.",
        "247", no_id=True, status_not_asked=True,
        populations=("minors_unaccompanied", "minors_with_guardian"),
    ),
    Template(
        "work", ("employment", "education"), "Empleo y formación", "Jobs and training",
        "Cursos cortos, validación de estudios y bolsa de empleo con empleadores verificados.",
        "Short courses, recognition of studies and a job board with vetted employers.",
        "weekdays", populations=("women", "men", "lgbtq"),
    ),
    Template(
        "return", ("repatriation",), "Retorno voluntario", "Voluntary return",
        "Información y apoyo para volver al país de origen de forma segura.",
        "Information and support to return home safely.",
        "weekdays",
    ),
    Template(
        "night-shelter", ("emergency-shelter",), "Refugio nocturno", "Night shelter",
        "Refugio nocturno de 6 de la tarde a 8 de la mañana; se recibe sin documentos.",
        "Night shelter from 6 pm to 8 am; no documents needed.",
        "overnight", no_id=True, status_not_asked=True, populations=("men", "families"),
        capacity=60, takes_children=True, children_max_age=12,
    ),
    Template(
        "lgbtq", ("case-management", "mental-health"), "Acompañamiento para personas LGBTIQ+",
        "Support for LGBTQ+ people",
        "Espacio seguro, acompañamiento y remisión para personas LGBTIQ+ migrantes.",
        "A safe space, support and referrals for LGBTQ+ migrants.",
        "weekdays", status_not_asked=True, populations=("lgbtq", "trans_nonbinary"),
    ),
)  # fmt: skip

HOTLINE_COUNTRIES = {
    "VE": "+58 800", "CO": "+57 1 8000", "EC": "+593 1800", "PE": "+51 800",
    "CL": "+56 800", "BR": "+55 0800", "MX": "+52 800", "US": "+1 888",
    "PA": "+507 800", "CR": "+506 800", "NI": "+505 1800", "HN": "+504 800",
    "SV": "+503 800", "GT": "+502 1800",
}  # fmt: skip
LANGUAGE_NAMES = {
    "es": "Español", "en": "English", "pt": "Português", "fr": "Français", "ht": "Kreyòl",
}  # fmt: skip


def _hours(kind: str) -> list[dict]:
    weekdays = "MO,TU,WE,TH,FR"
    if kind == "247":
        return [{"byday": "MO,TU,WE,TH,FR,SA,SU", "opens": dt.time(0), "closes": dt.time(0)}]
    if kind == "overnight":
        return [{"byday": "MO,TU,WE,TH,FR,SA,SU", "opens": dt.time(18), "closes": dt.time(8)}]
    if kind == "extended":
        return [
            {"byday": weekdays, "opens": dt.time(7), "closes": dt.time(19)},
            {"byday": "SA", "opens": dt.time(8), "closes": dt.time(12)},
        ]
    if kind == "saturday":
        return [{"byday": "MO,TU,WE,TH,FR,SA", "opens": dt.time(11), "closes": dt.time(14)}]
    return [{"byday": weekdays, "opens": dt.time(8), "closes": dt.time(17)}]


def _languages(country: str, rng: random.Random) -> list[str]:
    base = {"BR": ["pt", "es"], "US": ["en", "es"]}.get(country, ["es"])
    extra = rng.choice([[], [], ["en"], ["fr", "ht"], ["pt"], ["en", "fr"]])
    return list(dict.fromkeys(base + extra))


# Ways to put "555 01xx" after a country and area code, tried in order until the number is valid
# in that country's numbering plan (lengths differ: Chile's 2 + 8 digits, Panama's 7).
_DEMO_PATTERNS = (
    "{dial} 555 01{n:02d}",
    "{dial} 2555 01{n:02d}",
    "{dial} 55 01{n:02d}",
    "{dial} 5 01{n:02d}",
    "{dial} 01{n:02d}",
)


def demo_number(dial: str, n: int) -> str:
    """The E.164 demo number `n` (0–99) under `dial` ("+57 607")."""
    for pattern in _DEMO_PATTERNS:
        number = phones.parse(pattern.format(dial=dial, n=n))
        if number is not None:
            return phones.normalise(pattern.format(dial=dial, n=n))
    raise ValueError(f"no valid demo number under {dial}")


class DemoBuilder:
    """Collects model instances with stable ids, then writes the missing ones in bulk."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # noqa: S311  (reproducible fiction, not secrets)
        self.rows: dict[type, list] = {}
        self.phone_counter = 0
        self.anchor = timezone.now().replace(microsecond=0)

    def add(self, obj: object) -> object:
        self.rows.setdefault(type(obj), []).append(obj)
        return obj

    def phone(self, dial: str, **owner: object) -> m.Phone:
        self.phone_counter += 1
        number = demo_number(dial, self.phone_counter % 100)
        key = "/".join(f"{k}={getattr(v, 'id', v)}" for k, v in owner.items() if k != "is_intake")
        return m.Phone(
            id=demo_id("phone", key, owner.get("is_intake", False)),
            number=number,
            type=m.Phone.PhoneType.VOICE,
            whatsapp=self.rng.random() < 0.5,
            **owner,
        )

    def build(self) -> None:
        terms = {t.code: t for t in m.TaxonomyTerm.objects.all()}
        rng = self.rng
        for index, city in enumerate(CITIES):
            place = resolve_place(city.name, country=city.country)
            if place is None:
                raise RuntimeError(f"Demo city not in the gazetteer: {city.name}")
            for org_index in range(2):
                org_es, org_en = ORG_NAMES[(index + org_index * 3) % len(ORG_NAMES)]
                org_key = f"{city.country}/{city.name}/{org_index}"
                english_first = city.country == "US" and org_index == 0
                org = self.add(
                    m.Organization(
                        id=demo_id("org", org_key),
                        name=f"{org_en if english_first else org_es} {city.name} (demo)",
                        description_es=f"Organización ficticia de demostración en {city.name}.",
                        description_en=f"Fictional demo organisation in {city.name}.",
                        content_language="en" if english_first else "es",
                        website="https://demo.invalid/",
                        email=f"contacto-{index}-{org_index}@demo.invalid",
                        is_verified_partner=org_index == 0,
                    )
                )
                self.add(self.phone(city.dial, organization=org))
                main = self._location(org, org_key, place, city, confidential=False, n=0)
                picks = rng.sample(TEMPLATES, 4 if org_index else 5)
                for t_index, template in enumerate(picks):
                    location = main
                    if template.confidential:
                        location = self._location(
                            org, org_key, place, city, confidential=True, n=t_index + 1
                        )
                    self._service(org, org_key, template, location, city, terms, english_first)
        for country, dial in HOTLINE_COUNTRIES.items():
            self._hotline(country, dial, terms)

    def _location(
        self, org: m.Organization, key: str, place, city: City, *, confidential: bool, n: int
    ) -> m.Location:
        rng = self.rng
        point = Point(
            round(place.point.x + rng.uniform(-0.06, 0.06), 6),
            round(place.point.y + rng.uniform(-0.06, 0.06), 6),
            srid=4326,
        )
        location = m.Location(
            id=demo_id("location", key, n),
            organization=org,
            location_type=m.Location.LocationType.PHYSICAL,
            name_es=f"Sede {city.name} (demo)" if not confidential else "Casa refugio (demo)",
            name_en=f"{city.name} office (demo)" if not confidential else "Safe house (demo)",
            is_confidential=confidential,
            point=point,
            region=place.region,
            time_zone=city.tz,
        )
        location.public_point = point_for_public(location)
        self.add(location)
        street = "Demo Street" if city.country == "US" else "Calle Demo"
        self.add(
            m.Address(
                id=demo_id("address", key, n),
                location=location,
                address_1=f"{street} {rng.randint(1, 199)} #{rng.randint(1, 99)}-{n}",
                city=city.name,
                state_province=place.region.parent.name if place.region.parent else "",
                country=city.country,
            )
        )
        if confidential:
            self.add(self.phone(city.dial, location=location, is_intake=True))
        elif rng.random() < 0.6:
            self.add(
                m.Accessibility(
                    id=demo_id("accessibility", key, n),
                    location=location,
                    description_es="Entrada sin escalones y baño accesible.",
                    description_en="Step-free entrance and accessible toilet.",
                )
            )
        return location

    def _service(self, org, org_key, template: Template, location, city, terms, english):
        rng = self.rng
        key = f"{org_key}/{template.key}"
        capacity_total = template.capacity
        service = self.add(
            m.Service(
                id=demo_id("service", key),
                organization=org,
                name_es=f"{template.es} – {city.name} (demo)",
                name_en=f"{template.en} – {city.name} (demo)",
                description_es=template.desc_es,
                description_en=template.desc_en if english or rng.random() < 0.8 else "",
                content_language="en" if english else "es",
                eligibility_description_es="Personas migrantes, refugiadas y retornadas.",
                eligibility_description_en="Migrants, refugees and returnees.",
                application_process_es="Llame o escriba por WhatsApp; también puede acercarse.",
                application_process_en="Call or send a WhatsApp message; walk-ins welcome.",
                is_free=template.free,
                no_id_required=template.no_id,
                immigration_status_not_asked=template.status_not_asked,
                trafficking_specialised=template.trafficking,
                takes_children=template.takes_children,
                children_max_age=template.children_max_age,
                open_24_7=template.hours == "247",
                populations=list(template.populations),
                capacity_total=capacity_total,
                capacity_available=(
                    rng.randint(0, capacity_total) if capacity_total is not None else None
                ),
                capacity_unit="camas" if capacity_total else "",
                capacity_updated_at=self.anchor - dt.timedelta(hours=rng.randint(1, 72))
                if capacity_total
                else None,
                # Ages spread over 400 days so the demo shows warnings and hidden stale listings;
                # safe houses stay fresh, as the confidential listing is what visitors look for.
                last_verified_at=self.anchor
                - dt.timedelta(days=rng.randint(0, 120 if template.confidential else 400)),
                url="https://demo.invalid/",
            )
        )
        self.add(m.ServiceAtLocation(id=demo_id("sal", key), service=service, location=location))
        self.add(self.phone(city.dial, service=service))
        for n, spec in enumerate(_hours(template.hours)):
            self.add(
                m.Schedule(
                    id=demo_id("schedule", key, n),
                    service=service,
                    freq="WEEKLY",
                    byday=spec["byday"],
                    opens_at=spec["opens"],
                    closes_at=spec["closes"],
                    wkst="MO",
                )
            )
        for code in _languages(city.country, rng):
            self.add(
                m.Language(
                    id=demo_id("language", key, code),
                    service=service,
                    code=code,
                    name=LANGUAGE_NAMES[code],
                    note_es="Llame antes para pedir intérprete." if code in ("fr", "ht") else "",
                    note_en="Call ahead to ask for an interpreter." if code in ("fr", "ht") else "",
                )
            )
        for code in template.terms:
            self.add(
                m.Attribute(
                    id=demo_id("attribute", key, code),
                    link_id=service.id,
                    link_entity="service",
                    link_type="service",
                    taxonomy_term=terms[code],
                )
            )
        self.add(
            m.ServiceArea(
                id=demo_id("area", key),
                service=service,
                region=location.region,
                name_es=city.name,
                name_en=city.name,
            )
        )

    def _hotline(self, country: str, dial: str, terms) -> None:
        region = m.Region.objects.get(code=country)
        key = f"hotline/{country}"
        org = self.add(
            m.Organization(
                id=demo_id("org", key),
                name=f"Línea Nacional Contra la Trata {region.name_es} (demo)",
                description_es="Línea nacional ficticia de orientación y denuncia.",
                description_en="Fictional national help and reporting line.",
                content_language="en" if country == "US" else "es",
                is_verified_partner=True,
            )
        )
        location = self.add(
            m.Location(
                id=demo_id("location", key),
                organization=org,
                location_type=m.Location.LocationType.VIRTUAL,
                name_es="Atención telefónica (demo)",
                name_en="Phone line (demo)",
                region=region,
                time_zone=region.time_zone,
            )
        )
        service = self.add(
            m.Service(
                id=demo_id("service", key),
                organization=org,
                name_es=f"Línea nacional contra la trata de personas – {region.name_es} (demo)",
                name_en=f"National anti-trafficking hotline – {region.name_en} (demo)",
                description_es="Línea gratuita, confidencial y disponible las 24 horas para "
                "orientar a víctimas de trata y explotación y recibir denuncias.",
                description_en="Free, confidential hotline, open 24 hours, for victims of "
                "trafficking and exploitation and to report cases.",
                content_language="en" if country == "US" else "es",
                is_free=True,
                no_id_required=True,
                immigration_status_not_asked=True,
                trafficking_specialised=True,
                open_24_7=True,
                last_verified_at=self.anchor - dt.timedelta(days=3),
            )
        )
        self.add(m.ServiceAtLocation(id=demo_id("sal", key), service=service, location=location))
        self.add(self.phone(dial, service=service))
        self.add(
            m.Schedule(
                id=demo_id("schedule", key),
                service=service,
                freq="WEEKLY",
                byday="MO,TU,WE,TH,FR,SA,SU",
                opens_at=dt.time(0),
                closes_at=dt.time(0),
            )
        )
        for code in ("es", "en", "pt", "fr", "ht"):
            self.add(
                m.Language(
                    id=demo_id("language", key, code),
                    service=service,
                    code=code,
                    name=LANGUAGE_NAMES[code],
                )
            )
        for code in ("hotline", "crisis-line"):
            self.add(
                m.Attribute(
                    id=demo_id("attribute", key, code),
                    link_id=service.id,
                    link_entity="service",
                    link_type="service",
                    taxonomy_term=terms[code],
                )
            )
        self.add(
            m.ServiceArea(
                id=demo_id("area", key),
                service=service,
                region=region,
                name_es=region.name_es,
                name_en=region.name_en,
            )
        )


# Parents before children, so that foreign keys hold inside the transaction.
WRITE_ORDER = (
    m.Organization,
    m.Location,
    m.Address,
    m.Accessibility,
    m.Service,
    m.ServiceAtLocation,
    m.ServiceArea,
    m.Phone,
    m.Schedule,
    m.Language,
    m.Attribute,
)


def load_demo() -> dict[str, int]:
    """Creates the demo directory's missing rows; returns how many of each were created."""
    from services.data.regions import load_regions

    load_regions()
    load_taxonomy()
    # Spanish active: modeltranslation mirrors the default language into the plain columns.
    with translation.override("es"), transaction.atomic():
        created = _write()
    if any(count for name, count in created.items() if name != "total_services"):
        # Fresh tables have no statistics; without them the planner picks nested loops over
        # 15,000 towns for the first pages served. The application's role owns no table: it
        # asks the owner's `enlace_analyze` (a plain ANALYZE would skip every table).
        from django.db import connection

        if not connection.in_atomic_block:
            with connection.cursor() as cursor:
                written = [model for model in WRITE_ORDER if created.get(model._meta.model_name)]
                derived = [m.SearchRow, m.SearchFacet, m.SearchWord, m.ServiceDocument]
                for model in written + derived:
                    cursor.execute("SELECT enlace_analyze(%s::regclass)", [model._meta.db_table])
    return created


def _write() -> dict[str, int]:
    builder = DemoBuilder()
    builder.build()
    created: dict[str, int] = {}
    new_services: list[uuid.UUID] = []
    for model in WRITE_ORDER:
        rows = builder.rows.get(model, [])
        present = set(
            model.objects.filter(id__in=[r.id for r in rows]).values_list("id", flat=True)
        )
        missing = [r for r in rows if r.id not in present]
        model.objects.bulk_create(missing, batch_size=1000)
        created[model._meta.model_name] = len(missing)
        if model is m.Service:
            new_services = [r.id for r in missing]
    touched = set(new_services)
    for model in (m.ServiceAtLocation, m.ServiceArea, m.Schedule, m.Language, m.Phone):
        if created.get(model._meta.model_name):
            touched.update(r.service_id for r in builder.rows.get(model, []) if r.service_id)
    if created.get("attribute"):
        touched.update(r.link_id for r in builder.rows[m.Attribute])
    if touched:
        refresh_services(sorted(touched))
    created["total_services"] = len(builder.rows[m.Service])
    return created
