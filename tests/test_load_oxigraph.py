"""``tradekg load`` and ``tradekg serve`` against a real Oxigraph server on 127.0.0.1.

No mocks: every test talks HTTP to ``oxigraph serve`` (see tests/conftest.py), and the
fault tests really kill the server process.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from load_support import (
    GRAPH,
    TRADEKG,
    expected_counts,
    graph_counts,
    note_graph,
    reference_graph,
    sample_dataset,
    select,
    serving,
    versioned,
    write_dist,
)
from seed_project import copy_seed_project

from loader.cli import main
from loader.store.dist import index_dataset, read_dist
from loader.store.http import StoreClient
from loader.store.load import STAGING_PREFIX, LoadFailed, Progress, load_dataset
from loader.store.profiles import StoreKind, profile_for
from loader.store.server import OxigraphServer, bulk_load, free_port, start_server

REPO_ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.requires("oxigraph")


def run_load(project: Path, endpoint: str, *args: str) -> Result:
    return CliRunner().invoke(
        main,
        ["load", "--project", str(project), "--endpoint", endpoint, "--backoff", "0.05", *args],
    )


@pytest.fixture
def dataset() -> dict[str, list[str]]:
    return sample_dataset()


@pytest.fixture
def project(tmp_path: Path, dataset: dict[str, list[str]]) -> Path:
    root = tmp_path / "project"
    write_dist(root, dataset)
    return root


def test_load_verifies_and_a_second_load_changes_nothing(
    project: Path, dataset: dict[str, list[str]], oxigraph_server: OxigraphServer
) -> None:
    expected = expected_counts(dataset)
    first = run_load(project, oxigraph_server.url, "--chunk-triples", "500")
    assert first.exit_code == 0, first.output
    assert "all counts verified" in first.stderr
    for iri, count in expected.items():
        assert f"{count:,}" in first.stdout and iri in first.stdout
    assert "DIFFERS" not in first.stdout and "MISSING" not in first.stdout
    assert graph_counts(oxigraph_server.query_endpoint) == expected

    second = run_load(project, oxigraph_server.url, "--chunk-triples", "500")
    assert second.exit_code == 0, second.output
    assert graph_counts(oxigraph_server.query_endpoint) == expected  # replaced, not appended
    third = run_load(project, oxigraph_server.url, "--chunk-triples", "500", "--in-place")
    assert third.exit_code == 0, third.output
    assert graph_counts(oxigraph_server.query_endpoint) == expected
    # no staging graph is left behind
    assert graph_counts(oxigraph_server.query_endpoint, prefix=STAGING_PREFIX) == {}


def test_blank_nodes_survive_a_graph_sent_in_chunks(
    project: Path, dataset: dict[str, list[str]], oxigraph_server: OxigraphServer
) -> None:
    result = run_load(project, oxigraph_server.url, "--chunk-triples", "100")
    assert result.exit_code == 0, result.output
    pairs = len(dataset[GRAPH + "reference/rates"]) // 2
    rows = select(
        oxigraph_server.query_endpoint,
        f"SELECT (COUNT(DISTINCT ?rate) AS ?n) WHERE {{ GRAPH <{GRAPH}reference/rates> "
        "{ ?m <https://w3id.org/tradekg/ontology#hasRate> ?rate . "
        "?rate <https://w3id.org/tradekg/ontology#value> ?v } }",
    )
    assert int(rows[0]["n"]) == pairs  # every measure still reaches its own rate node


def test_prune_removes_only_stale_tradekg_graphs(
    tmp_path: Path, dataset: dict[str, list[str]], oxigraph_server: OxigraphServer
) -> None:
    old = tmp_path / "old"
    write_dist(old, dataset)
    assert run_load(old, oxigraph_server.url).exit_code == 0
    # someone else's graph on the same server must survive --prune
    other = "urn:example:not-ours"
    import requests

    requests.put(
        oxigraph_server.store_endpoint,
        params={"graph": other},
        data=b"<urn:a> <urn:b> <urn:c> .\n",
        headers={"Content-Type": "application/n-triples"},
        timeout=10,
    ).raise_for_status()

    newer = dict(dataset)
    stale = GRAPH + "note/2024/old-note"
    del newer[stale]
    new = tmp_path / "new"
    write_dist(new, newer)
    kept = run_load(new, oxigraph_server.url)  # without --prune the stale graph stays
    assert kept.exit_code == 0, kept.output
    assert stale in graph_counts(oxigraph_server.query_endpoint)

    pruned = run_load(new, oxigraph_server.url, "--prune")
    assert pruned.exit_code == 0, pruned.output
    assert f"pruned <{stale}>" in pruned.stderr
    counts = graph_counts(oxigraph_server.query_endpoint)
    assert stale not in counts
    assert counts[other] == 1
    assert {k: v for k, v in counts.items() if k != other} == expected_counts(newer)


def test_dry_run_sends_nothing(project: Path, oxigraph_server: OxigraphServer) -> None:
    result = run_load(
        project, oxigraph_server.url, "--dry-run", "--prune", "--chunk-triples", "500"
    )
    assert result.exit_code == 0, result.output
    assert "nothing was sent" in result.stdout
    assert f"{oxigraph_server.store_endpoint}?graph=https%3A%2F%2Fw3id.org" in result.stdout
    assert "to staging, INSERT…WHERE" in result.stdout  # the big graph would be staged
    assert "update #1 (DELETE old + INSERT DATA, one transaction)" in result.stdout
    assert graph_counts(oxigraph_server.query_endpoint) == {}
    # a dry run needs no server at all
    offline = run_load(project, f"http://127.0.0.1:{free_port()}", "--dry-run")
    assert offline.exit_code == 0, offline.output


def test_connection_refused_is_a_clear_error(project: Path) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    result = run_load(project, endpoint, "--retries", "2")
    assert result.exit_code == 1
    assert "connection refused" in result.stderr
    assert "Traceback" not in result.output
    assert "retry 2/2" in result.stderr  # transient: retried, with a bound
    assert time.monotonic() - started < 30


def test_a_server_error_names_the_graph_and_quotes_the_server(
    tmp_path: Path, oxigraph_server: OxigraphServer
) -> None:
    bad = GRAPH + "note/2025/bad"
    root = tmp_path / "bad"
    write_dist(
        root, {GRAPH + "ontology": note_graph("o", 2), bad: ["<http://a:b:c/> <urn:p> <urn:o> ."]}
    )
    result = run_load(root, oxigraph_server.url)
    assert result.exit_code == 1
    assert f"<{bad}>" in result.stderr
    assert "HTTP 400" in result.stderr
    assert "retry" not in result.stderr  # a 400 is not worth retrying


def test_missing_dist_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "ontology").mkdir()
    result = run_load(tmp_path, "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "tradekg build" in result.stderr


def test_relative_iri_is_an_input_error(tmp_path: Path) -> None:
    """N-Triples refuses relative IRIs, but a SPARQL update would resolve them against the
    endpoint's URL and store them: the loader refuses them before sending anything."""
    root = tmp_path / "relative"
    write_dist(root, {GRAPH + "note/2025/bad": ['<urn:s> <urn:p> "x"^^<relative> .']})
    result = run_load(root, "http://127.0.0.1:9", "--dry-run")
    assert result.exit_code == 2
    assert "relative-iri" in result.stderr


