"""``tradekg check``: run the quality-control checks over the assembled dataset.

The dataset (ontology, reference data, one graph per note) is assembled in memory exactly as
``tradekg build`` does, then two kinds of extra graph are added so that plain SPARQL checks
can see shapes and queries too:

- ``graph/qc/shapes/<file>`` — each ``shapes/*.ttl`` file's triples;
- ``graph/qc/mentions/<file>`` — for each shapes and query file, one triple
  ``<urn:tradekg:qc:file:<file>> qc:mentions <iri>`` per IRI it mentions (queries are text:
  :mod:`loader.curate.usage` tokenizes them).

Every ``qc/*.rq`` check then runs on an in-memory pyoxigraph store (default graph = union of
the named graphs), and the OWL reasoner (:mod:`loader.curate.reasoner`) checks consistency and
satisfiability. Each finding points back at a file and, where known, a line.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from loader.curate.checks import Check, load_checks
from loader.curate.usage import declaration_lines, file_mentions
from loader.graph.assemble import Assembled, assemble
from loader.graph.parts import store_quads
from loader.namespaces import GRAPH, ONTOLOGY_GRAPH, shorten
from loader.problems import InputError, Problem, Severity, syntax_problem
from loader.project import Project

QC_GRAPH = GRAPH + "qc/"
SHAPES_GRAPH_PREFIX = QC_GRAPH + "shapes/"
MENTIONS_GRAPH_PREFIX = QC_GRAPH + "mentions/"
MENTIONS = ox.NamedNode("https://w3id.org/tradekg/qc#mentions")
FILE_PREFIX = "urn:tradekg:qc:file:"


@dataclass(frozen=True, slots=True)
class Finding:
    """One row of a check's answer: which entity, which property, which value, and where."""

    check: str
    level: Severity
    entity: str
    property: str | None = None
    value: str | None = None
    file: str | None = None
    line: int | None = None

    def where(self) -> str:
        if self.file is None:
            return "-"
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass
class QcReport:
    """The findings of every check that ran, and how long each stage took."""

    checks: list[Check]
    findings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def count(self, level: Severity) -> int:
        return sum(1 for f in self.findings if f.level is level)

    @property
    def has_errors(self) -> bool:
        return self.count(Severity.ERROR) > 0


@dataclass
class _Locator:
    """Finds the file and line a finding is about, from graph IRIs and token positions."""

    graph_files: dict[str, str] = field(default_factory=dict)
    #: file → IRI → first line that mentions it (as subject, predicate or object)
    lines: dict[str, dict[str, int]] = field(default_factory=dict)
    #: IRI → (ontology file, line) of its description
    declared: dict[str, tuple[str, int]] = field(default_factory=dict)

    def locate(self, entity: str, graph: str | None) -> tuple[str | None, int | None]:
        if graph is None or graph == ONTOLOGY_GRAPH.value:
            if entity in self.declared:
                return self.declared[entity]
            if graph is None:
                return None, None
        file = self.graph_files.get(graph) if graph is not None else None
        if file is None:
            return (graph and shorten(graph)), None
        return file, self.lines.get(file, {}).get(entity)


def _add_file_graphs(store: ox.Store, project: Project, locator: _Locator) -> None:
    """Load shapes and the mentions of shapes and queries into their qc graphs.

    Raises:
        InputError: a shapes file is not valid Turtle.
    """
    problems: list[Problem] = []
    for path in project.shape_files():
        rel = project.rel(path)
        graph = ox.NamedNode(SHAPES_GRAPH_PREFIX + rel)
        try:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        except SyntaxError as error:
            problems.append(syntax_problem(error, file=rel))
            continue
        locator.graph_files[graph.value] = rel
    for path in [*project.shape_files(), *project.query_files()]:
        rel = project.rel(path)
        found = file_mentions(path)
        graph = ox.NamedNode(MENTIONS_GRAPH_PREFIX + rel)
        subject = ox.NamedNode(FILE_PREFIX + rel)
        store.extend(
            ox.Quad(subject, MENTIONS, ox.NamedNode(m.iri), graph) for m in found if _is_iri(m.iri)
        )
        locator.graph_files[graph.value] = rel
        locator.lines[rel] = {m.iri: m.line for m in found}
    if problems:
        raise InputError(problems)


def _is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return ":" in text


def _note_lines(assembled: Assembled, locator: _Locator) -> None:
    for mapped in assembled.mapped:
        file = mapped.note.file
        locator.graph_files[mapped.graph.value] = file
        lines: dict[str, int] = {}
        for iri, (line, _id) in mapped.subjects.items():
            lines.setdefault(iri, line)
        for (_subject, predicate), line in sorted(mapped.field_lines.items(), key=lambda i: i[1]):
            lines.setdefault(predicate, line)
        locator.lines[file] = lines


def _ontology_lines(project: Project, locator: _Locator) -> None:
    for path in project.ontology_files():
        rel = project.rel(path)
        for iri, line in declaration_lines(path).items():
            locator.declared.setdefault(iri, (rel, line))
        locator.lines[rel] = {m.iri: m.line for m in file_mentions(path)}


