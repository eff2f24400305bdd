"""Numbers with their units as trade reports print them: ``19 %``, ``USD 123.5 bn``, ``rank 3``.

Shared by the names the graph stage generates and the tables the query stage prints, so that
a label and a table cell write the same amount the same way.
"""

from __future__ import annotations

from decimal import Decimal

#: Unit notations written as a symbol after the number.
_SYMBOLS = {"percent": "%", "tonne": "t"}


def amount(number: Decimal, unit: str) -> str:
    """A number with its unit's notation as people write it: ``19 %``, ``USD 123.5 bn``."""
    if unit == "percent":
        return f"{_plain(number)} %"
    if unit == "rank":
        return f"rank {_plain(number)}"
    if len(unit) == 3 and unit.isalpha() and unit.isupper():  # an ISO 4217 currency code
        return f"{unit} {compact(number)}"
    return f"{compact(number)} {_SYMBOLS.get(unit, unit)}"


def compact(number: Decimal) -> str:
    """``123.5 bn``, ``2.1 m``, ``9,500``: large amounts the way trade reports print them."""
    size = abs(number)
    for scale, word in (
        (Decimal(10) ** 12, "tn"),
        (Decimal(10) ** 9, "bn"),
        (Decimal(10) ** 6, "m"),
    ):
        if size >= scale:
            return f"{_plain((number / scale).quantize(Decimal('0.01')))} {word}"
    return _plain(number, grouped=True)


def _plain(number: Decimal, *, grouped: bool = False) -> str:
    """A decimal without trailing zeros or exponent: 19, 19.5, -123.5 (``9,500`` grouped)."""
    text = f"{number:,f}" if grouped else f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
