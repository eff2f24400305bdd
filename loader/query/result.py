"""One result type for every engine: solutions, a boolean, or triples — made of pyoxigraph terms.

The embedded store and a remote endpoint answer in different shapes (pyoxigraph objects vs.
SPARQL JSON); converting both to these plain values lets the formatter, the tests and the
local/remote comparison treat them alike. :func:`from_sparql_json` is also how expected
answers (``queries/expected/*.json``) are read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import pyoxigraph as ox

from loader.namespaces import RDF, XSD

Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row: TypeAlias = tuple[Term | None, ...]


@dataclass(frozen=True)
class Solutions:
    """A SELECT answer: the projected variables (without ``?``) and one row per solution."""

    variables: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class BooleanResult:
    """An ASK answer."""

    value: bool


@dataclass(frozen=True)
class Triples:
    """A CONSTRUCT or DESCRIBE answer."""

    triples: tuple[ox.Triple, ...]


QueryResult: TypeAlias = Solutions | BooleanResult | Triples


class ResultFormatError(ValueError):
    """A SPARQL JSON document is not shaped as the SPARQL 1.1 JSON results format says."""


#: Triple terms nested deeper than this are refused (an answer could otherwise exhaust the
#: stack: ``_term`` recurses once per level).
MAX_TRIPLE_DEPTH = 64


def from_sparql_json(data: object) -> Solutions | BooleanResult:
    """Read a parsed SPARQL 1.1 Query Results JSON document.

    Accepts Virtuoso's ``typed-literal`` as well as ``literal``. Anything an endpoint could
    send is checked (the document is untrusted): the message says where it went wrong.

    Raises:
        ResultFormatError: the document does not follow the format.
    """
    if not isinstance(data, dict):
        raise ResultFormatError(f"the answer is a JSON {_kind(data)}, not an object")
    if "boolean" in data:
        value = data["boolean"]
        if not isinstance(value, bool):
            raise ResultFormatError("'boolean' is not true or false")
        return BooleanResult(value)
    head = data.get("head")
    results = data.get("results")
    if not isinstance(head, dict):
        raise ResultFormatError("no 'head' object")
    if not isinstance(results, dict):
        raise ResultFormatError("no 'results' object")
    names = head.get("vars", [])
    if not isinstance(names, list) or not all(isinstance(v, str) and v for v in names):
        raise ResultFormatError("'head' 'vars' is not a list of variable names")
    variables = tuple(names)
    bindings = results.get("bindings")
    if not isinstance(bindings, list):
        raise ResultFormatError("'results' has no 'bindings' list")
    rows: list[Row] = []
    for number, binding in enumerate(bindings, start=1):
        if not isinstance(binding, dict):
            raise ResultFormatError(f"binding {number} is a JSON {_kind(binding)}, not an object")
        try:
            rows.append(tuple(_term(binding[v]) if v in binding else None for v in variables))
        except ResultFormatError as error:
            raise ResultFormatError(f"binding {number}: {error}") from None
    return Solutions(variables, tuple(rows))


def _kind(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _term(value: object, depth: int = 0) -> Term:
    if not isinstance(value, dict):
        raise ResultFormatError(f"a bound value is a JSON {_kind(value)}, not an object")
    kind = value.get("type")
    if kind == "triple":
        if depth >= MAX_TRIPLE_DEPTH:
            raise ResultFormatError(f"triple terms nested more than {MAX_TRIPLE_DEPTH} deep")
        inner = value.get("value")
        if not isinstance(inner, dict):
            raise ResultFormatError("a triple term has no subject/predicate/object")
        subject, predicate, obj = (
            _term(inner.get(k), depth + 1) for k in ("subject", "predicate", "object")
        )
        if not isinstance(predicate, ox.NamedNode) or isinstance(subject, ox.Literal):
            raise ResultFormatError("a triple term is not well formed")
        return ox.Triple(subject, predicate, obj)
    text = value.get("value")
    if not isinstance(text, str):
        raise ResultFormatError("a bound value has no string 'value'")
    try:
        if kind == "uri":
            return ox.NamedNode(text)
        if kind == "bnode":
            return ox.BlankNode(text)
        if kind in ("literal", "typed-literal"):
            language = value.get("xml:lang")
            if isinstance(language, str) and language:
                return ox.Literal(text, language=language)
            datatype = value.get("datatype")
            if isinstance(datatype, str) and datatype not in (XSD + "string", RDF + "langString"):
                return ox.Literal(text, datatype=ox.NamedNode(datatype))
            return ox.Literal(text)
    except ValueError as error:
        raise ResultFormatError(f"a bound value is not a valid RDF term: {error}") from None
    raise ResultFormatError(f"unknown term type {kind!r}")


def term_json(term: Term) -> dict[str, object]:
    """A term as a SPARQL 1.1 JSON results binding value."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        },
    }


def to_sparql_json(result: Solutions | BooleanResult) -> dict[str, object]:
    """The SPARQL 1.1 Query Results JSON document of a result."""
    if isinstance(result, BooleanResult):
        return {"head": {}, "boolean": result.value}
    bindings = [
        {v: term_json(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def triples_as_solutions(result: Triples) -> Solutions:
    """Triples as a three-column table (for table, CSV, TSV and JSON output)."""
    return Solutions(
        ("subject", "predicate", "object"),
        tuple((t.subject, t.predicate, t.object) for t in result.triples),
    )


def row_multiset(result: Solutions) -> Counter[tuple[str, ...]]:
    """The rows as a multiset keyed by each term's N-Triples text (order-insensitive compare).

    Blank node labels differ between engines, so every blank node is keyed ``_:``.
    """
    return Counter(tuple(_key(t) for t in row) for row in result.rows)


def same_answer(left: QueryResult, right: QueryResult, *, ordered: bool = False) -> bool:
    """Whether two answers are the same: same variables (any order) and the same rows.

    Rows are compared as multisets unless ``ordered`` (a query with ORDER BY).
    """
    if isinstance(left, BooleanResult) or isinstance(right, BooleanResult):
        return left == right
    if isinstance(left, Triples):
        left = triples_as_solutions(left)
    if isinstance(right, Triples):
        right = triples_as_solutions(right)
    if set(left.variables) != set(right.variables):
        return False
    right = reorder(right, left.variables)
    if ordered:
        return [tuple(map(_key, r)) for r in left.rows] == [tuple(map(_key, r)) for r in right.rows]
    return row_multiset(left) == row_multiset(right)


def _key(term: Term | None) -> str:
    if term is None:
        return ""
    return "_:" if isinstance(term, ox.BlankNode) else str(term)


def reorder(result: Solutions, variables: Sequence[str]) -> Solutions:
    """The same solutions with the columns in the order of ``variables``."""
    index = [result.variables.index(v) for v in variables]
    return Solutions(tuple(variables), tuple(tuple(row[i] for i in index) for row in result.rows))
