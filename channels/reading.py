"""Reading a text message: what it asks for, in which language, and whether it is an emergency.

Invariants:
- Words are read the way the site reads them: services.search.places.normalize (no case, no
  accents, no punctuation, so emoji fall away), need phrases by services.search.needs.split_need
  and places by services.search.places.split_place, with the sender's country as the context
  that ranks its places first (as a country's home page does).
- Only the first MAX_BODY_CHARS characters and MAX_WORDS words are read: a 1,600-character
  message costs no more than a short one.
- The language is the one most of the recognised words belong to (es, en, pt, fr, ht); a tie
  goes to the sender's country's language, then to Spanish.
- A message is never kept: a Reading lives for one answer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from services.search.needs import split_need
from services.search.places import normalize, split_place

MAX_BODY_CHARS = 200
MAX_WORDS = 12
LANGUAGES = ("es", "en", "pt", "fr", "ht")

HELP_WORDS = {"ayuda": "es", "help": "en", "ajuda": "pt", "aide": "fr", "ed": "ht", "info": ""}
MORE_WORDS = {"mas": "es", "more": "en", "mais": "pt", "plus": "fr", "plis": "ht"}
EMERGENCY_WORDS = {
    "peligro": "es",
    "emergencia": "es pt",
    "urgencia": "es",
    "auxilio": "es",
    "socorro": "es pt",
    "danger": "en fr",
    "emergency": "en",
    "perigo": "pt",
    "urgence": "fr",
    "secours": "fr",
    "danje": "ht",
    "ijans": "ht",
    "sekou": "ht",
    "sos": "",
}
# Words said around a request that are neither a need nor a place.
FILLER_PHRASES = (
    "por favor",
    "s il vous plait",
    "i need",
    "j ai besoin",
    "mwen bezwen",
    "estoy en",
    "i am in",
    "je suis a",
    "estou em",
    "mwen nan",
)
FILLER_WORDS = {
    "porfa",
    "please",
    "pls",
    "plz",
    "gracias",
    "thanks",
    "obrigado",
    "obrigada",
    "merci",
    "svp",
    "mesi",
    "tanpri",
    "hola",
    "hello",
    "hi",
    "ola",
    "oi",
    "bonjour",
    "bonjou",
    "necesito",
    "busco",
    "quiero",
    "need",
    "preciso",
    "besoin",
    "bezwen",
    "en",
    "in",
    "near",
    "cerca",
    "perto",
    "pres",
    "kote",
    "un",
    "una",
    "a",
    "um",
    "uma",
    "une",
    "yon",
}
# Words that tell the language, beyond the command words above.
LANGUAGE_WORDS: dict[str, set[str]] = {
    "es": {
        "albergue",
        "refugio",
        "abogado",
        "abogada",
        "salud",
        "medico",
        "necesito",
        "donde",
        "cerca",
        "gracias",
        "hola",
        "busco",
        "porfa",
        "alojamiento",
        "asilo",
        "trabajo",
        "comida",
        "estoy",
        "favor",
    },
    "en": {
        "shelter",
        "lawyer",
        "attorney",
        "need",
        "where",
        "near",
        "health",
        "doctor",
        "clinic",
        "please",
        "thanks",
        "hello",
        "asylum",
        "housing",
        "food",
        "work",
    },
    "pt": {
        "abrigo",
        "advogado",
        "advogada",
        "preciso",
        "onde",
        "perto",
        "saude",
        "obrigado",
        "obrigada",
        "ola",
        "estou",
        "trabalho",
    },
    "fr": {
        "hebergement",
        "logement",
        "avocat",
        "avocate",
        "besoin",
        "pres",
        "sante",
        "medecin",
        "merci",
        "bonjour",
        "asile",
        "svp",
        "suis",
        "travail",
    },
    "ht": {
        "kay",
        "abri",
        "avoka",
        "bezwen",
        "kote",
        "sante",
        "dokte",
        "lopital",
        "mesi",
        "bonjou",
        "mwen",
        "azil",
        "refijye",
        "tanpri",
        "travay",
        "nan",
    },
}
# A tie between languages goes to the country's; a message with no word we know is answered in
# Spanish except where Spanish is not what most people there read.
COUNTRY_LANGUAGE = {"BR": "pt", "PT": "pt", "HT": "ht", "FR": "fr", "US": "en", "CA": "en"}
WORDLESS_LANGUAGE = {"BR": "pt", "PT": "pt", "HT": "ht", "FR": "fr"}

SEARCH, HELP, MORE, EMPTY = "search", "help", "more", "empty"


@dataclass(frozen=True)
class Reading:
    kind: str
    language: str
    emergency: bool = False
    need: str = ""
    place: str = ""
    # Words that are neither a need nor a place, searched as text when nothing else was found.
    text: str = ""


def _votes(words: list[str]) -> Counter[str]:
    votes: Counter[str] = Counter()
    for word in words:
        for table in (HELP_WORDS, MORE_WORDS, EMERGENCY_WORDS):
            for lang in (table.get(word) or "").split():
                votes[lang] += 1
        for lang, known in LANGUAGE_WORDS.items():
            if word in known:
                votes[lang] += 1
    return votes


def language_of(words: list[str], country: str = "") -> str:
    """The language most of `words` belong to; ties go to the country's, then to Spanish."""
    votes = _votes(words)
    if not votes:
        return WORDLESS_LANGUAGE.get(country, "es")
    best = max(votes.values())
    tied = [lang for lang in LANGUAGES if votes[lang] == best]
    preferred = COUNTRY_LANGUAGE.get(country, "es")
    return preferred if preferred in tied else tied[0]


def _drop_fillers(words: list[str]) -> list[str]:
    text = f" {' '.join(words)} "
    for phrase in FILLER_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    return [word for word in text.split() if word not in FILLER_WORDS]


def read_message(body: str, *, country: str = "") -> Reading:
    """What a message asks, read with the site's need words and gazetteer."""
    words = normalize((body or "")[:MAX_BODY_CHARS]).split()[:MAX_WORDS]
    language = language_of(words, country)
    emergency = any(word in EMERGENCY_WORDS for word in words)
    words = [word for word in words if word not in EMERGENCY_WORDS]
    if not words:
        return Reading(kind=EMPTY, language=language, emergency=emergency)
    if len(words) == 1 and words[0] in MORE_WORDS:
        return Reading(kind=MORE, language=language, emergency=emergency)
    if len(words) == 1 and words[0] in HELP_WORDS:
        return Reading(kind=HELP, language=language, emergency=emergency)
    need, rest = split_need(" ".join(words))
    rest_words = [w for w in _drop_fillers(rest.split()) if w not in HELP_WORDS]
    place, text = split_place(" ".join(rest_words), context=country)
    if not (need or place or text):
        return Reading(kind=HELP, language=language, emergency=emergency)
    return Reading(
        kind=SEARCH, language=language, emergency=emergency, need=need, place=place, text=text
    )
