"""Map notes to RDF: one named graph per note, every triple traceable to a file and line.

Two passes over all notes: :func:`register_ids` gives every statement its IRI and classes
and finds ids defined twice; :func:`map_note` then turns one note into triples, resolving
keys to ontology properties and values to literals, controlled values or entities. The
second pass needs only the registry, so one note can be re-mapped on its own (incremental
builds) while ids stay checked across all notes.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from loader.graph.entail import entailed
from loader.graph.entity import Entity, did_you_mean, where
from loader.graph.identity import (
    SAME_AS,
    Identity,
    defined_first,
    identities_of,
    merge_identities,
)
from loader.graph.literals import LiteralError, to_literal
from loader.graph.naming import generated_label, shown_date
from loader.graph.parts import GraphPart
from loader.namespaces import (
    OA,
    OWL_SAME_AS,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TKG,
    XSD,
    kebab,
    note_graph,
    slug,
    thing,
)
from loader.problems import Problem, Severity, article
from loader.read.notes import ID_KEY, TYPE_KEY, Field, Note, Scalar, Statement
from loader.read.sources import Span
from loader.read.vocabulary import PropertyKind, PropertyTerm, Vocabulary, normalise

_ID_SYNTAX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_TYPE = ox.NamedNode(RDF + "type")
_DERIVED_FROM = ox.NamedNode(PROV + "wasDerivedFrom")
SOURCE_DOCUMENT = TKG + "SourceDocument"
NOTE_CLASS = TKG + "Note"
EVIDENCE = TKG + "evidence"
_LABEL = ox.NamedNode(RDFS + "label")
_GENERATED_LABEL = ox.NamedNode(TKG + "generatedLabel")
_ALT_LABEL = SKOS + "altLabel"
_OWL_SAME_AS = ox.NamedNode(OWL_SAME_AS)
#: xsd:integer, not the spec's xsd:nonNegativeInteger: Oxigraph stores derived integer
#: types as xsd:integer, and the store must hold exactly what the dumps hold.
_OFFSET = ox.NamedNode(XSD + "integer")


@dataclass
class Registry:
    """Every id known to the build, and the subject of every statement of every note."""

    by_id: dict[str, Entity] = field(default_factory=dict)
    #: (note key, statement index) → the statement's subject; index 0 is the source block
    by_statement: dict[tuple[str, int], Entity] = field(default_factory=dict)
    #: ids that ``sameAs`` merged into another thing (``by_id`` names the canonical one),
    #: with the things they defined (see :mod:`loader.graph.identity`)
    merged: dict[str, Entity] = field(default_factory=dict)


@dataclass
class MappedNote:
    """A note's named graph, with where each subject and each of its properties came from."""

    note: Note
    graph: ox.NamedNode
    triples: list[ox.Triple]
    #: subject IRI → (line of the statement, its id as written or generated)
    subjects: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: (subject IRI, predicate IRI) → line of the key
    field_lines: dict[tuple[str, str], int] = field(default_factory=dict)
    #: ids this note refers to and what they resolved to (what an incremental build re-checks)
    references: dict[str, Entity] = field(default_factory=dict)
    #: subjects of the triples the note's ``- about:`` statements add to things defined
    #: elsewhere, with their annotation nodes: each source's claims are validated on their
    #: own, so validation leaves these out (see :mod:`loader.validate.scope`)
    added: set[str] = field(default_factory=set)

    def part(self) -> GraphPart:
        """The note's named graph, as the stages after mapping take it."""
        return GraphPart(
            self.graph.value, "note", self.note.file, self.triples, frozenset(self.added)
        )


def source_key(note_key: str) -> str:
    """The key of a note's source document: its note key, folders joined by '-'.

    A folder whose name the file name already starts with is dropped, so that
    ``2025/2025-10-27-gmt-eight-us-asean-deals`` gives ``2025-10-27-gmt-eight-us-asean-deals``
    rather than repeating the year; ``2025/livemint`` still gives ``2025-livemint``.
    """
    parts = note_key.split("/")
    kept = [
        part
        for i, part in enumerate(parts[:-1])
        if not any(later.startswith(part + "-") for later in parts[i + 1 :])
    ]
    return "-".join([*kept, parts[-1]])


