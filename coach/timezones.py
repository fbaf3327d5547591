"""Where the person lives, read as a timezone: « je suis à la Réunion » → Indian/Reunion.

Everyone starts in the coach's zone (``COACH_TZ``, Europe/Paris). People outside metropolitan
France say where they are in the conversation (/fuseau, « j'habite à Montréal », « heure de
Paris »); :func:`find_zone` maps what they wrote to an IANA zone, :func:`local_time_phrase`
lets them check it against their own clock before it is stored (:func:`set_timezone`), and
:func:`suggests_elsewhere` tells onboarding when to ask the question at consent.

What :func:`find_zone` understands
----------------------------------
- Places from a hand-written table (:data:`PLACES`): metropolitan France (cities, regions),
  every overseas territory, Belgium, Switzerland, Luxembourg, Monaco, Canada by province,
  North and West Africa, the Indian Ocean, and the big cities and countries elsewhere that
  francophones move to. Countries spanning several zones (Canada, États-Unis, Polynésie
  française, Congo, Australie) and homonyms (Saint-Denis, Saint-Pierre, Laval, Trois-Rivières,
  Saint-Louis) give several candidates: the person picks theirs. Other countries use their
  capital's zone (Brésil → São Paulo): a francophone there is most likely near it.
- Anywhere in a sentence, with or without accents, capitals, hyphens or articles: « a la
  reunion », « j'habite à Montréal », « heure de Paris », « St-Barth », « Pointe-à-Pitre ».
- Demonyms (« je suis québécoise ») when no place is named: nationality is weaker evidence
  than a place (« marocaine, je vis à Lyon » is Lyon). Not language names (« anglais »,
  « espagnol »): in a job search they name a skill far more often than a nationality.
- One-letter typos (Damerau: a letter missing, added, changed or two swapped) on words of six
  letters or more (« Montrél », « Guadelupe »), only when nothing matches exactly and only in
  short answers (:data:`TYPO_MAX_WORDS`); :attr:`ZoneMatch.corrected` says so. Shorter names
  are too close to other words, and a long message has too many words near a place name.
- An IANA name typed as is (« America/Montreal », case ignored; old names such as
  America/Montreal are stored as their current one).
- « UTC+4 », « GMT-3 »: whole hours only, stored as a fixed offset (``Etc/GMT-4``) that never
  changes for summer time, and only when no place is named. Half hours are refused: the
  places that use them are named instead (Inde, Terre-Neuve, Marquises) or typed as IANA names.
- Words that name an organisation rather than a place (« France Travail », « Air France »)
  are ignored. Place names that are also everyday words or first names (« réunion », « tours »,
  « Maurice ») count only when nothing else is named.

Nothing here touches Rasa or Telegram; :func:`set_timezone` is the only function with a session.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.orm import Session

from coach.language.fold import MAX_TEXT, MONTHS_FR, WEEKDAYS_FR, damerau_one, fold_keep_length
from coach.language.times import local_datetime
from coach.models import User
from coach.reminders import (
    PENDING,
    apply_quiet_hours,
    list_upcoming,
    next_weekly_occurrence,
    user_zone,
)

__all__ = [
    "PARIS",
    "PLACES",
    "TYPO_MAX_WORDS",
    "TYPO_MIN_LENGTH",
    "WALL_CLOCK_KINDS",
    "Place",
    "ZoneMatch",
    "find_zone",
    "local_time_phrase",
    "of_place",
    "place_for_zone",
    "set_timezone",
    "suggests_elsewhere",
]

PARIS: Final = "Europe/Paris"
#: Reminder kinds set as wall-clock times: they keep their local time when the zone changes.
#: The application nudges at 10:00 local (coach.pipeline: the follow-up, the day-before
#: preparation, the debrief, the silence check) too — :mod:`coach.pipeline` plans them in the
#: person's zone, so a later re-plan lands on the same instant. Not ``interview_soon``: one
#: hour before the interview's instant, whatever the zone.
WALL_CLOCK_KINDS: Final = frozenset(
    {
        "custom",
        "follow_up",
        "feedback_request",
        "milestone",
        "resume_tomorrow",
        "weekly_reflection",
        "application_follow_up",
        "interview_prep",
        "interview_debrief",
        "application_silence",
    }
)
#: Typos are fixed on words this long or longer: shorter ones are too close to other words.
TYPO_MIN_LENGTH: Final = 6


@dataclass(frozen=True)
class Place:
    """A place the person can name, with its zone and how to say « in » it in French."""

    name: str  # « La Réunion », « Montréal »
    zone: str  # IANA name
    where: str  # « à La Réunion », « au Québec », « en Guadeloupe »
    detail: str | None = None  # tells homonyms apart in a list: « Saint-Denis (La Réunion) »
    #: Regional public holidays in ``holidays.France`` (« 974 », « 6AE »…), French places only.
    holidays_subdiv: str | None = None

    @property
    def label(self) -> str:
        """What a button shows when the person has to choose."""
        return f"{self.name} ({self.detail})" if self.detail else self.name

    @property
    def is_offset(self) -> bool:
        """A fixed offset (« UTC+4 ») rather than a place: no summer time."""
        return self.zone.startswith("Etc/")


@dataclass(frozen=True)
class ZoneMatch:
    """What :func:`find_zone` read: one place, or the candidates to choose from."""

    places: tuple[Place, ...]
    #: Read through a one-letter typo: worth confirming (the local time does that anyway).
    corrected: bool = False

    @property
    def place(self) -> Place | None:
        """The place when there is exactly one candidate."""
        return self.places[0] if len(self.places) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.places) > 1


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class _Entry:
    place: Place
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]


_ENTRIES: list[_Entry] = []


def _split(names: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in names.split("|") if n.strip())


def _p(
    name: str,
    zone: str,
    where: str,
    aliases: str = "",
    *,
    detail: str | None = None,
    subdiv: str | None = None,
    demonyms: str = "",
) -> Place:
    """One place: ``aliases`` and ``demonyms`` are "|"-separated; the name is an alias too
    unless ``detail`` marks it as a homonym (its name alone then lists every homonym)."""
    place = Place(name, zone, where, detail, subdiv)
    names = _split(aliases) if detail else (name, *_split(aliases))
    _ENTRIES.append(_Entry(place, names, _split(demonyms)))
    return place


def _forms(*stems: str) -> str:
    """Demonyms with their plurals: "belge" → "belge|belges"."""
    out: list[str] = []
    for stem in stems:
        out.append(stem)
        if not stem.endswith(("s", "x")):
            out.append(stem + "s")
    return "|".join(out)


# Metropolitan France. A stored zone is shown as the place named like its city, else as its
# first place in the table (place_for_zone): « France métropolitaine » comes first.
FRANCE = _p(
    "France métropolitaine",
    PARIS,
    "en France métropolitaine",
    "France | métropole | hexagone | heure française | heure de France | heure métropolitaine"
    " | Bretagne | Normandie | Provence | Côte d'Azur | PACA | Occitanie | Nouvelle-Aquitaine"
    " | Hauts-de-France | Grand Est | Bourgogne | Franche-Comté | Auvergne | Rhône-Alpes"
    " | Centre-Val de Loire | Pays de la Loire | Île-de-France | région parisienne"
    " | banlieue parisienne | Seine-Saint-Denis | Mayenne",
    demonyms=_forms("métropolitain", "métropolitaine"),
)
PARIS_CITY = _p("Paris", PARIS, "à Paris", "IDF | heure de Paris", demonyms=_forms("parisien"))
_p("Saint-Denis", PARIS, "à Saint-Denis, en Île-de-France", "Saint-Denis", detail="Île-de-France")
_p("Laval", PARIS, "à Laval, en Mayenne", "Laval", detail="Mayenne")
_p("Trois-Rivières", "America/Guadeloupe", "à Trois-Rivières, en Guadeloupe", "Trois-Rivières",
   detail="Guadeloupe", subdiv="971")  # fmt: skip
for _city in _split(
    "Lyon | Marseille | Toulouse | Nice | Nantes | Montpellier | Bordeaux | Lille | Rennes"
    " | Reims | Toulon | Grenoble | Dijon | Angers | Nîmes | Clermont-Ferrand | Rouen | Brest"
    " | Tours | Limoges | Amiens | Besançon | Perpignan | Orléans | Caen | Nancy | Saint-Étienne"
    " | Avignon | Poitiers | Pau | La Rochelle | Annecy | Ajaccio | Bastia"
):
    _p(_city, PARIS, f"à {_city}")
_p("Le Havre", PARIS, "au Havre")
_p("Le Mans", PARIS, "au Mans")
_p("Corse", PARIS, "en Corse", demonyms=_forms("corse"))
_p("Alsace", PARIS, "en Alsace", "Bas-Rhin | Haut-Rhin", subdiv="6AE",
   demonyms=_forms("alsacien", "alsacienne"))  # fmt: skip
for _city in ("Strasbourg", "Mulhouse", "Colmar"):
    _p(_city, PARIS, f"à {_city}", subdiv="6AE")
_p("Moselle", PARIS, "en Moselle", subdiv="57")
_p("Metz", PARIS, "à Metz", "Thionville", subdiv="57")
_p("Lorraine", PARIS, "en Lorraine", demonyms=_forms("lorrain", "lorraine"))

# Overseas France.
REUNION = _p(
    "La Réunion",
    "Indian/Reunion",
    "à La Réunion",
    "Réunion | île de la Réunion | 974 | Le Tampon | Saint-Paul de La Réunion"
    " | Saint-Gilles-les-Bains | Sainte-Marie de la Réunion",
    subdiv="974",
    demonyms=_forms("réunionnais", "réunionnaise"),
)
_p("Saint-Denis", "Indian/Reunion", "à Saint-Denis de La Réunion", "Saint-Denis",
   detail="La Réunion", subdiv="974")  # fmt: skip
_p("Saint-Pierre", "Indian/Reunion", "à Saint-Pierre de La Réunion", "Saint-Pierre",
   detail="La Réunion", subdiv="974")  # fmt: skip
_p("Saint-Louis", "Indian/Reunion", "à Saint-Louis de La Réunion", "Saint-Louis",
   detail="La Réunion", subdiv="974")  # fmt: skip
MAYOTTE = _p(
    "Mayotte",
    "Indian/Mayotte",
    "à Mayotte",
    "976 | Mamoudzou | Dzaoudzi | Pamandzi",
    subdiv="976",
    demonyms=_forms("mahorais", "mahoraise"),
)
GUADELOUPE = _p(
    "Guadeloupe",
    "America/Guadeloupe",
    "en Guadeloupe",
    "971 | Gwada | Pointe-à-Pitre | Basse-Terre | Les Abymes | Baie-Mahault | Marie-Galante"
    " | Sainte-Rose de Guadeloupe | Le Moule | Capesterre",
    subdiv="971",
    demonyms=_forms("guadeloupéen", "guadeloupéenne"),
)
MARTINIQUE = _p(
    "Martinique",
    "America/Martinique",
    "en Martinique",
    "972 | Madinina | Fort-de-France | Le Lamentin | Schœlcher | Ducos",
    subdiv="972",
    demonyms=_forms("martiniquais", "martiniquaise"),
)
_p("Saint-Pierre", "America/Martinique", "à Saint-Pierre, en Martinique", "Saint-Pierre",
   detail="Martinique", subdiv="972")  # fmt: skip
GUYANE = _p(
    "Guyane",
    "America/Cayenne",
    "en Guyane",
    "973 | Guyane française | Cayenne | Kourou | Saint-Laurent-du-Maroni | Matoury"
    " | Rémire-Montjoly",
    subdiv="973",
    demonyms=_forms("guyanais", "guyanaise"),
)
MIQUELON = _p(
    "Saint-Pierre-et-Miquelon",
    "America/Miquelon",
    "à Saint-Pierre-et-Miquelon",
    "Miquelon | SPM | Miquelon-Langlade",
    subdiv="PM",
    demonyms=_forms("saint-pierrais", "saint-pierraise", "miquelonnais", "miquelonnaise"),
)
_p("Saint-Pierre", "America/Miquelon", "à Saint-Pierre-et-Miquelon", "Saint-Pierre",
   detail="Saint-Pierre-et-Miquelon", subdiv="PM")  # fmt: skip
TAHITI = _p(
    "Tahiti",
    "Pacific/Tahiti",
    "à Tahiti",
    "Papeete | Moorea | Bora-Bora | Raiatea | Huahine | Tuamotu | Rangiroa | îles Australes"
    " | îles de la Société | Faa'a | Punaauia",
    subdiv="PF",
    demonyms=_forms("tahitien", "tahitienne"),
)
MARQUISES = _p(
    "Marquises",
    "Pacific/Marquesas",
    "aux Marquises",
    "îles Marquises | Nuku Hiva | Hiva Oa | Ua Pou",
    subdiv="PF",
    demonyms=_forms("marquisien", "marquisienne"),
)
GAMBIER = _p("Gambier", "Pacific/Gambier", "aux Gambier", "îles Gambier | Mangareva", subdiv="PF")
CALEDONIE = _p(
    "Nouvelle-Calédonie",
    "Pacific/Noumea",
    "en Nouvelle-Calédonie",
    "Calédonie | Nouméa | Kanaky | Lifou | Koné | Maré | îles Loyauté | Dumbéa | Païta",
    subdiv="NC",
    demonyms=_forms("calédonien", "calédonienne", "néo-calédonien", "néo-calédonienne", "caldoche"),
)
_p("Wallis-et-Futuna", "Pacific/Wallis", "à Wallis-et-Futuna", "Wallis | Futuna | Mata-Utu",
   subdiv="WF", demonyms=_forms("wallisien", "wallisienne", "futunien", "futunienne"))  # fmt: skip
_p("Saint-Barthélemy", "America/St_Barthelemy", "à Saint-Barthélemy",
   "Saint-Barth | Saint-Barts | Gustavia", subdiv="BL")  # fmt: skip
_p("Saint-Martin", "America/Marigot", "à Saint-Martin", "Marigot | Sint Maarten", subdiv="MF")
_p("Kerguelen", "Indian/Kerguelen", "aux Kerguelen", "îles Kerguelen | TAAF | Terres australes",
   subdiv="TF")  # fmt: skip

# Europe.
_p("Belgique", "Europe/Brussels", "en Belgique",
   "Wallonie | Flandre | Namur | Charleroi | Mons | Anvers | Gand | Louvain | Louvain-la-Neuve"
   " | Tournai | Arlon | Ottignies | Waterloo | Verviers | Nivelles",
   demonyms=_forms("belge", "wallon", "wallonne", "bruxellois", "bruxelloise", "liégeois",
                   "liégeoise"))  # fmt: skip
_p("Bruxelles", "Europe/Brussels", "à Bruxelles")
_p("Liège", "Europe/Brussels", "à Liège")
_p("Suisse", "Europe/Zurich", "en Suisse",
   "Suisse romande | Romandie | Zurich | Berne | Bâle | Neuchâtel | Fribourg | Sion | Valais"
   " | Vaud | Lugano | Montreux | Nyon | Vevey | Yverdon | Bienne | Jura suisse",
   demonyms=_forms("romand", "romande", "genevois", "genevoise", "vaudois", "vaudoise",
                   "helvète"))  # fmt: skip
_p("Genève", "Europe/Zurich", "à Genève")
_p("Lausanne", "Europe/Zurich", "à Lausanne")
_p("Luxembourg", "Europe/Luxembourg", "au Luxembourg", "Esch-sur-Alzette",
   demonyms=_forms("luxembourgeois", "luxembourgeoise"))  # fmt: skip
_p("Monaco", "Europe/Monaco", "à Monaco", "Monte-Carlo", demonyms=_forms("monégasque"))
_p("Andorre", "Europe/Andorra", "en Andorre", "Andorre-la-Vieille")
_p("Royaume-Uni", "Europe/London", "au Royaume-Uni",
   "UK | Angleterre | Grande-Bretagne | Écosse | Pays de Galles | Manchester | Édimbourg"
   " | Birmingham | Bristol | Liverpool | Brighton | Oxford | Cambridge",
   demonyms=_forms("britannique", "écossais", "écossaise"))  # fmt: skip
_p("Londres", "Europe/London", "à Londres", demonyms=_forms("londonien", "londonienne"))
_p("Jersey", "Europe/Jersey", "à Jersey", "Guernesey | îles Anglo-Normandes")
_p("Irlande", "Europe/Dublin", "en Irlande", "Dublin | Cork | Galway",
   demonyms=_forms("irlandais", "irlandaise"))  # fmt: skip
_p(
    "Espagne",
    "Europe/Madrid",
    "en Espagne",
    "Madrid | Barcelone | Séville | Bilbao | Malaga | Saragosse | Alicante | Catalogne"
    " | Andalousie | Baléares | Majorque | Ibiza",
)
_p("Canaries", "Atlantic/Canary", "aux Canaries",
   "îles Canaries | Tenerife | Grande Canarie | Lanzarote | Fuerteventura"
   " | Las Palmas")  # fmt: skip
_p("Portugal", "Europe/Lisbon", "au Portugal", "Lisbonne | Porto | Faro | Algarve | Coimbra")
_p("Açores", "Atlantic/Azores", "aux Açores", "Ponta Delgada")
_p("Madère", "Atlantic/Madeira", "à Madère", "Funchal")
_p(
    "Allemagne",
    "Europe/Berlin",
    "en Allemagne",
    "Berlin | Munich | Francfort | Hambourg | Cologne | Düsseldorf | Stuttgart | Sarrebruck"
    " | Fribourg-en-Brisgau | Bavière",
)
_p(
    "Italie",
    "Europe/Rome",
    "en Italie",
    "Rome | Milan | Turin | Naples | Venise | Gênes | Bologne | Sicile | Sardaigne",
)
_p("Pays-Bas", "Europe/Amsterdam", "aux Pays-Bas", "Amsterdam | Rotterdam | La Haye | Hollande")
_p("Autriche", "Europe/Vienna", "en Autriche", "Vienne | Salzbourg | Innsbruck")
_p("Pologne", "Europe/Warsaw", "en Pologne", "Varsovie | Cracovie")
_p("Tchéquie", "Europe/Prague", "en Tchéquie", "République tchèque | Prague")
_p("Hongrie", "Europe/Budapest", "en Hongrie", "Budapest")
_p(
    "Roumanie",
    "Europe/Bucharest",
    "en Roumanie",
    "Bucarest",
)
_p("Grèce", "Europe/Athens", "en Grèce", "Athènes | Thessalonique")
_p("Suède", "Europe/Stockholm", "en Suède", "Stockholm")
_p("Danemark", "Europe/Copenhagen", "au Danemark", "Copenhague")
_p("Norvège", "Europe/Oslo", "en Norvège", "Oslo")
_p("Finlande", "Europe/Helsinki", "en Finlande", "Helsinki")
_p("Ukraine", "Europe/Kyiv", "en Ukraine", "Kyiv | Kiev | Odessa")
_p("Russie", "Europe/Moscow", "en Russie", "Moscou | Saint-Pétersbourg")
_p("Turquie", "Europe/Istanbul", "en Turquie", "Istanbul | Ankara")

# Africa and the Indian Ocean.
_p("Maroc", "Africa/Casablanca", "au Maroc",
   "Rabat | Marrakech | Tanger | Fès | Agadir | Meknès | Oujda | Kénitra | Tétouan | Salé",
   demonyms=_forms("marocain", "marocaine"))  # fmt: skip
_p("Casablanca", "Africa/Casablanca", "à Casablanca", "Casa")
_p("Algérie", "Africa/Algiers", "en Algérie",
   "Oran | Constantine | Annaba | Tizi Ouzou | Béjaïa | Sétif | Blida | Tlemcen | Kabylie",
   demonyms=_forms("algérien", "algérienne"))  # fmt: skip
_p("Alger", "Africa/Algiers", "à Alger", demonyms=_forms("algérois", "algéroise"))
_p("Tunisie", "Africa/Tunis", "en Tunisie",
   "Sfax | Sousse | Monastir | Bizerte | Djerba | Nabeul | Hammamet | Kairouan",
   demonyms=_forms("tunisien", "tunisienne"))  # fmt: skip
_p("Tunis", "Africa/Tunis", "à Tunis")
_p("Libye", "Africa/Tripoli", "en Libye", "Benghazi")
_p("Égypte", "Africa/Cairo", "en Égypte", "Le Caire | Alexandrie",
   demonyms=_forms("égyptien", "égyptienne"))  # fmt: skip
_p("Mauritanie", "Africa/Nouakchott", "en Mauritanie", "Nouakchott | Nouadhibou",
   demonyms=_forms("mauritanien", "mauritanienne"))  # fmt: skip
_p("Sénégal", "Africa/Dakar", "au Sénégal",
   "Thiès | Ziguinchor | Touba | Mbour | Saly | Kaolack | Casamance",
   demonyms=_forms("sénégalais", "sénégalaise"))  # fmt: skip
_p("Dakar", "Africa/Dakar", "à Dakar")
_p("Saint-Louis", "Africa/Dakar", "à Saint-Louis du Sénégal", "Saint-Louis", detail="Sénégal")
_p("Mali", "Africa/Bamako", "au Mali", "Bamako", demonyms=_forms("malien", "malienne"))
_p("Burkina Faso", "Africa/Ouagadougou", "au Burkina Faso",
   "Burkina | Ouagadougou | Ouaga | Bobo-Dioulasso",
   demonyms=_forms("burkinabè", "burkinabé"))  # fmt: skip
_p("Niger", "Africa/Niamey", "au Niger", "Niamey", demonyms=_forms("nigérien", "nigérienne"))
_p("Guinée", "Africa/Conakry", "en Guinée", "Conakry", demonyms=_forms("guinéen", "guinéenne"))
_p("Guinée-Bissau", "Africa/Bissau", "en Guinée-Bissau", "Bissau")
_p("Guinée équatoriale", "Africa/Malabo", "en Guinée équatoriale", "Malabo")
_p("Côte d'Ivoire", "Africa/Abidjan", "en Côte d'Ivoire",
   "Yamoussoukro | Bouaké | San-Pédro | Korhogo | Daloa",
   demonyms=_forms("ivoirien", "ivoirienne"))  # fmt: skip
_p("Abidjan", "Africa/Abidjan", "à Abidjan")
_p("Togo", "Africa/Lome", "au Togo", "Lomé", demonyms=_forms("togolais", "togolaise"))
_p("Bénin", "Africa/Porto-Novo", "au Bénin", "Cotonou | Porto-Novo | Parakou",
   demonyms=_forms("béninois", "béninoise"))  # fmt: skip
_p("Nigeria", "Africa/Lagos", "au Nigeria", "Nigéria | Lagos | Abuja")
_p("Ghana", "Africa/Accra", "au Ghana", "Accra")
_p("Cameroun", "Africa/Douala", "au Cameroun", "Bafoussam | Garoua | Bamenda | Kribi | Limbé",
   demonyms=_forms("camerounais", "camerounaise"))  # fmt: skip
_p("Douala", "Africa/Douala", "à Douala")
_p("Yaoundé", "Africa/Douala", "à Yaoundé")
_p("Gabon", "Africa/Libreville", "au Gabon", "Libreville | Port-Gentil | Franceville",
   demonyms=_forms("gabonais", "gabonaise"))  # fmt: skip
CONGO = _p("Brazzaville", "Africa/Brazzaville", "au Congo-Brazzaville",
           "Congo-Brazzaville | Pointe-Noire | Dolisie", detail="Congo")  # fmt: skip
KINSHASA = _p("Kinshasa", "Africa/Kinshasa", "à Kinshasa", "Kinshasa | Matadi | Kikwit | Kananga",
              detail="RDC, ouest")  # fmt: skip
LUBUMBASHI = _p("Lubumbashi", "Africa/Lubumbashi", "à Lubumbashi",
                "Lubumbashi | Goma | Bukavu | Kisangani | Mbuji-Mayi | Katanga | Kivu",
                detail="RDC, est")  # fmt: skip
_p("Tchad", "Africa/Ndjamena", "au Tchad", "N'Djamena | Ndjamena",
   demonyms=_forms("tchadien", "tchadienne"))  # fmt: skip
_p("Centrafrique", "Africa/Bangui", "en Centrafrique", "République centrafricaine | Bangui",
   demonyms=_forms("centrafricain", "centrafricaine"))  # fmt: skip
_p("Rwanda", "Africa/Kigali", "au Rwanda", "Kigali", demonyms=_forms("rwandais", "rwandaise"))
_p("Burundi", "Africa/Bujumbura", "au Burundi", "Bujumbura | Gitega",
   demonyms=_forms("burundais", "burundaise"))  # fmt: skip
_p("Djibouti", "Africa/Djibouti", "à Djibouti", demonyms=_forms("djiboutien", "djiboutienne"))
_p("Afrique du Sud", "Africa/Johannesburg", "en Afrique du Sud",
   "Johannesburg | Le Cap | Pretoria | Durban")  # fmt: skip
_p("Kenya", "Africa/Nairobi", "au Kenya", "Nairobi | Mombasa")
_p("Madagascar", "Indian/Antananarivo", "à Madagascar",
   "Antananarivo | Tananarive | Tana | Tamatave | Toamasina | Majunga | Mahajanga"
   " | Diego-Suarez | Antsiranana | Nosy Be | Tuléar | Toliara | Fianarantsoa",
   demonyms=_forms("malgache"))  # fmt: skip
_p("Île Maurice", "Indian/Mauritius", "à l'île Maurice",
   "Maurice | Port-Louis | Curepipe | Quatre-Bornes | Rose-Hill | Grand Baie",
   demonyms=_forms("mauricien", "mauricienne"))  # fmt: skip
_p("Comores", "Indian/Comoro", "aux Comores", "Moroni | Anjouan | Mohéli | Grande Comore",
   demonyms=_forms("comorien", "comorienne"))  # fmt: skip
_p("Seychelles", "Indian/Mahe", "aux Seychelles", "Mahé | Praslin")

# The Americas.
QUEBEC = _p(
    "Québec",
    "America/Toronto",
    "au Québec",
    "ville de Québec | Québec city | Lévis | Gatineau | Sherbrooke | Saguenay | Rimouski"
    " | Longueuil | Drummondville | Terrebonne | Chicoutimi | Outaouais | Gaspésie",
    demonyms=_forms("québécois", "québécoise"),
)
MONTREAL = _p("Montréal", "America/Toronto", "à Montréal", "MTL",
              demonyms=_forms("montréalais", "montréalaise"))  # fmt: skip
_p("Laval", "America/Toronto", "à Laval, au Québec", "Laval", detail="Québec")
_p("Trois-Rivières", "America/Toronto", "à Trois-Rivières, au Québec", "Trois-Rivières",
   detail="Québec")  # fmt: skip
ONTARIO = _p("Ontario", "America/Toronto", "en Ontario", "Sudbury",
             demonyms=_forms("ontarien", "ontarienne", "franco-ontarien",
                             "franco-ontarienne"))  # fmt: skip
_p("Toronto", "America/Toronto", "à Toronto")
_p("Ottawa", "America/Toronto", "à Ottawa")
BRUNSWICK = _p("Nouveau-Brunswick", "America/Moncton", "au Nouveau-Brunswick",
               "Moncton | Acadie | Fredericton | Edmundston | Caraquet",
               demonyms=_forms("acadien", "acadienne"))  # fmt: skip
_p("Nouvelle-Écosse", "America/Halifax", "en Nouvelle-Écosse",
   "Halifax | Île-du-Prince-Édouard | Charlottetown")  # fmt: skip
_p("Terre-Neuve", "America/St_Johns", "à Terre-Neuve", "Saint-Jean de Terre-Neuve")
MANITOBA = _p("Manitoba", "America/Winnipeg", "au Manitoba", "Winnipeg | Saint-Boniface",
              demonyms=_forms("manitobain", "manitobaine", "franco-manitobain"))  # fmt: skip
_p("Saskatchewan", "America/Regina", "en Saskatchewan", "Regina | Saskatoon")
ALBERTA = _p("Alberta", "America/Edmonton", "en Alberta", "Calgary | Edmonton")
COLOMBIE = _p("Colombie-Britannique", "America/Vancouver", "en Colombie-Britannique",
              "Victoria")  # fmt: skip
_p("Vancouver", "America/Vancouver", "à Vancouver")
NEW_YORK = _p("New York", "America/New_York", "à New York",
              "New York | NYC | Boston | Washington | Miami | Floride | Atlanta | Philadelphie"
              " | côte Est | Caroline du Nord", detail="côte Est")  # fmt: skip
CHICAGO = _p("Chicago", "America/Chicago", "à Chicago",
             "Chicago | Texas | Houston | Dallas | Austin | Louisiane | La Nouvelle-Orléans"
             " | Nouvelle-Orléans | Minneapolis", detail="Centre")  # fmt: skip
DENVER = _p("Denver", "America/Denver", "à Denver", "Denver | Colorado | Utah | Salt Lake City",
            detail="Rocheuses")  # fmt: skip
LOS_ANGELES = _p("Los Angeles", "America/Los_Angeles", "à Los Angeles",
                 "Los Angeles | San Francisco | Californie | Seattle | Silicon Valley | San Diego"
                 " | Las Vegas | Portland | côte Ouest", detail="côte Ouest")  # fmt: skip
_p("Arizona", "America/Phoenix", "en Arizona", "Phoenix")
_p("Hawaï", "Pacific/Honolulu", "à Hawaï", "Hawaii | Honolulu")
_p("Mexique", "America/Mexico_City", "au Mexique", "Mexico | Guadalajara | Monterrey",
   demonyms=_forms("mexicain", "mexicaine"))  # fmt: skip
_p("Haïti", "America/Port-au-Prince", "en Haïti", "Port-au-Prince | Cap-Haïtien | Jacmel",
   demonyms=_forms("haïtien", "haïtienne"))  # fmt: skip
_p("Cuba", "America/Havana", "à Cuba", "La Havane")
_p("République dominicaine", "America/Santo_Domingo", "en République dominicaine",
   "Saint-Domingue | Punta Cana")  # fmt: skip
_p("Brésil", "America/Sao_Paulo", "au Brésil", "São Paulo | Rio de Janeiro | Rio | Brasilia",
   demonyms=_forms("brésilien", "brésilienne"))  # fmt: skip
_p("Argentine", "America/Argentina/Buenos_Aires", "en Argentine", "Buenos Aires")
_p("Chili", "America/Santiago", "au Chili", "Santiago du Chili")
_p("Pérou", "America/Lima", "au Pérou", "Lima")
_p("Colombie", "America/Bogota", "en Colombie", "Bogota | Medellín | Cali")

# Asia and Oceania.
_p("Liban", "Asia/Beirut", "au Liban", "Beyrouth | Tripoli du Liban | Jounieh | Saïda",
   demonyms=_forms("libanais", "libanaise"))  # fmt: skip
_p("Israël", "Asia/Jerusalem", "en Israël", "Tel-Aviv | Jérusalem | Haïfa")
_p("Émirats arabes unis", "Asia/Dubai", "aux Émirats arabes unis", "Émirats | Abou Dabi | EAU")
_p("Dubaï", "Asia/Dubai", "à Dubaï", "Dubai")
_p("Qatar", "Asia/Qatar", "au Qatar", "Doha")
_p("Arabie saoudite", "Asia/Riyadh", "en Arabie saoudite", "Riyad | Djeddah")
_p("Inde", "Asia/Kolkata", "en Inde",
   "Delhi | New Delhi | Bombay | Mumbai | Bangalore | Pondichéry | Chennai | Calcutta")  # fmt: skip
_p("Chine", "Asia/Shanghai", "en Chine", "Pékin | Beijing | Shanghai | Shenzhen | Wuhan")
_p("Hong Kong", "Asia/Hong_Kong", "à Hong Kong")
_p("Japon", "Asia/Tokyo", "au Japon", "Tokyo | Osaka | Kyoto")
_p("Corée du Sud", "Asia/Seoul", "en Corée du Sud", "Séoul | Corée")
_p("Singapour", "Asia/Singapore", "à Singapour")
_p(
    "Vietnam",
    "Asia/Ho_Chi_Minh",
    "au Vietnam",
    "Viêt Nam | Hanoï | Hô Chi Minh-Ville | Ho Chi Minh | Saïgon | Da Nang",
)
_p("Cambodge", "Asia/Phnom_Penh", "au Cambodge", "Phnom Penh | Siem Reap")
_p("Laos", "Asia/Vientiane", "au Laos", "Vientiane")
_p("Thaïlande", "Asia/Bangkok", "en Thaïlande", "Bangkok | Phuket | Chiang Mai")
_p("Indonésie", "Asia/Jakarta", "en Indonésie", "Jakarta")
_p("Bali", "Asia/Makassar", "à Bali")
_p("Philippines", "Asia/Manila", "aux Philippines", "Manille")
SYDNEY = _p("Sydney", "Australia/Sydney", "à Sydney", "Sydney | Melbourne | Canberra",
            detail="Sud-Est")  # fmt: skip
BRISBANE = _p("Brisbane", "Australia/Brisbane", "à Brisbane", "Brisbane | Queensland",
              detail="Queensland")  # fmt: skip
ADELAIDE = _p("Adélaïde", "Australia/Adelaide", "à Adélaïde", "Adélaïde", detail="Sud")
PERTH = _p("Perth", "Australia/Perth", "à Perth", "Perth", detail="Ouest")
_p("Nouvelle-Zélande", "Pacific/Auckland", "en Nouvelle-Zélande", "Auckland | Wellington")
_p("Vanuatu", "Pacific/Efate", "au Vanuatu", "Port-Vila")

# Names that cover several zones: every candidate is offered.
_GROUPS: Final[tuple[tuple[str, str, tuple[Place, ...]], ...]] = (
    ("Polynésie | Polynésie française | Fenua", _forms("polynésien", "polynésienne"),
     (TAHITI, MARQUISES, GAMBIER)),
    ("Antilles | Antilles françaises", _forms("antillais", "antillaise"), (GUADELOUPE, MARTINIQUE)),
    ("DOM | Outre-mer | DOM-TOM", "", (REUNION, GUADELOUPE, MARTINIQUE, GUYANE, MAYOTTE)),
    ("Canada", _forms("canadien", "canadienne"),
     (QUEBEC, ONTARIO, BRUNSWICK, MANITOBA, ALBERTA, COLOMBIE)),
    ("États-Unis | USA | Amérique | Amérique du Nord", _forms("américain", "américaine"),
     (NEW_YORK, CHICAGO, DENVER, LOS_ANGELES)),
    ("Congo", _forms("congolais", "congolaise"), (CONGO, KINSHASA, LUBUMBASHI)),
    ("RDC | République démocratique du Congo | Congo-Kinshasa", "", (KINSHASA, LUBUMBASHI)),
    ("Australie", _forms("australien", "australienne"), (SYDNEY, BRISBANE, ADELAIDE, PERTH)),
)  # fmt: skip

#: Every place of the table, in order.
PLACES: Final[tuple[Place, ...]] = tuple(entry.place for entry in _ENTRIES)

# Place names that are also everyday words (folded): they count only when nothing else is
# named, and for suggests_elsewhere only when written with a capital letter inside a sentence.
_COMMON_WORDS: Final = frozenset(
    {
        "reunion",
        "tours",
        "nice",
        "vienne",
        "berne",
        "liege",
        "benin",
        "chili",
        "porto",
        "madere",
        "jersey",
        "marquises",
        "corse",
        "dom",
        "casa",
        "mare",
        "sale",
        "amerique",
        "le cap",
        "au cap",
        "le moule",
        "au moule",
        "971",
        "972",
        "973",
        "974",
        "976",
    }
)
# Place names that are also first names: never evidence for suggests_elsewhere (« j'ai écrit
# à Maurice »), and for find_zone only when nothing else is named.
_FIRST_NAMES: Final = frozenset(
    {"maurice", "nancy", "lorraine", "victoria", "constantine", "regina", "florence"}
)
# Word sequences that name an organisation, a meeting or a wider area, not where one lives.
_NOT_PLACES: Final = (
    "france travail",
    "pole emploi",
    "air france",
    "radio france",
    "france televisions",
    "france competences",
    "france info",
    "france inter",
    "france bleu",
    "banque de france",
    "amerique du sud",
    "amerique latine",
    "amerique centrale",
    "une reunion",
    "ma reunion",
    "cette reunion",
    "reunion d equipe",
    "reunion d information",
)
# Ordinary words one typo away from a place word: never "corrected". Found by running the typo
# fixer over every word of data/, domain.yml, tests/ and coach/ (2026-12).
_NOT_TYPOS: Final = frozenset(
    {
        "alexandre",
        "allons",
        "belles",
        "bennes",
        "bonnes",
        "branche",
        "canard",
        "catalogue",
        "center",
        "centred",
        "centree",
        "contre",
        "cordes",
        "courses",
        "cuisse",
        "danger",
        "envers",
        "filles",
        "flanche",
        "franches",
        "franchie",
        "franchise",
        "franchises",
        "francois",
        "frange",
        "galerie",
        "genere",
        "grandes",
        "grandi",
        "grands",
        "guinde",
        "housse",
        "italic",
        "jointe",
        "manger",
        "margin",
        "martine",
        "matrice",
        "merlin",
        "napres",
        "nouveaux",
        "nouvelles",
        "pierres",
        "pointer",
        "pointes",
        "points",
        "pointu",
        "pousse",
        "province",
        "puisse",
        "ralais",
        "ranger",
        "redire",
        "relire",
        "remise",
        "rentre",
        "retire",
        "reunions",
        "reussie",
        "romain",
        "saison",
        "salles",
        "scores",
        "serres",
        "settle",
        "tantes",
        "termes",
        "tournait",
        "trance",
        "tranche",
        "valait",
        "veille",
        "ventre",
    }
)
#: Typos are fixed only in short answers (« j'habite à Montrél »), not in long messages where
#: one ordinary word in a thousand is a letter away from a place.
TYPO_MAX_WORDS: Final = 8

#: Old IANA names people still type, to the current ones (zoneinfo accepts both).
_LINKS: Final[dict[str, str]] = {
    "America/Montreal": "America/Toronto",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Europe/Kiev": "Europe/Kyiv",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "US/Eastern": "America/New_York",
    "US/Central": "America/Chicago",
    "US/Mountain": "America/Denver",
    "US/Pacific": "America/Los_Angeles",
    "Canada/Eastern": "America/Toronto",
    "Canada/Atlantic": "America/Halifax",
    "Canada/Central": "America/Winnipeg",
    "Canada/Mountain": "America/Edmonton",
    "Canada/Pacific": "America/Vancouver",
    "Canada/Newfoundland": "America/St_Johns",
}

# Words saying the person lives in another zone, for suggests_elsewhere (folded).
_ELSEWHERE_CUES: Final = re.compile(
    r"\b(?:decalage\s+horaire|fuseau(?:\s+horaire)?|heure\s+locale|outre\s+mer|dom\s+tom"
    r"|depuis\s+l\s+etranger|(?:habite|vis|suis|reside)\s+(?:\w+\s+)?a\s+l\s+etranger"
    r"|hors\s+de\s+france|hors\s+metropole|expatriee?s?|expats?)\b"
)
# Words before a place that make it where the person lives (« je suis à », « j'habite en »,
# « heure de »): job talk names places too (« un poste à Dublin », « nos clients de Milan »).
_RESIDENCE: Final = frozenset(
    {"habite", "jhabite", "habitons", "vis", "vivons", "reside", "suis", "sommes", "installe"}
    | {"installee", "installes", "installees", "ici", "vit", "habitez", "vivez"}
)
_NEAR_RESIDENCE: Final = frozenset({"heure", "fuseau", "horaire"})


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Token:
    word: str
    start: int  # in the text after œ/æ were spelled out
    end: int


@dataclass(frozen=True)
class _Hit:
    places: tuple[Place, ...]
    position: int  # token index, for text order
    demonym: bool
    weak: bool  # an everyday word or a first name
    first_name: bool
    capitalised: bool  # written with a capital letter, not at the start of a sentence


def _spell_ligatures(text: str) -> str:
    return text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")


_ABBREVIATIONS: Final = {"st": "saint", "ste": "sainte"}


def _tokens(text: str) -> list[_Token]:
    """Folded words with their offsets in ``text`` (ligatures spelled out first)."""
    folded = fold_keep_length(text)
    return [
        _Token(_ABBREVIATIONS.get(m.group(0), m.group(0)), m.start(), m.end())
        for m in re.finditer(r"[a-z0-9]+", folded)
    ]


def _fold_name(name: str) -> tuple[str, ...]:
    return tuple(token.word for token in _tokens(_spell_ligatures(name)))


@dataclass(frozen=True)
class _Index:
    aliases: dict[tuple[str, ...], tuple[Place, ...]]
    demonyms: dict[tuple[str, ...], tuple[Place, ...]]
    not_places: frozenset[tuple[str, ...]]
    longest: int
    vocabulary: frozenset[str]  # alias and demonym words long enough for typo fixes


_CONTRACTIONS: Final = {"le": "au", "les": "aux"}


def _add(
    index: dict[tuple[str, ...], tuple[Place, ...]], key: tuple[str, ...], place: Place
) -> None:
    """``key`` and, for « Le Tampon », « Les Abymes », the contracted « au Tampon », « aux »."""
    keys = [key]
    if len(key) > 1 and key[0] in _CONTRACTIONS:
        keys.append((_CONTRACTIONS[key[0]], *key[1:]))
    for one in keys:
        if place not in index.get(one, ()):
            index[one] = (*index.get(one, ()), place)


@cache
def _index() -> _Index:
    """Built on first use, not at import (rasa-sdk imports every module of actions/)."""
    aliases: dict[tuple[str, ...], tuple[Place, ...]] = {}
    demonyms: dict[tuple[str, ...], tuple[Place, ...]] = {}
    for entry in _ENTRIES:
        for alias in entry.aliases:
            _add(aliases, _fold_name(alias), entry.place)
        for demonym in entry.demonyms:
            _add(demonyms, _fold_name(demonym), entry.place)
    for names, group_demonyms, places in _GROUPS:
        for place in places:
            for alias in _split(names):
                _add(aliases, _fold_name(alias), place)
            for demonym in _split(group_demonyms):
                _add(demonyms, _fold_name(demonym), place)
    keys = [*aliases, *demonyms]
    vocabulary = frozenset(
        word for key in keys for word in key if len(word) >= TYPO_MIN_LENGTH and word.isalpha()
    )
    not_places = frozenset(tuple(phrase.split()) for phrase in _NOT_PLACES)
    longest = max(len(key) for key in [*keys, *not_places])
    return _Index(aliases, demonyms, not_places, longest, vocabulary)


def _continued(text: str, first: _Token, last: _Token) -> bool:
    """A compound name goes on with a hyphen: « Saint-Martin-d'Hères » is not Saint-Martin."""
    after = text[last.end : last.end + 2]
    before = text[max(0, first.start - 2) : first.start]
    return (len(after) == 2 and after[0] == "-" and after[1].isalpha()) or (
        len(before) == 2 and before[1] == "-" and before[0].isalpha()
    )


