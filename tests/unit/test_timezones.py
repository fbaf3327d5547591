"""Reading where the person lives as a timezone, and saying the local time back
(coach.timezones). Expected zones and sentences are written by hand."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest

from coach.timezones import (
    PLACES,
    Place,
    find_zone,
    local_time_phrase,
    place_for_zone,
    suggests_elsewhere,
)

UTC = dt.UTC


def zone_of(text: str) -> str:
    match = find_zone(text)
    assert match is not None, text
    assert match.place is not None, [p.label for p in match.places]
    return match.place.zone


# --------------------------------------------------------------------------- one place


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        # Overseas France, as people write it.
        ("je suis à la Réunion", "Indian/Reunion"),
        ("a la reunion", "Indian/Reunion"),
        ("LA RÉUNION", "Indian/Reunion"),
        ("j'habite sur l'île de la Réunion", "Indian/Reunion"),
        ("je vis au Tampon", "Indian/Reunion"),
        ("Mayotte", "Indian/Mayotte"),
        ("je vis à Mamoudzou", "Indian/Mayotte"),
        ("Pointe-à-Pitre", "America/Guadeloupe"),
        ("pointe a pitre", "America/Guadeloupe"),
        ("je suis en Martinique en ce moment", "America/Martinique"),
        ("Fort de France", "America/Martinique"),
        ("Schœlcher", "America/Martinique"),
        ("Cayenne", "America/Cayenne"),
        ("en guyane", "America/Cayenne"),
        ("Saint-Pierre-et-Miquelon", "America/Miquelon"),
        ("st pierre et miquelon", "America/Miquelon"),
        ("Papeete", "Pacific/Tahiti"),
        ("Nuku Hiva", "Pacific/Marquesas"),
        ("Nouméa", "Pacific/Noumea"),
        ("nouvelle caledonie", "Pacific/Noumea"),
        ("Wallis-et-Futuna", "Pacific/Wallis"),
        ("St-Barth", "America/St_Barthelemy"),
        ("Saint-Martin", "America/Marigot"),
        # Metropolitan France.
        ("heure de Paris", "Europe/Paris"),
        ("Lyon", "Europe/Paris"),
        ("Bretagne", "Europe/Paris"),
        ("Seine-Saint-Denis", "Europe/Paris"),
        ("je suis rentrée en métropole, remets l'heure de Paris", "Europe/Paris"),
        # Francophone Europe.
        ("je suis à Bruxelles", "Europe/Brussels"),
        ("Liège", "Europe/Brussels"),
        ("Genève", "Europe/Zurich"),
        ("lausanne", "Europe/Zurich"),
        ("au Luxembourg", "Europe/Luxembourg"),
        ("Monaco", "Europe/Monaco"),
        # Canada.
        ("j'habite à Montréal", "America/Toronto"),
        ("jhabite a montreal", "America/Toronto"),
        ("ville de Québec", "America/Toronto"),
        ("Gatineau", "America/Toronto"),
        ("Vancouver", "America/Vancouver"),
        ("Moncton", "America/Moncton"),
        # Africa and the Indian Ocean.
        ("Casablanca", "Africa/Casablanca"),
        ("je suis au Maroc", "Africa/Casablanca"),
        ("Alger", "Africa/Algiers"),
        ("tunis", "Africa/Tunis"),
        ("Dakar, Sénégal", "Africa/Dakar"),
        ("Côte-d'Ivoire", "Africa/Abidjan"),
        ("Yaoundé", "Africa/Douala"),
        ("Antananarivo", "Indian/Antananarivo"),
        ("l'île Maurice", "Indian/Mauritius"),
        ("Guinée", "Africa/Conakry"),
        ("Guinée équatoriale", "Africa/Malabo"),
        ("Kinshasa, RDC", "Africa/Kinshasa"),
        # Elsewhere.
        ("Beyrouth", "Asia/Beirut"),
        ("Londres", "Europe/London"),
        ("Grande-Bretagne", "Europe/London"),
        ("New York", "America/New_York"),
        ("Barcelone", "Europe/Madrid"),
        ("Tenerife", "Atlantic/Canary"),
    ],
)
def test_a_place_gives_its_zone(text: str, zone: str) -> None:
    assert zone_of(text) == zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("je suis québécoise", "America/Toronto"),
        ("on est belges", "Europe/Brussels"),
        ("je suis sénégalais", "Africa/Dakar"),
        # A place beats a nationality.
        ("marocaine mais je vis à Lyon", "Europe/Paris"),
    ],
)
def test_demonyms_when_no_place_is_named(text: str, zone: str) -> None:
    assert zone_of(text) == zone


def test_language_names_are_not_nationalities() -> None:
    assert find_zone("mon anglais est trop juste") is None
    assert find_zone("je parle espagnol et allemand") is None


def test_a_homonym_is_settled_by_its_territory() -> None:
    match = find_zone("Saint-Denis, La Réunion")
    assert match is not None and match.place is not None
    assert match.place.label == "Saint-Denis (La Réunion)"
    assert match.place.zone == "Indian/Reunion"


def test_a_city_is_kept_over_its_country() -> None:
    match = find_zone("Vancouver, Canada")
    assert match is not None and match.place is not None
    assert match.place.name == "Vancouver"


def test_a_place_is_preferred_to_an_offset() -> None:
    assert zone_of("je suis à la Réunion, UTC+4") == "Indian/Reunion"


# --------------------------------------------------------------------------- several places


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("Saint-Denis", ["Saint-Denis (Île-de-France)", "Saint-Denis (La Réunion)"]),
        (
            "Saint-Pierre",
            [
                "Saint-Pierre (La Réunion)",
                "Saint-Pierre (Martinique)",
                "Saint-Pierre (Saint-Pierre-et-Miquelon)",
            ],
        ),
        ("Laval", ["Laval (Mayenne)", "Laval (Québec)"]),
        ("Polynésie française", ["Tahiti", "Marquises", "Gambier"]),
        ("aux Antilles", ["Guadeloupe", "Martinique"]),
        (
            "Canada",
            [
                "Québec",
                "Ontario",
                "Nouveau-Brunswick",
                "Manitoba",
                "Alberta",
                "Colombie-Britannique",
            ],
        ),
        ("Congo", ["Brazzaville (Congo)", "Kinshasa (RDC, ouest)", "Lubumbashi (RDC, est)"]),
        ("j'habite à Paris mais je suis à Tahiti", ["Paris", "Tahiti"]),
    ],
)
def test_ambiguous_names_list_every_candidate(text: str, labels: list[str]) -> None:
    match = find_zone(text)
    assert match is not None
    assert match.ambiguous and match.place is None
    assert [place.label for place in match.places] == labels


# --------------------------------------------------------------------------- typed zones


@pytest.mark.parametrize(
    ("text", "zone", "name"),
    [
        ("America/Montreal", "America/Toronto", "Montréal"),  # the old name, stored as today's
        ("europe/paris", "Europe/Paris", "Paris"),
        ("mon fuseau c'est Pacific/Noumea", "Pacific/Noumea", "Nouvelle-Calédonie"),
        ("Asia/Kathmandu", "Asia/Kathmandu", "Kathmandu"),  # not in the table
    ],
)
def test_an_iana_name_typed_as_is(text: str, zone: str, name: str) -> None:
    match = find_zone(text)
    assert match is not None and match.place is not None
    assert (match.place.zone, match.place.name) == (zone, name)


@pytest.mark.parametrize(
    ("text", "zone", "name"),
    [
        ("UTC+4", "Etc/GMT-4", "UTC+4"),  # the IANA sign is reversed
        ("gmt -3", "Etc/GMT+3", "UTC-3"),
        ("UTC", "Etc/UTC", "UTC"),
        ("UTC+0", "Etc/UTC", "UTC"),
        ("UTC+14", "Etc/GMT-14", "UTC+14"),
    ],
)
def test_whole_hour_offsets(text: str, zone: str, name: str) -> None:
    match = find_zone(text)
    assert match is not None and match.place is not None
    assert (match.place.zone, match.place.name) == (zone, name)
    assert match.place.is_offset


# --------------------------------------------------------------------------- typos


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Montrél", "America/Toronto"),  # a letter missing
        ("guadelupe", "America/Guadeloupe"),
        ("reunoin", "Indian/Reunion"),  # two letters swapped
        ("j'habite à Casablanka", "Africa/Casablanca"),  # a letter changed
        ("martinnique", "America/Martinique"),  # a letter added
        ("Lausane", "Europe/Zurich"),
    ],
)
def test_one_letter_typos_on_long_names(text: str, zone: str) -> None:
    match = find_zone(text)
    assert match is not None and match.place is not None
    assert match.place.zone == zone
    assert match.corrected


def test_exact_names_are_not_marked_corrected() -> None:
    match = find_zone("Montréal")
    assert match is not None and not match.corrected


@pytest.mark.parametrize(
    "text",
    [
        "Dakr",  # five letters or fewer: too close to other words
        "Lyonn",
        # A long message: one ordinary word in many is a letter away from a place.
        "j'ai envoyé ma candidature hier et je pense que je vais bientôt déménager à Montrél",
        # Ordinary words one letter away from a place (« danger » / Tanger, « merlin » / Berlin).
        "danger",
        "merlin",
        "saison",
        "province",
    ],
)
def test_typos_are_not_fixed_where_they_would_mislead(text: str) -> None:
    assert find_zone(text) is None


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "asdfgh",
        "bonjour",
        "je ne sais pas",
        "123",
        "Mars",
        "France Travail m'a appelée",
        "j'ai une réunion demain",
        "UTC+5:30",  # half hours: name the place instead
        "UTC+15",
        "xyz/abc",
        "Saint-Martin-d'Hères",  # a compound name that goes on is not Saint-Martin
    ],
)
def test_nonsense_and_non_places_are_refused(text: str) -> None:
    assert find_zone(text) is None


def test_everyday_words_and_first_names_give_way_to_a_place() -> None:
    assert zone_of("Maurice") == "Indian/Mauritius"
    assert zone_of("Maurice m'a dit que j'habite à Dakar") == "Africa/Dakar"
    assert zone_of("trois tours d'entretien, je suis à Genève") == "Europe/Zurich"


# --------------------------------------------------------------------------- the local time


def place(text: str) -> Place:
    match = find_zone(text)
    assert match is not None and match.place is not None
    return match.place


@pytest.mark.parametrize(
    ("zone", "now", "expected"),
    [
        # Paris goes to summer time on Sunday 29 March 2026 at 01:00 UTC...
        (
            "Europe/Paris",
            dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC),
            "À Paris, il est 13 h 00 (samedi 28 mars, UTC+1).",
        ),
        (
            "Europe/Paris",
            dt.datetime(2026, 3, 29, 12, 0, tzinfo=UTC),
            "À Paris, il est 14 h 00 (dimanche 29 mars, UTC+2, heure d'été).",
        ),
        # ... and back on Sunday 25 October 2026.
        (
            "Europe/Paris",
            dt.datetime(2026, 10, 24, 12, 0, tzinfo=UTC),
            "À Paris, il est 14 h 00 (samedi 24 octobre, UTC+2, heure d'été).",
        ),
        (
            "Europe/Paris",
            dt.datetime(2026, 10, 25, 12, 0, tzinfo=UTC),
            "À Paris, il est 13 h 00 (dimanche 25 octobre, UTC+1).",
        ),
        # Nouméa has no summer time: UTC+11 in January and in July; the day can differ.
        (
            "Pacific/Noumea",
            dt.datetime(2026, 1, 15, 1, 30, tzinfo=UTC),
            "En Nouvelle-Calédonie, il est 12 h 30 (jeudi 15 janvier, UTC+11).",
        ),
        (
            "Pacific/Noumea",
            dt.datetime(2026, 7, 15, 1, 30, tzinfo=UTC),
            "En Nouvelle-Calédonie, il est 12 h 30 (mercredi 15 juillet, UTC+11).",
        ),
        (
            "Pacific/Noumea",
            dt.datetime(2026, 3, 3, 20, 0, tzinfo=UTC),
            "En Nouvelle-Calédonie, il est 7 h 00 (mercredi 4 mars, UTC+11).",
        ),
        (
            "Indian/Reunion",
            dt.datetime(2026, 3, 3, 10, 5, tzinfo=UTC),
            "À La Réunion, il est 14 h 05 (mardi 3 mars, UTC+4).",
        ),
        (
            "Pacific/Tahiti",
            dt.datetime(2026, 6, 1, 20, 0, tzinfo=UTC),
            "À Tahiti, il est 10 h 00 (lundi 1er juin, UTC-10).",
        ),
        (
            "Pacific/Marquesas",
            dt.datetime(2026, 6, 1, 20, 0, tzinfo=UTC),
            "Aux Marquises, il est 10 h 30 (lundi 1er juin, UTC-9:30).",
        ),
        # Southern hemisphere: January is summer in Sydney.
        (
            "Australia/Sydney",
            dt.datetime(2026, 1, 15, 1, 0, tzinfo=UTC),
            "À Sydney, il est 12 h 00 (jeudi 15 janvier, UTC+11, heure d'été).",
        ),
        # tzdata counts Irish winter as a negative « DST »: summer is still summer.
        (
            "Europe/Dublin",
            dt.datetime(2026, 7, 3, 10, 5, tzinfo=UTC),
            "En Irlande, il est 11 h 05 (vendredi 3 juillet, UTC+1, heure d'été).",
        ),
        (
            "Europe/Dublin",
            dt.datetime(2026, 1, 15, 10, 5, tzinfo=UTC),
            "En Irlande, il est 10 h 05 (jeudi 15 janvier, UTC+0).",
        ),
        (
            "Asia/Kathmandu",
            dt.datetime(2026, 3, 3, 10, 5, tzinfo=UTC),
            "À Kathmandu, il est 15 h 50 (mardi 3 mars, UTC+5:45).",
        ),
        (
            "Etc/GMT-4",
            dt.datetime(2026, 3, 3, 10, 5, tzinfo=UTC),
            "À l'heure UTC+4, il est 14 h 05 (mardi 3 mars).",
        ),
    ],
)
def test_local_time_phrase(zone: str, now: dt.datetime, expected: str) -> None:
    assert local_time_phrase(zone, now) == expected


def test_montreal_changes_hour_two_weeks_before_paris() -> None:
    # North America: Sunday 8 March 2026; Paris: 29 March. On 9 March the gap is 5 hours.
    montreal = place("j'habite à Montréal")
    assert (
        local_time_phrase(montreal, dt.datetime(2026, 3, 7, 17, 0, tzinfo=UTC))
        == "À Montréal, il est 12 h 00 (samedi 7 mars, UTC-5)."
    )
    assert (
        local_time_phrase(montreal, dt.datetime(2026, 3, 9, 17, 0, tzinfo=UTC))
        == "À Montréal, il est 13 h 00 (lundi 9 mars, UTC-4, heure d'été)."
    )
    assert (
        local_time_phrase("Europe/Paris", dt.datetime(2026, 3, 9, 17, 0, tzinfo=UTC))
        == "À Paris, il est 18 h 00 (lundi 9 mars, UTC+1)."
    )


def test_the_phrase_uses_the_place_as_named() -> None:
    now = dt.datetime(2026, 3, 3, 10, 5, tzinfo=UTC)
    assert local_time_phrase(place("Québec"), now) == (
        "Au Québec, il est 5 h 05 (mardi 3 mars, UTC-5)."
    )
    assert local_time_phrase(place("l'île Maurice"), now) == (
        "À l'île Maurice, il est 14 h 05 (mardi 3 mars, UTC+4)."
    )
    assert local_time_phrase(place("Saint-Denis, La Réunion"), now) == (
        "À Saint-Denis de La Réunion, il est 14 h 05 (mardi 3 mars, UTC+4)."
    )


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        local_time_phrase("Europe/Paris", dt.datetime(2026, 3, 3, 10, 5))


@pytest.mark.parametrize(
    ("zone", "name"),
    [
        ("Europe/Paris", "Paris"),
        ("America/Toronto", "Toronto"),
        ("America/Montreal", "Montréal"),
        ("Indian/Reunion", "La Réunion"),
        ("Europe/Brussels", "Belgique"),  # no place named like the zone: its first place
        ("America/Lima", "Pérou"),
        ("America/Cayenne", "Guyane"),
        ("Etc/GMT+3", "UTC-3"),
    ],
)
def test_a_stored_zone_is_named(zone: str, name: str) -> None:
    assert place_for_zone(zone).name == name


# --------------------------------------------------------------------------- the table


def test_every_zone_of_the_table_exists() -> None:
    for entry in PLACES:
        ZoneInfo(entry.zone)


def test_every_holiday_subdivision_is_one_holidays_knows() -> None:
    known = set(holidays.France.subdivisions)
    subdivs = {entry.holidays_subdiv for entry in PLACES if entry.holidays_subdiv}
    assert subdivs <= known
    assert {"971", "972", "973", "974", "976", "NC", "PF", "PM", "WF", "BL", "MF"} <= subdivs


def test_labels_tell_every_place_apart() -> None:
    labels = [entry.label for entry in PLACES]
    assert len(labels) == len(set(labels))


def test_every_place_says_in_correctly() -> None:
    for entry in PLACES:
        assert entry.where.startswith(("à ", "au ", "aux ", "en ", "dans ")), entry.where
        assert " à Le " not in f" {entry.where}" and " à Les " not in f" {entry.where}"
        assert " de Le " not in f" {entry.where}", entry.where


def test_overseas_places_carry_their_holidays() -> None:
    assert place("La Réunion").holidays_subdiv == "974"
    assert place("Strasbourg").holidays_subdiv == "6AE"
    assert place("Metz").holidays_subdiv == "57"
    assert place("Lyon").holidays_subdiv is None


# --------------------------------------------------------------------------- onboarding


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (None, False),
        ("", False),
        ("fr", False),
        ("fr-FR", False),
        ("fr-CA", True),
        ("fr-BE", True),
        ("fr-CH", True),
        ("FR_ca", True),
        ("en", True),
        ("ar", True),
    ],
)
def test_language_code(code: str | None, expected: bool) -> None:
    assert suggests_elsewhere(code, []) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bonjour, j'ai été refusée chez Airbus", False),
        ("je suis à la Réunion", True),
        ("Bonjour, j'habite à Montréal et je cherche un poste", True),
        ("je suis en Belgique", True),
        ("je suis québécoise", True),
        ("mets-moi à l'heure de Casablanca", True),
        ("avec le décalage horaire je réponds tard", True),
        ("America/Montreal", True),
        ("Europe/Paris", False),
        ("j'habite à Lyon", False),
        ("je suis à Saint-Denis", False),  # one of the homonyms is in Île-de-France
        ("j'ai une réunion avec la RH", False),
        ("J'ai écrit à Maurice hier", False),  # a first name
        ("je vis à l'île Maurice", True),
        # Job talk names places too.
        ("un poste à Dublin, entretien en anglais", False),
        ("les calls avec Londres tous les jours", False),
        ("je parle anglais et espagnol", False),
        ("je suis française", False),
    ],
)
def test_first_messages(text: str, expected: bool) -> None:
    assert suggests_elsewhere("fr", [text]) is expected


def test_any_of_the_first_messages_counts() -> None:
    assert suggests_elsewhere("fr", ["bonjour", "j'ai été refusé", "je vis à Dakar"])
