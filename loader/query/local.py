"""Run a query on the embedded store ``dist/store`` that ``tradekg build`` writes.

The store is opened read-only (nothing a query says can change it) with the default graph
as the union of the named graphs, which is what saved queries assume (ARCHITECTURE.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from loader.problems import InputError, Problem
from loader.query.result import BooleanResult, QueryResult, Solutions, Triples

_POSITION = re.compile(r"error at (\d+):(\d+)")


def has_store(path: Path) -> bool:
    """Whether ``tradekg build`` has written an embedded store at ``path``."""
    return (path / "CURRENT").is_file()


def open_store(path: Path) -> ox.Store:
    """Open the embedded store read-only.

    Raises:
        InputError: there is no store (code ``no-store``: run ``tradekg build`` first) or it
            cannot be opened.
    """
    if not has_store(path):
        raise InputError(
            [
                Problem(
                    "no-store",
                    f"there is no built store at {path}",
                    hint="run `tradekg build` first",
                )
            ]
        )
    try:
        return ox.Store.read_only(str(path))
    except OSError as error:
        raise InputError(
            [
                Problem(
                    "store-unreadable",
                    f"cannot open the store at {path}: {error}",
                    hint="run `tradekg build` again",
                )
            ]
        ) from None


def run_local(store: ox.Store, text: str, *, file: str | None = None) -> QueryResult:
    """Run ``text`` (already bound) on ``store`` over the union of its graphs.

    Raises:
        InputError: the query has a syntax error (with line and column) or fails.
    """
    try:
        answer = store.query(text, use_default_graph_as_union=True)
        return _convert(answer)
    except SyntaxError as error:
        message = str(error)
        match = _POSITION.search(message)
        line = int(match.group(1)) if match else None
        column = int(match.group(2)) if match else None
        raise InputError(
            [Problem("query-syntax", f"SPARQL syntax error: {message}", file, line, column)]
        ) from None
    except (OSError, RuntimeError, ValueError) as error:
        raise InputError([Problem("query-failed", f"the query failed: {error}", file)]) from None


def _convert(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return BooleanResult(bool(answer))
    if isinstance(answer, ox.QueryTriples):
        return Triples(tuple(answer))
    variables = tuple(v.value for v in answer.variables)
    rows = tuple(tuple(solution[v] for v in variables) for solution in answer)
    return Solutions(variables, rows)
