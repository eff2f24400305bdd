"""The graph as flat tables: one row per thing, one table per kind of thing.

A thing is an IRI that the data (notes and reference graphs, never the ontology, the query
catalogue or the build's description) types with a class of the ontology. It goes into the
first table of :data:`TABLES` whose class it is an instance of — so a tariff measure is in
``tariff-measures`` and not also in ``trade-measures`` — and a thing of no listed class gets
a table of its own most specific class (a class a researcher adds gets a table, no code).

The columns are the properties the table's things have, read from the graph and described
by the ontology: a controlled value is written by its notation, a reference to another thing
as ``<name>_id`` and ``<name>_label`` (a foreign key when all its targets are in one table),
a number as a number (with ``<name>_unit`` when the ontology says the unit), a date as
written (``2025-10`` stays a month). A property some thing has more than once is written in
one cell joined by :data:`JOIN` and also gets a link table with one row per value
(``agreement-party``: one row per agreement and party).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from loader.namespaces import GRAPH, PROV, RDF, RDFS, SKOS, TKG, XSD
from loader.publish.tables.names import Ids, kebab, local, plural, prefix, snake
from loader.publish.tables.ontology import Ontology, read_ontology
from loader.query.labels import LABEL_PROPERTIES, best_label

#: A cell: text, a whole number, a decimal number, a truth value, or empty.
Cell = str | int | Decimal | bool | None

#: Separator of several values written in one cell.
JOIN = " | "

#: (table name, class): a thing goes into the first table whose class it is an instance of.
TABLES: tuple[tuple[str, str], ...] = (
    ("tariff-measures", TKG + "TariffMeasure"),
    ("trade-measures", TKG + "TradeMeasure"),
    ("commitments", TKG + "Commitment"),
    ("agreements", TKG + "Agreement"),
    ("lifecycle-steps", TKG + "LifecycleStep"),
    ("statistics", TKG + "Statistic"),
    ("events", TKG + "Event"),
    ("assessments", TKG + "Assessment"),
    ("product-uses", TKG + "ProductUse"),
    ("sources", TKG + "SourceDocument"),
    ("notes", TKG + "Note"),
    ("people", TKG + "Person"),
    ("roles", TKG + "Role"),
    ("parties", TKG + "Party"),
    ("organizations", TKG + "Organization"),
    ("places", TKG + "Place"),
    ("commodities", TKG + "Commodity"),
)

#: Graphs that describe the data rather than hold it.
SKIPPED_GRAPHS = frozenset({GRAPH + "ontology", GRAPH + "queries", GRAPH + "void"})
#: Properties shown by the leading columns (id, label, type) instead of columns of their own.
LEADING = frozenset({RDF + "type", RDFS + "label", TKG + "generatedLabel", SKOS + "prefLabel"})
#: How a statement is sourced: these columns come last, in this order.
TRAILING: tuple[str, ...] = (
    TKG + "claimStatus",
    TKG + "reportedAs",
    TKG + "attributedTo",
    TKG + "attributionDescription",
    PROV + "wasDerivedFrom",
    TKG + "evidence",
    SKOS + "editorialNote",
)
#: Column names that read better than the property's local name.
NAMES = {PROV + "wasDerivedFrom": "source"}

_INTEGERS = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
_NUMBERS = _INTEGERS | {XSD + "decimal", XSD + "double", XSD + "float"}
#: Date datatypes and the Table Schema type of a column holding only that one.
_DATES = {XSD + "date": "date", XSD + "gYearMonth": "yearmonth", XSD + "gYear": "year"}


@dataclass(frozen=True)
class Field:
    """A column: its name, Table Schema type, description, and the table its ids are in."""

    name: str
    type: str
    description: str
    refers_to: str | None = None


@dataclass(frozen=True)
class Table:
    """One flat table: fields, rows in id order, and the fields that identify a row."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    rows: tuple[tuple[Cell, ...], ...]
    primary_key: tuple[str, ...]

    def column(self, name: str) -> list[Cell]:
        """The cells of one column, in row order."""
        index = [f.name for f in self.fields].index(name)
        return [row[index] for row in self.rows]


Facts = dict[str, dict[str, set[ox.NamedNode | ox.Literal]]]


@dataclass(frozen=True)
class _Column:
    """How one property of one table is written: its kind, whether several, its fields."""

    prop: str
    name: str
    kind: str  # value | ref | text | number | integer | boolean | date | yearmonth | year | string
    several: bool
    refers_to: str | None
    unit: str | None