def source_iri(note: Note) -> str:
    return thing("source", source_key(note.key)).value


def generated_id(note: Note, statement: Statement) -> str:
    return f"{slug(note.key)}-{statement.index}"


@dataclass(frozen=True, slots=True)
class NoteIds:
    """What one note defines, found without looking at other notes (so notes can be read
    apart, on several cores) and then registered in file order by :func:`register`."""

    key: str
    file: str
    #: (statement index, its subject, the id as written or None when generated, the id's line)
    subjects: tuple[tuple[int, Entity, str | None, int], ...]
    #: unknown classes and invalid ids
    problems: tuple[Problem, ...]
    #: the ``sameAs`` links the note states
    identities: tuple[Identity, ...] = ()

    def __reduce__(self) -> tuple[type[NoteIds], tuple[object, ...]]:
        # Shards send ~10,000 of these to the main process; see Entity.__reduce__.
        return (NoteIds, (self.key, self.file, self.subjects, self.problems, self.identities))


def note_ids(note: Note, vocab: Vocabulary) -> NoteIds:
    """Give each statement of ``note`` its IRI and classes; report unknown classes and bad ids."""
    problems: list[Problem] = []
    subjects: list[tuple[int, Entity, str | None, int]] = []
    if note.source is not None:
        entity = Entity(
            source_iri(note),
            (SOURCE_DOCUMENT,),
            note.file,
            note.source.line,
            _written(note.source, "title"),
        )
        subjects.append((0, entity, None, note.source.line))
    for statement in note.statements:
        if statement.is_addition:
            problems.extend(_addition_form(statement, note))
            continue
        classes = _resolve_classes(statement, note, vocab, problems)
        id_field = statement.get(ID_KEY)
        written = id_field.values[0].text.strip() if id_field else None
        if id_field is not None and (len(id_field.values) != 1 or not _valid_id(written)):
            problems.append(
                Problem(
                    code="invalid-id",
                    message=f"'{id_field.values[0].text}' is not a valid id",
                    file=note.file,
                    line=id_field.line,
                    hint="an id is one word of letters, digits, '-', '_' or '.', "
                    "starting with a letter or digit",
                )
            )
            written = None
        key = written or generated_id(note, statement)
        kind = kebab(_local(classes[0])) if classes else "thing"
        entity = Entity(
            thing(kind, key).value,
            tuple(classes),
            note.file,
            statement.line,
            _written(statement, "label"),
        )
        line = id_field.line if id_field is not None else statement.line
        subjects.append((statement.index, entity, written, line))
    identities, identity_problems = identities_of(note, vocab)
    problems.extend(identity_problems)
    return NoteIds(note.key, note.file, tuple(subjects), tuple(problems), tuple(identities))


def _addition_form(statement: Statement, note: Note) -> list[Problem]:
    """What is wrong with the form of an ``- about: ID`` statement (not its target)."""
    problems: list[Problem] = []
    about = statement.fields[0]
    if len(about.values) != 1:
        problems.append(
            Problem(
                code="addition-target",
                message="a statement that starts with 'about:' adds to one thing, "
                f"but names {len(about.values)}",
                file=note.file,
                line=about.line,
                column=about.column,
                hint="start it with '- about: ID' naming one thing; to define an assessment or "
                "event about several things, start the statement with '- a: ClassName'",
            )
        )
    id_field = statement.get(ID_KEY)
    if id_field is not None:
        problems.append(
            Problem(
                code="addition-with-id",
                message="a statement that starts with 'about:' adds to the thing it names "
                "and cannot have an 'id:' of its own",
                file=note.file,
                line=id_field.line,
                column=id_field.column,
                hint="to define a new thing that is about another, start the statement with "
                "'- a: ClassName' and keep 'about:' as one of its properties",
            )
        )
    return problems


