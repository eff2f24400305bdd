"""What a person sees: quiet rebuilds, a progress bar only at a terminal, ``--version``.

The build tests run ``tradekg build`` on a copy of the project; the progress bar is drawn on
a real pseudo-terminal (``pty``) and on a plain file.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from seed_project import copy_seed_project

from loader.cli import main
from loader.commands.progress import ProgressBar
from loader.namespaces import OWL

REPO = Path(__file__).resolve().parent.parent
SUMMARY = "unchanged note"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_seed_project(tmp_path / "project")


def build(project: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--quiet", *args])
    assert result.exit_code == 0, result.output
    return result


def problem_lines(result: Result) -> list[str]:
    """The lines that report a note's problem (``file:line: level: …``)."""
    return [line for line in result.stderr.splitlines() if line.startswith("data/notes/")]


def test_a_rebuild_of_unchanged_notes_prints_one_summary_line(project: Path) -> None:
    first = build(project)
    reported = problem_lines(first)
    assert reported, "the seed notes have warnings: the test would check nothing without them"
    again = build(project)
    assert problem_lines(again) == []
    summary = [line for line in again.stderr.splitlines() if SUMMARY in line]
    assert len(summary) == 1 and "tradekg validate" in summary[0]
    assert again.stderr.strip() == summary[0]
    notes = len({line.split(":", 1)[0] for line in reported})
    assert f"in {notes} unchanged notes" in summary[0]
    verbose = build(project, "--verbose")
    assert sorted(problem_lines(verbose)) == sorted(reported)
    assert SUMMARY not in verbose.stderr


def test_a_rebuild_prints_in_full_the_problems_of_the_notes_it_redid(project: Path) -> None:
    first = problem_lines(build(project))
    edited = first[0].split(":", 1)[0]
    path = project / edited
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    again = build(project)
    redone = problem_lines(again)
    assert [line for line in first if line.startswith(edited + ":")] == [
        line for line in redone if line.startswith(edited + ":")
    ]
    assert len([line for line in again.stderr.splitlines() if SUMMARY in line]) <= 1


def test_progress_bar_draws_on_a_terminal_only(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "w", encoding="utf-8", closefd=False) as terminal:
            with ProgressBar(10, "stage one", stream=terminal, delay=0) as bar:
                bar.update(4, label="stage two")
                bar.update(10)
            terminal.flush()
        drawn = os.read(leader, 65536).decode("utf-8", "replace")
    finally:
        os.close(leader)
        os.close(follower)
    assert "stage two" in drawn and "#" in drawn
    log = tmp_path / "stderr.log"
    with (
        log.open("w", encoding="utf-8") as plain,
        ProgressBar(10, "stage one", stream=plain, delay=0) as bar,
    ):
        bar.update(10, label="stage two")
    assert log.read_text(encoding="utf-8") == ""


def test_version_names_the_ontology_and_the_engines(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from loader.cli import main; main()", "--version"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    store = ox.Store()
    store.load(path=str(project / "ontology" / "tradekg.ttl"), format=ox.RdfFormat.TURTLE)
    version_info = ox.NamedNode(OWL + "versionInfo")
    (info,) = [q.object.value for q in store.quads_for_pattern(None, version_info, None)]
    assert lines[0] == f"tradekg {metadata.version('tradekg')}"
    assert lines[1].startswith(f"ontology {info} ")
    assert lines[2].startswith(f"pyoxigraph {metadata.version('pyoxigraph')} ")
    assert lines[3].startswith(f"oxigraph {metadata.version('oxigraph')} ")


def test_version_imports_no_rdf_library() -> None:
    code = (
        "import sys\n"
        "from loader.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "loaded = {'rdflib', 'pyoxigraph', 'pyshacl'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_a_table_in_a_narrow_terminal_fits_its_width() -> None:
    """In a terminal of 100 columns every line of a wide answer fits (cells cut with …, and
    the row count says so); the widest columns give way first, short ones stay whole."""
    import pyoxigraph as ox

    from loader.query.output import render
    from loader.query.result import Solutions

    long = "Strategic Realignments in Asia-Pacific: The Vietnam–US Trade Breakthrough " * 2
    rows = [[ox.Literal(long), ox.Literal("19"), ox.Literal("Viet Nam")] for _ in range(3)]
    text = render(Solutions(["source", "rate", "target"], rows), fmt="table", total_width=100)
    lines = text.splitlines()
    assert all(len(line) <= 100 for line in lines), lines
    assert lines[2].split()[-2:] == ["19", "Viet"] or "Viet Nam" in lines[2]
    assert "…" in lines[2] and "--format csv" in lines[-1]
    whole = render(Solutions(["source", "rate", "target"], rows), fmt="table")
    assert long.strip() in whole and "--format csv" not in whole