def read_tables(store: ox.Store, ids: Mapping[str, str] | None = None) -> list[Table]:
    """Every table of the built store, link tables after the table they belong to.

    ``ids`` is the build's ``ids.json`` (id → IRI): a thing's ``id`` column is the id notes
    use for it (``MYS``, ``hs:2805``, a note id); things without one (sources, notes) are
    named by the end of their IRI.
    """
    ontology = read_ontology(store)
    facts = _read_facts(store)
    labels = {iri: _label(props) for iri, props in facts.items()}
    labels.update({iri: text for iri, text in ontology.notations.items() if iri not in labels})
    things = _things(facts, ontology)
    namer = Ids(ids, ontology.notations, labels)
    members = _assign(things, ontology)
    table_of = {iri: name for name, (_root, iris) in members.items() for iri in iris}
    tables: list[Table] = []
    for name, (root, iris) in members.items():
        columns = _columns(iris, facts, ontology, table_of)
        tables.append(_main_table(name, root, iris, columns, facts, things, ontology, namer))
        owner = snake(ontology.local_name(root))
        for column in columns:
            if column.several:
                tables.append(_link_table(name, root, owner, column, iris, facts, ontology, namer))
    return tables


# ---------------------------------------------------------------- reading the graph


def _read_facts(store: ox.Store) -> Facts:
    """Subject → property → values, of every data graph (the union, duplicates merged).

    One pass over the store's quads serves every table: a SPARQL SELECT of the same triples
    costs as much per row (measured on 1,000 notes), and one query per table or column
    would read the same quads many times.
    """
    facts: Facts = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode) or graph.value in SKIPPED_GRAPHS:
            continue
        subject, obj = quad.subject, quad.object
        if not isinstance(subject, ox.NamedNode) or isinstance(obj, ox.BlankNode | ox.Triple):
            continue
        facts.setdefault(subject.value, {}).setdefault(quad.predicate.value, set()).add(obj)
    return facts


def _label(props: Mapping[str, set[ox.NamedNode | ox.Literal]]) -> str | None:
    candidates = [
        (prop, value)
        for prop in LABEL_PROPERTIES
        for value in props.get(prop, ())
        if isinstance(value, ox.Literal)
    ]
    return best_label(candidates)


def _things(facts: Facts, ontology: Ontology) -> dict[str, set[str]]:
    """IRI → its ontology classes, for every subject the data types with one."""
    found: dict[str, set[str]] = {}
    for iri, props in facts.items():
        if iri in ontology.described:
            continue  # a controlled value or a term, not a thing
        classes = {t.value for t in props.get(RDF + "type", ())} & ontology.classes.keys()
        if classes:
            found[iri] = classes
    return found


def _assign(things: Mapping[str, set[str]], ontology: Ontology) -> dict[str, tuple[str, list[str]]]:
    """Table name → (its class, its things in id order), listed tables first."""
    ancestors: dict[str, set[str]] = {}

    def above(klass: str) -> set[str]:
        if klass not in ancestors:
            ancestors[klass] = ontology.ancestors(klass)
        return ancestors[klass]

    listed: dict[str, tuple[str, list[str]]] = {name: (klass, []) for name, klass in TABLES}
    generic: dict[str, tuple[str, list[str]]] = {}
    for iri in sorted(things):
        classes = things[iri]
        reach = set().union(*(above(c) for c in classes))
        name = next((n for n, klass in TABLES if klass in reach), None)
        if name is not None:
            listed[name][1].append(iri)
            continue
        root = min(_most_specific(classes, above))
        table = plural(kebab(ontology.local_name(root)))
        generic.setdefault(table, (root, []))[1].append(iri)
    found = {name: entry for name, entry in listed.items() if entry[1]}
    found.update({name: generic[name] for name in sorted(generic) if name not in found})
    return found


def _most_specific(classes: set[str], above: Callable[[str], set[str]]) -> set[str]:
    """The classes of a thing that no other of its classes is below."""
    return {c for c in classes if not any(d != c and c in above(d) for d in classes)}


# ---------------------------------------------------------------- columns


