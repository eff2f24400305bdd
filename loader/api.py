"""The library API: what ``tradekg`` does, as functions a notebook or a script can call.

Each function takes a :class:`~loader.project.Project` (see :func:`open_project`), keyword-only
options with the CLI's defaults, and returns the same objects the commands print. Problems in
the input raise :class:`~loader.problems.InputError` with every problem at once, each with
file, line and a hint — the CLI prints exactly these.

A session in the project folder (the examples run as tests in a copy of this repository):

>>> from loader.api import build, open_project, run_query, validate
>>> project = open_project(".")
>>> result = build(project)
>>> result.counts["tariff measures"]
12

Validate with the fast engine (``engine="pyshacl"`` is the reference):

>>> report = validate(project)
>>> report.conforms, report.counts["error"]
(True, 0)

Run a saved query with parameters as notes write them; a row maps each variable to a
pyoxigraph term (or None where it is unbound):

>>> rows = run_query(project, "tariffs-at-or-above-rate", imposer="USA", rate="19")
>>> sorted({row["target"].value.rsplit("/", 1)[1] for row in rows})
['GBR', 'KHM', 'MYS', 'THA', 'VNM']
>>> len(run_query(project, "agreements-by-stage", stage="announced"))
2

A wrong value is refused with what was expected, as on the command line:

>>> from loader.problems import InputError
>>> try:
...     run_query(project, "tariffs-at-or-above-rate", rate="high")
... except InputError as error:
...     print(error.problems[0].message)
parameter 'rate' (decimal): 'high' is not a decimal number such as 19.5

Everything the graph says about one thing, in words, with each claim's source and quote:

>>> from loader.api import show
>>> malaysia = show(project, "MYS")
>>> tariffs = next(g for g in malaysia.groups if g.kind == "Tariff measure")
>>> tariffs.mentions[0].thing.text
'US 19% tariff on exports from Malaysia, maintained (2025)'
>>> tariffs.mentions[0].provenance.quotes[0][:60]
'Under these arrangements, Washington maintained a 19% tariff'

The graph as flat tables, one per kind of thing, as pandas data frames (``pip install
'tradekg[tables]'``); rates and amounts are numbers, dates stay at their precision:

>>> from loader.api import query_frame, table, tables
>>> frames = tables(project)
>>> len(frames["tariff-measures"]) == result.counts["tariff measures"]
True
>>> measures = table(project, "tariff-measures").set_index("id")
>>> row = measures.loc["us-tariff-mys-19-2025-10"]
>>> row.imposed_by_id, row.applies_to_label, float(row.rate), row.rate_unit, measures.rate.dtype
('USA', 'Malaysia', 19.0, 'percent', dtype('float64'))
>>> parties = table(project, "agreement-party")
>>> sorted(parties[parties.agreement_id == "us-mys-reciprocal-trade-2025"].party_id)
['MYS', 'USA']

A saved query's answer as a data frame: each IRI column with its ``_label`` beside it, numbers
as numbers:

>>> answer = query_frame(project, "tariffs-at-or-above-rate", imposer="USA", rate="19")
>>> malaysia_row = answer[answer.target_label == "Malaysia"]
>>> malaysia_row[["rate", "rate_unit", "status_label"]].values.tolist()
[[19, 'percent', 'maintained']]

Load the build into a real triplestore (here a local Oxigraph server) and verify it:

>>> from loader.api import load
>>> from loader.store import running_server
>>> with running_server() as server:
...     report = load(project, endpoint=server.url, store="oxigraph")
>>> report.ok, report.graphs == len(result.graphs)
(True, True)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from loader.project import Project

if TYPE_CHECKING:
    import pandas as pd
    import pyoxigraph as ox

    from loader.build import BuildResult
    from loader.publish.tables.model import Table
    from loader.query.describe import Description
    from loader.query.result import Solutions, Term
    from loader.query.saved import SavedQuery
    from loader.store import LoadReport
    from loader.validate import ValidationReport

__all__ = [
    "build",
    "load",
    "open_project",
    "query_frame",
    "run_query",
    "show",
    "table",
    "tables",
    "validate",
]

#: One answer row: variable name (without ``?``) → term, or None where it is unbound.
Row = dict[str, "Term | None"]


def open_project(root: str | Path = ".") -> Project:
    """The project whose ``ontology/``, ``data/``, ``shapes/`` and ``queries/`` are in ``root``.

    Raises:
        InputError: ``root`` is not a tradekg project.
    """
    return Project.at(Path(root))


def build(project: Project, *, full: bool = False, strict: bool = False) -> BuildResult:
    """Read, check, validate and write ``dist/``; redo only changed notes unless ``full``.

    Every evidence quote is proved against the archived source text (``project.sources()``);
    ``strict`` makes a note whose text is not archived an error rather than a warning.

    Raises:
        InputError: the ontology, reference data or a note has a problem, or a quote is not
            in its source text (nothing written).
        ValidationFailed: the data violates the shapes (nothing written).
    """
    from loader.build import build as run_build

    return run_build(project, use_cache=not full, strict=strict)


def validate(
    project: Project, *, notes: list[str] | None = None, engine: str = "fast"
) -> ValidationReport:
    """Validate every note (or only ``notes``, by file or key) against ``shapes/``.

    Raises:
        InputError: the input cannot be read, or a name in ``notes`` is no note.
        ValueError: ``engine`` is neither ``"fast"`` nor ``"pyshacl"``.
    """
    from loader.graph import assemble
    from loader.validate import validate as run_validation

    return run_validation(assemble(project), notes=notes, engine=engine)


def run_query(project: Project, name: str, /, **params: str) -> list[Row]:
    """Run the saved query ``queries/NAME.rq`` on the embedded store built by :func:`build`.

    Parameters are given as on the command line (``imposer="USA"``, ``rate="19"``,
    ``stage="announced"``); they are checked against their declared types and bound as RDF
    terms, never pasted into the text.

    Raises:
        InputError: no such saved query, a parameter is unknown or has a wrong value, or
            there is no build yet.
    """
    _, _, _, result = _select(project, name, params, needs="run_query returns SELECT rows")
    return [dict(zip(result.variables, row, strict=True)) for row in result.rows]


def _select(
    project: Project, name: str, params: dict[str, str], *, needs: str
) -> tuple[SavedQuery, ox.Store, str, Solutions]:
    """Bind and run a saved SELECT query on the embedded store: the query, the store, the
    bound text and the rows (``needs`` says, in a TypeError, why rows are needed)."""
    from loader.query import find_saved_query, open_store, run_local
    from loader.query.params import build_ids
    from loader.query.result import Solutions
    from loader.query.values import bound_text, name_lookup

    query = find_saved_query(project, name)
    store = open_store(project.store_dir)
    ids = build_ids(project.dist_dir)
    names = name_lookup(store, project.dist_dir)
    text = bound_text(query, params, store=store, ids=ids, names=names)
    result = run_local(store, text, file=query.file)
    if not isinstance(result, Solutions):
        raise TypeError(f"{name} is a {query.form} query; {needs}")
    return query, store, text, result


def show(project: Project, thing: str, /, *, limit: int | None = 25) -> Description:
    """Everything the built graph says about ``thing`` (an id as notes write it, an IRI or a
    label): its facts, the notes, sources, status words and quotes behind them, and what
    points at it, the first ``limit`` per group (None for all).

    Raises:
        InputError: there is no build, nothing is called ``thing`` (with the closest ids),
            or ``thing`` is the label of several things.
    """
    from loader.query import open_store
    from loader.query.describe import describe, resolve_id

    store = open_store(project.store_dir)
    return describe(store, resolve_id(store, thing, project.dist_dir), limit=limit)


def load(
    project: Project,
    *,
    endpoint: str,
    store: str = "oxigraph",
    prune: bool = False,
    chunk_triples: int | None = None,
) -> LoadReport:
    """Load ``dist/`` into the triplestore at ``endpoint`` (its base URL), then verify counts.

    Credentials come from ``TRADEKG_USER`` / ``TRADEKG_PASSWORD`` or ``~/.netrc``.

    Raises:
        InputError: there is no build, or ``dist/`` is damaged.
        ProfileError: ``store`` is not a known kind of store, or ``endpoint`` is no base URL.
        LoadFailed: a request failed after its retries (a re-run completes the load).
    """
    from loader.store import StoreClient, load_dataset, profile_for, read_dist
    from loader.store.credentials import resolve_credentials
    from loader.store.dist import index_dataset
    from loader.store.load import DEFAULT_CHUNK_TRIPLES

    index = index_dataset(read_dist(project.dist_dir))
    clean, credentials = resolve_credentials(endpoint)
    with StoreClient(profile_for(store, clean), credentials=credentials) as client:
        return load_dataset(
            index, client, chunk_triples=chunk_triples or DEFAULT_CHUNK_TRIPLES, prune=prune
        )


def tables(project: Project) -> dict[str, pd.DataFrame]:
    """Every table ``tradekg export`` writes, by name, as data frames (needs pandas).

    Read from the built store, not from an export: one row per thing, typed columns
    (``float64`` numbers, ``Int64`` whole numbers, text for dates at their precision).

    Raises:
        InputError: there is no build, or pandas is not installed
            (``pip install 'tradekg[tables]'``).
    """
    from loader.publish.tables.frames import table_frame
    from loader.publish.tables.write import require

    require("pandas", "a data frame")
    return {t.name: table_frame(t) for t in _read_tables(project)}


def table(project: Project, name: str, /) -> pd.DataFrame:
    """One table of :func:`tables` (``"tariff-measures"``, ``"agreement-party"`` …).

    Raises:
        InputError: there is no build, no table is called ``name`` (with the closest names),
            or pandas is not installed.
    """
    import difflib

    from loader.problems import InputError, Problem
    from loader.publish.tables.frames import table_frame
    from loader.publish.tables.write import require

    require("pandas", "a data frame")
    found = {t.name: t for t in _read_tables(project)}
    if name not in found:
        close = difflib.get_close_matches(name, list(found), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else f"one of: {', '.join(found)}"
        raise InputError([Problem("unknown-table", f"there is no table '{name}'", hint=hint)])
    return table_frame(found[name])


def query_frame(project: Project, name: str, /, **params: str) -> pd.DataFrame:
    """A saved query's answer as a data frame: a column per variable, IRIs with their labels.

    An IRI column keeps the IRI and gets ``<column>_label`` beside it, a number with a
    declared unit gets ``<column>_unit`` — the columns of ``/api/NAME`` in ``tradekg serve``.

    Raises:
        InputError: as :func:`run_query`, or pandas is not installed.
    """

    from loader.publish.tables.frames import rows_frame
    from loader.publish.tables.write import require
    from loader.query.labels import readable_answer, store_labels
    from loader.query.output import Readable
    from loader.web.api import rows_json
    from loader.web.service import Answer

    require("pandas", "a data frame")
    query, store, text, result = _select(project, name, params, needs="query_frame needs rows")

    def labels_of(iris: set[str], properties: tuple[str, ...]) -> dict[str, str]:
        return store_labels(store, iris, properties=properties)

    readable = readable_answer(result, query.units, labels_of) or Readable()
    answer = rows_json(Answer(query, text, result, readable, len(result.rows)))
    columns = answer["columns"]
    rows = answer["rows"]
    assert isinstance(columns, list) and isinstance(rows, list)
    return rows_frame(columns, rows)


def _read_tables(project: Project) -> list[Table]:
    from loader.publish.tables.model import read_tables
    from loader.query import open_store
    from loader.query.params import build_ids

    return read_tables(open_store(project.store_dir), build_ids(project.dist_dir))
