"""Moved to :mod:`coach.language.fold` (one home for reading French).

Kept as a re-export for code written before the move; import from ``coach.language.fold``.
"""

from coach.language.fold import (
    MONTH_ALIASES,
    MONTHS_FR,
    NUMBER,
    NUMBER_WORDS,
    WEEKDAYS_FR,
    Folded,
    correct_word,
    damerau_one,
    fold_keep_length,
    number_value,
)

__all__ = [
    "MONTHS_FR",
    "MONTH_ALIASES",
    "NUMBER",
    "NUMBER_WORDS",
    "WEEKDAYS_FR",
    "Folded",
    "correct_word",
    "damerau_one",
    "fold_keep_length",
    "number_value",
]
