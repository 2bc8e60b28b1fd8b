"""The fixed, seeded mix of searches the benchmark drives: four kinds (text, place, filters and
their mix), each asked of the public results page and of the API with the same parameters."""

from __future__ import annotations

import random
from collections.abc import Callable
from urllib.parse import urlencode

KINDS = ("text", "place", "filters", "mix")
SURFACES = ("api", "page")

# Words people type, in both languages, matching the synthetic listings' names, terms and
# descriptions (services/data/demo.py TEMPLATES); one typo, which takes the correction path.
TEXTS = (
    "albergue",
    "abogado",
    "asesoría legal",
    "salud mental",
    "shelter",
    "legal help",
    "comida",
    "trata de personas",
    "documentos",
    "empleo",
    "refugio nocturno",
    "clínica",
    "children",
    "asilo",
    "albege",
)
TERMS = (
    "housing",
    "emergency-shelter",
    "legal",
    "immigration-legal",
    "medical-care",
    "mental-health",
    "basic-needs",
    "hotline",
    "case-management",
)
FLAGS = ("free", "no_id", "open_now", "open_24_7", "immigration_status_not_asked")
LANGUAGES = ("en", "pt", "fr")
POPULATIONS = ("women", "families", "lgbtq")
RADII = ("10", "25", "50")


def _filters(rng: random.Random, regions: list[str], count: int) -> list[tuple[str, str]]:
    options = [
        lambda: ("taxonomy_term_id", rng.choice(TERMS)),
        lambda: (rng.choice(FLAGS), "true"),
        lambda: ("language", rng.choice(LANGUAGES)),
        lambda: ("population", rng.choice(POPULATIONS)),
        lambda: ("region", rng.choice(regions)),
    ]
    chosen = rng.sample(options, count)
    return [make() for make in chosen]


def _place(rng: random.Random, towns: list[tuple[str, float, float]]) -> list[tuple[str, str]]:
    name, lat, lon = rng.choice(towns)
    if rng.random() < 0.3:
        # "Near me": coordinates rounded as the page's device script rounds them.
        return [("lat", f"{lat:.2f}"), ("lon", f"{lon:.2f}"), ("radius_km", rng.choice(RADII))]
    params = [("place", name)]
    if rng.random() < 0.5:
        params.append(("radius_km", rng.choice(RADII)))
    return params


def build(
    seed: int,
    towns: list[tuple[str, float, float]],
    regions: list[str],
    per_kind: int = 20,
) -> dict[str, list[list[tuple[str, str]]]]:
    """Parameter lists per kind, identical for a given seed and data."""
    rng = random.Random(seed)
    mix: dict[str, list[list[tuple[str, str]]]] = {kind: [] for kind in KINDS}
    for _ in range(per_kind):
        mix["text"].append([("text", rng.choice(TEXTS))])
        mix["place"].append(_place(rng, towns))
        mix["filters"].append(_filters(rng, regions, rng.randint(1, 3)))
        mix["mix"].append(
            [("text", rng.choice(TEXTS)), *_place(rng, towns), *_filters(rng, regions, 1)]
        )
    return mix


def path(surface: str, params: list[tuple[str, str]]) -> str:
    """The request path of one search: /api/v1/services?search=… or /es/buscar/?q=…"""
    text_name = "search" if surface == "api" else "q"
    pairs = [(text_name if k == "text" else k, v) for k, v in params]
    base = "/api/v1/services" if surface == "api" else "/es/buscar/"
    return f"{base}?{urlencode(pairs)}"


def _distinct_one(
    kind: str,
    rng: random.Random,
    towns: list[tuple[str, float, float]],
    regions: list[str],
    words: list[str],
) -> list[tuple[str, str]]:
    """One search of `kind` drawn from a space far larger than any run asks: a word of the
    directory's own lexicon, a point anywhere around a town (rounded as the page's device script
    rounds it), filters and a page."""

    def near() -> list[tuple[str, str]]:
        _name, lat, lon = rng.choice(towns)
        return [
            ("lat", f"{lat + rng.uniform(-0.3, 0.3):.2f}"),
            ("lon", f"{lon + rng.uniform(-0.3, 0.3):.2f}"),
            ("radius_km", rng.choice(RADII)),
        ]

    def word() -> str:
        return rng.choice(words) if words and rng.random() < 0.7 else rng.choice(TEXTS)

    if kind == "text":
        params = [("text", word())]
        if rng.random() < 0.3:
            params.append(("page", str(rng.randint(2, 3))))
        return params
    if kind == "place":
        return near() if rng.random() < 0.7 else _place(rng, towns)
    if kind == "filters":
        params = _filters(rng, regions, rng.randint(1, 3))
        return [*params, ("page", str(rng.randint(1, 3)))]
    return [("text", word()), *near(), *_filters(rng, regions, 1)]


def distinct(
    seed: int,
    towns: list[tuple[str, float, float]],
    regions: list[str],
    words: list[str],
    count: int,
) -> dict[str, list[list[tuple[str, str]]]]:
    """Up to `count` different searches per kind (fewer when a kind's space runs out), so that a
    run asking each once measures searches no cache has seen."""
    rng = random.Random(seed * 7 + 3)
    return {
        kind: _different(lambda kind=kind: _distinct_one(kind, rng, towns, regions, words), count)
        for kind in KINDS
    }


