"""``tradekg diff A B``: what changed between two versions of the ontology or the dataset.

A and B are each a Turtle file, an N-Quads/TriG/N-Triples dataset (``dist/tradekg.nq``) or a
folder of ``*.ttl`` files (``ontology/``, or a checkout's ``ontology/``). The report says, in
Markdown, which terms were added, removed and changed (property by property), which triples
were added and removed (per named graph for datasets), and the version bump this implies
under the project's semantic-versioning rule (CHANGELOG.md): removing a term or changing a
domain, range or superclass can break saved queries → major; adding terms → minor; changing
only labels, definitions or comments → patch.

Blank nodes are compared by content: a class expression written again with new blank-node
ids is not a change.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from loader.curate.turtle import TurtleWriter
from loader.namespaces import OWL, PREFIXES, RDF, RDFS, SKOS
from loader.problems import InputError, Problem, syntax_problem

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}
_TERM_TYPES = {
    OWL + "Class",
    RDFS + "Class",
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    OWL + "AnnotationProperty",
    RDFS + "Datatype",
}
#: Changes to these predicates can change query answers: a major version.
BREAKING = {
    RDF + "type",
    RDFS + "domain",
    RDFS + "range",
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
    OWL + "equivalentClass",
    SKOS + "notation",
}

#: (subject, predicate, object, graph) with blank nodes replaced by content hashes.
Row = tuple[str, str, str, str]


@dataclass
class Side:
    """One version: its quads, and the terms it declares (IRI → written description)."""

    label: str
    quads: list[ox.Quad]
    rows: set[Row] = field(default_factory=set)
    #: term IRI → predicate IRI → written objects
    terms: dict[str, dict[str, set[str]]] = field(default_factory=dict)


def read_side(path: Path) -> list[ox.Quad]:
    """Every quad of a file or of every ``*.ttl`` file in a folder.

    Raises:
        InputError: the path does not exist, has an unknown extension or does not parse.
    """
    if path.is_dir():
        files = sorted(path.glob("*.ttl"))
        if not files:
            raise InputError([Problem(code="diff-input", message=f"{path} has no .ttl files")])
    elif path.is_file():
        files = [path]
    else:
        raise InputError([Problem(code="diff-input", message=f"{path} does not exist")])
    quads: list[ox.Quad] = []
    for file in files:
        fmt = _FORMATS.get(file.suffix)
        if fmt is None:
            raise InputError(
                [
                    Problem(
                        code="diff-input",
                        message=f"{file}: unknown format",
                        hint=f"use one of {', '.join(sorted(_FORMATS))} or a folder",
                    )
                ]
            )
        try:
            quads.extend(ox.parse(path=str(file), format=fmt))
        except SyntaxError as error:
            raise InputError([syntax_problem(error, file=str(file))]) from error
    return quads


def _blank_keys(quads: list[ox.Quad]) -> dict[ox.BlankNode, str]:
    """A content hash for every blank node (its outgoing triples, recursively)."""
    out: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            out[q.subject].append(q)
    keys: dict[ox.BlankNode, str] = {}

    def key(node: ox.BlankNode, path: frozenset[ox.BlankNode]) -> str:
        if node in keys:
            return keys[node]
        if node in path:
            return "_:cycle"
        parts = sorted(
            f"{q.predicate.value} "
            + (
                key(q.object, path | {node})
                if isinstance(q.object, ox.BlankNode)
                else str(q.object)
            )
            for q in out[node]
        )
        digest = "_:" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]
        keys[node] = digest
        return digest

    for node in out:
        key(node, frozenset())
    return keys


def _text(term: object, blanks: dict[ox.BlankNode, str]) -> str:
    if isinstance(term, ox.BlankNode):
        return blanks.get(term, "_:" + term.value)
    if isinstance(term, ox.DefaultGraph):
        return ""
    return str(term)


def load(label: str, path: Path) -> Side:
    """Read one side and index its rows and terms.

    Raises:
        InputError: see :func:`read_side`.
    """
    quads = read_side(path)
    blanks = _blank_keys(quads)
    side = Side(label, quads)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    writer = TurtleWriter(triples, {})
    typed: set[str] = set()
    for q in quads:
        side.rows.add(
            (
                _text(q.subject, blanks),
                q.predicate.value,
                _text(q.object, blanks),
                _text(q.graph_name, blanks),
            )
        )
        if (
            q.predicate.value == RDF + "type"
            and isinstance(q.subject, ox.NamedNode)
            and isinstance(q.object, ox.NamedNode)
            and q.object.value in _TERM_TYPES
        ):
            typed.add(q.subject.value)
    for q in quads:
        if isinstance(q.subject, ox.NamedNode) and q.subject.value in typed:
            obj = q.object
            written = writer.term(obj, 0) if not isinstance(obj, ox.Triple) else str(obj)
            side.terms.setdefault(q.subject.value, {}).setdefault(q.predicate.value, set()).add(
                " ".join(written.split())
            )
    return side


@dataclass
class DiffReport:
    """Terms added, removed and changed, and rows added and removed."""

    a: Side
    b: Side
    added_terms: list[str]
    removed_terms: list[str]
    changed_terms: dict[str, list[tuple[str, list[str], list[str]]]]
    added_rows: list[Row]
    removed_rows: list[Row]

    @property
    def bump(self) -> str:
        """The semantic-version bump this change needs: major, minor, patch or none."""
        breaking = any(
            predicate in BREAKING
            for changes in self.changed_terms.values()
            for predicate, _removed, _added in changes
        )
        if self.removed_terms or breaking:
            return "major"
        if self.added_terms:
            return "minor"
        if self.changed_terms or self.added_rows or self.removed_rows:
            return "patch"
        return "none"


def compare(a: Side, b: Side) -> DiffReport:
    """The differences from ``a`` to ``b``."""
    changed: dict[str, list[tuple[str, list[str], list[str]]]] = {}
    for term in sorted(set(a.terms) & set(b.terms)):
        rows = []
        for predicate in sorted(set(a.terms[term]) | set(b.terms[term])):
            before = a.terms[term].get(predicate, set())
            after = b.terms[term].get(predicate, set())
            if before != after:
                rows.append((predicate, sorted(before - after), sorted(after - before)))
        if rows:
            changed[term] = rows
    return DiffReport(
        a,
        b,
        sorted(set(b.terms) - set(a.terms)),
        sorted(set(a.terms) - set(b.terms)),
        changed,
        sorted(b.rows - a.rows),
        sorted(a.rows - b.rows),
    )


def _short(iri: str, writer: TurtleWriter) -> str:
    return writer.iri(iri) if not iri.startswith(("_:", '"')) else iri


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _row_lines(rows: Iterable[Row], writer: TurtleWriter, limit: int) -> list[str]:
    lines: list[str] = []
    by_graph: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_graph[row[3]].append(row)
    for graph, graph_rows in sorted(by_graph.items()):
        lines.append(f"- graph `{graph or 'default'}`: {len(graph_rows)}")
        lines.append("")
        lines.append("  ```")
        for s, p, o, _g in graph_rows[:limit]:
            obj = _short(o[1:-1], writer) if o.startswith("<") else o
            subject = _short(s[1:-1], writer) if s.startswith("<") else s
            lines.append(f"  {subject} {_short(p, writer)} {obj} .")
        if len(graph_rows) > limit:
            lines.append(f"  … {len(graph_rows) - limit} more")
        lines.append("  ```")
    return lines


def to_markdown(report: DiffReport, *, limit: int = 50) -> str:
    """The report as Markdown (for a pull request or a CHANGELOG draft)."""
    writer = TurtleWriter([], PREFIXES)

    def w(iri: str) -> str:
        return f"`{_short(iri, writer)}`"

    out = [
        f"# Diff: {report.a.label} → {report.b.label}",
        "",
        f"Suggested version bump: **{report.bump}** (CHANGELOG.md: a change that can break a "
        "saved query is major).",
        "",
        "| | count |",
        "|---|---|",
        f"| terms added | {len(report.added_terms)} |",
        f"| terms removed | {len(report.removed_terms)} |",
        f"| terms changed | {len(report.changed_terms)} |",
        f"| triples added | {len(report.added_rows)} |",
        f"| triples removed | {len(report.removed_rows)} |",
        "",
        "## Terms added",
        "",
    ]
    out += [f"- {w(t)}" for t in report.added_terms] or ["none"]
    out += ["", "## Terms removed", ""]
    out += [f"- {w(t)}" for t in report.removed_terms] or ["none"]
    out += ["", "## Terms changed", ""]
    if not report.changed_terms:
        out.append("none")
    for term, rows in report.changed_terms.items():
        out += [f"### {w(term)}", "", "| property | removed | added |", "|---|---|---|"]
        for predicate, removed, added in rows:
            out.append(
                f"| {w(predicate)} | {_cell('<br>'.join(removed))} | {_cell('<br>'.join(added))} |"
            )
        out.append("")
    out += ["", "## Triples added", ""]
    out += _row_lines(report.added_rows, writer, limit) or ["none"]
    out += ["", "## Triples removed", ""]
    out += _row_lines(report.removed_rows, writer, limit) or ["none"]
    return "\n".join(out) + "\n"
