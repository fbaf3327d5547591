"""What the coach says once a feedback is recorded (SPEC §3 flows 6, 7 and 9): pure text.

No database, no Rasa, no Telegram, no randomness: the same analysis always gives the same
words. The ideas come from the reference article (constructive vs generic feedback, the
usual reasons for a rejection and what helps with each, the five steps of interpreting a
feedback, unhelpful feedback and second opinions); the sentences are the project's own, and
a test checks that no eight consecutive words are copied from the article.

- :func:`format_analysis` — what the analysis found, with the phrases behind each theme and
  signal quoted, and why a non-constructive remark need not be taken to heart as it is.
- The five interpretation steps (:data:`INTERPRETATION_STEPS`): :func:`step_details`,
  :func:`step_clarification` (with an email draft when the feedback is generic or vague),
  :func:`reflection_prompts`, :func:`action_plan` (per theme, from :data:`ACTION_STEPS`),
  :func:`positive_close`.
- :func:`thank_you_note`, :func:`second_opinion` (offered when
  :func:`calls_for_second_opinion`) and :func:`patterns_message` (``/bilan``, which names the
  charts that :func:`charts_to_draw` says will follow).

Wording conventions, held by the tests:

- Messages from the coach use vouvoiement and avoid gendered words about the reader by
  rephrasing; where a gendered form cannot be avoided it is written with a middle dot
  ("déçu·e"), as in :mod:`coach.emotions`.
- Drafts the person sends in their own name contain no gendered adjective about them and no
  middle dot at all (nobody should have to edit "intéressé·e" out of their own mail); the only
  placeholder is :data:`coach.drafts.NAME_PLACEHOLDER`, when their name is unknown.
- Telegram plain text: no Markdown or HTML markup; "•" bullets and line breaks only.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from coach.drafts import NAME_PLACEHOLDER, Profile, word_count
from coach.feedback import SIGNAL_LABELS, SIGNALS, THEME_LABELS, THEMES, FeedbackAnalysis
from coach.language import writing
from coach.language.fold import fold_keep_length

__all__ = [
    "ACTION_STEPS",
    "CHART_MOOD",
    "CHART_THEMES",
    "CLARIFICATION_MAX_WORDS",
    "INTERPRETATION_STEPS",
    "MIN_MOODS_FOR_CHART",
    "REFLECTION_INTRO",
    "THANK_YOU_MAX_WORDS",
    "FeedbackContext",
    "PatternsView",
    "action_plan",
    "calls_for_second_opinion",
    "charts_to_draw",
    "format_analysis",
    "name_hint",
    "patterns_message",
    "positive_close",
    "reflection_prompts",
    "second_opinion",
    "step_clarification",
    "step_details",
    "thank_you_note",
]

CLARIFICATION_MAX_WORDS: Final = 150
THANK_YOU_MAX_WORDS: Final = 120
MAX_PLAN_THEMES: Final = 4  # more fronts at once would dilute the effort

INTERPRETATION_STEPS: Final[tuple[str, ...]] = (
    "Faire le tri entre points forts et points à travailler",
    "Demander des précisions",
    "Revenir sur votre entretien",
    "Construire un plan d'action",
    "Garder le cap",
)


@dataclass(frozen=True)
class FeedbackContext:
    """What we know around a feedback: the application and who wrote it (all optional)."""

    company: str | None = None
    position: str | None = None
    contact_name: str | None = None  # the person who gave the feedback, or the recruiter
    contact_role: str | None = None
    culture: str | None = None  # "formal" / "casual" / "unknown": picks the salutation


class PatternsView(Protocol):
    """The fields of ``coach.feedbacks.Patterns`` this module reads (read-only)."""

    @property
    def total(self) -> int: ...
    @property
    def constructive(self) -> int: ...
    @property
    def generic(self) -> int: ...
    @property
    def theme_counts(self) -> Mapping[str, int]: ...
    @property
    def recurring(self) -> Sequence[str]: ...
    @property
    def priority(self) -> Sequence[str]: ...
    @property
    def signal_counts(self) -> Mapping[str, int]: ...
    @property
    def companies(self) -> Mapping[str, Sequence[str]]: ...


# --------------------------------------------------------------------------- small helpers


def name_hint(profile: Profile) -> str | None:
    """The reminder to put one's name in a draft signed with the placeholder."""
    return None if profile.name else f"(Pensez à remplacer {NAME_PLACEHOLDER} par votre nom.)"