def _capitalised(text: str, start: int) -> bool:
    """Written with a capital letter, and not merely because a sentence starts there."""
    if not text[start].isupper():
        return False
    before = text[:start].rstrip(" \t\"'«“(")
    return bool(before) and before[-1] not in ".!?…\n:"


def _scan(text: str, tokens: Sequence[_Token]) -> list[_Hit]:
    """Every place and demonym named in ``tokens``, longest names first, left to right."""
    index = _index()
    words = [token.word for token in tokens]
    hits: list[_Hit] = []
    i = 0
    while i < len(words):
        for n in range(min(index.longest, len(words) - i), 0, -1):
            key = tuple(words[i : i + n])
            if key in index.not_places:
                i += n
                break
            places = index.aliases.get(key)
            demonym = places is None
            if places is None:
                places = index.demonyms.get(key)
            if places is None or (n > 1 and _continued(text, tokens[i], tokens[i + n - 1])):
                continue
            phrase = " ".join(key)
            first_name = phrase in _FIRST_NAMES
            weak = first_name or phrase in _COMMON_WORDS
            capitalised = _capitalised(text, tokens[i].start)
            hits.append(_Hit(places, i, demonym, weak, first_name, capitalised))
            i += n
            break
        else:
            i += 1
    return hits


def _fix_typos(tokens: Sequence[_Token]) -> tuple[list[_Token], bool]:
    """Words one edit away from exactly one place word, replaced by it."""
    vocabulary = _index().vocabulary
    fixed: list[_Token] = []
    changed = False
    for token in tokens:
        word = token.word
        if (
            len(word) >= TYPO_MIN_LENGTH
            and word.isalpha()
            and word not in vocabulary
            and word not in _NOT_TYPOS
        ):
            candidates = [v for v in vocabulary if damerau_one(word, v)]
            if len(candidates) == 1:
                word, changed = candidates[0], True
        fixed.append(_Token(word, token.start, token.end))
    return fixed, changed


