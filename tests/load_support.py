"""Test helpers for ``tradekg load``: small datasets in the dist/ layout, and SPARQL counts.

The datasets are written the way ``tradekg build`` writes them (a manifest and sorted
N-Quads), so the loader is tested on its real input format without depending on the
build (which has its own tests).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result

from loader.cli import main
from loader.store.server import OxigraphServer, free_port, start_server

GRAPH = "https://w3id.org/tradekg/graph/"
ID = "https://w3id.org/tradekg/id/"
TKG = "https://w3id.org/tradekg/ontology#"

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
#: The account of a new Virtuoso database.
USER, PASSWORD = "dba", "dba"

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {d}
TempDBSize = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 5
ServerThreads = 5

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 600
"""


@dataclass
class Virtuoso:
    url: str
    sql_port: int

    @property
    def sparql(self) -> str:
        """The anonymous, read-only endpoint."""
        return self.url + "/sparql"


@contextmanager
def start_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """A new Virtuoso database in ``folder`` on free loopback ports, stopped on exit.

    Shared by the fixtures of test_load_virtuoso.py (one server per test) and
    test_saved_queries_virtuoso.py (one server per module).
    """
    assert VIRTUOSO is not None and ISQL is not None
    folder.mkdir(parents=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=folder, sql=sql_port, http=http_port), encoding="utf-8")
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Virtuoso(url=f"http://127.0.0.1:{http_port}", sql_port=sql_port)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"virtuoso-t exited with {process.returncode}: see {folder}")
            try:
                answer = requests.get(server.sparql, params={"query": "ASK {}"}, timeout=2)
                if answer.status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail("Virtuoso did not answer within 60 s")
            time.sleep(0.25)
        yield server
    finally:
        subprocess.run(
            [ISQL, f"127.0.0.1:{sql_port}", USER, PASSWORD, "-K"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def write_dist(
    root: Path, graphs: Mapping[str, Iterable[str]], *, kinds: Mapping[str, str] | None = None
) -> Path:
    """A project at ``root`` whose dist/ holds ``graphs`` (IRI → N-Triples lines)."""
    (root / "ontology").mkdir(parents=True, exist_ok=True)
    dist = root / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    quads: list[str] = []
    entries = []
    for iri, lines in graphs.items():
        triples = sorted(set(lines))
        quads += [f"{line.rstrip().removesuffix('.').rstrip()} <{iri}> .\n" for line in triples]
        kind = (kinds or {}).get(iri) or iri.removeprefix(GRAPH).split("/")[0]
        entries.append({"iri": iri, "kind": kind, "source": "test", "triples": len(triples)})
    (dist / "tradekg.nq").write_text("".join(sorted(quads)), encoding="utf-8")
    manifest = {"version": "test", "graphs": entries, "counts": {}}
    (dist / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return dist


def reference_graph(size: int) -> list[str]:
    """``size`` triples about HS-like codes: IRIs and literals only."""
    lines = []
    for i in range(size // 2):
        code = f"<{ID}hs2022/{i:06d}>"
        lines.append(f'{code} <http://www.w3.org/2004/02/skos/core#notation> "{i:06d}" .')
        lines.append(f'{code} <http://www.w3.org/2000/01/rdf-schema#label> "Code {i} \\"x\\""@en .')
    return lines


def blank_node_graph(pairs: int) -> list[str]:
    """``2 * pairs`` triples in which each IRI points at its own blank node."""
    lines = []
    for i in range(pairs):
        lines.append(f"<{ID}measure/m{i}> <{TKG}hasRate> _:rate{i} .")
        lines.append(f'_:rate{i} <{TKG}value> "{i}"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    return lines


def note_graph(key: str, size: int) -> list[str]:
    return [
        f'<{ID}tariff-measure/{key}-{i}> <{TKG}note> "note {key}, statement {i} — é" .'
        for i in range(size)
    ]


def sample_dataset(*, big: int = 2_400) -> dict[str, list[str]]:
    """An ontology with blank nodes, one big reference graph, and three notes."""
    ontology = [
        f"<{TKG}Measure> <http://www.w3.org/2000/01/rdf-schema#subClassOf> _:r .",
        f"_:r <http://www.w3.org/2002/07/owl#onProperty> <{TKG}hasRate> .",
        f'<{TKG}Measure> <http://www.w3.org/2000/01/rdf-schema#label> "Measure"@en .',
    ]
    return {
        GRAPH + "ontology": ontology,
        GRAPH + "reference/hs2022": reference_graph(big),
        GRAPH + "reference/rates": blank_node_graph(big // 4),
        GRAPH + "note/2025/us-vnm": note_graph("us-vnm", 7),
        GRAPH + "note/2025/eu-asean": note_graph("eu-asean", 5),
        GRAPH + "note/2024/old-note": note_graph("old", 3),
    }


def select(query_url: str, sparql: str, *, auth: object = None) -> list[dict[str, str]]:
    response = requests.post(
        query_url,
        data={"query": sparql},
        headers={"Accept": "application/sparql-results+json"},
        auth=auth,  # type: ignore[arg-type]
        timeout=30,
    )
    response.raise_for_status()
    return [
        {name: term["value"] for name, term in row.items()}
        for row in response.json()["results"]["bindings"]
    ]


def graph_counts(query_url: str, *, auth: object = None, prefix: str = "") -> dict[str, int]:
    """Every named graph's triple count (optionally only graphs under ``prefix``)."""
    rows = select(
        query_url,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }} GROUP BY ?g',
        auth=auth,
    )
    return {row["g"]: int(row["n"]) for row in rows}


def expected_counts(graphs: Mapping[str, Iterable[str]]) -> dict[str, int]:
    return {iri: len(set(lines)) for iri, lines in graphs.items()}


def load_into_virtuoso(
    project: Path, virtuoso: Virtuoso, *args: str, password: str = PASSWORD
) -> Result:
    """``tradekg load --store virtuoso`` into ``virtuoso`` with digest credentials from env."""
    return CliRunner(env={"TRADEKG_USER": USER, "TRADEKG_PASSWORD": password}).invoke(
        main,
        [
            "load",
            "--project",
            str(project),
            "--store",
            "virtuoso",
            "--endpoint",
            virtuoso.url,
            "--backoff",
            "0.1",
            *args,
        ],
    )


def versioned(version: str, size: int) -> list[str]:
    """``size`` triples whose object is ``version``: one graph's old or new content."""
    return [f'<urn:s{i}> <urn:p> "{version}" .' for i in range(size)]


TRADEKG = Path(sys.executable).parent / "tradekg"


@contextmanager
def serving(project: Path, *args: str) -> Iterator[tuple[str, str]]:
    """Run ``tradekg serve``; yield its base URL and banner; stop it with SIGTERM (and
    assert that it exits 0)."""
    port = free_port()
    process = subprocess.Popen(
        [str(TRADEKG), "serve", "--project", str(project), "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = []
        for line in process.stdout:
            banner.append(line)
            if line.startswith("Stop with"):
                break
        yield f"http://127.0.0.1:{port}", "".join(banner)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@contextmanager
def server_with(nquads: Path, folder: Path) -> Iterator[OxigraphServer]:
    """A real on-disk Oxigraph server (union default graph) holding ``nquads``, one raw POST."""
    running = start_server(location=folder)
    try:
        response = requests.post(
            running.store_endpoint,
            data=nquads.read_bytes(),
            headers={"Content-Type": "application/n-quads"},
            timeout=60,
        )
        assert response.status_code in (200, 201, 204), response.text
        yield running
    finally:
        running.stop()
