"""Hostile peers for the tests: small real HTTP servers on 127.0.0.1 that misbehave on purpose.

A peer stalls (accepts the request, never answers), trickles (one byte every few seconds),
echoes every request header back in a 500 (as a debug page or a careless proxy does), or
answers a fixed body (malformed SPARQL JSON, escape sequences, a huge answer). Each runs in
daemon threads of a ``ThreadingHTTPServer`` on a free port; every wait in a handler is on the
server's ``stop`` event with a bound, so leaving the ``with`` block ends them all at once and
no test can hang on a peer. The CLI runs as a real subprocess, also with a bound.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from loader.store.credentials import PASSWORD_ENV, USER_ENV

#: No handler waits longer than this, whatever the test does.
WAIT_BOUND = 120.0
#: No CLI run in these tests takes longer than this (a hang fails instead of blocking).
RUN_BOUND = 90.0
TRADEKG = Path(sys.executable).parent / "tradekg"

USER = "alice"
PASSWORD = "s3cret-Pa55word"
CREDENTIALS = {"TRADEKG_USER": USER, "TRADEKG_PASSWORD": PASSWORD}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stop: threading.Event
    behaviour: Behaviour
    seen: list[dict[str, str]]


class PeerHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append(dict(self.headers.items()))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
            self.server.behaviour(self, body)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass

    def wait(self, seconds: float) -> bool:
        """Wait ``seconds`` (bounded); True when the server is stopping."""
        return self.server.stop.wait(min(seconds, WAIT_BOUND))

    def send(self, status: int, body: bytes, content_type: str, *, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()


#: What a peer does with one request: the handler (to answer with) and the request body.
Behaviour = Callable[[PeerHandler, bytes], None]


@dataclass
class Peer:
    """A running hostile server: its base URL and the headers of every request it got."""

    url: str
    seen: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def hostile_server(behaviour: Behaviour) -> Iterator[Peer]:
    """A server on 127.0.0.1 (a free port) that treats every request with ``behaviour``."""
    httpd = _Server(("127.0.0.1", 0), PeerHandler)
    httpd.stop = threading.Event()
    httpd.behaviour = behaviour
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Peer(f"http://127.0.0.1:{httpd.server_address[1]}", httpd.seen)
    finally:
        httpd.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def silent(handler: PeerHandler, body: bytes) -> None:
    """Accept the request and never answer (until the test ends)."""
    handler.wait(WAIT_BOUND)


def trickle(interval: float, content_type: str = "application/sparql-results+json") -> Behaviour:
    """Send the headers of a 200, then the body one byte every ``interval`` seconds."""

    def behave(handler: PeerHandler, body: bytes) -> None:
        payload = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}' + b" " * 10_000
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        for byte in payload:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            if handler.wait(interval):
                return

    return behave


def trickle_headers(interval: float) -> Behaviour:
    """Send the status line and headers themselves one byte every ``interval`` seconds."""

    def behave(handler: PeerHandler, body: bytes) -> None:
        head = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"z" * 10_000 + b"\r\n\r\n"
        for byte in head:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            if handler.wait(interval):
                return

    return behave


def echo_headers(status: int = 500) -> Behaviour:
    """Answer ``status`` with a debug page that quotes every request header and the body."""

    def behave(handler: PeerHandler, body: bytes) -> None:
        lines = [f"{name}: {value}" for name, value in handler.headers.items()]
        page = "Internal error while handling\n" + "\n".join(lines) + "\n\n"
        page += body[:2000].decode("utf-8", errors="replace")
        handler.send(status, page.encode(), "text/plain; charset=utf-8")

    return behave


def echo_headers_json(status: int = 500) -> Behaviour:
    """Like :func:`echo_headers`, as a JSON object (the shape of many API error bodies)."""

    def behave(handler: PeerHandler, body: bytes) -> None:
        headers = dict(sorted(handler.headers.items()))  # Authorization among the first
        document = {"request": {"headers": headers, "body": body[:500].decode()}, "error": 1}
        handler.send(status, json.dumps(document).encode(), "application/json")

    return behave


def challenge_then(behaviour: Behaviour) -> Behaviour:
    """Ask for credentials (Basic and Digest challenges) until a request carries some, then
    treat it with ``behaviour``: the path of a real server that wants a login."""

    def behave(handler: PeerHandler, body: bytes) -> None:
        if handler.headers.get("Authorization") is None:
            handler.send_response(401)
            handler.send_header(
                "WWW-Authenticate", 'Digest realm="SPARQL", nonce="n0nce", qop="auth"'
            )
            handler.send_header("Content-Length", "0")
            handler.send_header("Connection", "close")  # every peer closes after one answer
            handler.end_headers()
            return
        behaviour(handler, body)

    return behave


def answer(
    body: bytes | str,
    content_type: str = "application/sparql-results+json",
    status: int = 200,
) -> Behaviour:
    """Answer every request with this fixed body."""
    data = body.encode() if isinstance(body, str) else body

    def behave(handler: PeerHandler, request: bytes) -> None:
        handler.send(status, data, content_type)

    return behave


def huge(size: int, *, declared: bool) -> Behaviour:
    """Stream a SPARQL JSON answer of ``size`` bytes (Content-Length ``declared`` or not)."""
    opening = b'{"head": {"vars": ["x"]}, "results": {"bindings": ['
    row = b'{"x": {"type": "literal", "value": "' + b"y" * 200 + b'"}},'

    def behave(handler: PeerHandler, request: bytes) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        if declared:
            handler.send_header("Content-Length", str(size))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(opening)
        sent = len(opening)
        block = row * 300
        while sent < size and not handler.server.stop.is_set():
            piece = block[: size - sent]
            handler.wfile.write(piece)
            sent += len(piece)

    return behave


@dataclass(frozen=True)
class Run:
    """One finished CLI run."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def tradekg(*args: str, project: Path, env: dict[str, str] | None = None) -> Run:
    """Run the real ``tradekg`` command (bounded by :data:`RUN_BOUND`), with ``env`` added."""
    # credentials only when the test gives them, never the developer's own
    environment = {k: v for k, v in os.environ.items() if k not in (USER_ENV, PASSWORD_ENV)}
    environment["NO_COLOR"] = "1"
    environment.update(env or {})
    done = subprocess.run(
        [str(TRADEKG), *args, "--project", str(project)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=RUN_BOUND,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def query_project(root: Path) -> Path:
    """A project with one saved SELECT (``anything``) and one ASK (``ask``), no build."""
    (root / "queries").mkdir(parents=True)
    (root / "ontology").mkdir()
    (root / "queries" / "anything.rq").write_text(
        "#+ summary: a few triples\nSELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3\n",
        encoding="utf-8",
    )
    (root / "queries" / "ask.rq").write_text(
        "#+ summary: is there anything?\nASK { ?s ?p ?o }\n", encoding="utf-8"
    )
    return root