def _clean(value: str | None, limit: int = 80) -> str | None:
    """A user-given name on one line, short enough for a message; None when empty."""
    if not value:
        return None
    text = " ".join(value.split())[:limit].strip()
    return text or None


def _company(ctx: FeedbackContext) -> str | None:
    """The company as it writes itself (« leroy merlin » → « Leroy Merlin »)."""
    return _clean(writing.company(ctx.company))


def _person(ctx: FeedbackContext, limit: int = 80) -> str | None:
    return _clean(writing.person(ctx.contact_name), limit)


def _quote(phrase: str, limit: int) -> str:
    """« phrase », cut at a word boundary with an ellipsis when longer than ``limit``."""
    text = " ".join(phrase.replace("«", '"').replace("»", '"').split())
    if len(text) > limit:
        cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
        text = cut.rstrip(" ,;:.-") + "…"
    return f"« {text} »"


def _of(word: str) -> str:
    """French "de" before a name or a noun: « d'ingénieure », « de Hachette », « du … »."""
    return writing.de(word)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _step(number: int) -> str:
    return f"Étape {number}/5 — {INTERPRETATION_STEPS[number - 1]}"


def _known_themes(themes: Collection[str]) -> list[str]:
    return [theme for theme in THEMES if theme in themes]


def _theme_label(theme: str) -> str:
    label = THEME_LABELS.get(theme, theme)
    return f"{label} (hors de votre contrôle)" if theme == "competition" else label


# --------------------------------------------------------------------------- the analysis

_KIND_SENTENCES: Final[dict[str, str]] = {
    "constructive": (
        "Retour constructif : il nomme des points précis, sur lesquels vous pouvez agir."
    ),
    "generic": (
        "Retour plutôt générique : une formule polie, très courante, qui n'explique pas "
        "vraiment la décision."
    ),
}

#: Why each kind of non-constructive remark need not be taken to heart as it stands.
_SIGNAL_ADVICE: Final[dict[str, str]] = {
    "vague": (
        "Un message aussi flou n'est pas un verdict sur vous ; rien ne vous empêche de demander "
        "des précisions."
    ),
    "personal_attack": (
        "Cette remarque vise la personne et non le travail ; elle en dit plus sur la personne "
        "qui l'a formulée que sur vous."
    ),
    "overly_negative": (
        "Le ton est excessif : gardez seulement ce qui peut se travailler, laissez le reste."
    ),
    "lacks_context": (
        "Cette remarque semble ignorer le poste visé : comparez-la à l'annonce avant d'en "
        "tenir compte."
    ),
}

_NO_THEME: Final = (
    "Aucun point précis à travailler n'y figure : ce n'est pas un reproche caché, juste un "
    "message peu détaillé."
)
_ANALYSIS_BUDGET: Final = 1200  # characters, so the message stays one readable bubble


def _analysis_text(
    analysis: FeedbackAnalysis, ctx: FeedbackContext, quotes: int, limit: int
) -> str:
    who = ", ".join(v for v in (_person(ctx), _company(ctx)) if v)
    lines = [f"Voici ce que je lis dans ce retour{f' ({who})' if who else ''} :"]
    lines.append(_KIND_SENTENCES.get(analysis.kind, _KIND_SENTENCES["generic"]))
    themes = _known_themes(analysis.themes)
    if themes:
        lines.append("")
        lines.append("Points relevés :")
        for theme in themes:
            evidence = analysis.evidence.get(theme, [])[:quotes]
            quoted = ", ".join(_quote(phrase, limit) for phrase in evidence)
            lines.append(f"• {_theme_label(theme)}{f' : {quoted}' if quoted else ''}")
    else:
        lines.append(_NO_THEME)
    signals = [signal for signal in SIGNALS if signal in analysis.signals]
    if signals:
        lines.append("")
        lines.append("À prendre avec du recul :")
        for signal in signals:
            label = SIGNAL_LABELS.get(signal, signal)
            label = label[:1].upper() + label[1:]
            evidence = analysis.evidence.get(signal, [])[:1]
            quoted = f" : {_quote(evidence[0], limit)}." if evidence else "."
            lines.append(f"• {label}{quoted} {_SIGNAL_ADVICE[signal]}")
    return "\n".join(lines)


