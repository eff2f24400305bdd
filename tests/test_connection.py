"""Connection profiles are checked like input, and credentials never follow a redirect.

The profile tests write real ``tradekg.toml`` / ``pyproject.toml`` files and run the CLI. The
redirect tests run two real HTTP servers on the loopback: one on 127.0.0.1 that redirects
every request, one on 127.0.0.2 that records what it receives and asks for credentials
(Basic and Digest challenges), as a hostile or misconfigured host would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from loader.cli import main
from loader.store.connection import connect, read_profiles
from loader.store.credentials import Credentials
from loader.store.http import StoreClient, StoreError
from loader.store.profiles import StoreKind, profile_for

SECRET = "hunter2-do-not-print"
CREDENTIALS = {"TRADEKG_USER": "alice", "TRADEKG_PASSWORD": SECRET}


def run(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, [*args, "--project", str(project)])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "queries").mkdir(parents=True)
    (root / "ontology").mkdir()
    (root / "queries" / "ask.rq").write_text(
        "#+ summary: is there anything at all?\nASK { ?s ?p ?o }\n", encoding="utf-8"
    )
    return root


def test_profiles_from_both_files(project: Path) -> None:
    (project / "tradekg.toml").write_text(
        '[profiles.prod]\nendpoint = "https://sparql.example.org/ds"\nstore = "fuseki"\n',
        encoding="utf-8",
    )
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.tradekg.profiles.vt]\n'
        'endpoint = "http://127.0.0.1:8890"\nstore = "virtuoso"\n',
        encoding="utf-8",
    )
    assert set(read_profiles(project)) == {"prod", "vt"}
    prod = connect(project, endpoint=None, store=None, profile="prod")
    assert prod is not None
    assert prod.query_url == "https://sparql.example.org/ds/query"
    vt = connect(project, endpoint=None, store=None, profile="vt")
    assert vt is not None and vt.profile.kind is StoreKind.VIRTUOSO
    assert vt.auth.value == "digest" and vt.query_url.endswith("/sparql-auth")
    # a flag on the command line wins over the profile
    moved = connect(project, endpoint="http://127.0.0.1:9999", store=None, profile="vt")
    assert moved is not None and moved.query_url == "http://127.0.0.1:9999/sparql-auth"


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        (
            '[profiles.prod]\nendpoint = "http://h"\npassword = "' + SECRET + '"\n',
            "credential-in-config",
            ["tradekg.toml:3", "TRADEKG_PASSWORD", "never read from a config file"],
        ),
        (
            '[profiles.prod]\nendpoint = "http://alice:' + SECRET + '@h"\n',
            "credential-in-config",
            ["tradekg.toml:2", "user:password@"],
        ),
        (
            '[profiles.prod]\nendpoint = "http://h"\nendpiont = "http://h"\n',
            "unknown-config-key",
            ["tradekg.toml:3", "'endpiont'", "a profile may have: endpoint"],
        ),
        (
            '[profiles.prod]\nendpoint = "http://h"\nstore = "blazegraph"\n',
            "bad-config",
            ["tradekg.toml:3", "unknown store 'blazegraph'", "oxigraph"],
        ),
        ('[profiles.prod\nendpoint = "http://h"\n', "bad-config", ["tradekg.toml:1", "TOML"]),
    ],
)
def test_bad_config_is_refused_with_why(
    project: Path, text: str, code: str, words: list[str]
) -> None:
    (project / "tradekg.toml").write_text(text, encoding="utf-8")
    result = run(project, "query", "ask", "--profile", "prod")
    assert result.exit_code == 2, result.output
    assert f"[{code}]" in result.stderr
    for word in words:
        assert word in result.stderr
    assert SECRET not in result.output and "Traceback" not in result.output


def test_unknown_profile_lists_the_known_ones(project: Path) -> None:
    (project / "tradekg.toml").write_text(
        '[profiles.staging]\nendpoint = "http://127.0.0.1:1"\n', encoding="utf-8"
    )
    for command in (["query", "ask"], ["load"]):
        result = run(project, *command, "--profile", "prod")
        assert result.exit_code == 2, result.output
        assert "no connection profile 'prod' (defined: staging)" in result.stderr
        assert "Traceback" not in result.output


def test_a_bad_endpoint_is_a_usage_error(project: Path) -> None:
    result = run(project, "query", "ask", "--endpoint", "ftp://example.org")
    assert result.exit_code == 2
    assert "--endpoint" in result.stderr and "Traceback" not in result.output


def test_store_without_endpoint_and_profile_without_endpoint_are_usage_errors(
    project: Path,
) -> None:
    alone = run(project, "query", "ask", "--store", "virtuoso")
    assert alone.exit_code == 2
    assert "--store and --auth go with --endpoint" in alone.output
    (project / "tradekg.toml").write_text('[profiles.empty]\nstore = "fuseki"\n', "utf-8")
    empty = run(project, "query", "ask", "--profile", "empty")
    assert empty.exit_code == 2
    assert "profile 'empty' has no endpoint" in empty.stderr


# -- redirects ------------------------------------------------------------------------------


@dataclass
class Recorder:
    """What the other host received: (method, path, Authorization header or None)."""

    requests: list[tuple[str, str, str | None]] = field(default_factory=list)


def _recording_handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            authorization = self.headers.get("Authorization")
            recorder.requests.append((self.command, self.path, authorization))
            if authorization is None:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="SPARQL"')
                self.send_header(
                    "WWW-Authenticate", 'Digest realm="SPARQL", nonce="n0nce", qop="auth"'
                )
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = b'{"head": {}, "boolean": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _redirecting_handler(target: str, code: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(code)
            self.send_header("Location", target + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _serve(host: str, handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    httpd = ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def other_host() -> Iterator[tuple[str, Recorder]]:
    """A server on 127.0.0.2 (another host) that records requests and asks for credentials."""
    recorder = Recorder()
    for url in _serve("127.0.0.2", _recording_handler(recorder)):
        yield url, recorder


def redirector(target: str, code: int) -> Iterator[str]:
    """A server on 127.0.0.1 that redirects every request to ``target`` with ``code``."""
    return _serve("127.0.0.1", _redirecting_handler(target, code))


@pytest.mark.parametrize("code", [301, 302, 303])
def test_query_credentials_never_follow_a_redirect_to_another_host(
    project: Path, other_host: tuple[str, Recorder], code: int
) -> None:
    target, recorder = other_host
    for base in redirector(target, code):
        for auth in ("basic", "digest"):
            result = run(
                project,
                "query",
                "ask",
                "--endpoint",
                base + "/sparql",
                "--store",
                "generic",
                "--auth",
                auth,
                env=CREDENTIALS,
            )
            assert result.exit_code == 2, result.output
            assert SECRET not in result.output
            assert "Traceback" not in result.output
            if auth == "basic":
                assert "another host: not followed" in result.stderr
                assert "[redirect-to-other-host]" in result.stderr
    assert all(authorization is None for _m, _p, authorization in recorder.requests)


def test_query_follows_a_redirect_without_credentials(
    project: Path, other_host: tuple[str, Recorder]
) -> None:
    """The guard is about credentials: without any, the redirect is followed as usual."""
    target, recorder = other_host
    for base in redirector(target, 302):
        result = run(project, "query", "ask", "--endpoint", base, "--store", "generic")
    assert result.exit_code == 2  # the other host wants credentials: 401, said clearly
    assert "401" in result.stderr
    assert recorder.requests and recorder.requests[0][2] is None


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("kind", [StoreKind.OXIGRAPH, StoreKind.VIRTUOSO])
def test_load_credentials_never_follow_a_redirect_to_another_host(
    other_host: tuple[str, Recorder], code: int, kind: StoreKind
) -> None:
    target, recorder = other_host
    for base in redirector(target, code):
        profile = profile_for(kind, base)  # Basic for Oxigraph, Digest for Virtuoso
        with (
            StoreClient(
                profile, credentials=Credentials("alice", SECRET), retries=0, timeout=10
            ) as client,
            pytest.raises(StoreError) as caught,
        ):
            client.put_graph("urn:x:g", b"<urn:x:s> <urn:x:p> <urn:x:o> .\n")
    assert "another host: not followed" in str(caught.value)
    assert SECRET not in str(caught.value)
    assert recorder.requests == []


def test_load_cli_refuses_the_redirect_and_names_it(
    tmp_path: Path, other_host: tuple[str, Recorder]
) -> None:
    from load_support import sample_dataset, write_dist

    project = tmp_path / "dist-project"
    write_dist(project, sample_dataset(big=10))
    target, recorder = other_host
    for base in redirector(target, 307):
        result = run(project, "load", "--endpoint", base, "--retries", "0", env=CREDENTIALS)
    assert result.exit_code == 1, result.output
    assert "another host: not followed" in result.stderr
    assert SECRET not in result.output and "Traceback" not in result.output
    assert all(authorization is None for _m, _p, authorization in recorder.requests)