def test_inconsistent_dist_is_an_input_error(project: Path) -> None:
    nquads = project / "dist" / "tradekg.nq"
    lines = nquads.read_text(encoding="utf-8").splitlines(keepends=True)
    nquads.write_text("".join(lines[1:]), encoding="utf-8")
    result = run_load(project, "http://127.0.0.1:9", "--dry-run")
    assert result.exit_code == 2
    assert "count-mismatch" in result.stderr


def test_bad_store_options_are_usage_errors(project: Path) -> None:
    result = run_load(project, "http://127.0.0.1:9", "--store", "generic")
    assert result.exit_code == 2
    assert "--query-endpoint" in result.output


def test_server_killed_mid_load_then_rerun_converges(
    tmp_path: Path, dataset: dict[str, list[str]]
) -> None:
    """Kill the server after a few chunks of the big graph; nothing is half-written, and a
    re-run against a restarted server on the same --location completes and verifies."""
    project = tmp_path / "project"
    big = GRAPH + "reference/hs2022"
    dataset[big] = reference_graph(6_000)
    write_dist(project, dataset)
    location = tmp_path / "store"
    server = start_server(location=location)
    port = server.port
    try:
        index = index_dataset(read_dist(project / "dist"))
        profile = profile_for(StoreKind.OXIGRAPH, server.url)
        chunks_of_big: list[Progress] = []

        def kill_after_three_chunks(event: Progress) -> None:
            if event.iri == big:
                chunks_of_big.append(event)
                if len(chunks_of_big) == 3:
                    server.kill()

        with (
            StoreClient(profile, retries=1, backoff=0.05, timeout=10) as client,
            pytest.raises(LoadFailed) as failure,
        ):
            load_dataset(index, client, chunk_triples=500, progress=kill_after_three_chunks)
        assert failure.value.graph == big
        assert f"<{big}>" in str(failure.value)
        assert "again" in str(failure.value)

        server = start_server(location=location, port=port)
        counts = graph_counts(server.query_endpoint)
        # the big graph was never moved into place: absent, not half-written
        assert big not in counts
        assert counts[GRAPH + "ontology"] == len(dataset[GRAPH + "ontology"])

        rerun = run_load(project, server.url, "--chunk-triples", "500")
        assert rerun.exit_code == 0, rerun.output
        assert "staging graph left by an interrupted load" in rerun.stderr
        assert graph_counts(server.query_endpoint) == expected_counts(dataset)
    finally:
        server.stop()


