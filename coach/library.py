"""The action library (SPEC §3 flow 9): short advice per topic, next steps that become goals,
success stories and long-term strategies.

The ideas come from the reference article's sections on acting on feedback (skills and
training, CV and cover letter, interview technique, networking), on the usual reasons for a
"no" (cultural fit, overqualification), on unhelpful feedback and second opinions, on
long-term strategies and on success stories; every sentence is the project's own.

- :func:`advice` / :func:`advice_message` — for each of :data:`TOPICS`, a few concrete
  points and 2–3 next steps (:class:`GoalSeed`) that turn into a SMART goal in one tap
  (:meth:`GoalSeed.fields`, then ``coach.smart.create_goal``). The seeds are complete SMART
  goals as they stand, except that a seed without a theme takes the one of the feedback in
  question.
- :func:`stories_message` — anonymised composite stories, told briefly;
  :func:`strategies_message` — continuous learning, personal brand, growth mindset…
- :func:`detect_topic` — which topic a free-text request is about; :func:`topic_for_theme`
  — the topic that helps with a feedback theme.

French, vouvoiement, plain text (no Markdown).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from coach.feedback import THEMES
from coach.interpretation import second_opinion
from coach.language.fold import fold_keep_length
from coach.smart import GoalFields, suggest_deadline

__all__ = [
    "EXTRAS",
    "STORIES",
    "STRATEGIES",
    "TOPICS",
    "TOPIC_LABELS",
    "Advice",
    "GoalSeed",
    "Story",
    "Strategy",
    "advice",
    "advice_message",
    "detect_topic",
    "seed_by_id",
    "stories_message",
    "strategies_message",
    "topic_for_theme",
]

TOPICS: Final = (
    "skills_training",
    "cv_letter",
    "interview",
    "networking",
    "cultural_fit",
    "overqualification",
    "unhelpful_feedback",
)
#: Requests that are not advice on a topic: encouragement through stories, the long run.
EXTRAS: Final = ("success_stories", "long_term")
TOPIC_LABELS: Final[Mapping[str, str]] = {
    "skills_training": "Compétences et formation",
    "cv_letter": "CV et lettre de motivation",
    "interview": "Technique d'entretien",
    "networking": "Réseau et entretiens d'information",
    "cultural_fit": "Adéquation culturelle",
    "overqualification": "Surqualification",
    "unhelpful_feedback": "Retour blessant ou peu utile",
    "success_stories": "Histoires de rebond",
    "long_term": "Stratégies sur la durée",
}


@dataclass(frozen=True)
class GoalSeed:
    """A next step ready to become a SMART goal."""

    id: str  # "<topic>:<n>", for a button payload
    title: str
    theme: str | None  # None: the theme of the feedback at hand
    measure: str
    first_step: str
    weeks: int  # suggested time to reach it

    def fields(self, today: dt.date, *, theme: str | None = None) -> GoalFields:
        """The goal's fields, deadline included (a Friday about ``weeks`` ahead)."""
        chosen = self.theme or theme
        return GoalFields(
            title=self.title,
            measure=self.measure,
            first_steps=(self.first_step,),
            theme=chosen if chosen in THEMES else None,
            deadline=suggest_deadline(today, self.weeks),
        )


@dataclass(frozen=True)
class Advice:
    topic: str
    intro: str
    points: tuple[str, ...]
    next_steps: tuple[GoalSeed, ...]
    extra: str | None = None  # a longer block shown after (the second opinion resources)


def _seeds(topic: str, *rows: tuple[str, str | None, str, str, int]) -> tuple[GoalSeed, ...]:
    return tuple(
        GoalSeed(f"{topic}:{n}", title, theme, measure, step, weeks)
        for n, (title, theme, measure, step, weeks) in enumerate(rows, start=1)
    )