def format_analysis(analysis: FeedbackAnalysis, ctx: FeedbackContext) -> str:
    """Kind, themes with the phrases that triggered them, and the non-constructive signals."""
    text = ""
    # Fewer and shorter quotes until the message fits one readable bubble.
    for quotes, limit in ((2, 90), (1, 90), (1, 60), (1, 40)):
        text = _analysis_text(analysis, ctx, quotes, limit)
        if len(text) <= _ANALYSIS_BUDGET:
            break
    return text


# --------------------------------------------------------------------------- step 1

# Politeness formulas are not strengths, even when they contain a kind word ("bonne
# continuation"): they are left out of the "what was appreciated" list.
_COURTESY: Final = re.compile(
    r"^\W*(?:nous vous souhaitons|je vous souhaite|bonne (?:continuation|chance|journee|suite)"
    r"|belle (?:continuation|journee)|(?:avec )?nos (?:meilleurs|sinceres) \w+|merci\b"
    r"|nous vous remercions|cordialement|bien a vous)"
)


def _not_a_strength(phrase: str, analysis: FeedbackAnalysis) -> bool:
    """A politeness formula, or a phrase that also carries a weakness or a signal."""
    if _COURTESY.search(fold_keep_length(phrase)):
        return True
    # "Malgré ses qualités, nous avons retenu un autre profil" praises only in passing.
    return any(
        phrase in found or found in phrase
        for phrases in analysis.evidence.values()
        for found in phrases
    )


