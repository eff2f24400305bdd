"""Where things are in a tradekg project: one object instead of paths spread through the code.

A project is any folder with ``ontology/`` and ``data/`` (the repository itself, or a
researcher's copy); every command takes ``--project`` and defaults to the current folder.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from loader.problems import InputError, Problem, relative

#: The environment variable that overrides the project's ``sources`` setting.
SOURCES_ENV = "TRADEKG_SOURCES"
#: Where the source archive is when neither the environment nor pyproject.toml says.
DEFAULT_SOURCES = "data/sources"


@dataclass(frozen=True, slots=True)
class SourcesSetting:
    """Where the archive of source texts is, and which setting said so (for messages)."""

    path: Path
    origin: str

    @property
    def shown(self) -> str:
        """The folder as shown to people: relative to the current folder when inside it."""
        return relative(self.path, Path.cwd())


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

    def sources(self) -> SourcesSetting:
        """The folder of archived source texts that notes name by their source ``identifier``.

        ``TRADEKG_SOURCES`` wins (CI points it at texts that may not live in the repository),
        then ``[tool.tradekg] sources`` in the project's ``pyproject.toml``, then
        ``data/sources/``. Relative paths are taken from the project root.

        Raises:
            InputError: pyproject.toml is not valid TOML, or its setting is not a string.
        """
        from_env = os.environ.get(SOURCES_ENV, "").strip()
        if from_env:
            return SourcesSetting(self.root / Path(from_env).expanduser(), SOURCES_ENV)
        pyproject = self.root / "pyproject.toml"
        value: object = None
        if pyproject.is_file():
            try:
                settings = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                raise InputError(
                    [
                        Problem(
                            code="invalid-settings",
                            message=f"pyproject.toml cannot be read: {error}",
                            file="pyproject.toml",
                            hint="fix the TOML syntax (see https://toml.io)",
                        )
                    ]
                ) from error
            value = settings.get("tool", {}).get("tradekg", {}).get("sources")
        if value is None:
            return SourcesSetting(self.root / DEFAULT_SOURCES, "the default")
        if not isinstance(value, str) or not value.strip():
            raise InputError(
                [
                    Problem(
                        code="invalid-settings",
                        message="[tool.tradekg] sources must be a folder path as a string",
                        file="pyproject.toml",
                        hint='write e.g. sources = "data/sources"',
                    )
                ]
            )
        return SourcesSetting(
            self.root / Path(value).expanduser(), "[tool.tradekg] sources in pyproject.toml"
        )

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
