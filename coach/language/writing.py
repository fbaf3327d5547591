"""Writing French back: elision, contractions, names as they are officially written, greetings.

Every sentence the bot builds around a name the person typed goes through here, so that
« refus de Airbus », « leroy merlin m'intéresse toujours » or « Bonjour Thomas Petit » cannot
be written anywhere:

- :func:`company` / :func:`person` — the name as it is officially written: a small table of
  well-known French employers (« L'Oréal », « SNCF », « McDonald's »), otherwise each word of
  an all-lowercase name capitalised except particles; a name typed with any capital is kept
  as typed (« iPhone », « Thomas PETIT »).
- :func:`de`, :func:`a`, :func:`le`, :func:`la`, :func:`que`, :func:`je`, :func:`ne`,
  :func:`se`, :func:`si` — a word with the small word before it, elided or contracted:
  ``de("Airbus")`` → « d'Airbus », ``de("Le Bon Marché")`` → « du Bon Marché »,
  ``a("Les Échos")`` → « aux Échos », ``que("il")`` → « qu'il », ``si("il")`` → « s'il ».
- :func:`starts_with_vowel_sound` — the rule behind them: vowels, mute h (a short list of
  aspirated ones: « de Hachette », « la hausse »), y before a consonant (« d'Yves » but « de
  Yann »), acronyms read letter by letter by their first letter (« d'EDF », « de SNCF »).
- :func:`greeting` — the salutation of a draft by company culture and what we know of the
  person's civility (« Bonjour Monsieur Petit, » / « Bonjour Thomas, » / « Madame, Monsieur, »).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from coach.language.fold import wordset

__all__ = [
    "Person",
    "a",
    "company",
    "de",
    "greeting",
    "je",
    "la",
    "le",
    "ne",
    "parse_person",
    "person",
    "que",
    "se",
    "sentence",
    "si",
    "starts_with_vowel_sound",
]

_APOSTROPHES: Final = "'’‘`´ʼ"


def _key(text: str) -> str:
    """Lowercase, no accents, apostrophes and dashes as spaces, one space between words."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("œ", "oe").replace("æ", "ae")
    text = re.sub(rf"[{_APOSTROPHES}\-.]", " ", text)
    return " ".join(text.split())


# --------------------------------------------------------------------------- names

#: Well-known employers as they write themselves, by folded key (several keys for the usual
#: ways people type them). Only names whose casing or accents the title-case rule gets wrong,
#: or that people often misspell, need to be here.
_OFFICIAL: Final[dict[str, str]] = {
    key: official
    for official, keys in {
        "L'Oréal": ("l oreal", "loreal"),
        "L'Occitane": ("l occitane", "loccitane"),
        "SNCF": ("sncf",),
        "RATP": ("ratp",),
        "EDF": ("edf",),
        "GRDF": ("grdf",),
        "BNP Paribas": ("bnp paribas", "bnp"),
        "La Poste": ("la poste",),
        "La Banque Postale": ("la banque postale", "banque postale"),
        "McDonald's": ("mcdonald s", "mcdonalds", "mc donald s", "mc donalds", "mcdo", "macdo"),
        "Decathlon": ("decathlon",),
        "Leroy Merlin": ("leroy merlin",),
        "Intersport": ("intersport",),
        "Airbus": ("airbus",),
        "Thales": ("thales",),
        "Hermès": ("hermes",),
        "Hachette": ("hachette",),
        "Société Générale": ("societe generale",),
        "Crédit Agricole": ("credit agricole",),
        "Crédit Mutuel": ("credit mutuel",),
        "Caisse d'Épargne": ("caisse d epargne",),
        "LCL": ("lcl",),
        "AXA": ("axa",),
        "MAIF": ("maif",),
        "MACIF": ("macif",),
        "LVMH": ("lvmh",),
        "IBM": ("ibm",),
        "KPMG": ("kpmg",),
        "PwC": ("pwc",),
        "EY": ("ey",),
        "SFR": ("sfr",),
        "IKEA": ("ikea",),
        "KFC": ("kfc",),
        "H&M": ("h&m", "h et m"),
        "TotalEnergies": ("totalenergies", "total energies", "total"),
        "Engie": ("engie",),
        "Capgemini": ("capgemini", "cap gemini"),
        "Sopra Steria": ("sopra steria",),
        "Dassault Systèmes": ("dassault systemes",),
        "Saint-Gobain": ("saint gobain",),
        "Schneider Electric": ("schneider electric",),
        "Air France": ("air france",),
        "Air Liquide": ("air liquide",),
        "Bouygues Telecom": ("bouygues telecom",),
        "E.Leclerc": ("leclerc", "e leclerc"),
        "Intermarché": ("intermarche",),
        "Galeries Lafayette": ("galeries lafayette",),
        "Fnac": ("fnac",),
        "Fnac Darty": ("fnac darty",),
        "France Travail": ("france travail", "pole emploi"),
        "Bpifrance": ("bpifrance", "bpi france", "bpi"),
        "BlaBlaCar": ("blablacar",),
        "OVHcloud": ("ovhcloud", "ovh"),
        "leboncoin": ("leboncoin", "le bon coin"),
        "Cdiscount": ("cdiscount",),
        "eBay": ("ebay",),
        "LinkedIn": ("linkedin",),
        "PayPal": ("paypal",),
        "YouTube": ("youtube",),
        "Veepee": ("veepee", "vente privee"),
        "Back Market": ("backmarket", "back market"),
        "Yves Rocher": ("yves rocher",),
        "Pernod Ricard": ("pernod ricard",),
        "Orange": ("orange",),
        "Oracle": ("oracle",),
        "Michelin": ("michelin",),
        "Carrefour": ("carrefour",),
        "Sanofi": ("sanofi",),
        "Safran": ("safran",),
    }.items()
    for key in keys
}

