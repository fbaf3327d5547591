"""Reading and writing French: the one home every form and rule uses.

- ``fold``: folding (case, accents, apostrophes), one-typo fixes, words of a message.
- ``dates``: calendar dates (rejection and decision dates), and the date vocabulary, typo
  fixes and calendar arithmetic that ``times`` shares.
- ``times``: reminder and deadline instants ("vendredi à 10h", "dans 3 jours").
- ``answers``: short answers (yes / no, "je ne sais pas", "passer", "pourquoi ?", "aucune").
- ``entities``: company, position, contract, stage and formality read from free text.
- ``periods``: periods (« le mois dernier », « du 1er au 15 novembre ») for the activity report.
- ``demarches``: job-search steps told in a sentence (« atelier CV à France Travail lundi »).
- ``corrections``: "je me suis trompée, c'était…" — which answer to change, and to what.
- ``pipeline_text``: applications in progress — "j'ai postulé chez Airbus hier", "Airbus
  m'a dit non", "entretien jeudi 14h", the channel ("par mail", "via Indeed").
- ``writing``: writing French back (elision, capitals).

Submodules are imported by name (``from coach.language.dates import parse_date``): this
package imports none of them, so importing one stays cheap.
"""