def _dedupe(places: Iterable[Place], *, by_zone: bool) -> tuple[Place, ...]:
    seen: set[str] = set()
    out: list[Place] = []
    for place in places:
        key = place.zone if by_zone else place.label
        if key not in seen:
            seen.add(key)
            out.append(place)
    return tuple(out)


def _resolve(hits: Sequence[_Hit]) -> tuple[Place, ...]:
    """The places the hits point to (see find_zone's docstring for the order of rules)."""
    if any(not hit.demonym for hit in hits):
        hits = [hit for hit in hits if not hit.demonym]
    if any(not hit.weak for hit in hits):
        hits = [hit for hit in hits if not hit.weak]
    if not hits:
        return ()
    sure = [hit for hit in hits if len(hit.places) == 1]
    unsure = [hit for hit in hits if len(hit.places) > 1]
    if sure:
        zones = {hit.places[0].zone for hit in sure}
        chosen: list[tuple[int, Place]] = [(hit.position, hit.places[0]) for hit in sure]
        for hit in unsure:
            # « Saint-Denis, La Réunion »: the homonym in the named zone.
            agreeing = [place for place in hit.places if place.zone in zones]
            if len(agreeing) == 1:
                chosen.append((hit.position, agreeing[0]))
        chosen.sort(key=lambda item: item[0])
        return _dedupe((place for _, place in chosen), by_zone=True)
    if len(unsure) == 1:
        return _dedupe(unsure[0].places, by_zone=False)
    common = {place.zone for place in unsure[0].places}
    for hit in unsure[1:]:
        common &= {place.zone for place in hit.places}
    if common:
        # « Saint-Pierre, Saint-Denis »: both homonyms exist in one zone only (La Réunion).
        return _dedupe((p for hit in unsure for p in hit.places if p.zone in common), by_zone=True)
    return _dedupe((p for hit in unsure for p in hit.places), by_zone=False)