_ADVICE: Final[dict[str, Advice]] = {
    "skills_training": Advice(
        "skills_training",
        "Quand un retour pointe une compétence qui manque, c'est une piste précise : tant "
        "mieux, elle se travaille.",
        (
            "Notez le mot exact employé (un logiciel, un langage, une méthode) et vérifiez "
            "dans les annonces qu'il revient souvent.",
            "Choisissez une formation courte et concrète : une plateforme en ligne, un "
            "atelier, ou une formation finançable par le CPF.",
            "Pratiquez un peu chaque semaine plutôt que beaucoup une fois : la régularité "
            "fait la différence.",
            "Montrez le résultat : un petit projet, une certification, une ligne chiffrée sur "
            "le CV.",
        ),
        _seeds(
            "skills_training",
            (
                "Suivre une formation en ligne sur la compétence technique citée dans mes retours",
                "technical_skills",
                "terminer tous les modules de la formation",
                "choisir la formation et bloquer deux créneaux par semaine",
                6,
            ),
            (
                "Réaliser un petit projet qui met la compétence en pratique",
                "technical_skills",
                "publier un projet en ligne (GitHub, portfolio) et le citer sur mon CV",
                "choisir un sujet simple, lié au métier visé",
                8,
            ),
            (
                "Gagner de l'expérience par une mission courte ou du bénévolat",
                "experience",
                "2 missions ou engagements terminés, ajoutés au CV",
                "lister trois structures ou plateformes qui proposent ce type de mission",
                10,
            ),
        ),
    ),
    "cv_letter": Advice(
        "cv_letter",
        "Le CV et la lettre sont lus en quelques secondes : chaque ligne doit parler au poste "
        "visé.",
        (
            "Personnalisez pour chaque offre : reprenez ses mots-clés et placez en haut ce "
            "qui y répond.",
            "Chiffrez vos réalisations (délais, volumes, pourcentages) au lieu d'énumérer des "
            "tâches.",
            "Relisez à froid, puis faites relire : une faute ou une mise en page chargée "
            "coûte cher.",
            "Une lettre courte et précise vaut mieux qu'une longue lettre générique.",
        ),
        _seeds(
            "cv_letter",
            (
                "Adapter mon CV et ma lettre à chaque offre visée",
                "application_documents",
                "5 candidatures envoyées avec un CV et une lettre adaptés",
                "relever les mots-clés de la prochaine annonce",
                3,
            ),
            (
                "Chiffrer les réalisations de mon CV",
                "application_documents",
                "3 réalisations chiffrées pour chacune de mes expériences récentes",
                "noter pour chaque poste un résultat que l'on peut compter",
                2,
            ),
            (
                "Faire relire mon CV et ma lettre",
                "application_documents",
                "2 relectures faites par des personnes du métier, corrections intégrées",
                "demander à un ancien collègue ou à un conseiller de les relire",
                2,
            ),
        ),
    ),
    "interview": Advice(
        "interview",
        "Un entretien se prépare comme une épreuve orale : avec des exemples prêts et de "
        "l'entraînement à voix haute.",
        (
            "Préparez vos histoires avec la méthode STAR : situation, tâche, action, "
            "résultat. Je peux vous aider à en construire une, pas à pas.",
            "Entraînez-vous à voix haute, en vous enregistrant ou avec une personne de "
            "confiance qui joue le recruteur.",
            "Soignez le non-verbal : regard, posture, gestes posés, un débit calme.",
            "Après chaque entretien, notez à chaud ce qui a bien marché et ce qui a coincé.",
        ),
        _seeds(
            "interview",
            (
                "Préparer mes exemples STAR pour les questions classiques",
                "interview_performance",
                "5 réponses STAR écrites et répétées à voix haute",
                "construire la première réponse STAR avec le coach",
                3,
            ),
            (
                "Faire des simulations d'entretien",
                "interview_performance",
                "2 simulations faites, avec un retour noté après chacune",
                "proposer une date à une personne de confiance ou à un mentor",
                4,
            ),
            (
                "Travailler mon langage corporel en entretien",
                "communication",
                "me filmer 3 fois en répondant à une question, et comparer",
                "choisir une question classique et me filmer une première fois",
                3,
            ),
        ),
    ),
    "networking": Advice(
        "networking",
        "Beaucoup de postes se pourvoient par recommandation : le réseau n'est pas un "
        "privilège, c'est un travail régulier.",
        (
            "Entretien d'information : demandez vingt minutes à une personne qui fait le "
            "métier visé, pour comprendre son parcours, sans lui demander de poste.",
            "Sur LinkedIn, personnalisez chaque demande de contact en une phrase qui dit "
            "pourquoi vous écrivez.",
            "Salons, meetups, associations professionnelles : une conversation par "
            "événement suffit, suivie d'un message le lendemain.",
            "Le réseau marche dans les deux sens : partagez une info, une offre, un contact.",
        ),
        _seeds(
            "networking",
            (
                "Obtenir des entretiens d'information dans mon secteur",
                "competition",
                "3 entretiens d'information réalisés",
                "écrire à deux personnes qui occupent le poste visé",
                6,
            ),
            (
                "Étoffer mon profil LinkedIn et mon réseau",
                "competition",
                "profil complété et 10 contacts du secteur ajoutés avec un message",
                "réécrire le titre et le résumé de mon profil",
                3,
            ),
            (
                "Aller à des événements du secteur",
                "competition",
                "2 événements, avec un message de suivi après chacun",
                "repérer les rencontres du mois (meetups, salons, associations)",
                6,
            ),
        ),
    ),
    "cultural_fit": Advice(
        "cultural_fit",
        "L'adéquation culturelle, c'est la façon de travailler qui colle à celle de "
        "l'équipe : elle se prépare, et elle se vérifie aussi de votre côté.",
        (
            "Avant l'entretien, renseignez-vous : mission, valeurs, rythme, avis de "
            "salariés, façon dont l'entreprise se présente.",
            "Préparez un exemple concret où votre manière de travailler rejoint la leur "
            "(travail en équipe, autonomie, cadre).",
            "Posez vous-même une question sur la vie de l'équipe : l'échange doit vous "
            "convenir à vous aussi.",
        ),
        _seeds(
            "cultural_fit",
            (
                "Étudier la culture d'entreprise avant chaque entretien",
                "cultural_fit",
                "3 fiches d'une page (mission, valeurs, façon de travailler), une par "
                "entreprise visée",
                "choisir les trois prochaines entreprises et lire leur page carrière",
                3,
            ),
            (
                "Préparer des exemples STAR sur ma façon de travailler en équipe",
                "cultural_fit",
                "2 exemples écrits et répétés à voix haute",
                "retrouver un projet d'équipe récent qui s'est bien passé",
                2,
            ),
        ),
    ),
    "overqualification": Advice(
        "overqualification",
        "Le motif « surqualification » cache souvent une crainte : que vous vous lassiez ou "
        "partiez vite. C'est cette crainte qu'il faut lever.",
        (
            "Dites clairement pourquoi ce poste vous attire maintenant et la place qu'il "
            "tient dans votre projet.",
            "Abordez le sujet vous-même en entretien, avant qu'il ne pèse en silence.",
            "Ajustez le CV au niveau du poste : mettez en avant ce qui sert directement la "
            "mission.",
            "Si le salaire ou le niveau de responsabilité vous conviennent, dites-le simplement.",
        ),
        _seeds(
            "overqualification",
            (
                "Préparer ma réponse à « pourquoi ce poste ? »",
                "overqualification",
                "une réponse de 2 minutes, répétée 3 fois à voix haute",
                "noter ce qui m'attire dans ce poste et dans cette étape de mon parcours",
                2,
            ),
            (
                "Ajuster mon CV au niveau des postes visés",
                "overqualification",
                "une version du CV centrée sur 3 compétences clés des annonces",
                "relire deux annonces visées et surligner ce qu'elles demandent",
                2,
            ),
        ),
    ),
    "unhelpful_feedback": Advice(
        "unhelpful_feedback",
        "Un retour flou, dur ou hors sujet ne mérite pas d'être pris tel quel : gardez ce "
        "qui se travaille, laissez le reste.",
        (
            "Un commentaire sur votre personne plutôt que sur votre travail n'est pas un "
            "retour constructif.",
            "Si c'est flou, demandez un exemple précis, poliment et brièvement.",
            "Remerciez quand même : la relation compte plus que la remarque.",
        ),
        _seeds(
            "unhelpful_feedback",
            (
                "Demander un second avis sur ce retour à une personne de confiance",
                None,
                "2 avis recueillis, notés et comparés au retour reçu",
                "choisir une personne qui connaît mon domaine et lui écrire",
                2,
            ),
            (
                "Demander une précision à la personne qui a fait le retour",
                None,
                "1 message envoyé avec 2 questions précises",
                "préparer le message avec le coach (/retour puis étape 2)",
                1,
            ),
        ),
        extra=second_opinion(),
    ),
}


