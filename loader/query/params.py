"""Query parameters: grlc/BASIL variable names → typed specs → checked RDF terms → a VALUES block.

A saved query declares a parameter by using a variable named after the grlc/BASIL
convention: ``?_name`` (a plain string), ``?_name_iri``, ``?_name_integer``, ``?_name_en``
(a string in English), ``?_name_xsd_gYear`` (any datatype by prefix and local name), and
``?__name`` for an optional parameter. grlc splits the variable at every ``_``, so a name
must not contain one (grlc reads ``?_min_rate_decimal`` as parameter ``min`` of datatype
``rate:decimal``); we reject such names instead of silently disagreeing with grlc.

Values are **bound, never pasted** (grlc#101: pasted quotes broke queries). A value is
checked against its declared type and turned into an RDF term; the term, never the user's
text, is written into the query, as a ``VALUES`` block at the start of every group graph
pattern that uses the parameter (see :func:`bind`). A term is written by
:func:`sparql_term`, which escapes every character that could end a string or an IRI, so no
value can change the shape of the query.

Why VALUES and not pyoxigraph's ``substitutions``: in pyoxigraph 0.5.13 a substituted
variable must appear in the query's projection (``FILTER(?rate >= ?_min)`` with
``SELECT ?state`` raises "does not contains variable ?_min in its SELECT projection"), and
in a CONSTRUCT the substitution does not reach the WHERE clause (it silently returns no
triples). A VALUES block is standard SPARQL 1.1, works the same on every engine, and lets
both the embedded store and a remote endpoint run the very same text.

Why at the start of the groups and not as a trailing ``VALUES`` after the query: a trailing
VALUES clause is joined *after* the WHERE clause, its FILTERs and its aggregates are
evaluated (SPARQL 1.1 §18.2.4.3), so a ``FILTER(?rate >= ?_min)`` would see an unbound
variable and drop every row. Inside a group, VALUES is joined with the group's other
patterns before the group's FILTERs apply (§18.2.2.6); placing it in every group that uses
the parameter (OPTIONAL, MINUS, UNION branches, EXISTS, sub-selects) makes the value visible
wherever the parameter is used, as a substitution would.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from loader.namespaces import PREFIXES, XSD
from loader.problems import InputError, Problem

#: ``?_name``, ``?__name``, then up to two ``_``-separated type segments.
_PARAM = re.compile(r"^(?P<under>__?)(?P<rest>.*)$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_LANG_TYPE = re.compile(r"^[a-z]{2}$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: Characters that may not appear in an IRI (RFC 3987 plus SPARQL's IRIREF exclusions).
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
#: Control characters we refuse in string values (tab, newline, return are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# [0-9], not \d: \d also matches Arabic-Indic, full-width and other digits, which are no
# xsd:decimal and would silently answer nothing.
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_DOUBLE = re.compile(r"^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$")
_TZ = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
_DATE = re.compile(r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})" + _TZ + "$")
_DATETIME = re.compile(
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?" + _TZ + "$"
)
_GYEAR = re.compile(r"^[0-9]{4}" + _TZ + "$")
_GYEARMONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])" + _TZ + "$")

#: The types a parameter may declare, with a one-line description for errors and ``--list``.
KINDS: dict[str, str] = {
    "string": "a text",
    "literal": "a text",
    "iri": (
        "an id as notes write it (VNM, hs:2805, rare-earths), a prefixed name such as "
        "id:state/VNM, or an absolute IRI"
    ),
    "number": "a number such as 19 or 19.5",
    "integer": "a whole number such as 19",
    "nonNegativeInteger": "a whole number, 0 or more",
    "positiveInteger": "a whole number, 1 or more",
    "decimal": "a decimal number such as 19.5",
    "double": "a number such as 1.5e3",
    "float": "a number such as 1.5e3",
    "boolean": "true or false",
    "date": "a date YYYY-MM-DD (or YYYY-MM, YYYY: the month's or year's last day)",
    "dateTime": "a date and time YYYY-MM-DDThh:mm:ss",
    "gYear": "a year YYYY",
    "gYearMonth": "a month YYYY-MM",
    "anyURI": "an absolute IRI",
}


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One parameter of a query: its name, how its value becomes a term, and its default."""

    variable: str  # the variable name without "?", e.g. "_rate_decimal"
    name: str  # the API name, e.g. "rate"
    kind: str  # "string", "iri", "integer", … (see KINDS), "lang" or "datatype"
    language: str | None = None
    datatype: str | None = None  # full IRI for kind "datatype" and the XSD kinds
    optional: bool = False
    default: str | None = None
    enumeration: tuple[str, ...] | None = None

    @property
    def required(self) -> bool:
        """A parameter must be given unless it has a default or is optional (``?__name``)."""
        return self.default is None and not self.optional

    def describe_type(self) -> str:
        """How the type is shown to people: ``integer``, ``iri``, ``string@en``, ``xsd:gYear``."""
        if self.kind == "lang":
            return f"string@{self.language}"
        if self.kind == "datatype" and self.datatype:
            from loader.namespaces import shorten

            return shorten(self.datatype)
        return self.kind

    def expected(self) -> str:
        """What a right value looks like, for error messages."""
        if self.kind == "lang":
            return f"a text (it is matched as a string in language '{self.language}')"
        if self.kind == "datatype":
            return f"a value of datatype {self.describe_type()}"
        return KINDS.get(self.kind, self.kind)


