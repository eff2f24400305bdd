"""``tradekg fmt``: rewrite ``ontology/*.ttl`` and ``shapes/*.ttl`` as canonical Turtle.

Canonical means the text is a function of the triples (see :mod:`loader.curate.turtle`), so a
diff between two versions shows only real changes. A rewrite is checked before it is written:
the new text must parse to a graph isomorphic to the old one (rdflib's ``isomorphic``), or the
file is left alone and the problem reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from loader.curate.turtle import canonical_turtle
from loader.problems import InputError, Problem, syntax_problem
from loader.project import Project


@dataclass(frozen=True, slots=True)
class FmtResult:
    """One file: its project-relative path and whether its text changes."""

    path: Path
    rel: str
    changed: bool


def read_turtle(path: Path, rel: str) -> tuple[list[ox.Triple], dict[str, str]]:
    """The triples and the declared prefixes of a Turtle file.

    Raises:
        InputError: the file is not valid Turtle or cannot be read.
    """
    try:
        parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in parser]
        return triples, dict(parser.prefixes)
    except SyntaxError as error:
        problem = syntax_problem(error, file=rel)
    except OSError as error:
        problem = Problem(code="unreadable-file", message=str(error), file=rel)
    raise InputError([problem])


def format_text(path: Path, rel: str) -> str:
    """The canonical text of a Turtle file, verified isomorphic to the original.

    Raises:
        InputError: the file is not valid Turtle, or the canonical text would not be
            isomorphic to it (a bug in the writer: the file is left as it is).
    """
    triples, prefixes = read_turtle(path, rel)
    text = canonical_turtle(triples, prefixes)
    if not isomorphic(triples, text):
        raise InputError(
            [
                Problem(
                    code="fmt-not-isomorphic",
                    message="the canonical rewrite would change the graph; the file was left alone",
                    file=rel,
                    hint="please report this with the file: it is a bug in tradekg fmt",
                )
            ]
        )
    return text


def isomorphic(triples: list[ox.Triple], text: str) -> bool:
    """True when ``text`` parses to a graph isomorphic to ``triples`` (blank nodes renamed)."""
    from rdflib import Graph
    from rdflib.compare import isomorphic as rdflib_isomorphic

    before = Graph()
    before.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    after = Graph()
    after.parse(data=text, format="turtle")
    return bool(rdflib_isomorphic(before, after))


def format_files(paths: list[Path], project: Project, *, write: bool) -> list[FmtResult]:
    """Format each file; write the changed ones when ``write`` is true.

    Raises:
        InputError: some files are not valid Turtle or could not be rewritten faithfully
            (all problems together; no file is written when there is one).
    """
    problems: list[Problem] = []
    results: list[tuple[FmtResult, str]] = []
    for path in paths:
        rel = project.rel(path)
        try:
            text = format_text(path, rel)
        except InputError as error:
            problems.extend(error.problems)
            continue
        changed = path.read_text(encoding="utf-8") != text
        results.append((FmtResult(path, rel, changed), text))
    if problems:
        raise InputError(problems)
    if write:
        for result, text in results:
            if result.changed:
                result.path.write_text(text, encoding="utf-8")
    return [result for result, _text in results]


def project_files(project: Project) -> list[Path]:
    """The files ``tradekg fmt`` owns: ``ontology/*.ttl`` and ``shapes/*.ttl``."""
    return [*project.ontology_files(), *project.shape_files()]
