"""The site manifest: what each page was made from, so an edit rewrites only stale pages.

``.manifest.sqlite`` in the site folder holds, for the build the site was written from:

- ``graphs``: each named graph's sha256 (from ``dist/manifest.json``);
- ``reads``: per page (a thing's page, or a class's listing) the tracked IRIs it read, by
  kind (see :data:`loader.publish.site.model.Reads`), as 64-bit hashes, looked up by hash;
- ``shown``: per thing, a hash of what other pages show of it (name, kinds, whether it has a
  page), so a renamed or retyped thing makes the pages that name it stale;
- ``meta``: what makes every page stale when it changes (the code, the vocabulary), the
  conflicting statistics, and how many listing pages each class has.

It is written last into the new copy of the site, so the manifest always describes the files
beside it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: The file's name in the site folder.
NAME = ".manifest.sqlite"
#: Raised when the layout of the file changes (an older file is then ignored).
FORMAT = "2"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE graphs (iri TEXT PRIMARY KEY, sha256 TEXT NOT NULL);
CREATE TABLE pages (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE TABLE reads (h INTEGER NOT NULL, page INTEGER NOT NULL, kind INTEGER NOT NULL);
CREATE TABLE shown (h INTEGER PRIMARY KEY, digest INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE own (key TEXT PRIMARY KEY, said INTEGER NOT NULL, heard INTEGER NOT NULL);
"""
_INDEXES = "CREATE INDEX reads_by_h ON reads (h); CREATE INDEX reads_by_page ON reads (page);"


def key_hash(text: str) -> int:
    """A stable signed 64-bit hash (the same in every process and run, unlike ``hash``)."""
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


@dataclass
class PageReads:
    """What one page read: its key and (hash, kind) pairs, flat in an array (a site has
    millions of them: 16 bytes each here, not a tuple and two ints)."""

    key: str
    reads: array[int]
    #: the page's thing's :meth:`~loader.publish.site.model.SiteData.own_digests`
    own: tuple[int, int] | None = None


class Manifest:
    """An open manifest file (read or being written)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    @classmethod
    def create(cls, path: Path) -> Manifest:
        """A new, empty manifest at ``path`` (replacing any file there)."""
        path.unlink(missing_ok=True)
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(_SCHEMA)
        db.execute("BEGIN")
        return cls(db)

    @classmethod
    def open(cls, path: Path) -> Manifest | None:
        """The manifest at ``path`` for updating, or None when there is none of this format."""
        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            manifest = cls(db)
            if manifest.meta("format") != FORMAT:
                db.close()
                return None
        except sqlite3.Error:
            return None
        db.execute("BEGIN")
        return manifest

    def close(self, *, commit: bool) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT" if commit else "ROLLBACK")
        self.db.close()

    def page_keys(self) -> set[str]:
        return {key for (key,) in self.db.execute("SELECT key FROM pages")}

    # ------------------------------------------------------------------ meta and graphs

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def graphs(self) -> dict[str, str]:
        return {iri: sha for iri, sha in self.db.execute("SELECT iri, sha256 FROM graphs")}

    def set_graphs(self, graphs: dict[str, str]) -> None:
        self.db.execute("DELETE FROM graphs")
        self.db.executemany("INSERT INTO graphs VALUES (?, ?)", sorted(graphs.items()))

    def json(self, key: str) -> object:
        text = self.meta(key)
        return None if text is None else json.loads(text)

    # ------------------------------------------------------------------ what pages read

    def set_reads(self, pages: Iterable[PageReads], *, fresh: bool = False) -> None:
        """Record (or replace) what each of ``pages`` read; ``fresh``: the manifest is new
        and every key is recorded once (a quicker bulk insert)."""
        if fresh:
            listed = list(pages)
            self.db.executemany(
                "INSERT INTO pages VALUES (?, ?)", ((i, p.key) for i, p in enumerate(listed))
            )
            self.db.executemany(
                "INSERT INTO reads VALUES (?, ?, ?)",
                ((h, i, k) for i, p in enumerate(listed) for h, k in pairs(p.reads)),
            )
            self.db.executemany(
                "INSERT INTO own VALUES (?, ?, ?)",
                ((p.key, *p.own) for p in listed if p.own is not None),
            )
            return
        for page in pages:
            if page.own is not None:
                self.db.execute(
                    "INSERT OR REPLACE INTO own VALUES (?, ?, ?)", (page.key, *page.own)
                )
            found = self.db.execute("SELECT id FROM pages WHERE key = ?", (page.key,)).fetchone()
            if found is None:
                number = self.db.execute(
                    "INSERT INTO pages (key) VALUES (?)", (page.key,)
                ).lastrowid
            else:
                number = found[0]
                self.db.execute("DELETE FROM reads WHERE page = ?", (number,))
            self.db.executemany(
                "INSERT INTO reads VALUES (?, ?, ?)", ((h, number, k) for h, k in pairs(page.reads))
            )

    def drop_pages(self, keys: Iterable[str]) -> None:
        for key in keys:
            found = self.db.execute("SELECT id FROM pages WHERE key = ?", (key,)).fetchone()
            if found is not None:
                self.db.execute("DELETE FROM reads WHERE page = ?", (found[0],))
                self.db.execute("DELETE FROM pages WHERE id = ?", (found[0],))
            self.db.execute("DELETE FROM own WHERE key = ?", (key,))

    def readers(self, hashes: Iterable[int], kinds: Iterable[int]) -> set[str]:
        """The keys of the pages that read any of ``hashes`` as one of ``kinds``."""
        wanted = sorted(set(kinds))
        found: set[str] = set()
        for chunk in _chunks(sorted(set(hashes)), 500):
            marks = ",".join("?" * len(chunk))
            kinds_marks = ",".join("?" * len(wanted))
            query = (
                "SELECT DISTINCT pages.key FROM reads JOIN pages ON pages.id = reads.page "
                f"WHERE reads.h IN ({marks}) AND reads.kind IN ({kinds_marks})"
            )
            found.update(key for (key,) in self.db.execute(query, (*chunk, *wanted)))
        return found

    def own(self, keys: Iterable[str]) -> dict[str, tuple[int, int]]:
        """The recorded :attr:`PageReads.own` of those of ``keys`` that have one."""
        found: dict[str, tuple[int, int]] = {}
        for key in keys:
            row = self.db.execute("SELECT said, heard FROM own WHERE key = ?", (key,)).fetchone()
            if row is not None:
                found[key] = (int(row[0]), int(row[1]))
        return found

    def graph_sources(self) -> dict[str, str]:
        text = self.meta("graph-sources")
        found = json.loads(text) if text else {}
        return found if isinstance(found, dict) else {}

    def finish(self) -> None:
        """Index a freshly written manifest (faster than indexing while inserting)."""
        self.db.executescript(_INDEXES)

    # ------------------------------------------------------------------ what pages show

    def shown(self) -> dict[int, int]:
        return dict(self.db.execute("SELECT h, digest FROM shown"))

    def set_shown(self, shown: dict[int, int]) -> None:
        self.db.execute("DELETE FROM shown")
        self.db.executemany("INSERT INTO shown VALUES (?, ?)", sorted(shown.items()))


def packed(pairs: Iterable[tuple[int, int]]) -> array[int]:
    """(hash, kind) pairs as :attr:`PageReads.reads` holds them."""
    flat = array("q")
    for h, kind in pairs:
        flat.append(h)
        flat.append(kind)
    return flat


def pairs(flat: array[int]) -> Iterator[tuple[int, int]]:
    return zip(flat[0::2], flat[1::2], strict=True)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
