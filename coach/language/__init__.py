"""Reading and writing French: the one home every form and rule uses.

- ``fold``: folding (case, accents, apostrophes), one-typo fixes, words of a message.
- ``dates``: calendar dates (rejection and decision dates), and the date vocabulary, typo
  fixes and calendar arithmetic that ``times`` shares.
- ``times``: reminder and deadline instants ("vendredi à 10h", "dans 3 jours").
- ``answers``: short answers (yes / no, "je ne sais pas", "passer", "pourquoi ?", "aucune").
- ``entities``: company, position, contract, stage and formality read from free text.
- ``corrections``: "je me suis trompée, c'était…" — which answer to change, and to what.
- ``writing``: writing French back (elision, capitals).

Submodules are imported by name (``from coach.language.dates import parse_date``): this
package imports none of them, so importing one stays cheap.
"""