def _columns(
    iris: list[str], facts: Facts, ontology: Ontology, table_of: Mapping[str, str]
) -> list[_Column]:
    """The property columns of a table, named and typed from what its things hold."""
    values: dict[str, list[set[ox.NamedNode | ox.Literal]]] = {}
    for iri in iris:
        for prop, found in facts[iri].items():
            if prop not in LEADING:
                values.setdefault(prop, []).append(found)
    for prop in _entailed(values, iris, facts, ontology):
        del values[prop]
    names = _column_names(values)
    columns: list[_Column] = []
    for prop, sets in values.items():
        terms = [term for found in sets for term in found]
        kind = _kind(terms, ontology)
        refers_to = None
        if kind == "ref":
            targets = {table_of.get(t.value) for t in terms}
            refers_to = targets.pop() if len(targets) == 1 else None
        unit = ontology.units.get(prop) if kind in ("number", "integer") else None
        several = any(len(found) > 1 for found in sets)
        columns.append(_Column(prop, names[prop], kind, several, refers_to, unit))
    order = {prop: i for i, prop in enumerate(TRAILING)}
    columns.sort(key=lambda c: (order.get(c.prop, -1), c.name))
    return columns


def _entailed(
    values: Mapping[str, object], iris: list[str], facts: Facts, ontology: Ontology
) -> set[str]:
    """Super-properties that only repeat a sub-property's values (``prov:wasAttributedTo``
    for ``tkg:attributedTo``): the build states both, the table shows the precise one."""
    above: dict[str, set[str]] = {}
    for prop in values:
        for parent in ontology.above_property(prop):
            above.setdefault(parent, set()).add(prop)
    redundant: set[str] = set()
    for parent, subs in above.items():
        if parent not in values:
            continue
        if all(
            facts[iri].get(parent, set())
            <= set().union(*(facts[iri].get(sub, set()) for sub in subs))
            for iri in iris
        ):
            redundant.add(parent)
    return redundant


def _column_names(values: Mapping[str, object]) -> dict[str, str]:
    """Property → column name: its local name in snake case, prefixed when two clash."""
    plain = {prop: NAMES.get(prop) or snake(local(prop)) for prop in values}
    counts: dict[str, int] = {}
    for name in plain.values():
        counts[name] = counts.get(name, 0) + 1
    reserved = {"id", "iri", "label", "type", "label_generated"}
    return {
        prop: (f"{prefix(prop)}_{name}" if counts[name] > 1 or name in reserved else name)
        for prop, name in plain.items()
    }


def _kind(terms: list[ox.NamedNode | ox.Literal], ontology: Ontology) -> str:
    """How a property's values are written: a value's notation, a reference, a typed literal."""
    if all(isinstance(t, ox.NamedNode) for t in terms):
        return "value" if all(t.value in ontology.notations for t in terms) else "ref"
    if not all(isinstance(t, ox.Literal) for t in terms):
        return "text"
    datatypes = {t.datatype.value for t in terms if isinstance(t, ox.Literal)}
    if datatypes <= _INTEGERS:
        return "integer"
    if datatypes <= _NUMBERS:
        return "number"
    if datatypes == {XSD + "boolean"}:
        return "boolean"
    if len(datatypes) == 1 and datatypes <= _DATES.keys():
        return _DATES[datatypes.pop()]
    return "string"


def _fields(column: _Column, ontology: Ontology, *, one: bool) -> list[Field]:
    """The fields a column becomes; ``one``: a single value (in a link table, or not several)."""
    term = ontology.properties.get(column.prop)
    meaning = (term.definition if term else "") or f"The values of <{column.prop}>."
    joined = f" Several values are joined by '{JOIN}'." if not one else ""
    if column.kind == "ref":
        target = column.refers_to if one else None
        return [
            Field(f"{column.name}_id", "string", f"{meaning} The id.{joined}", target),
            Field(f"{column.name}_label", "string", f"{meaning} The label.{joined}"),
        ]
    if column.kind == "value":
        return [Field(column.name, "string", f"{meaning} The value's notation.{joined}")]
    kind = column.kind if one and column.kind != "text" else "string"  # joined values: text
    fields = [Field(column.name, kind, meaning + joined)]
    if column.unit:
        fields.append(
            Field(f"{column.name}_unit", "string", f"The unit of {column.name}: {column.unit}.")
        )
    return fields


# ---------------------------------------------------------------- tables


