"""Applications in progress read from French: « j'ai postulé chez Airbus hier », « Airbus m'a
dit non », « entretien jeudi 14h chez airbus ».

Three readers for :mod:`coach.pipeline`, pure and offline; they never invent: what a message
does not say stays ``None`` and the dialogue asks for it (and only for it).

- :func:`read_application` — a message that logs an application: company, position, the day
  it was sent, the channel, a link and a contact.
- :func:`read_stage_news` — news about an application: the company named, the new stage
  (codes of ``coach.pipeline.STAGES``) and, for an interview or a test, when.
- :func:`read_channel` — the channel alone (codes of ``coach.pipeline.CHANNELS``).

Companies
---------
Read after « chez », « auprès de », after the application words (« postulé à / au / aux »,
« candidature envoyée à », « envoyé mon CV à »), after « le site de », « le stand de », after
the news words (« une offre de », « refus d' », « des nouvelles de », « entretien avec »), or
as the subject of the news (« Airbus m'a dit non », « decathlon mont fait une offre »). A
name typed in lowercase is accepted there (SMS style); « pour X » and « dans X » only take a
capitalised name (« pour technicienne » is a position). Articles: « la mairie de Lyon » is
« Mairie de Lyon », « chez la Société Générale » is « Société Générale », but « La Poste »
and « L'Oréal » keep theirs. Names come back as the company writes itself
(:func:`coach.language.writing.company`: « l'oreal » → « L'Oréal »), and a public body or a
place typed in lowercase gets its capital (« mairie de lyon » → « Mairie de Lyon »). Job
boards (Indeed, LinkedIn…) are channels, never the company.

Dates and times
---------------
The day an application was sent is read with :func:`coach.language.dates.parse_date` (never
in the future: « je vais postuler demain » gives ``date_problem``). An interview or a test
ahead is read with :func:`coach.language.times.parse_when` (« jeudi à 14h » is the next
Thursday; a day without an hour gives ``when_day`` and no instant, so the dialogue asks the
hour). One that took place (« entretien passé ce matin », « j'ai eu mon entretien hier ») is
read as a past day. ``dates`` ignores a date right after « postulé » or « entretien de »
(there it reads rejection dates, and those words name another event); here they are the
event, so those words are blanked before reading.

Channels
--------
One code, the most telling when a message names several: fair (« au salon », « forum »,
« job dating ») > agency (« agence d'intérim », « cabinet de recrutement », Adecco, Manpower…)
> network (« par un ami », « réseau », « cooptation », « recommandée par », « via un
contact ») > spontaneous (« candidature spontanée ») > email (« par mail », an e-mail
address) > site (« sur leur site », « en ligne », job boards) > other (« par courrier »,
« en main propre », « par téléphone »).

Decided: **LinkedIn is ``site``** when it is where the offer was answered (« via LinkedIn »,
« candidature simplifiée »): LinkedIn, Indeed, Welcome to the Jungle, HelloWork, APEC or
France Travail are job boards, an online application like one on the company's site; it is
``network`` when a person is named (« via un contact LinkedIn »: the network cue wins). And
**Indeed is ``site``, not ``agency``**: ``agency`` is for an intermediary who presents the
candidate (a recruitment firm, a temp agency).

Nothing here logs what people wrote.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coach.language import writing
from coach.language.dates import DateParse, DateProblem, date_spans, format_date_fr, parse_date
from coach.language.entities import _FIRST_NAMES  # one list of first names for the package
from coach.language.fold import MAX_TEXT, fold_keep_length, words, wordset
from coach.language.times import ParsedWhen, WhenProblem, parse_when

__all__ = [
    "ApplicationFacts",
    "StageNews",
    "at_company",
    "read_application",
    "read_channel",
    "read_stage_news",
]


# --------------------------------------------------------------------------- channels

_JOB_BOARDS: Final = (
    r"indeed|linkedin|linked\s+in|welcome\s+to\s+the\s+jungle|wttj|hellowork|hello\s+work|apec"
    r"|monster|jobteaser|glassdoor|cadremploi|meteojob|regionsjob|jobijoba|france\s+travail"
    r"|pole\s+emploi|leboncoin|le\s+bon\s+coin|studentjob|jooble|keljob|jobboard|job\s+board"
    r"|choisir\s+le\s+service\s+public|place\s+de\s+l\s+emploi\s+public"
)
_PEOPLE: Final = (
    r"(?:ami|amie|amis|amies|pote|potes|copain|copine|connaissance|connaissances|contact"
    r"|contacts|ancien\s+collegue|ancienne\s+collegue|collegue|collegues|cousin|cousine|frere"
    r"|soeur|voisin|voisine|proche|proches|oncle|tante|parrain|marraine|mentor|ex\s+collegue)"
)
_CHANNEL_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (code, re.compile(source))
    for code, source in (
        (
            "fair",
            r"\b(?:salons?|forums?|job\s*datings?|jobdatings?|foire\s+a\s+l\s+emploi|stand"
            r"|rencontres?\s+(?:employeurs?|emploi|recrutement)|speed\s+recruiting"
            r"|journees?\s+portes?\s+ouvertes?)\b",
        ),
        (
            "agency",
            r"\b(?:agences?\s+(?:d\s+)?(?:interim|emploi|de\s+recrutement|de\s+placement)"
            r"|interim\w*|cabinets?\s+(?:de\s+recrutement|rh|de\s+chasse)"
            r"|(?:par|via|avec|chez)\s+(?:un|le|une|l)\s+(?:cabinet|agence)"
            r"|chasseu(?:r|se)s?\s+de\s+tetes?|headhunt\w*|adecco|manpower|randstad|synergie"
            r"|start\s+people|proman|crit|samsic|supplay|michael\s+page|page\s+personnel|hays"
            r"|robert\s+half|expectra|walters\s+people)\b",
        ),
        (
            "network",
            r"\b(?:reseau|(?<!lettre\s)recommandee?|recommandation|cooptation|coopte|cooptee"
            r"|piston\w*|bouche\s+a\s+oreille|par\s+l\s+intermediaire\s+d)\b(?!\s+sociaux)"
            rf"|\b(?:par|via|grace\s+a|biais|aide|intermediaire)\b(?:\s+\w+){{0,3}}?\s+{_PEOPLE}\b"
            rf"|\b(?:un|une|mon|ma|des|mes)\s+{_PEOPLE}\s+(?:m\s+a|ma|m\s+ont|mont|qui)\b",
        ),
        ("spontaneous", r"\b(?:spontanee?s?|candidature\s+libre|sans\s+(?:offre|annonce))\b"),
        (
            "email",
            r"\b(?:par|en|via)\s+(?:e\s*)?(?:mails?|mel|courriel)\b|\bcourriel\b"
            r"|\b(?:envoye|ecrit|envoi)\s+(?:un|d\s+un)\s+(?:e\s*)?mail\b"
            r"|\badresse\s+(?:e\s*)?mail\b|\b(?:e\s*)?mails?\s+(?:a|au|aux|direct\w*)\b",
        ),
        (
            "site",
            r"\b(?:(?:sur|par|via|depuis)\s+(?:leur|le|son|sa|la|les|l)\s+(?:site|plateforme"
            r"|portail|page)"
            r"|site\s+(?:internet|web|carrieres?|emploi|d\s+emploi|de\s+l\s+entreprise|officiel"
            r"|de\s+recrutement)|(?:sur|via|par)\s+(?:le\s+)?site|en\s+ligne|formulaire"
            r"|plateforme|portail|candidature\s+simplifiee|easy\s+apply|annonce"
            rf"|{_JOB_BOARDS})\b",
        ),
        (
            "other",
            r"\b(?:par\s+courrier|par\s+(?:la\s+)?poste|lettre\s+recommandee|en\s+main\s+propre"
            r"|(?:par|au)\s+(?:telephone|tel|tel\.)|de\s+vive\s+voix)\b",
        ),
    )
)
_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL: Final = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]+", re.IGNORECASE)


def read_channel(text: str) -> str | None:
    """The channel a message names (see the module notes for the order), else None."""
    folded = words(text)
    found = [code for code, pattern in _CHANNEL_PATTERNS if pattern.search(folded)]
    if _EMAIL.search((text or "")[:MAX_TEXT]):
        found.append("email")
    if not found:
        return None
    order = [code for code, _pattern in _CHANNEL_PATTERNS]
    return min(found, key=order.index)


# --------------------------------------------------------------------------- text and tokens


_WORD: Final = re.compile(r"[a-z0-9&]+")


@dataclass(frozen=True)
class _Tok:
    word: str  # folded
    start: int
    end: int


@dataclass(frozen=True)
class _Text:
    """The message as written and folded (same length), with the spans names cannot cross:
    dates, clock times, links and e-mail addresses."""

    original: str
    folded: str
    blocked: tuple[tuple[int, int], ...]

    def tokens(self, start: int = 0, end: int | None = None) -> list[_Tok]:
        stop = len(self.folded) if end is None else end
        return [
            _Tok(m.group(0), m.start(), m.end()) for m in _WORD.finditer(self.folded, start, stop)
        ]

    def is_blocked(self, tok: _Tok) -> bool:
        return any(a <= tok.start < b for a, b in self.blocked)

    def capitalised(self, tok: _Tok) -> bool:
        first = self.original[tok.start : tok.start + 1]
        return first.isupper() or first.isdigit()

    def joined(self, a: int, b: int) -> bool:
        """Only spaces (or what folding turned into spaces: ' and -) between a and b."""
        return self.folded[a:b].strip() == ""

    def cut(self, first: _Tok, last: _Tok) -> str:
        return " ".join(self.original[first.start : last.end].split())


# Words blanked before reading a date: they name the event being dated (see the notes).
_EVENT_WORDS: Final = re.compile(
    r"\b(?:postul\w*|candidat\w*|envoye\w*|depose\w*|entretien\w*|entrevue|rdv|rendez\s+vous"
    r"|tests?|visio\w*|reunion|oral)\b"
)
_CLOCK: Final = re.compile(r"\b\d{1,2}\s*(?:h|:)\s*\d{0,2}\b|\b\d{1,2}\s*heures?\b")


def _masked(text: str, folded: str) -> str:
    """``text`` with the event words blanked (same length)."""
    chars = list(text)
    for match in _EVENT_WORDS.finditer(folded):
        for i in range(match.start(), match.end()):
            chars[i] = " "
    return "".join(chars)


def _prepare(text: str, today: dt.date) -> tuple[_Text, str]:
    text = (text or "")[:MAX_TEXT]
    folded = fold_keep_length(text)
    masked = _masked(text, folded)
    blocked = [*date_spans(masked, today=today)]
    blocked += [m.span() for m in _CLOCK.finditer(folded)]
    blocked += [m.span() for m in _URL.finditer(text)]
    blocked += [m.span() for m in _EMAIL.finditer(text)]
    return _Text(text, folded, tuple(blocked)), masked


# --------------------------------------------------------------------------- names

# Words that end a company name (folded).
_NAME_STOP: Final = wordset(
    """
    pour pr poste comme en hier aujourd auj ajd demain ce cet cette ces via par sur a au aux
    avec dans depuis et mais car donc qui que qu j je jai g il ils elle elles on nous vous tu
    m me ma mon mes ne n pas ont ai as est etait sont suis lundi mardi mercredi jeudi vendredi
    samedi dimanche matin soir midi aprem semaine mois il y ya entretien entretiens entretient
    rdv visio test tests offre offres refus reponse candidature candidatures cv mail email
    stage cdi cdd alternance interim job mission contrat apres avant lors pendant suite si
    quand enfin aussi deja encore bien tres super top trop chez aupres lien contact vient
    viennent hyper vraiment ca cela c lettre dossier annonce site stand salon forum spontanee
    spontane dit fait propose rappele appele ecrit repondu envoye convoque contacte pris
    retenu donne choisi depose transmis parti partie partis envoyee deposee faite transmise
    embauche
    """
)
# Small words allowed inside a name when a real word follows: « Caisse d'Épargne »,
# « mairie de Lyon », « Procter & Gamble ».
_CONNECTORS: Final = wordset("de du des d la le les l &")
_ARTICLES: Final = wordset("la le les")
# Names whose article belongs to them (folded, without the article's apostrophe).
_ARTICLE_NAMES: Final = (
    "la poste",
    "la banque postale",
    "la redoute",
    "le bon coin",
    "la halle",
    "le bon marche",
    "la croix rouge",
    "la francaise des jeux",
    "la mutuelle generale",
)
# After « l' », a common noun: the article is dropped (« à l'hôpital Necker »).
_COMMON_AFTER_L: Final = wordset(
    """
    entreprise agence hopital universite ecole usine association institut office etablissement
    hotel aeroport observatoire opera assemblee equipe offre annonce un une autre atelier
    ehpad imprimerie epicerie organisme administration armee etat
    """
)
# A whole name that is no company: pronouns, roles, fillers, descriptions.
_NOT_COMPANY: Final = wordset(
    """
    eux elle elles lui moi toi nous vous ils il on ca cela ce c rh drh recruteur recruteuse
    recruteurs manager manageuse responsable directeur directrice chef cheffe jury equipe
    entreprise boite societe employeur client clients personne oui non ok merci bonjour
    salut poste job offre annonce candidature entretien test
    """
) | frozenset(
    {"indeed", "linkedin", "apec", "hellowork", "monster", "jobteaser", "glassdoor", "wttj"}
)
# Roles: « la RH de Decathlon » names Decathlon.
_ROLES: Final = wordset(
    """
    rh drh recruteur recruteuse recruteurs manager manageuse responsable directeur directrice
    chef cheffe equipe service jury dirigeant dirigeante patron patronne fondateur fondatrice
    """
)
# First words of a description rather than a name (« une startup de la fintech »).
_DESCRIPTION: Final = wordset(
    "un une des mon ma mes notre nos votre vos leur leurs son sa ses ce cet cette autre"
)
# Public bodies and places typed in lowercase get a capital (« Mairie de Lyon »).
_INSTITUTIONS: Final = wordset(
    """
    mairie ville region departement conseil hopital centre clinique universite ecole college
    lycee institut prefecture commune communaute metropole agglomeration chambre caisse
    banque association fondation ministere musee office groupe hotel restaurant boulangerie
    pharmacie creche theatre bibliotheque mediatheque laboratoire labo ehpad cabinet agence
    """
)


def _company_name(raw: str) -> str:
    name = writing.company(raw)
    if name[:1].islower() and words(name).split()[0] in _INSTITUTIONS:
        name = name[:1].upper() + name[1:]
    return name


def _name_after(t: _Text, pos: int, *, capital_only: bool = False) -> str | None:
    """The company name starting at ``pos`` (see the module notes), or None."""
    toks = t.tokens(pos)
    if not toks or not t.joined(pos, toks[0].start):
        return None
    first = toks[0]
    rest = " ".join(tok.word for tok in toks[:5])
    if first.word in _ARTICLES and len(toks) > 1:
        for name in _ARTICLE_NAMES:
            size = len(name.split())
            if rest.startswith(name) and (len(toks) == size or toks[size].word in _NAME_STOP):
                return _company_name(t.cut(toks[0], toks[size - 1]))
        if not (t.capitalised(first) and t.capitalised(toks[1]) and not capital_only):
            toks = toks[1:]
    elif first.word == "l" and len(toks) > 1 and toks[1].word in _COMMON_AFTER_L:
        toks = toks[1:]
    if not toks or toks[0].word in _DESCRIPTION or toks[0].word in _NAME_STOP:
        return None
    if toks[0].word in _ROLES:
        # « avec la RH de Decathlon »: the company comes after the role, if at all.
        for index, tok in enumerate(toks[1:3], 1):
            joined = t.joined(toks[index - 1].end, tok.start)
            if joined and tok.word in ("de", "du", "d", "des", "chez"):
                return _name_after(t, tok.end, capital_only=capital_only)
        return None
    if t.is_blocked(toks[0]) or (capital_only and not t.capitalised(toks[0])):
        return None
    starts_capitalised = t.capitalised(toks[0]) or toks[0].word == "l"
    taken: list[_Tok] = []
    previous_end = toks[0].start
    for index, tok in enumerate(toks):
        if not t.joined(previous_end, tok.start) or t.is_blocked(tok) or len(taken) >= 6:
            break
        if taken and tok.word in _CONNECTORS:
            following = toks[index + 1] if index + 1 < len(toks) else None
            if (
                following is None
                or following.word in _NAME_STOP
                or following.word in _CONNECTORS
                or t.is_blocked(following)
                or not t.joined(tok.end, following.start)
            ):
                break
            taken.append(tok)
            previous_end = tok.end
            continue
        if tok.word in _NAME_STOP and not (not taken and tok.word == "l"):
            break
        # « chez Airbus technicienne qualité »: a capitalised name ends at a lowercase word
        # (but « Mairie de lyon », typed half-way, continues after a connector).
        if (
            taken
            and starts_capitalised
            and not t.capitalised(tok)
            and taken[-1].word != "l"
            and taken[-1].word not in _CONNECTORS
        ):
            break
        if not starts_capitalised and len([x for x in taken if x.word not in _CONNECTORS]) >= 4:
            break
        taken.append(tok)
        previous_end = tok.end
    while taken and taken[-1].word in _CONNECTORS:
        taken.pop()
    if not taken:
        return None
    raw = t.cut(taken[0], taken[-1])
    key = words(raw)
    if key in _NOT_COMPANY or not re.search(r"[a-z]", key):
        return None
    if key in _FIRST_NAMES:
        return None
    return _company_name(raw)


# Words that may open a sentence before its subject: « bon bah airbus m'a dit non ».
_OPENERS: Final = wordset(
    """
    bon bah ben bref et encore voila donc alors du coup ah oh eh pff ouais enfin sinon
    finalement aujourd hui hier ce matin soir helas malheureusement re bonjour salut coucou
    super genial youpi yes trop bien cool top ca y est bonne nouvelle mauvaise nouvelle
    devinez quoi oui non sniff snif
    """
)


def _subject_before(t: _Text, end: int) -> str | None:
    """The company named right before a verb (« Airbus m'a dit non »), when only openers
    come before it in its clause."""
    toks = t.tokens(0, end)
    run: list[_Tok] = []
    next_start = end
    for tok in reversed(toks):
        if not t.joined(tok.end, next_start) or t.is_blocked(tok):
            break
        ends = tok.word in _NAME_STOP or tok.word in _OPENERS or len(run) >= 4
        if ends and not (tok.word in _CONNECTORS and run):
            break
        run.insert(0, tok)
        next_start = tok.start
    while run and run[0].word in _CONNECTORS and run[0].word != "l":
        run.pop(0)
    if not run:
        return None
    clause = max(
        (m.end() for m in re.finditer(r"[.,;:!?\n()]", t.folded[: run[0].start])), default=0
    )
    before = [tok for tok in toks if clause <= tok.start and tok.end <= run[0].start]
    if any(tok.word not in _OPENERS and not t.is_blocked(tok) for tok in before):
        return None
    raw = t.cut(run[0], run[-1])
    key = words(raw)
    if key in _NOT_COMPANY or key in _FIRST_NAMES or key.split()[0] in _DESCRIPTION:
        return None
    if not re.search(r"[a-z]", key):
        return None
    return _company_name(raw)


# --------------------------------------------------------------------------- positions

_POSITION_STOP: Final = wordset(
    """
    chez aupres a au aux pour pr par via sur dans avec depuis hier aujourd auj ajd demain et
    mais car ce cet cette qui que qu j je jai il ils on lien contact ou puis alors donc
    lundi mardi mercredi jeudi vendredi samedi dimanche il y ya ca c est etait vient
    """
)
_POSITION_INNER: Final = wordset("de d du des la le les l en")
_CONTRACT_WORDS: Final = wordset(
    "cdi cdd stage alternance apprentissage interim freelance mission job emploi contrat poste"
)
_NOT_POSITION: Final = wordset(
    """
    un une le la les moi toi lui eux elle nous vous mon ma mes son sa ses leur leurs ce cette
    ca cela rien tout quelque autre autres la-bas plus moins
    """
)


def _position_after(t: _Text, pos: int) -> str | None:
    toks = t.tokens(pos)
    if not toks or not t.joined(pos, toks[0].start):
        return None
    taken: list[_Tok] = []
    previous_end = toks[0].start
    for index, tok in enumerate(toks):
        if not t.joined(previous_end, tok.start) or t.is_blocked(tok) or len(taken) >= 8:
            break
        following = toks[index + 1].word if index + 1 < len(toks) else ""
        if taken and tok.word in _POSITION_INNER:
            if tok.word == "en" and (
                following in _CONTRACT_WORDS or following in ("ce", "cette", "tant", "ligne")
            ):
                break
            taken.append(tok)
            previous_end = tok.end
            continue
        if tok.word in _POSITION_STOP or tok.word in _POSITION_INNER:
            break
        taken.append(tok)
        previous_end = tok.end
    while taken and taken[-1].word in _POSITION_INNER:
        taken.pop()
    if not taken:
        return None
    position = t.cut(taken[0], taken[-1]).strip(" .,;:!?-'’")
    key = words(position)
    if not key or key.split()[0] in _NOT_POSITION:
        return None
    if all(word in _CONTRACT_WORDS or word in _POSITION_INNER for word in key.split()):
        return None  # « une mission d'intérim », « un CDD »: a kind of contract, not a job
    if re.match(
        r"\d|fin\s+d\s+etudes\b|(?:une|un|deux|trois|quatre|six)\s+(?:mois|semaines|ans)\b", key
    ):
        return None
    return position


_POSITION_TRIGGERS: Final = (
    re.compile(r"\bpostes?\s*(?:de|d|du|des|:)\s+"),
    re.compile(
        r"\b(?:cdi|cdd|stage|alternance|apprentissage|job|emploi|mission|contrat|freelance)"
        r"\s+(?:de|d|du|en\s+tant\s+qu|en\s+tant\s+que|comme)\s+"
    ),
    re.compile(r"\b(?:en\s+tant\s+que|en\s+tant\s+qu|comme|pour\s+etre|pour\s+devenir)\s+"),
    re.compile(
        r"\b(?:postul\w*|candidat\w*|candidature)(?:\s+\w+){0,2}?\s+(?:pour|pr)\s+"
        r"(?:(?:le|un|une)\s+)?"
    ),
)


def _position(t: _Text, company: str | None) -> str | None:
    for pattern in _POSITION_TRIGGERS:
        for match in pattern.finditer(t.folded):
            found = _position_after(t, match.end())
            if found is None:
                continue
            if company is not None and words(found) == words(company):
                continue
            if (
                pattern is _POSITION_TRIGGERS[-1]
                and t.original[match.end() : match.end() + 1].isupper()
            ):
                continue  # « postulé pour Airbus »: the company, read elsewhere
            return found
    return None


# --------------------------------------------------------------------------- contacts

_CONTACT_AFTER: Final = re.compile(
    r"\b(?:contact|interlocut\w*|recrut\w*|rh|drh|manager|charge\w*\s+de\s+recrutement"
    r"|recommandee?\s+par|par\s+l\s+intermediaire\s+de|par\s+l\s+intermediaire\s+d"
    r"|grace\s+a)(?:\s*(?::|=)\s*|\s+(?:est|c\s+est|s\s+appelle|s\s+appel)\s+|\s+)"
)


def _contact(t: _Text) -> str | None:
    email = _EMAIL.search(t.original)
    if email is not None:
        return email.group(0)
    for match in _CONTACT_AFTER.finditer(t.folded):
        explicit = (
            ":" in t.folded[match.start() : match.end()]
            or "=" in t.folded[match.start() : match.end()]
        )
        toks = t.tokens(match.end())
        taken: list[_Tok] = []
        previous_end = match.end()
        for tok in toks:
            if not t.joined(previous_end, tok.start) or t.is_blocked(tok) or len(taken) >= 3:
                break
            if not explicit and not t.capitalised(tok) and tok.word not in ("de", "le", "la"):
                break
            if tok.word in _NAME_STOP and tok.word not in ("de", "le", "la"):
                break
            taken.append(tok)
            previous_end = tok.end
        while taken and taken[-1].word in ("de", "le", "la"):
            taken.pop()
        if not taken or taken[0].word in _DESCRIPTION | _ARTICLES:
            continue
        parsed = writing.parse_person(t.cut(taken[0], taken[-1]))
        if parsed is not None:
            return writing.person(t.cut(taken[0], taken[-1]))
    return None


# --------------------------------------------------------------------------- applications


@dataclass(frozen=True)
class ApplicationFacts:
    """What one message says about an application sent; unknown stays ``None``."""

    company: str | None = None
    position: str | None = None
    applied_on: dt.date | None = None
    channel: str | None = None
    link: str | None = None
    contact: str | None = None
    #: A date was written but cannot be the day it was sent (future, impossible, ambiguous).
    date_problem: DateParse | None = None


_APPLICATION_COMPANY: Final = (
    (re.compile(r"\b(?:chez|de\s+chez|aupres\s+de|aupres\s+d|aupres\s+du)\s+"), False),
    (
        re.compile(
            r"\b(?:postul\w*|candidat\w*|candidatures?|cv|dossier|envoye\w*|depose\w*|transmis"
            r"|repondu)(?:\s+(?:spontanee?|envoyee?|deposee?|faite?|transmise?|partie?|ma|mon"
            r"|une|un|candidature|cv|dossier|par|en|via|mail|e|email|ligne|courrier|aussi"
            r"|hier|ce|matin))*\s+(?:a|au|aux)\s+"
        ),
        False,
    ),
    (
        re.compile(
            r"\b(?:postul\w*|candidat\w*|candidatures?|cv|envoye\w*)(?:\s+(?:spontanee?"
            r"|envoyee?|ma|mon|une|un|candidature|cv))*\s+(?:pour|pr|dans)\s+"
        ),
        True,
    ),
    (
        re.compile(
            r"\b(?:site|stand|page\s+carrieres?|portail)\s+(?:de\s+chez|de\s+la|de|d|du|des)\s+"
        ),
        False,
    ),
    (re.compile(r"\bstand\s+"), True),
    (
        re.compile(
            r"\b(?:offre|annonce)(?:\s+(?:d\s+emploi|de\s+stage|d\s+alternance))?\s+"
            r"(?:de\s+chez|de\s+la|de|d|du|des)\s+"
        ),
        True,
    ),
    (re.compile(r"\bcandidature\s+"), True),
    # Last resorts, capitalised names only: « au poste de comptable à la Caisse d'Épargne »,
    # « via un cabinet pour Thales ».
    (re.compile(r"\b(?:a|au|aux|pour|pr)\s+"), True),
)


def _future_question(parsed: DateParse, today: dt.date) -> str:
    """The dates module words its question for a rejection; this one is about sending."""
    if parsed.candidates:
        return (
            f"Cette date est encore à venir. Vouliez-vous dire le "
            f"{format_date_fr(parsed.candidates[0])} ? Sinon, indiquez-moi le jour où vous "
            "avez envoyé votre candidature."
        )
    return (
        "Cette date n'est pas encore passée : quel jour avez-vous envoyé votre candidature ? "
        "Par exemple « hier », « lundi dernier » ou « aujourd'hui »."
    )


def read_application(text: str, *, today: dt.date) -> ApplicationFacts:
    """Company, position, day sent, channel, link and contact from one message."""
    t, masked = _prepare(text, today)
    company: str | None = None
    for pattern, capital_only in _APPLICATION_COMPANY:
        for match in pattern.finditer(t.folded):
            company = _name_after(t, match.end(), capital_only=capital_only)
            if company:
                break
        if company:
            break
    applied_on: dt.date | None = None
    problem: DateParse | None = None
    parsed = parse_date(masked, today=today, past_only=True)
    if parsed.ok:
        applied_on = parsed.date
    elif parsed.error is DateProblem.FUTURE:
        problem = replace(parsed, message=_future_question(parsed, today))
    elif parsed.error is not DateProblem.NOT_FOUND:
        problem = parsed
    link = _URL.search(t.original)
    return ApplicationFacts(
        company=company,
        position=_position(t, company),
        applied_on=applied_on,
        channel=read_channel(t.original),
        link=link.group(0).rstrip(".,;:!?)»") if link else None,
        contact=_contact(t),
        date_problem=problem,
    )


# --------------------------------------------------------------------------- stage news


@dataclass(frozen=True)
class StageNews:
    """What one message says happened to an application.

    ``stage`` is a code of ``coach.pipeline.STAGES`` (None when the message names none);
    ``when_at`` the interview or test instant (aware, UTC) when a day *and* an hour were
    given; ``when_day`` its local day (also for a day without an hour, and for one that took
    place: « entretien passé hier »).
    """

    company: str | None = None
    position: str | None = None
    stage: str | None = None
    when_at: dt.datetime | None = None
    when_day: dt.date | None = None


_WITHDRAWN: Final = re.compile(
    r"\b(?:retire\w*\s+(?:ma|mon)\s+(?:candidature|dossier)|(?:me|m)\s+suis\s+desist\w*"
    r"|je\s+me\s+desiste|(?:j\s+ai|jai|g)\s+(?:refuse|decline|renonce|abandonne|annule)\b"
    r"|je\s+(?:refuse|decline|renonce|laisse\s+tomber)\s+(?:l|leur|son|la|cette|le|ce|a)\b"
    r"|(?:plus|pas)\s+interessee?\b)"
)
_REJECTED: Final = re.compile(
    r"\b(?:dit\s+non|c\s+est\s+non|refus|refuse\w*|recale\w*|rejet\w*|ecarte\w*|negati\w*"
    r"|pas\s+(?:ete\s+)?(?:retenue?s?|prise?s?|gardee?s?|selectionnee?s?|choisie?s?)"
    r"|ne\s+m\s+(?:a|ont)\s+pas\s+(?:retenue?|prise?|gardee?|choisie?|selectionnee?)"
    r"|pas\s+donne\s+suite|autre\s+(?:candidat|candidate|profil)|veste|non\s+retenue?"
    r"|(?:retire|annule)\w*\s+(?:leur|l|son|la|mon)\s+(?:offre|proposition)"
    r"|offre\s+(?:retiree|annulee))\b"
)
_OFFER: Final = re.compile(
    r"\b(?:(?:recu|eu|obtenu|decroche|fait|propose|envoye|fais|j\s+ai|jai|g|a)\s+"
    r"(?:une|l|leur|son|la|un|sa)\s+(?:offre|proposition|promesse)"
    r"|promesse\s+d\s+embauche|proposition\s+d\s+embauche|offre\s+(?:d\s+embauche|ferme"
    r"|de\s+contrat|ecrite|orale)"
    r"|(?:je\s+suis|j\s+ai\s+ete|suis|jsuis|chui|j\s+suis)\s+(?:prise?|retenue?|embauchee?"
    r"|recrutee?|engagee?)"
    r"|(?:ils|elle|il|on)\s+(?:me|m)\s+(?:prend|prennent|embauche\w*|recrute\w*|veulent)"
    r"|(?:j\s+ai|jai|decroche)\s+le\s+poste)\b"
)
_NO_ANSWER: Final = re.compile(
    r"\b(?:(?:pas|aucune?|toujours\s+pas|jamais)\s+(?:de\s+|d\s+)?(?:reponse|nouvelles?"
    r"|retour)s?|sans\s+(?:reponse|nouvelles?)|silence\s+radio|ghost\w*|sans\s+suite)\b"
)
_TEST: Final = re.compile(
    r"\b(?:tests?|exercices?|cas\s+pratiques?|etude\s+de\s+cas|case\s+study|assessment"
    r"|codingame|coding\s+game|devoir\s+(?:a\s+la\s+)?maison|mise\s+en\s+situation"
    r"|epreuves?|questionnaires?)\b"
)
_INTERVIEW: Final = re.compile(
    r"\b(?:entretiens?|entretient|entrevue|rdv|rendez\s+vous|visio|convoque\w*|convocation"
    r"|jury|oral|call\s+(?:avec|rh)|appel\s+(?:avec\s+)?(?:la\s+|le\s+)?(?:rh|manager"
    r"|recrut\w*))\b"
)
_EVENT: Final = (
    r"(?:entretiens?|entretient|entrevue|rdv|rendez\s+vous|tests?|visio|oral|exercice|epreuve"
    r"|cas\s+pratique|etude\s+de\s+cas)"
)
# The interview or test has taken place.
_HELD: Final = re.compile(
    r"\b(?:(?:j\s+ai|jai|g|on\s+a)\s+(?:bien\s+)?(?:eu|passe|fait|termine|fini|rendu)\s+"
    rf"(?:(?:mon|ma|mes|l|un|une|le|la|cet|ce|son|leur|notre)\s+)?(?:\w+\s+)?{_EVENT}"
    rf"|{_EVENT}\s+(?:(?!se\b)\w+\s+)?(?:passee?s?|terminee?s?|finie?s?|faite?s?|rendue?s?)"
    r"|s\s+est\s+(?:\w+\s+)?(?:bien\s+|mal\s+)?passee?"
    r"|(?:sors|sortie?|sorti)\s+(?:de|d|du)\b|viens\s+de\s+(?:passer|faire|finir|terminer"
    r"|sortir|rendre)|c\s+etait\b)"
)
_NEWS_VERB: Final = re.compile(
    r"\s+(?:ne\s+m\s+(?:a|ont)\s+pas|n\s+a\s+pas|n\s+ont\s+pas|ne\s+me|m\s+(?:a|ont)|ma|mont"
    r"|me|m|a|ont|vient\s+de\s+(?:me\s+|m\s+)?|viennent\s+de\s+(?:me\s+|m\s+)?)\s*"
    r"(?:dit|refuse\w*|recale\w*|rappele\w*|appele\w*|ecrit|repondu|propose\w*|fait|envoye\w*"
    r"|convoque\w*|contacte\w*|recontacte\w*|retenu\w*|pris\w*|donne|choisi\w*|prend\w*"
    r"|rappeler|appeler|ecrire|repondre|proposer|refuser|recaler|relance\w*|offert|offre)\b"
)
_NEWS_COMPANY: Final = (
    (re.compile(r"\b(?:chez|de\s+chez|aupres\s+de|aupres\s+d|aupres\s+du)\s+"), False),
    (
        re.compile(
            r"\b(?:offre|proposition|promesse\s+d\s+embauche|refus|reponses?|nouvelles|mail"
            r"|email|appel|coup\s+de\s+fil|convocation|retour|message|courrier|lettre|non)"
            r"(?:\s+(?:negative|positive|officielle|d\s+embauche|ferme|orale|ecrite|de\s+refus"
            r"|d\s+emploi))?\s+(?:de\s+la\s+part\s+de|de\s+la\s+part\s+d|de|d|du|des)\s+"
        ),
        False,
    ),
    (re.compile(r"\bavec\s+"), False),
    (re.compile(r"\b(?:pour|pr)\s+"), True),
    (
        re.compile(
            rf"\b{_EVENT}(?:\s+(?:technique|telephonique|en\s+ligne|visio|final))?\s+"
            r"(?:(?:de\s+chez|de|d|du)\s+)?"
        ),
        True,
    ),
)


def _news_company(t: _Text) -> str | None:
    for pattern, capital_only in _NEWS_COMPANY[:2]:
        for match in pattern.finditer(t.folded):
            found = _name_after(t, match.end(), capital_only=capital_only)
            if found:
                return found
    for match in _NEWS_VERB.finditer(t.folded):
        found = _subject_before(t, match.start())
        if found:
            return found
    for pattern, capital_only in _NEWS_COMPANY[2:]:
        for match in pattern.finditer(t.folded):
            found = _name_after(t, match.end(), capital_only=capital_only)
            if found:
                return found
    return None


def _news_stage(folded_words: str) -> str | None:
    if _WITHDRAWN.search(folded_words):
        return "withdrawn"
    if _REJECTED.search(folded_words):
        return "rejected"
    if _OFFER.search(folded_words):
        return "offer"
    if _INTERVIEW.search(folded_words):
        return "interview"
    if _TEST.search(folded_words):
        return "test"
    if _NO_ANSWER.search(folded_words):
        return "no_answer"
    return None


def read_stage_news(
    text: str, *, now: dt.datetime, tz: str | dt.tzinfo = "Europe/Paris"
) -> StageNews:
    """The company, the new stage and, for an interview or a test, when (``now`` aware).

    An interview ahead is ``interview``; one that took place (« entretien passé », « j'ai eu
    mon entretien hier », or a day in the past) is ``interviewed``. A test stays ``test``
    either way (its day tells which). « j'ai refusé l'offre » is ``withdrawn`` (the person
    said no), « toujours pas de nouvelles » is ``no_answer`` (the dialogue asks whether to
    close it or to follow up).
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    today = now.astimezone(_zone(tz)).date()
    t, masked = _prepare(text, today)
    folded_words = words(t.original)
    stage = _news_stage(folded_words)
    company = _news_company(t)
    position = _position(t, company)
    when_at: dt.datetime | None = None
    when_day: dt.date | None = None
    if stage in ("interview", "test"):
        held = _HELD.search(folded_words) is not None
        ahead = None if held else parse_when(masked, now=now, tz=tz)
        if isinstance(ahead, ParsedWhen):
            when_day = ahead.local.date()
            when_at = ahead.due if ahead.time_given else None
        elif held or (ahead is not None and ahead.problem is WhenProblem.PAST):
            past = parse_date(masked, today=today, past_only=True)
            if past.ok:
                when_day = past.date
                held = True
        if held and stage == "interview":
            stage = "interviewed"
    return StageNews(
        company=company, position=position, stage=stage, when_at=when_at, when_day=when_day
    )


def _zone(tz: str | dt.tzinfo) -> dt.tzinfo:
    if isinstance(tz, dt.tzinfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Paris")


_PUBLIC_PLACES: Final = {"mairie": "à la", "ville": "à la", "region": "à la", "prefecture": "à la"}


def at_company(name: str) -> str:
    """« chez Airbus », « à la mairie de Lyon » (a public employer is not « chez »)."""
    name = " ".join(name.split())
    first = words(name).split()[:1]
    article = _PUBLIC_PLACES.get(first[0]) if first else None
    if article is not None and len(name.split()) > 1:
        return f"{article} {name[:1].lower()}{name[1:]}"
    return f"chez {name}"
