"""The watch's first look at the notes a save touched: their own errors, before the rebuild.

At 10,000 notes a rebuild spends seconds before it reads the edited note (the cache of every
note, the reference data, the registry of every id), so a typo would show only then. Most
errors need nothing but the note, the ontology and the reference data: YAML and structure,
unknown keys, classes and controlled values, a value of the wrong datatype, a quote that is
not in the source text. The first look finds those at once, with the vocabulary and the
reference data kept loaded while their files do not change.

It is a preview, never the verdict: it reads the note with the same functions the build
uses, reports errors only, and leaves to the build what depends on the other notes (an id
that no note defines, or defines twice; a referenced thing of the wrong kind). The build
that follows reports everything, as ``tradekg build`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress

from loader.graph.assemble import reference_entities
from loader.graph.entity import Entity
from loader.graph.mapping import map_note, note_ids, register
from loader.problems import InputError, Problem, Severity
from loader.project import Project
from loader.read.notes import note_key, read_note
from loader.read.reference import load_reference
from loader.read.sources import prove_note
from loader.read.vocabulary import Vocabulary, load_vocabulary

#: Problems that depend on what other notes define: only the whole build can judge them.
LEFT_TO_THE_BUILD = frozenset({"unknown-id", "duplicate-id", "duplicate-source-key", "wrong-kind"})
NOTE_SUFFIXES = (".yaml", ".yml")

#: (path, size, mtime_ns) of every file the kept vocabulary and reference data came from
_Stamp = tuple[tuple[str, int, int], ...]


class FirstLook:
    """Checks saved notes alone; keeps the vocabulary and reference ids between saves."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._stamp: _Stamp | None = None
        self._vocabulary: Vocabulary | None = None
        self._reference: dict[str, Entity] = {}

    def warm(self) -> None:
        """Load the vocabulary and reference data now, so the first save does not wait."""
        with suppress(InputError):  # the build reports a broken ontology in full
            self._inputs()

    def _inputs(self) -> tuple[Vocabulary, dict[str, Entity]]:
        """The vocabulary and reference ids, read again only when one of their files changed."""
        project = self.project
        files = [*project.ontology_files(), *sorted(project.reference_dir.glob("*"))]
        stamp = tuple(
            (str(path), status.st_size, status.st_mtime_ns)
            for path in files
            if path.is_file() and (status := path.stat())
        )
        if self._vocabulary is None or stamp != self._stamp:
            self._vocabulary = load_vocabulary(project.ontology_files(), root=project.root)
            self._reference = reference_entities(load_reference(project.reference_dir))
            self._stamp = stamp
        return self._vocabulary, self._reference

    def errors(self, files: Iterable[str]) -> list[Problem]:
        """The errors the saved note ``files`` (project-relative) show on their own.

        Raises:
            InputError: the ontology or the reference data cannot be read (the build says
                the same, in full).
        """
        project = self.project
        notes_dir = project.notes_dir.resolve()
        paths = []
        for file in dict.fromkeys(files):
            path = project.root / file  # as the build names it (note keys come from it)
            inside = path.resolve().is_relative_to(notes_dir)
            if path.suffix in NOTE_SUFFIXES and inside and path.is_file():
                paths.append((file, path))
        if not paths:
            return []
        vocabulary, reference = self._inputs()
        sources = project.sources()
        found: list[Problem] = []
        for file, path in paths:
            note, problems = read_note(path, file=file, key=note_key(path, project.notes_dir))
            found.extend(problems)
            if note is None:
                continue
            registry, id_problems = register([note_ids(note, vocabulary)], reference)
            evidence = prove_note(note, sources)
            found.extend(id_problems)
            found.extend(evidence.problems)
            _mapped, map_problems = map_note(note, vocabulary, registry, spans=evidence.spans)
            found.extend(map_problems)
        return [
            p for p in found if p.severity is Severity.ERROR and p.code not in LEFT_TO_THE_BUILD
        ]