def spec_for_variable(variable: str) -> ParamSpec | Problem:
    """Read a parameter's name and type from its variable name (without ``?``).

    Returns a :class:`Problem` (code ``bad-parameter-name``) when the name does not follow the
    convention or names an unknown type; the caller adds file and line.
    """
    match = _PARAM.match(variable)
    if match is None:
        return Problem("bad-parameter-name", f"?{variable} is not a parameter variable")
    optional = match.group("under") == "__"
    parts = match.group("rest").split("_")
    name = parts[0]
    hint = (
        "name parameters ?_name, ?_name_type or ?_name_prefix_local, with a name of letters "
        "and digits only (grlc splits variable names at '_'); types: "
        + ", ".join(sorted(set(KINDS) - {"literal"}))
        + ", a two-letter language code, or a datatype such as xsd_gYear"
    )
    if not _NAME.match(name):
        return Problem(
            "bad-parameter-name",
            f"?{variable}: the parameter name '{name}' must be letters and digits, "
            "starting with a letter",
            hint=hint,
        )
    if len(parts) == 1:
        return ParamSpec(variable, name, "string", optional=optional)
    if len(parts) == 2:
        kind = parts[1]
        if kind in KINDS:
            datatype = XSD + kind if kind not in ("string", "literal", "iri", "number") else None
            return ParamSpec(variable, name, kind, datatype=datatype, optional=optional)
        if _LANG_TYPE.match(kind):
            return ParamSpec(variable, name, "lang", language=kind, optional=optional)
        return Problem(
            "bad-parameter-name",
            f"?{variable}: '{kind}' is not a parameter type",
            hint=hint,
        )
    if len(parts) == 3 and parts[1] in PREFIXES:
        datatype = PREFIXES[parts[1]] + parts[2]
        kind = parts[2] if parts[1] == "xsd" and parts[2] in KINDS else "datatype"
        return ParamSpec(variable, name, kind, datatype=datatype, optional=optional)
    return Problem(
        "bad-parameter-name",
        f"?{variable}: grlc would read this as parameter '{name}' with type "
        f"'{':'.join(parts[1:3])}'",
        hint=hint,
    )


