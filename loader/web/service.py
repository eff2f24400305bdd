"""Saved queries answered for the web: parameters from a request, the answer made readable.

The web front reuses the command line's machinery — :mod:`loader.query.saved` reads the
queries, :func:`~loader.query.values.bound_text` checks and binds the values (ids and
value-set words as notes write them), :mod:`loader.query.labels` names the IRIs — so a value
is refused with the same message in the browser, the API and the CLI. Queries run on the
served graph (the Oxigraph server behind the front), so a ``--writable`` server's answers
follow its updates; the ids and value sets come from the build (``dist/``).

The queries are read again on every request: a researcher's new ``.rq`` file appears in the
browser and the API without a restart.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from loader.problems import InputError, Problem
from loader.project import Project
from loader.query.labels import fetch_labels, readable_answer
from loader.query.local import has_store, open_store
from loader.query.output import Readable
from loader.query.params import build_ids
from loader.query.remote import run_remote
from loader.query.result import QueryResult, Solutions
from loader.query.saved import SavedQuery, load_saved_queries, read_query
from loader.query.values import bound_text, parameter_predicates, value_choices

#: Rows an answer may hold at most; ``limit`` above it is refused (a 400, not a huge page).
MAX_ROWS = 10_000
#: Suggestions offered for an id parameter.
MAX_SUGGESTIONS = 200


class NoSuchQuery(LookupError):
    """There is no saved query of that name; the message names the closest ones."""


@dataclass(frozen=True)
class Answer:
    """One run of a saved query: the bound text, the result and what makes it readable."""

    query: SavedQuery
    text: str
    result: QueryResult
    readable: Readable
    total: int  # rows before ``limit`` cut them


@dataclass(frozen=True)
class Suggestion:
    """A value an id parameter may take: as notes write it, and its label."""

    value: str
    label: str


class QueryService:
    """The project's saved queries, run on ``endpoint`` (the served graph's query URL)."""

    def __init__(self, project: Project, endpoint: str, *, timeout: float = 60.0) -> None:
        self.project = project
        self.endpoint = endpoint
        self.timeout = timeout
        self._store: ox.Store | None = None

    # -------------------------------------------------------------- the catalogue

    def queries(self) -> list[SavedQuery]:
        """Every saved query, by name (read now, so new files appear)."""
        return sorted(load_saved_queries(self.project), key=lambda q: q.name)

    def query(self, name: str) -> SavedQuery:
        """The saved query ``name``.

        Raises:
            NoSuchQuery: no such file; the message suggests the closest names.
            InputError: the file has problems.
        """
        names = [path.stem for path in self.project.query_files()]
        if name not in names:
            close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}?" if close else "see /queries/"
            raise NoSuchQuery(f"there is no saved query '{name}'; {hint}")
        path = self.project.queries_dir / f"{name}.rq"
        return read_query(path, file=self.project.rel(path), require_summary=True)

    # -------------------------------------------------------------- the build's words

    def store(self) -> ox.Store | None:
        """The build's embedded store (ids, value sets, suggestions), or None before a build."""
        if self._store is None and has_store(self.project.store_dir):
            self._store = open_store(self.project.store_dir)
        return self._store

    def choices(self, query: SavedQuery) -> dict[str, dict[str, str]]:
        """Parameter → {notation → IRI} for the query's value-set parameters."""
        store = self.store()
        return value_choices(store, query) if store is not None else {}

    def suggestions(self, query: SavedQuery) -> dict[str, list[Suggestion]]:
        """For each id parameter, the ids the graph uses in its place (by label)."""
        store = self.store()
        if store is None:
            return {}
        ids = build_ids(self.project.dist_dir) or {}
        id_of = {iri: key for key, iri in sorted(ids.items(), key=lambda kv: len(kv[0]))}
        choices = self.choices(query)
        found: dict[str, list[Suggestion]] = {}
        for name, predicate in parameter_predicates(query).items():
            if query.params[name].kind != "iri" or name in choices:
                continue
            answer = store.query(
                f"SELECT DISTINCT ?v WHERE {{ ?s <{predicate}> ?v . FILTER(isIRI(?v)) }} "
                f"LIMIT {MAX_SUGGESTIONS}",
                use_default_graph_as_union=True,
            )
            iris = (
                [row["v"].value for row in answer] if isinstance(answer, ox.QuerySolutions) else []
            )
            labels = fetch_labels(iris, self._run_local) if iris else {}
            values = [
                Suggestion(id_of.get(iri, iri), labels.get(iri, id_of.get(iri, iri)))
                for iri in iris
            ]
            found[name] = sorted(values, key=lambda s: s.label.casefold())
        return found

    def _run_local(self, text: str) -> QueryResult:
        from loader.query.local import run_local

        store = self.store()
        assert store is not None
        return run_local(store, text)

    # -------------------------------------------------------------- running

    def bind(self, query: SavedQuery, given: Mapping[str, str]) -> str:
        """The query text with ``given`` bound (the CLI's checks and messages).

        Raises:
            InputError: an unknown parameter, a missing one, or a wrong value (all at once).
        """
        store = self.store()
        return bound_text(query, dict(given), store=store, ids=build_ids(self.project.dist_dir))

    def run(self, query: SavedQuery, given: Mapping[str, str], *, limit: int) -> Answer:
        """Bind, run on the served graph, keep the first ``limit`` rows, name the IRIs.

        Raises:
            InputError: a wrong parameter value (see :meth:`bind`).
            BackendError: the served graph did not answer.
        """
        text = self.bind(query, given)
        try:
            result = self._run_remote(text, query.form)
        except InputError as error:
            raise BackendError(error.problems) from None
        total = len(result.rows) if isinstance(result, Solutions) else 0
        if isinstance(result, Solutions) and total > limit:
            result = Solutions(result.variables, result.rows[:limit])
        return Answer(query, text, result, self.readable(result, query), total)

    def _run_remote(self, text: str, form: str = "SELECT") -> QueryResult:
        return run_remote(self.endpoint, text, form=form, timeout=self.timeout)

    def readable(self, result: QueryResult, query: SavedQuery) -> Readable:
        """Labels of the answer's IRIs and symbols of its units, from the served graph."""
        run = self._run_remote

        def labels_of(iris: set[str], properties: tuple[str, ...]) -> dict[str, str]:
            return fetch_labels(iris, run, properties=properties)

        return readable_answer(result, query.units, labels_of) or Readable()

    def site_page(self, iri: str) -> str | None:
        """The path below ``/site/`` of the thing's page in the built site, if there is one."""
        from loader.publish.site.paths import has_page_iri, page_path

        if not has_page_iri(iri):
            return None
        path = page_path(iri)
        return path if (self.site_dir() / path).is_file() else None

    def site_dir(self) -> Path:
        """Where ``tradekg site`` writes the static site."""
        return self.project.dist_dir / "site"


class BackendError(InputError):
    """The served graph failed to answer (the front answers 502, not 400)."""


def limit_of(text: str | None, default: int) -> int:
    """The ``limit`` a request asks for, checked.

    Raises:
        InputError: not a whole number from 1 to :data:`MAX_ROWS`.
    """
    if text is None or text == "":
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ROWS:
        raise InputError(
            [
                Problem(
                    "bad-limit",
                    f"limit must be a whole number from 1 to {MAX_ROWS:,}, got {text[:40]!r}",
                    hint="ask for fewer rows, or use tradekg query for the whole answer",
                )
            ]
        )
    return int(text)