@cache
def _known_zones() -> dict[str, str]:
    """Lower-cased IANA name → its spelling, for names typed in any case."""
    return {name.lower(): name for name in available_timezones() if "/" in name}


_IANA: Final = re.compile(r"(?<![\w/])([A-Za-z]+(?:/[A-Za-z0-9_+\-]+){1,2})(?![\w/])")
_OFFSET: Final = re.compile(
    r"\b(?:utc|gmt)(?:\s*([+\-−–])\s*(\d{1,2})(?:\s*[:h]\s*(\d{2}))?)?(?![\w+\-−–])"
)


def _iana_zone(text: str) -> str | None:
    """The first IANA name in ``text``, spelled as zoneinfo spells it (old names kept)."""
    for match in _IANA.finditer(text):
        name = _known_zones().get(match.group(1).lower())
        if name is not None:
            return name
    return None


def _offset_place(text: str) -> Place | None:
    """« UTC+4 » → a fixed-offset place (Etc/GMT-4: the IANA sign is reversed)."""
    match = _OFFSET.search(text.lower())
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    if sign is None or int(hours) == 0:
        return Place("UTC", "Etc/UTC", "à l'heure UTC")
    if minutes not in (None, "00"):
        return None
    east = sign == "+"
    if int(hours) > (14 if east else 12):
        return None
    shown = f"UTC{'+' if east else '-'}{int(hours)}"
    return Place(shown, f"Etc/GMT{'-' if east else '+'}{int(hours)}", f"à l'heure {shown}")


