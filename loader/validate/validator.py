"""Validate the assembled dataset against shapes/ and say what is wrong in the author's words.

Data shapes check the note graphs, ontology shapes check the ontology graph (the split is by
shapes file name, see :mod:`loader.validate.shapes`). Two engines give the same results:
``fast`` (:mod:`loader.validate.fast_engine`, set-oriented SPARQL on pyoxigraph, the default)
and ``pyshacl`` (:mod:`loader.validate.pyshacl_engine`, the reference). Each result becomes a
:class:`Problem` with the note file, the line of the offending field (or of the statement), the
statement id, the rule's message and the offending value; its code is the rule's ``sh:name``.

``validate(assembled, notes=[…])`` checks only those notes, with the context their rules need
(:mod:`loader.validate.scope`); that is what incremental builds use. The ontology is checked
only when all notes are (it does not change between incremental builds).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from loader.graph.assemble import Assembled
from loader.graph.mapping import MappedNote
from loader.namespaces import shorten
from loader.problems import InputError, Problem, Severity, tally
from loader.validate.results import RawResult, Value
from loader.validate.scope import Scope, data_scope, ontology_scope
from loader.validate.shapes import Rule, ShapeSet, load_shapes

ENGINES = ("fast", "pyshacl")


class ValidationFailed(Exception):
    """The data violates the SHACL shapes; carries the report's problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{tally(problems)} from the shapes")


@dataclass
class ValidationReport:
    """The outcome of one validation run; ``conforms`` is False when any problem is an error."""

    conforms: bool
    problems: list[Problem]
    counts: dict[str, int]
    engine: str
    seconds: float
    results: list[RawResult] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "conforms": self.conforms,
            "engine": self.engine,
            "seconds": round(self.seconds, 3),
            "counts": self.counts,
            "problems": [p.to_json() for p in self.problems],
        }