def advice(topic: str) -> Advice:
    if topic not in _ADVICE:
        raise ValueError(f"unknown library topic: {topic!r}")
    return _ADVICE[topic]


def seed_by_id(seed_id: str) -> GoalSeed | None:
    """The next step behind a button payload ("networking:1")."""
    topic = seed_id.split(":", 1)[0]
    entry = _ADVICE.get(topic)
    if entry is None:
        return None
    return next((seed for seed in entry.next_steps if seed.id == seed_id), None)


def advice_message(topic: str) -> str:
    """The advice in one message: intro, points, next steps (numbered, for the buttons)."""
    entry = advice(topic)
    lines = [TOPIC_LABELS[topic], entry.intro, ""]
    lines += [f"• {point}" for point in entry.points]
    lines.append("")
    lines.append("Pour passer à l'action, choisissez une étape : j'en ferai un objectif suivi.")
    lines += [f"{n}. {seed.title}" for n, seed in enumerate(entry.next_steps, start=1)]
    if entry.extra:
        lines += ["", entry.extra]
    return "\n".join(lines)


# --------------------------------------------------------------------------- encouragement


@dataclass(frozen=True)
class Story:
    title: str
    text: str
    topic: str  # the library topic it illustrates


STORIES: Final[tuple[Story, ...]] = (
    Story(
        "La formation qui a rouvert la porte",
        "Une candidate en début de carrière, refusée par une agence de communication, a "
        "osé demander pourquoi. Ses idées avaient plu ; il lui manquait la mesure "
        "d'audience en ligne. Elle a suivi une formation courte, l'a mise en avant dans ses "
        "candidatures suivantes, et la même agence l'a recrutée quelques mois plus tard.",
        "skills_training",
    ),
    Story(
        "La parole qui s'est libérée",
        "Un développeur expérimenté a appris qu'il expliquait mal ses choix techniques en "
        "entretien. Il a rejoint un club de prise de parole et s'est mis à présenter son "
        "travail lors de rencontres locales. Un an après, un autre employeur l'a recruté "
        "sur un poste senior, en saluant justement la clarté de ses explications.",
        "interview",
    ),
    Story(
        "L'expérience qui manquait",
        "Une cheffe de projet briguait la direction d'une association ; on lui a "
        "répondu qu'elle n'avait jamais levé de fonds. Elle a donné du temps à une "
        "structure de son quartier pour s'y essayer, et suivi une formation sur la "
        "gestion associative. Sa candidature suivante, au même endroit, a été retenue.",
        "skills_training",
    ),
    Story(
        "Le même motif, quatre fois",
        "Un comptable en reconversion vers l'analyse de données a reçu quatre refus au même "
        "motif : pas assez de SQL. Il s'est fixé un objectif précis, un cours terminé et "
        "deux petits projets publiés en deux mois, puis a raconté ces projets en entretien "
        "avec la méthode STAR. Le cinquième entretien a été le bon.",
        "interview",
    ),
)
STORIES_NOTE: Final = (
    "Ces récits sont des exemples composés à partir de parcours fréquents : les personnes "
    "ne sont pas réelles, les étapes, elles, le sont."
)


