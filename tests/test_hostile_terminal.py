"""Text from an endpoint or a note cannot drive the terminal: control characters are shown.

An endpoint's answer (tests/hostile_support.py) and a note's label carry ``ESC ] 0;…``
(retitles the window), a bell, a carriage return (rewrites the line), a C1 CSI and a
right-to-left override. The text tables of ``query`` and ``show`` must show them as visible
characters; CSV and JSON keep the data as it is.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hostile_support import answer, hostile_server, query_project
from seed_project import copy_seed_project

from loader.cli import main
from loader.store.scrub import visible

HOSTILE = "Viet\x1b]0;pwned\x07Nam\rX\x9b2J\u202egnp.exe"
RAW = ("\x1b", "\x07", "\r", "\x9b", "\u202e")
#: a column name that sets the window title (not an SGR colour code, which click itself
#: strips from output that is not a terminal)
COLUMN = "name\x1b]2;t\x07"


def assert_nothing_raw(text: str) -> None:
    found = [hex(ord(c)) for c in RAW if c in text]
    assert not found, f"raw control characters {found} in {text!r}"


def test_visible_shows_controls_and_keeps_tabs_newlines_and_letters() -> None:
    assert visible(HOSTILE) == "Viet␛]0;pwned␇Nam␍X\\x9b2J\\u202egnp.exe"
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("\x00\x7f\u2066\u200f") == "␀␡\\u2066\\u200f"
    assert visible("Việt Nam — 東京 ✓") == "Việt Nam — 東京 ✓"


def remote_query(project: Path, url: str, *args: str) -> Result:
    endpoint = ["--endpoint", url, "--store", "generic", "--timeout", "20"]
    return CliRunner().invoke(
        main, ["query", "anything", *endpoint, *args, "--project", str(project)]
    )


@pytest.fixture
def hostile_answer() -> str:
    column = COLUMN
    return json.dumps(
        {
            "head": {"vars": [column]},
            "results": {"bindings": [{column: {"type": "literal", "value": HOSTILE}}]},
        }
    )


def test_a_query_table_shows_an_endpoints_control_characters(
    tmp_path: Path, hostile_answer: str
) -> None:
    project = query_project(tmp_path / "project")
    with hostile_server(answer(hostile_answer)) as peer:
        table = remote_query(project, peer.url)
        as_csv = remote_query(project, peer.url, "--format", "csv")
        as_json = remote_query(project, peer.url, "--format", "json")
    assert table.exit_code == 0, table.output
    assert_nothing_raw(table.stdout)
    assert "Viet␛]0;pwned␇Nam⏎X\\x9b2J\\u202egnp.exe" in table.stdout  # a cell is one line
    assert "name␛]2;t␇" in table.stdout  # the column name came from the endpoint too
    # programs get the data as the endpoint sent it
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows == [[COLUMN], [HOSTILE]]
    document = json.loads(as_json.stdout)
    assert document["head"]["vars"] == [COLUMN]
    assert document["results"]["bindings"][0][COLUMN]["value"] == HOSTILE


NOTE = """\
source:
  title: "Odd Wire on escapes"
  publisher: odd-wire-escapes
  issued: 2025-11-01
statements:
  - a: Organization
    id: odd-wire-escapes
    label: "Odd\\e]0;pwned\\aWire\\r\\u202eevil"
    evidence: "Odd Wire"
"""


def test_show_prints_a_notes_label_with_its_control_characters_visible(tmp_path: Path) -> None:
    project = copy_seed_project(tmp_path / "p", parts=("ontology", "shapes", "queries"))
    note = project / "data" / "notes" / "2025" / "2025-11-01-odd-wire-escapes.yaml"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(NOTE, encoding="utf-8")
    runner = CliRunner()
    built = runner.invoke(main, ["build", "--quiet", "--project", str(project)])
    assert built.exit_code == 0, built.output
    shown = runner.invoke(main, ["show", "odd-wire-escapes", "--project", str(project)])
    assert shown.exit_code == 0, shown.output
    assert_nothing_raw(shown.stdout)
    assert "Odd␛]0;pwned␇Wire␍\\u202eevil" in shown.stdout
    as_json = runner.invoke(
        main, ["show", "odd-wire-escapes", "--format", "json", "--project", str(project)]
    )
    assert "Odd\x1b]0;pwned\x07Wire\r\u202eevil" in json.loads(as_json.stdout)["label"]
    table = runner.invoke(
        main,
        ["query", "--file", str(_label_query(tmp_path)), "--project", str(project)],
    )
    assert table.exit_code == 0, table.output
    assert_nothing_raw(table.stdout)
    assert "Odd␛]0;pwned␇Wire⏎\\u202eevil" in table.stdout


def _label_query(folder: Path) -> Path:
    path = folder / "label.rq"
    path.write_text(
        "SELECT ?label WHERE { <https://w3id.org/tradekg/id/organization/odd-wire-escapes> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }\n",
        encoding="utf-8",
    )
    return path
