"""One text message in, one answer out: the part every gateway (Twilio, RapidPro) shares.

Invariants:
- The sender's number is used for three things only, and kept for none: its keyed hash
  (memory.sender_key) for throttling and "MAS", and its calling code for the country. The body
  is read (reading.py) and dropped; neither is logged, audited, queued or stored.
- Search goes through services.search exactly as the site's does (need term, place or the
  sender's country, public hits only); an answer lists PAGE_SIZE listings and keeps the ids of
  the next ones for "MAS".
- A gateway's message id seen before is answered with nothing (memory.first_time).
- The answer fits in replies.MAX_SEGMENTS SMS segments and is in the language the message was
  written in (reading.language_of); an emergency word puts the emergency number and the
  national anti-trafficking line first.
- Whatever fails inside, the answer is a short apology with the emergency number, never an
  error the gateway would retry or show; the failure is logged by its kind only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from django.utils import translation
from django.utils.translation import gettext

from channels import memory, reading, replies, segments
from channels.emergency import Hotline, national_hotline, sender_country, sms_phone
from services.models import Region, TaxonomyTerm
from services.public.hits import hit_views
from services.search import SearchParamError, SearchParams, search
from services.search.cache import still_public_ids
from services.search.results import build_hits

logger = logging.getLogger(__name__)

PAGE_SIZE = 3
# Listings found per search: the first page and what "MAS" can show after it.
KEPT = PAGE_SIZE * 3


@dataclass(frozen=True)
class Answer:
    text: str  # "" means: send nothing
    language: str

    @property
    def count(self) -> segments.Count:
        return segments.count(self.text)


def respond(*, body: str, sender: str, channel: str, message_id: str = "") -> Answer:
    """The answer to one message (see the module's invariants)."""
    country = sender_country(sender)
    if not memory.first_time(channel, message_id):
        return Answer("", "es")
    who = memory.sender_key(sender)
    allowed = memory.throttle(who)
    words = reading.MAX_BODY_CHARS
    language = reading.language_of(
        reading.normalize((body or "")[:words]).split()[: reading.MAX_WORDS], country
    )
    with translation.override(language):
        if allowed == memory.SILENT:
            return Answer("", language)
        if allowed == memory.WARN:
            return Answer(replies.too_many(country), language)
        try:
            return _answer(body, who, country)
        except Exception as failure:  # noqa: BLE001 — the body must not reach an error report
            logger.error("text channel: answer failed (%s)", type(failure).__name__)
            return Answer(replies.unavailable(country), language)


def _listings(views: list, limit: int = PAGE_SIZE) -> tuple[list[replies.Listing], set]:
    """The first `limit` views with a phone as listings, and the ids of the views read to find
    them (a listing without a phone is of no use in a text message)."""
    found: list[replies.Listing] = []
    read: set = set()
    for view in views:
        if len(found) == limit:
            break
        read.add(view.service.id)
        if not view.phones:
            continue
        found.append(
            replies.Listing(
                name=view.service.name,
                phone=sms_phone(view.phones[0]),
                distance_km=view.distance_km,
                open_24_7=view.service.open_24_7,
                is_free=view.service.is_free,
            )
        )
    return found, read


def _answer(body: str, who: str, sender_country_code: str) -> Answer:
    read = reading.read_message(body, country=sender_country_code)
    language = read.language
    with translation.override(language):
        if read.kind == reading.MORE:
            return _more(who, read, sender_country_code)
        if read.kind in (reading.HELP, reading.EMPTY):
            return _help(read, sender_country_code)
        return _search(read, who, sender_country_code)


def _with_help(endings: list[str]) -> list[str]:
    """The help sentence before each ending, then the endings alone (for `fit` to fall back on)."""
    return [f"{replies.help_text()} {ending}" for ending in endings] + endings


def _head(read: reading.Reading, country: str, hotline: Hotline | None) -> list[str]:
    return [replies.emergency_block(country, hotline)] if read.emergency else []


def _help(read: reading.Reading, country: str) -> Answer:
    hotline = national_hotline(country, read.language) if country else None
    head = _head(read, country, hotline)
    text = replies.fit(head, replies.help_text(), [], replies.closing(country, hotline, more=False))
    return Answer(text, read.language)


def _country_region(code: str) -> Region | None:
    if not code:
        return None
    return Region.objects.filter(code=code, level=Region.Level.COUNTRY).first()


def _search(read: reading.Reading, who: str, sender_country_code: str) -> Answer:
    home = _country_region(sender_country_code)
    params = SearchParams(
        taxonomy_term=(read.need,) if read.need else (),
        place=read.place,
        country=home.code if home else "",
        # Without a place, the sender's country is where to look.
        region=home.code if home and not read.place else "",
        # Other words say what is needed when no need word did ("comida Cúcuta"); next to a
        # need word they are mostly asides ("urgente", a name) and narrow nothing.
        text="" if read.need else read.text,
        per_page=KEPT,
    )
    result = _run(params, read.language)
    if params.text and read.place and (result is None or not result.hits):
        # Words the listings do not use: everything at the place rather than nothing.
        result = _run(replace(params, text=""), read.language)
    origin = result.origin if result is not None else None
    country = (origin.country if origin is not None else "") or sender_country_code
    hotline = national_hotline(country, read.language) if country else None
    head = _head(read, country, hotline)
    views = hit_views(result.hits, read.language) if result is not None else []
    listings, read_ids = _listings(views)
    if not listings:
        memory.keep_pages(who, memory.Pages(rows=[], language=read.language, country=country))
        text = replies.fit(
            head,
            replies.nothing_found(),
            [],
            _with_help(replies.closing(country, hotline, more=False)),
        )
        return Answer(text, read.language)
    rest = [row for row in result.rows if row[0] not in read_ids]
    memory.keep_pages(
        who,
        memory.Pages(rows=rest, language=read.language, country=country, shown=len(listings)),
    )
    text = replies.fit(
        head,
        _title(read, origin),
        listings,
        replies.closing(country, hotline, more=bool(rest)),
    )
    return Answer(text, read.language)


def _run(params: SearchParams, language: str):
    try:
        return search(params, lang=language, load="page")
    except SearchParamError:
        return None


def _title(read: reading.Reading, origin) -> str:
    need = TaxonomyTerm.objects.filter(code=read.need).first() if read.need else None
    parts = [need.name if need is not None else "", origin.name if origin is not None else ""]
    shown = ", ".join(p for p in parts if p)
    return f"{shown}:" if shown else gettext("Services near you:")


def _more(who: str, read: reading.Reading, sender_country_code: str) -> Answer:
    pages = memory.take_pages(who)
    if pages is None or not pages.rows:
        country = pages.country if pages else sender_country_code
        hotline = national_hotline(country, read.language) if country else None
        text = replies.fit(
            _head(read, country, hotline),
            replies.nothing_more(),
            [],
            _with_help(replies.closing(country, hotline, more=False)),
        )
        return Answer(text, read.language)
    language, country = pages.language, pages.country
    with translation.override(language):
        public = still_public_ids([row[0] for row in pages.rows])
        rows = [row for row in pages.rows if row[0] in public]
        page, rest = rows[:PAGE_SIZE], rows[PAGE_SIZE:]
        views = hit_views(build_hits(page, None, "page"), language)
        listings, _read = _listings(views)
        memory.keep_pages(
            who,
            memory.Pages(
                rows=rest, language=language, country=country, shown=pages.shown + len(listings)
            ),
        )
        hotline = national_hotline(country, language) if country else None
        text = replies.fit(
            _head(read, country, hotline),
            gettext("More results:") if listings else replies.nothing_more(),
            listings,
            replies.closing(country, hotline, more=bool(rest)),
            start=pages.shown + 1,
        )
        return Answer(text, language)
