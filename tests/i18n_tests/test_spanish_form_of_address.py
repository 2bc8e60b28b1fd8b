"""The Spanish site speaks to everyone as "tú", the way its visitors and staff speak to each other,
and never switches to "usted" from one sentence to the next.

Spanish gives no single mark of "usted", so the catalogue is checked with rules that catch its
usual shapes without flagging "tú" text (each rule lists why it is safe):

1. The words "usted" and "ustedes" anywhere.
2. Formal imperatives, alone or with a pronoun attached ("Escriba", "Guárdelo"): a fixed list of
   the verbs the interface uses. The "tú" imperative of each differs ("Escribe", "Guárdalo").
   Words that are also nouns ("cierre" as in "hora de cierre") are left out.
3. "your" in the English rendered by "su"/"sus" with no "tu"/"tus": "su" stays correct for "its",
   "their" and "his/her", which never carry "your" in the English.
4. "you have / can / want / need / are" rendered by the third-person form ("tiene", "puede",
   "quiere", "necesita", "está") with no "tú" form of the same verb in the message.
5. "le"/"lo" for "you" before the verbs that address the reader ("le pedimos", "le piden",
   "le enviamos").
Templates and code hold English (translated through the catalogue) and the demo's Spanish; they
are checked for rule 1.
"""

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"

USTED = re.compile(r"\bustede?s?\b", re.IGNORECASE)
FORMAL_IMPERATIVES = [
    "abra",
    "añada",
    "asegúrese",
    "busque",
    "cambie",
    "compruebe",
    "confirme",
    "consulte",
    "contacte",
    "copie",
    "cópielo",
    "díganos",
    "díganoslo",
    "edite",
    "elija",
    "elimine",
    "envíe",
    "escoja",
    "escriba",
    "espere",
    "guarde",
    "guárdelo",
    "haga",
    "indique",
    "ingrese",
    "inicie",
    "intente",
    "introduzca",
    "llame",
    "marque",
    "mire",
    "pida",
    "pregunte",
    "pulse",
    "quite",
    "responda",
    "revise",
    "revóquelo",
    "seleccione",
    "toque",
    "use",
    "vuelva",
    "verifique",
]
IMPERATIVE = re.compile(r"\b(" + "|".join(FORMAL_IMPERATIVES) + r")\b", re.IGNORECASE)
YOUR = re.compile(r"\byours?\b", re.IGNORECASE)
SU = re.compile(r"\bsus?\b", re.IGNORECASE)
TU = re.compile(r"\btus?\b", re.IGNORECASE)
YOU_VERBS = {
    # English phrase: (formal Spanish, its "tú" form)
    r"\byou (have|'ve)\b": (r"\btiene\b", r"\btienes\b"),
    r"\byou (can|may)\b": (r"\bpuede\b", r"\bpuedes\b"),
    r"\byou want\b": (r"\bquiere\b", r"\bquieres\b"),
    r"\byou need\b": (r"\bnecesita\b", r"\bnecesitas\b"),
    r"\byou are\b": (r"\bestá\b", r"\bestás\b"),
}
LE_FOR_YOU = re.compile(
    r"\b(le|lo) (pedimos|piden|pide|enviamos|recomendamos|avisamos|llamamos)\b", re.IGNORECASE
)


def usted_forms(english: str, spanish: str) -> list[str]:
    """The rules above that `spanish` (a rendering of `english`) breaks."""
    found = []
    if USTED.search(spanish):
        found.append("usted")
    imperative = IMPERATIVE.search(spanish)
    if imperative:
        found.append(f"formal imperative “{imperative.group(0)}”")
    if YOUR.search(english) and SU.search(spanish) and not TU.search(spanish):
        found.append("su/sus for “your”")
    for phrase, (formal, familiar) in YOU_VERBS.items():
        if (
            re.search(phrase, english, re.IGNORECASE)
            and re.search(formal, spanish, re.IGNORECASE)
            and not re.search(familiar, spanish, re.IGNORECASE)
        ):
            found.append(f"third person for “{phrase}”")
    if LE_FOR_YOU.search(spanish):
        found.append("le/lo for “you”")
    return found


def test_the_rules_tell_usted_from_tu():
    assert usted_forms("Enter a valid e-mail address.", "Escriba una dirección válida.")
    assert usted_forms("Keep it secret.", "Guárdelo en secreto.")
    assert usted_forms("Your tokens", "Sus tokens")
    assert usted_forms("You have no API tokens.", "No tiene tokens de la API.")
    assert usted_forms("We kept nothing about you.", "No guardamos nada sobre usted.")
    assert usted_forms("Both links ask you to sign in.", "Ambos enlaces le piden iniciar sesión.")
    assert not usted_forms("Enter a valid e-mail address.", "Escribe una dirección válida.")
    assert not usted_forms("Your tokens", "Tus tokens")
    assert not usted_forms("its phones", "sus teléfonos")
    assert not usted_forms("You have no API tokens.", "No tienes tokens de la API.")
    assert not usted_forms("Closing time", "Hora de cierre")


def test_the_spanish_catalogue_says_tu_throughout():
    catalogue = polib.pofile(str(CATALOGUE))
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
        for english, spanish in pairs:
            found = usted_forms(english, spanish)
            if found:
                problems.append(f"{spanish[:80]!r}: {', '.join(found)}")
    assert not problems, "\n".join(problems)


SPANISH_TEMPLATES = [
    path
    for folder in ("accounts", "audit", "referrals", "reports", "services", "templates")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in {".html", ".txt"} and "templates" in path.parts
]


def test_templates_and_code_hold_no_usted_outside_the_catalogue():
    """Their text is English (translated through the catalogue) or the demo's Spanish: only
    rule 1 applies, as English words such as "use" would trip rule 2."""
    sources = SPANISH_TEMPLATES + [
        path
        for folder in (
            "accounts",
            "audit",
            "channels",
            "config",
            "referrals",
            "reports",
            "services",
        )
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    ]
    found = [str(p.relative_to(ROOT)) for p in sources if USTED.search(p.read_text("utf-8"))]
    assert not found, found
