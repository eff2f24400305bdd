"""``tradekg load`` sends only what changed, verifies with one query, and stays atomic.

Against a real ``oxigraph serve`` on 127.0.0.1; the fault test kills the server process.
The datasets carry per-graph sha256 hashes in their manifest, as ``tradekg build`` writes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from load_support import (
    GRAPH,
    expected_counts,
    graph_counts,
    note_graph,
    reference_graph,
    select,
    versioned,
)

from loader.cli import main
from loader.store.dist import index_dataset, read_dist
from loader.store.http import StoreClient
from loader.store.load import SHA256, LoadFailed, LoadReport, load_dataset
from loader.store.profiles import StoreKind, profile_for
from loader.store.server import OxigraphServer, start_server


def write_hashed_dist(root: Path, graphs: Mapping[str, list[str]]) -> None:
    """dist/ for ``graphs`` with each graph's sha256 in the manifest (as the build has it)."""
    dist = root / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    (root / "ontology").mkdir(exist_ok=True)
    quads: list[str] = []
    entries = []
    for iri, lines in graphs.items():
        mine = sorted(f"{line.rstrip().removesuffix('.').rstrip()} <{iri}> .\n" for line in lines)
        quads += mine
        digest = hashlib.sha256("".join(mine).encode()).hexdigest()
        entries.append({"iri": iri, "kind": "note", "triples": len(mine), "sha256": digest})
    (dist / "tradekg.nq").write_text("".join(sorted(quads)), encoding="utf-8")
    manifest = {"version": "test", "graphs": entries, "counts": {}}
    (dist / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


class RecordingClient(StoreClient):
    """A real client that also keeps every request body it sends (what went over the wire)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.sent: list[str] = []

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        data = kwargs.get("data")
        if isinstance(data, bytes):
            self.sent.append(data.decode())
        elif isinstance(data, dict) and "update" in data:
            self.sent.append(data["update"])
        return super()._request(method, url, **kwargs)


def load(
    project: Path, server: OxigraphServer, *, chunk: int = 2_000, force: bool = False
) -> tuple[LoadReport, list[str]]:
    index = index_dataset(read_dist(project / "dist"))
    profile = profile_for(StoreKind.OXIGRAPH, server.url)
    client = RecordingClient(profile, retries=0)
    try:
        report = load_dataset(index, client, chunk_triples=chunk, force=force)
    finally:
        client.close()
    return report, client.sent


def versions(server: OxigraphServer) -> dict[str, str]:
    """Graph → the content hash recorded on the server."""
    rows = select(server.query_endpoint, f"SELECT ?g ?h WHERE {{ ?g <{SHA256}> ?h }}")
    return {row["g"]: row["h"] for row in rows}


def manifest_hashes(project: Path) -> dict[str, str]:
    data = json.loads((project / "dist" / "manifest.json").read_text(encoding="utf-8"))
    return {g["iri"]: g["sha256"] for g in data["graphs"]}


@pytest.fixture
def graphs() -> dict[str, list[str]]:
    found = {GRAPH + f"note/n{i:02d}": note_graph(f"n{i}", 40) for i in range(30)}
    found[GRAPH + "reference/hs2022"] = reference_graph(5_000)  # staged: above the chunk size
    return found


def test_reload_of_an_unchanged_build_sends_nothing(
    tmp_path: Path, graphs: dict[str, list[str]], oxigraph_server: OxigraphServer
) -> None:
    project = tmp_path / "project"
    write_hashed_dist(project, graphs)
    first, _ = load(project, oxigraph_server)
    assert first.ok and first.triples == sum(expected_counts(graphs).values())
    assert first.skipped == []
    # the hashes are recorded, and the named graphs on the server are exactly the manifest's
    assert versions(oxigraph_server) == manifest_hashes(project)
    assert graph_counts(oxigraph_server.query_endpoint) == expected_counts(graphs)

    second, updates = load(project, oxigraph_server)
    assert updates == []  # no update request at all: no data sent
    assert second.triples == 0 and second.requests == 0 and second.graphs == 0
    assert sorted(second.skipped) == sorted(graphs)
    assert second.ok and {c.iri: c.remote for c in second.checks} == expected_counts(graphs)


def test_a_changed_graph_is_sent_again_and_only_it(
    tmp_path: Path, graphs: dict[str, list[str]], oxigraph_server: OxigraphServer
) -> None:
    project = tmp_path / "project"
    write_hashed_dist(project, graphs)
    assert load(project, oxigraph_server)[0].ok
    changed_note, changed_big = GRAPH + "note/n07", GRAPH + "reference/hs2022"
    graphs[changed_note] = note_graph("n7-edited", 41)
    graphs[changed_big] = reference_graph(5_002)
    write_hashed_dist(project, graphs)

    report, updates = load(project, oxigraph_server)
    assert report.ok
    assert set(graphs) - set(report.skipped) == {changed_note, changed_big}
    assert report.triples == 41 + 5_002
    assert not any("note/n08" in update for update in updates)
    assert graph_counts(oxigraph_server.query_endpoint) == expected_counts(graphs)
    assert versions(oxigraph_server) == manifest_hashes(project)
    edited = select(
        oxigraph_server.query_endpoint,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{changed_note}> {{ ?s ?p ?o "
        'FILTER(CONTAINS(STR(?o), "n7-edited")) } }',
    )
    assert int(edited[0]["n"]) == 41


def test_a_graph_changed_on_the_server_is_repaired(
    tmp_path: Path, graphs: dict[str, list[str]], oxigraph_server: OxigraphServer
) -> None:
    """Same hash recorded, but someone removed a triple: the count gives it away."""
    project = tmp_path / "project"
    write_hashed_dist(project, graphs)
    assert load(project, oxigraph_server)[0].ok
    victim = GRAPH + "note/n03"
    requests.post(
        oxigraph_server.update_endpoint,
        data={"update": f"DELETE WHERE {{ GRAPH <{victim}> {{ ?s ?p ?o }} }}"},
        timeout=10,
    ).raise_for_status()
    report, _ = load(project, oxigraph_server)
    assert report.ok
    assert set(graphs) - set(report.skipped) == {victim}
    assert graph_counts(oxigraph_server.query_endpoint) == expected_counts(graphs)

    forced, _ = load(project, oxigraph_server, force=True)
    assert forced.ok and forced.skipped == [] and forced.graphs == len(graphs)


def test_cli_reload_says_nothing_was_sent(
    tmp_path: Path, graphs: dict[str, list[str]], oxigraph_server: OxigraphServer
) -> None:
    project = tmp_path / "project"
    write_hashed_dist(project, graphs)
    args = ["load", "--project", str(project), "--endpoint", oxigraph_server.url]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "sent 0 triples in 0 graphs (0 requests)" in second.stderr
    assert "all counts verified" in second.stderr


class KillingClient(StoreClient):
    """A real client that has the server killed ``delay`` s after a request that carries
    graphs (a batched update, or a dataset POST) starts."""

    def __init__(self, *args: object, victim: OxigraphServer, delay: float, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.timers: list[threading.Timer] = []
        self.victim, self.delay = victim, delay

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        if isinstance(kwargs.get("data"), bytes):
            self.timers.append(threading.Timer(self.delay, self.victim.kill))
            self.timers[-1].start()
        return super()._request(method, url, **kwargs)


@pytest.mark.parametrize("reload", [False, True], ids=["fresh-post", "replace-update"])
def test_killed_mid_batch_the_recorded_hash_always_matches_the_content(
    tmp_path: Path, reload: bool
) -> None:
    """Kill the server (SIGKILL) while one batched request writes 60 graphs — a dataset POST
    into a fresh store, or an update replacing old versions — and restart it on the same
    --location: each graph is absent, wholly old or wholly new, and its recorded hash is the
    hash of exactly what it holds (one transaction); the re-run then converges."""
    old = {GRAPH + f"note/n{i:03d}": versioned("old", 300) for i in range(60)}
    new = {GRAPH + f"note/n{i:03d}": versioned("new", 500) for i in range(60)}
    first, second = tmp_path / "old", tmp_path / "new"
    write_hashed_dist(first, old)
    write_hashed_dist(second, new)
    old_hash, new_hash = manifest_hashes(first), manifest_hashes(second)
    states: set[str] = set()
    for attempt, delay in enumerate((0.01, 0.05, 0.1, 0.2, 0.4)):
        location = tmp_path / f"store{attempt}"
        server = start_server(location=location)
        port = server.port
        try:
            if reload:
                assert load(first, server, chunk=30_000)[0].ok
            index = index_dataset(read_dist(second / "dist"))
            profile = profile_for(StoreKind.OXIGRAPH, server.url)
            client = KillingClient(profile, retries=0, timeout=30, victim=server, delay=delay)
            try:
                load_dataset(index, client, chunk_triples=30_000)
            except LoadFailed as failure:
                assert "never half-written" in str(failure)
            finally:
                client.close()
                for timer in client.timers:
                    timer.join()
            assert server.process.poll() is not None  # killed, during or after the request
            server = start_server(location=location, port=port)
            counts = graph_counts(server.query_endpoint, prefix=GRAPH)
            recorded = versions(server)
            seen = set()
            for iri in new:
                if iri not in counts and iri not in recorded:
                    seen.add("absent")
                elif counts.get(iri) == 500 and recorded.get(iri) == new_hash[iri]:
                    seen.add("new")
                elif counts.get(iri) == 300 and recorded.get(iri) == old_hash[iri]:
                    seen.add("old")
                else:
                    pytest.fail(f"{iri}: {counts.get(iri)} triples, hash {recorded.get(iri)}")
            assert len(seen) == 1, f"graphs of one request disagree: {seen}"
            states |= seen
            rerun, _ = load(second, server, chunk=30_000)
            assert rerun.ok
            assert rerun.graphs == (0 if seen == {"new"} else 60)
            assert versions(server) == new_hash
            assert graph_counts(server.query_endpoint, prefix=GRAPH) == expected_counts(new)
        finally:
            server.stop()
    # some kill landed before the request was applied: not only the new state was seen
    assert states & {"old", "absent"}, states
