"""Where things are in a tradekg project: one object instead of paths spread through the code.

A project is any folder with ``ontology/`` and ``data/`` (the repository itself, or a
researcher's copy); every command takes ``--project`` and defaults to the current folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loader.problems import InputError, Problem, relative


@dataclass(frozen=True, slots=True)
class Project:
    """The folders of one project, resolved against its root."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def notes_dir(self) -> Path:
        return self.root / "data" / "notes"

    @property
    def reference_dir(self) -> Path:
        return self.root / "data" / "reference"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    @property
    def store_dir(self) -> Path:
        """The embedded SPARQL store written by ``tradekg build``."""
        return self.dist_dir / "store"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".tradekg-cache"

    def ontology_files(self) -> list[Path]:
        return sorted(self.ontology_dir.glob("*.ttl"))

    def note_files(self) -> list[Path]:
        return sorted(p for p in self.notes_dir.rglob("*") if p.suffix in {".yaml", ".yml"})

    def shape_files(self) -> list[Path]:
        return sorted(self.shapes_dir.glob("*.ttl"))

    def query_files(self) -> list[Path]:
        return sorted(self.queries_dir.glob("*.rq"))

    def rel(self, path: Path) -> str:
        """A path as shown to users: relative to the project root where possible."""
        return relative(path, self.root)

    @classmethod
    def at(cls, root: Path | str) -> Project:
        """The project rooted at ``root``; raises :class:`InputError` if it has no ontology."""
        path = Path(root).resolve()
        if not (path / "ontology").is_dir():
            raise InputError(
                [
                    Problem(
                        code="not-a-project",
                        message=f"{path} is not a tradekg project (it has no ontology/ folder)",
                        hint="run the command in the project folder or pass --project DIR",
                    )
                ]
            )
        return cls(path)