class ParamValueError(ValueError):
    """A value does not fit its parameter's type; the message says what a right value is,
    ``hint`` (when given) how to find one."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


#: Resolves a name people know ("Vietnam", "usa") to an IRI, or raises ParamValueError.
NameLookup = Callable[[str], str]


def to_term(
    spec: ParamSpec,
    value: str,
    *,
    ids: Mapping[str, str] | None = None,
    choices: Mapping[str, str] | None = None,
    names: NameLookup | None = None,
) -> ox.NamedNode | ox.Literal:
    """Check ``value`` against ``spec`` and return the RDF term it denotes.

    For an IRI parameter, ``ids`` (from ``dist/ids.json``) lets users write the ids notes
    use — ``VNM``, ``hs:2805``, ``rare-earths`` — instead of whole IRIs. ``choices`` (notation
    → IRI) makes it a value-set parameter: the value is a notation as notes write it
    (``announced``) or the IRI of one of the values, and nothing else.

    Raises:
        ParamValueError: the value is not of the declared type, or is not in the
            parameter's enumeration.
    """
    if spec.enumeration is not None and value not in spec.enumeration:
        raise ParamValueError(f"must be one of: {', '.join(spec.enumeration)}")
    _check_text(value)
    if spec.kind == "iri" and choices:
        return _choice(value, choices)
    if spec.kind == "iri":
        if ids is not None and value.strip() in ids:
            return ox.NamedNode(ids[value.strip()])
        if names is not None:
            return ox.NamedNode(names(value))
        return ox.NamedNode(expand_iri(value))
    if spec.kind in ("string", "literal"):
        return ox.Literal(value)
    if spec.kind == "lang":
        return ox.Literal(value, language=spec.language)
    if spec.kind == "number":
        text = value.strip()
        for kind in ("integer", "decimal", "double"):
            if _LEXICAL[kind](text):
                return ox.Literal(text, datatype=ox.NamedNode(XSD + kind))
        raise ParamValueError(f"'{_show(value)}' is not {KINDS['number']}")
    assert spec.datatype is not None
    if spec.kind == "date":
        value = _end_of_period(value.strip())
    checker = _LEXICAL.get(spec.kind)
    text = value.strip() if checker is not None else value
    if checker is not None and not checker(text):
        raise ParamValueError(f"'{_show(value)}' is not {spec.expected()}")
    if spec.kind == "anyURI":
        text = expand_iri(text)
    return ox.Literal(text, datatype=ox.NamedNode(spec.datatype))


def _end_of_period(text: str) -> str:
    """A date parameter given as a month or a year (the precision notes write) stands for
    its last day: what holds on ``2025-10`` is what holds by the end of October.

    >>> _end_of_period("2025-10"), _end_of_period("2024-02"), _end_of_period("2025")
    ('2025-10-31', '2024-02-29', '2025-12-31')
    >>> _end_of_period("2025-10-27"), _end_of_period("soon")
    ('2025-10-27', 'soon')
    """
    if _GYEAR.fullmatch(text) and len(text) == 4:
        return f"{text}-12-31"
    if _GYEARMONTH.fullmatch(text) and len(text) == 7:
        year, month = int(text[:4]), int(text[5:])
        return f"{text}-{calendar.monthrange(year, month)[1]:02d}"
    return text


def _choice(value: str, choices: Mapping[str, str]) -> ox.NamedNode:
    """A value-set member by notation or IRI; anything else is refused with the notations."""
    text = value.strip()
    if text in choices:
        return ox.NamedNode(choices[text])
    allowed = ", ".join(sorted(choices))
    try:
        iri = expand_iri(text)
    except ParamValueError:
        iri = None
    if iri is not None and iri in choices.values():
        return ox.NamedNode(iri)
    raise ParamValueError(f"'{_show(value)}' is not one of its values: {allowed}")


def expand_iri(value: str) -> str:
    """An absolute IRI from ``value``: a project prefixed name is expanded, then checked.

    Raises:
        ParamValueError: not absolute, or containing a character IRIs may not contain.
    """
    text = value.strip()
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES:
        text = PREFIXES[prefix] + local
    bad = _IRI_FORBIDDEN.search(text)
    if bad is not None:
        raise ParamValueError(
            f"'{_show(value)}' is not an IRI: it contains {_char_name(bad.group())}"
        )
    if not _SCHEME.match(text) or text.endswith(":"):
        known = ", ".join(f"{p}:" for p in PREFIXES)
        raise ParamValueError(
            f"'{_show(value)}' is not an absolute IRI (give a scheme such as https: "
            f"or one of the prefixes {known})"
        )
    try:
        return ox.NamedNode(text).value
    except ValueError as error:
        raise ParamValueError(f"'{_show(value)}' is not an IRI: {error}") from None


def _check_text(value: str) -> None:
    if _CONTROL.search(value):
        raise ParamValueError("contains a control character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ParamValueError("is not valid Unicode text") from None


def _show(value: str, limit: int = 60) -> str:
    shown = value.encode("unicode_escape").decode("ascii") if not value.isprintable() else value
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _char_name(char: str) -> str:
    if char == " ":
        return "a space"
    if char.isprintable():
        return f"'{char}'"
    return f"the control character U+{ord(char):04X}"


def _valid_date(text: str, pattern: re.Pattern[str]) -> bool:
    match = pattern.match(text)
    if match is None:
        return False
    try:
        dt.date.fromisoformat(match.group("date"))
    except ValueError:
        return False
    return True


def _valid_datetime(text: str) -> bool:
    if not _valid_date(text, _DATETIME):
        return False
    clock = text[11:19]
    hours, minutes, seconds = (int(x) for x in clock.split(":"))
    return hours < 24 and minutes < 60 and seconds < 60


def _valid_double(text: str) -> bool:
    if not _DOUBLE.match(text):
        return False
    return text in ("INF", "+INF", "-INF", "NaN") or math.isfinite(float(text))


_LEXICAL: dict[str, Callable[[str], bool]] = {
    "integer": lambda t: bool(_INTEGER.match(t)),
    "nonNegativeInteger": lambda t: bool(_INTEGER.match(t)) and int(t) >= 0,
    "positiveInteger": lambda t: bool(_INTEGER.match(t)) and int(t) > 0,
    "decimal": lambda t: bool(_DECIMAL.match(t)),
    "double": _valid_double,
    "float": _valid_double,
    "boolean": lambda t: t in ("true", "false", "1", "0"),
    "date": lambda t: _valid_date(t, _DATE),
    "dateTime": _valid_datetime,
    "gYear": lambda t: bool(_GYEAR.match(t)),
    "gYearMonth": lambda t: bool(_GYEARMONTH.match(t)),
    "anyURI": lambda t: _try_iri(t),
}


def _try_iri(text: str) -> bool:
    try:
        expand_iri(text)
    except ParamValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Writing terms and VALUES blocks
# ---------------------------------------------------------------------------------------------

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def sparql_term(term: ox.NamedNode | ox.Literal) -> str:
    """The term in SPARQL syntax, with every character that could end it escaped.

    IRIs were checked to contain no character that may not appear in an IRIREF; string
    content is written with SPARQL's ECHAR escapes and never contains a raw quote, backslash
    or line break, so the result is always exactly one term.
    """
    if isinstance(term, ox.NamedNode):
        if _IRI_FORBIDDEN.search(term.value):
            raise ParamValueError(f"'{_show(term.value)}' cannot be written as an IRI")
        return f"<{term.value}>"
    text = "".join(_ECHAR.get(c, c) for c in term.value)
    if _CONTROL.search(text):
        raise ParamValueError("contains a control character")
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype.value == XSD + "string":
        return f'"{text}"'
    return f'"{text}"^^{sparql_term(term.datatype)}'


def values_block(bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """``VALUES (?a ?b) { (t1 t2) }`` on one line (so line numbers in errors stay right)."""
    names = sorted(bindings)
    variables = " ".join(f"?{name}" for name in names)
    row = " ".join(sparql_term(bindings[name]) for name in names)
    return f" VALUES ({variables}) {{ ({row}) }} "


def bind(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """The query ``text`` with each bound parameter given its value by VALUES blocks.

    A block goes right after the ``{`` of the WHERE group and of every group graph pattern
    that uses the parameter. Nothing else in the text changes, and the blocks add no line
    breaks, so an engine's syntax error still points at the right line of the ``.rq`` file.

    Raises:
        InputError: the query has parameters to bind but no WHERE group, or is a short-form
            ``CONSTRUCT WHERE { … }``, which may not contain VALUES.
    """
    if not bindings:
        return text
    from loader.query.scan import ScanError, structure

    try:
        shape = structure(text)
    except ScanError as error:
        raise InputError([Problem("query-syntax", str(error), line=error.line)]) from None
    if shape.outer_group is None or shape.short_construct:
        raise InputError(
            [
                Problem(
                    "cannot-bind-parameters",
                    "parameters can only be bound in a query with a WHERE { … } clause "
                    "(not in CONSTRUCT WHERE { … } short form)",
                    line=shape.form_line,
                )
            ]
        )
    inserts: list[tuple[int, str]] = []
    for group in shape.groups:
        used = {name: term for name, term in bindings.items() if name in group.params}
        if group is shape.outer_group:
            used = dict(bindings)
        if used:
            inserts.append((group.offset + 1, values_block(used)))
    out = text
    for offset, block in sorted(inserts, reverse=True):
        out = out[:offset] + block + out[offset:]
    return out


def resolve(
    specs: Mapping[str, ParamSpec],
    given: Mapping[str, str],
    *,
    ids: Mapping[str, str] | None = None,
    choices: Mapping[str, Mapping[str, str]] | None = None,
    names: NameLookup | None = None,
) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check the user's values (and fill in defaults): parameter variable → term.

    ``specs`` maps parameter names to specs; ``choices`` maps the names of value-set
    parameters to their values (notation → IRI, see :mod:`loader.query.values`). Every
    problem is reported at once.

    Raises:
        InputError: an unknown parameter was given, a required one is missing, or a value
            is not of its parameter's type (codes ``unknown-parameter``,
            ``missing-parameter``, ``bad-parameter-value``).
    """
    problems: list[Problem] = []
    known = ", ".join(sorted(specs)) or "none"
    for name in sorted(set(given) - set(specs)):
        problems.append(
            Problem(
                "unknown-parameter",
                f"the query has no parameter '{name}'",
                hint=f"its parameters are: {known}",
            )
        )
    terms: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, spec in sorted(specs.items()):
        value = given.get(name, spec.default)
        if value is None:
            if spec.required:
                problems.append(
                    Problem(
                        "missing-parameter",
                        f"the query needs parameter '{name}' ({spec.expected()})",
                        hint=f"pass --param {name}=VALUE",
                    )
                )
            continue
        try:
            allowed = (choices or {}).get(name)
            terms[spec.variable] = to_term(spec, value, ids=ids, choices=allowed, names=names)
        except ParamValueError as error:
            problems.append(
                Problem(
                    "bad-parameter-value",
                    f"parameter '{name}' ({spec.describe_type()}): {error}",
                    hint=error.hint
                    or (
                        f"give {spec.expected()}"
                        if not (choices or {}).get(name)
                        else "give one of the values listed, as notes write them"
                    ),
                )
            )
    if problems:
        raise InputError(problems)
    return terms


def build_ids(dist_dir: Path) -> dict[str, str] | None:
    """The ids of the last build (``VNM`` → its IRI), so parameters may be given as ids.

    None when there is no build yet (parameters then have to be written as IRIs).
    """
    try:
        ids: dict[str, str] = json.loads((dist_dir / "ids.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return ids
