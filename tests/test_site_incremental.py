"""`tradekg site` after an edit: only the stale pages are written, and the site is the one
a full run writes from the same build.

A copy of the seed project is built and its site written; then a note is edited (a place is
renamed, a tariff's rate changed, a statement removed), the project rebuilt and the site
brought up to date. Every file is compared, by sha256, with a site written from scratch
into an empty folder from the same build; the files the run wrote are told by their inodes
(a file the run did not write is the old site's, linked).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from extension_support import copy_project

from loader.cli import main
from loader.project import Project
from loader.publish.site import generate_site
from loader.publish.site.manifest import NAME as MANIFEST

#: the seed article of the note the tests edit (GMT Eight on the US–ASEAN deals), found by
#: what the note records, not by its file name
ARTICLE = "001_daeb3c8afa50e279.txt"


def the_note(project: Path) -> Path:
    """The copy's note whose source is :data:`ARTICLE`."""
    for path in sorted((project / "data" / "notes").rglob("*.y*ml")):
        if f"identifier: {ARTICLE}" in path.read_text(encoding="utf-8"):
            return path
    pytest.fail(f"no note records {ARTICLE}")


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def digest(folder: Path) -> dict[str, str]:
    """Every file's sha256 but the manifest's (a record of how the pages were made: its
    rows are the same, not its bytes, which depend on the order they were written in)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def inodes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def project(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(repo_root, tmp_path_factory.mktemp("incremental"))
    invoke("build", "--project", str(root), "--quiet")
    invoke("site", "--project", str(root))
    return root


def edit(project: Path, old: str, new: str) -> None:
    path = the_note(project)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    invoke("build", "--project", str(project), "--quiet")


def bring_up_to_date(project: Path, tmp_path: Path, name: str) -> set[str]:
    """Run the site after an edit; check it against a fresh one; return the files written."""
    site = project / "dist" / "site"
    before = inodes(site)
    result = generate_site(Project.at(project))
    assert not result.full
    after = inodes(site)
    written = {p for p, ino in after.items() if before.get(p) != ino}
    fresh = generate_site(Project.at(project), tmp_path / name)
    assert fresh.full
    assert digest(site) == digest(tmp_path / name)
    return written


def test_a_renamed_place_rewrites_the_pages_that_name_it(project: Path, tmp_path: Path) -> None:
    edit(project, "    label: Kuala Lumpur\n", "    label: Kuala Lumpur (city)\n")
    written = bring_up_to_date(project, tmp_path, "fresh")
    pages = {p for p in written if p.endswith(".html") and "/" in p}
    pages -= {p for p in pages if p.startswith("query/")}
    # the place, what points at it (the summit, the visit), what it points at (Malaysia),
    # its listing, and the note's source; not the hundreds of other pages
    assert "place/kuala-lumpur.html" in pages
    assert "class/Place.html" in pages
    assert len(pages) < 12, sorted(pages)
    assert len(written) < len(inodes(project / "dist" / "site")) / 4
    assert "Kuala Lumpur (city)" in (project / "dist/site/place/kuala-lumpur.html").read_text()


def test_a_changed_rate_reaches_the_parties_pages(project: Path, tmp_path: Path) -> None:
    edit(project, "appliesTo: MYS\n    rate: 19\n", "appliesTo: MYS\n    rate: 24\n")
    written = bring_up_to_date(project, tmp_path, "fresh-rate")
    assert "state/MYS.html" in written and "state/USA.html" in written


def test_a_removed_statement_removes_its_page(project: Path, tmp_path: Path) -> None:
    path = the_note(project)
    text = path.read_text(encoding="utf-8")
    start = text.index("  - a: Place\n    id: kuala-lumpur")
    end = text.index("\n\n", start) + 2
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("    location: kuala-lumpur\n", ""))
    invoke("build", "--project", str(project), "--quiet")
    bring_up_to_date(project, tmp_path, "fresh-removed")
    assert not (project / "dist/site/place/kuala-lumpur.html").exists()


def test_an_unchanged_build_leaves_the_site_as_it_is(project: Path) -> None:
    site = project / "dist" / "site"
    before = {p: os.stat(site / p).st_mtime_ns for p in inodes(site)}
    result = generate_site(Project.at(project))
    assert result.rewritten == 0
    assert {p: os.stat(site / p).st_mtime_ns for p in inodes(site)} == before