#: Small words left in lowercase inside a name ("Caisse d'Épargne", "Jean de la Fontaine").
_PARTICLES: Final = frozenset(
    {"de", "du", "des", "d", "la", "le", "les", "l", "et", "en", "sur", "sous", "aux", "au", "à"}
)
#: Particles of person names that stay lowercase inside a name; « Le » and « La » of a
#: surname take a capital (« Jean de La Fontaine », « Marc Le Goff »).
_PERSON_PARTICLES: Final = frozenset({"de", "du", "des", "d", "van", "von", "der", "di", "da"})


def _clean(name: str | None) -> str:
    return " ".join((name or "").split()).strip(" ,;:")


def _capitalise_word(word: str) -> str:
    return word[:1].upper() + word[1:]


def _title(name: str, particles: frozenset[str], *, first_too: bool) -> str:
    """Each word capitalised, particles kept small (the first word too unless ``first_too``);
    parts joined by a dash or after an apostrophe ("l'atelier" → "L'Atelier") count as words."""
    pieces = re.split(rf"(\s+|-|[{_APOSTROPHES}])", name)
    out: list[str] = []
    first = True
    for piece in pieces:
        if not piece or re.fullmatch(rf"\s+|-|[{_APOSTROPHES}]", piece):
            out.append(piece)
            continue
        small = piece in particles and not (first and first_too)
        out.append(piece if small else _capitalise_word(piece))
        first = False
    return "".join(out)


#: First words of a description rather than a name (« une startup de la fintech »).
_DESCRIPTION: Final = frozenset(
    {"un", "une", "des", "mon", "ma", "mes", "notre", "nos", "cette", "ce", "cet", "son", "sa"}
)


def company(name: str | None) -> str:
    """A company as it writes itself: « leroy merlin » → « Leroy Merlin », « l'oreal » →
    « L'Oréal », « sncf » → « SNCF ». Official spellings win when known; otherwise a name
    typed with a capital is kept as typed and an all-lowercase one is title-cased — except a
    description (« une startup de la fintech »), kept as written."""
    text = _clean(name)
    if not text:
        return ""
    official = _OFFICIAL.get(_key(text))
    if official is not None:
        return official
    if text != text.lower() or _key(text).split(" ")[0] in _DESCRIPTION:
        return text
    return _title(text, _PARTICLES, first_too=True)


