"""tradekg: build, validate, query and load a knowledge graph of trade commitments.

The package follows the data flow, one subpackage per stage, each with one face
(its ``__init__``) that names what the stage offers::

    notes, ontology, reference CSVs
      │ loader.read       files → Note, Vocabulary, ReferenceData (every value with file:line)
      │ loader.graph      notes → one named graph per note; the Assembled dataset in memory
      │ loader.validate   dataset + shapes/ → problems in the note author's words
      │ loader.build      the pipeline: read → graph → validate → dist/ (incremental, atomic)
      ├─ loader.query     saved SPARQL on dist/store or an endpoint → rows
      ├─ loader.store     dist/ → a triplestore, every graph atomic and verified
      ├─ loader.curate    quality control, canonical Turtle, diffs between versions
      └─ loader.publish   HTML documentation and pictures of the ontology and the data

Shared by every stage: :mod:`loader.project` (where things are), :mod:`loader.problems`
(input errors with file and line), :mod:`loader.namespaces` (IRIs). The ``tradekg`` command
(:mod:`loader.cli`, :mod:`loader.commands`) is thin glue over the stages.

From a notebook, :mod:`loader.api` does what the commands do::

    from loader.api import build, load, open_project, run_query, validate

    project = open_project(".")
    build(project)                      # dist/: N-Quads, TriG, Turtle, embedded store
    validate(project).conforms          # True
    run_query(project, "tariffs-at-or-above-rate", imposer="USA", rate="19")
    load(project, endpoint="http://127.0.0.1:7878", store="oxigraph")

Its examples run as doctests (``make test``); docs/API.md has more.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__version__ = "0.3.0"


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) for ``package`` whose names live in the modules
    ``homes`` gives (name → module below the package): importing the package costs nothing,
    and a command that needs one small module does not load every other module's libraries.
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{home}"), name)

    return __getattr__


@functools.cache
def code_digest() -> str:
    """A hash of the loader's own source: what a build or a site made by other code (a
    developer's edit, an upgrade without a version bump) must not be reused for, so that
    incremental output stays equal to full output."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