def test_server_killed_by_another_thread_during_load(tmp_path: Path) -> None:
    """The same fault from outside: a thread kills the server once the load is under way."""
    import threading

    project = tmp_path / "project"
    graphs = {GRAPH + f"note/n{i:03d}": note_graph(f"n{i}", 50) for i in range(200)}
    graphs[GRAPH + "reference/hs2022"] = reference_graph(20_000)
    write_dist(project, graphs)
    location = tmp_path / "store"
    server = start_server(location=location)
    port = server.port

    def killer() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if graph_counts(server.query_endpoint):
                    break
            except Exception:
                pass
            time.sleep(0.01)
        server.kill()

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        result = run_load(project, server.url, "--chunk-triples", "1000", "--retries", "1")
        thread.join()
        assert result.exit_code == 1
        assert "error: load failed while loading <https://w3id.org/tradekg/graph/" in result.stderr
        server = start_server(location=location, port=port)
        before = graph_counts(server.query_endpoint, prefix=GRAPH)
        for iri, count in before.items():
            assert count == len(graphs[iri]), f"{iri} is half-written"
        rerun = run_load(project, server.url, "--chunk-triples", "1000")
        assert rerun.exit_code == 0, rerun.output
        assert graph_counts(server.query_endpoint) == expected_counts(graphs)
    finally:
        thread.join()
        server.stop()


def test_small_graphs_are_batched_into_few_requests(
    tmp_path: Path, oxigraph_server: OxigraphServer
) -> None:
    """200 note graphs of 50 triples with --chunk-triples 2,500: 4 update requests, not 200
    PUTs; a re-load (graphs present: DELETE + INSERT DATA) gives the same counts."""
    graphs = {GRAPH + f"note/n{i:03d}": note_graph(f"n{i}", 50) for i in range(200)}
    project = tmp_path / "project"
    write_dist(project, graphs)
    index = index_dataset(read_dist(project / "dist"))
    profile = profile_for(StoreKind.OXIGRAPH, oxigraph_server.url)
    for _ in range(2):
        with StoreClient(profile, retries=0) as client:
            report = load_dataset(index, client, chunk_triples=2_500)
        assert report.ok
        assert report.requests == 4
        assert graph_counts(oxigraph_server.query_endpoint) == expected_counts(graphs)


