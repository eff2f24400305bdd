"""Read shapes/*.ttl into rules: one reportable rule per shape, with its targets and constraints.

The report speaks in rules, not in SHACL constraint components: every property shape (and
every node shape with a SPARQL constraint) is one rule with a stable ``sh:name`` (the problem
code), an ``sh:message`` and an ``sh:severity``. Both engines (``loader.validate.fast_engine`` and
``loader.validate.pyshacl_engine``) report results against these rules, so their output can be
compared result for result and turned into the same problems.

Which graph a shapes file checks is decided by its name: a file whose name starts with
``ontology`` (``shapes/ontology-shapes.ttl``) checks the ontology graph only; every other file
checks the note graphs only. The files themselves stay plain SHACL that any engine can run.

Only the SHACL subset the fast engine compiles is accepted; anything else raises
:class:`InputError` (code ``unsupported-shape``) instead of being skipped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from loader.namespaces import RDF, SH
from loader.problems import InputError, Problem, Severity, relative, syntax_problem

#: Constraint parameters of a property shape that the fast engine compiles.
VALUE_PARAMETERS = (
    "minCount",
    "maxCount",
    "datatype",
    "class",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "pattern",
    "lessThanOrEquals",
    "node",
)
#: Parameters that describe a shape rather than constrain it.
_DESCRIPTIVE = {"name", "message", "severity", "path", "description", "order", "group", "flags"}
_TARGETS = {"targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode"}
_SEVERITIES = {
    SH + "Violation": Severity.ERROR,
    SH + "Warning": Severity.WARNING,
    SH + "Info": Severity.INFO,
}


@dataclass(frozen=True, slots=True)
class Target:
    """One target declaration: ``kind`` is a local name of SHACL (``targetClass`` …)."""

    kind: str
    term: ox.NamedNode | ox.Literal


@dataclass(frozen=True, slots=True)
class Constraint:
    """One constraint parameter: ``minCount 1``, ``datatype xsd:decimal``, ``datatypeIn (…)``."""

    kind: str
    value: ox.NamedNode | ox.Literal | tuple[ox.NamedNode, ...]


@dataclass
class Rule:
    """One reportable shape: what the user is told, where it applies and what it checks."""

    iri: str
    name: str
    message: str
    severity: Severity
    file: str
    targets: list[Target] = field(default_factory=list)
    #: SPARQL property path of a property shape (None for a SPARQL rule)
    path: str | None = None
    #: the predicate when the path is one predicate: used to find the line of the field
    predicate: str | None = None
    constraints: list[Constraint] = field(default_factory=list)
    #: SELECT queries of a SPARQL rule, prefixes prepended
    sparql: list[str] = field(default_factory=list)


@dataclass
class ShapeSet:
    """The rules for note data and the rules for the ontology, and the files they came from."""

    data_rules: list[Rule]
    ontology_rules: list[Rule]
    data_files: list[Path]
    ontology_files: list[Path]


def is_ontology_shapes(path: Path) -> bool:
    """The file-name convention that keeps ontology shapes off note data and vice versa."""
    return path.name.startswith("ontology")


def load_shapes(files: Iterable[Path], *, root: Path) -> ShapeSet:
    """Parse every shapes file; raise :class:`InputError` on syntax errors or unsupported SHACL."""
    data_files = [f for f in files if not is_ontology_shapes(f)]
    ontology_files = [f for f in files if is_ontology_shapes(f)]
    problems: list[Problem] = []
    data_rules = _rules_of(data_files, root, problems)
    ontology_rules = _rules_of(ontology_files, root, problems)
    if problems:
        raise InputError(problems)
    return ShapeSet(data_rules, ontology_rules, data_files, ontology_files)


def _rules_of(files: list[Path], root: Path, problems: list[Problem]) -> list[Rule]:
    rules: list[Rule] = []
    for path in files:
        shown = relative(path, root)
        store = ox.Store()
        try:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        except SyntaxError as error:
            problems.append(syntax_problem(error, file=shown, code="shapes-syntax"))
            continue
        except OSError as error:
            problems.append(Problem(code="shapes-syntax", message=str(error), file=shown))
            continue
        reader = _ShapesReader(store, shown)
        try:
            rules.extend(reader.rules())
        except _Unsupported as error:
            problems.append(
                Problem(
                    code="unsupported-shape",
                    message=str(error),
                    file=shown,
                    hint="the fast engine compiles a SHACL-core subset (see loader/shapes.py); "
                    "rewrite the shape with it or extend the compiler",
                )
            )
    return rules


class _Unsupported(Exception):
    """A shape uses SHACL the fast engine does not compile."""


Node = ox.NamedNode | ox.BlankNode


def _sh(local: str) -> ox.NamedNode:
    return ox.NamedNode(SH + local)


class _ShapesReader:
    """Walks one shapes graph from its node shapes to their rules."""

    def __init__(self, store: ox.Store, file: str) -> None:
        self.store = store
        self.file = file

    def objects(self, subject: Node, local: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        found = [q.object for q in self.store.quads_for_pattern(subject, _sh(local), None)]
        return [o for o in found if isinstance(o, ox.NamedNode | ox.BlankNode | ox.Literal)]

    def one(self, subject: Node, local: str) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        values = self.objects(subject, local)
        if len(values) > 1:
            raise _Unsupported(f"{_show(subject)} has several sh:{local}")
        return values[0] if values else None

    def node_shapes(self) -> list[Node]:
        shapes: dict[str, Node] = {}
        for local in _TARGETS:
            for quad in self.store.quads_for_pattern(None, _sh(local), None):
                if isinstance(quad.subject, ox.NamedNode | ox.BlankNode):
                    shapes[str(quad.subject)] = quad.subject
        return [shapes[k] for k in sorted(shapes)]

    def rules(self) -> Iterator[Rule]:
        by_iri: dict[str, Rule] = {}
        for shape in self.node_shapes():
            if self._deactivated(shape):
                continue
            targets = self._targets(shape)
            for prop in self.objects(shape, "property"):
                if not isinstance(prop, ox.NamedNode):
                    raise _Unsupported(f"a property shape of {_show(shape)} has no IRI")
                if self._deactivated(prop):
                    continue
                rule = by_iri.get(prop.value) or self._property_rule(prop)
                rule.targets.extend(targets)
                by_iri[prop.value] = rule
            queries = [self._select(c) for c in self.objects(shape, "sparql")]
            if queries:
                if not isinstance(shape, ox.NamedNode):
                    raise _Unsupported("a node shape with sh:sparql has no IRI")
                rule = self._describe(shape)
                rule.targets.extend(targets)
                rule.sparql = queries
                by_iri[shape.value] = rule
            self._check_node_level(shape)
        yield from by_iri.values()

    def _deactivated(self, shape: Node) -> bool:
        flag = self.one(shape, "deactivated")
        return isinstance(flag, ox.Literal) and flag.value == "true"

    def _targets(self, shape: Node) -> list[Target]:
        targets: list[Target] = []
        for local in sorted(_TARGETS):
            for term in self.objects(shape, local):
                if isinstance(term, ox.BlankNode):
                    raise _Unsupported(f"{_show(shape)}: sh:{local} with a blank node")
                targets.append(Target(local, term))
        return targets

    def _check_node_level(self, shape: Node) -> None:
        allowed = _DESCRIPTIVE | _TARGETS | {"property", "sparql", "deactivated", "declare"}
        for quad in self.store.quads_for_pattern(shape, None, None):
            predicate = quad.predicate.value
            if predicate.startswith(SH) and predicate[len(SH) :] not in allowed:
                raise _Unsupported(
                    f"{_show(shape)}: node-level sh:{predicate[len(SH) :]} is not compiled; "
                    "put the constraint in a property shape"
                )

    def _describe(self, shape: ox.NamedNode) -> Rule:
        name = self.one(shape, "name")
        message = self.one(shape, "message")
        severity = self.one(shape, "severity")
        if not isinstance(name, ox.Literal) or not isinstance(message, ox.Literal):
            raise _Unsupported(f"{_show(shape)} needs an sh:name and an sh:message")
        level = _SEVERITIES.get(severity.value) if isinstance(severity, ox.NamedNode) else None
        if level is None:
            raise _Unsupported(f"{_show(shape)} needs sh:severity sh:Violation, Warning or Info")
        return Rule(shape.value, name.value, message.value, level, self.file)

    def _property_rule(self, prop: ox.NamedNode) -> Rule:
        rule = self._describe(prop)
        path = self.one(prop, "path")
        if path is None or isinstance(path, ox.Literal):
            raise _Unsupported(f"{_show(prop)} has no sh:path")
        rule.path = self._path(path)
        rule.predicate = path.value if isinstance(path, ox.NamedNode) else None
        for quad in self.store.quads_for_pattern(prop, None, None):
            predicate = quad.predicate.value
            if not predicate.startswith(SH):
                continue
            local = predicate[len(SH) :]
            if local in _DESCRIPTIVE or local == "deactivated":
                continue
            if local not in VALUE_PARAMETERS:
                raise _Unsupported(f"{_show(prop)}: sh:{local} is not compiled")
            rule.constraints.append(self._constraint(prop, local, quad.object))
        if local_flags := self.one(prop, "flags"):
            rule.constraints.append(Constraint("flags", _literal(local_flags, prop)))
        return rule

    def _constraint(self, prop: ox.NamedNode, local: str, value: object) -> Constraint:
        if local == "node":
            return Constraint("datatypeIn", self._datatype_union(prop, value))
        if isinstance(value, ox.NamedNode | ox.Literal):
            return Constraint(local, value)
        raise _Unsupported(f"{_show(prop)}: sh:{local} must be an IRI or a literal")

    def _datatype_union(self, prop: ox.NamedNode, node: object) -> tuple[ox.NamedNode, ...]:
        """``sh:node`` is compiled only for a shape that is an ``sh:or`` of ``sh:datatype``s."""
        unsupported = _Unsupported(
            f"{_show(prop)}: sh:node is compiled only for a shape whose one constraint is "
            "sh:or of shapes with one sh:datatype each"
        )
        if not isinstance(node, ox.NamedNode | ox.BlankNode):
            raise unsupported
        members = self.objects(node, "or")
        if len(members) != 1 or not isinstance(members[0], ox.NamedNode | ox.BlankNode):
            raise unsupported
        datatypes: list[ox.NamedNode] = []
        for member in self._list(members[0]):
            if not isinstance(member, ox.NamedNode | ox.BlankNode):
                raise unsupported
            datatype = self.one(member, "datatype")
            others = [
                q
                for q in self.store.quads_for_pattern(member, None, None)
                if q.predicate.value != SH + "datatype"
            ]
            if not isinstance(datatype, ox.NamedNode) or others:
                raise unsupported
            datatypes.append(datatype)
        return tuple(datatypes)

    def _path(self, path: Node) -> str:
        if isinstance(path, ox.NamedNode):
            return str(path)
        alternatives = self.objects(path, "alternativePath")
        if alternatives and isinstance(alternatives[0], ox.NamedNode | ox.BlankNode):
            parts = [self._path_part(p) for p in self._list(alternatives[0])]
            return "(" + "|".join(parts) + ")"
        inverse = self.objects(path, "inversePath")
        if inverse and isinstance(inverse[0], ox.NamedNode | ox.BlankNode):
            return "^" + self._path_part(inverse[0])
        if any(self.store.quads_for_pattern(path, ox.NamedNode(RDF + "first"), None)):
            return "(" + "/".join(self._path_part(p) for p in self._list(path)) + ")"
        raise _Unsupported(f"the path {_show(path)} is not compiled")

    def _path_part(self, term: object) -> str:
        if not isinstance(term, ox.NamedNode | ox.BlankNode):
            raise _Unsupported("a path element is a literal")
        return self._path(term)

    def _list(self, head: Node) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        items: list[ox.NamedNode | ox.BlankNode | ox.Literal] = []
        node: object = head
        nil = RDF + "nil"
        while isinstance(node, ox.NamedNode | ox.BlankNode) and str(node) != f"<{nil}>":
            first = [
                q.object
                for q in self.store.quads_for_pattern(node, ox.NamedNode(RDF + "first"), None)
            ]
            rest = [
                q.object
                for q in self.store.quads_for_pattern(node, ox.NamedNode(RDF + "rest"), None)
            ]
            if len(first) != 1 or len(rest) != 1:
                raise _Unsupported(f"{_show(node)} is not a well-formed RDF list")
            item = first[0]
            if isinstance(item, ox.NamedNode | ox.BlankNode | ox.Literal):
                items.append(item)
            node = rest[0]
        return items

    def _select(self, constraint: object) -> str:
        if not isinstance(constraint, ox.NamedNode | ox.BlankNode):
            raise _Unsupported("sh:sparql must point at a SPARQL constraint")
        select = self.one(constraint, "select")
        if not isinstance(select, ox.Literal):
            raise _Unsupported(f"{_show(constraint)}: a SPARQL constraint needs sh:select")
        text = select.value.strip()
        if not text.endswith("}"):
            raise _Unsupported(
                "a SPARQL constraint must end with its WHERE group (no ORDER BY, LIMIT …)"
            )
        return self._prefixes(constraint) + text

    def _prefixes(self, constraint: Node) -> str:
        lines: list[str] = []
        for owner in self.objects(constraint, "prefixes"):
            if not isinstance(owner, ox.NamedNode | ox.BlankNode):
                continue
            for declaration in self.objects(owner, "declare"):
                if not isinstance(declaration, ox.NamedNode | ox.BlankNode):
                    continue
                prefix = self.one(declaration, "prefix")
                namespace = self.one(declaration, "namespace")
                if isinstance(prefix, ox.Literal) and isinstance(namespace, ox.Literal):
                    lines.append(f"PREFIX {prefix.value}: <{namespace.value}>\n")
        return "".join(sorted(lines))


def _literal(value: object, shape: Node) -> ox.Literal:
    if not isinstance(value, ox.Literal):
        raise _Unsupported(f"{_show(shape)}: expected a literal")
    return value


def _show(node: object) -> str:
    return str(node)
