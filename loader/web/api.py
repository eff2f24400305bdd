"""The REST face of the saved queries: rows as JSON objects, CSV/TSV, and an OpenAPI 3 document.

Like grlc, every ``queries/NAME.rq`` is an operation ``GET /api/NAME`` whose parameters are the
query's typed ``?_name_type`` variables, with the ``#+`` header's summary, description, tags,
defaults and enumerations. The document is made from the files on every request, so a
query a researcher adds appears with no code and no restart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pyoxigraph as ox

from loader.namespaces import XSD
from loader.query.output import render
from loader.query.params import ParamSpec
from loader.query.result import BooleanResult, QueryResult, Solutions, Triples, triples_as_solutions
from loader.query.saved import SavedQuery
from loader.web.service import MAX_ROWS, Answer

#: ``format=`` values and their media types; ``Accept`` picks among the same.
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: Request parameters the API itself reads (a query parameter of the same name wins).
CONTROLS = ("format", "limit")

_INTEGERS = frozenset(
    XSD + n
    for n in (
        "integer",
        "int",
        "long",
        "short",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
    )
)
_NUMBERS = frozenset(XSD + n for n in ("decimal", "double", "float"))


def choose_format(asked: str | None, accept: str | None) -> str | None:
    """``json``, ``csv`` or ``tsv`` from ``format=`` (first) or the ``Accept`` header; None
    when ``format=`` names something else. No preference means JSON."""
    if asked:
        return asked if asked in MEDIA_TYPES else None
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        for name, wanted in MEDIA_TYPES.items():
            if media == wanted:
                return name
    return "json"


def cell_value(term: object) -> object:
    """A cell as JSON: IRIs and texts as strings, numbers as numbers, unbound as null."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(term.value)
            if datatype in _NUMBERS:
                number = float(term.value)
                return int(number) if number.is_integer() and "." not in term.value else number
        except ValueError:
            return term.value
        if datatype == XSD + "boolean":
            return term.value == "true"
        return term.value
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term.value
    return str(term)


def rows_json(answer: Answer) -> dict[str, object]:
    """``{"query", "columns", "rows": [{col: value, col_label: label}…], "count", "total"}``.

    Each IRI cell comes with its label in ``<column>_label`` (the IRI stays in the column),
    each number with a unit in ``<column>_unit``; a row is one object, ready for a data frame.
    """
    result = _solutions(answer.result)
    if isinstance(result, BooleanResult):
        return {"query": answer.query.name, "boolean": result.value}
    labels = answer.readable.labels
    unit_of = _units(result, answer)
    columns: list[str] = []
    for name in result.variables:
        columns.append(name)
        if any(isinstance(row[i], ox.NamedNode) for i, row in _column(result, name)):
            columns.append(f"{name}_label")
        if name in answer.query.units:
            columns.append(f"{name}_unit")
    rows: list[dict[str, object]] = []
    for index, row in enumerate(result.rows):
        item: dict[str, object] = {}
        for name, term in zip(result.variables, row, strict=True):
            item[name] = cell_value(term)
            if f"{name}_label" in columns:
                item[f"{name}_label"] = (
                    labels.get(term.value) if isinstance(term, ox.NamedNode) else None
                )
            if f"{name}_unit" in columns:
                item[f"{name}_unit"] = unit_of(name, index)
        rows.append(item)
    return {
        "query": answer.query.name,
        "columns": columns,
        "rows": rows,
        "count": len(rows),
        "total": answer.total,
    }


def _solutions(result: QueryResult) -> Solutions | BooleanResult:
    return triples_as_solutions(result) if isinstance(result, Triples) else result


def _column(result: Solutions, name: str) -> list[tuple[int, Sequence[object]]]:
    index = result.variables.index(name)
    return [(index, row) for row in result.rows]


def _units(result: Solutions, answer: Answer) -> Callable[[str, int], str | None]:
    units = answer.query.units
    symbols = answer.readable.symbols

    def unit_of(name: str, row: int) -> str | None:
        unit = units.get(name)
        if unit is None or not unit.startswith("?"):
            return unit
        column = unit[1:]
        if column not in result.variables:
            return None
        term = result.rows[row][result.variables.index(column)]
        return symbols.get(term.value) if isinstance(term, ox.NamedNode) else None

    return unit_of


