"""Job-search steps (« démarches ») told in French, for the proof of activity of
``coach.activity_report``: « lundi j'ai participé à un atelier CV à France Travail » →
a workshop, last Monday, « Atelier CV », France Travail. Pure, deterministic, offline;
nothing here logs what people write.

:func:`read_external_activity` answers an :class:`ExternalActivity` (kind, day, a short
note, the organisation or company, the channel) or None when the message tells no step.

Kinds (the keys of ``coach.activity_report.KINDS``), tried in this order, the first that
matches wins:

- ``workshop`` — atelier, webinaire, réunion / information collective, job club;
- ``job_fair`` — salon or forum *of employment* (« salon de l'emploi », « forum des
  métiers », « salon Handicap & Emploi »: a qualifier or a capitalised name after it, so
  « au salon » alone stays a living room), job dating, « rencontres employeurs »;
- ``appointment`` — a meeting with an adviser (conseiller·ère, référent·e, France Travail,
  Apec, Mission locale, Cap emploi), « bilan de compétences »;
- ``networking`` — café réseau, afterwork, enquête métier, « entretien réseau », a lunch or a
  call *with a former colleague, a contact, a recruiter…*, a LinkedIn message;
- ``feedback_request`` — « j'ai demandé un retour à … »;
- ``follow_up`` — « j'ai relancé Airbus », « rappelé pour ma candidature »;
- ``test`` — test technique / de personnalité / en ligne, étude de cas, assessment;
- ``interview`` — an interview (« entretien chez Thales », « visio avec la recruteuse »);
- ``training`` — formation, MOOC, cours de…, certification (with a verb saying it was
  done — « j'ai fait / suivi / commencé » —, a date, or as the whole short message: « j'ai
  une formation d'ingénieur » tells a diploma, not a step);
- ``application`` — « j'ai postulé chez … », « envoyé ma candidature », candidature
  spontanée;
- ``other`` — CV or profile updated, an immersion (PMSMP).

Not a step (None): nothing of the above; a negation (« je n'ai pas pu aller au salon »,
« l'atelier a été annulé », « j'ai raté… »); a rejection told with an application or an
interview (« refus de Thales après l'entretien » belongs to the rejection flow).

Day — read by :func:`coach.language.dates.parse_date`, past only (a weekday alone is the
most recent one before today, as everywhere in Rebond). The words that make that reader
skip a date (« entretien de lundi », « postulé le 3 ») are about this very step here, so they
are hidden from it. No date: ``day`` None and ``date_problem`` "missing" (the dialogue asks).
A step still to come (« je vais au salon jeudi », « demain », a date after today): ``day``
None and ``date_problem`` "future". A vague date (« la semaine dernière ») comes with
``approximate`` True.

Organisation — a known one (France Travail — « Pôle emploi » is written as its new name —,
Apec, Mission locale, Cap emploi, Afpa, Cnam, Greta, CCI, OpenClassrooms…), else a
capitalised name after « chez », « à », « auprès de », « avec » (not for networking: « avec
Julie » names a person) or the object of « relancé » / « postulé chez » (there a lowercase
name is kept too, capitalised by :func:`coach.language.writing.company`).

Note — for the kinds that need one (everything but applications, interviews, follow-ups,
tests and feedback requests, whose company and channel say it all): the words from the
step's keyword to the end of its clause, without the date, the organisation and the
channel, capitalised, at most :data:`NOTE_MAX` characters (« Atelier CV », « Formation
Excel », « Café réseau avec une ancienne collègue »).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final, Literal

from coach.language import writing
from coach.language.dates import DateProblem, date_spans, parse_date
from coach.language.fold import MAX_TEXT, MONTH_ALIASES, WEEKDAYS_FR, fold_keep_length, wordset

__all__ = [
    "NOTE_MAX",
    "ExternalActivity",
    "read_external_activity",
]

NOTE_MAX: Final = 120

DateIssue = Literal["missing", "future", "ambiguous", "impossible"]


@dataclass(frozen=True)
class ExternalActivity:
    """A step the person took outside Rebond, as read from one message."""

    kind: str  # a key of coach.activity_report.KINDS
    day: dt.date | None
    note: str | None = None
    organisation: str | None = None
    channel: str | None = None  # a key of coach.activity_report.CHANNEL_LABELS
    position: str | None = None
    approximate: bool = False
    date_problem: DateIssue | None = None
    date_message: str | None = None  # French, ready to show when ``day`` is None


# --------------------------------------------------------------------------- kinds


_NOTE_KINDS: Final = frozenset(
    {"workshop", "job_fair", "appointment", "networking", "training", "other"}
)
# Kinds about one employer: its name may be written in lowercase or after « de ».
_COMPANY_KINDS: Final = frozenset(
    {"follow_up", "application", "feedback_request", "interview", "test"}
)
_ORG_WORDS = (
    r"france\s+travail|pole\s+emploi|apec|mission\s+locale|cap\s+emploi|maison\s+de\s+l\s+emploi"
)
_PEOPLE = (
    r"(?:un|une|mon|ma|mes|des|d|l|le|la|les|deux|trois|plusieurs)?\s*(?:ancien|ancienne|anciens"
    r"|anciennes|ex|contact|contacts|collegue|collegues|connaissance|connaissances|ami|amie|amis"
    r"|alumni|mentor|marraine|parrain|recruteur|recruteuse|recruteurs|manager|responsable"
    r"|dirigeant|dirigeante|professionnel|professionnelle|pro|pros|personne|personnes|salarie"
    r"|salariee|cheffe?|directeur|directrice)\b"
)
_RULES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (kind, re.compile(source))
    for kind, source in (
        (
            "workshop",
            r"\b(?:atelier|ateliers|webinaire|webinaires|webinar|masterclass|information\s+"
            r"collective|info\s+coll|reunion\s+(?:d\s+information|collective|d\s+info)|session\s+"
            r"(?:d\s+information|collective)|job\s+club|club\s+(?:emploi|de\s+recherche))\b",
        ),
        (
            "job_fair",
            r"\b(?:salon|salons|forum|forums)\b(?=[^.;!?\n]{0,30}?\b(?:emploi|emplois|recrutement"
            r"|job|jobs|metiers?|alternance|stages?|entreprises|handicap|orientation|formation"
            r"|apprentissage|etudiant|etudiants|carrieres?|talents?|interim|saisonniers?|embauche)"
            r"\b)|\bjob\s*dating\b|\bspeed\s+recruiting\b|\brecrutement\s+express\b|\bduo\s*day\b"
            r"|\brencontres?\s+(?:employeurs|entreprises|recruteurs)\b|\bsemaine\s+de\s+l\s+emploi\b",
        ),
        (
            "appointment",
            r"\b(?:rdv|rendez\s+vous|entretien|point|rencontre|reunion|echange|appel|entrevue"
            r"|vu|revu|rencontre)\b[^.;!?\n]{0,40}?\b(?:conseill(?:er|ere)|referent|referente"
            rf"|accompagnat(?:eur|rice)|{_ORG_WORDS})\b"
            r"|\bbilan\s+de\s+competences?\b",
        ),
        (
            "networking",
            r"\bcafe\s+reseau\b|\breseautage\b|\bnetworking\b|\bafter\s*work\b|\b(?:evenement"
            r"|soiree|rencontre)\s+reseau\b|\benquetes?\s+metiers?\b|\bentretien\s+(?:reseau"
            r"|informatif|d\s+information|exploratoire|conseil)\b|\b(?:dejeuner|dej|cafe|verre"
            r"|apero|pot|visio|appel|rencontre|vu|revu|echange|discute|parle|contacte|ecrit\s+a)"
            rf"\b[^.;!?\n]{{0,15}}?\b(?:avec|a)\s+{_PEOPLE}"
            r"|\bmessages?\s+(?:sur\s+)?linkedin\b|\b(?:active|relance|sollicite)\s+mon\s+reseau\b"
            r"|\bparrainage\b|\bmentorat\b",
        ),
        (
            "feedback_request",
            r"\b(?:demande|sollicite|redemande)\s+(?:un|des|de|d|mon|son|leur|leurs)?\s*(?:retour"
            r"|retours|feedback|feedbacks|avis|debrief)\b",
        ),
        (
            "follow_up",
            r"\b(?:relance|relancee|relances|relancer|relancees)\b|\b(?:rappele|rappelee"
            r"|recontacte|recontactee|reecrit\s+a)\b[^.;!?\n]{0,30}?\b(?:candidature|suite"
            r"|nouvelles|reponse)\b",
        ),
        (
            "test",
            r"\btests?\s+(?:technique|techniques|de\s+personnalite|psychotechniques?|en\s+ligne"
            r"|de\s+logique|d\s+anglais|de\s+recrutement|ecrit|ecrits|metier|pratique)\b"
            r"|\bassessment\b|\betude\s+de\s+cas\b|\bcas\s+pratiques?\b|\bcodingame\b|\bmise\s+en"
            r"\s+situation\b|\bexercice\s+(?:technique|de\s+recrutement)\b",
        ),
        (
            "interview",
            r"\b(?:entretien|entretiens|entrevue)\b|\b(?:visio|appel|echange)\b[^.;!?\n]{0,20}?"
            r"\b(?:recruteur|recruteuse|rh|drh)\b",
        ),
        (
            "training",
            r"\b(?:formation|formations|mooc|certification|certificat|autoformation|tutoriels?"
            r"|e\s*learning)\b|\bcours\s+(?:d|de|du|en)\b|\bpasse\s+(?:le|mon|la|une|un)\s+"
            r"(?:toeic|toefl|permis|caces|pix|tosa|voltaire)\b",
        ),
        (
            "application",
            r"\b(?:postule|postulee|candidate|candidatee)\b|\bcandidatures?\s+spontanees?\b"
            r"|\bcandidature\s+(?:chez|a|au|aupres|pour)\b"
            r"|\b(?:envoye|envoyee|depose|deposee|transmis|transmise)\s+(?:mon|ma|un|une|des|mes)"
            r"\s+(?:cv|candidature|candidatures|lettre|dossier)\b",
        ),
        (
            "other",
            r"\b(?:mis\s+a\s+jour|mise\s+a\s+jour\s+de|refait|retravaille|actualise|ameliore"
            r"|cree|termine|peaufine)\s+(?:mon|ma|mes|le|la|du)\s+(?:cv|profil|lettre|portfolio"
            r"|pitch)\b|\bimmersion\b|\bpmsmp\b|\bstage\s+d\s+observation\b",
        ),
    )
)

# A verb saying the training took place (else « une formation » may be a diploma).
_DONE_VERB = re.compile(
    r"\b(?:fait|faite|suivi|suivie|suis|commence|commencee|termine|terminee|fini|finie"
    r"|participe|assiste|valide|validee|passe|obtenu|obtenue|inscrit|inscrite|demarre|demarree"
    r"|debute|debutee|repris|reprise|eu|boucle|attaque|continue|poursuivi|poursuis|assiste"
    r"|appris)\b"
)
_NEGATION = re.compile(
    r"\b(?:ai|suis|avons|sommes|etais|avais|a|ont|est)\s+(?:pas|jamais|point)\b|\bpas\s+pu\b"
    r"|\b(?:rate|loupe|loupee|ratee|manque)\s+(?:l|le|la|les|mon|ma)\b|\bannule|\bannulee"
    r"|\breporte\b|\breportee\b|\bpas\s+eu\s+lieu\b|\bsans\s+y\s+aller\b"
)
_REJECTION = re.compile(
    r"\b(?:refus|refuse|refusee|recale|recalee|rejet|rejete|rejetee|pas\s+(?:ete\s+)?retenue?"
    r"|dit\s+non|reponse\s+negative)\b"
)
_FUTURE = re.compile(
    r"\b(?:je\s+vais|j\s+vais|vais|j\s+irai|je\s+serai|je\s+participerai|je\s+dois"
    r"|j\s+aurai|aura\s+lieu|va\s+avoir\s+lieu|demain|apres\s+demain|prochain|prochaine"
    r"|dans\s+\d+\s+jours|bientot|a\s+venir)\b"
)

# --------------------------------------------------------------------------- channel

_CHANNELS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (channel, re.compile(source))
    for channel, source in (
        ("phone", r"\b(?:par|au|en)\s+(?:telephone|tel|tele|phone)\b|\btelephone\b|\bappele\b"),
        ("email", r"\b(?:par|en|via)\s+(?:mail|e\s+mail|email|courriel|mel)\b"),
        ("linkedin", r"\b(?:sur|via|par)\s+linkedin\b|\blinkedin\b"),
        ("letter", r"\bpar\s+courrier\b"),
        ("in_person", r"\b(?:en\s+personne|sur\s+place|en\s+presentiel|presentiel)\b"),
        ("online", r"\b(?:en\s+visio|visio|teams|zoom|google\s+meet|en\s+ligne|a\s+distance)\b"),
        ("spontaneous", r"\bcandidatures?\s+spontanees?\b"),
    )
)

# --------------------------------------------------------------------------- organisation

_KNOWN_ORGS: Final[tuple[tuple[str, str], ...]] = (
    (r"france\s+travail|pole\s+emploi", "France Travail"),
    (r"apec", "Apec"),
    (r"mission\s+locale", "Mission locale"),
    (r"cap\s+emploi", "Cap emploi"),
    (r"maison\s+de\s+l\s+emploi", "Maison de l'emploi"),
    (r"cite\s+des\s+metiers", "Cité des métiers"),
    (r"afpa", "Afpa"),
    (r"cnam", "Cnam"),
    (r"greta", "Greta"),
    (r"cci", "CCI"),
    (r"openclassrooms", "OpenClassrooms"),
    (r"linkedin\s+learning", "LinkedIn Learning"),
    (r"coursera", "Coursera"),
    (r"udemy", "Udemy"),
)
_PREP = (
    r"(?:(?:a\s+la|a\s+l|au|aux|a|chez|de\s+chez|aupres\s+de\s+la|aupres\s+de|aupres\s+du"
    r"|aupres\s+d|avec|organise\s+par|organisee\s+par|par|de\s+la|de\s+l|du|de|d|l|pour)\s+)?"
)
_KNOWN_ORG = re.compile(rf"\b{_PREP}(?P<org>{'|'.join(source for source, _ in _KNOWN_ORGS)})\b")
_ORG_PREP = re.compile(
    r"\b(?:chez|de\s+chez|aupres\s+de|aupres\s+d|aupres\s+du|a|au|aux|avec|pour|organise\s+par"
    r"|organisee\s+par|de|d)\s+$"
)
_OBJECT_AFTER = re.compile(
    r"\b(?:relance|relancee|relances|relancer|postule\s+(?:chez|a|au|aupres\s+de|pour)"
    r"|candidate\s+(?:chez|a|au|aupres\s+de|pour)|candidature\s+(?:chez|a|au|aupres\s+de|pour)"
    r"|(?:retour|retours|feedback|avis)\s+(?:a|au|aupres\s+de|aupres\s+d|de|d)"
    r"|entretien\s+(?:chez|avec|pour|a|au))\s+(?P<art>l\s+|la\s+|le\s+|les\s+)?"
)
# Words that end a name read in lowercase, or never start one.
_NAME_STOP: Final = (
    wordset(
        """
    par au aux a ce cet cette hier aujourd pour via en et avec sur le la les l mon ma mes
    ton ta son sa leur leurs un une des du de d apres avant suite concernant depuis telephone
    tel mail email mails courriel linkedin ce matin soir midi aprem jusqu pendant qui que
    car mais donc puis ensuite pour mon ma candidature poste offre rh drh recruteur
    recruteuse responsable manager personne entreprise societe boite equipe encore deja bien
    je j il elle on nous vous ils elles y
    """
    )
    | frozenset(WEEKDAYS_FR)
    | frozenset(MONTH_ALIASES)
)
# People in a company, never its name.
_ROLES: Final = wordset(
    "rh drh recruteur recruteuse recruteurs manager responsable directeur directrice equipe service"
)
# Capitalised words that still never start a company name (sentence starts, dates).
_NEVER_NAME: Final = (
    wordset(
        """
        je j il elle on nous vous ils elles ce cet cette mon ma mes son sa ses leur leurs un
        une des du de d hier aujourd ca cela
        """
    )
    | frozenset(WEEKDAYS_FR)
    | frozenset(MONTH_ALIASES)
)
_CONNECTORS: Final = frozenset({"de", "des", "du", "d", "&", "et", "la", "le", "l", "of"})
_TOKEN = re.compile(r"[^\s.,;:!?()«»\"/]+")


@dataclass(frozen=True)
class _Found:
    name: str
    start: int  # the span to leave out of the note (preposition included)
    end: int


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def _name_at(
    text: str, folded: str, start: int, limit: int, blocked: list[tuple[int, int]], *, lower: bool
) -> tuple[str, int] | None:
    """A company name starting at ``start``: a capitalised run, or (``lower``) up to three
    lowercase words before a stop word."""
    taken: list[re.Match[str]] = []
    capitalised = False
    for match in _TOKEN.finditer(folded, start, limit):
        gap = text[taken[-1].end() : match.start()] if taken else ""
        if gap.strip() and not (gap in ("'", "’") and taken[-1].group(0) in ("l", "d")):
            break
        if _overlaps(match.start(), match.end(), blocked):
            break
        word = match.group(0)
        original = text[match.start() : match.end()]
        is_cap = original[:1].isupper() or original[:1].isdigit()
        if not taken:
            # « chez l'Oréal »: the elided article belongs to the capitalised name after it.
            after = text[match.end() : match.end() + 2]
            if word == "l" and after[:1] in ("'", "’") and after[1:].isupper():
                is_cap = True
            if word in _ROLES:
                return None  # « la RH de Michelin »: the company comes after « de »
            if is_cap:
                if word in _NEVER_NAME:
                    return None
            elif not lower or word in _NAME_STOP:
                return None
            capitalised = is_cap
        elif capitalised:
            if not is_cap:
                if word in _CONNECTORS:
                    taken.append(match)
                    continue
                break
        elif word in _NAME_STOP or len(taken) >= 3:
            break
        taken.append(match)
        if len(taken) >= 6:
            break
    while taken and taken[-1].group(0) in _CONNECTORS:
        taken.pop()
    if not taken:
        return None
    raw = text[taken[0].start() : taken[-1].end()].strip(" '’-")
    if not raw:
        return None
    return writing.company(raw), taken[-1].end()


def _organisation(
    text: str, folded: str, kind: str, clause: tuple[int, int], blocked: list[tuple[int, int]]
) -> _Found | None:
    """The organisation or company of the step, and where it is written."""
    known = _KNOWN_ORG.search(folded, *clause)
    if known is not None:
        label = next(label for source, label in _KNOWN_ORGS if re.fullmatch(source, known["org"]))
        return _Found(label, known.start(), known.end())
    start, end = clause
    obj = _OBJECT_AFTER.search(folded, start, end)
    if obj is not None and kind in _COMPANY_KINDS:
        at = obj.end()
        article = obj.start("art")
        if article >= 0 and (
            text[article].isupper() or (text[article + 1 : article + 2] in ("'", "’"))
        ):
            at = article  # « chez La Poste », « chez L'Oréal »: the article is the name's
        named = _name_at(text, folded, at, end, blocked, lower=True)
        if named is not None:
            return _Found(named[0], obj.end(), named[1])
    for match in _TOKEN.finditer(folded, start, end):
        before = folded[max(start, match.start() - 25) : match.start()]
        prep = _ORG_PREP.search(before)
        if prep is None or _overlaps(match.start(), match.end(), blocked):
            continue
        if kind == "networking" and not re.search(r"chez|aupres|organise", prep.group(0)):
            continue  # « café avec Julie » names a person
        if kind not in _COMPANY_KINDS and re.fullmatch(r"(?:de|d)\s+", prep.group(0)):
            continue  # « la mairie de Lyon », « la Cité des sciences »: part of the note
        named = _name_at(text, folded, match.start(), end, blocked, lower=False)
        if named is not None:
            prep_start = match.start() - len(before) + prep.start()
            return _Found(named[0], prep_start, named[1])
    return None


# --------------------------------------------------------------------------- day

# Words after which coach.language.dates skips a date as "another event's": here the date
# is this step's, so they are hidden from it (same length, so spans stay in place).
_DATE_BLINDERS = re.compile(
    r"\b(?:postule|postulee|candidate|candidatee|entretien|entretiens|rdv|rendez\s+vous|test"
    r"|tests|visio|reunion|envoye|envoyee|depuis|attends|attend|candidature)\b"
)
_MISSING_MESSAGE: Final = (
    "Quel jour était-ce ? Par exemple « hier », « lundi » ou « le 3 novembre »."
)
_FUTURE_MESSAGE: Final = (
    "Cette démarche n'a pas encore eu lieu : dites-la-moi une fois faite, et je l'ajouterai "
    "à votre journal."
)


def _neutral(text: str, folded: str) -> str:
    chars = list(text)
    for match in _DATE_BLINDERS.finditer(folded):
        chars[match.start() : match.end()] = "x" * (match.end() - match.start())
    return "".join(chars)


def _day(
    text: str, folded: str, today: dt.date
) -> tuple[dt.date | None, bool, DateIssue | None, str | None, list[tuple[int, int]]]:
    neutral = _neutral(text, folded)
    spans = date_spans(neutral, today=today)
    if _FUTURE.search(folded):
        return None, False, "future", _FUTURE_MESSAGE, spans
    parsed = parse_date(neutral, today=today)
    if parsed.ok:
        return parsed.date, parsed.approximate, None, None, spans
    if parsed.error == DateProblem.FUTURE:
        return None, False, "future", _FUTURE_MESSAGE, spans
    if parsed.error == DateProblem.NOT_FOUND:
        return None, False, "missing", _MISSING_MESSAGE, spans
    problem: DateIssue = "impossible" if parsed.error == DateProblem.IMPOSSIBLE else "ambiguous"
    return None, False, problem, parsed.message, spans


# --------------------------------------------------------------------------- note

_CLAUSE_END = re.compile(r"[.;!?\n]|,|\s(?:et\s+(?:j|je|puis|ensuite)|puis|mais|ensuite)\s")
_DANGLING = wordset(
    """
    a au aux chez de du des d avec pour par en le la les l sur et un une mon ma mes ce cet
    cette ou via organise organisee aupres j je
    """
)


def _clause(folded: str, start: int) -> tuple[int, int]:
    end_match = _CLAUSE_END.search(folded, start)
    end = end_match.start() if end_match else len(folded)
    sentence_start = max((m.end() for m in re.finditer(r"[.;!?\n]", folded[:start])), default=0)
    return sentence_start, end


#: Words typed in lowercase that a document writes otherwise (« atelier cv » → « atelier CV »).
_WRITTEN: Final[dict[str, str]] = {
    "cv": "CV",
    "rh": "RH",
    "pme": "PME",
    "apec": "APEC",
    "linkedin": "LinkedIn",
    "excel": "Excel",
    "indeed": "Indeed",
}


def _note(
    text: str, folded: str, start: int, end: int, cut: list[tuple[int, int]], kind: str
) -> str | None:
    if kind == "other":
        return _other_note(folded[start:end])
    chars = [c if not _overlaps(i, i + 1, cut) else " " for i, c in enumerate(text[:end])]
    words = "".join(chars[start:end]).split()
    folded_words = fold_keep_length(" ".join(words)).split()
    while words and folded_words and folded_words[-1].strip("'’") in _DANGLING:
        words.pop()
        folded_words.pop()
    note = " ".join(_WRITTEN.get(word.lower(), word) for word in words).strip(" ,-–—:'’")
    if not note:
        return None
    if len(note) > NOTE_MAX:
        note = note[: NOTE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return note[:1].upper() + note[1:]


_OTHER_OBJECTS: Final[dict[str, str]] = {
    "cv": "du CV",
    "profil": "du profil",
    "lettre": "de la lettre de motivation",
    "portfolio": "du portfolio",
    "pitch": "du pitch",
}


def _other_note(folded: str) -> str:
    if re.search(r"\bimmersion|\bpmsmp\b", folded):
        return "Immersion professionnelle"
    if "stage d observation" in folded:
        return "Stage d'observation"
    obj = re.search(r"\b(cv|profil|lettre|portfolio|pitch)\b", folded)
    what = _OTHER_OBJECTS[obj.group(1)] if obj else "du CV"
    if obj and obj.group(1) == "profil" and "linkedin" in folded:
        what = "du profil LinkedIn"
    return f"Mise à jour {what}"


# --------------------------------------------------------------------------- position

_POSITION = re.compile(r"\b(?:pour\s+le\s+poste\s+(?:de|d)|poste\s+(?:de|d)|en\s+tant\s+que)\s+")


def _position(
    text: str, folded: str, clause: tuple[int, int], blocked: list[tuple[int, int]]
) -> str | None:
    found = _POSITION.search(folded, *clause)
    if found is None:
        return None
    words: list[str] = []
    for match in _TOKEN.finditer(folded, found.end(), clause[1]):
        word = match.group(0)
        if word in ("chez", "a", "au", "aupres", "par", "via", "hier", "ce", "avec", "pour"):
            break
        if _overlaps(match.start(), match.end(), blocked) or len(words) >= 6:
            break
        words.append(text[match.start() : match.end()])
    return " ".join(words) or None


# --------------------------------------------------------------------------- the reader


def read_external_activity(text: str, today: dt.date) -> ExternalActivity | None:
    """The job-search step ``text`` tells, or None (see the module notes for the rules)."""
    text = (text or "")[:MAX_TEXT]
    folded = fold_keep_length(text)
    found = next(
        ((kind, match) for kind, pattern in _RULES if (match := pattern.search(folded))), None
    )
    if found is None:
        return None
    kind, match = found
    if _NEGATION.search(folded):
        return None
    if kind in ("application", "interview", "test") and _REJECTION.search(folded):
        return None
    day, approximate, problem, message, spans = _day(text, folded, today)
    if kind == "training" and not (
        _DONE_VERB.search(folded) or spans or folded.strip().startswith(match.group(0))
    ):
        return None
    clause = _clause(folded, match.start())
    channel = next((name for name, rule in _CHANNELS if rule.search(folded)), None)
    channel_spans = [
        m.span()
        for _, rule in _CHANNELS
        for m in rule.finditer(folded, *clause)
        if not _overlaps(*m.span(), [match.span()])
    ]
    organisation = _organisation(text, folded, kind, clause, spans)
    note = None
    if kind in _NOTE_KINDS:
        cut = spans + channel_spans
        if organisation is not None:
            cut.append((organisation.start, organisation.end))
        note = _note(text, folded, match.start(), clause[1], cut, kind)
    return ExternalActivity(
        kind=kind,
        day=day,
        note=note,
        organisation=organisation.name if organisation else None,
        channel=channel,
        position=_position(text, folded, clause, spans),
        approximate=approximate,
        date_problem=problem,
        date_message=message,
    )