def find_zone(text: str) -> ZoneMatch | None:
    """The place (or the candidate places) named in ``text``, or None.

    In this order: an IANA name typed as is; the places named (exact spelling, else with
    one-letter typos on long words) — places before demonyms, ordinary words and first names
    only when nothing else is named, a homonym settled by another place of its zone
    (« Saint-Denis, La Réunion »), several places of one zone reduced to the first named,
    places of different zones all offered; finally « UTC+4 ». See the module docstring.
    """
    text = _spell_ligatures((text or "")[:MAX_TEXT])
    if not text.strip():
        return None
    zone = _iana_zone(text)
    if zone is not None:
        return ZoneMatch((place_for_zone(zone),))
    tokens = _tokens(text)
    places = _resolve(_scan(text, tokens))
    corrected = False
    if not places and len(tokens) <= TYPO_MAX_WORDS:
        fixed, corrected = _fix_typos(tokens)
        places = _resolve(_scan(text, fixed)) if corrected else ()
    if places:
        return ZoneMatch(places, corrected=corrected)
    offset = _offset_place(text)
    return ZoneMatch((offset,)) if offset is not None else None


def place_for_zone(zone: str) -> Place:
    """How to name a stored zone: the table place whose name is the zone's city
    (America/Toronto → Toronto), else the zone's first place in the table (Europe/Paris →
    France métropolitaine), else the city of the IANA name (America/Lima → Lima). Old names
    are named by their city too: America/Montreal is Montréal, stored as America/Toronto."""
    city = zone.rsplit("/", 1)[-1].replace("_", " ")  # before the link: America/Montreal
    zone = _LINKS.get(zone, zone)
    if zone.startswith("Etc/"):
        offset = _offset_place(zone.replace("Etc/GMT", "UTC").translate(str.maketrans("+-", "-+")))
        return Place(offset.name, zone, offset.where) if offset else Place(zone, zone, zone)
    for place in _index().aliases.get(_fold_name(city), ()):
        if place.zone == zone:
            return place
    for place in PLACES:
        if place.zone == zone:
            return place
    return Place(city, zone, f"à {city}")


