"""Reading the feedback received after a rejection (SPEC §6): deterministic, offline, fast.

:func:`analyze` returns a :class:`FeedbackAnalysis`:

- ``themes`` — why the application was turned down, multi-label, from French cues
  (:data:`THEMES`); ``signals`` — signs of feedback not worth taking to heart as is
  (:data:`SIGNALS`); ``evidence`` — for each theme or signal, the phrases of the text that
  triggered it, cut from the original (accents and capitals kept);
- ``kind`` — ``constructive`` when at least one specific, actionable point was found,
  ``generic`` otherwise (formulas such as "nous avons retenu un autre profil").

How it reads (tuned on ``data/feedback/train.yml`` only; ``heldout.yml`` measures it):

1. The text is folded (lower case, no accents, apostrophes as spaces; same length as the
   original, so spans map back) and cut into clauses at punctuation and at "mais",
   "cependant", "toutefois", "en revanche", "par contre", "néanmoins".
2. Each theme has *strong* cues, weaknesses by themselves ("manque d'expérience", "réponses
   trop vagues", "surqualifié"), and *weak* cues, neutral words that count only when the
   same clause says something is lacking ("SQL", "votre CV", "la culture").
3. A cue preceded in its clause by a negation ("aucun souci de communication", "pas de
   problème d'anglais", "sans difficulté") or only praised ("votre CV est très clair")
   does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from coach.textfold import fold_keep_length

__all__ = ["KINDS", "SIGNALS", "THEMES", "FeedbackAnalysis", "analyze"]

THEMES: Final = (
    "experience",
    "technical_skills",
    "cultural_fit",
    "interview_performance",
    "communication",
    "competition",
    "application_documents",
    "overqualification",
    "enthusiasm",
    "problem_solving",
)
SIGNALS: Final = ("vague", "personal_attack", "overly_negative", "lacks_context")
KINDS: Final = ("constructive", "generic")

MAX_CHARS: Final = 6000  # longer pastes are read up to here (speed bound)


@dataclass(frozen=True)
class FeedbackAnalysis:
    kind: str
    themes: set[str] = field(default_factory=set)
    signals: set[str] = field(default_factory=set)
    evidence: dict[str, list[str]] = field(default_factory=dict)


def _c(*sources: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{s})" for s in sources))


# A clause "says something is lacking" when it contains one of these.
_WEAKNESS: Final = _c(
    r"\bmanqu\w*",
    r"\bpas (?:assez|suffisamment|tres|vraiment|encore|du tout)\b",
    r"\binsuffis\w*",
    r"\bfaible\w*",
    r"\blimit\w*",
    r"\blacunes?\b",
    r"\bdifficult\w*",
    r"\bameliorer\b|\bameliorations?\b|\bperfectible\b|\ba renforcer\b|\ba travailler\b",
    r"\btrop\b",
    r"\bpeu\b",
    r"\bn\s+(?:a|avez|aviez|avait|as|etait|est|etiez|etes|ont|avons)\s+pas\b",
    r"\bne\s+\w+\s+pas\b",
    r"\bn\s+\w+\s+pas\b",
    r"\bpas\s+(?:de|d|du|la|le|les|un|une|l)\b",
    r"\bpas\s+\w+e?s?\b",
    r"\bmoins\b",
    r"\bplus (?:solide|forte?|pousse\w*|pointu\w*|adapte\w*|experimente\w*|important\w*)\b",
    r"\battend\w*|\bexige\w*|\brequis\w*|\bindispensable\b|\bnecessaire\b|\bessentiel\w*",
    r"\bsouhait\w*|\brecherch\w*|\bbesoin\b|\bcherch\w*",
    r"\bregret\w*|\bdommage\b|\bmalheureusement\b|\bhelas\b",
    r"\bjuste\b|\bfragile\b|\bsuperficiel\w*|\bapproximati\w*|\bmoyen\w*|\bmitige\w*",
    r"\bsans\b|\baucun\w*\b",
    r"\berreurs?\b|\bfautes?\b|\bconfus\w*|\bflou\w*|\bvague\w*|\bbancal\w*",
    r"\binquiet\w*|\bdoute\w*|\breserves?\b|\bfrein\w*|\bobstacle\b|\bbloqu\w*",
    r"\bdecu\w*|\bdecevant\w*",
    r"\bmal\b|\brate\w*|\bechou\w*",
)
# Praise words: a clause with praise and no weakness is not a reason for the decision.
_PRAISE: Final = _c(
    r"\bexcellent\w*|\btres bon\w*|\bbonne?s?\b|\bsolides?\b|\briches?\b|\bapprecie\w*",
    r"\bpoints? forts?\b|\bqualites?\b|\binteressant\w*|\bpertinent\w*|\bconvaincant\w*",
    r"\bremarquable\w*|\bbravo\b|\bimpressionn\w*|\bclair\w*|\bparfait\w*|\bsuper\b",
    r"\bfelicit\w*|\bagreable\w*|\bbien\b",
)
# "aucun souci de …", "pas de problème d'…", "sans difficulté": what follows is fine.
_NEGATED_BEFORE: Final = re.compile(
    r"(?:\baucune?s?\b|\bpas\s+(?:de|d|du|des)\b|\bsans\b|\bni\b|\brien\s+a\s+(?:redire|dire)\b"
    r"|\bpas\s+(?:un|une|le|la)\s+(?:souci|probleme|sujet|frein)\b|\bn\s+(?:est|etait|a\s+ete)"
    r"\s+(?:pas|jamais)\b|\bne\s+(?:pose|posait|manque|manquait|manquez|manquiez)\s+pas\b"
    r"|\bpas\s+(?:du\s+tout\s+)?(?:en\s+cause|le\s+probleme|un\s+probleme|un\s+souci)\b)"
    r"[^|]{0,40}$"
)
_PROBLEM_WORD: Final = re.compile(
    r"\b(?:souci|soucis|probleme|problemes|reproche|reproches|difficulte|difficultes|doute"
    r"|inquietude|frein|sujet|question|remarque)\b"
)

# (theme, strong cues, weak cues)
_THEME_CUES: Final[tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...]] = (
    (
        "experience",
        _c(
            r"\bmanqu\w* (?:d |de (?:l )?)?(?:experiences?|pratique|seniorite|recul|bouteille"
            r"|vecu|terrain|connaissance du (?:secteur|metier|terrain|marche))",
            r"\b(?:pas|peu) (?:assez |suffisamment )?d\s*experiences?\b",
            r"\bexperiences? (?:\w+ )?(?:insuffisante|limitee|trop (?:courte|juste|recente)|pas"
            r" assez|un peu (?:courte|juste|legere)|legere|courte|manquante|encore (?:courte|"
            r"limitee|jeune))",
            r"\bpas assez (?:senior|experimente\w*|confirme\w*)\b",
            r"\b(?:profil|candidature|parcours) (?:encore )?(?:trop )?junior\b",
            r"\btrop junior\b|\bencore junior\b|\bun peu junior\b|\bplus senior\b",
            r"\b(?:plus|davantage) d\s*experiences?\b",
            r"\bmanque de (?:maturite professionnelle|recul)\b",
            r"\bjamais (?:travaille|exerce|occupe|manage|encadre|gere)\b",
            r"\bpas (?:encore )?(?:d|de l) experience\b",
            r"\bconnaissance (?:du|de notre) (?:secteur|metier|marche|domaine) (?:insuffisante|"
            r"limitee)",
        ),
        _c(
            r"\bexperiences?\b",
            r"\b(?:\d+|deux|trois|quatre|cinq|six|sept|huit|dix|plusieurs|quelques) ans\b",
            r"\bseniorite\b|\bsecteur\b|\bencadrement\b|\bmanagement\b|\bmanageriale?\b",
            r"\bgestion d equipe\b|\bterrain\b|\bjunior\b|\bdebutant\w*",
        ),
    ),
    (
        "technical_skills",
        _c(
            r"\bcompetences? techniques? (?:\w+ )?(?:insuffisantes?|a renforcer|limitees?|pas"
            r" assez|un peu justes?|trop justes?|faibles?|en deca)",
            r"\bniveau (?:technique|d anglais|en anglais|en \w+|d allemand|d espagnol|de"
            r" francais) (?:\w+ )?(?:insuffisant|trop juste|faible|limite|un peu juste|pas"
            r" suffisant|en dessous|pas au niveau)",
            r"\bpas (?:assez|suffisamment) techniques?\b",
            r"\blacunes? (?:techniques?|en \w+|sur \w+)",
            r"\bmanqu\w* (?:de |d )?(?:maitrise|competences? techniques?|bases techniques"
            r"|connaissances? techniques?|pratique (?:de|d|du|sur))",
            r"\bne (?:maitris\w+|connaiss\w+|parl\w+) pas\b",
            r"\bmaitrise (?:\w+ )?(?:insuffisante|partielle|limitee|approximative)",
            r"\bpas (?:de |d )?(?:permis|certification|habilitation|caces|diplome)\b",
            r"\btest technique\b[^|]{0,40}\b(?:rate|echoue|insuffisant|pas (?:reussi|concluant)"
            r"|moyen|decevant|faible)",
        ),
        _c(
            r"\bexcel\b|\bsql\b|\bpython\b|\bjava(?:script)?\b|\breact\b|\bsap\b|\bsalesforce\b",
            r"\bpower ?bi\b|\btableau\b|\bsas\b|\bphotoshop\b|\bautocad\b|\bsolidworks\b|\bcrm\b",
            r"\berp\b|\bgit\b|\bdocker\b|\baws\b|\bazure\b|\bcloud\b|\bc\+\+|\bphp\b|\bangular\b",
            r"\blinux\b|\bkubernetes\b|\bfigma\b|\bwordpress\b|\bseo\b|\bvba\b|\bsage\b",
            r"\banglais\b|\ballemand\b|\bespagnol\b|\bitalien\b|\blangues?\b|\bbilingue\b",
            r"\bpermis\b|\bcaces\b|\bcertifications?\b|\bhabilitations?\b|\blogiciels?\b",
            r"\boutils?\b|\btechniques?\b|\bbureautique\b|\bcompetences?\b|\bmaitrise\b",
            r"\bprogrammation\b|\bcode\b|\bcoder\b|\bdeveloppement\b|\bcomptab\w*|\bfiscal\w*",
            r"\bstatisti\w*|\bmachine learning\b|\bdata\b|\bnormes?\b|\breglementation\b",
        ),
    ),
    (
        "cultural_fit",
        _c(
            r"\b(?:pas|moins|peu) (?:en )?(?:adequation|phase|coherence) avec (?:la |notre |nos"
            r" |l |les )?(?:culture|valeurs|equipe|ambiance|environnement|fonctionnement|facon)",
            r"\bculture (?:d\s*entreprise|de (?:l\s*)?(?:entreprise|equipe|la maison)|interne)\b",
            r"\b(?:fit|feeling|alchimie|courant) (?:culturel|avec l\s*equipe|n\s*est pas passe"
            r"|pas passe)",
            r"\bcourant (?:n\s*est |n\s*etait )?pas (?:vraiment )?passe\b",
            r"\b(?:s\s*integrer|integration) (?:dans|a|au sein de) (?:l\s*|notre |une )?equipe",
            r"\b(?:mode|facon|maniere) de (?:travailler|fonctionner)\b",
            r"\bvaleurs\b",
            r"\b(?:ambiance|environnement|cadre) (?:tres )?(?:startup|corporate|structure|"
            r"familial|dynamique|hierarchique|exigeant)",
            r"\besprit (?:d\s*equipe|startup|maison|collectif)\b",
            r"\btrop (?:corporate|institutionnel\w*|grand groupe|independant\w*|individuel\w*|"
            r"solitaire|formel\w*|rigide|cadre)",
            r"\bpersonnalite (?:ne|n|trop|pas)\b",
        ),
        _c(r"\bequipe\b|\bculture\b|\bambiance\b|\benvironnement\b|\bcollectif\b"),
    ),
    (
        "interview_performance",
        _c(
            r"\breponses? (?:\w+ )?(?:trop |un peu |parfois |assez )?(?:vagues?|generales?|"
            r"floues?|evasives?|imprecises?|superficielles?|generiques?|theoriques?|convenues?"
            r"|toutes faites|longues?|courtes?|breves?|hors sujet)",
            r"\bmanqu\w* (?:de |d )?(?:exemples?|illustrations?|cas concrets?|structure|"
            r"preparation|precision|concret)",
            r"\b(?:pas|peu) (?:assez |suffisamment )?(?:d\s*)?exemples?\b",
            r"\bexemples? (?:\w+ )?(?:concrets?|precis|chiffres?)\b",
            r"\b(?:mal|pas assez|peu|insuffisamment|pas) prepare\w*",
            r"\bpreparation (?:\w+ )?(?:insuffisante|legere|a revoir|limitee)",
            r"\b(?:ne|n) (?:connaissiez|connaissais|connaissait|saviez|saviez) (?:pas|rien|"
            r"que peu)\b",
            r"\b(?:peu|pas|mal) (?:renseigne\w*|informe\w*)\b",
            r"\bconnaissance (?:de (?:l\s*)?(?:entreprise|societe|notre)|du poste|de nos)",
            r"\ben retard\b|\bretard\b",
            r"\b(?:langage corporel|posture|gestuelle|regard fuyant|contact visuel|tenue)\b",
            r"\bhors sujet\b|\bcote de la question\b|\bpas repondu\b",
            r"\bmethode star\b|\bstructur\w* (?:vos|tes|ses) reponses\b",
            r"\bentretien (?:\w+ )?(?:decevant|moyen|rate|difficile|en dessous|pas a la hauteur)",
            r"\bpas (?:su|reussi a) (?:valoriser|mettre en avant|illustrer|expliquer|justifier"
            r"|repondre|convaincre|presenter)",
        ),
        _c(r"\bentretien\b|\breponses?\b|\bquestions?\b|\bpreparation\b|\bstress\w*"),
    ),
    (
        "communication",
        _c(
            r"\bmanqu\w* (?:de |d )?(?:clarte|assurance|aisance|confiance|conviction|"
            r"affirmation|impact|concision|ecoute|presence)",
            r"\b(?:pas|peu) (?:assez |suffisamment |tres )?(?:clair|claire|concis\w*|"
            r"convaincant\w*|affirme\w*|a l\s*aise|fluide|synthetique|audible)\b",
            r"\bdifficult\w* a (?:vous |t |s |me )?(?:exprimer|expliquer|formuler|"
            r"articuler|synthetiser|convaincre|vous faire comprendre)",
            r"\b(?:parl\w*|debit|elocution|discours) (?:\w+ )?(?:trop (?:vite|rapide|lent)|"
            r"precipite|confus|monotone)",
            r"\btrop (?:timide|reserve\w*|discret\w*|bavard\w*|long\w* dans vos|stresse\w*|"
            r"nerveu\w*|hesitant\w*)",
            r"\btimidite\b|\bintroverti\w*|\bhesit\w*|\bconfus\w*|\bbegaye\w*",
            r"\b(?:communication|expression (?:orale|ecrite)|presentation orale|aisance"
            r" (?:orale|relationnelle)|prise de parole) (?:\w+ )?(?:a ameliorer|insuffisante|"
            r"perfectible|a travailler|a renforcer|fragile|pas assez|trop)",
            r"\bcoup\w* la parole\b|\bpas ecoute\w*|\becoute (?:active )?(?:insuffisante|"
            r"limitee)",
            r"\bconfiance en (?:vous|toi|soi)\b",
            r"\bstress\w* (?:\w+ )?(?:visible|palpable|perceptible|a pris le dessus)",
            r"\bmanque d\s*aisance\b|\bpas a l\s*aise\b",
            r"\bdu mal a (?:vous |t |s )?(?:exprimer|expliquer|communiquer|convaincre)",
        ),
        _c(
            r"\bcommunication\b|\bexpression\b|\bclarte\b|\bclair\w*\b|\bassurance\b",
            r"\baisance\b|\boral\b|\becoute\b|\bconvaincre\b|\bpedagog\w*",
        ),
    ),
    (
        "competition",
        _c(
            r"\bautres? (?:candidat\w*|profils?|personnes?|postulant\w*)\b",
            r"\bcandidat\w* (?:interne|en interne|dont|qui|avec|plus|retenu\w*|choisi\w*|"
            r"finaliste)",
            r"\bprofils? (?:\w+ )?plus (?:adapte\w*|proche\w*|experimente\w*|pertinent\w*|"
            r"en adequation|en phase|complet\w*|correspondant\w*|senior|aligne\w*)",
            r"\bconcurrence\b|\bconcurrentiel\w*\b",
            r"\b(?:nombreuses|tres nombreuses|beaucoup de|nombre important de) candidatures\b",
            r"\b(?:candidature|recrutement|promotion|mobilite) interne\b|\ben interne\b",
            r"\bdepartag\w*|\bfinalistes?\b|\bchoix (?:a ete |fut |est )?(?:tres )?(?:difficile"
            r"|serre)|\bs\s*est joue\b|\bde peu\b|\bserre\b",
            r"\b(?:retenu|choisi|privilegie|prefere|opte pour) (?:un|une|le|la) (?:\w+ )?"
            r"(?:candidat\w*|profil|personne)\b",
            r"\bquelqu\s*un (?:d\s*autre|qui|de plus|dont)\b",
        ),
        None,
    ),
    (
        "application_documents",
        _c(
            r"\bfautes? (?:d\s*orthographe|de frappe|de grammaire)\b|\bcoquilles?\b",
            r"\bmise en page\b",
            r"\b(?:cv|curriculum|lettre de motivation|lettre|candidature|dossier)\b[^|]{0,40}"
            r"\b(?:pas|peu) (?:assez |suffisamment )?(?:adapte\w*|personnalise\w*|cible\w*|"
            r"clair\w*|lisible\w*|detaille\w*|precis\w*)",
            r"\b(?:cv|lettre de motivation|lettre) (?:\w+ )?(?:trop (?:long|longue|dense|charge\w*"
            r"|generique|court\w*|flou\w*)|generique|standard|type|confus\w*|illisible|brouillon)",
            r"\b(?:cv|lettre de motivation|lettre)\b[^|]{0,30}\b(?:ne (?:mettait|met|montrait|"
            r"montre|refletait|reflete) pas|ne permettait pas)",
            r"\blettre (?:de motivation )?(?:\w+ )?(?:copiee|recyclee|pas personnalisee)",
            r"\bmanqu\w* (?:de )?(?:personnalisation|lisibilite)\b",
            r"\b(?:trous?|periodes? (?:d\s*)?inactivit\w*) (?:dans|sur) (?:votre|ton|le) cv\b",
        ),
        _c(r"\bcv\b|\bcurriculum\b|\blettre de motivation\b|\blm\b|\bportfolio\b|\bdossier\b"),
    ),
    (
        "overqualification",
        _c(
            r"\bsur ?qualifi\w*|\boverqualif\w*",
            r"\btrop (?:senior|experimente\w*|qualifie\w*|diplome\w*|expert\w*|confirme\w*)\b",
            r"\bprofil (?:\w+ )?trop (?:riche|complet|senior|expert|pointu)\b",
            r"\b(?:pretentions?|attentes?|exigences?) (?:salariales?|de salaire|financieres?)",
            r"\b(?:salaire|remuneration|budget|package) (?:\w+ )?(?:trop (?:eleve|haut)|au"
            r" dessus|hors (?:de )?(?:notre )?budget|pas compatible|superieur)",
            r"\bau dessus (?:de|du) (?:notre |la |nos )?(?:budget|grille|fourchette)",
            r"\brisque (?:de (?:vous |t )?)?(?:ennui|ennuyer|lasser|lassitude|depart|partir)",
            r"\bvous (?:ennuyer|lasser)\b|\bvous ennuieriez\b|\bpas assez stimulant\b",
            r"\ben dessous de (?:vos|ton|votre) (?:competences|niveau|experience|qualifications)",
            r"\bpas (?:a la hauteur de|a la mesure de) (?:vos|votre) (?:ambitions|competences)",
        ),
        None,
    ),
    (
        "enthusiasm",
        _c(
            r"\bmanqu\w* (?:de |d )?(?:motivation|enthousiasme|energie|envie|interet|"
            r"dynamisme|passion|implication|conviction|curiosite|entrain|peps|elan)",
            r"\b(?:motivation|enthousiasme|interet|envie|implication) (?:\w+ ){0,2}(?:pas assez|"
            r"peu|insuffisant\w*|pas (?:percu\w*|ressenti\w*|perceptible|visible|evident\w*)|"
            r"mitige\w*|limite\w*|faible)",
            r"\bpas (?:assez |suffisamment |tres )?(?:motive\w*|enthousiaste|investi\w*|"
            r"implique\w*|interesse\w*|dynamique|curieu\w*)\b",
            r"\b(?:pas|peu) (?:senti|percu|ressenti|vu) (?:votre |ta |d\s*|de )?(?:motivation|"
            r"envie|enthousiasme|interet|passion)",
            r"\bpeu (?:investi\w*|implique\w*|motive\w*|enthousiaste|interesse\w*)",
            r"\bdesinteress\w*|\bdetache\w*|\bblase\w*|\bpassivite\b|\bpassif\b|\bmou\b|\bmolle\b",
            r"\bpourquoi (?:vous vouliez|vous souhaitiez|ce poste|notre entreprise|nous rejoindre)",
            r"\b(?:poste|entreprise) (?:par defaut|alimentaire|de transition)\b",
        ),
        _c(r"\bmotivation\b|\benthousiasme\b|\benvie\b|\bpassion\b|\binteret\b|\benergie\b"),
    ),
    (
        "problem_solving",
        _c(
            r"\b(?:etude de cas|cas pratique|mise en situation|exercice|test (?:technique|"
            r"logique|d\s*aptitude)|case study|probleme pose|jeu de role)\b[^|]{0,60}\b(?:pas|"
            r"peu|insuffisant\w*|rate|echou\w*|manqu\w*|moyen\w*|decevant\w*|faible\w*|"
            r"incomplet\w*|bancal\w*|confus\w*|superficiel\w*|difficult\w*)",
            r"\b(?:raisonnement|logique|analyse|demarche|approche|methodologie|reflexion|esprit"
            r" d\s*analyse|esprit de synthese|capacite d\s*analyse|sens de l\s*analyse) (?:\w+ )?"
            r"(?:insuffisant\w*|limite\w*|confus\w*|pas assez|manquait|bancal\w*|superficiel\w*|"
            r"peu structure\w*|pas structure\w*|a ameliorer|fragile|approximati\w*|trop"
            r" (?:lente|theorique|simple|rapide))",
            r"\bmanqu\w* (?:de |d )?(?:rigueur|methode|logique|esprit d\s*analyse|esprit de"
            r" synthese|recul analytique|capacite d\s*analyse|structure dans (?:votre|la)"
            r" (?:reflexion|demarche))",
            r"\bdifficult\w* a (?:resoudre|analyser|structurer|decomposer|prioriser|trouver une"
            r" solution)",
            r"\bpas (?:su|reussi a) (?:resoudre|analyser|structurer|trouver|decomposer|proposer"
            r" une solution)",
            r"\bresolution (?:de|des) problemes?\b",
            r"\b(?:solutions?|propositions?) (?:\w+ )?(?:peu|pas assez|trop peu) (?:creative|"
            r"realistes?|structurees?|argumentees?)",
        ),
        _c(
            r"\bcas pratique\b|\betude de cas\b|\bmise en situation\b|\bexercice\b",
            r"\braisonnement\b|\banalyse\b|\blogique\b|\bdemarche\b|\bsynthese\b",
        ),
    ),
)

_SIGNAL_CUES: Final[dict[str, re.Pattern[str]]] = {
    "personal_attack": _c(
        r"\barrogan\w*|\bpretentieu\w*|\bimmatur\w*|\bhautain\w*|\bcondescend\w*|\bsuffisan\w*",
        r"\bpas (?:tres )?(?:fiable|serieu\w*|sympathique|agreable|credible|mature)\b",
        r"\bvotre (?:look|apparence|physique|tenue vestimentaire|age|accent|coiffure|poids)\b",
        r"\btrop (?:age\w*|vieux|vieille|jeune pour|timide pour ce metier)\b",
        r"\bantipathi\w*|\bdesagreable\w*|\begocentr\w*|\blunatique\w*|\bparesseu\w*",
        r"\bpas le genre de (?:personne|profil)|\bpas (?:une|le) bonne? (?:personne|tete)",
        r"\bvotre personnalite\b|\b(?:vous etes|tu es|t es) (?:quelqu\s*un de )?(?:froid|"
        r"bizarre|etrange|fade|insipide|lent\w*|limite\w*|nul\w*|incompetent\w*)",
        r"\bgenant\w*|\bmal eleve\w*|\bimpoli\w*|\bprofil de (?:mere|pere) de famille",
        r"\b(?:enceinte|grossesse|enfants? en bas age|situation familiale)\b",
        r"\bne (?:vous |t )?(?:sentions|sentait|sens|voyons|voyait) pas (?:du tout )?(?:dans"
        r" l\s*equipe|chez nous|ici)\b",
        r"\bfaites? (?:un effort|attention) (?:sur|a) (?:votre|ta) (?:tenue|apparence|look)",
    ),
    "overly_negative": _c(
        r"\bcatastroph\w*|\bdesastre\w*|\bdesastreu\w*|\blamentable\w*|\bpitoyable\w*",
        r"\bnul(?:le)?s?\b|\bmediocre\w*|\bexecrable\w*|\binacceptable\w*|\bhonteu\w*",
        r"\baucune chance\b|\baucun avenir\b|\brien (?:n\s*allait|ne (?:va|allait)|de bon|a"
        r" sauver|de positif)\b",
        r"\btout (?:etait |est )?a (?:revoir|refaire|jeter)\b|\bperte de temps\b",
        r"\bcompletement (?:rate\w*|a cote|hors sujet|perdu\w*|nul\w*|inadapte\w*)",
        r"\bchang\w* de (?:metier|voie|carriere)|\breconverti\w*|\babandonn\w*",
        r"\bjamais vu (?:un|une|aussi)\b|\ble pire\b|\bpire (?:entretien|candidat)",
        r"\ba cote de la plaque\b|\bn importe quoi\b|\bridicule\w*|\bindigne\w*",
        r"\bvous ne (?:serez|ferez) jamais\b|\bjamais (?:dans|pour) ce metier\b",
        r"\b(?:tres|extremement|vraiment|profondement) (?:decevant\w*|decu\w*|mauvais\w*|faible)",
    ),
    "lacks_context": _c(
        r"\balors (?:que|qu) (?:l\s*|votre |notre |le )?(?:offre|annonce|fiche de poste|poste"
        r" (?:etait|est)|description)",
        r"\b(?:pas|jamais|nulle part) (?:mentionne\w*|demande\w*|indique\w*|precise\w*|"
        r"exige\w*|evoque\w*|ecrit\w*) dans (?:l\s*|votre |notre |la )?(?:offre|annonce|fiche"
        r" de poste|description)",
        r"\b(?:ne|n) (?:figurait|figure|apparaissait|etait) (?:pas|nulle part) dans"
        r" (?:l\s*|la )?(?:offre|annonce|fiche)",
        r"\b(?:poste|stage|alternance|contrat|offre) (?:\w+ )?(?:junior|debutant\w*|"
        r"d\s*entree|premier emploi)[^|]{0,80}\b(?:\d+|dix|cinq|huit|quinze) ans\b",
        r"\b(?:\d+|dix|cinq|huit|quinze) ans[^|]{0,80}\b(?:poste|stage|alternance) (?:\w+ )?"
        r"(?:junior|debutant\w*|d\s*entree)",
        r"\b(?:confondu|confusion|erreur de (?:dossier|candidat|destinataire)|pas (?:le|mon)"
        r" (?:cv|dossier|profil)|autre candidat\w* que moi|mauvais (?:dossier|prenom|nom))",
        r"\bsans rapport avec (?:le|ce) poste\b|\brien a voir avec (?:le|ce) poste\b",
        r"\bhors (?:du )?(?:perimetre|cadre) du poste\b",
        r"\bpour un poste (?:de|d)\b[^|]{0,40}\b(?:que je n\s*ai pas|auquel je n\s*ai pas)",
        r"\bje n\s*ai (?:jamais )?postule (?:a|pour) ce\b",
        r"\bqui n\s*(?:etait|etaient) pas (?:requis\w*|demande\w*|dans l\s*annonce)",
        r"\bpourtant (?:l\s*|votre |notre )?(?:offre|annonce) (?:ne |n )",
    ),
}

# Formulas of a feedback that says nothing specific.
_GENERIC: Final = _c(
    r"\b(?:pas|n a pas|n avons pas) (?:ete )?(?:retenu\w*|donner suite)\b",
    r"\bne (?:pas )?(?:pouvons|pourrons|pouvions) pas donner suite\b|\bdonner suite\b",
    r"\bautre (?:profil|candidat\w*|candidature)\b",
    r"\bne correspond\w* (?:pas|plus) (?:tout a fait |exactement |entierement )?(?:a|aux)"
    r" (?:nos|notre|vos|ce que)",
    r"\b(?:plus|davantage|mieux) en adequation\b|\bcorrespond\w* (?:davantage|mieux|plus)\b",
    r"\bnombreuses candidatures\b|\bnous vous souhaitons\b|\bbonne (?:continuation|chance)\b",
    r"\bplein(?:e)? (?:succes|reussite)\b|\bconserv\w* votre (?:cv|candidature)\b",
    r"\bprofil (?:tres )?interessant\b|\bbon(?:ne)? candidat\w*\b|\bfait un autre choix\b",
    r"\bdecision (?:a ete )?difficile\b|\bcriteres?\b|\battentes\b",
)
_CLAUSE_BREAK: Final = re.compile(
    r"[.;!?\n]|,\s*(?=mais\b|cependant\b|toutefois\b|en revanche\b|par contre\b|neanmoins\b|"
    r"pourtant\b|sauf\b)|\b(?:mais|cependant|toutefois|en revanche|par contre|neanmoins|"
    r"pourtant)\b"
)


@dataclass(frozen=True)
class _Clause:
    start: int
    end: int
    text: str  # folded


def _clauses(folded: str) -> list[_Clause]:
    out: list[_Clause] = []
    start = 0
    for match in _CLAUSE_BREAK.finditer(folded):
        if match.start() > start:
            out.append(_Clause(start, match.start(), folded[start : match.start()]))
        start = match.end()
    if start < len(folded):
        out.append(_Clause(start, len(folded), folded[start:]))
    return out


def _negated(clause: _Clause, at: int) -> bool:
    before = clause.text[: at - clause.start]
    found = _NEGATED_BEFORE.search(before)
    if found is None:
        return False
    # "aucun souci" / "pas de problème" negate what follows; a bare "pas de" only when it
    # is right before the cue ("pas de problème de communication" vs "pas d'expérience").
    window = before[found.start() :]
    return bool(_PROBLEM_WORD.search(window)) or bool(
        re.search(r"\b(?:aucune?s?|sans|ni|rien a)\b", window)
    )


def _phrase(original: str, clause: _Clause, start: int, end: int) -> str:
    """The clause around a match, from the original text, kept short enough to quote."""
    left = max(clause.start, start - 60)
    right = min(clause.end, end + 60)
    text = original[left:right]
    if left > clause.start:
        text = text.split(" ", 1)[-1]
    if right < clause.end:
        text = text.rsplit(" ", 1)[0]
    return " ".join(text.split()).strip(" ,:-–—")


def _add(evidence: dict[str, list[str]], key: str, phrase: str) -> None:
    bucket = evidence.setdefault(key, [])
    if phrase and phrase not in bucket and len(bucket) < 3:
        bucket.append(phrase)


def analyze(text: str) -> FeedbackAnalysis:
    """Kind, themes, signals and the phrases behind them, for one feedback text."""
    original = (text or "")[:MAX_CHARS]
    folded = fold_keep_length(original)
    clauses = _clauses(folded)
    themes: set[str] = set()
    signals: set[str] = set()
    evidence: dict[str, list[str]] = {}
    for clause in clauses:
        weak_context = bool(_WEAKNESS.search(clause.text))
        praise_only = bool(_PRAISE.search(clause.text)) and not weak_context
        for theme, strong, weak in _THEME_CUES:
            hits = list(strong.finditer(clause.text))
            if weak is not None and weak_context and not praise_only:
                hits += list(weak.finditer(clause.text))
            for match in hits:
                at = clause.start + match.start()
                if _negated(clause, at):
                    continue
                themes.add(theme)
                _add(evidence, theme, _phrase(original, clause, at, clause.start + match.end()))
                break
        for signal, pattern in _SIGNAL_CUES.items():
            cue = pattern.search(clause.text)
            if cue is not None:
                at = clause.start + cue.start()
                signals.add(signal)
                _add(evidence, signal, _phrase(original, clause, at, clause.start + cue.end()))
    specific = themes - {"competition"}
    kind = "constructive" if specific else "generic"
    if kind == "generic":
        signals.add("vague")
        generic = _GENERIC.search(folded)
        if generic is not None:
            clause = next(
                (c for c in clauses if c.start <= generic.start() < c.end),
                _Clause(0, len(folded), folded),
            )
            _add(
                evidence,
                "vague",
                _phrase(original, clause, generic.start(), generic.end()),
            )
    return FeedbackAnalysis(kind=kind, themes=themes, signals=signals, evidence=evidence)
