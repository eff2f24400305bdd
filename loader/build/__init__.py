"""Stage 4, build: the validated dataset → ``dist/`` (N-Quads, TriG, Turtle, store, manifest).

Takes a :class:`~loader.project.Project`; gives a :class:`BuildResult` and the files of
``dist/``. The pipeline reads and maps through :mod:`loader.read` and :mod:`loader.graph`,
calls :mod:`loader.validate`, and redoes only the notes that changed (the cache).

- :mod:`loader.build.pipeline` — :func:`build`, the one entry point;
- :mod:`loader.build.cache` — what is kept of each note between builds;
- :mod:`loader.build.catalogue` — the saved queries as a graph;
- :mod:`loader.build.export` — canonical files, manifest and embedded store, written atomically;
- :mod:`loader.build.void` — the VoID + DCAT description of what was written.
"""

from loader.build.pipeline import BuildResult, build

__all__ = ["BuildResult", "build"]
