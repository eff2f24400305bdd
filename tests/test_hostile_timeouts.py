"""A silent or trickling server cannot hold ``query`` or ``load``: the deadline is per request.

The peers are real HTTP servers on 127.0.0.1 (tests/hostile_support.py); the CLI runs as a
real subprocess bounded by ``RUN_BOUND``, so a request that ignored its deadline fails the
test instead of hanging it. The trickling peer sends one byte a second, so a per-read
timeout never fires: only a total deadline ends those runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_support import (
    CREDENTIALS,
    Peer,
    hostile_server,
    query_project,
    silent,
    tradekg,
    trickle,
    trickle_headers,
)
from load_support import sample_dataset, write_dist

from loader.cli import main
from loader.commands.limits import LOAD_TIMEOUT, PROBE_TIMEOUT
from loader.store.http import StoreClient, StoreError
from loader.store.profiles import StoreKind, profile_for


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return query_project(tmp_path / "project")


@pytest.fixture
def dist_project(tmp_path: Path) -> Path:
    root = tmp_path / "dist-project"
    write_dist(root, sample_dataset(big=10))
    return root


@pytest.mark.parametrize("value", ["0", "-1", "-0.5", "abc", "nan", "inf", "", "１０"])
@pytest.mark.parametrize("command", ["query", "load"])
def test_a_timeout_that_is_not_seconds_above_zero_is_a_usage_error(
    project: Path, command: str, value: str
) -> None:
    args = ["query", "ask", "--endpoint", "http://127.0.0.1:9/sparql", "--store", "generic"]
    if command == "load":
        args = ["load", "--endpoint", "http://127.0.0.1:9"]
    result = CliRunner().invoke(main, [*args, "--timeout", value, "--project", str(project)])
    assert result.exit_code == 2, result.output
    assert "not a number of seconds above 0" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_fractional_timeout_is_honoured_against_a_silent_server(project: Path) -> None:
    with hostile_server(silent) as peer:
        result = tradekg(
            "query", "ask", "--endpoint", peer.url, "--store", "generic", "--timeout", "0.5",
            project=project,
        )  # fmt: skip
    assert result.code == 2, result.output
    assert f"{peer.url} gave no complete answer within 0.5 s" in result.stderr
    assert "[endpoint-timeout]" in result.stderr
    assert "raise --timeout" in result.stderr
    assert "Traceback" not in result.output


def test_query_against_a_trickling_server_ends_at_the_deadline(project: Path) -> None:
    with hostile_server(trickle(1.0)) as peer:
        result = tradekg(
            "query", "anything", "--endpoint", peer.url, "--store", "generic", "--timeout", "2",
            project=project, env=CREDENTIALS,
        )  # fmt: skip
    assert result.code == 2, result.output
    assert "gave no complete answer within 2 s (the whole request)" in result.stderr
    assert "Traceback" not in result.output
    assert len(peer.seen) == 1


def test_load_against_a_trickling_server_ends_at_the_deadline(dist_project: Path) -> None:
    with hostile_server(trickle(1.0)) as peer:
        result = tradekg("load", "--endpoint", peer.url, "--timeout", "2", project=dist_project)
    assert result.code == 1, result.output
    assert f"{peer.url}/query gave no complete answer within 2 s" in result.stderr
    assert "raise --timeout" in result.stderr
    assert "Traceback" not in result.output


def test_load_with_its_defaults_gives_up_on_a_silent_server(dist_project: Path) -> None:
    """No --timeout, no --retries: the probe and one request, never a retried timeout."""
    assert PROBE_TIMEOUT + LOAD_TIMEOUT < 60
    with hostile_server(silent) as peer:
        result = tradekg("load", "--endpoint", peer.url, project=dist_project)
    assert result.code == 1, result.output
    assert f"gave no complete answer within {LOAD_TIMEOUT:g} s" in result.stderr
    assert "retry" not in result.stderr
    # the probe (which store is it?) and the first request, each sent once
    assert len(peer.seen) == 2


def _client(peer: Peer, timeout: float) -> StoreClient:
    return StoreClient(profile_for(StoreKind.OXIGRAPH, peer.url), timeout=timeout, retries=3)


def test_a_timed_out_request_is_not_retried() -> None:
    with hostile_server(trickle(0.5)) as peer, _client(peer, 1.5) as client:
        with pytest.raises(StoreError) as caught:
            client.count_triples("urn:x:g")
        assert len(peer.seen) == 1
    assert "no complete answer within 1.5 s" in str(caught.value)
    assert caught.value.transient


def test_a_server_trickling_its_headers_is_cut_off_too() -> None:
    """The deadline holds before the answer has begun: the status line itself trickles."""
    with (
        hostile_server(trickle_headers(0.5)) as peer,
        _client(peer, 1.5) as client,
        pytest.raises(StoreError) as caught,
    ):
        client.put_graph("urn:x:g", b"<urn:x:s> <urn:x:p> <urn:x:o> .\n")
    assert "no complete answer within 1.5 s" in str(caught.value)


def test_query_against_a_server_trickling_its_headers_ends_at_the_deadline(project: Path) -> None:
    with hostile_server(trickle_headers(0.5)) as peer:
        result = tradekg(
            "query", "ask", "--endpoint", peer.url, "--store", "generic", "--timeout", "1.5",
            project=project,
        )  # fmt: skip
    assert result.code == 2, result.output
    assert "gave no complete answer within 1.5 s" in result.stderr
