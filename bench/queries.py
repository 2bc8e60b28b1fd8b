"""The fixed, seeded mix of searches the benchmark drives: four kinds (text, place, filters and
their mix), each asked of the public results page and of the API with the same parameters."""

from __future__ import annotations

import random
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
