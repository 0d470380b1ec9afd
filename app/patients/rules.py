"""Pure facts about patients."""

from datetime import date


def age_on(born: date, today: date) -> int:
    """Completed years of life on `today` (someone born on 29 February ages on 1 March)."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
