"""The build cache: what an incremental build keeps of each note between runs.

It lives in ``.tradekg-cache/build.pickle`` and is valid only for the same loader version,
ontology, reference data, shapes and queries (the *fingerprint*); any change there, a torn
file or a cache of another loader version simply costs one full build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field

from loader import __version__
from loader.build.export import GraphChunks
from loader.graph.mapping import Entity
from loader.problems import Problem
from loader.project import Project
from loader.read.sources import ArchivedFile

CACHE_FILE = "build.pickle"
CACHE_FORMAT = 4


@dataclass
class NoteRecord:
    """What the cache keeps of one note between builds."""

    file: str
    key: str
    digest: str
    #: (size, mtime_ns) of the file when it was hashed: unchanged stat → unchanged digest
    stat: tuple[int, int]
    defines: dict[str, Entity]
    references: dict[str, Entity]
    chunks: GraphChunks
    counts: dict[str, int]
    warnings: list[Problem]
    #: the archived source text the note's quotes were proved against (None: names none)
    archived: ArchivedFile | None = None


@dataclass
class BuildCache:
    fingerprint: str
    #: the dist files this cache's chunk spans point into (see export.dist_stamp)
    stamp: tuple[tuple[str, int, int], ...] | None = None
    fixed: list[GraphChunks] = field(default_factory=list)
    fixed_counts: dict[str, int] = field(default_factory=dict)
    notes: dict[str, NoteRecord] = field(default_factory=dict)


def fingerprint(project: Project) -> str:
    """A hash of everything besides the notes that a build's output depends on."""
    digest = hashlib.sha256(f"{__version__}/{CACHE_FORMAT}".encode())
    inputs = [
        *project.ontology_files(),
        *sorted(p for p in project.reference_dir.glob("*") if p.is_file()),
        *project.shape_files(),
        *project.query_files(),
    ]
    for path in inputs:
        digest.update(project.rel(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_cache(project: Project, expected: str) -> BuildCache | None:
    """The cache of the last successful build, if it is for the same fingerprint."""
    path = project.cache_dir / CACHE_FILE
    try:
        with path.open("rb") as stream:
            cached = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(cached, BuildCache) or cached.fingerprint != expected:
        return None
    return cached


def save_cache(project: Project, cache: BuildCache) -> None:
    """Write the cache atomically (a torn cache file would only cost a full build)."""
    project.cache_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=project.cache_dir, prefix=".build-")
    with os.fdopen(handle, "wb") as stream:
        pickle.dump(cache, stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, project.cache_dir / CACHE_FILE)