def _written(statement: Statement, key: str) -> str | None:
    found = statement.get(key)
    return found.values[0].text.strip() if found and found.values else None


def register_ids(
    notes: Iterable[Note], vocab: Vocabulary, reference: Mapping[str, Entity]
) -> tuple[Registry, list[Problem]]:
    """Give each statement an IRI and classes; report unknown classes and duplicate ids."""
    return register((note_ids(note, vocab) for note in notes), reference, vocab=vocab)


def register(
    defined: Iterable[NoteIds],
    reference: Mapping[str, Entity],
    *,
    identities: Iterable[Identity] = (),
    vocab: Vocabulary | None = None,
) -> tuple[Registry, list[Problem]]:
    """The registry of every note's ids, in the order given; an id defined twice is a problem
    at the second definition. Then the ``sameAs`` links of ``defined`` and ``identities``
    (those of notes not read again) merge the ids they join (:mod:`loader.graph.identity`)."""
    registry = Registry(by_id=dict(reference))
    problems: list[Problem] = []
    sources: dict[str, str] = {}  # source IRI → the note file that maps to it first
    links = list(identities)
    for ids in defined:
        links.extend(ids.identities)
        problems.extend(ids.problems)
        problems.extend(_source_collision(ids, sources))
        for index, entity, written, line in ids.subjects:
            registry.by_statement[(ids.key, index)] = entity
            if written is None:
                continue
            previous = registry.by_id.get(written)
            if previous is not None:
                problems.append(
                    Problem(
                        code="duplicate-id",
                        message=f"the id '{written}' is already defined in {where(previous)}",
                        file=ids.file,
                        line=line,
                        statement=written,
                        hint="ids are global across notes: refer to the existing one by its id "
                        "instead of defining it again, or choose another id",
                    )
                )
                continue
            registry.by_id[written] = entity
    registry.merged, identity_problems = merge_identities(registry.by_id, links, vocab)
    problems.extend(identity_problems)
    return registry, problems


#: labels as similar_pairs compares them, kept for the process: a build asks twice, and
#: ``build --watch`` every rebuild, for the same tens of thousands of labels
_label_key = functools.cache(normalise)


