"""Note file names: any name a file system allows maps to a valid IRI, and two notes never
become one source document."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from seed_project import copy_seed_project

from loader.cli import main
from loader.namespaces import NOTE_GRAPH_PREFIX

NOTE = """\
source:
  title: "Odd Wire on {topic}"
  publisher: odd-wire-{topic}
  issued: 2025-11-01
statements:
  - a: Organization
    id: odd-wire-{topic}
    label: Odd Wire ({topic})
    evidence: "Odd Wire"
"""


def tradekg(project: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [args[0], "--project", str(project), *args[1:]])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_seed_project(tmp_path / "p", parts=("ontology", "shapes", "queries"))


def write_note(project: Path, relative: str, topic: str) -> Path:
    path = project / "data" / "notes" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NOTE.format(topic=topic), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2025/2025-11-01-odd-wire.yaml", "2025-11-01-odd-wire.yaml"),  # the folder is dropped
        ("2025/odd wire.yaml", "2025/odd-wire.yaml"),  # a space becomes '-' in the source key
    ],
)
def test_two_notes_with_one_source_key_are_an_input_error_naming_both(
    project: Path, first: str, second: str
) -> None:
    write_note(project, first, "steel")
    write_note(project, second, "rice")
    result = tradekg(project, "build", "--quiet")
    assert result.exit_code == 2, result.output
    assert "duplicate-source-key" in result.output
    assert f"data/notes/{first}" in result.output and f"data/notes/{second}" in result.output
    assert "Traceback" not in result.output
    assert not (project / "dist" / "tradekg.nq").exists()  # nothing half-written


def test_a_file_name_with_spaces_and_non_ascii_is_a_percent_encoded_graph(project: Path) -> None:
    write_note(project, "2025/2025-11-02 Ōsaka wire #1.yaml", "rice")
    result = tradekg(project, "build", "--quiet")
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(path=str(project / "dist" / "tradekg.nq"), format=ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    expected = NOTE_GRAPH_PREFIX + "2025/2025-11-02%20%C5%8Csaka%20wire%20%231"
    assert expected in graphs
    shown = tradekg(project, "show", "Odd Wire (rice)", "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert "2025/2025-11-02 Ōsaka wire #1" in shown.output  # shown as the file is named