def person(name: str | None) -> str:
    """A person's name: « thomas petit » → « Thomas Petit », « jean de la fontaine » →
    « Jean de La Fontaine »; a name typed with any capital is kept as typed."""
    text = _clean(name)
    if text != text.lower():
        return text
    return _title(text, _PERSON_PARTICLES, first_too=True)


def sentence(text: str) -> str:
    """The first letter of a sentence in capitals (« leboncoin » stays as its brand wants
    only inside a sentence: at the start, French typography capitalises it)."""
    return _capitalise_word(text) if text else text


# --------------------------------------------------------------------------- elision


#: Words starting with an aspirated h: no elision, no liaison (« le hasard », « de Hachette »);
#: the last lines are companies and brands read that way in French.
_H_ASPIRE: Final = wordset(
    """
    hache haie haine hall halte hamac hameau hamster hanche hand handball handicap hangar
    hanter harcelement harceler hardi hardware hareng haricot harpe hasard hate hausse haut
    haute hauteur havre heros herisson hetre hibou hierarchie hierarchique hockey hollande
    hollandais homard hongrie honte honteux hoquet horde hors hotline hotte houblon housse
    hublot huit huitieme hurler hutte hacker hackathon holding hub high hip
    hachette honda hyundai huawei heineken hilton hertz hasbro harley hewlett hp hsbc hays
    havas hellowork hopscotch
    haye havane hambourg hanovre honduras houston
    """
)
#: Words starting with a vowel letter but not a vowel sound (« le onze », « de oui »).
_NO_ELISION: Final = frozenset({"onze", "onzieme", "oui", "ouistiti", "uhlan", "ululement"})
_VOWELS: Final = "aeiou"


def _first_word(text: str) -> str:
    match = re.match(rf"[^\s{_APOSTROPHES}\-]+", text)
    return match.group(0) if match else ""


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return 2 <= len(letters) <= 6 and all(c.isupper() for c in letters) and "." not in word


def starts_with_vowel_sound(text: str) -> bool:
    """True when the word starts with a vowel sound, so that « de », « le », « que »… elide.

    Acronyms go by their first letter: « EDF », « IBM », « AXA » elide; « SNCF », « HP »,
    « RATP » do not (usage does not elide before a consonant letter, even one read « èsse »).
    """
    word = _first_word(text.strip())
    if not word:
        return False
    folded = _key(word)
    if not folded:
        return False
    if _is_acronym(word):
        return folded[0] in _VOWELS
    if folded in _NO_ELISION:
        return False
    first = folded[0]
    if first in _VOWELS:
        return True
    if first == "h":
        return folded not in _H_ASPIRE and not folded.startswith(("hach", "haut", "hyund"))
    if first == "y":
        # « Yves », « Yvelines » (y before a consonant) elide; « yaourt », « Yann » do not.
        return len(folded) > 1 and folded[1] not in _VOWELS
    return False


def _article(text: str) -> tuple[str, str] | None:
    """("le" | "les", the rest) when ``text`` starts with the article « le » / « les »."""
    match = re.match(r"(?i)(les?)\s+(\S.*)$", text)
    if match is None:
        return None
    return match.group(1).lower(), match.group(2)


def _elide(small: str, word: str) -> str:
    word = word.strip()
    if starts_with_vowel_sound(word):
        return f"{small[:-1]}'{word}"
    return f"{small} {word}"


def de(text: str, *, contract: bool = True) -> str:
    """« de » before a word: « d'Airbus », « de Thales », « du Bon Marché », « des Échos ».

    ``contract=False`` for a person's name (« de Marine Le Pen », never « du »)."""
    text = text.strip()
    article = _article(text) if contract else None
    if article is not None:
        which, rest = article
        if which == "les":
            return f"des {rest}"
        if not starts_with_vowel_sound(rest):
            return f"du {rest}"
    return _elide("de", text)


def a(text: str, *, contract: bool = True) -> str:
    """« à » before a word: « à Airbus », « au Bon Marché », « aux Échos », « à La Poste »."""
    text = text.strip()
    article = _article(text) if contract else None
    if article is not None:
        which, rest = article
        if which == "les":
            return f"aux {rest}"
        if not starts_with_vowel_sound(rest):
            return f"au {rest}"
    return f"à {text}"


