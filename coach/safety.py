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
   through the same letter collapsing when compiled, joined into one alternation behind a
   single word boundary. It is searched in the normalised message without clause markers
   (so "je veux... mourir" is seen whole) and, when that finds nothing, once more with the
   markers kept, so that the context exclusions below never reach across a full stop or a
   comma ("Je veux en finir. Avec ce dossier aussi." fires).

Decisions (false negatives are worse than false positives here):

- Ending a task does not fire: "en finir avec ce dossier / ma recherche / ces refus"; but
  "en finir" alone, or "avec la vie / tout / moi / ça", fires.
- Idioms do not fire: "mourir de rire", "je meurs de faim", "crever de chaud", "l'attente
  me tue", "ça me tue", "sauter le pas / sur l'occasion", "me jeter à l'eau", "disparaître
  sous terre", "disparaître de vos fichiers", "ne plus jamais vivre ça", "suicide
  professionnel", "ça me pend au nez".
- "je me tue au travail / à la tâche" DOES fire: the speaker is the agent of "tuer" on
  themselves; the cost of a kind message and a pause is lower than the cost of a miss.
- Any form of "suicide" fires, even negated ("je ne pense pas au suicide") or naming the
  helpline ("prévention du suicide"); "idées noires" fires unless preceded by "pas d'".
