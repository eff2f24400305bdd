"""Canonical Turtle: the same triples always give the same bytes, so diffs show real changes.

pyoxigraph's and rdflib's writers do not inline blank nodes the way people write class
expressions and SHACL property shapes, and do not group subjects by kind. This writer:

- declares a fixed, sorted set of prefixes (the project's, plus the file's own), only those used;
- groups subjects by kind (ontology header, datatypes, annotation, object and datatype
  properties, classes, controlled values by value set, SHACL shapes, others), each group under
  a generated ``# ---- Kind ----`` comment, subjects sorted by their written name;
- writes ``rdf:type`` first as ``a``, then the other predicates sorted by written name, and
  objects sorted by their written form;
- inlines a blank node used exactly once as ``[ … ]`` and a well-formed RDF list as
  ``( … )``; blank nodes used more than once get labels ``_:b0``, ``_:b1`` … in output order.

Comments in the input are not kept (a parser does not see them); the grouping replaces the
hand-written section comments.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from loader.namespaces import OWL, PREFIXES, RDF, RDFS, SH, XSD

Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal

_TYPE = RDF + "type"
_FIRST, _REST, _NIL = RDF + "first", RDF + "rest", RDF + "nil"
_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")

#: Subject groups in file order: (heading, the rdf:type IRIs that put a subject in it).
GROUPS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Ontology", frozenset({OWL + "Ontology"})),
    ("Datatypes", frozenset({RDFS + "Datatype"})),
    ("Annotation properties", frozenset({OWL + "AnnotationProperty"})),
    ("Object properties", frozenset({OWL + "ObjectProperty"})),
    ("Datatype properties", frozenset({OWL + "DatatypeProperty"})),
    ("Classes", frozenset({OWL + "Class", RDFS + "Class"})),
    ("Node shapes", frozenset({SH + "NodeShape"})),
    ("Property shapes", frozenset({SH + "PropertyShape"})),
)


class TurtleWriter:
    """Writes one graph canonically; see the module docstring for the rules."""

    def __init__(self, triples: Iterable[ox.Triple], prefixes: Mapping[str, str]) -> None:
        self.by_subject: dict[Subject, dict[str, list[Object]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.references: dict[ox.BlankNode, int] = defaultdict(int)
        for t in triples:
            subject = t.subject
            obj = t.object
            if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):
                raise ValueError("RDF-star triples are not supported in canonical Turtle")
            self.by_subject[subject][t.predicate.value].append(obj)
            if isinstance(obj, ox.BlankNode):
                self.references[obj] += 1
        self.prefixes = dict(sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0])))
        self.used: set[str] = set()
        self.labels: dict[ox.BlankNode, str] = {}
        self._inlining: set[ox.BlankNode] = set()

    # -- terms ---------------------------------------------------------------------------

    def iri(self, iri: str) -> str:
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and _PN_LOCAL.match(iri[len(namespace) :]):
                self.used.add(prefix)
                return f"{prefix}:{iri[len(namespace) :]}"
        return f"<{iri}>"

    def literal(self, literal: ox.Literal) -> str:
        value = literal.value
        datatype = literal.datatype.value
        if datatype == XSD + "boolean" and value in ("true", "false"):
            return value
        if datatype == XSD + "integer" and _INTEGER.match(value):
            return value
        if datatype == XSD + "decimal" and _DECIMAL.match(value):
            return value
        if "\n" in value:
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            text = f'"""{escaped}"""'
        else:
            escaped = (
                value.replace("\\", "\\\\")
                .replace('"', '\\"')
                .replace("\r", "\\r")
                .replace("\t", "\\t")
            )
            text = f'"{escaped}"'
        if literal.language:
            return f"{text}@{literal.language}"
        if datatype == XSD + "string":
            return text
        return f"{text}^^{self.iri(datatype)}"

    def term(self, obj: Object, indent: int) -> str:
        if isinstance(obj, ox.NamedNode):
            return "()" if obj.value == _NIL else self.iri(obj.value)
        if isinstance(obj, ox.Literal):
            return self.literal(obj)
        if self.references.get(obj, 0) == 1 and obj not in self._inlining:
            items = self.list_items(obj)
            if items is not None:
                return "( " + " ".join(self.term(i, indent) for i in items) + " )"
            self._inlining.add(obj)
            try:
                body = self.predicate_objects(obj, indent + 4)
            finally:
                self._inlining.discard(obj)
            if "\n" not in body and len(body.strip()) <= 60:
                return f"[ {body.strip()} ]"
            pad = " " * indent
            return "[\n" + body + "\n" + pad + "]"
        return self.label(obj)

    def label(self, node: ox.BlankNode) -> str:
        if node not in self.labels:
            self.labels[node] = f"_:b{len(self.labels)}"
        return self.labels[node]

    def list_items(self, head: ox.BlankNode) -> list[Object] | None:
        """The members of a well-formed list starting at ``head``, or ``None``."""
        items: list[Object] = []
        node: Object = head
        seen: set[ox.BlankNode] = set()
        while not (isinstance(node, ox.NamedNode) and node.value == _NIL):
            if not isinstance(node, ox.BlankNode) or node in seen:
                return None
            seen.add(node)
            props = self.by_subject.get(node, {})
            if set(props) != {_FIRST, _REST} or len(props[_FIRST]) != 1 or len(props[_REST]) != 1:
                return None
            if node is not head and self.references.get(node, 0) != 1:
                return None
            items.append(props[_FIRST][0])
            node = props[_REST][0]
        return items

    # -- statements ----------------------------------------------------------------------

    def predicate_objects(self, subject: Subject, indent: int) -> str:
        props = self.by_subject.get(subject, {})
        pad = " " * indent
        lines = []
        keys = sorted(props, key=lambda p: (p != _TYPE, "" if p == _TYPE else self.iri(p)))
        for predicate in keys:
            written = sorted(self.term(o, indent) for o in props[predicate])
            name = "a" if predicate == _TYPE else self.iri(predicate)
            one_line = f"{pad}{name} {' , '.join(written)}"
            if (len(one_line) <= 100 and "\n" not in one_line) or len(written) == 1:
                lines.append(one_line)
            else:
                lines.append(f"{pad}{name}\n{pad}    " + (" ,\n" + pad + "    ").join(written))
        return " ;\n".join(lines)

    def statement(self, subject: Subject) -> str:
        if isinstance(subject, ox.NamedNode):
            head = self.iri(subject.value)
            return f"{head}\n{self.predicate_objects(subject, 4)} .\n"
        if self.references.get(subject, 0) == 0:
            return f"[\n{self.predicate_objects(subject, 4)}\n] .\n"
        return f"{self.label(subject)}\n{self.predicate_objects(subject, 4)} .\n"

    def group_of(self, subject: Subject) -> tuple[int, str]:
        """(group position, heading) of a subject, from its types."""
        types = {
            o.value for o in self.by_subject[subject].get(_TYPE, []) if isinstance(o, ox.NamedNode)
        }
        for position, (heading, kinds) in enumerate(GROUPS):
            if types & kinds:
                return position, heading
        value_sets = sorted(t for t in types if self._is_declared_class(t))
        if value_sets:
            return len(GROUPS), "Values of " + self.iri(value_sets[0])
        return len(GROUPS) + 1, "Other"

    def _is_declared_class(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        types = self.by_subject.get(node, {}).get(_TYPE, [])
        return any(
            isinstance(t, ox.NamedNode) and t.value in (OWL + "Class", RDFS + "Class")
            for t in types
        )

    def write(self) -> str:
        """The whole document: prefixes, then each group of subjects."""
        top = [
            s
            for s in self.by_subject
            if isinstance(s, ox.NamedNode) or self.references.get(s, 0) != 1
        ]
        # a blank node referenced once but whose referrer is itself inlined elsewhere is fine;
        # one referenced once from a cycle would be lost, so keep those top-level too
        keyed = []
        for subject in top:
            position, heading = self.group_of(subject)
            name = self.iri(subject.value) if isinstance(subject, ox.NamedNode) else ""
            keyed.append((position, heading, name, subject))
        named = sorted((k for k in keyed if k[2]), key=lambda k: (k[0], k[1], k[2]))
        blanks = [k for k in keyed if not k[2]]
        body: list[str] = []
        current = None
        for _position, heading, _name, subject in named:
            if heading != current:
                body.append(f"# ---- {heading} ----\n")
                current = heading
            body.append(self.statement(subject))
        if blanks:
            rendered = sorted((self.statement(subject), subject) for _p, _h, _n, subject in blanks)
            body.append("# ---- Anonymous ----\n")
            body.extend(self.statement(subject) for _text, subject in rendered)
        used = sorted(self.used)
        head = "".join(f"@prefix {p}: <{self.prefixes[p]}> .\n" for p in used)
        return head + "\n" + "\n".join(body)


def canonical_turtle(
    triples: Iterable[ox.Triple], prefixes: Mapping[str, str] | None = None
) -> str:
    """The canonical Turtle text of ``triples`` with the project's prefixes plus ``prefixes``.

    >>> t = ox.Triple(ox.NamedNode("https://w3id.org/tradekg/ontology#A"),
    ...               ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
    ...               ox.NamedNode("http://www.w3.org/2002/07/owl#Class"))
    >>> print(canonical_turtle([t]), end="")
    @prefix owl: <http://www.w3.org/2002/07/owl#> .
    @prefix tkg: <https://w3id.org/tradekg/ontology#> .
    <BLANKLINE>
    # ---- Classes ----
    <BLANKLINE>
    tkg:A
        a owl:Class .
    """
    table = {k: v for k, v in PREFIXES.items() if k not in ("id", "graph")}
    for prefix, namespace in (prefixes or {}).items():
        if namespace not in table.values() and prefix not in table:
            table[prefix] = namespace
    return TurtleWriter(triples, table).write()