def le(text: str) -> str:
    """« le » before a noun: « l'entretien », « le poste », « le hasard »."""
    return _elide("le", text)


def la(text: str) -> str:
    """« la » before a noun: « l'équipe », « la hiérarchie », « la candidature »."""
    return _elide("la", text)


def que(text: str) -> str:
    """« que » before a word: « qu'il », « qu'Airbus », « que Thales »."""
    return _elide("que", text)


def je(text: str) -> str:
    """« je » before a verb: « j'ai », « j'aimerais », « je souhaite »."""
    return _elide("je", text)


def ne(text: str) -> str:
    """« ne » before a verb: « n'ai », « ne suis »."""
    return _elide("ne", text)


def se(text: str) -> str:
    """« se » before a verb: « s'est », « se passe »."""
    return _elide("se", text)


def si(text: str) -> str:
    """« si » elides only before « il » / « ils »: « s'il », « si elle », « si on »."""
    text = text.strip()
    if re.match(r"(?i)ils?\b", text):
        return f"s'{text}"
    return f"si {text}"


# --------------------------------------------------------------------------- greetings

Civility = Literal["M.", "Mme"]
_CIVILITY: Final = re.compile(
    r"^(?P<civ>m\.?|mr\.?|monsieur|mme\.?|mrs\.?|ms\.?|madame|mlle\.?|mademoiselle)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)


#: First words of a role or a description given instead of a name.
_NOT_A_NAME: Final = frozenset(
    {"le", "la", "les", "l", "un", "une", "des", "mon", "ma", "son", "sa", "leur", "notre"}
    | {"votre", "cette", "ce", "cet", "quelqu", "personne", "rh", "drh", "manager"}
)


@dataclass(frozen=True)
class Person:
    """A name as typed, split: civility when written, first name, last name."""

    civility: Civility | None
    first: str | None
    last: str | None

    @property
    def title(self) -> str | None:
        """« Monsieur » / « Madame », the word used in a salutation."""
        return {"M.": "Monsieur", "Mme": "Madame"}.get(self.civility or "")


def parse_person(raw: str | None) -> Person | None:
    """« M. Petit » → civility M., last Petit; « thomas petit » → Thomas / Petit; « Julie » →
    first name Julie (a lone word is how people give a first name); None when empty."""
    text = _clean(raw)
    if not text:
        return None
    civility: Civility | None = None
    match = _CIVILITY.match(text)
    if match is not None:
        word = match.group("civ").lower().rstrip(".")
        civility = "M." if word in ("m", "mr", "monsieur") else "Mme"
        text = match.group("rest").strip()
    words = person(text).split()
    if not words or _key(words[0]) in _NOT_A_NAME or re.search(r"[\d@]", text):
        return None  # « la recruteuse », « une RH », an address: a role, not a name
    if civility is not None:
        if len(words) == 1:
            return Person(civility, None, words[0])
        return Person(civility, words[0], " ".join(words[1:]))
    if len(words) == 1:
        return Person(None, words[0], None)
    return Person(None, words[0], " ".join(words[1:]))


def greeting(name: str | None, culture: str | None, *, formal: bool = False) -> str:
    """The salutation of a message to a recruiter, with its comma.

    - formal culture (or the person asked for a more formal text): « Bonjour Madame
      Martin, » when the civility is known, else « Madame, Monsieur, »;
    - casual culture: the first name (« Bonjour Thomas, »), else the civility;
    - unknown culture: the civility when known, else the first name — what most French
      recruiters now use with a candidate they have met;
    - never first name and last name together (« Bonjour Thomas Petit » reads like a mail
      merge), and « Bonjour, » when nothing fits.
    """
    who = parse_person(name)
    formal = formal or culture == "formal"
    civil = f"Bonjour {who.title} {who.last}," if who and who.title and who.last else None
    if formal:
        return civil or "Madame, Monsieur,"
    if culture == "casual" and who and who.first:
        return f"Bonjour {who.first},"
    if civil:
        return civil
    if who and who.first:
        return f"Bonjour {who.first},"
    return "Bonjour,"