@dataclass(frozen=True)
class Strategy:
    key: str
    title: str
    text: str


STRATEGIES: Final[tuple[Strategy, ...]] = (
    Strategy(
        "continuous_learning",
        "Apprendre en continu",
        "Un peu chaque semaine (un cours, une lecture, un podcast du métier) vaut mieux "
        "qu'un gros effort ponctuel. Une certification bien choisie et un mentor pour "
        "orienter vos choix accélèrent le tout.",
    ),
    Strategy(
        "personal_brand",
        "Soigner votre image professionnelle",
        "Dites ce qui vous distingue en une phrase, et la même partout : CV, LinkedIn, "
        "entretiens. Partager de temps en temps un travail ou une réflexion sur votre "
        "métier vous rend visible sans forcer.",
    ),
    Strategy(
        "growth_mindset",
        "Se voir en progression",
        "Vos compétences grandissent avec l'effort et la pratique. Un refus indique la "
        "prochaine marche à gravir ; il ne mesure pas ce que vous valez.",
    ),
    Strategy(
        "industry_watch",
        "Suivre votre secteur",
        "Lettres d'information, webinaires, personnes influentes du domaine : une demi-heure "
        "par semaine suffit pour repérer les compétences qui montent et nourrir vos "
        "entretiens.",
    ),
    Strategy(
        "network_both_ways",
        "Entretenir le réseau dans la durée",
        "Restez en contact avec les personnes rencontrées, même sans rien demander : un "
        "message, une info partagée. Le jour où un poste s'ouvre, on pense à vous.",
    ),
)