def _main_table(
    name: str,
    root: str,
    iris: list[str],
    columns: list[_Column],
    facts: Facts,
    things: Mapping[str, set[str]],
    ontology: Ontology,
    namer: Ids,
) -> Table:
    """One row per thing: id, iri, label, type, the property columns."""
    generated = any(TKG + "generatedLabel" in facts[iri] for iri in iris)
    fields = [
        Field("id", "string", "The id notes use for the thing (the end of its IRI if none)."),
        Field("iri", "string", "The thing's IRI."),
        Field("label", "string", "The thing's label (a note's label:, a country's name …)."),
        Field("type", "string", "The thing's most specific class(es), as notes write them."),
    ]
    if generated:
        fields.append(Field("label_generated", "boolean", "True when the loader made the label."))
    for column in columns:
        fields.extend(_fields(column, ontology, one=not column.several))
    above = ontology.ancestors
    rows: list[tuple[Cell, ...]] = []
    for iri in iris:
        props = facts[iri]
        types = sorted(ontology.local_name(c) for c in _most_specific(things[iri], above))
        row: list[Cell] = [namer.of(iri), iri, _label(props), JOIN.join(types)]
        if generated:
            row.append(TKG + "generatedLabel" in props)
        for column in columns:
            row.extend(_cells(column, props.get(column.prop, set()), namer))
        rows.append(tuple(row))
    term = ontology.classes.get(root)
    title = name.replace("-", " ").capitalize()
    description = (term.definition if term else "") or f"Things of class <{root}>."
    ids = [row[0] for row in rows]
    key = ("id",) if len(set(ids)) == len(ids) else ("iri",)  # a key only where it holds
    return Table(name, title, description, tuple(fields), tuple(rows), key)


def _link_table(
    owner_table: str,
    root: str,
    owner: str,
    column: _Column,
    iris: list[str],
    facts: Facts,
    ontology: Ontology,
    namer: Ids,
) -> Table:
    """One row per thing and value of a property that some things have more than once."""
    owner_field = Field(f"{owner}_id", "string", f"The id in {owner_table}.", owner_table)
    fields = [owner_field, *_fields(column, ontology, one=True)]
    rows: set[tuple[Cell, ...]] = set()
    for iri in iris:
        for value in facts[iri].get(column.prop, ()):
            rows.add((namer.of(iri), *_cells(column, {value}, namer)))
    name = f"{kebab(ontology.local_name(root))}-{column.name.replace('_', '-')}"
    term = ontology.properties.get(column.prop)
    prop_label = term.label if term and term.label else column.name
    klass = ontology.classes.get(root)
    klass_label = (klass.label if klass and klass.label else ontology.local_name(root)).lower()
    description = f"One row per {klass_label} and {prop_label}."
    if term and term.definition:
        description += f" {term.definition}"
    key = (owner_field.name, fields[1].name)
    return Table(
        name,
        f"{klass_label.capitalize()} × {prop_label}",
        description,
        tuple(fields),
        tuple(sorted(rows, key=_row_key)),
        key,
    )


def _cells(column: _Column, values: set[ox.NamedNode | ox.Literal], namer: Ids) -> list[Cell]:
    """The cells of one column for one thing (labels are filled in afterwards)."""
    if column.kind == "ref":
        iris = sorted(v.value for v in values)
        ids = [namer.of(iri) for iri in iris]
        texts = [namer.labels.get(iri) or "" for iri in iris]
        return [JOIN.join(ids) if ids else None, JOIN.join(texts) if any(texts) else None]
    if column.kind in ("value", "text"):
        texts = sorted(
            namer.notations.get(v.value) or namer.of(v.value)
            if isinstance(v, ox.NamedNode)
            else v.value
            for v in values
        )
        return [JOIN.join(texts) if texts else None]
    literals = sorted((v for v in values if isinstance(v, ox.Literal)), key=lambda v: v.value)
    cells: list[Cell] = []
    if not literals:
        cells.append(None)
    elif len(literals) > 1:
        cells.append(JOIN.join(v.value for v in literals))
    else:
        cells.append(_typed(literals[0], column.kind))
    if column.unit:
        cells.append(column.unit if literals else None)
    return cells


def _typed(literal: ox.Literal, kind: str) -> Cell:
    """A literal as its column's type: numbers as numbers, dates and texts as written."""
    try:
        if kind == "integer":
            return int(literal.value)
        if kind == "number":
            return Decimal(literal.value)
    except (ValueError, InvalidOperation):
        return literal.value
    if kind == "boolean":
        return literal.value in ("true", "1")
    return literal.value


def _row_key(row: Iterable[object]) -> tuple[str, ...]:
    return tuple("" if cell is None else str(cell) for cell in row)
