"""Turn the text of a note value into an RDF literal of the datatype the ontology asks for.

Values are converted from the text as written, never from YAML's guess at a type, so that
``rate: 19`` and ``rate: "19"`` mean the same and ``rate: nineteen`` is an error that says
what a rate must look like. Literals are written in canonical form so that builds are
byte-identical.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from loader.namespaces import RDF, RDFS, XSD

LANG_STRING = RDF + "langString"

# [0-9], not \d: \d also matches other scripts' digits, which XSD's lexical forms do not allow.
_YEAR = re.compile(r"^([0-9]{4})$")
_YEAR_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True, slots=True)
class LiteralError:
    """Why a text is not a value of a datatype, and what a right value looks like."""

    message: str
    hint: str


def to_literal(
    text: str, datatype: str | None, *, language: str, unions: dict[str, tuple[str, ...]]
) -> ox.Literal | LiteralError:
    """Convert ``text`` to a literal of ``datatype`` (or of one member of a datatype union)."""
    text = text.strip()
    if datatype is None or datatype in (RDFS + "Literal", XSD + "string"):
        return ox.Literal(text)
    if datatype == LANG_STRING:
        return ox.Literal(text, language=language)
    if datatype in unions:
        return _date_or_period(text, unions[datatype])
    converter = _CONVERTERS.get(datatype)
    if converter is None:
        return ox.Literal(text, datatype=ox.NamedNode(datatype))
    return converter(text)


def _decimal(text: str) -> ox.Literal | LiteralError:
    hint = "write a plain number such as 19 or 0.5 (no %, no currency sign, no words)"
    if text.endswith("%"):
        return LiteralError(f"'{text}' is not a number: the unit is given by the property", hint)
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        return LiteralError(f"'{text}' is not a number", hint)
    if not value.is_finite():
        return LiteralError(f"'{text}' is not a finite number", hint)
    return ox.Literal(canonical_decimal(value), datatype=ox.NamedNode(XSD + "decimal"))


def canonical_decimal(value: Decimal) -> str:
    """The xsd:decimal canonical form: no exponent, no trailing zeros, ``19`` not ``19.0``."""
    normal = value.normalize()
    text = format(normal, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _integer(text: str) -> ox.Literal | LiteralError:
    if not _INTEGER.match(text):
        return LiteralError(f"'{text}' is not a whole number", "write digits only, such as 88")
    return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))


def _boolean(text: str) -> ox.Literal | LiteralError:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        return LiteralError(f"'{text}' is not true or false", "write true or false")
    return ox.Literal(lowered, datatype=ox.NamedNode(XSD + "boolean"))


def _date(text: str) -> ox.Literal | LiteralError:
    hint = "write a date as YYYY-MM-DD, e.g. 2025-10-27"
    if not _DATE.match(text):
        return LiteralError(f"'{text}' is not a date", hint)
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return LiteralError(f"'{text}' is not a calendar date", hint)
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))


def _date_or_period(text: str, members: tuple[str, ...]) -> ox.Literal | LiteralError:
    hint = (
        "write the precision the source gives: 2025-10-27 (a day), 2025-10 (a month) "
        "or 2025 (a year)"
    )
    if XSD + "date" in members and _DATE.match(text):
        return _date(text)
    match = _YEAR_MONTH.match(text)
    if XSD + "gYearMonth" in members and match:
        if not 1 <= int(match.group(2)) <= 12:
            return LiteralError(f"'{text}' has no month {match.group(2)}", hint)
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYearMonth"))
    if XSD + "gYear" in members and _YEAR.match(text):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYear"))
    return LiteralError(f"'{text}' is not a date, month or year", hint)


def _any_uri(text: str) -> ox.Literal | LiteralError:
    if not _ABSOLUTE_IRI.match(text):
        return LiteralError(f"'{text}' is not an absolute URL", "write the full address, https://…")
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "anyURI"))


def _language(text: str) -> ox.Literal | LiteralError:
    if not _LANGUAGE.match(text):
        return LiteralError(f"'{text}' is not a language tag", "write a BCP 47 tag such as en")
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "language"))


def _date_time(text: str) -> ox.Literal | LiteralError:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return LiteralError(f"'{text}' is not a date and time", "write 2025-10-27T22:25:00")
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "dateTime"))


_CONVERTERS = {
    XSD + "decimal": _decimal,
    XSD + "integer": _integer,
    XSD + "boolean": _boolean,
    XSD + "date": _date,
    XSD + "dateTime": _date_time,
    XSD + "anyURI": _any_uri,
    XSD + "language": _language,
}
