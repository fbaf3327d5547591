"""Moved to :mod:`coach.language.times` (one home for reading French dates and times).

Kept as a re-export for code written before the move; import from ``coach.language.times``.
"""

from coach.language.fold import WEEKDAYS_FR
from coach.language.times import (
    DEFAULT_TIME,
    ParsedWhen,
    WhenError,
    WhenProblem,
    format_fr,
    local_datetime,
    parse_when,
)

__all__ = [
    "DEFAULT_TIME",
    "WEEKDAYS_FR",
    "ParsedWhen",
    "WhenError",
    "WhenProblem",
    "format_fr",
    "local_datetime",
    "parse_when",
]
