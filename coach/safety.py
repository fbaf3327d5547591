"""Deterministic crisis / self-harm detection, independent of the NLU classifier.

The Telegram front-end calls :func:`detect_crisis` on every incoming message before
anything else, whatever flow the user is in. When it fires, the user gets
:data:`CRISIS_REPLY` and coaching prompts and reminders pause for :data:`CRISIS_PAUSE`.

How it works
------------
1. Normalisation (:func:`_normalise`): casefold, ``œ``/``æ`` spelled out, every apostrophe
   and hyphen becomes a space, accents are stripped (NFKD), emoji, control characters and
   punctuation are dropped, strong punctuation (``. ! ? ; : , …`` and line breaks) becomes a
   clause marker. Each word then has its repeated letters collapsed (``enfiiiin`` →
   ``enfin``, ``mourrir`` → ``mourir``) and SMS spellings and elisions are expanded
   (``jveux`` → ``je veux``, ``chui`` → ``je suis``, ``j`` → ``je``, ``d`` → ``de``,
   ``lair`` → ``le air``, ``mm`` → ``meme``, ``pk`` → ``pourquoi``…).
2. Matching: a fixed list of regular expressions, written in plain spelling and run
   through the same letter collapsing when compiled, is searched in the whole normalised
   message and then in each clause separately (so that the context exclusions below
   never reach across a full stop or a comma).

Decisions (false negatives are worse than false positives here):

- Ending a task does not fire: "en finir avec ce dossier / ma recherche / ces refus"; but
  "en finir" alone, or "avec la vie / tout / moi / ça", fires.
- Idioms do not fire: "mourir de rire", "je meurs de faim", "crever de chaud", "l'attente
  me tue", "ça me tue", "sauter le pas / sur l'occasion", "me jeter à l'eau", "disparaître
  sous terre", "disparaître de vos fichiers", "ne plus jamais vivre ça", "suicide
  professionnel", "ça me pend au nez".
- "je me tue au travail / à la tâche" DOES fire: the speaker is the agent of "tuer" on
  themselves; the cost of a kind message and a pause is lower than the cost of a miss.
- Any form of "suicide" fires, even negated ("je ne pense pas au suicide").
- Ordinary sadness, exhaustion or anger do not fire on their own: "je suis déçu",
  "j'en peux plus de ces refus", "je suis au bout du rouleau", "j'ai plus envie de rien".

:func:`crisis_evidence` returns the matched fragment of the *normalised* text, for tests
and debugging only: never log what users write.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Final

__all__ = ["CRISIS_PAUSE", "CRISIS_REPLY", "crisis_evidence", "detect_crisis"]

CRISIS_PAUSE: Final[timedelta] = timedelta(hours=24)

CRISIS_REPLY: Final[str] = (
    "Merci de me l'avoir écrit. Ce que vous vivez compte, et vous n'avez pas à le "
    "traverser en solitaire : des personnes sont là pour vous écouter, maintenant.\n"
    "\n"
    "Appelez le 3114, numéro national de prévention du suicide : gratuit, 24h/24, 7j/7.\n"
    "En cas de danger immédiat : le 15 (SAMU) ou le 112.\n"
    "SOS Amitié, écoute 24h/24 : 09 72 39 40 50.\n"
    "\n"
    "Je ne suis ni thérapeute ni un service d'urgence, seulement un outil de coaching. "
    "Quand vous le voudrez, nous reprendrons ensemble, à votre rythme."
)

# --------------------------------------------------------------------------- normalisation

_CLAUSE: Final = "|"

# Applied after casefold, before NFKD. Apostrophes and hyphens split words; strong
# punctuation marks a clause boundary.
_TRANSLATE: Final = str.maketrans(
    {
        **dict.fromkeys("'’‘`´ʼʻ′‛＇-‐‑‒–—―_", " "),
        **dict.fromkeys(".!?;:,…¡¿\n\r\t\v\f\x85\u2028\u2029", f" {_CLAUSE} "),
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
    }
)
_NON_WORD_RE: Final = re.compile(r"[^a-z0-9|]+")
_REPEAT_RE: Final = re.compile(r"([a-z])\1+")
# A run of repeated letters in a pattern source, except right after a backslash.
_REPEAT_IN_PATTERN_RE: Final = re.compile(r"(?<!\\)([a-z])\1+")
# "jveux", "jme", "mtuer": no French word starts with j or m followed by a consonant.
_J_PREFIX_RE: Final = re.compile(r"j([bcdfghjklmnpqrstvwxz][a-z]+)")
_M_PREFIX_RE: Final = re.compile(r"m([bcdfgjklnpqstvwxz][a-z]{2,})")

# Word-level rewrites (keys and values are collapsed when the table is built).
_SMS_SOURCE: Final[dict[str, str]] = {
    # elisions left alone once the apostrophe became a space
    "j": "je",
    "m": "me",
    "t": "te",
    "s": "se",
    "d": "de",
    "l": "le",
    "n": "ne",
    "c": "ce",
    "qu": "que",
    "jusqu": "jusque",
    "lorsqu": "lorsque",
    "puisqu": "puisque",
    # missing apostrophes
    "jai": "je ai",
    "jen": "je en",
    "jy": "je y",
    "jetais": "je etais",
    "javais": "je avais",
    "jaimerais": "je aimerais",
    "jaimerai": "je aimerais",
    "jaurais": "je aurais",
    "jarrive": "je arrive",
    "jarrete": "je arrete",
    "jessaie": "je essaie",
    "jessaye": "je essaye",
    "jenvisage": "je envisage",
    "jhesite": "je hesite",
    "jirai": "je irai",
    "men": "me en",
    "sen": "se en",
    "nen": "ne en",
    "den": "de en",
    "na": "ne a",
    "nai": "ne ai",
    "nas": "ne as",
    "netais": "ne etais",
    "lair": "le air",
    "qua": "que a",
    "quon": "que on",
    "quil": "que il",
    "cest": "ce est",
    "dissue": "de issue",
    "darreter": "de arreter",
    "dexister": "de exister",
    "dautre": "de autre",
    "mendormir": "me endormir",
    "mouvrir": "me ouvrir",
    "mexploser": "me exploser",
    # SMS / spoken spellings
    "g": "je ai",
    "chui": "je suis",
    "chuis": "je suis",
    "jsui": "je suis",
    "sui": "suis",
    "ptet": "peut etre",
    "ptetre": "peut etre",
    "pt": "peut",
    "mm": "meme",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "pcq": "parce que",
    "pck": "parce que",
    "psk": "parce que",
    "jpp": "je en peux plus",
    "jsp": "je sais pas",
    "tt": "tout",
    "tte": "toute",
    "ttes": "toutes",
    "tjr": "toujours",
    "tjrs": "toujours",
    "tjs": "toujours",
    "ds": "dans",
    "pr": "pour",
    "ac": "avec",
    "avc": "avec",
    "bcp": "beaucoup",
    "qd": "quand",
    "qnd": "quand",
    "kan": "quand",
    "koi": "quoi",
    "kwa": "quoi",
    "ki": "qui",
    "ke": "que",
    "k": "que",
    "pa": "pas",
    "plu": "plus",
    "ve": "veux",
    "veu": "veux",
    "vx": "veux",
    "vux": "veux",
    "voudrai": "voudrais",
    "envi": "envie",
    "vrmt": "vraiment",
    "vraimen": "vraiment",
    "mnt": "maintenant",
    "ya": "il y a",
    "yen": "il y en",
    "ct": "ce etait",
    "medoc": "medocs",
    "enfinir": "en finir",
}


def _collapse(word: str) -> str:
    return _REPEAT_RE.sub(r"\1", word)


_SMS: Final[dict[str, tuple[str, ...]]] = {}
for _key, _value in _SMS_SOURCE.items():
    _expansion = tuple(_collapse(w) for w in _value.split())
    _SMS[_key] = _expansion
    # "jessaie" also as "jesaie"; short keys ("tte" -> "te") would shadow real words.
    if len(_key) >= 5:
        _SMS.setdefault(_collapse(_key), _expansion)

# "ts" is "tous" in SMS, except after these words where it means "tentative de suicide".
_TS_CONTEXT: Final = frozenset(
    {
        "une",
        "des",
        "ma",
        "mes",
        "sa",
        "deux",
        "trois",
        "plusieurs",
        "premiere",
        "derniere",
        "fait",
        "faite",
        "1",
        "2",
        "3",
    }
)


def _expand(word: str, previous: str) -> tuple[str, ...]:
    if word == _CLAUSE:
        return (word,)
    if word == "ts":
        return ("tentative", "de", "suicide") if previous in _TS_CONTEXT else ("tous",)
    hit = _SMS.get(word)
    if hit is not None:
        return hit
    word = _collapse(word)
    hit = _SMS.get(word)
    if hit is not None:
        return hit
    match = _J_PREFIX_RE.fullmatch(word) or _M_PREFIX_RE.fullmatch(word)
    if match is not None:
        head = "je" if word[0] == "j" else "me"
        rest = match.group(1)
        return (head, *_SMS.get(rest, (rest,)))
    return (word,)


def _normalise(text: str) -> str:
    """Lowercase ASCII words separated by single spaces, clauses marked with ``|``."""
    folded = text.casefold().translate(_TRANSLATE)
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    words = _NON_WORD_RE.sub(" ", ascii_text).replace(_CLAUSE, f" {_CLAUSE} ").split()
    out: list[str] = []
    previous = ""
    for word in words:
        out.extend(_expand(word, previous))
        previous = word
    return " ".join(out)


# --------------------------------------------------------------------------- patterns
# Written without accents, in ordinary spelling; doubled letters are collapsed when
# compiled, exactly as they are in the text. "d'" and "l'" appear as "de " and "le ".

_ADV = (
    r"(?:(?:juste|vraiment|tellement|tant|simplement|seulement|franchement|parfois|souvent"
    r"|serieusement|sincerement|presque|limite|carrement|grave|trop|tres|bien|encore"
    r"|toujours|deja|meme|enfin|plutot|vite|bientot|reellement|un peu|beaucoup"
    r"|de plus en plus|tout simplement|ce soir|cette nuit|maintenant|aujourd hui|demain"
    r"|peut etre|moi aussi|une bonne fois pour toutes|pour de bon|definitivement) ){0,3}"
)

# Wanting, planning, deserving, thinking about (any person, any tense that matters).
_VOL = (
    r"(?:veux|veut|voulais|voulait|voulu|vouloir|voudrais|voudrait|aimerais|aimerait|aimerai"
    r"|prefere|prefererais|prefererait|prefererai|souhaite|souhaiterais|souhaiterait"
    r"|envie de|envies de|besoin de|devrais|devrait|dois|merite de|merites de"
    r"|ferais mieux de|ferait mieux de|ferai mieux de|vaut mieux|vaudrait mieux|mieux vaut"
    r"|vais|irai|compte|plutot|decide de|decidee de|envisage de|prevois de"
    r"|(?:pense|pensais|pense souvent|pense parfois|pense serieusement|songe|songer|songeais)"
    r" a|reve de|revais de|hate de|prete? a|essaye de|essaie de|essayer de|tente de"
    r"|tenter de|tentee de|tentation de|tente de|sur le point de)"
)

_IDIOM_DE = (
    r"(?:de|d) (?:rire|faim|soif|froid|chaud|chaleur|honte|ennui|stress|peur|impatience"
    r"|fatigue|sommeil|jalousie|envie|trac|curiosite|plaisir|bonheur|joie|inquietude"
    r"|angoisse|rage|colere|nervosite|lassitude|amour)\b"
)
_DIE = rf"(?:mourir|mourire|mouri|mourrir|mouir)\b(?! {_IDIOM_DE})"
_CREVER = rf"creve[rz]?\b(?! {_IDIOM_DE}| (?:le|la|les|un|une|ce|mon|ma|des|son|sa)\b)"
_DISAPPEAR = (
    r"dispar(?:ai|e|a)i?t?re\b(?! (?:sous terre|dans un trou|des radars|du radar|quelques"
    r"|une semaine|un moment|un peu|pendant|le temps|ce week end|en vacances|de la circulation"
    r"|de linkedin|de (?:vos|votre|la|les|des|cette|ce|mon|ma|ses|leurs?) (?:bases?|fichiers?"
    r"|listes?|donnees|registres?|radars?|reseaux|systeme|appli|application|plateforme|site"
    r"|conversations?|historique|entreprise|boite|service|equipe|newsletter|mailing)\b"
    r"|des (?:radars|reseaux|fichiers|listes|bases|ecrans)))"
)
_SAUTER = (
    r"sauter\b(?! (?:le pas|sur|de joie|au plafond|dessus|partout|en parachute|en le air|a le"
    r" elastique|a la corde|a pieds joints|dans le train|dans le vide|du coq|du lit|dans le"
    r" bain|dans (?:ses|tes|mes|les) bras|au cou|de etape|la case|le|la|les|le|un|une|des|ce"
    r"|cet|cette|ces|mon|ma|mes|ton|ta|tes|son|sa|ses|notre|votre|nos|vos|leurs?|quelques"
    r"|plusieurs|deux|trois)\b)"
)
_NO_AFTER_VIVRE = (
    r"(?! (?:ca|cela|ce|cet|cette|ces|une?|des|le|la|les|de|du|pareil|pareille|a|au|aux|en"
    r"|dans|chez|ici|la bas|sur|pres|loin|seule?|seuls|seules|comme avant|de la sorte"
    r"|autrement|sans (?:travail|emploi|boulot|salaire|revenu|argent)"
    r"|avec (?:un|une|des|le|la|les|si|aussi|moins|seulement|ce|cette|mon|ma|mes|ton|son"
    r"|sa|ses|leurs?))\b)"
)
# Life, self, "everything", "that": objects of "en finir avec" that make it a crisis.
_LIFE = (
    r"(?:(?:la|ma|cette|mon|une) (?:vie|existence)\b(?! (?:profesionnelle|pro|active"
    r"|de chomeur|de chomeuse|de chomage|etudiante|de bureau|en entreprise|de couple"
    r"|de famille|sociale|de recherche)\b)|tout\b(?! (?:le|la|les|ce|cet|cette|ces|mon|ma"
    r"|mes|son|sa|ses|un|une|des|de|notre|nos|votre|vos)\b)|moi\b|le monde|ce monde"
    r"|mes jours|ca\b|cela\b|(?:la|ma|cette|mes) (?:douleur|souffrance|souffrances)"
    r"|vivre|exister|souffrir|respirer)"
)
_FINISH_GAP = (
    r"(?:(?:rapidement|vite|au plus vite|au plus tot|une bonne fois pour toutes"
    r"|une fois pour toutes|definitivement|enfin|maintenant|aujourd hui|demain|bientot"
    r"|des que possible|proprement|vite fait|cette semaine|ce mois ci|rapido) )?"
)
_NOT_A_TASK = (
    rf"(?! {_FINISH_GAP}(?:avec (?!{_LIFE})|de (?:ce|cet|cette|ces|mon|ma|mes|le|la|les"
    r"|notre|votre|nos|vos)\b(?! (?:vie|existence|jours|souffrance|douleur|monde)\b)))"
)

_LETHAL = (
    rf"(?:{_DIE}|{_CREVER}|{_DISAPPEAR}|{_SAUTER}|me tuer?\b|me suicid"
    r"|me supprimer\b(?! (?:de|des|du)\b)"
    rf"|en fini\b{_NOT_A_TASK}"
    rf"|(?:ne )?(?:plus|jamais) (?:etre la\b(?! bas)|etre en vie|exister|me reveiller"
    rf"|vivre\b{_NO_AFTER_VIVRE})"
    rf"|ne pas (?:exister|me reveiller|etre en vie|vivre\b{_NO_AFTER_VIVRE})"
    rf"|etre morte?s?\b(?! {_IDIOM_DE})"
    r"|partir pour (?:toujours|de bon)\b|partir a jamais\b|me laisser mourir"
    r"|me foutre en le air|dormir pour toujours|me faire du mal"
    r"|me faire mal\b(?! (?:a|au|aux|en)\b)|me blesser|me pendre"
    r"|me noyer\b(?! (?:dans|sous) )"
    r"|me jeter\b(?! (?:a le eau|sur|dans la bataille|dans le bain|dans le grand bain"
    r"|a corps perdu|dans la gueule|a fond|dans le travail)\b)"
    r"|me flinguer|me buter|me tirer une balle|arreter de (?:vivre|exister|respirer)"
    r"|cesser de (?:vivre|exister|respirer)|me scarifier|me mutiler"
    r"|me couper les veines|me ouvrir les veines|la mort\b(?! (?:de|du|des|dans)\b))"
)

_DRUGS = (
    r"(?:medicaments?|medocs?|cachets?|pilules?|comprimes?|somniferes?|anxiolytiques?"
    r"|antidepresseurs?|calmants?|gelules?|doliprane|paracetamol|xanax|lexomil|stilnox"
    r"|tramadol|lysanxia|temesta|seresta|atarax|neuroleptiques?|opiaces?)"
)
_SWALLOW = (
    r"(?:prendre|pris|prise|prends|prend|avaler|avale|avalee|avales|vider|ingerer|gober"
    r"|bouffer|bouffe)"
)

_PATTERN_SOURCES: Final[tuple[str, ...]] = (
    # suicide, any spelling, any context except the "professional suicide" idiom
    r"\bs[ui]{1,3}[cs]{1,2}i?d\w*\b(?! (?:profesionnel|profesionnelle|commercial|social"
    r"|politique|economique|financier|electoral|mediatique|de carriere)\b)",
    r"\btentatives? de suicide|\bauto ?mutil\w*|\b(?:me|se|te) mutil\w*|\bscarif\w*",
    r"\bidees? (?:noires?|de mort|morbides?)\b(?<!pas de idees noires)(?<!pas de idee noire)"
    r"(?<!aucune idee noire)",
    r"\bpensees? (?:de mort|morbides?|noires?)\b",
    # wanting / planning to die, disappear, end it...
    rf"\b{_VOL} {_ADV}{_LETHAL}",
    # "en finir", unless it is about a task
    rf"\ben ?(?:finir|finire|finr|fnir|finri|finise|finisse)\b{_NOT_A_TASK}",
    r"\ben ?finir\b[a-z ]{0,60}?\bavec (?:la|ma|cette) (?:vie|existence)\b(?! (?:pro"
    r"|profesionnelle|active|de chomeur|de chomeuse)\b)",
    r"\ben terminer avec (?:la|ma|cette) (?:vie|existence)\b",
    # putting an end to one's days
    r"\b(?:fin|terme) (?:a|de|aux) (?:mes|ma|ses|sa|tes|ta) (?:jours|vie|existence"
    r"|souffrances?)\b",
    r"\b(?:fin|terme) a (?:la|cette) (?:vie|existence)\b(?! (?:profesionnelle|pro|active"
    r"|de chomeur|de chomeuse|de chomage|etudiante|de bureau|commune|de couple)\b)",
    r"\b(?:mettre|mets|met|mettrai|mettrais) (?:fin|un terme) a tout\b(?: ca\b| cela\b)?"
    r"(?! (?:le|la|les|ce|cet|cette|ces|mon|ma|mes|processus)\b)",
    r"\babreger (?:mes|ma) (?:jours|vie|souffrances?)\b",
    # killing oneself
    r"\bje me tue(?:r|rai|rais|)\b",
    r"(?<!\bva )(?<!\bvas )(?<!\bvont )(?<!\bpeut )(?<!\bpeuvent )(?<!\bpourrait )"
    r"(?<!\bpourraient )(?<!\bpar )(?<!\bca )\bme tuer\b",
    r"\bme tue(?:r|rai|rais)? (?:ce soir|cette nuit|demain|bientot|maintenant)\b",
    r"\b(?:me|se|te) (?:fout\w*|fou|fous|fiche|fich\w*|balanc\w*) en le air\b",
    r"\b(?:me|se|te) pend(?:re|s|e|rai|rais|u|ue)?\b(?! au nez)",
    r"\b(?:me|se|te) (?:flinguer|buter|tirer une balle|mettre une balle|faire sauter (?:la"
    r" cervelle|le caisson|la tete))\b",
    r"(?<!\bva )(?<!\bvont )\bme supprimer\b(?! (?:de|des|du)\b)",
    # self-harm
    r"\b(?:je|j) me (?:fais|fait|ferai|ferais|suis fait|suis faite)"
    r" (?:du mal\b|mal\b(?! (?:a|au|aux|en)\b))",
    r"(?<!\bva )(?<!\bvont )(?<!\bpeut )(?<!\bpeuvent )(?<!\bpourrait )(?<!\bpourraient )"
    r"(?<!\bca )\bme faire du mal\b",
    r"\b(?:me |se |te )?(?:ouvrir|couper|taillader|trancher|tailler|entailler|ouvert|coupe"
    r"|taillade|tranche|ouvre) les (?:veines|poignets)\b",
    r"\bme (?:couper|coupe|lacerer|lacere|taillader|taillade|entailler|entaille|bruler"
    r"|brule|scarifier|scarifie|griffer) (?:le |les |la )?(?:bras|poignets?|cuisses?|veines"
    r"|peau|jambes?|ventre)\b",
    # dying / death
    rf"\bje (?:me )?meur[st]?\b(?! {_IDIOM_DE})",
    r"\bque je meure\b",
    r"\b(?:veux|souhaite|attends|espere|desire|appelle|prie pour|reve de|pense|pensais"
    r"|songe)(?: [a-z]+){0,3}? (?:a )?(?:ma|la) mort\b(?! (?:de|du|des|dans)\b)",
    r"\bla mort (?:serait|est|me semble|reste) (?:une |la |ma )?(?:delivrance|solution"
    r"|soulagement|seule issue|liberation|seule option)\b",
    rf"\b(?:mieux|plutot) morte?s?\b(?! {_IDIOM_DE})",
    r"\bdispar(?:ai|e|a)i?t?re (?:pour toujours|a jamais|pour de bon|definitivement"
    r"|de ce monde|de la surface de la terre|de la terre|pour l eternite)\b",
    r"\b(?:dormir|me endormir|sommeil) (?:pour toujours|a jamais|pour l eternite|eternel)\b",
    r"\b(?:plus|jamais) (?:jamais )?me reveiller\b(?! (?:a temps|a le heure|tot|en retard"
    r"|avant)\b)",
    r"\bne pas me reveiller\b(?! (?:a temps|a le heure|tot|en retard|avant)\b)",
    r"\bsi je (?:mourais|mourrais|crevais|disparaissais|me tuais|me suicidais|etais morte?"
    r"|ne etais plus la|etais plus la|ne existais plus|existais plus|partais pour toujours)\b",
    # not wanting to live
    r"\b(?:(?:plus|pas|aucune?|perdu|jamais|du tout|vraiment|trop|meme) ){1,3}(?:de |la |le )?"
    r"(?:envie|force|courage|gout|raison|raisons|volonte|energie) (?:de |a )(?:vivre|la vie"
    r"|exister|rester en vie|continuer a vivre|continuer de vivre|etre en vie)\b",
    rf"\bplus (?:jamais )?(?:de )?vivre\b{_NO_AFTER_VIVRE}",
    r"\b(?:arreter|cesser) de (?:vivre|exister|respirer)\b",
    r"\b(?:marre|fatigue|fatiguee|lasse|degoute|degoutee|epuise|epuisee|las|lassitude|degout)"
    r" (?:de |a )(?:vivre|la vie|ma vie|cette vie|exister|mon existence|cette existence"
    r"|etre en vie|respirer)\b",
    r"\b(?:ne )?(?:veux|voudrais|aimerais|prefere|prefererais|envie de) (?:ne )?(?:plus|pas)"
    r" (?:etre la|etre en vie|etre vivante?|etre de ce monde|etre sur cette terre|exister)\b"
    r"(?! bas\b)",
    r"\b(?:la|ma|cette|notre|mon) (?:vie|existence) (?:ne )?(?:a |as )?(?:vraiment |absolument"
    r" )?(?:plus|pas|aucun|rien)(?: aucun| de| vraiment de)? (?:sens|interet|valeur|but)\b",
    r"\b(?:la|ma|cette) vie (?:ne )?(?:vaut|vaux) (?:plus |vraiment )?rien\b",
    r"\bma vie est (?:finie|terminee|foutue|sans (?:aucun )?sens|vide de sens|denuee de sens"
    r"|sans interet|sans valeur|un enfer|insupportable)\b",
    r"\b(?:plus|pas) (?:aucun |de |le |vraiment de )?sens (?:a|de|dans) (?:la|ma|cette)"
    r" (?:vie|existence)\b",
    r"\bvie (?:sans|denuee de|vide de) sens\b",
    r"\b(?:peine|coup) de (?:vivre|continuer a vivre|etre vecue|exister|rester en vie)\b",
    r"\bvie (?:ne )?(?:vaut|vaux) (?:elle |vraiment |plus |pas )*(?:la peine|le coup)\b",
    r"\b(?:a )?quoi bon\b(?: [a-z]+){0,3}? (?:vivre|la vie|ma vie|exister|rester en vie"
    r"|respirer|me reveiller|se reveiller|me lever|se lever)\b",
    r"\bpourquoi (?:je )?(?:continuer|continue|continuerais|rester|reste|resterais)"
    r" (?:a |de )?(?:vivre|en vie|exister)\b",
    r"\bpourquoi (?:vivre|exister|rester en vie)\b",
    # no way out
    r"\b(?:vois|voit|trouve|il y a|y a|existe|reste|aura|vois) (?:vraiment )?(?:plus|pas"
    r"|aucune|jamais)(?: aucune)? (?:de |une )?(?:autre )?(?:issue|echappatoire)\b",
    r"\b(?:aucune|sans|plus de|pas de|plus aucune) (?:autre )?issue\b(?! (?:favorable"
    r"|positive|heureuse|a ma candidature|pour ma candidature|de le|du|de la)\b)",
    r"\bseule (?:issue|solution|option|sortie|echappatoire) (?:est |serait |ce est |reste )?"
    r"(?:de |la |le )?(?:mourir|disparaitre|en finir|me tuer|mort|suicide|partir pour toujours)"
    r"\b",
    r"\bplus rien ne me retient\b(?! (?:dans|a|au|en|chez|la bas)\b)",
    r"\brien ne me retient plus\b(?! (?:dans|a|au|en|chez|la bas)\b)",
    r"\bque tout (?:se )?arrete\b(?! (?:pour|avec|dans|chez|a|au|en)\b)",
    r"\b(?:veux|voudrais|aimerais|besoin|envie) (?:juste |seulement |simplement )?que"
    r" (?:ca|cela|la douleur|la souffrance|le mal) (?:se )?arrete\b",
    # burden, being missed
    r"\bmieux sans moi\b",
    r"\b(?:plus simple|plus facile|plus heureux|plus heureuse|soulages?|soulagees?)"
    r" sans moi\b",
    r"\bpersonne ne (?:me )?(?:regretterait|regretteraient|remarquerait|verrait|pleurerait"
    r"|viendrait a mon enterrement)\b",
    r"\bmanquerai[st]? a personne\b",
    r"\b(?:suis|etre|me sens|me sent|reste) (?:juste |que |seulement |vraiment )?(?:un|une)"
    r" fardeau\b",
    r"\b(?:suis|etre|me sens) (?:juste |que |seulement |vraiment )?un poids (?:mort )?pour"
    r" (?:ma famille|mes proches|tout le monde|les autres|mon entourage|mes enfants"
    r"|mes parents|mon conjoint|ma conjointe|mes amis)\b",
    # means
    rf"\b{_SWALLOW} (?:(?:tous|toutes|toute|tout) (?:mes|les|ces|ma|la|le|mon)|trop de"
    rf"|un max de|plein de|une poignee de|une boite|la boite|toute la boite|toute une boite"
    rf"|des boites|plusieurs boites|une plaquette|toute la plaquette|des plaquettes"
    rf"|un flacon|tout le flacon|un tube|tout le tube|la totalite de mes) (?:[a-z]+ ){{0,2}}?"
    rf"{_DRUGS}\b",
    rf"\b{_SWALLOW} (?:toute (?:la|ma|une) (?:boite|plaquette)|(?:la|une|ma) (?:boite"
    r"|plaquette) entiere|(?:le|un|mon) (?:flacon|tube) entier)\b",
    rf"\b(?:overdose|surdose)\b(?! de (?!{_DRUGS}|drogue|heroine|alcool)\w)",
    r"\b(?:sauter|me jeter|me lancer|me balancer|me laisser tomber|me precipiter)(?: [a-z]+)"
    r"{0,4}? (?:pont|toit|fenetre|balcon|immeuble|falaise|viaduc|etage|seine|rhone|loire"
    r"|garonne|riviere|fleuve|canal|falaises)\b",
    r"\b(?:me jeter|me balancer|me laisser tomber|me lancer) dans le vide\b",
    r"\b(?:sauter|me jeter|me lancer|me balancer|me mettre|me coucher|me precipiter|passer)"
    r" sous (?:un|le|une|les|des) (?:train|trains|metro|rer|tram|tramway|voiture|camion|bus"
    r"|tgv|roues)\b",
    r"\blettres? de adieux?\b|\bdire adieu a (?:la vie|ce monde|tout le monde)\b",
    r"\b(?:vais|veux|peur de|envie de|pourrais|risque de|sur le point de|sens que je vais)"
    r" (?:faire|commettre) (?:une |des )(?:betise|betises|connerie|conneries)\b",
    r"\b(?:geste|acte) (?:irreparable|definitif|desespere|fatal)\b",
)


def _compile(source: str) -> re.Pattern[str]:
    return re.compile(_REPEAT_IN_PATTERN_RE.sub(r"\1", source))


_PATTERNS: Final[tuple[re.Pattern[str], ...]] = tuple(_compile(s) for s in _PATTERN_SOURCES)


# --------------------------------------------------------------------------- API


def _search(normalised: str) -> str | None:
    for pattern in _PATTERNS:
        match = pattern.search(normalised)
        if match is not None:
            return match.group(0).strip()
    return None


def crisis_evidence(text: str) -> str | None:
    """The normalised fragment that signals a crisis, or ``None``.

    For tests and debugging only: the fragment is user text and must never be logged.
    """
    if not isinstance(text, str) or not text:
        return None
    normalised = _normalise(text)
    found = _search(" ".join(normalised.replace(_CLAUSE, " ").split()))
    if found is not None or _CLAUSE not in normalised:
        return found
    # Context exclusions ("en finir avec ce dossier") must not reach across a clause.
    for clause in normalised.split(_CLAUSE):
        found = _search(clause.strip())
        if found is not None:
            return found
    return None


def detect_crisis(text: str) -> bool:
    """True when the message shows signs of suicidal crisis or self-harm."""
    return crisis_evidence(text) is not None
