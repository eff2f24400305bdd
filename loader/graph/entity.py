"""What a note value can refer to by id, as the registry of a build knows it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entity:
    """Something a note value can refer to by id: reference data or a note's statement."""

    iri: str
    classes: tuple[str, ...]
    file: str | None = None
    line: int | None = None
    #: the label its note or the reference data gives (generated labels of referring things
    #: use it, so a rename changes the entity and an incremental build redoes the referrers)
    label: str | None = None

    def __reduce__(
        self,
    ) -> tuple[type[Entity], tuple[str, tuple[str, ...], str | None, int | None, str | None]]:
        # The build cache pickles ~100,000 of these; the generic dataclass path is 10x slower.
        return (Entity, (self.iri, self.classes, self.file, self.line, self.label))


def where(entity: Entity) -> str:
    """Where a thing is defined, for messages: ``file:line`` or "the reference data"."""
    return f"{entity.file}:{entity.line}" if entity.file else "the reference data"


def did_you_mean(text: str, ids: Iterable[str]) -> str | None:
    """ "did you mean 'A' or 'B'?" for the ids closest to ``text``, or None."""
    close = difflib.get_close_matches(text, list(ids), n=3, cutoff=0.75)
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?" if close else None
