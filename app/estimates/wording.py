"""Amounts as a patient reads them."""

from datetime import date
from decimal import Decimal


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def percent(rate: Decimal) -> str:
    text = f"{rate * 100:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def day(value: date | None, number: int) -> str:
    return f"treatment day {number}" + (f" ({value:%B} {value.day}, {value.year})" if value else "")