def stories_message(*, limit: int = 2, start: int = 0) -> str:
    """A few stories, briefly (``start`` rotates them so the coach does not repeat itself)."""
    chosen = [STORIES[(start + i) % len(STORIES)] for i in range(min(limit, len(STORIES)))]
    lines = ["Des refus qui ont mené quelque part :"]
    for story in chosen:
        lines += ["", f"✨ {story.title}", story.text]
    lines += ["", STORIES_NOTE]
    return "\n".join(lines)


def strategies_message() -> str:
    """The long-term strategies, one short paragraph each."""
    lines = ["Sur la durée, quelques habitudes font la différence :"]
    for strategy in STRATEGIES:
        lines += ["", f"• {strategy.title} : {strategy.text[:1].lower()}{strategy.text[1:]}"]
    return "\n".join(lines)


# --------------------------------------------------------------------------- routing

_TOPIC_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (
        r"injuste|blessant|mechant|vexant|humili\w*|pas utile|inutile|second avis"
        r"|deuxieme avis|autre avis|pas constructif|hors sujet|incomprehensible",
        "unhelpful_feedback",
    ),
    (
        r"surqualifi\w*|surdiplom\w*|trop qualifi\w*|trop experiment\w*|trop senior",
        "overqualification",
    ),
    (
        r"entretiens? d information|reseau\w*|linkedin|networking|contacts?|meetups?|salons?",
        "networking",
    ),
    (r"\bcv\b|lettre|curriculum|candidature", "cv_letter"),
    (r"culture|valeurs|adequation|\bfit\b|ambiance", "cultural_fit"),
    (r"entretien|\bstar\b|simulation|oral|recruteur", "interview"),
    (r"formation|competence|cours|apprendre|certif\w*|former|monter en", "skills_training"),
    (
        r"histoires?|exemples? de (?:reussite|personnes)|temoignages?|d autres (?:ont|personnes)"
        r"|encourag\w*|courage|motiv\w*|reussi",
        "success_stories",
    ),
    (r"long terme|strategie|marque personnelle|etat d esprit|duree|carriere", "long_term"),
)
_TOPIC_PATTERNS: Final = tuple((re.compile(source), topic) for source, topic in _TOPIC_WORDS)

_THEME_TOPICS: Final[Mapping[str, str]] = {
    "experience": "skills_training",
    "technical_skills": "skills_training",
    "cultural_fit": "cultural_fit",
    "interview_performance": "interview",
    "communication": "interview",
    "competition": "networking",
    "application_documents": "cv_letter",
    "overqualification": "overqualification",
    "enthusiasm": "interview",
    "problem_solving": "interview",
}


def detect_topic(text: str) -> str | None:
    """Which of :data:`TOPICS` or :data:`EXTRAS` a request is about ("aide pour mon CV")."""
    folded = fold_keep_length(text or "")
    for pattern, topic in _TOPIC_PATTERNS:
        if pattern.search(folded):
            return topic
    return None


def topic_for_theme(theme: str) -> str:
    """The library topic that helps with a feedback theme."""
    if theme not in _THEME_TOPICS:
        raise ValueError(f"unknown feedback theme: {theme!r}")
    return _THEME_TOPICS[theme]
