"""SMART goals (SPEC §3 flow 8): the check of each criterion, milestones, progress, reviews.

The reference article suggests turning what the feedback taught into personal development
goals that are specific, measurable, achievable, relevant and time-bound, broken into
smaller steps and reviewed regularly. Here:

- :func:`check_goal` reads a goal written in French ("je veux progresser en SQL d'ici fin
  janvier") and/or the fields already gathered (:class:`GoalFields`), says which criteria
  hold and, for each one missing, asks one short coaching question. :func:`fill` puts the
  answer to such a question in the right field.
- Deadlines ("d'ici fin janvier", "dans 6 semaines", "avant le 15 mars") are read by
  :mod:`coach.deadlines`; :func:`parse_deadline` and :func:`suggest_deadline` are
  re-exported here so that the conversation needs only this module.
- :func:`propose_milestones` cuts the time left into 2 to 4 evenly spaced steps, the last
  one on the deadline; :func:`parse_progress` reads "j'ai fini le module 2", "à 50 %",
  "fait", "terminé", "j'abandonne".
- Storage: :func:`create_goal`, :func:`list_goals`, :func:`get_goal`,
  :func:`update_progress`, :func:`complete`, :func:`abandon`, and
  :func:`schedule_goal_reminders` (one ``milestone`` reminder at 9:00 local on each
  milestone's day, and a review every ``review_every_days``; both open a conversation
  through Rasa with ``EXTERNAL_goal_milestone`` / ``EXTERNAL_goal_review``). Closing a goal
  cancels its pending reminders.

What the criteria mean here:

- specific: a concrete object is named — a skill, a tool, a document, a kind of interview
  ("SQL", "mon CV", "les entretiens d'information"), not only "progresser" or "trouver un
  travail";
- measurable: a number (a count, a percentage, a score), a certificate, or finishing
  something countable ("terminer le module 3");
- achievable: a first step or a resource is named (a course, a weekly slot, a person);
- relevant: linked to one of :data:`coach.feedback.THEMES` (the theme given, or one read
  from the words: SQL → ``technical_skills``);
- time-bound: a deadline after today.

French, vouvoiement, plain text (no Markdown). Nothing here logs what users wrote.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.deadlines import (
    DEFAULT_WEEKS,
    NUMBER,
    Deadline,
    business_deadline,
    number_value,
    parse_deadline,
    suggest_deadline,
)
from coach.feedback import THEME_LABELS, THEMES
from coach.language.fold import MONTHS_FR, fold_keep_length
from coach.language.times import local_datetime
from coach.models import Goal, Milestone, Reminder, User
from coach.reminders import CANCELLED, CLAIMED, PENDING, schedule, user_day, user_zone
from coach.timing import business_day_on_or_after, is_business_day

__all__ = [
    "CRITERIA",
    "CRITERION_LABELS",
    "DEFAULT_REVIEW_DAYS",
    "DEFAULT_WEEKS",
    "MILESTONE_INTENT",
    "REMINDER_HOUR",
    "REVIEW_DAYS_RANGE",
    "REVIEW_INTENT",
    "STATUSES",
    "Deadline",
    "GoalFields",
    "GoalReview",
    "ProgressResult",
    "ProgressUpdate",
    "SmartCheck",
    "abandon",
    "cancel_goal_reminders",
    "check_goal",
    "complete",
    "create_goal",
    "detect_theme",
    "fields_of",
    "fill",
    "format_goal",
    "get_goal",
    "goal_created_message",
    "goals_message",
    "is_bare_done",
    "list_goals",
    "milestone_count_range",
    "milestone_days",
    "milestone_threshold",
    "milestone_update",
    "move_deadline",
    "moved_deadline_note",
    "parse_deadline",
    "parse_progress",
    "progress_message",
    "propose_milestones",
    "reach_reminded_milestone",
    "reports_progress",
    "review",
    "review_message",
    "schedule_goal_reminders",
    "smart_message",
    "states_a_goal",
    "suggest_deadline",
    "update_progress",
]

CRITERIA: Final = ("specific", "measurable", "achievable", "relevant", "time_bound")
CRITERION_LABELS: Final[Mapping[str, str]] = {
    "specific": "Spécifique",
    "measurable": "Mesurable",
    "achievable": "Atteignable",
    "relevant": "Pertinent",
    "time_bound": "Daté",
}
STATUSES: Final = ("active", "done", "abandoned")
DEFAULT_REVIEW_DAYS: Final = 21
REVIEW_DAYS_RANGE: Final = (7, 90)  # "every few weeks": weekly at most, quarterly at least
REMINDER_HOUR: Final = 9
MILESTONE_INTENT: Final = "EXTERNAL_goal_milestone"
REVIEW_INTENT: Final = "EXTERNAL_goal_review"
REMINDER_KIND: Final = "milestone"  # coach.reminders kind for every goal reminder
TOO_SOON_DAYS: Final = 7
TOO_FAR_DAYS: Final = 366
# A review that falls this close to a milestone is left out: that day already has a check-in.
REVIEW_GAP_DAYS: Final = 3
TITLE_LIMIT: Final = 200
MAX_MILESTONES: Final = 6
TEXT_LIMIT: Final = 500
READ_LIMIT: Final = 1000  # a goal or a progress message longer than this is read up to here


# --------------------------------------------------------------------------- folding


def _fold(text: str) -> str:
    """Lower case, no accents, apostrophes as spaces: same length as ``text``."""
    return fold_keep_length(text)


def _tidy(text: str, limit: int = TEXT_LIMIT) -> str:
    text = " ".join(text.split()).strip(" ,;:.!-–—")
    return text[:limit].rstrip()


# Counts worth measuring start at two: "un cours" names an object, not a measure.
_COUNT: Final = r"(?:\d{1,4}|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|cinquante|cent)"  # noqa: E501


# --------------------------------------------------------------------------- themes

# Words that name a concrete object, with the feedback theme they answer (None: concrete
# but not tied to a theme). The first match wins, so longer phrases come first.
_TOPICS: Final[tuple[tuple[str, str | None], ...]] = (
    (r"entretiens? d information|cafes? (?:reseau|metier)", "competition"),
    (r"lettres? de motivation|\bcv\b|curriculum|portfolio|mots cles", "application_documents"),
    (r"prise de parole|parler en public|a l oral|\boral\b|eloquence|toastmasters", "communication"),
    (r"\bpitch\b|communication|aisance|confiance en (?:moi|soi)", "communication"),
    (
        r"methode star|\bstar\b|simulations? d entretien|questions? d entretien"
        r"|langage corporel|non verbal|\bentretiens?\b|recruteurs?",
        "interview_performance",
    ),
    (
        r"resolution de problemes?|cas pratiques?|etudes? de cas|algorithm\w*|leetcode",
        "problem_solving",
    ),
    (
        r"culture d entreprise|culture de l entreprise|valeurs de l entreprise"
        r"|adequation culturelle",
        "cultural_fit",
    ),
    (r"surqualifi\w*|surdiplom\w*", "overqualification"),
    (r"motivation|enthousiasme|interet pour", "enthusiasm"),
    (
        r"reseautage|\breseau\b|linkedin|meetups?|salons?|evenements? (?:pro\w*|du secteur)"
        r"|mentor\w*",
        "competition",
    ),
    (
        r"\bstages?\b|benevolat|freelance|alternance|missions? courtes?|projets? perso\w*"
        r"|experience",
        "experience",
    ),
    (
        r"\bsql\b|python|excel|power ?bi|tableau de bord|javascript|typescript|\bjava\b|\bphp\b"
        r"|react|docker|kubernetes|\bgit\b|\bsap\b|salesforce|photoshop|figma|autocad|\bseo\b"
        r"|google analytics|machine learning|\bcloud\b|\baws\b|azure|cybersecurite|\bdata\b"
        r"|analyse de donnees|statistiques?|comptabilite|marketing (?:digital|numerique)"
        r"|programmation|\bcode\b|logiciels?|anglais|allemand|espagnol|italien|chinois"
        r"|\blangues?\b|toeic|toefl|ielts|competences? techniques?|bureautique|\bcrm\b|\berp\b",
        "technical_skills",
    ),
    (
        r"\bcours\b|formation|module|mooc|certification|certificat|diplome|livre|projet"
        r"|candidatures?|offres?",
        None,
    ),
)
_TOPIC_PATTERNS: Final = tuple((re.compile(source), theme) for source, theme in _TOPICS)

# How a person names a theme when asked which feedback the goal answers.
_THEME_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"concurren\w*|autres? candidat\w*|reseau", "competition"),
    (r"\btechni\w*|competences?|outils?|logiciels?", "technical_skills"),
    (r"experience", "experience"),
    (r"\bculture\w*|adequation|\bequipe\b|valeurs", "cultural_fit"),
    (r"entretien|deroule|reponses?|preparation", "interview_performance"),
    (r"communica\w*|\boral\b|clarte|expression", "communication"),
    (r"\bcv\b|lettre|candidature|dossier", "application_documents"),
    (r"surqualif\w*|trop qualifi\w*|surdiplom\w*", "overqualification"),
    (r"motivation|enthousiasme|interet pour", "enthusiasm"),
    (r"resolution|probleme|logique|raisonnement|exercice", "problem_solving"),
)
_THEME_WORD_PATTERNS: Final = tuple((re.compile(source), theme) for source, theme in _THEME_WORDS)


def _topic(folded: str) -> tuple[str | None, tuple[int, int] | None]:
    """(theme, span) of the concrete object named in folded text: the first pattern tied to
    a theme that matches, else the earliest object tied to none ("un cours")."""
    loose: tuple[int, int] | None = None
    for pattern, theme in _TOPIC_PATTERNS:
        match = pattern.search(folded)
        if match is None:
            continue
        if theme is not None:
            return theme, match.span()
        if loose is None or match.start() < loose[0]:
            loose = match.span()
    return None, loose


def detect_theme(text: str) -> str | None:
    """The feedback theme a goal or an answer points at (:data:`coach.feedback.THEMES`).

    Accepts a theme key ("technical_skills"), its French label ("Compétences techniques"),
    or words such as "SQL", "mon CV", "le réseau", "la prise de parole"."""
    raw = (text or "").strip()
    if raw in THEMES:
        return raw
    folded = _fold(raw)
    for theme, label in THEME_LABELS.items():
        if folded.strip(" .!") == _fold(label):
            return theme
    topic_theme, _span = _topic(folded)
    if topic_theme is not None:
        return topic_theme
    for pattern, candidate in _THEME_WORD_PATTERNS:
        if pattern.search(folded):
            return candidate
    return None


# --------------------------------------------------------------------------- the check

_UNITS: Final = (
    r"(?:modules?|chapitres?|exercices?|projets?|candidatures?|entretiens?|contacts?|personnes"
    r"|messages?|articles?|livres?|cours|heures?|h|sessions?|simulations?|offres|postes?"
    r"|questions?|exemples?|lecons?|requetes?|evenements?|rencontres?|publications?|posts?"
    r"|recommandations?|pages?|seances?|videos?|episodes?|certifications?|fois|minutes?"
    r"|dossiers?|relances?|cafes?|echanges?|profils?|lettres?|versions?|etapes?|points?"
    r"|kata|jours?|semaines?|cas|quiz|tests?|niveaux?|reponses?"
    r"|entreprises?|realisations?|competences?|annonces?|missions?|engagements?|relectures?"
    r"|avis|fiches?)"
)
# Measures with a number come first: "un score de 850 au TOEIC" is measured by the 850.
_NUMERIC_MEASURES: Final = (
    re.compile(r"\b\d{1,3}\s*(?:%|pour\s*cent)"),
    re.compile(rf"\b{_COUNT}\s+(?:[a-z]+\s+)?{_UNITS}\b"),
    # Any other count of things: "2 morceaux", "trois podcasts".
    re.compile(rf"\b{_COUNT}\s+(?:[a-z]+\s+)?[a-z]{{3,}}[sx]\b"),
    re.compile(r"\b(?:score|note|moyenne)\s+(?:de\s+|d\s+|minimum\s+de\s+)?\d+"),
    re.compile(r"\bde\s+\d+\s+a\s+\d+\b|\bpasser\s+de\b.{1,60}?\ba\b"),
)
_OTHER_MEASURES: Final = (
    re.compile(
        r"\bscore\b|\bniveau\s+[abc][12]\b|\b[abc][12]\b|\btoeic\b|\btoefl\b|\bielts\b"
        r"|\bcertif\w*|\bdiplome\w*|\battestation\w*|\bbadges?\b|\bexamen\w*"
    ),
    re.compile(
        r"\b(?:termin|fini|finir|achev|boucl|valid|complet|reussi|suivre\s+(?:en\s+)?entier)\w*"
        r"\s+(?:(?:le|la|les|l|mon|ma|mes|un|une|tout|toute|tous|toutes|ce|cette|ces|du|des|de"
        r"|d|en|entier|entiere)\s+)*(?:[a-z]+\s+)?(?:modules?|cours|formation|mooc|parcours"
        r"|livre|chapitres?|programme|tutoriel|tuto|certification|projet|bootcamp|niveau|serie"
        r"|tests?|examen|quiz|specialisation)"
    ),
    re.compile(r"\bpubli\w*\s+(?:un|une|le|la|mon|ma|mes|deux|trois)\s+\w+"),
)
_RESOURCES: Final = re.compile(
    r"coursera|openclassrooms|open classrooms|udemy|linkedin learning|fun mooc|\bmooc\b|youtube"
    r"|kaggle|sql ?zoo|w3schools|datacamp|codecademy|duolingo|babbel|toastmasters"
    r"|france travail|pole emploi|\bapec\b|\bcpf\b|\blivres?\b|manuel|tutoriel|\btutos?\b|podcasts?"
    r"|\bmentor\w*|\bcoach\w*|ateliers?|bootcamp|\bclub\b|documentation"
    r"|\b(?:un|une|des|mes|mon|ma)\s+(?:ami|amie|amis|proches?|collegues?|ancien\w*)\b"
)
_STEP_CUES: Final = re.compile(
    r"\b(?:en commencant par|d abord|premiere etape|pour commencer|je commence|je vais"
    r"|je m inscris|m inscrire|je reserve|reserver|bloquer|en suivant|grace a|via"
    r"|avec l aide|en m entrainant|en pratiquant|en faisant|en lisant|en regardant)\b"
    r"|\b\d+\s*(?:h|heures?|minutes?|min)\s+(?:par|chaque)\s+(?:jour|semaine|soir)"
    r"|\b(?:chaque|tous les|toutes les)\s+(?:jours?|soirs?|matins?|semaines?|lundis?|mardis?"
    r"|mercredis?|jeudis?|vendredis?|samedis?|dimanches?)\b|\bpar\s+(?:semaine|jour)\b"
)
_PREFIX: Final = re.compile(
    r"^\W*(?:/objectifs?\s*)?(?:(?:bon|alors|ok|oui|bref)\W+)?(?:(?:moi\s+)?je\s+(?:veux|voudrais"
    r"|souhaite|souhaiterais|vais|dois|compte|aimerais)|j\s+aimerais|j\s+ai\s+envie\s+de"
    r"|j\s+ai\s+envie\s+d|mon\s+objectif(?:\s+est|\s+serait|\s+c\s+est)?(?:\s+de|\s+d)?"
    r"|l\s+objectif(?:\s+est|\s+serait)?(?:\s+de|\s+d)?|objectif\s*:?|nouvel\s+objectif\s*:?)\s*"
)
_VAGUE_OBJECT: Final = re.compile(
    r"^(?:progresser|m ameliorer|s ameliorer|ameliorer|avancer|evoluer|reussir|changer|bouger"
    r"|etre meilleure?|faire mieux|trouver (?:un |du )?(?:travail|emploi|job|boulot|poste)"
    r"|(?:un |du )?(?:travail|emploi|job|boulot)|tout|des choses|plein de choses)?\s*$"
)


@dataclass(frozen=True)
class GoalFields:
    """What is known of a goal so far (from free text, answers or buttons)."""

    title: str = ""
    specific: str | None = None
    measure: str | None = None
    first_steps: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    theme: str | None = None
    deadline: dt.date | None = None


@dataclass(frozen=True)
class SmartCheck:
    """The verdict on each criterion, and what to ask for the ones missing."""

    fields: GoalFields  # as understood: detected theme, deadline… filled in
    criteria: dict[str, bool]
    questions: dict[str, str]  # missing criterion → coaching question (French)
    warnings: tuple[str, ...] = ()
    deadline_past: bool = False

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(name for name in CRITERIA if not self.criteria[name])

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def next_question(self) -> str | None:
        missing = self.missing
        return self.questions[missing[0]] if missing else None


def _without_deadline(text: str, today: dt.date) -> str:
    """Folded ``text`` with its deadline expression blanked out."""
    deadline = parse_deadline(text, today)
    return _blank(_fold(text), [(deadline.start, deadline.end)] if deadline else [])


def _texts(fields: GoalFields) -> str:
    parts = [fields.title, fields.specific or "", fields.measure or ""]
    return " \n ".join(part for part in parts if part)


def _blank(folded: str, spans: Sequence[tuple[int, int]]) -> str:
    out = folded
    for start, end in spans:
        out = out[:start] + " " * (end - start) + out[end:]
    return out


_STOPWORDS: Final = frozenset(
    re.findall(
        r"\S+",
        "je j me m moi ne n pas plus le la les l un une des du de d en sur dans a au aux et "
        "ou mon ma mes ce cette ces c est sais rien tout toute tous chose choses truc trucs "
        "bien mieux meilleur meilleure progresser ameliorer avancer evoluer travail emploi "
        "job boulot poste general globalement niveau competences competence veux voudrais "
        "aimerais qui que quoi peu beaucoup vraiment surtout ca cela oui non bof euh trop "
        "idee aucune aucun sait vois pense crois peut etre encore",
    )
)


def _concrete(text: str) -> bool:
    """Whether an answer names something (not "je ne sais pas" or "progresser en général")."""
    words = re.findall(r"[a-z0-9+#]+", _fold(text))
    return any(w not in _STOPWORDS and (len(w) >= 3 or w in ("cv", "r", "c")) for w in words)


def _has_object(folded: str) -> bool:
    _theme, span = _topic(folded)
    if span is not None:
        return True
    stripped = _PREFIX.sub("", folded)
    verbs = re.search(
        r"\b(?:progresser|ameliorer|apprendre|maitriser|travailler|renforcer|perfectionner"
        r"|revoir|refaire|preparer|developper|consolider|obtenir|passer|terminer|finir|suivre"
        r"|lire|rediger|ecrire|reprendre|approfondir|decouvrir|pratiquer|contacter|rencontrer"
        r"|postuler|demander|recueillir|solliciter)\w*\s+(?:(?:en|sur|dans|a|au|aux|mon|ma|mes|le|la|les|l|un|une|des|du|de"
        r"|d|m|me|son|sa|ses)\s+)*(?P<object>[a-z0-9+#]{2,}(?:\s+[a-z0-9+#]{2,})?)",
        stripped,
    )
    if verbs is not None:
        return _VAGUE_OBJECT.match(verbs.group("object")) is None and not re.match(
            r"(?:d ici|dans|avant|pour|en|fin)\b", verbs.group("object")
        )
    return False


def _measure_phrase(text: str, folded: str) -> str | None:
    """The first measure written in the text (a count, a score, finishing something…)."""
    for patterns in (_NUMERIC_MEASURES, _OTHER_MEASURES):
        found = [match for pattern in patterns if (match := pattern.search(folded)) is not None]
        if found:
            first = min(found, key=lambda match: (match.start(), -match.end()))
            return _tidy(text[first.start() : first.end()], 120)
    return None


def _step_span(folded: str) -> tuple[int, int] | None:
    """The clause that names a first step or a means ("en faisant 2 h par semaine")."""
    cue = _STEP_CUES.search(folded)
    if cue is None:
        return None
    # From the separator before the cue; without one, the goal itself comes first: the
    # step starts at the cue ("progresser en SQL 2 h par semaine").
    start = cue.start()
    separators = [
        found + len(sep)
        for sep in (",", ";", ".", "\n", " et ")
        if (found := folded.rfind(sep, 0, cue.start())) >= 0
    ]
    if separators:
        start = max(separators)
    ends = [i for i in (folded.find(sep, cue.end()) for sep in (",", ";", ".", "\n")) if i > 0]
    return start, min(ends) if ends else len(folded)


def _first_steps(text: str, folded: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    resources = tuple(
        dict.fromkeys(_tidy(text[m.start() : m.end()], 60) for m in _RESOURCES.finditer(folded))
    )
    span = _step_span(folded)
    step = _tidy(text[span[0] : span[1]]) if span else ""
    return ((step,) if step else ()), resources


def _title(text: str, folded: str, cuts: Sequence[tuple[int, int]]) -> str:
    """The goal in the person's words, without "je veux", the deadline or the means."""
    prefix = _PREFIX.match(folded)
    start = prefix.end() if prefix is not None else 0
    pieces: list[str] = []
    position = start
    for cut_start, cut_end in sorted(cuts):
        if cut_end <= position:
            continue
        pieces.append(text[position : max(position, cut_start)])
        position = max(position, cut_end)
    pieces.append(text[position:])
    title = re.sub(r"\s+([,;:.!?])", r"\1", " ".join(" ".join(pieces).split()))
    title = _tidy(re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", title), TITLE_LIMIT)
    return title[:1].upper() + title[1:]


def _from_text(text: str, today: dt.date) -> GoalFields:
    text = text[:READ_LIMIT]
    folded = _fold(text)
    deadline = parse_deadline(text, today)
    cuts = [(deadline.start, deadline.end)] if deadline else []
    # The deadline's words are neither the object, nor the measure, nor a step.
    plain, rest = _blank(text, cuts), _blank(folded, cuts)
    theme, span = _topic(rest)
    # "je vais progresser…" opens the goal: the "je vais" of a first step comes later.
    prefix = _PREFIX.match(folded)
    after_prefix = _blank(rest, [(0, prefix.end())] if prefix else [])
    steps, resources = _first_steps(plain, after_prefix)
    step = _step_span(after_prefix)
    # The means are not the measure ("2 h par semaine"), unless nothing else is measured.
    measure = _measure_phrase(plain, _blank(rest, [step] if step else []))
    return GoalFields(
        title=_title(text, folded, [*cuts, *([step] if step else [])]),
        specific=_tidy(plain[span[0] : span[1]], 120) if span else None,
        measure=measure or _measure_phrase(plain, rest),
        first_steps=steps,
        resources=resources,
        theme=theme,
        deadline=business_deadline(deadline.day, today) if deadline else None,
    )


def _theme_list(themes: Sequence[str]) -> str:
    return ", ".join(THEME_LABELS[t] for t in themes if t in THEME_LABELS)


def _questions(
    fields: GoalFields, *, deadline_past: bool, themes_hint: Sequence[str]
) -> dict[str, str]:
    about = fields.title or fields.specific
    reached = f"« {about} » est atteint" if about else "c'est gagné"
    hint = [t for t in themes_hint if t in THEME_LABELS][:3]
    return {
        "specific": (
            "Sur quoi exactement voulez-vous avancer ? Nommez une compétence, un outil ou un "
            "document : « les jointures en SQL », « mon CV », « mes réponses en entretien »."
        ),
        "measurable": (
            f"À quoi verrez-vous que {reached} ? "
            "Un chiffre, un module terminé, un score ou une certification rendent le progrès "
            "visible."
        ),
        "achievable": (
            "Quelle sera votre toute première étape, et avec quelle ressource ? Par exemple : "
            "vous inscrire à un cours en ligne, bloquer deux heures par semaine, demander "
            "l'aide d'un proche."
        ),
        "relevant": (
            f"Vos retours reviennent surtout sur : {_theme_list(hint)}. Cet objectif répond-il "
            "à l'un de ces points ?"
            if hint
            else "À quel point relevé dans vos retours cet objectif répond-il ? Par exemple : "
            "compétences techniques, CV et lettre, entretien, communication, réseau."
        ),
        "time_bound": (
            "Cette date est déjà passée : quelle nouvelle échéance vous fixez-vous ?"
            if deadline_past
            else "Pour quand vous le fixez-vous ? Une date ou un délai suffit : « d'ici fin "
            "janvier », « dans 6 semaines », « avant le 15 mars »."
        ),
    }


def check_goal(
    goal: str | GoalFields,
    *,
    today: dt.date,
    themes_hint: Sequence[str] = (),
) -> SmartCheck:
    """Check each SMART criterion of a goal written in French or gathered as fields.

    With :class:`GoalFields`, given fields win and the free texts (title, specific,
    measure) fill the gaps. ``themes_hint`` (the person's recurring themes, from
    ``coach.feedbacks.Patterns``) makes the "pertinent" question name them.
    """
    if isinstance(goal, str):
        fields = _from_text(goal, today)
    else:
        read = _from_text(_texts(goal), today)
        fields = replace(
            goal,
            title=goal.title or read.title,
            theme=goal.theme if goal.theme in THEMES else read.theme,
            deadline=goal.deadline or read.deadline,
            resources=goal.resources or read.resources,
            first_steps=goal.first_steps or read.first_steps,
            specific=goal.specific or read.specific,
            measure=goal.measure or read.measure,
        )
    # Each text on its own, its deadline words left out: "Progresser" followed by a measure
    # "finir 4 chapitres" names no object, whatever the words next to each other.
    texts_read = {
        name: (text, _without_deadline(text, today))
        for name, text in (
            ("title", fields.title),
            ("specific", fields.specific or ""),
            ("measure", fields.measure or ""),
        )
    }
    deadline_past = fields.deadline is not None and fields.deadline <= today
    criteria = {
        "specific": any(_has_object(texts_read[name][1]) for name in ("title", "specific"))
        or bool(fields.specific and _concrete(fields.specific)),
        "measurable": any(_measure_phrase(text, rest) for text, rest in texts_read.values()),
        "achievable": bool(fields.first_steps or fields.resources),
        "relevant": fields.theme in THEMES,
        "time_bound": fields.deadline is not None and not deadline_past,
    }
    warnings: list[str] = []
    if fields.deadline is not None and not deadline_past:
        days = (fields.deadline - today).days
        if days < TOO_SOON_DAYS:
            warnings.append(
                "L'échéance est toute proche : gardez un objectif à la mesure de ce délai, ou "
                "donnez-vous un peu plus de temps."
            )
        elif days > TOO_FAR_DAYS:
            warnings.append(
                "Plus d'un an, c'est loin : un premier objectif à deux ou trois mois, puis un "
                "autre, entretient mieux l'élan."
            )
    questions = _questions(fields, deadline_past=deadline_past, themes_hint=themes_hint)
    return SmartCheck(
        fields=fields,
        criteria=criteria,
        questions={name: questions[name] for name in CRITERIA if not criteria[name]},
        warnings=tuple(warnings),
        deadline_past=deadline_past,
    )


def _split_steps(answer: str) -> tuple[str, ...]:
    parts = re.split(r"\n|;|•|\s+puis\s+|,\s+(?:ensuite|puis)\s+", answer)
    return tuple(step for step in (_tidy(part, 200) for part in parts) if step)


def fill(fields: GoalFields, criterion: str, answer: str, *, today: dt.date) -> GoalFields:
    """Put the answer to the question about ``criterion`` where it belongs.

    The result goes back through :func:`check_goal`: an answer that does not satisfy the
    criterion ("quand je me sentirai à l'aise" for "mesurable") leaves it missing."""
    if criterion not in CRITERIA:
        raise ValueError(f"unknown SMART criterion: {criterion!r}")
    text = _tidy((answer or "")[:READ_LIMIT])
    if not text:
        return fields
    if criterion == "specific":
        if not _concrete(text):
            return fields
        title = fields.title
        if not _has_object(_fold(title)):
            # "Progresser" + "en SQL" reads as one sentence; anything else follows a colon.
            joined = re.match(r"(?:en|sur|dans|a|au|aux|mon|ma|mes|le|la|les|l)\b", _fold(text))
            title = f"{title}{' ' if joined else ' : '}{text}" if title else text
            title = _tidy(title, TITLE_LIMIT)
            title = title[:1].upper() + title[1:]
        theme = fields.theme if fields.theme in THEMES else detect_theme(text)
        return replace(fields, title=title, specific=text, theme=theme)
    if criterion == "measurable":
        return replace(fields, measure=text)
    if criterion == "achievable":
        folded = _fold(text)
        _steps, resources = _first_steps(text, folded)
        return replace(
            fields,
            first_steps=tuple(dict.fromkeys((*fields.first_steps, *_split_steps(text)))),
            resources=tuple(dict.fromkeys((*fields.resources, *resources))),
        )
    if criterion == "relevant":
        theme = detect_theme(text)
        return replace(fields, theme=theme) if theme is not None else fields
    deadline = parse_deadline(text, today, whole_answer=True)
    if deadline is None:
        return fields
    return replace(fields, deadline=business_deadline(deadline.day, today))


# --------------------------------------------------------------------------- milestones

_MILESTONE_UNITS: Final = (
    r"(?P<unit>modules?|chapitres?|exercices?|projets?|candidatures?|entretiens?|contacts?"
    r"|articles?|livres?|lecons?|sessions?|simulations?|seances?|publications?|posts?|cours"
    r"|questions?|exemples?|relances?|cafes?|echanges?|dossiers?|videos?|episodes?|quiz"
    r"|cas pratiques?|etudes? de cas|lettres?|pages?|kata|personnes|offres|exercices?)"
)
_TOTAL: Final = re.compile(rf"\b(?P<n>{_COUNT})\s+(?:[a-z]+\s+)?{_MILESTONE_UNITS}\b")


def _singular(unit: str) -> str:
    words = unit.split()
    return " ".join(w[:-1] if w.endswith("s") and w not in ("cours", "cas") else w for w in words)


def _plural_unit(unit: str, count: int) -> str:
    if count <= 1:
        return unit
    return " ".join(w if w.endswith(("s", "x")) else f"{w}s" for w in unit.split())


_UNIT_DISPLAY: Final[dict[str, str]] = {
    "lecon": "leçon",
    "seance": "séance",
    "video": "vidéo",
    "episode": "épisode",
    "cafe": "café",
    "echange": "échange",
    "etude de cas": "étude de cas",
}


def _goal_total(texts: str) -> tuple[str, int] | None:
    """(singular unit, count) when the goal counts something: "terminer les 6 modules"."""
    match = _TOTAL.search(_fold(texts))
    if match is None:
        return None
    count = number_value(match.group("n"))
    return (_singular(match.group("unit")), count) if count >= 2 else None


def _milestone_count(days: int) -> int:
    count = 2 if days < 14 else 3 if days < 42 else 4
    return max(1, min(count, days))


def _goal_texts(goal: Goal | GoalFields) -> str:
    return " \n ".join(part for part in (goal.title, goal.specific, goal.measure) if part)


def _business_days_before(deadline: dt.date, today: dt.date) -> list[dt.date]:
    """The business days strictly between ``today`` and ``deadline``."""
    days = (deadline - today).days
    span = (today + dt.timedelta(days=n) for n in range(1, max(1, days)))
    return [day for day in span if is_business_day(day)]


def milestone_count_range(deadline: dt.date, today: dt.date) -> tuple[int, int]:
    """How many milestones a goal due on ``deadline`` can have: at least one, at most
    :data:`MAX_MILESTONES` and one a business day (the deadline's included)."""
    days = max(1, len(_business_days_before(deadline, today)) + 1)
    return 1, max(1, min(MAX_MILESTONES, days))


def milestone_days(today: dt.date, deadline: dt.date, count: int) -> list[dt.date]:
    """``count`` days evenly spread up to ``deadline`` (the last one on it), on business days.

    A step that would fall on a weekend or a public holiday moves to the business day before
    it — the step is done before the break, the even pace is kept and no step is pushed
    onto the next one — or after it when the one before is taken. With fewer business days
    than steps, the calendar days are kept rather than losing a step."""
    days = (deadline - today).days
    even = [today + dt.timedelta(days=round(days * i / count)) for i in range(1, count + 1)]
    pool = _business_days_before(deadline, today)
    if count < 1 or len(pool) < count - 1:
        return even
    chosen: list[dt.date] = []
    start = 0
    for index, target in enumerate(even[:-1]):
        last_allowed = len(pool) - (count - 1 - index)
        pick = start
        while pick + 1 <= last_allowed and pool[pick + 1] <= target:
            pick += 1
        chosen.append(pool[pick])
        start = pick + 1
    return [*chosen, deadline]


def propose_milestones(
    goal: Goal | GoalFields, today: dt.date, *, count: int | None = None
) -> list[tuple[str, dt.date]]:
    """2 to 4 steps evenly spaced up to the deadline (the last one on it), with titles.

    Fewer when the time is short (one a day at most: a goal due tomorrow has one). A goal
    that counts something ("les 6 modules") gets cumulative titles ("2 modules sur 6");
    otherwise: getting started, intermediate check-ins, and the goal reached. ``count``
    asks for another number of steps (kept within :func:`milestone_count_range`)."""
    if goal.deadline is None:
        raise ValueError("a goal needs a deadline before its milestones can be proposed")
    days = (goal.deadline - today).days
    if days < 1:
        raise ValueError("the deadline must be after today")
    low, high = milestone_count_range(goal.deadline, today)
    count = max(low, min(high, _milestone_count(days) if count is None else count))
    dates = milestone_days(today, goal.deadline, count)
    total = _goal_total(_goal_texts(goal))
    measure = _tidy(goal.measure or "", 120)
    titles: list[str]
    if total is not None and total[1] >= count:
        unit, whole = total
        shown = _UNIT_DISPLAY.get(unit, unit)
        done = [round(whole * i / count) for i in range(1, count + 1)]
        titles = [f"{n} {_plural_unit(shown, n)} sur {whole}" for n in done]
        titles[-1] = f"{titles[-1]} : objectif atteint"
    else:
        first = goal.first_steps[0] if goal.first_steps else None
        start = f"Premier pas : {_tidy(first, 150)}" if first else "Premier pas fait"
        middle = {
            3: ["À mi-parcours : point sur ce qui avance et ce qui coince"],
            4: ["Un tiers du chemin : point d'étape", "Deux tiers du chemin : point d'étape"],
        }.get(count, [f"Point d'étape {n} sur {count - 2}" for n in range(1, count - 1)])
        final = f"Objectif atteint : {measure}" if measure else "Objectif atteint"
        titles = [start, *middle, final] if count >= 2 else [final]
    return [(title[:TITLE_LIMIT], due) for title, due in zip(titles, dates, strict=True)]


def milestone_threshold(position: int, count: int) -> int:
    """The progress (percent) that reaching milestone ``position`` of ``count`` stands for."""
    return round(100 * position / count) if count else 100


# --------------------------------------------------------------------------- progress

ProgressKind = Literal["progress", "done", "abandon", "stalled", "unclear"]


@dataclass(frozen=True)
class ProgressUpdate:
    kind: ProgressKind
    progress: int | None = None  # percent, when the message gives or implies one
    milestone_position: int | None = None  # a milestone the message says is reached


_ABANDON: Final = re.compile(
    r"\b(?:j\s+abandonne|abandonn\w*|j\s+arrete|arreter\s+(?:cet|l|mon)\s+objectif"
    r"|laisse\w*\s+tomber|je\s+renonce|renoncer|on\s+oublie|plus\s+envie"
    r"|ne\s+m\s+interesse\s+plus)\b"
)
_NOT_ABANDON: Final = re.compile(
    r"\b(?:n|ne)\s+(?:\w+\s+)?(?:abandonn|arret|renonc|laiss)\w*\s+(?:\w+\s+)?pas\b"
    r"|\bpas\s+question\s+d\s+(?:abandonner|arreter)|\bsans\s+abandonner"
    r"|\bpas\s+(?:abandonner|arreter|renoncer)\b"
)
_DONE_WORD: Final = (
    r"(?:fait|faite|fini|finie|termine|terminee|atteint|reussi|reussie|boucle|bouclee|valide"
    r"|validee|acheve|achevee|accompli|accomplie|gagne|plie|dans la poche)"
)
_DONE_ALONE: Final = re.compile(
    r"^(?:(?:ok|oui|bon|voila|yes|hop|et|super|ca\s+y\s+est)\s+)*"
    r"(?:(?:c\s+est|j\s+ai|l\s+objectif\s+est|mon\s+objectif\s+est|objectif|etape|l\s+etape\s+est)\s+)?"
    rf"(?:(?:tout\s+)?{_DONE_WORD}(?:\s+(?:et\s+)?{_DONE_WORD})?|c\s+est\s+bon|ca\s+y\s+est)$"
)
_DONE_PHRASE: Final = re.compile(
    rf"\bobjectif\s+(?:est\s+)?{_DONE_WORD}\b|\b(?:j\s+ai|c\s+est)\s+(?:tout\s+)?{_DONE_WORD}"
    r"(?!\s+(?:le|la|les|l|mon|ma|mes|un|une|du|des|de|d|avec|ce|cette|ces|son|sa|ses|\d))\b"
    r"|\bj\s+ai\s+(?:eu|obtenu|decroche|valide|passe)\s+(?:ma|la|mon|le|l)\s+(?:certification"
    r"|certificat|diplome|toeic|toefl|ielts|attestation|examen)\b|\bmission\s+accomplie\b"
)
_PERCENT: Final = re.compile(r"\b(\d{1,3})\s*(?:%|pour\s*cent)")
_FRACTION: Final = re.compile(r"\b(\d{1,3})\s*(?:/|sur)\s*(\d{1,3})\b")
_WORDS_PERCENT: Final = (
    (re.compile(r"\btrois\s+quarts?\b"), 75),
    (re.compile(r"\bmoitie\b|\bmi\s+(?:chemin|parcours)\b"), 50),
    (re.compile(r"\b(?:un|au)\s+quart\b"), 25),
    (
        re.compile(
            r"\b(?:presque|quasi(?:ment)?|bientot)\s+(?:fini|finie|termine|terminee|au bout)\b"
        ),
        90,
    ),
)
_STALLED: Final = re.compile(
    r"\bpas\s+(?:encore\s+)?(?:commence|demarre|avance|eu\s+le\s+temps)\b|\brien\s+fait\b"
    r"|\bpas\s+(?:eu\s+)?le\s+temps\b|\bj\s+ai\s+pris\s+du\s+retard\b|\bje\s+bloque\b"
    r"|\bau\s+point\s+mort\b|\bpietine\b"
)
_ORDINALS: Final[dict[str, int]] = {
    "premier": 1,
    "premiere": 1,
    "deuxieme": 2,
    "second": 2,
    "seconde": 2,
    "troisieme": 3,
    "quatrieme": 4,
    "cinquieme": 5,
    "sixieme": 6,
    "septieme": 7,
    "huitieme": 8,
    "neuvieme": 9,
    "dixieme": 10,
}
_ORD: Final = "(?:" + "|".join(_ORDINALS) + ")"
_ITEM_AFTER: Final = re.compile(
    rf"{_MILESTONE_UNITS}\s*(?:n\s*°?|no|numero|num)?\s*(?P<n>\d{{1,3}}|{NUMBER})\b"
)
_ITEM_BEFORE: Final = re.compile(
    rf"\b(?:(?P<n>\d{{1,3}})\s*(?:e|eme|er|ere|ieme)?|(?P<w>{NUMBER})|(?P<o>{_ORD}))\s+"
    rf"(?:[a-z]+\s+)?{_MILESTONE_UNITS}\b"
)
_STEP_REF: Final = re.compile(
    rf"\b(?:etape|jalon)\s*(?:n\s*°?|no|numero)?\s*(?P<n>\d{{1,2}}|{NUMBER})\b"
    rf"|\b(?P<o>{_ORD})\s+(?:etape|jalon)\b"
    r"|\b(?P<w>\d{1,2})\s*(?:e|eme|er|ere|ieme)\s+(?:etape|jalon)\b"
)


def _count_in(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    if groups.get("n"):
        return number_value(groups["n"])
    if groups.get("w"):
        return number_value(groups["w"])
    if groups.get("o"):
        return _ORDINALS[groups["o"]]
    return None


def _item_progress(folded: str, goal: Goal) -> int | None:
    total = _goal_total(_goal_texts(goal))
    if total is None:
        return None
    unit, whole = total
    for pattern in (_ITEM_AFTER, _ITEM_BEFORE):
        for match in pattern.finditer(folded):
            if _singular(match.group("unit")) != unit:
                continue
            count = _count_in(match)
            if count is not None and count > 0:
                return min(100, round(100 * count / whole))
    return None


_ENDS_DONE: Final = re.compile(rf"\b{_DONE_WORD}$")


_DID: Final = re.compile(
    r"\bj\s+ai\s+(?:fini|termine|boucle|valide|acheve|reussi|commence|attaque|avance)\b"
)


def _progress_signal(folded: str, *, steps: bool) -> bool:
    abandon = _ABANDON.search(folded) and not _NOT_ABANDON.search(folded)
    return bool(
        abandon
        or _DONE_ALONE.match(folded)
        or _DONE_PHRASE.search(folded)
        or _ENDS_DONE.search(folded)
        or _PERCENT.search(folded)
        or _FRACTION.search(folded)
        or _STALLED.search(folded)
        or _DID.search(folded)
        or (steps and _STEP_REF.search(folded))
    )


def _progress_fold(text: str) -> str:
    return " ".join(_fold((text or "")[:READ_LIMIT]).replace("!", " ").split())


def is_bare_done(text: str) -> bool:
    """ "fait", "c'est bon", "terminé": done, without saying what (a step or the goal)."""
    folded = _progress_fold(text).replace(".", " ").strip()
    return bool(_DONE_ALONE.match(folded)) and "objectif" not in folded


def reports_progress(text: str) -> bool:
    """True for a message about how a goal is going: "objectif Excel terminé", "j'en suis à
    40 %", "4/6", "j'ai fini l'étape 2", "j'ai pris du retard", "j'abandonne"."""
    folded = _progress_fold(text)
    return bool(folded) and _progress_signal(folded, steps=True)


def states_a_goal(text: str) -> bool:
    """True for a new goal ("objectif : terminer les 6 modules d'ici un mois", "je veux
    progresser en SQL", "je veux terminer l'étape 2 d'ici lundi"), not a progress message
    about one ("mon objectif est atteint", "je veux abandonner cet objectif", "objectif
    SQL : 50 %")."""
    folded = _progress_fold(text)
    match = _PREFIX.match(folded)
    if match is None or not folded[match.end() :].strip():
        return False
    return not _progress_signal(folded, steps=False)


def parse_progress(
    text: str, goal: Goal, *, milestone_position: int | None = None
) -> ProgressUpdate:
    """Read a progress message about ``goal``.

    ``milestone_position`` is the milestone the conversation is about (the reminder the
    person answers): then a bare "fait" means that milestone is reached, not the whole goal
    (unless it is the last one)."""
    folded = " ".join(_fold((text or "")[:READ_LIMIT]).replace("!", " ").replace(".", " ").split())
    count = len(goal.milestones)
    if _ABANDON.search(folded) and not _NOT_ABANDON.search(folded):
        return ProgressUpdate("abandon")
    percent: int | None = None
    match = _PERCENT.search(folded)
    if match is not None:
        percent = min(100, int(match.group(1)))
    if percent is None:
        fraction = _FRACTION.search(folded)
        if fraction is not None:
            part, whole = int(fraction.group(1)), int(fraction.group(2))
            if whole > 0 and part <= whole:
                percent = round(100 * part / whole)
    if percent is None:
        percent = _item_progress(folded, goal)
    if percent is None:
        for pattern, value in _WORDS_PERCENT:
            if pattern.search(folded):
                percent = value
                break
    step = _STEP_REF.search(folded)
    position = _count_in(step) if step is not None else None
    if position is not None and not 1 <= position <= count:
        position = None
    done_alone = bool(folded) and _DONE_ALONE.match(folded) is not None
    if percent is None and position is None and done_alone and milestone_position is not None:
        if 1 <= milestone_position < count:
            position = milestone_position
        elif milestone_position == count:
            return ProgressUpdate("done", 100, milestone_position)
    if percent is None and position is None and (done_alone or _DONE_PHRASE.search(folded)):
        return ProgressUpdate("done", 100)
    if percent is None and position is not None:
        percent = milestone_threshold(position, count)
    if percent is not None:
        if percent >= 100:
            return ProgressUpdate("done", 100, position)
        return ProgressUpdate("progress", percent, position)
    if _STALLED.search(folded):
        return ProgressUpdate("stalled")
    return ProgressUpdate("unclear")


# --------------------------------------------------------------------------- storage


def fields_of(goal: Goal) -> GoalFields:
    return GoalFields(
        title=goal.title,
        specific=goal.specific,
        measure=goal.measure,
        first_steps=tuple(goal.first_steps or ()),
        resources=tuple(goal.resources or ()),
        theme=goal.theme,
        deadline=goal.deadline,
    )


def create_goal(
    session: Session,
    user: User,
    fields: GoalFields,
    *,
    now: dt.datetime,
    milestones: Sequence[tuple[str, dt.date]] | None = None,
    review_every_days: int = DEFAULT_REVIEW_DAYS,
) -> Goal:
    """Store a goal with its milestones (those given, else :func:`propose_milestones`).

    Needs a title and a deadline after today (local); reminders are a separate step
    (:func:`schedule_goal_reminders`), so that the person can adjust the milestones first.
    """
    title = _tidy(fields.title, TITLE_LIMIT)
    if not title:
        raise ValueError("a goal needs a title")
    today = user_day(user, now)
    if fields.deadline is None or fields.deadline <= today:
        raise ValueError("a goal needs a deadline after today")
    if fields.theme is not None and fields.theme not in THEMES:
        raise ValueError(f"unknown feedback theme: {fields.theme!r}")
    low, high = REVIEW_DAYS_RANGE
    if not low <= review_every_days <= high:
        raise ValueError(f"review_every_days must be within {low}..{high}")
    steps = list(milestones) if milestones is not None else propose_milestones(fields, today)
    for _step_title, due in steps:
        if not today < due <= fields.deadline:
            raise ValueError("milestones fall after today and no later than the deadline")
    goal = Goal(
        user_id=user.id,
        title=title,
        specific=_tidy(fields.specific, TEXT_LIMIT) if fields.specific else None,
        measure=_tidy(fields.measure, TEXT_LIMIT) if fields.measure else None,
        first_steps=[_tidy(step, 200) for step in fields.first_steps if _tidy(step, 200)],
        resources=[_tidy(item, 200) for item in fields.resources if _tidy(item, 200)],
        theme=fields.theme,
        deadline=fields.deadline,
        status="active",
        progress=0,
        review_every_days=review_every_days,
        created_at=now,
        updated_at=now,
    )
    session.add(goal)
    session.flush()
    for position, (step_title, due) in enumerate(sorted(steps, key=lambda s: s[1]), start=1):
        goal.milestones.append(
            Milestone(
                goal_id=goal.id,
                user_id=user.id,
                title=_tidy(step_title, TITLE_LIMIT) or f"Étape {position}",
                due_on=due,
                position=position,
            )
        )
    session.flush()
    return goal


def list_goals(
    session: Session, user: User, *, statuses: Collection[str] = ("active",)
) -> list[Goal]:
    """The user's goals with those statuses, soonest deadline first."""
    return list(
        session.scalars(
            select(Goal)
            .where(Goal.user_id == user.id, Goal.status.in_(list(statuses)))
            .order_by(Goal.deadline, Goal.id)
        )
    )


def get_goal(session: Session, user: User, goal_id: object) -> Goal | None:
    """The user's own goal with that id (another person's id, or garbage, gives None)."""
    if isinstance(goal_id, str) and goal_id.strip().isdigit():
        goal_id = int(goal_id)
    if not isinstance(goal_id, int) or isinstance(goal_id, bool):
        return None
    return session.scalar(select(Goal).where(Goal.id == goal_id, Goal.user_id == user.id))


def _goal_reminders(session: Session, user: User, goal: Goal) -> list[Reminder]:
    rows = session.scalars(
        select(Reminder).where(
            Reminder.user_id == user.id,
            Reminder.kind == REMINDER_KIND,
            Reminder.status.in_((PENDING, CLAIMED)),
        )
    )
    return [row for row in rows if (row.payload or {}).get("goal_id") == goal.id]


def cancel_goal_reminders(
    session: Session,
    user: User,
    goal: Goal,
    *,
    reason: str = "goal_closed",
    milestone_ids: Collection[int] | None = None,
) -> int:
    """Cancel the goal's reminders not yet sent (only those of some milestones if given)."""
    count = 0
    for reminder in _goal_reminders(session, user, goal):
        milestone_id = (reminder.payload or {}).get("milestone_id")
        if milestone_ids is not None and milestone_id not in milestone_ids:
            continue
        reminder.status = CANCELLED
        reminder.last_error = reason
        reminder.claimed_by = None
        count += 1
    session.flush()
    return count


def _review_days(goal: Goal, today: dt.date) -> list[dt.date]:
    steps_on = [m.due_on for m in goal.milestones]
    days: list[dt.date] = []
    step = today + dt.timedelta(days=goal.review_every_days)
    while step < goal.deadline:
        # A review the coach picked itself: a weekday morning, not a Saturday's.
        day = business_day_on_or_after(step)
        if (
            day < goal.deadline
            and day not in days
            and all(abs((day - other).days) > REVIEW_GAP_DAYS for other in steps_on)
        ):
            days.append(day)
        step += dt.timedelta(days=goal.review_every_days)
    return days


def schedule_goal_reminders(
    session: Session, user: User, goal: Goal, now: dt.datetime, *, subdiv: str | None = None
) -> list[Reminder]:
    """One reminder at 9:00 local on each milestone's day still to come, and a review every
    ``review_every_days`` before the deadline (skipped near a milestone's day).

    Calling it again replaces the goal's pending reminders (after an edit). Nothing is
    scheduled for a closed goal, nor when the person muted this kind of reminder."""
    cancel_goal_reminders(session, user, goal, reason="rescheduled")
    if goal.status != "active":
        return []
    zone = user_zone(user)
    today = now.astimezone(zone).date()
    scheduled: list[Reminder] = []
    for milestone in goal.milestones:
        if milestone.done_at is not None or milestone.due_on < today:
            continue
        reminder = schedule(
            session,
            user,
            REMINDER_KIND,
            local_datetime(milestone.due_on, dt.time(REMINDER_HOUR), zone),
            now=now,
            subdiv=subdiv,
            payload={
                "intent": MILESTONE_INTENT,
                "entities": {"goal_id": str(goal.id), "milestone_id": str(milestone.id)},
                "text": f"étape « {milestone.title} » de votre objectif « {goal.title} »",
                "goal_id": goal.id,
                "milestone_id": milestone.id,
            },
        )
        if reminder is not None:
            scheduled.append(reminder)
    for day in _review_days(goal, today):
        reminder = schedule(
            session,
            user,
            REMINDER_KIND,
            local_datetime(day, dt.time(REMINDER_HOUR), zone),
            now=now,
            subdiv=subdiv,
            payload={
                "intent": REVIEW_INTENT,
                "entities": {"goal_id": str(goal.id)},
                "text": f"faire le point sur votre objectif « {goal.title} »",
                "goal_id": goal.id,
                "review": True,
            },
        )
        if reminder is not None:
            scheduled.append(reminder)
    return sorted(scheduled, key=lambda r: (r.due_at, r.id))


def move_deadline(
    session: Session,
    user: User,
    goal: Goal,
    deadline: dt.date,
    *,
    now: dt.datetime,
    subdiv: str | None = None,
) -> Goal:
    """A new deadline for an active goal: the milestones not reached yet are spread evenly
    again up to it (the last one on it, their order kept) and the reminders rescheduled.

    The new date must be after today (local); one on a weekend or a public holiday moves to
    the business day before (:func:`coach.deadlines.business_deadline`); reached milestones
    keep their date."""
    _own(user, goal)
    if goal.status != "active":
        raise ValueError("only an active goal can get a new deadline")
    today = user_day(user, now)
    if deadline <= today:
        raise ValueError("the new deadline must be after today")
    deadline = business_deadline(deadline, today, subdiv)
    open_steps = sorted((m for m in goal.milestones if m.done_at is None), key=lambda m: m.position)
    days = (deadline - today).days
    if open_steps and days < len(open_steps):
        raise ValueError("the new deadline leaves less than a day per milestone")
    if open_steps:
        for milestone, due in zip(
            open_steps, milestone_days(today, deadline, len(open_steps)), strict=True
        ):
            milestone.due_on = due
    for milestone in goal.milestones:
        if milestone.done_at is not None and milestone.due_on > deadline:
            milestone.due_on = deadline  # reached already: never after the goal's end
    goal.deadline = deadline
    goal.updated_at = now
    session.flush()
    schedule_goal_reminders(session, user, goal, now, subdiv=subdiv)
    return goal


def complete(session: Session, user: User, goal: Goal, *, now: dt.datetime) -> Goal:
    """The goal is reached: 100 %, every milestone counted, pending reminders cancelled."""
    _own(user, goal)
    if goal.status != "done":
        goal.status = "done"
        goal.progress = 100
        goal.completed_at = now
        goal.updated_at = now
        for milestone in goal.milestones:
            if milestone.done_at is None:
                milestone.done_at = now
    cancel_goal_reminders(session, user, goal, reason="goal_done")
    return goal


def abandon(session: Session, user: User, goal: Goal, *, now: dt.datetime) -> Goal:
    """The person lets the goal go: kept in the history, reminders cancelled."""
    _own(user, goal)
    if goal.status == "active":
        goal.status = "abandoned"
        goal.updated_at = now
    cancel_goal_reminders(session, user, goal, reason="goal_abandoned")
    return goal


def _own(user: User, goal: Goal) -> None:
    if goal.user_id != user.id:
        raise PermissionError("this goal belongs to someone else")


@dataclass(frozen=True)
class ProgressResult:
    kind: ProgressKind
    goal: Goal
    before: int
    after: int
    reached: tuple[Milestone, ...] = field(default_factory=tuple)  # newly reached milestones


def update_progress(
    session: Session,
    user: User,
    goal: Goal,
    update: ProgressUpdate | int,
    *,
    now: dt.datetime,
) -> ProgressResult:
    """Apply a progress message (or a percentage) to a goal.

    The milestones whose share of the way is covered are marked reached and their reminders
    cancelled; 100 % completes the goal, "j'abandonne" abandons it. A lower percentage than
    before is taken as said (honest progress), reached milestones stay reached."""
    _own(user, goal)
    if isinstance(update, int):
        update = ProgressUpdate("done" if update >= 100 else "progress", max(0, min(100, update)))
    before = goal.progress
    if goal.status != "active":
        return ProgressResult("unclear", goal, before, before)
    if update.kind == "abandon":
        abandon(session, user, goal, now=now)
        return ProgressResult("abandon", goal, before, before)
    if update.kind in ("stalled", "unclear") or update.progress is None:
        return ProgressResult(update.kind, goal, before, before)
    if update.kind == "done" or update.progress >= 100:
        open_steps = tuple(m for m in goal.milestones if m.done_at is None)
        complete(session, user, goal, now=now)
        return ProgressResult("done", goal, before, 100, open_steps)
    progress = max(0, min(99, update.progress))
    count = len(goal.milestones)
    reached: list[Milestone] = []
    for milestone in goal.milestones:
        covered = milestone_threshold(milestone.position, count) <= progress
        named = update.milestone_position == milestone.position
        if milestone.done_at is None and (covered or named):
            milestone.done_at = now
            reached.append(milestone)
    goal.progress = progress
    goal.updated_at = now
    if reached:
        cancel_goal_reminders(
            session, user, goal, reason="milestone_done", milestone_ids={m.id for m in reached}
        )
    session.flush()
    return ProgressResult("progress", goal, before, progress, tuple(reached))


def milestone_update(goal: Goal, milestone: Milestone) -> ProgressUpdate:
    """ "This milestone is reached": its share of the way (never less than the progress
    already given), or the whole goal for the last one."""
    count = len(goal.milestones)
    if milestone.position >= count:
        return ProgressUpdate("done", 100, milestone.position)
    share = max(goal.progress, milestone_threshold(milestone.position, count))
    return ProgressUpdate("progress", share, milestone.position)


def reach_reminded_milestone(
    session: Session, user: User, reminder_id: int, *, now: dt.datetime
) -> ProgressResult | None:
    """ "Fait" on a milestone's reminder shown as a plain message: that milestone is reached.
    None when the reminder is not a milestone's of an active goal of this person, or the
    milestone was already reached."""
    reminder = session.get(Reminder, reminder_id)
    if reminder is None or reminder.user_id != user.id or reminder.kind != REMINDER_KIND:
        return None
    payload = reminder.payload or {}
    goal = get_goal(session, user, payload.get("goal_id"))
    if goal is None or goal.status != "active":
        return None
    milestone = next((m for m in goal.milestones if m.id == payload.get("milestone_id")), None)
    if milestone is None or milestone.done_at is not None:
        return None
    return update_progress(session, user, goal, milestone_update(goal, milestone), now=now)


# --------------------------------------------------------------------------- reviews


@dataclass(frozen=True)
class GoalReview:
    progress: int
    expected: int  # where an even pace would be today
    days_left: int
    on_track: bool
    next_milestone: Milestone | None
    overdue: tuple[Milestone, ...]


ON_TRACK_MARGIN: Final = 15  # percentage points behind an even pace still count as on track


def review(goal: Goal, today: dt.date) -> GoalReview:
    """Where the goal stands against an even pace from its creation to its deadline."""
    start = goal.created_at.date() if goal.created_at else today
    total = max(1, (goal.deadline - start).days)
    elapsed = min(total, max(0, (today - start).days))
    expected = round(100 * elapsed / total)
    open_steps = [m for m in goal.milestones if m.done_at is None]
    upcoming = [m for m in open_steps if m.due_on >= today]
    return GoalReview(
        progress=goal.progress,
        expected=expected,
        days_left=(goal.deadline - today).days,
        on_track=goal.status == "done" or goal.progress >= expected - ON_TRACK_MARGIN,
        next_milestone=upcoming[0] if upcoming else None,
        overdue=tuple(m for m in open_steps if m.due_on < today),
    )


# --------------------------------------------------------------------------- French text

_WEEKDAYS: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _date_fr(day: dt.date, today: dt.date) -> str:
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{_WEEKDAYS[day.weekday()]} {number} {MONTHS_FR[day.month - 1]}"
    return f"{text} {day.year}" if day.year != today.year else text


def moved_deadline_note(said: dt.date, kept: dt.date, today: dt.date) -> str | None:
    """Why the deadline is not the day the person said, when it was moved off a weekend or
    a public holiday (None when it was not moved)."""
    if said == kept:
        return None
    why = "tombe un week-end" if said.weekday() >= 5 else "est un jour férié"
    when = f"Le {_date_fr(said, today)} {why} : échéance fixée au {_date_fr(kept, today)}"
    return f"{when}, pour finir avant la pause." if kept < said else f"{when}."


def _days(count: int) -> str:
    return f"{count} jour{'s' if abs(count) > 1 else ''}"


def smart_message(check: SmartCheck, today: dt.date) -> str:
    """The check in French: each criterion ticked or not, then the first question."""
    fields = check.fields
    lines = [f"Votre objectif : {fields.title}" if fields.title else "Votre objectif :"]
    means = [*fields.first_steps, *fields.resources]
    details = {
        "specific": fields.specific,
        "measurable": fields.measure,
        "achievable": means[0] if means else None,
        "relevant": THEME_LABELS.get(fields.theme or ""),
        "time_bound": _date_fr(fields.deadline, today) if fields.deadline else None,
    }
    for name in CRITERIA:
        mark = "✅" if check.criteria[name] else "⬜"
        detail = details[name] if check.criteria[name] else None
        lines.append(f"{mark} {CRITERION_LABELS[name]}{f' : {detail}' if detail else ''}")
    lines += [f"⚠️ {warning}" for warning in check.warnings]
    question = check.next_question
    lines.append("")
    if question is None:
        lines.append("Les cinq critères sont là : on peut le découper en étapes.")
    else:
        lines.append(question)
    return "\n".join(lines)


def format_goal(goal: Goal, today: dt.date) -> str:
    """A goal in a few lines: title, deadline, progress, next milestone."""
    status = {"done": " (atteint ✅)", "abandoned": " (mis de côté)"}.get(goal.status, "")
    lines = [f"🎯 {goal.title}{status}"]
    if goal.status == "active":
        left = (goal.deadline - today).days
        when = (
            f"échéance {_date_fr(goal.deadline, today)}"
            + (f", dans {_days(left)}" if left > 0 else ", c'est aujourd'hui" if left == 0 else "")
            + (", dépassée" if left < 0 else "")
        )
        lines.append(f"• {when} ; avancement {goal.progress} %")
        done = sum(1 for m in goal.milestones if m.done_at is not None)
        if goal.milestones:
            lines.append(f"• étapes franchies : {done} sur {len(goal.milestones)}")
        upcoming = [m for m in goal.milestones if m.done_at is None]
        if upcoming:
            lines.append(
                f"• prochaine étape : {upcoming[0].title} ({_date_fr(upcoming[0].due_on, today)})"
            )
    if goal.theme in THEME_LABELS:
        lines.append(f"• répond à : {THEME_LABELS[goal.theme]}")
    return "\n".join(lines)


def goal_created_message(goal: Goal, today: dt.date) -> str:
    """The confirmation of a new goal: title, measure, deadline and milestones."""
    lines = [f"C'est noté, voici votre nouvel objectif 🎯 {goal.title}"]
    if goal.measure:
        lines.append(f"• mesure : {goal.measure}")
    left = (goal.deadline - today).days
    lines.append(f"• échéance : {_date_fr(goal.deadline, today)} (dans {_days(left)})")
    if goal.first_steps:
        lines.append(f"• pour commencer : {goal.first_steps[0]}")
    if goal.milestones:
        lines.append("• étapes :")
        lines += [
            f"  {m.position}. {m.title} ({_date_fr(m.due_on, today)})"
            for m in sorted(goal.milestones, key=lambda m: m.position)
        ]
    return "\n".join(lines)


def goals_message(goals: Sequence[Goal], today: dt.date) -> str:
    """/objectifs: the active goals, or how to set a first one."""
    if not goals:
        return (
            "Aucun objectif en cours. Écrivez-le avec vos mots, par exemple « je veux "
            "progresser en SQL d'ici fin janvier » : je vous aide à le rendre SMART. Les "
            "conseils (CV, entretien, réseau, compétences…) proposent aussi des étapes qui "
            "deviennent un objectif d'un geste."
        )
    count = len(goals)
    header = "Votre objectif en cours :" if count == 1 else f"Vos {count} objectifs en cours :"
    blocks = [header, *(format_goal(goal, today) for goal in goals)]
    blocks.append(
        "Je vous fais signe à chaque étape prévue et pour un point régulier. Pour me dire où "
        "vous en êtes, écrivez-le simplement (« j'ai fini le module 2 », « j'en suis à "
        "40 % ») ou choisissez un objectif ci-dessous."
    )
    return "\n\n".join(blocks)


def progress_message(result: ProgressResult, today: dt.date) -> str:
    """What the coach answers to a progress message."""
    goal = result.goal
    if result.kind == "abandon":
        return (
            f"C'est noté : « {goal.title} » est mis de côté, et ses rappels sont annulés. "
            "Renoncer à un objectif qui ne vous sert plus, c'est aussi faire le tri. Un autre "
            "vous parlerait-il davantage ?"
        )
    if result.kind == "done":
        return (
            f"Bravo, « {goal.title} » est atteint ! Prenez un moment pour le savourer, puis "
            "pensez à le faire figurer sur votre CV ou votre profil : c'est une preuve concrète "
            "de progrès."
        )
    if result.kind == "stalled":
        return (
            "Ça arrive, et ce n'est pas un échec. Quelle serait la plus petite action possible "
            "cette semaine ? Dix minutes suffisent pour remettre la machine en route."
        )
    if result.kind == "unclear":
        return (
            "Je n'ai pas bien saisi où vous en êtes. Vous pouvez répondre par exemple « j'en "
            "suis à 40 % », « j'ai fini l'étape 2 », « terminé » ou « j'abandonne »."
        )
    lines = [f"C'est noté : « {goal.title} » avance à {result.after} %."]
    if result.reached:
        names = ", ".join(f"« {m.title} »" for m in result.reached)
        lines.append(f"Étape franchie : {names}. Bien joué.")
    upcoming = [m for m in goal.milestones if m.done_at is None]
    if upcoming:
        lines.append(
            f"Prochaine étape : {upcoming[0].title} ({_date_fr(upcoming[0].due_on, today)})."
        )
    return "\n".join(lines)


def review_message(goal: Goal, today: dt.date) -> str:
    """The periodic review: where the goal stands and what to decide."""
    state = review(goal, today)
    lines = [f"Point d'étape sur « {goal.title} » : {state.progress} % fait."]
    if state.days_left > 0:
        lines.append(f"Il reste {_days(state.days_left)} avant l'échéance.")
    elif state.days_left == 0:
        lines.append("L'échéance, c'est aujourd'hui.")
    else:
        lines.append(f"L'échéance est dépassée de {_days(-state.days_left)}.")
    if state.overdue:
        label = "Étape en retard" if len(state.overdue) == 1 else "Étapes en retard"
        lines.append(f"{label} : " + ", ".join(f"« {m.title} »" for m in state.overdue) + ".")
    if state.on_track:
        lines.append("Vous êtes dans le rythme : gardez le cap.")
    else:
        lines.append(
            "Vous êtes un peu en retard sur le rythme prévu. Rien de grave : on peut alléger "
            "l'objectif, repousser la date, ou trouver un créneau fixe dans la semaine."
        )
    if state.next_milestone is not None:
        lines.append(
            f"Prochaine étape : {state.next_milestone.title} "
            f"({_date_fr(state.next_milestone.due_on, today)})."
        )
    lines.append(
        "Prenez une minute pour faire le point : qu'est-ce qui a avancé, qu'est-ce qui "
        "coince, et la date vous paraît-elle toujours tenable ? Dites-moi où vous en êtes "
        "(« j'en suis à 40 % », « j'ai fini l'étape 2 »), ou choisissez ci-dessous."
    )
    return "\n".join(lines)
