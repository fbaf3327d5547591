"""Reading a feedback right (issue 15): each theme quotes its own phrase, interview behaviour is
not a remark on the person, knowledge is read as the theme it is, in the voices people write in.
"""

from __future__ import annotations

import time

import pytest

from coach.feedback import analyze
from coach.interpretation import FeedbackContext, format_analysis

PERSON_ADVICE = "en dit plus sur la personne"


def _evidence(text: str, theme: str) -> list[str]:
    result = analyze(text)
    assert theme in result.themes, (theme, result)
    return result.evidence[theme]


# --- each theme quotes its own phrase -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quotes"),
    [
        (
            "le manager dit que j'étais trop timide pendant l'entretien et que je connaissais "
            "mal les produits",
            {
                "communication": "trop timide pendant l'entretien",
                "interview_performance": "connaissais mal les produits",
            },
        ),
        (
            "le manager dit que j'etais trop timide pdt l'entretien et que je connaissais mal "
            "leurs produits",
            {
                "communication": "trop timide pdt l'entretien",
                "interview_performance": "connaissais mal leurs produits",
            },
        ),
        (
            "Vos réponses manquaient de clarté et votre niveau d'anglais est un peu juste.",
            {
                "communication": "Vos réponses manquaient de clarté",
                "technical_skills": "votre niveau d'anglais est un peu juste",
            },
        ),
        (
            "bon retour mais manque dexp en gestion de projet, trop stressé a l'oral",
            {
                "experience": "manque dexp en gestion de projet",
                "communication": "trop stressé a l'oral",
            },
        ),
        (
            # Two points in one clause: found by the clause model since the sixth training
            # batch (READ_PARTS is still off).
            "Vous manquiez d'énergie et vos réponses étaient trop longues.",
            {
                "enthusiasm": "Vous manquiez d'énergie",
                "interview_performance": "vos réponses étaient trop longues",
            },
        ),
        (
            "Il vous manque une expérience en management ainsi que la maîtrise de SAP.",
            {
                "experience": "Il vous manque une expérience en management",
                "technical_skills": "la maîtrise de SAP",
            },
        ),
        (
            "Elle a trouvé que vous étiez trop stressé, et que votre CV comportait des fautes "
            "d'orthographe.",
            {
                "communication": "trop stressé",
                "application_documents": "votre CV comportait des fautes d'orthographe",
            },
        ),
    ],
)
def test_each_theme_quotes_its_own_phrase(text: str, quotes: dict[str, str]) -> None:
    result = analyze(text)
    assert set(quotes) <= result.themes, result
    for theme, phrase in quotes.items():
        assert result.evidence[theme][0] == phrase, (theme, result.evidence)
        others = [p for t, p in quotes.items() if t != theme]
        # The quote holds its point and not the other theme's.
        assert not any(other in result.evidence[theme][0] for other in others)


def test_a_quote_is_cut_from_the_original_text() -> None:
    text = "Le DRH a expliqué que vous connaissiez mal nos produits, et votre anglais était faible."
    result = analyze(text)
    for phrases in result.evidence.values():
        assert all(phrase in text for phrase in phrases)


# --- interview behaviour is a theme, not a remark on the person ----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "le manager dit que j'étais trop timide pendant l'entretien et que je connaissais mal "
        "les produits",
        "Vous êtes trop timide pour ce métier.",
        "Vous étiez trop stressé et vous regardiez le sol.",
        "vous etiez tres stresse et vous regardiez le sol tout le temps",
        "Vous manquiez d'énergie et vos réponses étaient trop longues.",
        "Vous ne sembliez pas sûr de vous.",
        "On vous a trouvée réservée et pas assez affirmée face au jury.",
        "il ma dit que jetais trop timide et pas assez sur de moi",
        "Vous étiez nerveux, vous ne regardiez pas vos interlocuteurs.",
        "Vos réponses étaient beaucoup trop longues, on s'est perdus.",
        "On a trouvé que vous manquiez de confiance en vous pendant l'entretien.",
        "trop stressée a l'oral, elle a dit que ça se voyait",
    ],
)
def test_interview_behaviour_is_not_a_remark_on_the_person(text: str) -> None:
    result = analyze(text)
    assert "personal_attack" not in result.signals, result
    assert result.themes & {"communication", "interview_performance", "enthusiasm"}, result
    shown = format_analysis(result, FeedbackContext())
    assert PERSON_ADVICE not in shown


@pytest.mark.parametrize(
    "text",
    [
        "Vous n'êtes pas assez jeune pour notre équipe.",
        "Vous n'avez pas le physique de l'emploi.",
        "Vous êtes trop sensible comme personne.",
        "Franchement, vous êtes arrogant et pas très fiable.",
        "À votre âge, on ne démarre plus une carrière dans le digital.",
        "Avec votre accent, les clients ne vont pas vous comprendre.",
        "t'as une tete a pas aimer les horaires, ca passera pas",
    ],
)
def test_remarks_on_who_the_person_is_are_flagged(text: str) -> None:
    result = analyze(text)
    assert "personal_attack" in result.signals, result
    assert PERSON_ADVICE in format_analysis(result, FeedbackContext())


