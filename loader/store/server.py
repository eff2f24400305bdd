"""Start and stop a real Oxigraph server (PyPI ``oxigraph``) on 127.0.0.1.

Used by ``tradekg serve``, by the benchmark and by the tests' fixture, so that all of
them run the same, real triplestore. The server has no authentication: it is only ever
bound to the loopback address.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from loader.problems import InputError, Problem


class OxigraphUnavailable(RuntimeError):
    """The ``oxigraph`` command is not installed or the server did not come up."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def bind_port(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0: any free port), bound now so that nobody
    else can take the port between the check and the start.

    Raises:
        InputError: another program holds the port (code ``port-in-use``), or it cannot be
            bound at all.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is not "in use"
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        busy = error.errno == errno.EADDRINUSE
        message = (
            f"port {port} on 127.0.0.1 is already in use by another program"
            if busy
            else f"cannot listen on 127.0.0.1:{port}: {error.strerror}"
        )
        hint = (
            "stop the program that holds it (e.g. an earlier tradekg serve), or choose another "
            "port with --port N (--port 0: any free port)"
        )
        code = "port-in-use" if busy else "port-unusable"
        raise InputError([Problem(code, message, hint=hint)]) from None
    return sock


def port_is_free(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:``port`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # as the server itself binds: a port whose last connections linger in TIME_WAIT
        # (a server just killed) is free; one another program listens on is not
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def oxigraph_command() -> str:
    """The path of the ``oxigraph`` server binary; raises :class:`OxigraphUnavailable`.

    Looked up on PATH, then next to the running Python: ``.venv/bin/pytest`` or
    ``.venv/bin/tradekg`` run without activating the virtualenv still find the server
    that ``pip install oxigraph`` put in the same ``bin/``.
    """
    found = shutil.which("oxigraph")
    if found is None:
        beside = Path(sys.executable).parent / "oxigraph"
        if beside.is_file() and os.access(beside, os.X_OK):
            return str(beside)
        raise OxigraphUnavailable(
            "the 'oxigraph' command is not on PATH; install it with 'pip install oxigraph'"
        )
    return found


def bulk_load(*, location: Path, file: Path, timeout: float | None = None) -> None:
    """Load ``file`` (format from its extension) into the store at ``location``, offline.

    ``oxigraph load`` is Oxigraph's bulk loader and is atomic (all or nothing); it is much
    faster than sending the same data over HTTP, so ``tradekg serve`` uses it before
    starting the server. No server may have ``location`` open at the same time.

    Raises:
        OxigraphUnavailable: the binary is missing, or the load failed (its message).
    """
    location.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [oxigraph_command(), "load", "--location", str(location), "--file", str(file)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip()[-2000:]
        raise OxigraphUnavailable(f"oxigraph load of {file} failed: {message}")


@dataclass
class OxigraphServer:
    """A running server: its base URL and process. Stop it with :meth:`stop`."""

    process: subprocess.Popen[bytes]
    port: int
    location: Path | None
    read_only: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_endpoint(self) -> str:
        return self.url + "/query"

    @property
    def update_endpoint(self) -> str:
        return self.url + "/update"

    @property
    def store_endpoint(self) -> str:
        return self.url + "/store"

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (a background server ignores SIGINT), then SIGKILL if it does not exit."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """Kill the server abruptly (for fault tests): no chance to flush or answer."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def start_server(
    *,
    location: Path | None = None,
    port: int | None = None,
    union_default_graph: bool = True,
    startup_timeout: float = 15.0,
    quiet: bool = True,
    own_session: bool = False,
    read_only: bool = False,
) -> OxigraphServer:
    """Start ``oxigraph serve`` on 127.0.0.1 and wait until it answers.

    ``location`` None means an in-memory store. The default graph is the union of the named
    graphs by default, which is what the saved queries assume. ``own_session`` starts the
    server in its own session, so that a Ctrl-C in the terminal reaches only the caller,
    which then stops the server itself (``tradekg serve``) instead of both racing to exit.
    ``read_only`` runs ``oxigraph serve-read-only``: the server itself refuses SPARQL Update
    and Graph Store writes (403), so what it serves cannot drift from what was loaded; it
    needs an on-disk ``location``.

    Raises:
        OxigraphUnavailable: the binary is missing or the server did not answer in time.
        ValueError: ``read_only`` without a ``location``.
    """
    if read_only and location is None:
        raise ValueError("a read-only Oxigraph server needs an on-disk location")
    if port is not None and not port_is_free(port):
        raise OxigraphUnavailable(f"port {port} on 127.0.0.1 is already in use by another program")
    port = port or free_port()
    mode = "serve-read-only" if read_only else "serve"
    args = [oxigraph_command(), mode, "--bind", f"127.0.0.1:{port}"]
    if location is not None:
        location.mkdir(parents=True, exist_ok=True)
        args += ["--location", str(location)]
    if union_default_graph:
        args.append("--union-default-graph")
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(args, stdout=output, stderr=output, start_new_session=own_session)
    server = OxigraphServer(process=process, port=port, location=location, read_only=read_only)
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise OxigraphUnavailable(f"oxigraph exited with code {process.returncode} at start")
        try:
            with urllib.request.urlopen(server.url + "/", timeout=1) as response:
                # an answer while our process has exited came from another server
                if response.status == 200 and process.poll() is None:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    server.stop()
    raise OxigraphUnavailable(f"oxigraph did not answer on {server.url} in {startup_timeout} s")


@contextlib.contextmanager
def running_server(**kwargs: object) -> Iterator[OxigraphServer]:
    """``with running_server() as server:`` — always stopped, even when the body fails."""
    server = start_server(**kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