def test_batched_terms_round_trip_exactly(tmp_path: Path, oxigraph_server: OxigraphServer) -> None:
    """N-Triples escapes inside INSERT DATA, and blank nodes of batched graphs: the server
    holds exactly what pyoxigraph parses from the same lines; two graphs in one request
    that both use the label _:b keep two different nodes (one per graph, as with GSP)."""
    import pyoxigraph

    tricky = [
        '<urn:s> <urn:p> "quote \\" and backslash \\\\ and \\\\u0041 literally" .',
        '<urn:s> <urn:p> "uchar \\u0041 \\U0001F600 \\u0022 and raw é 中" .',
        '<urn:s> <urn:p> "tab \\t newline \\n cr \\r brace } hash # ;" .',
        '<urn:s> <urn:p> "x"@en-GB .',
        '<urn:s> <urn:p> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        "<urn:s> <urn:p> <urn:o#frag?q=1&r=%20> .",
    ]
    graphs = {
        GRAPH + "note/a": [*tricky, "<urn:a> <urn:p> _:b .", '_:b <urn:v> "a" .'],
        GRAPH + "note/b": ["<urn:b> <urn:p> _:b .", '_:b <urn:v> "b" .'],
    }
    project = tmp_path / "project"
    write_dist(project, graphs)
    result = run_load(project, oxigraph_server.url)
    assert result.exit_code == 0, result.output
    expected = {
        str(t.object)
        for t in pyoxigraph.parse("\n".join(tricky).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    }
    rows = select(
        oxigraph_server.query_endpoint,
        f"SELECT ?o WHERE {{ GRAPH <{GRAPH}note/a> {{ <urn:s> <urn:p> ?o }} }}",
    )
    import requests

    answer = requests.post(
        oxigraph_server.query_endpoint,
        data={
            "query": f"CONSTRUCT {{ <urn:s> <urn:p> ?o }} "
            f"WHERE {{ GRAPH <{GRAPH}note/a> {{ <urn:s> <urn:p> ?o }} }}"
        },
        headers={"Accept": "application/n-triples"},
        timeout=10,
    )
    answer.raise_for_status()
    got = {
        str(t.object)
        for t in pyoxigraph.parse(answer.content, format=pyoxigraph.RdfFormat.N_TRIPLES)
    }
    assert len(rows) == len(tricky)
    assert got == expected
    nodes = select(
        oxigraph_server.query_endpoint,
        "SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { GRAPH ?g { ?x <urn:p> ?n . ?n <urn:v> ?v } }",
    )
    assert int(nodes[0]["c"]) == 2


@pytest.mark.parametrize("reload", [False, True], ids=["fresh", "replace"])
def test_server_killed_mid_batch_leaves_every_graph_old_or_new(
    tmp_path: Path, reload: bool
) -> None:
    """Kill the server (SIGKILL) while a batched update request is being applied, restart it
    on the same --location: every graph of the request is as before (absent, or the old
    version) or complete in the new version — never a part, never a mix — and all graphs
    of the request agree (one transaction). Several kill delays are tried so that some
    kills land while the server is applying the request."""
    import threading

    from loader.store import http as store_http

    old = {GRAPH + f"note/n{i:03d}": versioned("old", 300) for i in range(60)}
    new = {GRAPH + f"note/n{i:03d}": versioned("new", 500) for i in range(60)}
    project = tmp_path / "project"
    write_dist(project, new)
    index = index_dataset(read_dist(project / "dist"))
    states: set[str] = set()
    original = store_http.StoreClient._request
    for attempt, delay in enumerate((0.01, 0.05, 0.1, 0.2, 0.4, 0.8)):
        location = tmp_path / f"store{attempt}"
        server = start_server(location=location)
        port = server.port
        timers: list[threading.Timer] = []

        def killing_request(
            self: StoreClient,
            method: str,
            url: str,
            *,
            _delay: float = delay,
            _victim: OxigraphServer = server,
            _timers: list[threading.Timer] = timers,
            **kwargs: object,
        ) -> object:
            # the batched request: an update, or (graphs new to the server) a dataset POST
            if url.endswith(("/update", "/store")) and isinstance(kwargs.get("data"), bytes):
                timer = threading.Timer(_delay, _victim.kill)
                _timers.append(timer)
                timer.start()
            return original(self, method, url, **kwargs)  # type: ignore[arg-type]

        try:
            if reload:
                first = tmp_path / f"old{attempt}"
                write_dist(first, old)
                assert run_load(first, server.url).exit_code == 0
            profile = profile_for(StoreKind.OXIGRAPH, server.url)
            store_http.StoreClient._request = killing_request  # type: ignore[assignment,method-assign]
            try:
                with StoreClient(profile, retries=0, timeout=30) as client:
                    # one request of 30,000 triples holds all 60 graphs
                    load_dataset(index, client, chunk_triples=30_000)
            except LoadFailed as failure:
                assert "never half-written" in str(failure)
            finally:
                store_http.StoreClient._request = original  # type: ignore[method-assign]
                for timer in timers:
                    timer.join()
            assert server.process.poll() is not None  # killed, during or after the request
            server = start_server(location=location, port=port)
            counts = graph_counts(server.query_endpoint, prefix=GRAPH)
            values = {
                row["g"]: row["v"]
                for row in select(
                    server.query_endpoint,
                    "SELECT DISTINCT ?g ?v WHERE { GRAPH ?g { ?s <urn:p> ?v } }",
                )
            }
            per_graph = set()
            for iri in new:
                if iri not in counts:
                    per_graph.add("absent")
                elif counts[iri] == 500 and values[iri] == "new":
                    per_graph.add("new")
                elif counts[iri] == 300 and values[iri] == "old":
                    per_graph.add("old")
                else:
                    pytest.fail(f"{iri} is half-written: {counts[iri]} triples")
            assert len(per_graph) == 1, f"graphs of one request disagree: {per_graph}"
            states |= per_graph
            rerun = run_load(project, server.url)
            assert rerun.exit_code == 0, rerun.output
            assert graph_counts(server.query_endpoint, prefix=GRAPH) == expected_counts(new)
        finally:
            server.stop()
    # the request was in flight at some kills: the old state was seen, not only the new
    assert states & {"absent", "old"}, states


def test_credentials_never_appear_in_output(
    project: Path, oxigraph_server: OxigraphServer, tmp_path: Path
) -> None:
    secret = "s3cr3t-Pa55word-do-not-print"
    env = {**os.environ, "TRADEKG_USER": "loader", "TRADEKG_PASSWORD": secret}
    env["PATH"] = f"{TRADEKG.parent}{os.pathsep}{env.get('PATH', '')}"
    runs = [
        [str(TRADEKG), "load", "--project", str(project), "--endpoint", oxigraph_server.url],
        [
            str(TRADEKG),
            "load",
            "--project",
            str(project),
            "--endpoint",
            oxigraph_server.url,
            "--dry-run",
        ],
        # credentials in the URL, and a server that is not there
        [
            str(TRADEKG),
            "load",
            "--project",
            str(project),
            "--retries",
            "1",
            "--backoff",
            "0",
            "--endpoint",
            f"http://loader:{secret}@127.0.0.1:{free_port()}",
        ],
        # the wrong store type: refused before anything is sent (exit 2, which store it is)
        [
            str(TRADEKG),
            "load",
            "--project",
            str(project),
            "--store",
            "fuseki",
            "--retries",
            "0",
            "--endpoint",
            f"http://loader:{secret}@127.0.0.1:{oxigraph_server.port}/ds",
        ],
    ]
    codes = []
    for args in runs:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        codes.append(done.returncode)
        assert secret not in done.stdout + done.stderr, args
    assert codes == [0, 0, 1, 2]


def test_load_the_real_build(tmp_path: Path) -> None:
    """The repository's own data: `tradekg build` into a copy, then load and verify."""
    project = copy_seed_project(tmp_path / "repo", parts=("ontology", "shapes", "queries"))
    built = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert built.exit_code == 0, built.output
    manifest = read_dist(project / "dist")
    with _server(tmp_path) as server:
        result = run_load(project, server.url)
        assert result.exit_code == 0, result.output
        counts = graph_counts(server.query_endpoint)
        assert counts == {g.iri: g.triples for g in manifest.graphs if g.triples}


def test_serve_serves_dist_and_stops_on_sigterm(
    project: Path, dataset: dict[str, list[str]]
) -> None:
    with serving(project) as (base, text):
        assert f"{base}/query" in text
        assert "curl -s" in text
        counts = graph_counts(f"{base}/query")
        assert counts == expected_counts(dataset)
        # the default graph is the union of the named graphs
        union = select(f"{base}/query", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
        assert int(union[0]["n"]) == sum(counts.values())


class _server:
    """``with _server(tmp_path) as server`` — an on-disk server, always stopped."""

    def __init__(self, tmp_path: Path) -> None:
        self.location = tmp_path / "server"

    def __enter__(self) -> OxigraphServer:
        self.server = start_server(location=self.location)
        return self.server

    def __exit__(self, *exc: object) -> None:
        self.server.stop()


@pytest.mark.skipif(
    os.environ.get("TRADEKG_BENCH") != "1",
    reason="benchmark: set TRADEKG_BENCH=1 (≈1 M triples, a few minutes)",
)
def test_throughput_one_million_triples(tmp_path: Path) -> None:
    """Not part of the normal run. Prints triples/s for ~1 M triples into an on-disk
    Oxigraph, fresh and re-loaded: the old path (PUT per graph, staging + MOVE), the new
    batched path (and --in-place with TRADEKG_BENCH_IN_PLACE=1), and `oxigraph load`
    (bulk, offline) as the baseline measured in the same run."""
    size = int(os.environ.get("TRADEKG_BENCH_TRIPLES", "1000000"))
    graphs: dict[str, list[str]] = {GRAPH + "reference/hs2022": reference_graph(size * 2 // 5)}
    per_note = 600
    for i in range((size - size * 2 // 5) // per_note):
        graphs[GRAPH + f"note/bench/{i:05d}"] = note_graph(f"b{i}", per_note)
    project = tmp_path / "bench"
    write_dist(project, graphs)
    total = sum(len(v) for v in graphs.values())
    print(f"\nBENCH {total:,} triples in {len(graphs)} graphs")
    index = index_dataset(read_dist(project / "dist"))
    # "old": one PUT per graph and staging + MOVE (the path before batching, still the one
    # every store but Oxigraph takes); "new": batched updates and INSERT…WHERE from staging
    runs = [("old (PUT per graph, MOVE)", False, True), ("new (batched, default)", True, True)]
    if os.environ.get("TRADEKG_BENCH_IN_PLACE") == "1":
        runs.append(("new --in-place", True, False))
    for label, batched, staging in runs:
        with _server(tmp_path / label.split()[0] / str(staging)) as server:
            profile = dataclasses.replace(
                profile_for(StoreKind.OXIGRAPH, server.url), batch_updates=batched
            )
            started = time.monotonic()
            with StoreClient(profile, timeout=600) as client:
                report = load_dataset(index, client, staging=staging)
            elapsed = time.monotonic() - started
            assert report.ok
            print(
                f"BENCH {label}: {elapsed:.1f} s incl. verification, {total / elapsed:,.0f} "
                f"triples/s; {report.requests} requests, sending {report.seconds:.1f} s"
            )
            again = time.monotonic()
            with StoreClient(profile, timeout=600) as client:
                assert load_dataset(index, client, staging=staging).ok
            elapsed = time.monotonic() - again
            print(f"BENCH {label}, re-load (replace): {elapsed:.1f} s, {total / elapsed:,.0f}/s")
    started = time.monotonic()
    bulk_load(location=tmp_path / "bulk", file=project / "dist" / "tradekg.nq")
    elapsed = time.monotonic() - started
    print(f"BENCH oxigraph load (offline bulk): {elapsed:.1f} s, {total / elapsed:,.0f} triples/s")