def test_shyness_next_to_a_remark_on_age_flags_the_age_only() -> None:
    result = analyze(
        "Vous étiez trop timide pendant l'entretien, et puis à votre âge, on ne change plus."
    )
    assert "communication" in result.themes
    assert "personal_attack" in result.signals
    assert any("âge" in phrase for phrase in result.evidence["personal_attack"])
    assert all("timide" not in phrase for phrase in result.evidence["personal_attack"])


# --- knowledge is read as the theme it is ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        ("Anglais insuffisant.", {"technical_skills"}),
        ("Votre niveau d'anglais est un peu juste pour ce poste.", {"technical_skills"}),
        ("niveau d'anglais un peu juste", {"technical_skills"}),
        ("Votre allemand est trop scolaire pour nos clients.", {"technical_skills"}),
        ("Méconnaissance du secteur.", {"experience"}),
        ("Le jury a noté votre méconnaissance du secteur bancaire.", {"experience"}),
        ("Le candidat connaissait mal nos produits.", {"interview_performance"}),
        ("vous connaissiez rien a notre gamme", {"interview_performance"}),
        ("Vous ne maîtrisez pas Salesforce.", {"technical_skills"}),
        (
            "Vos réponses manquaient de clarté et votre niveau d'anglais est un peu juste.",
            {"communication", "technical_skills"},
        ),
        (
            "Votre niveau d'anglais est un peu juste et vous n'avez jamais travaillé en export.",
            {"technical_skills", "experience"},
        ),
        (
            "On a senti que vous ne connaissiez pas notre enseigne, et votre espagnol ne suffit "
            "pas pour le service client.",
            {"interview_performance", "technical_skills"},
        ),
    ],
)
def test_knowledge_is_read_as_its_theme(text: str, themes: set[str]) -> None:
    result = analyze(text)
    assert themes <= result.themes, result
    assert result.kind == "constructive"


# --- other voices -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("bon retour mais manque dexp en gestion de projet", "experience"),
        ("il ma dit que j'avais pas assez d'experiance en gestion d'equipe", "experience"),
        ("trop stresse a l'oral d'apres la rh", "communication"),
        ("votre pitch manquait d'impact", "communication"),
        ("pas assez de leadership pour manager l'équipe", "communication"),
        ("skills en data un peu light", "technical_skills"),
        ("ton english est vraiment basique pour le poste", "technical_skills"),
        ("pas de fit avec l'équipe selon le manager", "cultural_fit"),
        ("manque de drive et de curiosité pour le produit", "enthusiasm"),
        ("retour tel : cv trop long et lettre pas adaptee", "application_documents"),
        ("notes : cas pratique rate, pas su prioriser les commandes", "problem_solving"),
    ],
)
def test_call_notes_and_english_words(text: str, theme: str) -> None:
    result = analyze(text)
    assert theme in result.themes, result
    assert result.kind == "constructive"


@pytest.mark.parametrize(
    "text",
    [
        "Candidature non retenue.",
        "pas retenu, merci qd meme",
        "Nous ne donnerons pas suite. Cordialement.",
        "Désolé, ça ne sera pas pour cette fois.",
        "c'est un non de leur côté, sorry",
    ],
)
def test_one_line_brush_offs_are_generic(text: str) -> None:
    result = analyze(text)
    assert result.kind == "generic", result
    assert "personal_attack" not in result.signals


def test_a_long_polite_mail_around_one_real_point_is_constructive() -> None:
    mail = (
        "Madame,\n\nNous vous remercions sincèrement pour l'intérêt que vous portez à notre "
        "société et pour le temps que vous nous avez accordé.\n\nAprès une étude attentive, "
        "nous ne donnerons pas suite : nous aurions souhaité une expérience plus longue en "
        "contrôle de gestion industriel.\n\nNous conservons votre CV et vous souhaitons "
        "pleine réussite.\n\nBien cordialement,\nLe service RH"
    )
    result = analyze(mail)
    assert result.kind == "constructive"
    assert "experience" in result.themes
    assert any("expérience plus longue" in p for p in result.evidence["experience"])


def test_reading_stays_fast() -> None:
    texts = [
        "le manager dit que j'étais trop timide pendant l'entretien et que je connaissais mal "
        "les produits",
        "Bonjour, merci pour votre temps. Il vous manque une expérience en gestion de projet, "
        "et votre niveau sur Excel est un peu juste. " * 30,
    ]
    analyze("")
    for text in texts:
        started = time.perf_counter()
        analyze(text)
        # Only a pathological slowdown fails here (SPEC: < 20 ms): the unit tests run beside
        # the model's training in make test, so the margin is wide.
        assert time.perf_counter() - started < 0.5