def validate(
    assembled: Assembled, *, notes: Iterable[str] | None = None, engine: str = "fast"
) -> ValidationReport:
    """Run the shapes over the assembled data (all notes, or only ``notes``).

    ``notes`` names notes by file (as shown, ``data/notes/2025/x.yaml``, or as a path) or by
    note key (``2025/x``).

    Raises:
        ValueError: ``engine`` is not one of :data:`ENGINES`.
        InputError: a name in ``notes`` is no note of the project, or shapes/ cannot be read
            or uses SHACL the fast engine does not compile.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    start = time.perf_counter()
    project = assembled.project
    shapes = load_shapes(project.shape_files(), root=project.root)
    selected = _select(assembled.mapped, notes)
    checked = {m.graph.value for m in selected}
    results = _run(
        shapes.data_rules, shapes.data_files, data_scope(assembled.parts, checked), engine
    )
    if notes is None and shapes.ontology_files:
        results += _run(
            shapes.ontology_rules, shapes.ontology_files, ontology_scope(assembled.parts), engine
        )
    return _report(assembled, shapes, results, engine, start)


def validate_store(assembled: Assembled, store: ox.Store, focus: set[str]) -> ValidationReport:
    """The data shapes over ``store`` (the data in its default graph), with the fast engine,
    reporting results only at ``focus`` (subject IRIs).

    What a build shard uses: its store holds its notes and every graph they refer to,
    loaded from N-Triples bytes in Rust rather than triple by triple from Python, which
    is a superset of the context :mod:`loader.validate.scope` would select.
    """
    from loader.validate import fast_engine

    start = time.perf_counter()
    project = assembled.project
    shapes = load_shapes(project.shape_files(), root=project.root)
    found = fast_engine.run(shapes.data_rules, store) if shapes.data_files else []
    results = [r for r in found if r.focus.kind == "iri" and r.focus.text in focus]
    return _report(assembled, shapes, results, "fast", start)


def _report(
    assembled: Assembled, shapes: ShapeSet, results: list[RawResult], engine: str, start: float
) -> ValidationReport:
    results.sort()
    rules = {r.iri: r for r in shapes.data_rules + shapes.ontology_rules}
    problems = _Explainer(assembled, rules).problems(results)
    counts = Counter(p.severity.value for p in problems)
    return ValidationReport(
        conforms=not any(p.severity is Severity.ERROR for p in problems),
        problems=problems,
        counts={s.value: counts.get(s.value, 0) for s in Severity},
        engine=engine,
        seconds=time.perf_counter() - start,
        results=results,
    )


def _run(rules: list[Rule], files: list[Path], scope: Scope, engine: str) -> list[RawResult]:
    if not files:
        return []
    if engine == "fast":
        from loader.validate import fast_engine

        found = fast_engine.run(rules, fast_engine.make_store(scope.triples))
    else:
        from loader.validate import pyshacl_engine

        found = pyshacl_engine.run(files, pyshacl_engine.to_rdflib(scope.triples))
    return [r for r in found if r.focus.kind == "iri" and r.focus.text in scope.focus]


def _select(mapped: list[MappedNote], names: Iterable[str] | None) -> list[MappedNote]:
    """The notes named by file, key or path; one index, so selecting is linear in notes."""
    if names is None:
        return mapped
    index: dict[str, MappedNote] = {}
    for item in mapped:
        index.setdefault(item.note.file, item)
        index.setdefault(item.note.key, item)
    selected: dict[int, MappedNote] = {}
    problems: list[Problem] = []
    resolved: dict[Path, MappedNote] | None = None
    for name in names:
        found = index.get(name)
        if found is None:
            if resolved is None:  # only for names given as other paths (the CLI's --note)
                resolved = {m.note.path.resolve(): m for m in mapped}
            try:
                found = resolved.get(Path(name).resolve())
            except OSError:
                found = None
        if found is None:
            problems.append(
                Problem(
                    code="unknown-note",
                    message=f"'{name}' is not a note of the project",
                    file=name,
                    hint="give the path of a .yaml file under data/notes/",
                )
            )
            continue
        selected.setdefault(id(found), found)
    if problems:
        raise InputError(problems)
    return list(selected.values())


class _Explainer:
    """Turns raw results into problems that point at note files, lines and statement ids."""

    def __init__(self, assembled: Assembled, rules: dict[str, Rule]) -> None:
        self.assembled = assembled
        self.rules = rules
        self.subjects: dict[str, tuple[MappedNote, int, str]] = {}
        self.field_lines: dict[tuple[str, str], int] = {}
        for mapped in assembled.mapped:
            self.subjects[mapped.graph.value] = (mapped, 1, "note")
            for iri, (line, shown) in mapped.subjects.items():
                self.subjects[iri] = (mapped, line, shown)
            self.field_lines.update(mapped.field_lines)
        self.names: dict[str, str] = {e.iri: key for key, e in assembled.registry.by_id.items()}
        for members in assembled.vocabulary.values.values():
            for member in members.values():
                self.names[member.iri] = member.notation

    def problems(self, results: list[RawResult]) -> list[Problem]:
        return [self.problem(r) for r in results]

    def problem(self, result: RawResult) -> Problem:
        rule = self.rules.get(result.rule)
        code = rule.name if rule else shorten(result.rule)
        message = rule.message if rule else "the data violates a shape"
        severity = rule.severity if rule else Severity.ERROR
        shown = result.value is not None and result.value != result.focus
        value = self.show(result.value) if shown and result.value is not None else None
        focus = result.focus.text
        where = self.subjects.get(focus)
        if where is None:
            file, line = self.ontology_location(focus)
            statement = shorten(focus)
        else:
            mapped, line, statement = where
            file = mapped.note.file
            line = self.field_lines.get((focus, result.path or ""), line)
        text = f"'{statement}': {message}"
        if value is not None:
            text += f" (found: {value})"
        return Problem(
            code=code,
            message=text,
            file=file,
            line=line,
            severity=severity,
            statement=statement,
            value=value,
        )

    def show(self, value: Value) -> str:
        if value.kind == "iri":
            return self.names.get(value.text) or shorten(value.text)
        return value.text

    def ontology_location(self, iri: str) -> tuple[str | None, int | None]:
        """The ontology file and line that declare a term (first line starting with its name)."""
        project = self.assembled.project
        names = (shorten(iri) + " ", f"<{iri}> ")
        for path in project.ontology_files():
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            for number, text in enumerate(lines, start=1):
                if text.startswith(names):
                    return project.rel(path), number
        files = project.ontology_files()
        return (project.rel(files[0]) if files else None), None


def rule_set(assembled: Assembled) -> ShapeSet:
    """The project's shapes, read as rules (for tools that list or document them)."""
    return load_shapes(assembled.project.shape_files(), root=assembled.project.root)
