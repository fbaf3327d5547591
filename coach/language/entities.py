"""Facts read from what people write about a rejection: company, position, contract, stage.

:func:`extract_rejection_facts` reads the first message (« refus de Capgemini pour le CDI de
data analyst reçu hier ») and never invents: anything it is not sure of stays ``None`` and the
form asks for it. :func:`detect_stage` reads how far the process went; :func:`detect_formal`
whether the rejection was official.

Stages — :data:`STAGES`, ordered by how far the process went:
``candidature`` (turned down on the application, no interview), ``premier_entretien`` (first
interview or phone/HR screening), ``test`` (test, case study, assessment, exercise),
``entretiens_suivants`` (second, third or final interview, "finaliste"), ``offre`` (after an
offer, a hiring promise or a reference check). When a message names several, the furthest
wins. A bare "entretien" does not say which one: extraction leaves the stage unknown and the
stage validator asks "premier ou suivant ?".

Company — read after "chez", after "refus / mail / réponse… de" (capitalised names only), or
before "m'a dit non", "ne m'a pas retenu"… (capitalised, not a pronoun, a role or a common
first name). Position — after "poste de", "le CDI / stage / alternance de", "en tant que".
Both keep the user's spelling and stop at dates, punctuation and linking words. A date about
the interview or the application is not the rejection's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from coach.language.dates import DateParse, date_spans, parse_rejection_date
from coach.language.fold import MAX_TEXT, MONTH_ALIASES, WEEKDAYS_FR, fold_keep_length, wordset
from coach.language.fold import words as _words

__all__ = [
    "CONTRACTS",
    "STAGES",
    "RejectionFacts",
    "detect_formal",
    "detect_stage",
    "extract_rejection_facts",
    "mentions_hiring_manager",
]

STAGES: Final[tuple[str, ...]] = (
    "candidature",
    "premier_entretien",
    "test",
    "entretiens_suivants",
    "offre",
)
#: Contract types picked up from the first message ("le CDI de data analyst").
CONTRACTS: Final[tuple[str, ...]] = ("CDI", "CDD", "stage", "alternance", "intérim", "freelance")

_fold1 = fold_keep_length

# --------------------------------------------------------------------------- stage detection

# How many times the person met the company, counted in words: "on s'est vus en visio 2 fois".
_MET = (
    r"\b(?:vus?|vues?|rencontres?|rencontrees?|parle|echange|eu\s+(?:un\s+)?(?:entretien|rdv"
    r"|echange|visio)s?|passe\s+(?:un\s+)?entretiens?|fait\s+(?:un\s+)?entretiens?)\b"
    r"[^.;!?]{0,30}?"
)
_MET_SEVERAL_TIMES = _MET + r"\b(?:[2-9]|deux|trois|quatre|cinq|plusieurs)\s+fois\b"
_MET_ONCE = _MET + r"\b(?:qu\s+)?(?:une|1)\s+(?:seule\s+)?fois\b"

_STAGE_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (stage, re.compile(source))
    for stage, source in (
        (
            "offre",
            r"\bpromesse\s+d\s+embauche|\boffres?\s+(?:m\s+a\s+ete\s+|a\s+ete\s+|finalement\s+)?"
            r"(?:retiree|annulee|orale|ecrite|ferme)|\b(?:retire|annule|retracte)\s+(?:l|leur|son|"
            r"mon|la)\s+(?:offre|proposition)|\bapres\s+(?:l|une|leur|son|mon)\s+(?:offre|"
            r"proposition)\b|\b(?:prise|verification|controle|check|appel)\s+(?:de|des)\s+"
            r"references\b|\breferences\b|\bproposition\s+(?:d\s+embauche|de\s+poste|de\s+contrat"
            r"|ferme|orale|ecrite|salariale)|\b(?:recu|eu|obtenu)\s+(?:une|l|leur)\s+(?:offre|"
            r"proposition)\b|\bnegociation\s+(?:du\s+|de\s+)?(?:salaire|salariale)|\bnegociation"
            r"\s+salariale|\bcontrat\s+pret\s+a\s+signer",
        ),
        (
            "entretiens_suivants",
            r"\b(?:[2-9]|10)\s*(?:e|eme|ieme|nd|nde|d)\s+(?:entretien|tour|rdv|rendez|round|"
            r"etape|echange|visio)|\b(?:deuxieme|second|seconde|troisieme|quatrieme|cinquieme"
            r"|dernier|derniere|final|finale|ultime)\s+(?:entretien|tour|rdv|rendez|etape|round"
            r"|echange|visio)|\bentretiens?\s+(?:final|finale|finaux)\b|\b(?:en|la|jusqu\s+en)"
            r"\s+finale\b|\bshort\s*list|\bfinalistes?\b|\b(?:derniers|plusieurs|[2-9]|deux|"
            r"trois|quatre|cinq|six)\s+(?:entretiens|rdv|rendez\s+vous|visios|echanges|tours)\b"
            r"|\bjusqu\s+au\s+bout\b|\bderniere\s+ligne\s+droite\b|\btour\s+final\b|\bdeux\s+"
            r"derniers\b|\bdernier\s+carre\b|\b(?:un\s+autre|nouvel|nouveau|encore\s+un)\s+"
            r"(?:entretien|rdv|echange)\b|\bentretiens?\b[^.;!?]{0,60}?\b(?:puis|ensuite|et\s+"
            r"apres|apres\s+ca)\b[^.;!?]{0,25}?\b(?:avec|entretien|rdv|visio|vu|rencontre)\b"
            rf"|{_MET_SEVERAL_TIMES}",
        ),
        (
            "test",
            r"\btests?\s+(?:technique|techniques|de\s+personnalite|psychotechniques?|en\s+ligne|"
            r"ecrit|ecrits|de\s+logique|d\s+anglais|de\s+langue|de\s+code|pratique|metier)\b|"
            r"\b(?:apres|au|a\s+l|le|un|du|mon|leur|ce)\s+tests?\b|\bassessment\b|\betude\s+de\s+"
            r"cas\b|\bcas\s+pratiques?\b|\bcase\s+study\b|\bbusiness\s+case\b|\bmise\s+en\s+"
            r"situation\b|\bexercices?\b|\bcoding\s*game\b|\bcodingame\b|\bdevoir\s+(?:a\s+la\s+"
            r")?maison\b|\btake\s+home\b|\bepreuves?\b|\bjeu\s+de\s+role\b|\bquestionnaires?\b",
        ),
        (
            "premier_entretien",
            r"\b(?:premier|1\s*er|1)\s+(?:entretien|tour|rdv|rendez|echange|appel|round|visio)|"
            r"\bpremiere\s+(?:etape|rencontre|visio)\b|\bentretien\s+(?:telephonique|tel|rh|en\s+"
            r"visio|visio|video|de\s+preselection|de\s+qualification|telephone|collectif)\b|\b"
            r"(?:appel|call|echange|coup\s+de\s+(?:fil|tel|telephone)|screening|entretien)\s+"
            r"(?:avec|de|du)?\s*(?:la|le|les|une|un)?\s*(?:rh|drh|recruteur|recruteuse|"
            r"chargee?\s+de\s+recrutement|cabinet)\b|\bpreselection\s+telephonique\b|\bpre\s*"
            r"qualification\b|\bscreening\b|\b(?:un|qu\s+un)\s+seul\s+(?:entretien|rdv|echange"
            r"|appel)\b|\b(?:juste|seulement|simplement|qu)\s+(?:un|une)\s+(?:entretien|rdv|"
            r"echange|appel|call|visio|coup\s+de\s+fil)\b|\bparle\s+(?:au|par)\s+(?:tel|"
            r"telephone)\b|\bentretien\s+(?:de\s+groupe|collectif)\b"
            rf"|{_MET_ONCE}",
        ),
        (
            "candidature",
            r"\bsans\s+(?:meme\s+)?(?:passer\s+d\s+|un\s+|d\s+|aucun\s+)?entretien|\bpas\s+(?:eu|"
            r"passe|obtenu|decroche|meme\s+eu)\s+(?:d|de|un|le\s+moindre)\s+entretien|\bpas\s+d\s+"
            r"entretien|\baucun\s+entretien|\bmeme\s+pas\s+(?:ete\s+)?(?:convoque|convoquee|"
            r"appele|appelee|rappele|rappelee|eu\s+d\s+entretien)|\bpas\s+ete\s+(?:convoque|"
            r"convoquee|retenu\s+pour\s+(?:un|l)\s+entretien)|\b(?:au|a\s+l)\s+(?:stade|etape)\s+"
            r"(?:du|de\s+la|des)\s+(?:cv|candidature|candidatures|dossier|dossiers)\b|\bsur\s+"
            r"(?:cv|dossier)\b|\b(?:tri|selection|preselection|examen|lecture)\s+(?:des|de\s+mon|"
            r"du|de\s+ma)\s+(?:cv|dossiers?|candidatures?)\b|\b(?:mon\s+)?cv\s+(?:n\s+a\s+pas|"
            r"pas)\s+(?:ete\s+)?(?:retenu|selectionne|passe)\b|\bjuste\s+postule\b|\bdes\s+la\s+"
            r"candidature\b|\bsimple\s+candidature\b|\bdes\s+le\s+cv\b|\bjamais\s+(?:ete\s+)?"
            r"(?:appele|appelee|convoque|convoquee|rappele|rappelee|eu\s+d\s+entretien)\b"
            r"|\bpas\s+(?:ete\s+)?(?:appele|appelee)\s+pour\s+(?:un|l)\s+entretien\b",
        ),
    )
)


def detect_stage(text: str) -> str | None:
    """The furthest stage a message names (see :data:`STAGES`), else None."""
    words = _words(text)
    found = [stage for stage, pattern in _STAGE_PATTERNS if pattern.search(words)]
    if not found:
        return None
    return max(found, key=STAGES.index)


# --------------------------------------------------------------------------- formal rejection

_INFORMAL = re.compile(
    r"\bpas\s+(?:encore\s+)?(?:de\s+|d\s+|eu\s+de\s+|recu\s+de\s+)?(?:reponse|nouvelles?|retour|"
    r"confirmation|refus)\b|\bsans\s+(?:aucune\s+)?(?:nouvelles?|reponse|retour)\b|\bghost|"
    r"\bsilence\s+radio\b|\bpas\s+(?:encore\s+)?(?:officiel|officielle|formel|formelle)\b|"
    r"\bofficieu|\binformel|\blaiss\w*\s+(?:entendre|comprendre)|\bsous\s+entendu|\bj\s+ai\s+"
    r"(?:l\s+impression|appris\s+par\s+hasard)|\b(?:je\s+pense|je\s+crois|j\s+imagine|je\s+"
    r"suppose)\s+que\s+(?:c\s+est|ce\s+sera|ca\s+va\s+etre)\s+(?:mort|non|fichu|rate|mal\s+"
    r"parti)|\bc\s+est\s+(?:mort|mal\s+parti)\b|\bapparemment\b|\ba\s+priori\b|\bil\s+paraitrait"
    r"|\b(?:vu|appris|remarque)\s+(?:qu|que)\s+(?:ils|elles|l\s+annonce|le\s+poste|quelqu)"
)
_FORMAL = re.compile(
    r"\b(?:mail|email|e\s*mail|courriel|lettre|courrier|message|sms|notification|appel)\s+"
    r"(?:de\s+refus|negatif|officiel|officielle|type|automatique|de\s+reponse\s+negative)\b|"
    r"\brefus\s+(?:officiel|formel|ecrit|par\s+(?:e\s*)?mail|par\s+ecrit|par\s+courrier|"
    r"definitif)\b|\breponse\s+(?:negative\s+)?(?:officielle|formelle|ecrite|definitive)\b|"
    r"\breponse\s+negative\b|\bofficiellement\b|\b(?:recu|eu)\s+(?:un|le|leur|mon|une|la)\s+"
    r"(?:refus|reponse\s+negative|mail|email|e\s+mail|courrier|lettre|non)\b|\brefus\b[^.!?]{0,80}?"
    r"\brecue?\b|\bpar\s+(?:e\s*)?mail\b|\bpar\s+courrier\b|\bpar\s+ecrit\b"
)


def detect_formal(folded: str) -> bool | None:
    """True for an official rejection (mail, letter), False when unofficial or silent."""
    if _INFORMAL.search(folded):
        return False
    if _FORMAL.search(folded):
        return True
    return None


# --------------------------------------------------------------------------- extraction

_TOKEN = re.compile(r"[\w&@+'’]+(?:[.\-][\w&@+'’]+)*", re.UNICODE)


# Folded words that end a company or position name.
_STOP: Final = wordset(
    """
    pour au aux en a apres avant depuis hier aujourd auj et mais car qui que qu ou avec sur dans
    sans comme par pendant lors suite malgre j je il ils elle elles on ne n m me ce cette cet c
    ca cela est etait a ont ai avait avais recu recue recus refus refuse refusee retenu retenue
    pas plus vient viens venait ce matin soir demain le la les un une des du de d l entretien
    entretiens test tests stage cdi cdd alternance interim freelance poste job mission contrat
    apres quand lorsque si donc puis alors enfin bref super trop tres vraiment tellement encore
    deja bien mal vu via selon concernant grace cause parce puisque tandis chez pr ds
    recale recalee m a dit non reponse
    """
)
# Connectors allowed inside a capitalised name: "Caisse des Dépôts", "Banque de France".
_NAME_CONNECTORS: Final = frozenset({"de", "des", "du", "d", "&", "et", "la", "le", "l", "of"})
_ARTICLES: Final = frozenset({"la", "le", "les", "l"})
# Words that never start a company name: pronouns, fillers, dates.
_NEVER_LEADS: Final = wordset(
    """
    un une des eux elle elles lui moi nous vous toi soi mon ma mes ton ta tes son sa ses leur
    leurs notre nos votre vos ce cette cet ces quelqu personne ils il on je j tu ca cela
    hier aujourd demain finalement bon bref donc alors et mais encore bah ben ouais oui
    non voila enfin sinon ah eh oh pff bof du coup apres puis ensuite malheureusement
    franchement honnetement evidemment bien sur helas mois semaine semaines jour jours annee
    an ans matin soir soiree journee week fois coup part plus trop
    """,
    *WEEKDAYS_FR,
    *MONTH_ALIASES,
)
# Generic nouns: a company only as part of a longer name ("Société Générale", "Groupe SEB").
_GENERIC: Final = wordset(
    """
    recruteur recruteuse recruteurs rh drh manager managers directeur directrice responsable
    boss patron patronne chef cheffe equipe entreprise boite societe groupe cabinet client
    clients entretien entretiens test stage cdi cdd alternance interim freelance poste job offre
    candidature candidatures mail email message lettre courrier appel refus reponse retour
    """
)
_NOT_A_COMPANY: Final = _NEVER_LEADS | _GENERIC
# Common first names: "Julie m'a dit non" names a person, not a company.
_FIRST_NAMES: Final = wordset(
    """
    julie marie sophie camille lea emma chloe manon sarah laura claire anne catherine isabelle
    nathalie sandrine celine aurelie emilie caroline stephanie valerie christine sylvie
    helene lucie pauline alice charlotte juliette louise ines jade lina zoe clara agathe
    marion elodie audrey melanie virginie karine delphine veronique patricia martine
    thomas nicolas julien pierre paul jean marc luc antoine alexandre maxime kevin romain
    sebastien guillaume vincent francois olivier laurent david eric christophe stephane
    philippe michel alain patrick frederic arnaud benoit hugo lucas louis gabriel arthur
    jules adam raphael leo mathieu mathis theo nathan clement quentin florian jeremy yann
    karim mohamed ahmed mehdi sami yanis rayan samir nadia fatima leila yasmine sonia
    """
)
_CONTRACT_WORDS: Final[dict[str, str]] = {
    "cdi": "CDI",
    "cdd": "CDD",
    "stage": "stage",
    "alternance": "alternance",
    "apprentissage": "alternance",
    "interim": "intérim",
    "freelance": "freelance",
}

_COMPANY_AFTER = re.compile(
    r"\b(?:chez|aupres\s+de|aupres\s+d|aupres\s+du|de\s+chez|dans\s+l\s+entreprise"
    r"|dans\s+la\s+societe|l\s+entreprise|la\s+societe|le\s+groupe|la\s+boite)\s+"
)
_NAME_WORD = re.compile(r"\b(?:entreprise|societe|groupe|boite)\s+$")
# "refus de Capgemini", "un mail d'Airbus", "de la part de BNP": only a capitalised name.
_COMPANY_AFTER_DE = re.compile(
    r"\b(?:refus|refu|refuse|refusee|non|reponse|reponses|mail|email|e\s+mail|courriel|message"
    r"|appel|coup\s+de\s+fil|lettre|courrier|nouvelles|retour|negatif|negative|recale|recalee"
    r"|offre|process|processus|recrutement|de\s+la\s+part|part)\s+(?:negative\s+|negatif\s+"
    r"|officielle\s+|officiel\s+)?(?:de|d|du)\s+"
)
# "BNP m'a dit non", "Société Générale ne m'a pas retenu", "Decathlon a refusé…".
_COMPANY_BEFORE = re.compile(
    r"\s+(?:(?:ne\s+m|n|m|ne\s+me|me)\s+)?(?:a|ont|as)\s+(?:dit\s+non|refuse|rejete|decline"
    r"|recale|pas\s+(?:retenu|pris|garde|choisi|donne\s+suite)|dit|repondu|annonce|informe"
    r"|envoye|appele|rappele|ecrit|choisi|prefere|retenu|pas)\b"
    r"|\s+(?:vient|viennent)\s+de\s+(?:me\s+)?(?:refuser|recaler|dire\s+non|m\s+ecrire|m\s+appeler)"
    r"|\s+ne\s+(?:me\s+)?(?:prend|retient|donne)\b|\s+(?:me\s+)?refuse\b"
)
_POSITION_AFTER = re.compile(
    r"\b(?:(?:poste|job|boulot|emploi|role)\s+(?:de|d|du|en\s+tant\s+que|comme)"
    r"|(?P<contract>cdi|cdd|stage|alternance|apprentissage|interim|freelance|mission)"
    r"\s+(?:de|d|du|en\s+tant\s+que|comme)|en\s+tant\s+que|(?:postule|candidate|candidature)"
    r"\s+(?:comme|pour\s+etre)|poste\s*:)\s+"
)
_CONTRACT_ANY = re.compile(
    r"\b(?:(?:le|un|mon|ce|du|en|d\s+un|l|une|ma|cette|en\s+tant\s+que)\s+)"
    r"(?P<c>cdi|cdd|stage|alternance|apprentissage|interim|freelance)\b"
)


# Words that announce a rejection: a message with one of them may list its facts bare
# ("Encore un refus : Airbus, ingénieure méthodes, reçu hier").
_REJECTION_CUE = re.compile(
    r"\b(?:refus|refu|refuse|refusee|refuses|recale|recalee|recales|recalees|rejet|rejete|rejetee"
    r"|non|negatif|negative|pas\s+(?:ete\s+)?(?:retenu|retenue|pris|prise|garde|gardee)"
    r"|ne\s+m\s+(?:a|ont)\s+pas\s+(?:retenu|retenue|pris|prise)|dit\s+non|ecarte|ecartee"
    r"|pas\s+donne\s+suite|recalage|veste|bide|rate)\b"
)
# "refus de decathlon", "recalée par la fnac": a strong cue, so a name typed in lowercase
# is still the company (up to three words, stopped by dates and linking words). Not the
# person's own verb: "je refuse de baisser les bras".
_COMPANY_AFTER_REFUSAL = re.compile(
    r"\b(?<!\bje\s)(?<!\bj\s)(?:refus|refu|refuse|refusee|recale|recalee|rejete|rejetee|ecarte|ecartee|non|veste"
    r"|reponse\s+negative|mail\s+negatif|mail\s+de\s+refus)\s+(?:de\s+chez|de\s+la\s+part\s+de"
    r"|de\s+la\s+part\s+d|par|de|d|du)\s+"
)
# "cette fois c'est Thales pour…", "c'est non pour Ubisoft": a capitalised name only.
_COMPANY_AFTER_CEST = re.compile(
    r"\b(?:c\s+est|c\s+etait|cette\s+fois|refus|recale|recalee|rejet|(?:non|refus|recale|recalee|rejete|rejetee)\s+"
    r"(?:pour|pr|de\s+la\s+part\s+de|cote))\s+"
)
# The subject of a refusal verb: "leroy merlin m'a recalée", "décathlon m'a dit non".
_REFUSAL_VERB = re.compile(
    r"\s+(?:(?:ne\s+m|n|m|ne\s+me|me)\s+)?(?:a|ont)\s+(?:dit\s+non|refuse|refusee|rejete|"
    r"rejetee|recale|recalee|ecarte|ecartee|jete|jetee|pas\s+(?:retenu|retenue|pris|prise|garde"
    r"|gardee|choisi|choisie|donne\s+suite))\b|\s+(?:me\s+)?refuse\b|\s+(?:vient|viennent)\s+de"
    r"\s+(?:me\s+)?(?:refuser|recaler|dire\s+non)\b|\s+c\s+est\s+non\b|\s+ne\s+me\s+(?:prend|retient)\b"
)
# Words that may open a sentence before its subject: "bon bah leroy merlin m'a recalée".
_OPENERS: Final = wordset(
    """
    bon bah ben bref et encore voila donc alors du coup ah oh eh pff bon ouais enfin sinon
    finalement aujourd hui hier ce matin soir helas malheureusement re bonjour salut coucou
    """
)
# "pour <position>" after a refusal: never a reason or a pronoun.
_POSITION_AFTER_REFUSAL = re.compile(
    r"\b(?:refus|refuse|refusee|recale|recalee|rejete|rejetee|non|retenu|retenue|pris|prise"
    r"|ecarte|ecartee|negatif|negative)\b[^,.;:!?()]{0,40}?\b(?:pour|pr|sur)\s+(?:(?:le|un|mon)"
    r"\s+)?(?:(?:poste|job|role|boulot)\s+(?:de|d|du)\s+)?"
)
_NOT_A_POSITION: Final = wordset(
    """
    raison raisons cause motif motifs l instant le moment moi toi vous nous ma mon mes leur
    leurs autre autres un une profil manque plusieurs diverses ca cela ceci eux elle lui
    changement candidature candidatures absence
    """
)
# A bare segment about how the person feels is neither a company nor a job title.
_FEELING = re.compile(
    r"\b(?:decu|decue|degoute|degoutee|triste|marre|colere|saoule|saoulee|vener|venere|enerve"
    r"|enervee|epuise|epuisee|fatigue|fatiguee|dur|dure|dommage|nul|nulle|abattu|abattue|deprime"
    r"|deprimee|mal|rage|gave|gavee|decourage|decouragee|blase|blasee|ouf|snif|pfff*|bof|helas"
    r"|courage|merci|bonjour|salut|coucou)\b"
)
_SEGMENT_SPLIT = re.compile(r"\s*(?:[,;:()\n]|\s[-–—]\s|\.\s)\s*")


def _is_first_name(name: str) -> bool:
    parts = _words(name).split()
    return len(parts) == 1 and parts[0] in _FIRST_NAMES


def _subject_company(
    text: str, folded: str, end: int, blocked: list[tuple[int, int]]
) -> str | None:
    """The lowercase subject of a refusal verb, when only openers come before it."""
    toks = _tokens(text, folded, 0, end)
    run: list[_Tok] = []
    next_start = end
    for tok in reversed(toks):
        if not _gap_is_space(text, tok.end, next_start) or any(
            a <= tok.start < b for a, b in blocked
        ):
            break
        key = _tok_key(tok)
        if key in _STOP or key in _NOT_A_COMPANY or key in _OPENERS or len(run) >= 3:
            break
        run.insert(0, tok)
        next_start = tok.start
    if not run:
        return None
    before = [t for t in toks if t.end <= run[0].start]
    # Everything before the name is an opener or punctuation: the name is the subject.
    if any(_tok_key(t) not in _OPENERS for t in before):
        return None
    name = _clean_name(text[run[0].start : run[-1].end])
    if name is None or _is_first_name(name):
        return None
    return name


def _segment_kind(segment: str, today: dt.date) -> str:
    """ "date", "cue" (the announcement itself), "position" or "name" for one bare segment."""
    seg_words = _words(segment)
    if not seg_words:
        return "empty"
    if date_spans(segment, today=today):
        return "date"
    if _REJECTION_CUE.search(seg_words) or re.search(
        r"\b(?:reponse|mail|email|message|appel|courrier)\b", seg_words
    ):
        return "cue"
    if re.match(r"(?:poste|job|role|boulot|en\s+tant\s+que|comme|pour|pr)\b", seg_words):
        return "position"
    return "name"


def _list_facts(text: str, today: dt.date) -> tuple[str | None, str | None]:
    """A rejection told as a list: "refus : Airbus, ingénieure méthodes, reçu hier"."""
    segments = [seg.strip(" .!?'\"«»") for seg in _SEGMENT_SPLIT.split(text)]
    segments = [seg for seg in segments if seg]
    if len(segments) < 2:
        return None, None
    company: str | None = None
    position: str | None = None
    for segment in segments:
        kind = _segment_kind(segment, today)
        seg_words = _words(segment).split()
        if kind in ("date", "cue", "empty") or len(seg_words) > 6:
            continue
        if _FEELING.search(" ".join(seg_words)):
            continue
        if kind == "position":
            lead = re.match(
                r"(?:(?:pour|pr|comme|en\s+tant\s+que)\s+)?(?:(?:le|un)\s+)?"
                r"(?:(?:poste|job|role|boulot)\s*(?:de|d['’]|du|:)?\s*)?",
                segment,
                re.IGNORECASE,
            )
            rest = segment[lead.end() :] if lead else segment
            if position is None and rest and _words(rest).split()[0] not in _NOT_A_POSITION:
                position = rest
            continue
        # A bare name is a company only when written with a capital ("Airbus").
        if company is None and len(seg_words) <= 4 and _tokens(segment, segment, 0)[0].capitalised:
            name = _clean_name(segment)
            lead_word = seg_words[1] if seg_words[0] == "l" and len(seg_words) > 1 else seg_words[0]
            if name and not _is_first_name(name) and lead_word not in _STOP:
                company = name
                continue
        if (
            company is not None
            and position is None
            and seg_words[0] not in _NOT_A_POSITION
            and seg_words[0] not in _STOP
            and _words(segment) != _words(company)
        ):
            position = segment
    return company, position


def _position_in_parentheses(text: str, today: dt.date) -> str | None:
    """ "leroy merlin m'a recalée (conseillère de vente)": a short job title in brackets."""
    for match in re.finditer(r"\(([^()]{2,80})\)", text):
        inner = match.group(1).strip()
        inner_words = _words(inner).split()
        if (
            1 <= len(inner_words) <= 6
            and not date_spans(inner, today=today)
            and not _REJECTION_CUE.search(_words(inner))
            and inner_words[0] not in _NOT_A_POSITION
            and inner_words[0] not in _STOP
            and not re.search(r"\d", inner)
        ):
            return inner
    return None


@dataclass(frozen=True)
class RejectionFacts:
    """What one free-text message says about a rejection; unknown stays ``None``."""

    company: str | None = None
    position: str | None = None
    rejection_date: dt.date | None = None
    date_approximate: bool = False
    date_problem: DateParse | None = None  # a date was written but cannot be used as is
    stage: str | None = None
    formal_rejection: bool | None = None
    contract: str | None = None  # one of CONTRACTS

    def slots(self) -> dict[str, str | bool]:
        """The known facts as form slots (dates in ISO format); unknown ones are left out."""
        out: dict[str, str | bool] = {}
        if self.company:
            out["company"] = self.company
        if self.position:
            out["position"] = self.position
        if self.rejection_date is not None:
            out["rejection_date"] = self.rejection_date.isoformat()
        if self.stage:
            out["stage"] = self.stage
        if self.formal_rejection is not None:
            out["formal_rejection"] = self.formal_rejection
        return out


@dataclass(frozen=True)
class _Tok:
    text: str  # as written
    folded: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        core = re.sub(r"^[ldLD]['’]", "", self.text)
        first = core[:1]
        return bool(first) and (first.isupper() or first.isdigit())


def _tokens(text: str, folded: str, start: int, end: int | None = None) -> list[_Tok]:
    stop = len(text) if end is None else end
    out = []
    for match in _TOKEN.finditer(text, start, stop):
        a, b = match.span()
        out.append(_Tok(match.group(0), " ".join(folded[a:b].split()), a, b))
    return out


def _gap_is_space(text: str, a: int, b: int) -> bool:
    return text[a:b].strip() == ""


def _tok_key(tok: _Tok) -> str:
    return tok.folded.split()[0] if tok.folded else ""


def _clean_name(raw: str) -> str | None:
    name = raw.strip(" \t\n\r.,;:!?-–—'’\"«»()")
    name = " ".join(name.split())
    if not name or not re.search(r"[^\W\d_]", name) or len(name) > 80:
        return None
    if _words(name) in _NOT_A_COMPANY or _words(name).split()[0] in _NEVER_LEADS:
        return None
    return name


def _company_from(
    text: str, folded: str, start: int, *, capital_only: bool, blocked: list[tuple[int, int]]
) -> str | None:
    toks = _tokens(text, folded, start)
    if not toks or not _gap_is_space(text, start, toks[0].start):
        return None
    # A leading lowercase article before a capitalised name is not part of it:
    # "chez la Société Générale" → "Société Générale" (but "La Poste" keeps its "La").
    if (
        _tok_key(toks[0]) in _ARTICLES
        and not toks[0].capitalised
        and len(toks) > 1
        and (toks[1].capitalised or capital_only or _tok_key(toks[1]) not in _NOT_A_COMPANY)
    ):
        toks = toks[1:]
    if not toks:
        return None
    first = toks[0]
    if _tok_key(first) in _NEVER_LEADS:
        return None
    if _tok_key(first) in _GENERIC and not (
        first.capitalised and len(toks) > 1 and toks[1].capitalised
    ):
        return None
    if capital_only and not first.capitalised:
        return None
    taken: list[_Tok] = []
    previous_end = toks[0].start
    for index, tok in enumerate(toks):
        if not _gap_is_space(text, previous_end, tok.start):
            break
        if any(a <= tok.start < b for a, b in blocked):
            break
        key = _tok_key(tok)
        if first.capitalised:
            if not tok.capitalised:
                nxt = toks[index + 1] if index + 1 < len(toks) else None
                if (
                    key in _NAME_CONNECTORS
                    and taken
                    and nxt is not None
                    and nxt.capitalised
                    and _gap_is_space(text, tok.end, nxt.start)
                    and _tok_key(nxt) not in _NOT_A_COMPANY
                ):
                    taken.append(tok)
                    previous_end = tok.end
                    continue
                break
            if taken and key in _NOT_A_COMPANY:
                break
        else:
            if key in _STOP or key in _NOT_A_COMPANY or len(taken) >= 3:
                break
        taken.append(tok)
        previous_end = tok.end
        if len(taken) >= 6:
            break
    if not taken:
        return None
    return _clean_name(text[taken[0].start : taken[-1].end])


def _company_before(text: str, folded: str, end: int, blocked: list[tuple[int, int]]) -> str | None:
    toks = _tokens(text, folded, 0, end)
    run: list[_Tok] = []
    next_start = end
    for tok in reversed(toks):
        if not _gap_is_space(text, tok.end, next_start):
            break
        if any(a <= tok.start < b for a, b in blocked):
            break
        if tok.capitalised or (_tok_key(tok) in _NAME_CONNECTORS and run and tok.text != "l"):
            run.insert(0, tok)
            next_start = tok.start
            continue
        break
    while run and (
        not run[0].capitalised
        or _tok_key(run[0]) in _NEVER_LEADS
        or (_tok_key(run[0]) in _GENERIC and len(run) == 1)
    ):
        # "La Poste", "Le Bon Marché" — but "Le recruteur" is no company.
        if (
            _tok_key(run[0]) in _ARTICLES
            and len(run) > 1
            and run[0].capitalised
            and _tok_key(run[1]) not in _NOT_A_COMPANY
        ):
            break
        run.pop(0)
    if not run:
        return None
    if len(run) == 1 and _tok_key(run[0]) in _FIRST_NAMES:
        return None
    return _clean_name(text[run[0].start : run[-1].end])


def _position_from(
    text: str, folded: str, start: int, blocked: list[tuple[int, int]]
) -> str | None:
    toks = _tokens(text, folded, start)
    if not toks or not _gap_is_space(text, start, toks[0].start):
        return None
    taken: list[_Tok] = []
    previous_end = toks[0].start
    inner = {"de", "d", "du", "des", "la", "l", "le", "les", "en"}
    for index, tok in enumerate(toks):
        if not _gap_is_space(text, previous_end, tok.start):
            break
        if any(a <= tok.start < b for a, b in blocked):
            break
        key = _tok_key(tok)
        nxt = _tok_key(toks[index + 1]) if index + 1 < len(toks) else ""
        if key in inner and taken:
            if key == "en" and (nxt in _CONTRACT_WORDS or nxt in ("ce", "cette", "tant")):
                break
            taken.append(tok)
            previous_end = tok.end
            continue
        if key in _STOP or key in ("chez", "aupres", "dans", "au", "sein") or len(taken) >= 8:
            break
        taken.append(tok)
        previous_end = tok.end
    while taken and taken[-1].folded in inner:
        taken.pop()
    if not taken:
        return None
    position = " ".join(text[taken[0].start : taken[-1].end].split()).strip(" .,;:!?-'’")
    if not position or len(position) > 120 or _words(position) in _CONTRACT_WORDS:
        return None
    # "un stage de 6 mois", "un stage de fin d'études": a duration or a kind, not a job.
    if re.match(
        r"\d|fin\s+d\s+etudes\b|(?:une|un|deux|trois|quatre|six)\s+(?:mois|semaines|ans)\b",
        _words(position),
    ):
        return None
    return position


def extract_rejection_facts(text: str, *, today: dt.date) -> RejectionFacts:
    """Company, position, date, stage and formality from one message ("refus de Capgemini…")."""
    text = (text or "")[:MAX_TEXT]
    folded = _fold1(text)
    words = _words(text)

    blocked = date_spans(text, today=today)
    rejection_date: dt.date | None = None
    approximate = False
    problem: DateParse | None = None
    if blocked:
        parsed = parse_rejection_date(text, today=today)
        if parsed.ok:
            rejection_date, approximate = parsed.date, parsed.approximate
        else:
            problem = parsed

    company: str | None = None
    for match in _COMPANY_AFTER.finditer(folded):
        start = match.end()
        # "de la Société Générale", "chez le Groupe Casino": the capitalised word is the name's.
        named = _NAME_WORD.search(folded, match.start(), match.end())
        if named is not None and text[named.start()].isupper():
            start = named.start()
        company = _company_from(text, folded, start, capital_only=False, blocked=blocked)
        if company:
            break
    if company is None:
        for match in _COMPANY_AFTER_DE.finditer(folded):
            company = _company_from(text, folded, match.end(), capital_only=True, blocked=blocked)
            if company:
                break
    if company is None:
        for match in _COMPANY_BEFORE.finditer(folded):
            company = _company_before(text, folded, match.start(), blocked)
            if company:
                break
    announces = bool(_REJECTION_CUE.search(words))
    if company is None and announces:
        for match in _COMPANY_AFTER_REFUSAL.finditer(folded):
            company = _company_from(text, folded, match.end(), capital_only=False, blocked=blocked)
            if company:
                break
    if company is None and announces:
        for match in _COMPANY_AFTER_CEST.finditer(folded):
            found = _company_from(text, folded, match.end(), capital_only=True, blocked=blocked)
            if found and not _is_first_name(found):
                company = found
                break
    if company is None:
        for match in _REFUSAL_VERB.finditer(folded):
            company = _subject_company(text, folded, match.start(), blocked)
            if company:
                break
    listed_company, listed_position = _list_facts(text, today) if announces else (None, None)
    if company is None:
        company = listed_company

    position: str | None = None
    contract: str | None = None
    for match in _POSITION_AFTER.finditer(folded):
        position = _position_from(text, folded, match.end(), blocked)
        if match.group("contract"):
            contract = _CONTRACT_WORDS.get(match.group("contract"))
        if position and company and _words(position) == _words(company):
            position = None
        if position:
            break
    if position is None and announces:
        for match in _POSITION_AFTER_REFUSAL.finditer(folded):
            found = _position_from(text, folded, match.end(), blocked)
            if (
                found
                and _words(found).split()[0] not in _NOT_A_POSITION
                and not (company and _words(company) in _words(found))
                and not (found[:1].isupper() and company is None)
            ):
                position = found
                break
    if position is None and announces and company:
        # "c'est Thales pour ingé système", "Safran, pour technicienne qualité"
        at = text.find(company)
        after = re.match(r"\s*[,:\-–]?\s*(?:pour|pr)\s+", folded[at + len(company) :])
        if at >= 0 and after:
            found = _position_from(text, folded, at + len(company) + after.end(), blocked)
            if found and _words(found).split()[0] not in _NOT_A_POSITION:
                position = found
    if position is None and announces:
        position = _position_in_parentheses(text, today)
    if position is None and listed_company is not None and listed_company == company:
        position = listed_position
    if contract is None:
        found_contract = _CONTRACT_ANY.search(words)
        if found_contract:
            contract = _CONTRACT_WORDS[found_contract.group("c")]

    return RejectionFacts(
        company=company,
        position=position,
        rejection_date=rejection_date,
        date_approximate=approximate,
        date_problem=problem,
        stage=detect_stage(text),
        formal_rejection=detect_formal(words),
        contract=contract,
    )


# The hiring manager by title, in both readers below.
_MANAGER_TITLE = (
    r"manager|manageuse|n\s*\+?\s*1|futur\s+chef|future\s+cheffe|futur\s+responsable"
    r"|future\s+responsable|responsable\s+hierarchique"
)
_MANAGER_MET = re.compile(
    r"\b(?:entretiens?|visios?|rdv|rendez\s+vous|vus?|vues?|rencontre\w*|echange\w*|appel|parle"
    rf"|call)\b[^.;!?]{{0,40}}?\b(?:{_MANAGER_TITLE}|managers|responsable\s+(?:du\s+poste"
    r"|d\s+equipe|du\s+service)|chef\s+(?:d\s+equipe|de\s+service))\b"
    r"|\bentretien\s+manager\b"
)


def mentions_hiring_manager(text: str) -> bool:
    """ "entretien avec le manager", "vu mon futur chef": the person met the hiring manager."""
    return bool(_MANAGER_MET.search(_words(text)))


# Who interviewed, in an answer about the interviewers: the role alone says it ("1 seule, la
# responsable du magasin", "juste le manager, M. Leroy").
_MANAGER_ROLE = re.compile(
    rf"\b(?:{_MANAGER_TITLE}|responsable\s+(?:du|de\s+la|de\s+l|d)\s+(?:poste|equipe|magasin"
    r"|boutique|agence|rayon|service|restaurant|site|atelier|hotel|boulangerie|pharmacie)"
    r"|chef\s+(?:d\s+equipe|de\s+service|de\s+rayon|de\s+cuisine)"
    r"|(?:directeur|directrice|gerant|gerante)\s+(?:du|de\s+la|de\s+l|d)\s+(?:magasin|boutique"
    r"|agence|restaurant|site|hotel|boulangerie|pharmacie|camping|salon))\b"
)


def names_hiring_manager(text: str) -> bool:
    """In an answer about the interviewers, whether the hiring manager is among them."""
    return bool(_MANAGER_ROLE.search(_words(text)))


# A refusal said outright, for a message the classifier placed nowhere: "non" alone is not
# one ("non merci, Decathlon c'est bon"), "dit non" and "c'est non" are.
_REFUSAL_SAID = re.compile(
    r"\b(?:refus|refu|refuse|refusee|recale|recalee|rejet|rejete|rejetee|ecarte|ecartee"
    r"|pas\s+(?:ete\s+)?(?:retenu|retenue|pris|prise|garde|gardee)|dit\s+non|c\s+est\s+non"
    r"|pas\s+donne\s+suite|reponse\s+negative|mail\s+negatif)\b"
)


def tells_rejection(text: str, *, today: dt.date) -> RejectionFacts | None:
    """The facts of a rejection told in one sentence (« Refus de L'Oréal ce matin pour le poste
    d'assistante marketing »): a refusal said outright and the company named; else None."""
    if not text or not _REFUSAL_SAID.search(_words(text)):
        return None
    facts = extract_rejection_facts(text, today=today)
    return facts if facts.company else None