def step_details(analysis: FeedbackAnalysis) -> str:
    """Step 1: what was appreciated next to what is left to work on."""
    lines = [_step(1), "Ce qui a été apprécié :"]
    strengths = [p for p in analysis.strengths if not _not_a_strength(p, analysis)]
    if strengths:
        lines += [f"• {_quote(phrase, 100)}" for phrase in strengths[:3]]
    else:
        lines.append(
            "• Je n'ai pas repéré de point fort explicite dans ce message. Notez vous-même ce "
            "qui s'est bien passé : une réponse solide, un bon échange, une compétence qui a "
            "retenu l'attention."
        )
    lines.append("Ce qui reste à travailler :")
    themes = _known_themes(analysis.themes)
    if themes:
        lines += [f"• {_theme_label(theme)}" for theme in themes]
    else:
        lines.append(
            "• Aucun point précis n'est nommé ; l'étape suivante peut vous en apprendre plus."
        )
    lines.append(
        "Mettre les deux listes côte à côte donne une image plus fidèle que la déception du moment."
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- step 2

#: One precise question per theme, for the clarification email (written by the sender).
_CLARIFYING_QUESTIONS: Final[dict[str, str]] = {
    "experience": "Quelle expérience vous aurait semblé décisive pour ce poste ?",
    "technical_skills": (
        "Quelle compétence technique me conseilleriez-vous de consolider en priorité ?"
    ),
    "cultural_fit": (
        "Qu'est-ce qui vous a fait penser que mon profil correspondait moins à l'équipe ?"
    ),
    "interview_performance": (
        "Y a-t-il une réponse de l'entretien qui aurait gagné à être plus précise ?"
    ),
    "communication": "Sur ma manière de présenter mes idées, que me conseilleriez-vous ?",
    "competition": "Qu'est-ce qui, dans le profil retenu, a fait la différence avec le mien ?",
    "application_documents": "Qu'est-ce qui, dans mon CV ou ma lettre, aurait pu être plus clair ?",
    "overqualification": (
        "Qu'est-ce qui, dans mon parcours, a pu faire douter de mon intérêt pour ce poste ?"
    ),
    "enthusiasm": "Comment aurais-je pu mieux montrer mon intérêt pour votre entreprise ?",
    "problem_solving": (
        "Sur l'exercice proposé, quel point de ma démarche aurait dû être approfondi ?"
    ),
}
_GENERIC_QUESTIONS: Final[tuple[str, ...]] = (
    "Qu'est-ce qui a le plus pesé dans votre décision ?",
    "Y a-t-il un point précis de ma candidature que je pourrais améliorer ?",
)


def _needs_clarification(analysis: FeedbackAnalysis) -> bool:
    return analysis.kind == "generic" or "vague" in analysis.signals


def _application(ctx: FeedbackContext, *, with_details: bool) -> str:
    if not with_details:
        return "ma candidature"
    position, company = _clean(ctx.position), _company(ctx)
    text = "ma candidature"
    if position:
        text += f" au poste {_of(position)}"
    if company:
        text += f" chez {company}"
    return text


def _clarification_draft(analysis: FeedbackAnalysis, ctx: FeedbackContext, profile: Profile) -> str:
    questions = [_CLARIFYING_QUESTIONS[t] for t in _known_themes(analysis.themes)][:2]
    questions += [q for q in _GENERIC_QUESTIONS if q not in questions][: 2 - len(questions)]
    name = _person(ctx, 60)
    position = _clean(ctx.position)

    def build(with_details: bool, count: int, courtesy: bool) -> str:
        paragraphs = [
            writing.greeting(name, ctx.culture),
            "Merci d'avoir pris le temps de me répondre au sujet de "
            f"{_application(ctx, with_details=with_details)}.",
            "Pour progresser, j'aimerais mieux comprendre votre décision. Pourriez-vous "
            f"m'éclairer sur {'ce point' if count == 1 else 'ces points'} ?",
            "\n".join(f"• {question}" for question in questions[:count]),
        ]
        if courtesy:
            paragraphs.append(
                "Deux ou trois lignes me suffiraient, et je comprendrai tout à fait si le "
                "temps vous manque."
            )
        paragraphs.append(
            f"Merci encore, et belle journée.\n\nBien cordialement,\n{profile.signature()}"
        )
        subject = "Objet : Merci pour votre retour"
        if with_details and position:
            subject += f" — poste {_of(position)}"
        return subject + "\n\n" + "\n\n".join(paragraphs)

    # The fullest version that stays within the word limit (long names or titles shorten it).
    for with_details, count, courtesy in ((True, 2, True), (True, 1, True), (False, 1, False)):
        draft = build(with_details, count, courtesy)
        if word_count(draft) <= CLARIFICATION_MAX_WORDS:
            return draft
    return draft


def step_clarification(
    analysis: FeedbackAnalysis, ctx: FeedbackContext, profile: Profile
) -> tuple[str, str | None]:
    """Step 2: a draft asking for precise points when the feedback is generic or vague."""
    if _needs_clarification(analysis):
        who = _person(ctx) or "la personne"
        lines = [
            _step(2),
            f"Ce retour reste général. Une réponse courte et polie peut inviter {who} à "
            "préciser sa pensée : une question ciblée obtient souvent une vraie réponse, et "
            "votre démarche montre votre envie de progresser.",
            "Voici un brouillon à adapter avant de l'envoyer :",
        ]
        hint = name_hint(profile)
        if hint:
            lines.append(hint)
        return "\n".join(lines), _clarification_draft(analysis, ctx, profile)
    lines = [_step(2), "Ce retour est assez précis pour avancer sans relancer personne."]
    if "lacks_context" in analysis.signals:
        lines.append(
            "Une remarque semble toutefois décalée par rapport au poste : une question courte "
            "peut lever le doute, par exemple en demandant sur quel point de l'annonce elle "
            "s'appuie."
        )
    else:
        lines.append(
            "Une question reste utile si un point vous échappe ou si la personne a proposé "
            "d'en reparler : demandez alors un exemple concret, en une ou deux phrases, sans "
            "chercher à vous justifier."
        )
    return "\n".join(lines), None


# --------------------------------------------------------------------------- step 3

REFLECTION_INTRO: Final = (
    f"{_step(3)}\nPrenez quelques minutes pour ces questions, à votre rythme : vos réponses "
    "aident à repérer ce que le message ne dit pas."
)

_THEME_PROMPTS: Final[dict[str, str]] = {
    "experience": (
        "Quelles expériences (missions, projets, bénévolat) auriez-vous pu mieux mettre en "
        "avant pour ce poste ?"
    ),
    "technical_skills": (
        "Parmi les compétences demandées dans l'annonce, lesquelles maîtrisez-vous déjà, et "
        "lesquelles restent à acquérir ?"
    ),
    "cultural_fit": (
        "Ce que vous avez perçu de l'équipe et de sa façon de travailler vous correspond-il "
        "vraiment ?"
    ),
    "interview_performance": (
        "Quelle question a été la plus difficile pour vous, et que répondriez-vous aujourd'hui "
        "avec un exemple précis ?"
    ),
    "communication": (
        "À quel moment de l'échange les mots sont-ils venus moins facilement, et pourquoi "
        "selon vous ?"
    ),
    "competition": (
        "Qu'est-ce qui, dans votre parcours, vous distingue des autres personnes qui visent ce "
        "type de poste ?"
    ),
    "application_documents": (
        "En relisant votre CV et votre lettre à côté de l'annonce, chaque exigence y "
        "trouve-t-elle une réponse claire ?"
    ),
    "overqualification": (
        "Pourquoi ce poste vous attirait-il, et l'avez-vous expliqué pendant l'entretien ?"
    ),
    "enthusiasm": (
        "Qu'est-ce qui vous plaisait dans cette entreprise, et l'avez-vous dit clairement "
        "pendant l'entretien ?"
    ),
    "problem_solving": (
        "Face à l'exercice ou au cas pratique, par quoi avez-vous commencé, et par quoi "
        "commenceriez-vous aujourd'hui ?"
    ),
}
_GENERIC_PROMPTS: Final[tuple[str, ...]] = (
    "Quel moment de l'entretien s'est le mieux passé, et qu'est-ce qui l'a rendu réussi ?",
    "Y a-t-il une question à laquelle vous aimeriez répondre autrement aujourd'hui ?",
    "Comment vous sentiez-vous pendant l'échange : plutôt à l'aise, ou sur la réserve ?",
)


def reflection_prompts(analysis: FeedbackAnalysis) -> list[str]:
    """Step 3: two or three questions on the interview, led by the themes found."""
    from_themes = [_THEME_PROMPTS[theme] for theme in _known_themes(analysis.themes)][:2]
    if not from_themes:
        return list(_GENERIC_PROMPTS)
    # One generic question keeps an eye on what went well, not only on what was criticised.
    return [*from_themes, _GENERIC_PROMPTS[0]]


# --------------------------------------------------------------------------- step 4

ACTION_STEPS: Final[dict[str, tuple[str, ...]]] = {
    "experience": (
        "Repérez dans l'annonce les expériences attendues et notez celles que vous avez "
        "déjà, y compris hors emploi.",
        "Comblez l'écart par un projet personnel, une mission en freelance, du bénévolat ou "
        "un stage court.",
        "Racontez ces expériences dans votre CV avec ce qu'elles ont produit.",
    ),
    "technical_skills": (
        "Listez les outils et compétences cités dans le retour et dans l'annonce.",
        "Choisissez une formation courte, en ligne ou en atelier, et réservez un créneau "
        "chaque semaine pour pratiquer.",
        "Montrez le résultat : un petit projet ou une certification à citer dans vos "
        "prochaines candidatures.",
    ),
    "cultural_fit": (
        "Avant chaque entretien, étudiez la mission, les valeurs et la façon de travailler de "
        "l'entreprise (site, réseaux, avis de salariés).",
        "Préparez un exemple concret où votre manière de travailler rejoint celle de l'équipe.",
        "Posez vous-même une question sur la vie de l'équipe, pour vérifier qu'elle vous "
        "convient aussi.",
    ),
    "interview_performance": (
        "Préparez cinq exemples avec la méthode STAR : situation, tâche, action, résultat.",
        "Entraînez-vous à voix haute sur les questions classiques, avec un proche ou en vous "
        "enregistrant.",
        "Soignez le non-verbal : regard, posture, gestes calmes.",
    ),
    "communication": (
        "Répétez à voix haute une présentation de votre parcours en deux minutes, jusqu'à ce "
        "qu'elle coule naturellement.",
        "Faites une simulation d'entretien avec un proche, un mentor ou un conseiller, et "
        "demandez un avis franc.",
        "Rejoignez un atelier de prise de parole pour gagner en aisance.",
    ),
    "competition": (
        "Activez votre réseau : une recommandation interne pèse souvent lourd.",
        "Soignez votre profil LinkedIn pour que vos points forts sautent aux yeux.",
        "Remerciez l'entreprise et gardez le lien : un autre poste peut s'y ouvrir.",
    ),
    "application_documents": (
        "Adaptez CV et lettre à chaque offre, en reprenant les mots-clés de l'annonce.",
        "Chiffrez vos réalisations (délais, volumes, pourcentages) au lieu de lister des tâches.",
        "Faites relire vos documents par une autre personne pour traquer fautes et lourdeurs.",
    ),
    "overqualification": (
        "Dites clairement ce qui vous attire dans ce poste et la place qu'il tient dans "
        "votre projet.",
        "Abordez vous-même le sujet en entretien pour rassurer sur votre envie de vous "
        "engager dans la durée.",
        "Ajustez votre CV au niveau du poste en mettant en avant ce qui sert directement la "
        "mission.",
    ),
    "enthusiasm": (
        "Renseignez-vous en profondeur sur l'entreprise et dites en entretien ce qui vous plaît "
        "dans son projet.",
        "Préparez deux ou trois questions qui montrent votre curiosité pour le poste.",
        "Exprimez clairement votre envie de rejoindre l'équipe en fin d'entretien.",
    ),
    "problem_solving": (
        "Entraînez-vous sur des cas pratiques et des mises en situation de votre métier.",
        "Pensez à voix haute pendant l'exercice : annoncez votre démarche avant la solution.",
        "Préparez des exemples STAR où vous avez résolu un vrai problème.",
    ),
}
_COMPETITION_NOTE: Final = (
    "D'autres profils étaient en lice : cela ne dépend pas de vous. Ce qui aide malgré tout :"
)
_NO_THEME_ACTIONS: Final[tuple[str, ...]] = (
    "Demandez une précision à la personne qui vous a répondu (étape 2).",
    ACTION_STEPS["application_documents"][0],
    ACTION_STEPS["interview_performance"][0],
)


def action_plan(themes: Collection[str]) -> str:
    """Step 4: two or three concrete actions for each theme (at most four themes)."""
    known = _known_themes(themes)
    lines = [_step(4)]
    if not known:
        lines.append("Aucun point précis n'a été nommé ; voici de quoi avancer malgré tout :")
        lines += [f"• {action}" for action in _NO_THEME_ACTIONS]
    for theme in known[:MAX_PLAN_THEMES]:
        lines.append("")
        lines.append(THEME_LABELS.get(theme, theme))
        if theme == "competition":
            lines.append(_COMPETITION_NOTE)
        lines += [f"• {action}" for action in ACTION_STEPS[theme]]
    later = known[MAX_PLAN_THEMES:]
    if later:
        labels = ", ".join(THEME_LABELS.get(theme, theme) for theme in later)
        lines.append("")
        lines.append(
            f"Le reste ({labels}) viendra ensuite : avancer sur peu de fronts à la fois "
            "donne de meilleurs résultats."
        )
    lines.append("")
    lines.append(
        "Commencez par une action cette semaine, pas davantage ; /objectifs vous aide à en "
        "faire un objectif suivi."
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- step 5


def positive_close(analysis: FeedbackAnalysis, ctx: FeedbackContext) -> str:
    """Step 5: a short, warm close; the wording depends on what the feedback gave."""
    company = _company(ctx)
    if analysis.kind == "constructive":
        source = f" grâce à {company}" if company else ""
        body = (
            "Ce refus est une étape, pas une conclusion. Vous repartez avec des pistes "
            f"concrètes{source}, ce que beaucoup de candidatures n'apportent jamais. Vos "
            "compétences continuent de grandir, et chaque entretien vous y entraîne. Je reste "
            "là pour la suite."
        )
    else:
        body = (
            "Ce message vous apprend peu, et c'est frustrant. Il ne dit pourtant rien de votre "
            "valeur : une porte se ferme, d'autres restent ouvertes. Vous y avez gagné de "
            "l'entraînement et une meilleure idée de ce que ce type de poste demande. La "
            "prochaine candidature partira sur des bases plus solides, et je reste là pour "
            "la préparer avec vous."
        )
    return f"{_step(5)}\n{body}"


# --------------------------------------------------------------------------- thank-you note


def thank_you_note(
    ctx: FeedbackContext, profile: Profile, analysis: FeedbackAnalysis | None = None
) -> str:
    """A short thank-you for the person who gave the feedback (≤ THANK_YOU_MAX_WORDS).

    It thanks for precise remarks only when the feedback named something to work on
    (constructive, with a theme); a generic answer, or none recorded, is thanked for the
    answer and the time it took, without claiming it gave clear leads."""
    name = _person(ctx, 60)
    precise = (
        analysis is not None
        and analysis.kind == "constructive"
        and bool(_known_themes(analysis.themes))
    )

    def build(with_details: bool) -> str:
        company = _company(ctx) if with_details else None
        about = _application(ctx, with_details=with_details)
        thanks = (
            [
                f"Merci d'avoir pris le temps de me répondre au sujet de {about}, et pour "
                "vos remarques précises.",
                "Elles me donnent des pistes concrètes pour mes prochaines démarches.",
            ]
            if precise
            else [
                f"Merci pour votre réponse au sujet de {about}, et pour le temps que vous "
                "y avez consacré."
            ]
        )
        paragraphs = [
            writing.greeting(name, ctx.culture),
            *thanks,
            f"{writing.sentence(company)} m'intéresse toujours : j'espère que nos chemins se "
            "recroiseront lors d'une prochaine opportunité."
            if company
            else "J'espère que nos chemins se recroiseront lors d'une prochaine opportunité.",
            f"Bien cordialement,\n{profile.signature()}",
        ]
        return "Objet : Merci pour votre retour\n\n" + "\n\n".join(paragraphs)

    note = build(with_details=True)
    if word_count(note) > THANK_YOU_MAX_WORDS:
        note = build(with_details=False)
    return note


# --------------------------------------------------------------------------- second opinion


#: Signals of a remark that is hard to take as it is: another view helps weigh it.
_SECOND_OPINION_SIGNALS: Final = frozenset(
    {"personal_attack", "overly_negative", "lacks_context", "vague"}
)


def calls_for_second_opinion(analysis: FeedbackAnalysis) -> bool:
    """True when the analysis found a non-constructive signal (the second opinion is offered)."""
    return bool(_SECOND_OPINION_SIGNALS & set(analysis.signals))


def second_opinion() -> str:
    """Where to get another view when a feedback feels unfair or unclear."""
    return "\n".join(
        [
            "Quand un retour vous semble injuste ou obscur, un autre regard aide à faire la "
            "part des choses :",
            "• une personne de confiance qui connaît votre domaine (collègue, mentor, proche) : "
            "elle vous dira si la remarque lui parle ;",
            "• votre réseau professionnel ou une communauté de votre secteur (groupe LinkedIn, "
            "forum, association) : décrivez la situation sans citer l'entreprise et demandez "
            "ce que d'autres en pensent ;",
            "• un accompagnement professionnel : coach carrière, conseil en évolution "
            "professionnelle, France Travail, l'APEC pour les cadres, ou un bilan de "
            "compétences si les refus se répètent.",
            "Relisez aussi l'annonce : une remarque sur un point qu'elle ne demandait pas mérite "
            "moins de poids.",
        ]
    )


# --------------------------------------------------------------------------- /bilan

_MAX_COMPANIES: Final = 3
CHART_THEMES: Final = "themes"
CHART_MOOD: Final = "mood"
#: The mood chart needs a line: one point says nothing about a trend.
MIN_MOODS_FOR_CHART: Final = 2


def charts_to_draw(patterns: PatternsView, mood_count: int) -> tuple[str, ...]:
    """The /bilan charts that have something to show: the themes once a feedback named one,
    the mood once :data:`MIN_MOODS_FOR_CHART` moods were recorded."""
    charts: list[str] = []
    if any(count > 0 for count in patterns.theme_counts.values()):
        charts.append(CHART_THEMES)
    if mood_count >= MIN_MOODS_FOR_CHART:
        charts.append(CHART_MOOD)
    return tuple(charts)


def _charts_sentence(charts: Collection[str]) -> str | None:
    themes, mood = CHART_THEMES in charts, CHART_MOOD in charts
    if themes and mood:
        return "Deux graphiques suivent : vos thèmes, puis votre humeur au fil du temps."
    if themes:
        return "Le graphique de vos thèmes suit."
    if mood:
        return "Le graphique de votre humeur au fil du temps suit."
    return None


def _companies(names: Sequence[str]) -> str:
    unique = [n for n in dict.fromkeys(_clean(writing.company(name)) for name in names) if n]
    if not unique:
        return ""
    shown = ", ".join(unique[:_MAX_COMPANIES])
    rest = len(unique) - _MAX_COMPANIES
    if rest > 0:
        shown += f" et {_plural(rest, 'autre', 'autres')}"
    return f" ({shown})"


def _kinds(total: int, constructive: int, generic: int) -> str:
    recorded = _plural(total, "retour enregistré", "retours enregistrés")
    if total == 1:
        return f"{recorded} ({'constructif' if constructive else 'générique'})"
    if constructive and generic:
        kinds = (
            f"{_plural(constructive, 'constructif', 'constructifs')} et "
            f"{_plural(generic, 'générique', 'génériques')}"
        )
        return f"{recorded}, dont {kinds}"
    return f"{recorded}, tous {'constructifs' if constructive else 'génériques'}"


def _theme_line(theme: str, count: int, recurring: bool, companies: str) -> str:
    label = THEME_LABELS.get(theme, theme)
    if recurring:
        return f"🔁 {label} — revient dans {count} retours{companies}"
    return f"• {label} — {_plural(count, 'retour', 'retours')}{companies}"


def patterns_message(patterns: PatternsView, charts: Collection[str] = ()) -> str:
    """The /bilan text: counts, recurring themes, what to work on first, and which of the
    charts follow (``charts``, as given by :func:`charts_to_draw`; none are announced when
    none will be drawn)."""
    total = patterns.total
    following = _charts_sentence(charts)
    if total <= 0:
        text = (
            "Aucun retour enregistré pour l'instant. Dès que vous en recevez un, envoyez-le "
            "avec /retour : nous le lirons ensemble, et les tendances apparaîtront à partir de "
            "deux retours."
        )
        return f"{text}\n\n{following}" if following else text
    lines = [f"Votre bilan : {_kinds(total, patterns.constructive, patterns.generic)}."]
    counts = {t: c for t, c in patterns.theme_counts.items() if t in THEME_LABELS and c > 0}
    recurring = [t for t in patterns.recurring if t in counts]
    order = {theme: i for i, theme in enumerate(THEMES)}

    def most_frequent_first(theme: str) -> tuple[int, int]:
        return -counts[theme], order[theme]

    if counts:
        lines.append("")
        lines.append("Thèmes relevés :")
        for theme in sorted(counts, key=most_frequent_first):
            lines.append(
                _theme_line(
                    theme,
                    counts[theme],
                    theme in recurring,
                    _companies(patterns.companies.get(theme, ())),
                )
            )
    else:
        lines.append(
            "Aucun thème précis ne ressort pour l'instant : vos retours sont restés généraux."
        )
    lines.append("")
    if total == 1:
        lines.append(
            "Avec un retour pour l'instant, il est trop tôt pour parler de tendance : les "
            "points communs apparaissent à partir de deux retours."
        )
    elif recurring:
        if any(theme != "competition" for theme in recurring):
            lines.append(
                "Les thèmes marqués 🔁 reviennent d'un retour à l'autre : ce sont vos vrais "
                "chantiers, bien plus qu'une remarque isolée."
            )
        if "competition" in recurring:
            lines.append(
                "La concurrence revient souvent : elle tient au marché plus qu'à vous, et le "
                "réseau reste le meilleur moyen de sortir du lot."
            )
    else:
        lines.append(
            "Aucun thème ne revient d'un retour à l'autre pour l'instant : chaque refus semble "
            "tenir à des raisons différentes."
        )
    priority = [t for t in patterns.priority if t in ACTION_STEPS][:3]
    if priority:
        lines.append("")
        lines.append("À travailler en premier :")
        lines += [f"• {THEME_LABELS[t]} : {ACTION_STEPS[t][0]}" for t in priority]
    unhelpful = sum(
        count for signal, count in patterns.signal_counts.items() if signal != "vague" and count
    )
    if unhelpful:
        lines.append("")
        lines.append(
            "Certains retours contenaient des remarques peu constructives : ne leur donnez pas "
            "plus de poids qu'au reste."
        )
    lines.append("")
    close = "Pour transformer une priorité en objectif suivi : /objectifs."
    lines.append(f"{following} {close}" if following else close)
    return "\n".join(lines)