def _different(
    draw: Callable[[], list[tuple[str, str]]], count: int
) -> list[list[tuple[str, str]]]:
    """Up to `count` different searches from `draw` (fewer when its space runs out)."""
    seen: set[tuple[tuple[str, str], ...]] = set()
    pool: list[list[tuple[str, str]]] = []
    for _ in range(count * 20):
        params = draw()
        key = tuple(sorted(params))
        if key not in seen:
            seen.add(key)
            pool.append(params)
            if len(pool) == count:
                break
    return pool


def zipf_sequence(
    pool: list[list[tuple[str, str]]], requests: int, seed: int, s: float = 1.1
) -> list[list[tuple[str, str]]]:
    """`requests` searches drawn from `pool` with Zipf weights (rank r weighs 1 / r**s): a few
    searches asked very often (a hotline on the radio) and a long tail asked once."""
    rng = random.Random(seed * 11 + 5)
    order = list(pool)
    rng.shuffle(order)
    weights = [1.0 / (rank**s) for rank in range(1, len(order) + 1)]
    return rng.choices(order, weights=weights, k=requests)


# --- the worst kind: what a hostile visitor asks ------------------------------------------------

STOP_WORDS = ("de", "la", "el", "y", "los", "the", "of", "and", "para", "com", "le", "des")
WIDEST_RADIUS = "2000"
DEEPEST_PAGE = "50"  # the last page a search can be asked for at 20 a page (search/params.py)


def _every_filter(rng: random.Random, regions: list[str]) -> list[tuple[str, str]]:
    return [
        *[("taxonomy_term_id", term) for term in TERMS],
        *[(flag, "true") for flag in FLAGS],
        ("accessible", "true"),
        ("trafficking_specialised", "true"),
        ("has_capacity", "true"),
        ("language", rng.choice(LANGUAGES)),
        ("population", rng.choice(POPULATIONS)),
        ("region", rng.choice(regions)),
        ("verified_within_days", "30"),
    ]


def worst(
    seed: int,
    towns: list[tuple[str, float, float]],
    regions: list[str],
    words: list[str],
) -> list[list[tuple[str, str]]]:
    """Twenty searches chosen to cost the most: stop words, single letters, the widest radius,
    the deepest page a search may ask for, twenty-word queries, every filter at once, typos in
    words and in places."""
    rng = random.Random(seed * 13 + 7)
    lexicon = list(words) or list(TEXTS)
    name, lat, lon = towns[0]
    far_name, far_lat, far_lon = towns[min(5, len(towns) - 1)]
    point = [("lat", f"{lat:.2f}"), ("lon", f"{lon:.2f}")]
    return [
        [("text", "de")],
        [("text", "la")],
        [("text", "de la y el")],
        [("text", "a")],
        [("text", "e")],
        [("text", "de"), ("page", DEEPEST_PAGE)],
        [*point, ("radius_km", WIDEST_RADIUS), ("page", DEEPEST_PAGE)],
        [("lat", f"{far_lat:.2f}"), ("lon", f"{far_lon:.2f}"), ("radius_km", WIDEST_RADIUS)],
        [("place", name), ("radius_km", WIDEST_RADIUS), ("page", DEEPEST_PAGE)],
        [("text", " ".join(rng.sample(lexicon, 20)))],
        [("text", " ".join([*STOP_WORDS[:19], "albergue"]))],
        [
            ("text", rng.choice(TEXTS)),
            *point,
            ("radius_km", WIDEST_RADIUS),
            *_every_filter(rng, regions),
            ("page", DEEPEST_PAGE),
        ],
        [("text", "albeeerguexx")],
        [("text", " ".join(f"{rng.choice(lexicon)}qz" for _ in range(20)))],
        [("text", "servicio"), ("page", DEEPEST_PAGE)],
        [("text", "albergue"), *point, ("radius_km", WIDEST_RADIUS), ("page", DEEPEST_PAGE)],
        [("place", far_name[:-1] + "x"), ("radius_km", WIDEST_RADIUS)],
        [("population", "women"), ("language", "es"), ("page", DEEPEST_PAGE)],
        [("text", "or or or de or la")],
        [("text", " ".join("abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(99)))],
    ]


def worst_pool(
    seed: int,
    towns: list[tuple[str, float, float]],
    regions: list[str],
    words: list[str],
    count: int,
) -> list[list[tuple[str, str]]]:
    """`count` different hostile searches (the worst kind's shapes with other words, points
    and pages), so that an attacker's run is not answered from the result cache."""
    rng = random.Random(seed * 17 + 11)
    lexicon = list(words) or list(TEXTS)
    shapes = [
        lambda: [("text", " ".join(rng.sample(STOP_WORDS, rng.randint(1, 4))))],
        lambda: [("text", rng.choice("abcdefghijklmnopqrstuvwxyz"))],
        lambda: [
            ("lat", f"{rng.uniform(-40, 40):.2f}"),
            ("lon", f"{rng.uniform(-110, -40):.2f}"),
            ("radius_km", WIDEST_RADIUS),
            ("page", str(rng.randint(1, 50))),
        ],
        lambda: [("text", " ".join(rng.sample(lexicon, 20)))],
        lambda: [("text", " ".join(f"{rng.choice(lexicon)}qz" for _ in range(20)))],
        lambda: [
            ("text", rng.choice(lexicon)),
            ("lat", f"{rng.uniform(-40, 40):.2f}"),
            ("lon", f"{rng.uniform(-110, -40):.2f}"),
            ("radius_km", WIDEST_RADIUS),
            *_every_filter(rng, regions),
            ("page", str(rng.randint(1, 50))),
        ],
        lambda: [("text", rng.choice(lexicon)), ("page", str(rng.randint(20, 50)))],
    ]
    return _different(lambda: rng.choice(shapes)(), count)