def rows_text(answer: Answer, fmt: str) -> str:
    """CSV or TSV as ``tradekg query --format csv|tsv`` writes it (labels for IRIs)."""
    return render(answer.result, fmt=fmt, readable=answer.readable)


# ------------------------------------------------------------------------------ OpenAPI


def openapi(
    queries: Sequence[SavedQuery],
    choices: Mapping[str, Mapping[str, Mapping[str, str]]],
    *,
    server: str,
    version: str,
) -> dict[str, object]:
    """An OpenAPI 3.1 document with one ``GET /api/NAME`` per saved query.

    ``choices`` gives, per query, the value-set words each parameter accepts (enums).
    """
    paths: dict[str, object] = {}
    for query in queries:
        parameters = [
            _parameter(spec, choices.get(query.name, {}).get(name))
            for name, spec in sorted(query.params.items())
        ]
        taken = set(query.params)
        parameters += [c for c in _controls() if c["name"] not in taken]
        paths[f"/api/{query.name}"] = {
            "get": {
                "operationId": query.name,
                "summary": query.summary or query.name,
                "description": query.description or query.summary or "",
                "tags": list(query.tags),
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "The answer: one object per row (JSON), or CSV/TSV",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Rows"}},
                            "text/csv": {"schema": {"type": "string"}},
                            "text/tab-separated-values": {"schema": {"type": "string"}},
                        },
                    },
                    "400": _problem_response("A parameter value is wrong (the message says why)"),
                    "502": _problem_response("The served graph did not answer"),
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tradekg saved queries",
            "version": version,
            "description": (
                "Every saved query of the project (queries/*.rq) as a GET operation; "
                "parameters are checked and bound as RDF terms, as on the command line."
            ),
        },
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": {
                "Rows": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "columns": {"type": "array", "items": {"type": "string"}},
                        "rows": {"type": "array", "items": {"type": "object"}},
                        "count": {"type": "integer"},
                        "total": {"type": "integer"},
                    },
                },
                "Problems": {
                    "type": "object",
                    "properties": {
                        "error": {"type": "string"},
                        "problems": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "code": {"type": "string"},
                                    "message": {"type": "string"},
                                    "hint": {"type": ["string", "null"]},
                                },
                            },
                        },
                    },
                },
            }
        },
    }


def _problem_response(description: str) -> dict[str, object]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}},
    }


#: OpenAPI schema of each parameter kind (see loader.query.params.KINDS).
_SCHEMAS: dict[str, dict[str, object]] = {
    "integer": {"type": "integer"},
    "nonNegativeInteger": {"type": "integer", "minimum": 0},
    "positiveInteger": {"type": "integer", "minimum": 1},
    "decimal": {"type": "number"},
    "number": {"type": "number"},
    "double": {"type": "number"},
    "float": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "dateTime": {"type": "string", "format": "date-time"},
    "gYear": {"type": "string", "pattern": "^[0-9]{4}$"},
    "gYearMonth": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
    "anyURI": {"type": "string", "format": "uri"},
}


def _parameter(spec: ParamSpec, words: Mapping[str, str] | None) -> dict[str, object]:
    schema: dict[str, object] = dict(_SCHEMAS.get(spec.kind, {"type": "string"}))
    if spec.enumeration:
        schema["enum"] = list(spec.enumeration)
    elif words:
        schema["enum"] = sorted(words)
    if spec.default is not None:
        schema["default"] = spec.default
    return {
        "name": spec.name,
        "in": "query",
        "required": spec.required,
        "description": f"{spec.describe_type()}: {spec.expected()}",
        "schema": schema,
    }


def _controls() -> list[dict[str, object]]:
    return [
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "json, csv or tsv (else the Accept header decides; default json)",
            "schema": {"type": "string", "enum": list(MEDIA_TYPES)},
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": f"at most this many rows (1 to {MAX_ROWS:,})",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ROWS},
        },
    ]
