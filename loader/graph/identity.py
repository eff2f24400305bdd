"""One thing under two ids: ``sameAs: OTHER-ID`` makes the things of two ids one.

Two sources may each define what turns out to be one agreement, person or event. A note
says so with ``sameAs:`` — in the statement of one of them, or in a ``- about:`` statement
of a third note, with its evidence or editorial reason — and neither definition is
rewritten. The build merges each set of ids that ``sameAs`` links into its *canonical*
thing: the reference data's, else the one defined in the first note file (then line), so
the choice does not depend on which note says ``sameAs``. Every other id of the set then
names the canonical thing's IRI: references to it, its own definition's claims (kept in its
note's graph, as an addition is), ``--param``, ``show`` and the site. The dataset states
``owl:sameAs`` from each merged-away IRI to the canonical one, so that a link made to the
old IRI still leads somewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from loader.graph.entity import Entity, did_you_mean
from loader.namespaces import TKG
from loader.problems import Problem, Severity, article
from loader.read.notes import ABOUT_KEY, ID_KEY, Field, Note, Statement
from loader.read.vocabulary import Vocabulary

SAME_AS = TKG + "sameAs"


@dataclass(frozen=True, slots=True)
class Identity:
    """``one`` is ``other``, as a note says at ``file:line``."""

    one: str
    other: str
    file: str
    line: int
    column: int


def identities_of(note: Note, vocab: Vocabulary) -> tuple[list[Identity], list[Problem]]:
    """The ``sameAs`` links a note states, and the ones it states of no id."""
    found: list[Identity] = []
    problems: list[Problem] = []
    for statement in note.statements:
        same = _same_as_field(statement, vocab)
        if same is None:
            continue
        subject = _subject_id(statement)
        if subject is None:
            problems.append(
                Problem(
                    code="same-as-without-id",
                    message="'sameAs' says which thing this one is, but the statement has no id",
                    file=note.file,
                    line=same.line,
                    column=same.column,
                    hint="give the statement an 'id:', or say it in a statement that starts with "
                    "'- about: ID'",
                )
            )
            continue
        for value in same.values:
            found.append(Identity(subject, value.text.strip(), note.file, value.line, value.column))
    return found, problems


def _same_as_field(statement: Statement, vocab: Vocabulary) -> Field | None:
    for item in statement.fields:
        terms = vocab.find_property(item.key)
        if len(terms) == 1 and terms[0].iri == SAME_AS:
            return item
    return None


def _subject_id(statement: Statement) -> str | None:
    key = ABOUT_KEY if statement.is_addition else ID_KEY
    found = statement.get(key)
    if found is None or len(found.values) != 1:
        return None
    return found.values[0].text.strip()


def merge_identities(
    by_id: dict[str, Entity], identities: Iterable[Identity], vocab: Vocabulary | None = None
) -> tuple[dict[str, Entity], list[Problem]]:
    """Point every id of a ``sameAs`` set at its canonical thing, in ``by_id`` itself.

    Returns the merged-away ids with the things they defined before (what the build cache
    keeps, so that the next build merges them again), and the problems: an unknown id, two
    things of unrelated classes, a link that joins ids already joined (a cycle).
    """
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            parent[key] = parent.get(parent[key], parent[key])
            key = parent[key]
        return key

    problems: list[Problem] = []
    for link in sorted(identities, key=lambda i: (i.file, i.line, i.column)):
        unknown = [key for key in (link.one, link.other) if key not in by_id]
        if unknown:
            problems.append(_unknown(link, unknown[0], by_id))
            continue
        if link.one == link.other:
            problems.append(
                _problem(
                    link,
                    "same-as-itself",
                    f"'{link.one}' is said to be itself",
                    "name the other id the thing is known by",
                )
            )
            continue
        first, second = by_id[link.one], by_id[link.other]
        if vocab is not None and not _related(first, second, vocab):
            problems.append(_unrelated(link, first, second, vocab))
            continue
        a, b = root(link.one), root(link.other)
        if a == b:
            problems.append(
                Problem(
                    code="same-as-cycle",
                    message=f"'{link.one}' and '{link.other}' are already one thing through "
                    "other 'sameAs' links: this one closes a cycle",
                    file=link.file,
                    line=link.line,
                    column=link.column,
                    severity=Severity.WARNING,
                    hint="leave out one of the links; one chain of 'sameAs' is enough",
                )
            )
            continue
        parent[b] = a
    sets: dict[str, list[str]] = {}
    for key in parent:
        sets.setdefault(root(key), []).append(key)
    merged: dict[str, Entity] = {}
    for root_key, keys in sets.items():
        members = sorted({root_key, *keys}, key=lambda k: defined_first(by_id[k], k))
        canonical = by_id[members[0]]
        for key in members[1:]:
            merged[key] = by_id[key]
            by_id[key] = canonical
    return merged, problems


def defined_first(entity: Entity, key: str) -> tuple[int, str, int, str]:
    """Reference data first, then by note file and line (then id, for two in one line)."""
    return (0 if entity.file is None else 1, entity.file or "", entity.line or 0, key)


def _related(first: Entity, second: Entity, vocab: Vocabulary) -> bool:
    """Whether one thing can be both: a class of one is a class of the other or above it."""
    return any(
        vocab.is_subclass(a, b) or vocab.is_subclass(b, a)
        for a in first.classes
        for b in second.classes
    )


def _unknown(link: Identity, key: str, by_id: Mapping[str, Entity]) -> Problem:
    hint = (
        did_you_mean(key, by_id) or "'sameAs' links two ids that notes or the reference data define"
    )
    return _problem(link, "unknown-id", f"'{key}' is not a known id", hint)


def _unrelated(link: Identity, first: Entity, second: Entity, vocab: Vocabulary) -> Problem:
    def kinds(entity: Entity) -> str:
        return ", ".join(vocab.local_name_of(c) for c in entity.classes) or "untyped thing"

    return _problem(
        link,
        "same-as-unrelated-classes",
        f"'{link.one}' is {article(kinds(first))} and '{link.other}' "
        f"{article(kinds(second))}: one thing cannot be both",
        "link only ids of the same kind of thing; for a thing that concerns another, use a "
        "property such as 'about:'",
    )


def _problem(link: Identity, code: str, message: str, hint: str) -> Problem:
    return Problem(
        code=code,
        message=message,
        file=link.file,
        line=link.line,
        column=link.column,
        hint=hint,
    )