def _term_text(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _run_query(store: ox.Store, check: Check, locator: _Locator) -> list[Finding]:
    """The findings of one SPARQL check.

    Raises:
        InputError: the check's query is not valid SPARQL or does not return ``?entity``.
    """
    assert check.query is not None and check.level is not None
    try:
        solutions = store.query(check.query, use_default_graph_as_union=True)
    except SyntaxError as error:
        raise InputError(
            [
                Problem(
                    code="qc-query",
                    message=f"the check is not valid SPARQL: {error}",
                    file=check.source,
                    hint="fix the query; every check is a SELECT of ?entity ?property ?value",
                )
            ]
        ) from error
    if not isinstance(solutions, ox.QuerySolutions):
        raise InputError(
            [Problem(code="qc-query", message="the check is not a SELECT query", file=check.source)]
        )
    names = {v.value for v in solutions.variables}
    if "entity" not in names:
        raise InputError(
            [Problem(code="qc-query", message="the check selects no ?entity", file=check.source)]
        )
    findings: list[Finding] = []
    for solution in solutions:
        entity = _term_text(solution["entity"])
        if entity is None:
            continue
        graph = _term_text(solution["graph"]) if "graph" in names else None
        file, line = locator.locate(entity, graph)
        findings.append(
            Finding(
                check=check.name,
                level=check.level,
                entity=entity,
                property=_term_text(solution["property"]) if "property" in names else None,
                value=_term_text(solution["value"]) if "value" in names else None,
                file=file,
                line=line,
            )
        )
    return findings


def _reasoner_findings(
    assembled: Assembled, checks: dict[str, Check], locator: _Locator
) -> list[Finding]:
    """Consistency of the ontology, then of ontology + notes, and unsatisfiable classes."""
    from loader.curate.reasoner import ReasonerUnavailable, inconsistent_groups, reason

    tbox = assembled.vocabulary.triples
    ontology_files = ",".join(assembled.project.rel(p) for p in assembled.project.ontology_files())
    findings: list[Finding] = []

    def finding(
        name: str,
        entity: str,
        *,
        value: str | None = None,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        check = checks.get(name)
        if check is not None and check.level is not None:
            prop = "owl:equivalentClass" if name == "unsatisfiable-class" else None
            findings.append(Finding(name, check.level, entity, prop, value, file, line))

    try:
        tbox_result = reason(tbox)
        if not tbox_result.consistent:
            finding("inconsistent-ontology", "ontology", file=ontology_files)
            return findings
        for iri in tbox_result.unsatisfiable:
            file, line = locator.locate(iri, None)
            finding("unsatisfiable-class", iri, value="owl:Nothing", file=file, line=line)
        groups = {m.note.file: m.triples for m in assembled.mapped}
        if groups and not reason([*tbox, *(t for g in groups.values() for t in g)]).consistent:
            for culprits in inconsistent_groups(tbox, groups):
                finding("inconsistent-data", ", ".join(culprits), file=culprits[0])
    except ReasonerUnavailable as error:
        finding("reasoner-unavailable", "OWL reasoner (HermiT)", value=str(error))
    return findings


def run_checks(
    project: Project,
    *,
    reasoner: bool = True,
    profile: Path | None = None,
    only: Iterable[str] = (),
) -> QcReport:
    """Assemble the project and run every check that is not switched off.

    ``only`` restricts the run to the named checks (all when empty).

    Raises:
        InputError: the notes, ontology, shapes, checks or profile have problems that stop
            the dataset from being assembled or a check from running.
    """
    timings: dict[str, float] = {}
    start = time.perf_counter()
    checks = load_checks(project.root / "qc", root=project.root, profile=profile)
    wanted = set(only)
    unknown = wanted - {c.name for c in checks}
    if unknown:
        raise InputError(
            [
                Problem(code="qc-unknown-check", message=f"there is no check '{name}'")
                for name in sorted(unknown)
            ]
        )
    active = [c for c in checks if c.level is not None and (not wanted or c.name in wanted)]
    assembled = assemble(project)
    store = store_quads(assembled.parts)
    locator = _Locator(graph_files={ONTOLOGY_GRAPH.value: "ontology/"})
    _ontology_lines(project, locator)
    _note_lines(assembled, locator)
    _add_file_graphs(store, project, locator)
    timings["assemble"] = time.perf_counter() - start

    report = QcReport(checks=active, timings=timings)
    start = time.perf_counter()
    for check in active:
        if check.query is not None:
            report.findings.extend(_run_query(store, check, locator))
    timings["sparql checks"] = time.perf_counter() - start

    by_name = {c.name: c for c in active}
    reasoner_names = {"inconsistent-ontology", "inconsistent-data", "unsatisfiable-class"}
    start = time.perf_counter()
    if reasoner_names & set(by_name):
        by_name.setdefault("reasoner-unavailable", _builtin("reasoner-unavailable"))
        if reasoner:
            report.findings.extend(_reasoner_findings(assembled, by_name, locator))
        elif "reasoner-skipped" in by_name:
            skipped = by_name["reasoner-skipped"]
            assert skipped.level is not None
            report.findings.append(Finding("reasoner-skipped", skipped.level, "OWL reasoner"))
    timings["reasoner"] = time.perf_counter() - start
    report.findings.sort(
        key=lambda f: (list(Severity).index(f.level), f.check, f.file or "", f.line or 0, f.entity)
    )
    return report


def _builtin(name: str) -> Check:
    from loader.curate.checks import BUILTIN_CHECKS

    return next(c for c in BUILTIN_CHECKS if c.name == name)