def similar_pairs(by_id: Mapping[str, Entity]) -> list[tuple[str, str]]:
    """Pairs (id, the id it probably repeats) of things defined apart (in two notes, or a note
    and the reference data) with the same first class and the same label once case, spaces
    and dashes are ignored: probably one thing defined twice.

    Each such thing is paired with the one of its kind defined first (the reference data's,
    else by file and line), and that one with the next: one hint per thing, however many
    share the name, so a corpus where a hundred notes name one person stays quiet enough.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for key, entity in by_id.items():
        if entity.label and entity.classes:
            groups.setdefault((entity.classes[0], _label_key(entity.label)), []).append(key)
    pairs: list[tuple[str, str]] = []
    for keys in groups.values():
        if len(keys) < 2:
            continue
        ordered = sorted(set(keys), key=lambda k: defined_first(by_id[k], k))
        first = ordered[0]
        others = [k for k in ordered[1:] if by_id[k].file != by_id[first].file]
        if others:
            pairs.append((first, others[0]))
        pairs.extend((other, first) for other in others)
    return pairs


def possible_duplicate(key: str, other: str, by_id: Mapping[str, Entity]) -> Problem:
    """The hint that ``key`` may be the thing ``other`` already is."""
    entity, existing = by_id[key], by_id[other]
    return Problem(
        code="possible-duplicate",
        message=f"'{key}' has the class and the label of '{other}' ({where(existing)}): "
        "the same thing defined twice?",
        file=entity.file,
        line=entity.line,
        severity=Severity.WARNING,
        statement=key,
        hint=f"if it is one thing, refer to '{other}' instead and put this source's claims in "
        f"a statement that starts with '- about: {other}', or say 'sameAs: {other}'; if they "
        "are two things, give them labels that tell them apart",
    )


def _source_collision(ids: NoteIds, sources: dict[str, str]) -> list[Problem]:
    """Two notes whose paths give one source key would merge two documents into one thing."""
    iri = thing("source", source_key(ids.key)).value
    first = sources.setdefault(iri, ids.file)
    if first == ids.file:
        return []
    return [
        Problem(
            code="duplicate-source-key",
            message=f"{ids.file} and {first} both give the source document "
            f"'{iri.rsplit('/', 1)[1]}' ({iri}): their files' paths differ only in "
            "folders, spaces or punctuation",
            file=ids.file,
            line=1,
            hint="rename one of the two files so that their names differ in letters or digits; "
            f"if both record the same document, merge them into {first} (one note per source)",
        )
    ]


def map_note(
    note: Note,
    vocab: Vocabulary,
    registry: Registry,
    *,
    spans: Mapping[tuple[int, int], Span] | None = None,
) -> tuple[MappedNote, list[Problem]]:
    """Turn one note into the triples of its named graph.

    ``spans`` says where evidence quotes were found in the archived source text (by the
    quote's line and column, see :func:`loader.read.sources.prove_note`); each found quote
    becomes a W3C Web Annotation whose body is the statement and whose target is the passage.
    """
    mapper = _NoteMapper(note, vocab, registry, spans or {})
    mapper.run()
    return mapper.result, mapper.problems


def _valid_id(text: str | None) -> bool:
    return text is not None and bool(_ID_SYNTAX.match(text))


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _resolve_classes(
    statement: Statement, note: Note, vocab: Vocabulary, problems: list[Problem]
) -> list[str]:
    type_field = statement.get(TYPE_KEY)
    if type_field is None:
        problems.append(
            Problem(
                code="missing-class",
                message=f"statement {statement.index} has no 'a:' (what kind of thing it is)",
                file=note.file,
                line=statement.line,
                hint="start the statement with '- a: ClassName', e.g. '- a: TariffMeasure'",
            )
        )
        return []
    classes: list[str] = []
    for value in type_field.values:
        found = vocab.find_class(value.text.strip())
        if len(found) == 1 and not vocab.is_value_set(found[0].iri):
            classes.append(found[0].iri)
            continue
        if found and vocab.is_value_set(found[0].iri):
            message = f"'{value.text}' is a value set; its members are declared in the ontology"
            hint = "use one of its values on a property instead of making a new member"
        elif len(found) > 1:
            message = f"'{value.text}' names several classes: " + ", ".join(t.iri for t in found)
            hint = "write the class's exact local name"
        else:
            message = f"'{value.text}' is not a class of the ontology"
            suggestion = vocab.suggest_class(value.text)
            if vocab.find_property(value.text):
                hint = f"'{value.text}' is a property; 'a:' takes a class"
            elif suggestion:
                hint = f"did you mean '{suggestion}'?"
            else:
                hint = "see ontology/ for the classes, or add the class there first"
        problems.append(
            Problem(
                code="unknown-class",
                message=message,
                file=note.file,
                line=value.line,
                column=value.column,
                value=value.text,
                hint=hint,
            )
        )
    return classes


class _NoteMapper:
    """The state of mapping one note; kept in one place so the steps stay small."""

    def __init__(
        self,
        note: Note,
        vocab: Vocabulary,
        registry: Registry,
        spans: Mapping[tuple[int, int], Span],
    ) -> None:
        self.note = note
        self.spans = spans
        self.vocab = vocab
        self.registry = registry
        self.problems: list[Problem] = []
        graph = note_graph(note.key)
        self.result = MappedNote(note=note, graph=graph, triples=[])
        self.source = ox.NamedNode(source_iri(note))
        #: IRI → the name and the notation of each thing or value this note refers to
        self.names: dict[str, str] = {}
        self.notations: dict[str, str] = {}
        #: IRI → the label generated for a thing of this note that its note leaves unnamed
        self.generated: dict[str, str] = {}
        issued = _written(note.source, "issued") if note.source is not None else None
        self.when = shown_date(issued) if issued else None

    def run(self) -> None:
        note_node = self.result.graph
        self._add(note_node, _TYPE, ox.NamedNode(NOTE_CLASS))
        self._add(note_node, ox.NamedNode(TKG + "noteFile"), ox.Literal(self.note.file))
        self._add(note_node, ox.NamedNode(TKG + "sourceDocument"), self.source)
        self._add(note_node, _DERIVED_FROM, self.source)
        if self.note.source is not None:
            self._map_statement(self.note.source, is_source=True)
        for statement in self.note.statements:
            if statement.is_addition:
                self._map_addition(statement)
            else:
                self._map_statement(statement, is_source=False)
        self.result.triples = entailed(self.result.triples, self.vocab)

    def _add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.result.triples.append(ox.Triple(s, p, o))

    def _map_statement(self, statement: Statement, *, is_source: bool) -> None:
        entity = self.registry.by_statement.get(
            (self.note.key, 0 if is_source else statement.index)
        )
        if entity is None:
            return
        id_field = statement.get(ID_KEY)
        shown_id = (
            "source"
            if is_source
            else (id_field.values[0].text if id_field else generated_id(self.note, statement))
        )
        # a thing ``sameAs`` merged into another: its claims are about the canonical thing,
        # kept in this graph as an addition's are (its label becomes an alternative one)
        merged = not is_source and shown_id in self.registry.merged
        if merged:
            entity = self.registry.by_id[shown_id]
            self.result.references[shown_id] = entity
            self.result.added.add(entity.iri)
        else:
            self.result.subjects[entity.iri] = (statement.line, shown_id)
        subject = ox.NamedNode(entity.iri)
        # a merged definition's classes agree with the kept thing's (the registry checks):
        # stating them again in this graph would only repeat them in every union query
        for cls in () if merged else entity.classes:
            self._add(subject, _TYPE, ox.NamedNode(cls))
        if not is_source:
            self._add(subject, _DERIVED_FROM, self.source)
        values: dict[str, list[ox.NamedNode | ox.Literal]] = {}
        for item in statement.fields:
            if item.key in (TYPE_KEY, ID_KEY) and not is_source:
                continue
            prop = self._resolve_property(item, shown_id)
            if prop is None:
                continue
            if prop.iri == SAME_AS:
                self._same_as(shown_id, item)
                continue
            if not merged:
                self.result.field_lines.setdefault((entity.iri, prop.iri), item.line)
            predicate = _ALT_LABEL if merged and prop.iri == _LABEL.value else prop.iri
            for value in item.values:
                obj = self._resolve_value(prop, value, item, shown_id)
                if obj is not None:
                    self._add(subject, ox.NamedNode(predicate), obj)
                    values.setdefault(prop.iri, []).append(obj)
                span = self.spans.get((value.line, value.column))
                if span is not None and prop.iri == EVIDENCE:
                    made = self._annotate(subject, span, salt=self.source.value if merged else "")
                    if merged:
                        self.result.added.update(made)
        if not merged:
            self._name(subject, entity, values)

    def _same_as(self, key: str, item: Field) -> None:
        """``sameAs`` values: ``owl:sameAs`` from each merged-away IRI to the canonical one
        (the merge itself, and its problems, are the registry's: loader.graph.identity)."""
        by_id, merged = self.registry.by_id, self.registry.merged
        for value in item.values:
            other = value.text.strip()
            if key not in by_id or other not in by_id:
                continue
            self.result.references[other] = by_id[other]
            for joined in (key, other):
                if joined in merged:
                    self._add(
                        ox.NamedNode(merged[joined].iri),
                        _OWL_SAME_AS,
                        ox.NamedNode(by_id[joined].iri),
                    )

    def _map_addition(self, statement: Statement) -> None:
        """An ``- about: ID`` statement: claims about a thing another note (or the reference
        data) defines, kept in this note's graph with this note's source, status and quotes.

        The thing's classes and name stay its definer's: no ``rdf:type`` and no generated
        label are written here. What SHACL would check of a definition is checked here, since
        validation sees each source's claims on their own: every claim has evidence, every
        property applies to the thing's class, an ``a:`` agrees with the thing's classes.
        """
        about = statement.fields[0]
        if len(about.values) != 1 or statement.get(ID_KEY) is not None:
            return  # the form is reported by note_ids
        written = about.values[0]
        target = written.text.strip()
        shown_id = f"about {target}"
        entity = self.registry.by_id.get(target)
        if entity is None:
            self._problem(
                "unknown-id",
                f"'{target}' is not a known id: 'about:' adds to a thing that a note or the "
                "reference data defines",
                written,
                shown_id,
                self._id_hint(target),
            )
            return
        if entity.file == self.note.file:
            self._problem(
                "addition-to-own-thing",
                f"'{target}' is defined in this note (line {entity.line}): 'about:' adds to a "
                "thing another note or the reference data defines",
                written,
                shown_id,
                f"move these claims into the statement of '{target}' at line {entity.line}",
            )
            return
        if not self._classes_agree(statement, entity, target, shown_id):
            return
        self.result.references[target] = entity
        subject = ox.NamedNode(entity.iri)
        added = self.result.added
        added.add(entity.iri)
        self._add(subject, _DERIVED_FROM, self.source)
        quoted = False
        for item in statement.fields[1:]:
            if item.key == TYPE_KEY:
                continue
            prop = self._resolve_property(item, shown_id)
            if prop is not None and prop.iri == SAME_AS:
                self._same_as(target, item)
                quoted = quoted or statement.get("editorialNote") is not None
                continue
            if prop is None or not self._applies(prop, item, entity, target, shown_id):
                continue
            quoted = quoted or prop.iri == EVIDENCE
            if prop.iri == _LABEL.value and entity.label:
                self._second_label(item, entity, target, shown_id)
            for value in item.values:
                obj = self._resolve_value(prop, value, item, shown_id)
                if obj is not None:
                    self._add(subject, ox.NamedNode(prop.iri), obj)
                span = self.spans.get((value.line, value.column))
                if span is not None and prop.iri == EVIDENCE:
                    added.update(self._annotate(subject, span, salt=self.source.value))
        if not quoted:
            self._problem(
                "statement-evidence",
                f"the claims about '{target}' have no evidence",
                written,
                shown_id,
                "add 'evidence: \"…\"' with a short verbatim quote from this source that "
                "supports them",
            )

    def _classes_agree(
        self, statement: Statement, entity: Entity, target: str, shown_id: str
    ) -> bool:
        """An ``a:`` in an addition may only repeat a class the thing has (or one above)."""
        if statement.get(TYPE_KEY) is None:
            return True
        agree = True
        for cls in _resolve_classes(statement, self.note, self.vocab, self.problems):
            if any(self.vocab.is_subclass(own, cls) for own in entity.classes):
                continue
            agree = False
            type_field = statement.get(TYPE_KEY)
            assert type_field is not None
            self._problem(
                "addition-class-mismatch",
                f"'{target}' is {article(self._kinds(entity))} ({where(entity)}), not "
                f"{article(self.vocab.local_name_of(cls))}",
                type_field.values[0],
                shown_id,
                "leave out 'a:' (an addition keeps the classes of the thing it adds to), or "
                f"name the {self.vocab.local_name_of(cls)} you mean in 'about:'",
            )
        return agree

    def _applies(
        self, prop: PropertyTerm, item: Field, entity: Entity, target: str, shown_id: str
    ) -> bool:
        """Whether ``prop``'s ``rdfs:domain`` admits the thing an addition is about."""
        domain = self.vocab.domains.get(prop.iri)
        if domain is None or any(self.vocab.is_subclass(c, domain) for c in entity.classes):
            return True
        self._problem(
            "property-not-for-kind",
            f"'{item.key}' is a property of {article(self.vocab.local_name_of(domain))}, and "
            f"'{target}' is {article(self._kinds(entity))}",
            Scalar(item.key, item.line, item.column, quoted=False),
            shown_id,
            f"say it of {article(self.vocab.local_name_of(domain))}, or use a property of "
            f"{article(self._kinds(entity))} (see ontology/)",
        )
        return False

    def _second_label(self, item: Field, entity: Entity, target: str, shown_id: str) -> None:
        self.problems.append(
            Problem(
                code="second-label",
                message=f"'{target}' already has the label '{entity.label}' "
                f"({where(entity)}); this note gives it a second one",
                file=self.note.file,
                line=item.line,
                column=item.column,
                severity=Severity.WARNING,
                statement=shown_id,
                hint="give another name as 'altLabel:' (both are searched); keep 'label:' for "
                "a label in another language, with the note's 'language:'",
            )
        )

    def _kinds(self, entity: Entity) -> str:
        return ", ".join(self.vocab.local_name_of(c) for c in entity.classes) or "untyped thing"

    def _name(
        self,
        subject: ox.NamedNode,
        entity: Entity,
        values: dict[str, list[ox.NamedNode | ox.Literal]],
    ) -> None:
        """Write a generated label for a thing the note leaves unnamed (see loader.graph.naming)."""
        label = generated_label(
            entity.classes,
            values,
            name=lambda node: self.names.get(node.value) or _local(node.value),
            notation=lambda node: self.notations.get(node.value) or _local(node.value),
            class_label=lambda cls: term.label if (term := self.vocab.classes.get(cls)) else None,
            when=self.when,
        )
        if label is None:
            return
        literal = ox.Literal(label, language=self.note.language)
        self._add(subject, _LABEL, literal)
        self._add(subject, _GENERATED_LABEL, literal)
        self.generated[subject.value] = label

    def _annotate(self, subject: ox.NamedNode, span: Span, *, salt: str = "") -> list[str]:
        """The statement as the body of an annotation targeting its quote in the source;
        returns the IRIs of the nodes it made.

        Node IRIs are the statement's IRI plus a hash of the offsets, so that the output
        stays byte-identical from build to build (no blank nodes to relabel). An addition's
        quotes are in another source than the thing's definition: ``salt`` (its source)
        keeps their nodes apart from the definition's.
        """
        place = f"{salt} {span.start}:{span.end}" if salt else f"{span.start}:{span.end}"
        key = hashlib.sha256(place.encode()).hexdigest()[:12]
        base = f"{subject.value}#evidence-{key}"
        annotation = ox.NamedNode(base)
        target = ox.NamedNode(base + "-target")
        quote = ox.NamedNode(base + "-quote")
        position = ox.NamedNode(base + "-position")
        add = self._add
        add(annotation, _TYPE, ox.NamedNode(OA + "Annotation"))
        add(annotation, ox.NamedNode(OA + "hasBody"), subject)
        add(annotation, ox.NamedNode(OA + "hasTarget"), target)
        add(target, _TYPE, ox.NamedNode(OA + "SpecificResource"))
        add(target, ox.NamedNode(OA + "hasSource"), self.source)
        add(target, ox.NamedNode(OA + "hasSelector"), quote)
        add(target, ox.NamedNode(OA + "hasSelector"), position)
        add(quote, _TYPE, ox.NamedNode(OA + "TextQuoteSelector"))
        add(quote, ox.NamedNode(OA + "exact"), ox.Literal(span.exact))
        add(quote, ox.NamedNode(OA + "prefix"), ox.Literal(span.prefix))
        add(quote, ox.NamedNode(OA + "suffix"), ox.Literal(span.suffix))
        add(position, _TYPE, ox.NamedNode(OA + "TextPositionSelector"))
        add(
            position,
            ox.NamedNode(OA + "start"),
            ox.Literal(str(span.start), datatype=_OFFSET),
        )
        add(position, ox.NamedNode(OA + "end"), ox.Literal(str(span.end), datatype=_OFFSET))
        return [annotation.value, target.value, quote.value, position.value]

    def _resolve_property(self, item: Field, statement_id: str) -> PropertyTerm | None:
        found = self.vocab.find_property(item.key)
        if len(found) == 1:
            return found[0]
        if found:
            message = f"'{item.key}' names several properties: " + ", ".join(t.iri for t in found)
            hint = "write the property's exact local name"
        else:
            message = f"'{item.key}' is not a property of the ontology"
            suggestion = self.vocab.suggest_property(item.key)
            hint = (
                f"did you mean '{suggestion}'?"
                if suggestion
                else "see ontology/ for the properties, or add the property there first"
            )
        self.problems.append(
            Problem(
                code="unknown-property",
                message=message,
                file=self.note.file,
                line=item.line,
                column=item.column,
                statement=statement_id,
                value=item.key,
                hint=hint,
            )
        )
        return None

    def _resolve_value(
        self, prop: PropertyTerm, value: Scalar, item: Field, statement_id: str
    ) -> ox.NamedNode | ox.Literal | None:
        is_object = prop.kind is PropertyKind.OBJECT or (
            prop.range is not None and prop.range in self.vocab.classes
        )
        if is_object:
            return self._resolve_reference(prop, value, statement_id)
        literal = to_literal(
            value.text,
            prop.range,
            language=self.note.language,
            unions=self.vocab.datatype_unions,
        )
        if isinstance(literal, LiteralError):
            expected = self.vocab.local_name_of(prop.range) if prop.range else "text"
            self._problem(
                "wrong-datatype",
                f"{literal.message} ('{item.key}' expects {expected})",
                value,
                statement_id,
                literal.hint,
            )
            return None
        return literal

    def _resolve_reference(
        self, prop: PropertyTerm, value: Scalar, statement_id: str
    ) -> ox.NamedNode | None:
        text = value.text.strip()
        if prop.range and self.vocab.is_value_set(prop.range):
            member = self.vocab.find_value(prop.range, text)
            if member is not None:
                self.names[member.iri] = member.label or member.notation
                self.notations[member.iri] = member.notation
                return ox.NamedNode(member.iri)
            choices = self.vocab.notations(prop.range)
            self._problem(
                "unknown-value",
                f"'{text}' is not a value of {self.vocab.local_name_of(prop.range)}",
                value,
                statement_id,
                "use one of: " + ", ".join(choices),
            )
            return None
        entity = self.registry.by_id.get(text)
        if entity is None:
            self._problem(
                "unknown-id",
                f"'{text}' is not a known id (no note or reference data defines it)",
                value,
                statement_id,
                self._id_hint(text),
            )
            return None
        if prop.range and not any(self.vocab.is_subclass(c, prop.range) for c in entity.classes):
            kinds = ", ".join(self.vocab.local_name_of(c) for c in entity.classes) or "untyped"
            self._problem(
                "wrong-kind",
                f"'{text}' is a {kinds}, but '{prop.local_name}' expects a "
                f"{self.vocab.local_name_of(prop.range)}",
                value,
                statement_id,
                f"refer to a {self.vocab.local_name_of(prop.range)} here",
            )
            return None
        self.result.references[text] = entity
        # a thing this note left unnamed is called by the label generated for it (when its
        # statement came first), not by its id
        self.names[entity.iri] = entity.label or self.generated.get(entity.iri) or text
        self.notations[entity.iri] = text
        return ox.NamedNode(entity.iri)

    def _id_hint(self, text: str) -> str:
        return did_you_mean(text, self.registry.by_id) or (
            "define it in a note ('- a: …' with 'id: " + text + "'), or use an ISO alpha-3 "
            "code (VNM), a party id (EU, ASEAN), an HS code (hs:2805) or a product group"
        )

    def _problem(
        self, code: str, message: str, value: Scalar, statement_id: str, hint: str
    ) -> None:
        self.problems.append(
            Problem(
                code=code,
                message=message,
                file=self.note.file,
                line=value.line,
                column=value.column,
                statement=statement_id,
                value=value.text,
                hint=hint,
            )
        )