- Bare "en finir" fires even when it probably means the recruitment process ("j'ai hâte
  d'en finir"); "en finir avec ce processus" does not. It does not fire when its clause
  names someone else as subject and holds no "je / me / moi" (:func:`_about_someone_else`):
  "le recruteur était pressé d'en finir", "vous sembliez pressé d'en finir" in a pasted
  feedback. Safety first, it still fires after "on", "tu", an impersonal "il" ("il faut en
  finir", "il est temps d'en finir") and after "et" + a noun ("il était odieux et envie
  d'en finir"): the subject may be the person.
- English words mixed in fire: "je veux die", "kill myself", "end it all", "self harm".
- "mieux sans moi" fires whoever "they" are ("l'équipe serait mieux sans moi"): perceived
  burdensomeness is a risk marker.
- Ordinary sadness, exhaustion or anger do not fire on their own: "je suis déçu",
  "j'en peux plus de ces refus", "je suis au bout du rouleau", "j'ai plus envie de rien",
  "j'ai envie de tout arrêter" (the classifier's ``crisis`` intent is the second net).

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
    "Merci de me l'avoir dit. Ce que vous traversez compte, et vous n'avez pas à "
    "l'affronter en solitaire : des personnes formées peuvent vous écouter tout de suite.\n"
    "\n"
    "Appelez dès maintenant le 3114, numéro national de prévention du suicide "
    "(gratuit, 24h/24, 7j/7).\n"
    "En cas de danger immédiat : le 15 (SAMU) ou le 112.\n"
    "SOS Amitié, écoute 24h/24 : 09 72 39 40 50.\n"
    "\n"
    "Je ne suis ni thérapeute ni service d'urgence, seulement un outil de coaching. "
    "Quand vous le souhaiterez, nous pourrons reprendre, à votre rythme."
)

# --------------------------------------------------------------------------- normalisation

_CLAUSE: Final = "|"

# Replaced before NFKD (which would drop them): apostrophes and dashes split words, strong
# punctuation and line breaks mark a clause, a few letters NFKD leaves whole are spelled out.
_SPECIAL: Final[dict[str, str]] = {
    **dict.fromkeys("'’‘`´ʼʻ′‛＇-‐‑‒–—―_\t\v\f\u200b\u200c\u200d\u2060\ufeff", " "),
    **dict.fromkeys(".!?;:,…¡¿\n\r\x85\u2028\u2029", f" {_CLAUSE} "),
    "œ": "oe",
    "æ": "ae",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
}
_SPECIAL_RE: Final = re.compile("[" + re.escape("".join(_SPECIAL)) + "]")
_NON_WORD_RE: Final = re.compile(r"[^a-z0-9|]+")
_REPEAT_RE: Final = re.compile(r"([a-z])\1+")
# A run of repeated letters in a pattern source, except right after a backslash.
_REPEAT_IN_PATTERN_RE: Final = re.compile(r"(?<!\\)([a-z])\1+")

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
    "ts": "tous",
}


def _collapse(word: str) -> str:
    return _REPEAT_RE.sub(r"\1", word)


def _word_alternation(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\b")


_SMS: Final[dict[str, str]] = {}
for _key, _value in _SMS_SOURCE.items():
    _SMS[_key] = " ".join(_collapse(w) for w in _value.split())
    # "jessaie" also as "jesaie"; short keys ("tte" -> "te") would shadow real words.
    if len(_key) >= 5:
        _SMS.setdefault(_collapse(_key), _SMS[_key])
# Keys with doubled letters are rewritten before collapsing: "mm" is "même", not "me".
_DOUBLED_RE: Final = _word_alternation([k for k in _SMS_SOURCE if _REPEAT_RE.search(k)])
_SMS_RE: Final = _word_alternation(list(_SMS))
# "ts" is "tous" in SMS, except after these words where it means "tentative de suicide".
_TS_RE: Final = re.compile(
    r"\b(une|des|ma|mes|sa|deux|trois|plusieurs|premiere|derniere|fait|faite|[123]) ts\b"
)
# "jveux", "jme", "mtuer": no French word starts with j or m followed by a consonant.
_PREFIX_RE: Final = re.compile(
    r"\b(?:j(?=[bcdfghjklmnpqrstvwxz][a-z]+\b)|m(?=[bcdfgjklnpqstvwxz][a-z]{2,}\b))"
)


def _sms(match: re.Match[str]) -> str:
    return _SMS[match.group(0)]


def _special(match: re.Match[str]) -> str:
    return _SPECIAL[match.group(0)]


def _prefix(match: re.Match[str]) -> str:
    return "je " if match.group(0) == "j" else "me "


def _normalise(text: str) -> str:
    """Lowercase ASCII words separated by single spaces, clauses marked with ``|``."""
    folded = _SPECIAL_RE.sub(_special, text.casefold())
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    cleaned = _NON_WORD_RE.sub(" ", ascii_text).replace(_CLAUSE, f" {_CLAUSE} ")
    cleaned = _REPEAT_RE.sub(r"\1", _DOUBLED_RE.sub(_sms, cleaned))
    cleaned = _TS_RE.sub(r"\1 tentative de suicide", cleaned)
    cleaned = _SMS_RE.sub(_sms, _PREFIX_RE.sub(_prefix, cleaned))
    return " ".join(cleaned.split())


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
    r"|vais|irai|compte|plutot|autant|decide de|decidee de|envisage de|prevois de"
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
# "sauter dans le vide et créer ma boîte": the career leap, not the fall.
_LEAP = (
    r"dans le vide (?:et|en|pour|profesionnel|de la reconversion|de le entrepreneuriat"
    r"|de le freelance)"
)
_SAUTER = (
    r"sauter\b(?! (?:le pas|sur|de joie|au plafond|dessus|partout|en parachute|en le air|a le"
    r" elastique|a la corde|a pieds joints|dans le train|du coq|du lit|dans le bain"
    r"|dans (?:ses|tes|mes|les) bras|au cou|aux yeux|la case|le|la|les|un|une|des|ce|cet"
    r"|cette|ces|mon|ma|mes|ton|ta|tes|son|sa|ses|notre|votre|nos|vos|leurs?|quelques"
    r"|plusieurs|deux|trois|de (?:un |une )?(?:etape|poste|postes|job|boulot|emploi|branche"
    rf"|sujet|idee|entreprise|metier|contrat|mission|projet)|{_LEAP})\b)"
)
_NO_AFTER_VIVRE = (
    r"(?! (?:ca|cela|ce|cet|cette|ces|une?|des|le|la|les|de|du|pareil|pareille|a|au|aux|en"
    r"|dans|chez|ici|la bas|sur|pres|loin|seule?|seuls|seules|comme avant|de la sorte|que"
    r"|ma|mon|mes|ta|ton|tes|sa|son|ses|notre|votre|nos|vos|leurs?|pleinement|intensement"
    r"|heureux|heureuse|mieux|sainement|simplement|librement|au jour le jour|pour moi"
    r"|autrement|sans (?:travail|emploi|boulot|salaire|revenu|argent)"
    r"|avec (?:un|une|des|le|la|les|si|aussi|moins|seulement|ce|cette|mon|ma|mes|ton|son"
    r"|sa|ses|leurs?))\b)"
)
# "ne plus être là" is about living, not about being somewhere ("là-bas", "quand il arrive").
_NOT_THERE = r"(?! (?:bas|quand|a|au|aux|pour|demain|ce|cette|le|la|lors|si|pendant|chez|en)\b)"
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
    r"|die\b|me kill\b|kill myself\b|end it all\b|end my life\b"
    r"|me supprimer\b(?! (?:de|des|du)\b)"
    rf"|en fini\b{_NOT_A_TASK}"
    rf"|(?:ne )?(?:plus|jamais) (?:etre la\b{_NOT_THERE}|etre en vie|exister|me reveiller"
    rf"|vivre\b{_NO_AFTER_VIVRE})"
    rf"|ne pas (?:exister|me reveiller|etre en vie|vivre\b{_NO_AFTER_VIVRE})"
    rf"|etre morte?s?\b(?! {_IDIOM_DE})"
    r"|partir (?:pour toujours|a jamais|pour de bon)\b(?! (?:de|en|a|au|aux|vers|dans|chez|loin)\b)"
    r"|me laisser mourir"
    r"|me foutre en le air|dormir pour toujours|me faire du mal"
    r"|me faire mal\b(?! (?:a|au|aux|en)\b)|me blesser|me pendre"
    r"|me noyer\b(?! (?:dans|sous) )"
    r"|me jeter\b(?! (?:a le eau|sur|a corps perdu|a fond|dans (?!le vide|la seine|le fleuve"
    r"|la riviere|le canal|la mer|le rhone|la loire|la garonne|un fleuve|une riviere)))"
    rf"|me flinguer|me buter|me tirer une balle|(?:arreter|cesser) de (?:vivre\b{_NO_AFTER_VIVRE}"
    r"|exister|respirer)|me scarifier|me mutiler"
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
    # English words mixed in: "i want to die", "je vais kill myself", "self-harm"
    r"(?:want|wanna|wants|going|gonna|ready|deserve|rather|wish i could|like) (?:to )?"
    r"(?:die|be dead|kill myself|end it all|end my life|disappear forever)\b",
    r"kill(?:ing)? myself\b|\bend(?:ing)? (?:it all|my life)\b|\bself ?harm\w*"
    r"|\b(?:no|any) reason to (?:live|stay alive|keep living)\b"
    r"|\b(?:done|finished) with (?:life|living|my life)\b",
    # suicide, any spelling, any context except the "professional suicide" idiom
    r"s[ui]{1,3}[cs]{1,2}i?d\w*\b(?! (?:profesionnel|profesionnelle|commercial|social"
    r"|politique|economique|financier|electoral|mediatique|de carriere)\b)",
    r"tentatives? de suicide|\bauto ?mutil\w*|\b(?:me|se|te) mutil\w*|\bscarif\w*",
    r"idees? (?:noires?|de mort|morbides?)\b(?<!pas de idees noires)(?<!pas de idee noire)"
    r"(?<!aucune idee noire)",
    r"pensees? (?:de mort|morbides?|noires?)\b",
    # wanting / planning to die, disappear, end it...
    rf"{_VOL} {_ADV}{_LETHAL}",
    # "en finir", unless it is about a task
    rf"en ?(?:finir|finire|finr|fnir|finri|finise|finisse)\b{_NOT_A_TASK}",
    r"en ?finir\b[a-z ]{0,60}?\bavec (?:la|ma|cette) (?:vie|existence)\b(?! (?:pro"
    r"|profesionnelle|active|de chomeur|de chomeuse)\b)",
    r"en terminer avec (?:la|ma|cette) (?:vie|existence)\b",
    # putting an end to one's days
    r"(?:fin|terme) (?:a|de|aux) (?:mes|ma|ses|sa|tes|ta) (?:jours|vie|existence"
    r"|souffrances?)\b",
    r"(?:fin|terme) a (?:la|cette) (?:vie|existence)\b(?! (?:profesionnelle|pro|active"
    r"|de chomeur|de chomeuse|de chomage|etudiante|de bureau|commune|de couple)\b)",
    r"(?:mettre|mets|met|mettrai|mettrais) (?:fin|un terme) a tout\b(?: ca\b| cela\b)?"
    r"(?! (?:le|la|les|ce|cet|cette|ces|mon|ma|mes|processus)\b)",
    r"abreger (?:mes|ma) (?:jours|vie|souffrances?)\b",
    # killing oneself
    r"je me tue(?:r|rai|rais|)\b",
    r"me tuer\b(?<!\bva me tuer)(?<!\bvas me tuer)(?<!\bvont me tuer)(?<!\bpeut me tuer)"
    r"(?<!\bpeuvent me tuer)(?<!\bpourrait me tuer)(?<!\bpourraient me tuer)"
    r"(?<!\bpar me tuer)(?<!\bca me tuer)",
    r"me tue(?:r|rai|rais)? (?:ce soir|cette nuit|demain|bientot|maintenant)\b",
    r"(?:me|se|te) (?:fout\w*|fou|fous|fiche|fich\w*|balanc\w*) en le air\b",
    r"(?:me|se|te) pend(?:re|s|e|rai|rais|u|ue)?\b(?! au nez)",
    r"(?:me|se|te) (?:flinguer|flingue|buter|bute|(?:tirer|tire|tirerai|mettre|mets|mettrai)"
    r" une balle|(?:faire|fais|fait|ferai|ferais) sauter (?:la cervelle|le caisson|la tete))\b",
    r"me supprimer\b(?<!\bva me supprimer)(?<!\bvont me supprimer)(?! (?:de|des|du)\b)",
    # self-harm
    r"(?:je|j) me (?:fais|fait|ferai|ferais|suis fait|suis faite)"
    r" (?:du mal\b|mal\b(?! (?:a|au|aux|en)\b))",
    r"me faire du mal\b(?<!\bva me faire du mal)(?<!\bvont me faire du mal)"
    r"(?<!\bpeut me faire du mal)(?<!\bpeuvent me faire du mal)"
    r"(?<!\bpourrait me faire du mal)(?<!\bpourraient me faire du mal)",
    r"(?:me |se |te )?(?:ouvrir|couper|taillader|trancher|tailler|entailler|ouvert|coupe"
    r"|taillade|tranche|ouvre) les (?:veines|poignets)\b",
    r"je me (?:coupe|scarifie|mutile|taillade|frappe|griffe|brule|lacere|entaille)\b"
    r"(?! (?:les cheveux|le doigt|les doigts|la langue|du monde|de|des|la parole|les ongles"
    r"|la frange|les pointes|au soleil|le front|la tete|la cuisse de rire)\b)",
    r"me (?:frapper|cogner la tete contre les murs jusqu)\b",
    r"me (?:suis )?(?:couper|coupe|lacerer|lacere|taillader|taillade|entailler|entaille|bruler"
    r"|brule|scarifier|scarifie|griffer) (?:le |les |la )?(?:bras|poignets?|cuisses?|veines"
    r"|peau|jambes?|ventre)\b(?! (?:en (?:cuisinant|bricolant|tombant|jardinant|faisant)"
    r"|au soleil|par accident|accidentellement|sans faire expres)\b)",
    # dying / death
    rf"je (?:me )?meur[st]?\b(?! {_IDIOM_DE})",
    r"que je meure\b",
    r"(?:veux|souhaite|attends|espere|desire|appelle|prie pour|reve de|pense|pensais"
    r"|songe)(?: [a-z]+){0,3}? (?:a )?(?:ma|la) mort\b(?! (?:de|du|des|dans)\b)",
    r"la mort (?:serait|est|me semble|reste) (?:une |la |ma )?(?:delivrance|solution"
    r"|soulagement|seule issue|liberation|seule option)\b",
    rf"(?:mieux|plutot) morte?s?\b(?! {_IDIOM_DE})",
    r"dispar(?:ai|e|a)i?t?re (?:pour toujours|a jamais|pour de bon|definitivement"
    r"|de ce monde|de la surface de la terre|de la terre|pour l eternite)\b",
    r"(?:dormir|me endormir|sommeil) (?:pour toujours|a jamais|pour l eternite|eternel)\b",
    r"(?:plus|jamais) (?:jamais )?me reveiller\b(?! (?:a temps|a le heure|tot|en retard"
    r"|avant)\b)",
    r"ne pas me reveiller\b(?! (?:a temps|a le heure|tot|en retard|avant)\b)",
    r"si je (?:mourais|mourrais|crevais|disparaissais|me tuais|me suicidais|etais morte?"
    r"|ne etais plus la|etais plus la|ne existais plus|existais plus|partais pour toujours)\b",
    # not wanting to live
    r"(?:(?:vraiment|meme|franchement) )?(?:plus|pas|aucune?|perdu|jamais|nulle)"
    r"(?: (?:du tout|aucune?|vraiment|jamais))? (?:de |la |le )?"
    r"(?:envie|force|courage|gout|raison|raisons|volonte|energie) (?:de |a )(?:vivre|la vie"
    r"|exister|rester en vie|continuer a vivre|continuer de vivre|etre en vie)\b",
    rf"plus(?<!\ben plus)(?<!\bde plus) (?:jamais )?(?:de )?vivre\b{_NO_AFTER_VIVRE}",
    r"(?:marre|fatigue|fatiguee|lasse|degoute|degoutee|epuise|epuisee|las|lassitude|degout)"
    r" (?:de |a )(?:vivre|la vie|ma vie|cette vie|exister|mon existence|cette existence"
    r"|etre en vie|respirer)\b",
    r"(?:veux|voudrais|aimerais|prefere|prefererais|envie de) (?:ne )?(?:plus|pas)"
    r" (?:etre en vie|etre vivante?|etre de ce monde|etre sur cette terre|exister)\b",
    rf"(?:veux|voudrais|aimerais|prefere|prefererais|envie de) (?:ne )?plus etre la\b{_NOT_THERE}",
    # « je n'ai plus envie d'être là » (« plus »: « pas envie d'être là » is said of a
    # candidate who looked bored in an interview)
    rf"(?:plus|plus aucune) (?:du tout )?envie de (?:encore )?etre (?:encore )?la\b{_NOT_THERE}",
    r"(?:la|ma|cette|notre|mon) (?:vie|existence) (?:ne )?(?:a |as )?(?:vraiment |absolument"
    r" )?(?:plus|pas|aucun|rien)(?: aucun| de| vraiment de)? (?:sens|interet|valeur|but)\b",
    r"(?:la|ma|cette) vie (?:ne )?(?:vaut|vaux) (?:plus |vraiment )?rien\b",
    r"ma vie est (?:finie|terminee|foutue|sans (?:aucun )?sens|vide de sens|denuee de sens"
    r"|sans interet|sans valeur|un enfer|insupportable)\b",
    r"(?:plus|pas) (?:aucun |de |le |vraiment de )?sens (?:a|de|dans) (?:la|ma|cette)"
    r" (?:vie|existence)\b",
    r"vie (?:sans|denuee de|vide de) sens\b",
    r"(?:peine|coup) de (?:vivre|continuer a vivre|etre vecue|exister|rester en vie)\b",
    r"vie (?:ne )?(?:vaut|vaux) (?:elle |vraiment |plus |pas )*(?:la peine|le coup)\b",
    r"(?:a )?quoi bon\b(?: [a-z]+){0,3}? (?:vivre|la vie|ma vie|exister|rester en vie"
    r"|respirer|me reveiller|se reveiller|me lever|se lever)\b",
    r"pourquoi (?:je )?(?:continuer|continue|continuerais|rester|reste|resterais)"
    r" (?:a |de )?(?:vivre|en vie|exister)\b",
    r"pourquoi (?:vivre|exister|rester en vie)\b",
    r"quoi (?:ca |cela )?(?:sert|servirait|me sert) (?:de |la |ma )?(?:vivre|vie|exister"
    r"|rester en vie)\b",
    r"sert (?:a )?rien de (?:vivre|exister|rester en vie)\b",
    r"(?:supporte|supporter|supportais) plus (?:la vie|ma vie|cette vie|de vivre|de exister"
    r"|mon existence|cette existence|de etre en vie)\b",
    r"merite (?:pas|plus|meme pas) (?:de )?(?:vivre|etre en vie|exister)\b",
    r"(?:arreter|arrete|cesser|stopper)(?: [a-z]+){0,3}? de (?:respirer|exister)\b",
    rf"(?:arreter|arrete|cesser|stopper)(?: [a-z]+){{0,3}}? de vivre\b{_NO_AFTER_VIVRE}",
    r"(?:me laisse[rz]?|laisse[rz]? moi) mourir\b",
    r"que je (?:disparaisse|creve|me tue|me suicide|me foute en le air)\b(?! (?:des radars"
    r"|de la circulation|de la liste|quelques|un peu|de vos|de votre)\b)",
    # no way out
    r"(?:vois|voit|trouve|il y a|y a|existe|reste|aura|vois) (?:vraiment )?(?:plus|pas"
    r"|aucune|jamais)(?: aucune)? (?:de |une )?(?:autre )?(?:issue|echappatoire)\b"
    r"(?! (?:favorable|positive|heureuse)\b)",
    r"(?:aucune|sans|plus de|pas de|plus aucune) (?:autre )?issue\b(?! (?:favorable"
    r"|positive|heureuse|a ma candidature|pour ma candidature|de le|du|de la)\b)",
    r"seule (?:issue|solution|option|sortie|echappatoire) (?:est |serait |ce est |reste )?"
    r"(?:de |la |le )?(?:mourir|disparaitre|en finir|me tuer|mort|suicide|partir pour toujours)"
    r"\b",
    r"plus rien ne me retient\b(?! (?:dans|a|au|en|chez|la bas)\b)",
    r"rien ne me retient plus\b(?! (?:dans|a|au|en|chez|la bas)\b)",
    r"que tout (?:se )?arrete\b(?! (?:pour|avec|dans|chez|a|au|en)\b)",
    r"que (?:ma vie|mon existence) (?:se )?(?:arrete|termine|finisse|finit|cesse)\b",
    r"(?:veux|voudrais|aimerais|besoin|envie) (?:juste |seulement |simplement )?que"
    r" (?:ca|cela|la douleur|la souffrance|le mal) (?:se )?arrete\b",
    # burden, being missed
    r"mieux sans moi\b",
    r"(?:plus simple|plus facile|plus heureux|plus heureuse|soulages?|soulagees?)"
    r" sans moi\b",
    r"personne ne (?:me )?(?:regretterait|regretteraient|remarquerait|verrait|pleurerait"
    r"|viendrait a mon enterrement)\b",
    r"manquerai[st]? a personne\b",
    r"(?:suis|etre|me sens|me sent|reste) (?:juste |que |seulement |vraiment )?(?:un|une)"
    r" fardeau\b",
    r"(?:ne suis|ne me sens|ne serai) (?:que|rien de plus que|plus que) (?:un|une)"
    r" (?:poids|fardeau|boulet)\b(?! (?:en moins|de moins)\b)",
    r"(?:suis|etre|me sens) (?:juste |que |seulement |vraiment )?un poids (?:mort )?pour"
    r" (?:ma famille|mes proches|tout le monde|les autres|mon entourage|mes enfants"
    r"|mes parents|mon conjoint|ma conjointe|mes amis)\b",
    # means
    rf"{_SWALLOW} (?:(?:tous|toutes|toute|tout) (?:mes|les|ces|ma|la|le|mon)|trop de"
    r"|un max de|plein de|une poignee de|toute la boite|toute une boite|plusieurs boites"
    r"|toute la plaquette|tout le flacon|tout le tube|la totalite de mes)"
    rf" (?:[a-z]+ ){{0,2}}?{_DRUGS}\b",
    r"(?:avaler|avale|avalee|avales|gober|ingerer|vider|bouffer|bouffe|engloutir|englouti)"
    r" (?:une|des|deux|trois|plusieurs) (?:boites?|plaquettes?|flacons?|tubes?)\b",
    rf"{_SWALLOW} (?:toute (?:la|ma|une) (?:boite|plaquette)|(?:la|une|ma) (?:boite"
    r"|plaquette) entiere|(?:le|un|mon) (?:flacon|tube) entier)\b",
    rf"(?:overdose|surdose)\b(?! de (?!{_DRUGS}|drogue|heroine|alcool)\w)",
    # the pills named first, then "tous les avaler" / "les prendre toutes"
    rf"{_DRUGS}\b[^.!?]{{0,80}}?\b(?:je|j)\b(?: [a-z]+){{0,3}}? (?:(?:tous|toutes) les"
    rf" {_SWALLOW}\b|les {_SWALLOW} (?:tous|toutes)\b(?! les\b))",
    r"(?:sauter|me jeter|me lancer|me balancer|me laisser tomber|me precipiter)(?: [a-z]+)"
    r"{0,4}? (?:pont|toit|fenetre|balcon|immeuble|falaise|viaduc|etage|seine|rhone|loire"
    r"|garonne|riviere|fleuve|canal|falaises)\b",
    r"(?:me jeter|me balancer|me laisser tomber) dans le vide\b",
    r"(?:sauter|me jeter|me lancer|me balancer|me mettre|me coucher|me precipiter|passer)"
    r" sous (?:un|le|une|les|des) (?:train|trains|metro|rer|tram|tramway|voiture|camion|bus"
    r"|tgv|roues)\b",
    r"lettres? de adieux?\b|\bdire adieu a (?:la vie|ce monde|tout le monde)\b",
    r"(?:vais|veux|peur de|envie de|pourrais|risque de|sur le point de|sens que je vais)"
    r" (?:faire|commettre) (?:une |des )(?:betise|betises|connerie|conneries)\b",
    r"(?:geste|acte) (?:irreparable|definitif|desespere|fatal)\b",
    # self-harm already done, or on purpose ("je me suis coupée hier", "… exprès")
    r"je me suis (?:encore |de nouveau |a nouveau )?(?:coupee?|scarifiee?|mutilee?|tailladee?"
    r"|entaillee?|brulee?|blessee?)\b(?! (?:les cheveux|le doigt|les doigts|la frange|en|au|aux"
    r"|a la|avec|sur|par accident|accidentellement|sans faire expres|pendant|chez|dans)\b)",
    r"(?:me|se) (?:fais|fait|faire|suis fait|suis faite) saigner\b",
    r"je me (?:blesse|coupe|frappe|cogne|tape|brule|griffe)\b[a-z ]{0,50}?"
    r"(?:volontairement|expres|pour me punir|jusque? a saigner|jusque? au sang"
    r"|jusque? a (?:avoir |me faire )?des bleus|jusque? aux bleus|jusque? a me faire mal)\b",
    # first person, present: "je me tape dessus", "je me tape la tête contre les murs" (the
    # impersonal idiom "c'est à se taper la tête contre les murs" does not fire)
    r"je me (?:tape|frappe|cogne) (?:dessus|moi meme)\b",
    r"je me (?:tape|frappe|cogne) (?:encore |souvent |tout le temps )?la tete contre"
    r" (?:les|le|des) murs?\b(?! (?:avec|a cause|pour|sur|a propos|a force|quand|depuis"
    r"|parce|chaque fois|de ce|de cette|de ces)\b)",
    # overdose
    rf"(?:avale|avaler|avalee|avales) (?:des|mes|tous mes|toutes mes|plein de|une boite de"
    rf"|la boite de|tout ce que je ai come|une plaquette de) {_DRUGS}",
    rf"{_SWALLOW} [a-z ]{{0,30}}?{_DRUGS}[a-z ]{{0,20}}? pour (?:{_DIE}|en finir|me tuer"
    r"|ne plus me reveiller|dormir pour toujours)",
    rf"pour (?:{_DIE}|ne plus me reveiller|me tuer\b)(?<!de rire)",
    # goodbyes and means
    r"(?:dit|dire|fait|faire|fais|ecrit|ecrire) (?:mes )?adieux? a (?:mes proches|ma famille"
    r"|mes enfants|mes parents|mes amis|mes amies|tous|toutes)\b",
    r"que tout se arete (?:pour toujours|a jamais|definitivement)\b",
    r"\bune corde\b[a-z ]{0,40}?\b(?:servir|pendre|utiliser)\b",
    # a weapon turned on oneself ("une arme ... contre moi"; not "sur moi": "un couteau sur moi")
    r"(?:arme|armes|fusil|pistolet|revolver|flingue|couteau|lame)\b[a-z ]{0,50}?\bcontre moi"
    r"(?: meme)?\b",
)


def _compile(sources: tuple[str, ...]) -> re.Pattern[str]:
    # One alternation behind a single word boundary: a single scan of the text.
    branches = "|".join(f"(?:{_REPEAT_IN_PATTERN_RE.sub(r'\1', s)})" for s in sources)
    return re.compile(rf"\b(?:{branches})")


_CRISIS_RE: Final = _compile(_PATTERN_SOURCES)


# --------------------------------------------------------------------------- API


# Bare "en finir" (no object: not "avec la vie", "avec moi"...) about someone else is about
# the interview, not a crisis: "le recruteur était pressé d'en finir", "vous sembliez pressé
# d'en finir" in a pasted feedback. It is skipped only when its clause names another person
# as subject and holds no first-person word; any "je", "me", "moi" keeps it ("il m'a
# démoli, j'ai envie d'en finir"), and so do "on" and "tu", which often mean oneself.
_BARE_FINISH_RE: Final = re.compile(r"(?:[a-z]+ ){0,3}en ?fin[a-z]*")
_FIRST_PERSON: Final = frozenset({"je", "me", "moi", "jme", "mwa"})
# Words after which the subject of the clause may have changed ("il était odieux et envie
# d'en finir"), unless a verb follows at once: "vous avez peu souri et semblé pressé d'en
# finir" keeps "vous".
_CLAUSE_WORDS: Final = frozenset({"et", "mais", "donc", "alors", "puis", "car", "parce", "bref"})
_SAME_SUBJECT_VERBS: Final = frozenset(
    _collapse(word)
    for word in (
        *("semble", "semblait", "sembliez", "semblez", "paru", "parait", "paraissait"),
        *("paraissiez", "paraissez", "avait", "aviez", "avez", "a", "etait", "etiez", "etes"),
        *("est", "ete", "voulait", "vouliez", "voulez", "voulu", "veut", "eu", "donne"),
    )
)
_OTHER_SUBJECTS: Final = frozenset(
    _collapse(word)
    for word in (
        *("il", "elle", "ils", "elles", "nous", "vous"),
        *("recruteur", "recruteurs", "recruteuse", "recruteuses", "rh", "drh", "jury", "jurys"),
        *("manager", "managers", "directeur", "directrice", "responsable", "responsables"),
        *("interlocuteur", "interlocutrice", "interlocuteurs", "candidat", "candidate"),
        *("comite", "equipe", "entreprise", "cabinet", "employeur", "patron", "patronne"),
        *("chef", "cheffe", "client", "cliente", "examinateur", "examinatrice", "evaluateur"),
        *("evaluatrice", "consultant", "consultante", "chasseur", "chasseuse", "dirigeant"),
        *("dirigeante", "collegue", "collegues", "boss", "societe", "agence"),
    )
)
# "il faut en finir", "il est temps d'en finir": an impersonal "il" names nobody.
_IMPERSONAL: Final = frozenset(
    _collapse(word) for word in ("faut", "faudrait", "fallait", "vaut", "vaudrait", "y")
)
_IMPERSONAL_BE: Final = frozenset({"est", "etait", "serait", "sera"})


def _about_someone_else(words: list[str], start: int) -> bool:
    """Whether the clause before ``words[start]`` has another person as its subject."""
    clause: list[str] = []
    for word in reversed(words[:start]):
        if word == _CLAUSE:
            break
        if word in _CLAUSE_WORDS:
            if not clause or clause[-1] not in _SAME_SUBJECT_VERBS:
                break
            continue
        clause.append(word)
    clause.reverse()
    if _FIRST_PERSON.intersection(clause):
        return False
    for i, word in enumerate(clause):
        following = [*clause[i + 1 : i + 3], "", ""]
        impersonal = word == "il" and (
            following[0] in _IMPERSONAL
            or (following[0] in _IMPERSONAL_BE and following[1] == "temps")
        )
        if word in _OTHER_SUBJECTS and not impersonal:
            return True
    return False


def _search(normalised: str, flat: str) -> re.Match[str] | None:
    """The first match in ``flat`` that is not a bare "en finir" about someone else."""
    words = normalised.split()
    # Word index in ``words`` of every word of ``flat`` (with or without the clause markers).
    positions = [i for i, word in enumerate(words) if flat is normalised or word != _CLAUSE]
    for match in _CRISIS_RE.finditer(flat):
        if not _BARE_FINISH_RE.fullmatch(match.group(0).strip()):
            return match
        start = flat.count(" ", 0, match.start())
        if not _about_someone_else(words, positions[start]):
            return match
    return None


def crisis_evidence(text: str) -> str | None:
    """The normalised fragment that signals a crisis, or ``None``.

    For tests and debugging only: the fragment is user text and must never be logged.
    """
    if not isinstance(text, str) or not text:
        return None
    normalised = _normalise(text)
    match = _search(normalised, " ".join(normalised.replace(_CLAUSE, " ").split()))
    if match is None and _CLAUSE in normalised:
        # Again with the clause markers kept: "Je veux en finir. Avec ce dossier aussi."
        # The task exclusion must not see past the full stop, so the first clause counts.
        match = _search(normalised, normalised)
    return None if match is None else match.group(0).strip()


def detect_crisis(text: str) -> bool:
    """True when the message shows signs of suicidal crisis or self-harm."""
    return crisis_evidence(text) is not None