# --------------------------------------------------------------------------- writing


def _offset_text(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _summer_time(local: dt.datetime, zone: ZoneInfo) -> bool:
    """On summer time: the larger of the zone's January and July offsets, when they differ.

    Not ``dst()``: tzdata gives Ireland a negative winter « DST » and Morocco one in Ramadan.
    """
    offsets = {dt.datetime(local.year, month, 1, 12, tzinfo=zone).utcoffset() for month in (1, 7)}
    offsets.discard(None)
    if len(offsets) < 2:
        return False
    return local.utcoffset() == max(o for o in offsets if o is not None)


def of_place(place: Place) -> str:
    """« de Montréal », « de La Réunion », « d'Abidjan », « du Québec », « des Antilles »."""
    where = place.where
    for prefix, of in (("au ", "du "), ("aux ", "des ")):
        if where.startswith(prefix):
            return of + where.removeprefix(prefix)
    name = where.split(" ", 1)[1] if where.startswith(("à ", "en ")) else place.name
    return f"d'{name}" if name[:1].lower() in "aeiouyhéèêàâîôû" else f"de {name}"


def local_time_phrase(zone: Place | str, now: dt.datetime) -> str:
    """« À La Réunion, il est 14 h 05 (mardi 3 mars, UTC+4). » — to confirm a zone.

    ``now`` must be aware (ValueError otherwise); an unknown zone name raises
    ``ZoneInfoNotFoundError``. Summer time is named (« UTC+2, heure d'été »), so the person
    can tell the zone is right in March and in October too.
    """
    if now.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous: pass an aware datetime")
    place = zone if isinstance(zone, Place) else place_for_zone(zone)
    info = ZoneInfo(place.zone)
    local = now.astimezone(info)
    day = "1er" if local.day == 1 else str(local.day)
    date = f"{WEEKDAYS_FR[local.weekday()]} {day} {MONTHS_FR[local.month - 1]}"
    where = place.where[:1].upper() + place.where[1:]
    details = [date]
    if not place.is_offset:
        offset = local.utcoffset()
        assert offset is not None
        details.append(_offset_text(offset))
        if _summer_time(local, info):
            details.append("heure d'été")
    return f"{where}, il est {local.hour} h {local.minute:02d} ({', '.join(details)})."


# --------------------------------------------------------------------------- onboarding


#: The first messages after consent: words there that suggest another zone than the default
#: get the question of where the person lives (bot/search.py ``offer_zone``), once.
OFFER_WINDOW: Final = dt.timedelta(hours=1)


def suggests_elsewhere(language_code: str | None, texts: Iterable[str]) -> bool:
    """Whether to ask at consent where the person lives, once.

    True when Telegram's ``language_code`` is not plain French (« fr-CA », « fr-BE »,
    « en »: a French interface in France is « fr »), or when the first messages name a place
    outside metropolitan France's zone as where they are, an IANA zone other than Paris, or
    say « décalage horaire », « fuseau », « outre-mer », « j'habite à l'étranger »… Asking costs
    one tap; reminders at 3 a.m. cost the person's trust. Reading is stricter than
    :func:`find_zone`, because first messages talk about jobs: a place counts only after words
    of residence (« je suis à », « j'habite », « je vis en », « heure de »; « un poste à
    Dublin » does not), no typo fixes, a first name (« Maurice ») never counts, an everyday word
    (« réunion ») only with a capital letter inside a sentence. Language names are not read as
    demonyms (« mon anglais »).
    """
    code = (language_code or "").strip().lower().replace("_", "-")
    if code:
        language, _, region = code.partition("-")
        if language != "fr" or region not in ("", "fr"):
            return True
    for raw in texts:
        text = _spell_ligatures((raw or "")[:MAX_TEXT])
        zone = _iana_zone(text)
        if zone is not None and _LINKS.get(zone, zone) != PARIS:
            return True
        tokens = _tokens(text)
        if _ELSEWHERE_CUES.search(" ".join(token.word for token in tokens)):
            return True
        words = [token.word for token in tokens]
        for hit in _scan(text, tokens):
            if hit.first_name or (hit.weak and not hit.capitalised):
                continue
            before = words[max(0, hit.position - 4) : hit.position]
            if not (_RESIDENCE.intersection(before) or _NEAR_RESIDENCE.intersection(before[-2:])):
                continue
            if all(place.zone != PARIS for place in hit.places):
                return True
    return False


# --------------------------------------------------------------------------- storing


def set_timezone(session: Session, user: User, zone: Place | str, *, now: dt.datetime) -> int:
    """Store the person's zone; returns how many pending reminders were moved.

    Reminders were computed as wall-clock times in the old zone (« vendredi à 10 h », the
    weekly check-in « le lundi à 18 h »): the person meant their own clock, so each pending
    reminder still to come keeps its local date and time in the new zone — never before
    ``now`` — and quiet hours are applied in the new zone. The weekly check-in is recomputed
    from its weekday and hour. Left alone: reminders already due or held (the dispatcher
    re-checks quiet hours in the new zone when it sees them), those being sent, and kinds
    outside :data:`WALL_CLOCK_KINDS` (the retention notice counts in absolute time, the
    hour-before of an interview follows the interview's instant).
    A reminder asked « dans 2 heures » moves too: the rows do not say how it was asked.

    Raises ValueError for a name zoneinfo does not know.
    """
    if now.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous: pass an aware datetime")
    name = zone.zone if isinstance(zone, Place) else zone.strip()
    name = _LINKS.get(name, name)
    try:
        new = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown timezone: {name!r}") from error
    if len(name) > 64:  # users.timezone is String(64)
        raise ValueError("timezone name too long")
    old = user_zone(user)
    if user.timezone == name:
        return 0
    user.timezone = name
    moved = 0
    for reminder in list_upcoming(session, user, limit=10_000):
        if (
            reminder.status != PENDING
            or reminder.due_at <= now
            or reminder.kind not in WALL_CLOCK_KINDS
        ):
            continue
        if (
            reminder.kind == "weekly_reflection"
            and user.reflection_weekday is not None
            and user.reflection_hour is not None
        ):
            due = next_weekly_occurrence(
                now, weekday=user.reflection_weekday, hour=user.reflection_hour, tz=new
            )
        else:
            local = reminder.due_at.astimezone(old)
            due = local_datetime(local.date(), local.time().replace(tzinfo=None), new)
            due = max(due, now)
        due = apply_quiet_hours(due, tz=new, quiet_start=user.quiet_start, quiet_end=user.quiet_end)
        if due != reminder.due_at:
            reminder.due_at = due.astimezone(dt.UTC)
            moved += 1
    session.flush()
    return moved
