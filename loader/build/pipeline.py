"""The build pipeline: read → graph → validate → dist/, redoing only the notes that need it.

A full build is this same path with an empty cache, so there is one pipeline, not two.
The cache (``.tradekg-cache/build.sqlite``) keeps, per note file: its content hash, the
ids it defines, the ids it refers to (and what they resolved to), its serialised graph and
its validation warnings. It is valid only for the same loader version, ontology, reference
data, shapes and queries (the *fingerprint*); any change there rebuilds everything.

Which notes are redone, and why that is enough:

- a note whose file changed (or is new) is read, mapped and validated again;
- an unchanged note that refers to an id defined by a changed (or deleted) note is mapped
  and validated again too: its triples may resolve differently, and cross-note rules
  (a commitment's obligor is a party to an agreement defined elsewhere) may change;
- nothing cascades further: an unchanged note's own triples and ids do not change, so
  notes referring to *it* are unaffected.

Validation of the redone notes sees, as context, the ontology, the reference graphs and
the graphs of every note defining an id they refer to.

The notes to redo are read, mapped, validated and serialised in shards
(:mod:`loader.build.shards`): one per core on a cold build of many notes, one in this
process otherwise. The unchanged notes' bytes are never read: :func:`write_dist` copies
them from the previous files, as it copies the shards' from the files they spilled.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from loader import __version__
from loader.build.cache import (
    BuildCache,
    NoteRecord,
    Warm,
    fingerprint,
    load_cache,
    save_cache,
    unchanged_since_last_build,
)
from loader.build.catalogue import catalogue_triples
from loader.build.export import (
    STORE,
    DistChunks,
    GraphChunks,
    dist_stamp,
    graph_chunks,
    read_manifest,
    write_dist,
)
from loader.build.shards import Inputs, ReadNotes, Shards, merge_results, shard_count, split
from loader.graph.assemble import count_instances, fixed_parts, reference_entities
from loader.graph.entity import Entity
from loader.graph.mapping import Registry, possible_duplicate, register, similar_pairs
from loader.graph.parts import GraphPart
from loader.namespaces import QUERIES_GRAPH
from loader.problems import InputError, Problem, Severity
from loader.project import Project, SourcesSetting
from loader.query.name_index import write_index
from loader.read.reference import load_reference
from loader.read.sources import ArchivedFile
from loader.read.vocabulary import Vocabulary, load_vocabulary

#: The build's stages in order, as ``on_stage`` is told them (a progress display counts them).
STAGES = (
    "check for changes",
    "read ontology and reference",
    "fixed graphs",
    "read notes",
    "register ids",
    "map, validate and serialise",
    "collect records",
    "export and index",
)


@dataclass
class BuildResult:
    """What ``tradekg build`` made: the graphs in file order, summary counts and timings."""

    graphs: list[GraphChunks]
    counts: dict[str, int]
    timings: dict[str, float]
    warnings: list[Problem]
    #: note files read, mapped and validated again in this build (all of them when full)
    redone: list[str]


class _Clock:
    """Wall time per stage, for ``tradekg build --timings`` and the benchmark."""

    def __init__(self, on_stage: Callable[[str], None] | None = None) -> None:
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()
        self._name: str | None = None
        self._on_stage = on_stage

    def stage(self, name: str) -> None:
        if self._on_stage is not None:
            self._on_stage(name)
        now = time.perf_counter()
        if self._name is not None:
            self.timings[self._name] = self.timings.get(self._name, 0.0) + now - self._start
        self._name, self._start = name, now

    def stop(self) -> dict[str, float]:
        self.stage("done")
        self.timings.pop("done", None)
        return self.timings


def build(
    project: Project,
    *,
    use_cache: bool = True,
    strict: bool = False,
    on_stage: Callable[[str], None] | None = None,
    warm: Warm | None = None,
) -> BuildResult:
    """Build ``dist/`` from the project, redoing only what changed since the last build.

    Every evidence quote of a note whose source text is archived is proved against that
    text (see :mod:`loader.read.sources`); ``strict`` makes a note whose text is not
    archived an error instead of a warning. ``on_stage`` is told the name of each stage as
    it starts (for a progress display). ``warm`` is what a long-running process keeps
    between builds (:class:`loader.build.cache.Warm`): the cache it holds is used instead of
    the one on disk, and the new one is left for ``warm.save`` to write.

    Raises:
        InputError: the ontology, reference data or a note has a problem, or a quote is not
            in its source text (nothing written).
        ValidationFailed: the data violates the shapes (nothing written).
    """
    clock = _Clock(on_stage)
    if use_cache and not strict:  # strict may turn the last build's warnings into errors
        clock.stage("check for changes")
        last = unchanged_since_last_build(project)
        if last is not None:  # no input and no output changed: touch nothing
            graphs = last.graph_chunks()
            return BuildResult(graphs, last.counts, clock.stop(), last.warnings, redone=[])
    project.cache_dir.mkdir(parents=True, exist_ok=True)
    # The shards spill their serialised notes here; write_dist copies them into dist/.
    with tempfile.TemporaryDirectory(prefix="shards-", dir=project.cache_dir) as spill:
        return _build(
            project, clock, use_cache=use_cache, strict=strict, spill=Path(spill), warm=warm
        )


def _build(
    project: Project,
    clock: _Clock,
    *,
    use_cache: bool,
    strict: bool,
    spill: Path,
    warm: Warm | None,
) -> BuildResult:
    clock.stage("read ontology and reference")
    print_, hashed = fingerprint(project)
    cache = None
    if use_cache:
        cache = warm.cache_for(print_) if warm is not None else None
        if cache is None:
            cache = load_cache(project, print_)
    if cache is not None and (cache.stamp is None or cache.stamp != dist_stamp(project.dist_dir)):
        cache = None  # dist/ was changed or removed since: its spans cannot be trusted
    parsed = warm.inputs(print_) if warm is not None else None
    if parsed is None:
        parsed = (
            load_vocabulary(project.ontology_files(), root=project.root),
            load_reference(project.reference_dir),
        )
        if warm is not None:
            warm.keep(print_, *parsed)
    vocabulary, reference = parsed

    sources = project.sources()
    files = {project.rel(path): path for path in project.note_files()}
    old = cache.notes if cache else {}
    stats: dict[str, tuple[int, int]] = {}
    digests: dict[str, str] = {}
    for file, path in files.items():
        status = path.stat()
        stats[file] = (status.st_size, status.st_mtime_ns)
        record = old.get(file)
        if record is not None and record.stat == stats[file]:
            digests[file] = record.digest
        else:
            digests[file] = hashlib.sha256(path.read_bytes()).hexdigest()

    @functools.cache  # many notes quote one text: stat (or hash) it once
    def same_text(archived: ArchivedFile | None) -> bool:
        return _same_text(archived, sources)

    unchanged = {
        f: r
        for f, r in old.items()
        if f in digests and r.digest == digests[f] and same_text(r.archived)
    }
    redo = [f for f in files if f not in unchanged]

    clock.stage("fixed graphs")
    if cache is not None and cache.fixed:
        with DistChunks(project.dist_dir) as previous:
            fixed = [previous.load(chunk) for chunk in cache.fixed]
        # Unchanged notes' bytes stay in the previous dist files until copied into the new.
        for file, record in unchanged.items():
            unchanged[file] = dataclasses.replace(
                record, chunks=record.chunks.located(project.dist_dir)
            )
        fixed_counts = cache.fixed_counts
    else:
        parts = fixed_parts(project, vocabulary, reference) + _catalogue_part(project)
        fixed = [graph_chunks(part) for part in parts]
        fixed_counts = count_instances(
            (t for p in parts if p.kind != "ontology" for t in p.triples), vocabulary
        )
        del parts

    # A cold build of many notes runs on every core; with unchanged notes there is one
    # shard, here (an incremental build redoes few notes, and only it has dependants).
    inputs = Inputs(
        project,
        vocabulary,
        reference,
        sources,
        files,
        fixed,
        {f: r.chunks for f, r in unchanged.items()},
    )
    with Shards(inputs, 1 if unchanged else shard_count(len(redo)), spill) as shards:
        clock.stage("read notes")
        read = shards.read(split(redo, len(shards)))

        clock.stage("register ids")
        base = reference_entities(reference)
        for record in unchanged.values():
            base.update(record.defines)
        registry, id_problems = _register(read, base, unchanged, vocabulary)
        pairs = similar_pairs(registry.by_id)
        # Unchanged notes that depend on what the redone (or deleted) notes define.
        touched = {i for f in redo for i in (old[f].defines if f in old else {})}
        touched |= {i for f in old if f not in files for i in old[f].defines}
        redone = set(redo)
        touched |= {i for i, e in registry.by_id.items() if e.file in redone}
        # ids a changed, new or deleted note joins with sameAs: their definers map anew
        links_read = {ids.file: ids.identities for r in read for ids in r.ids}
        joined = {
            key
            for f in [*redone, *(f for f in old if f not in files)]
            for links in (old[f].identities if f in old else (), links_read.get(f, ()))
            for link in links
            for key in (link.one, link.other)
        }
        dependants = [
            f
            for f, record in unchanged.items()
            if any(i in touched or registry.by_id.get(i) != e for i, e in record.references.items())
            or any(i in joined for i in record.defines)
        ]
        # A thing defined like one of an unchanged note's: both notes get the hint.
        dependants += sorted(
            {
                registry.by_id[other].file or ""
                for one, other in pairs
                if registry.by_id[one].file in redone and registry.by_id[other].file in unchanged
            }
            - set(dependants)
        )
        if dependants:  # only with unchanged notes, so in the one shard of this process
            read[0].extend(shards.read([dependants])[0])
            for f in dependants:
                for i in unchanged[f].defines:
                    base.pop(i, None)
                del unchanged[f]
            registry, id_problems = _register(read, base, unchanged, vocabulary)
            pairs = similar_pairs(registry.by_id)
        problems = [p for r in read for p in r.problems] + id_problems
        redone_now = {ids.file for r in read for ids in r.ids}
        problems += [
            possible_duplicate(one, other, registry.by_id)
            for one, other in pairs
            if registry.by_id[one].file in redone_now
        ]
        if strict:
            problems = [_strict(p) for p in problems]
            for record in unchanged.values():
                problems.extend(_strict(w) for w in record.warnings if w.code == _MISSING_TEXT)

        clock.stage("map, validate and serialise")
        failed = any(p.severity is Severity.ERROR for p in problems)
        mapped = shards.map(registry.by_id, registry.merged, failed=failed)
        problems.extend(p for m in mapped for p in m.problems)
        if any(p.severity is Severity.ERROR for p in problems):
            raise InputError(problems)
        # Each shard validates with the notes of other shards its notes refer to.
        owner = {ids.file: i for i, r in enumerate(read) for ids in r.ids}
        wanted: list[list[str]] = [[] for _ in read]
        for f in sorted({f for m in mapped for f in m.needs}):
            wanted[owner[f]].append(f)
        given = {f: nt for graphs in shards.graphs(wanted) for f, nt in graphs.items()}
        finished = shards.finish([{f: given[f] for f in m.needs} for m in mapped])
        del given
        warnings = merge_results(finished)
        outputs = {f: output for done in finished for f, output in done.outputs.items()}
    clock.stage("collect records")
    # The shards ran side by side: show the slowest one's stages, and what the exchange
    # between the processes added to them.
    together = clock.timings.pop("map, validate and serialise")
    slowest = max(
        ({**m.timings, **f.timings} for m, f in zip(mapped, finished, strict=True)),
        key=lambda t: sum(t.values()),
    )
    clock.timings.update(slowest)
    if len(finished) > 1:
        clock.timings["shard exchange"] = max(0.0, together - sum(slowest.values()))
    archived = {f: a for r in read for f, a in r.archived.items()}
    identities_of = {ids.file: ids.identities for r in read for ids in r.ids}
    source_warnings = {f: w for r in read for f, w in r.warnings.items()}

    defined_by: dict[str, dict[str, Entity]] = {}
    # what each note defines as it defines it (a merged id: its own thing, not the canonical)
    for i, entity in {**registry.by_id, **registry.merged}.items():
        if entity.file in outputs:
            defined_by.setdefault(entity.file, {})[i] = entity
    warnings_of: dict[str | None, list[Problem]] = {}
    # what reading, registering and mapping noted (e.g. a second label) beside the shapes'
    noted = [p for p in problems if p.severity is not Severity.ERROR and p.code != _MISSING_TEXT]
    proving = {id(p) for found in source_warnings.values() for p in found}
    noted = [p for p in noted if id(p) not in proving]
    for warning in [*noted, *warnings]:
        warnings_of.setdefault(warning.file, []).append(warning)
    records = dict(unchanged)
    for file in files:
        output = outputs.get(file)
        if output is None:
            continue
        records[file] = NoteRecord(
            file=file,
            key=output.key,
            digest=digests[file],
            stat=stats[file],
            defines=defined_by.get(file, {}),
            references=output.references,
            chunks=output.chunks,
            counts=output.counts,
            warnings=source_warnings.get(file, []) + warnings_of.get(file, []),
            archived=archived[file],
            identities=identities_of.get(file, ()),
        )
    counts = dict(fixed_counts)
    for record in records.values():
        for label, n in record.counts.items():
            counts[label] = counts.get(label, 0) + n

    clock.stage("export and index")
    outgoing = [*fixed, *(r.chunks for r in records.values())]
    # Only the written files keep the bytes from here on (write_dist empties ``outgoing``);
    # the notes' chunks hold none (they are located in the shards' spill or the old dist/).
    fixed = [chunk.stripped() for chunk in fixed]
    unchanged.clear()
    chunks = write_dist(
        outgoing,
        project.dist_dir,
        version=__version__,
        counts=counts,
        ids={key: entity.iri for key, entity in registry.by_id.items()},
        store_has=read_manifest(project.dist_dir),
        previous=_previous_graphs(cache),
    )
    # the names --param, show, find and the site search know things by (dist/names.sqlite)
    write_index(ox.Store.read_only(str(project.dist_dir / STORE)), project.dist_dir, graphs=chunks)
    by_iri = {chunk.iri: chunk for chunk in chunks}
    new_cache = BuildCache(
        fingerprint=print_,
        stamp=dist_stamp(project.dist_dir),
        fixed=[by_iri[chunk.iri] for chunk in fixed],
        fixed_counts=fixed_counts,
        notes={f: dataclasses.replace(r, chunks=by_iri[r.chunks.iri]) for f, r in records.items()},
    )
    since = (cache.stamp, sorted(outputs)) if cache is not None else None
    if warm is not None:
        warm.built(project, new_cache, hashed, since)
    else:
        save_cache(project, new_cache, hashed, since=since)
    all_warnings = [w for r in records.values() for w in r.warnings]
    return BuildResult(
        graphs=chunks,
        counts=counts,
        timings=clock.stop(),
        warnings=all_warnings,
        redone=sorted(outputs),
    )


_MISSING_TEXT = "source-text-missing"


def _previous_graphs(
    cache: BuildCache | None,
) -> tuple[list[GraphChunks], dict[str, int]] | None:
    """The last build's graphs in file order and its dump sizes, from the cache this build
    started from (whose stamp matched dist/), for the store's description graph to be
    updated by difference."""
    if cache is None or cache.stamp is None:
        return None
    graphs = sorted(
        [*cache.fixed, *(record.chunks for record in cache.notes.values())], key=lambda c: c.iri
    )
    return graphs, {name: size for name, size, _mtime in cache.stamp}


def _register(
    read: list[ReadNotes],
    base: dict[str, Entity],
    unchanged: dict[str, NoteRecord],
    vocabulary: Vocabulary,
) -> tuple[Registry, list[Problem]]:
    """The ids of the notes read, registered beside those of the unchanged notes (their
    definitions in ``base``) and merged along every note's ``sameAs`` links."""
    links = [link for record in unchanged.values() for link in record.identities]
    ids = [i for r in read for i in r.ids]
    return register(ids, base, identities=links, vocab=vocabulary)


def _strict(problem: Problem) -> Problem:
    """Under ``--strict`` a note whose source text is not archived fails the build."""
    if problem.code != _MISSING_TEXT:
        return problem
    return dataclasses.replace(
        problem, severity=Severity.ERROR, hint=f"{problem.hint} (--strict requires every text)"
    )


def _same_text(archived: ArchivedFile | None, sources: SourcesSetting) -> bool:
    """Whether the archived text a cached note was proved against is still the same.

    A note whose text appeared, disappeared or changed is redone: its quotes' places (and
    its warning) depend on the text, and the output must equal a full build's. Like notes,
    a text whose size and modification time are unchanged is not hashed again.
    """
    if archived is None:
        return True
    path = sources.path / archived.identifier
    if str(path) != archived.path:
        return False
    try:
        status = path.stat()
    except OSError:
        return archived.digest is None
    if archived.stat == (status.st_size, status.st_mtime_ns):
        return True
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == archived.digest
    except OSError:
        return False


def _catalogue_part(project: Project) -> list[GraphPart]:
    """The saved-query catalogue as a graph, when the project has saved queries."""
    if not project.query_files():
        return []
    return [GraphPart(QUERIES_GRAPH.value, "queries", "queries/", catalogue_triples(project))]
