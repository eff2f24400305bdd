"""The one policy for every outgoing HTTP request: a total deadline, a size limit, streamed.

Why a watchdog: socket timeouts bound each read, not the request, so a server that trickles
one byte every few seconds holds a client for ever. Here every request runs under a
:class:`_Watch` whose timer shuts the request's socket down at the deadline, whatever the
request is doing then (connecting, sending, waiting for the status line, reading the body,
following a redirect or a Digest challenge); the blocked read returns at once and the
failure is reported as :class:`DeadlineExceeded`.

Why streamed: an answer is read in chunks and refused as soon as it passes the limit
(:class:`AnswerTooLarge`), so a 400 MB answer never sits in memory whole. The limit counts
decoded bytes, so a compressed answer cannot slip past it.

Sessions made by :func:`new_session` carry connection classes that register themselves
with the current thread's watch; a request made with :func:`fetch` on any other session
still gets the size limit and per-read timeouts, but no total deadline.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from urllib3.connection import HTTPConnection, HTTPSConnection

from loader.store.limits import DEFAULT_MAX_ANSWER, describe_size

_CHUNK = 64 * 1024
_local = threading.local()


class TransferError(Exception):
    """A request ended by the policy rather than by the server."""


class DeadlineExceeded(TransferError):
    """The whole request took longer than its deadline (``seconds``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no complete answer within {seconds:g} s")
        self.seconds = seconds


class AnswerTooLarge(TransferError):
    """The answer passed ``limit`` bytes (it was not read further)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer is larger than {describe_size(limit)}")
        self.limit = limit


class _Watch:
    """The deadline of one request: at expiry, every connection it used is shut down."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._lock = threading.Lock()
        self._connections: list[HTTPConnection] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def add(self, connection: HTTPConnection) -> None:
        with self._lock:
            if all(connection is not known for known in self._connections):
                self._connections.append(connection)
            if self.expired:
                _shut(connection)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for connection in self._connections:
                _shut(connection)


def _shut(connection: HTTPConnection) -> None:
    """Wake any read blocked on the connection's socket (it then sees end of file)."""
    sock = getattr(connection, "sock", None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


class _Watched:
    """Mix-in for urllib3 connections: each connection a request opens or reuses joins the
    thread's current watch (at ``connect``, so a TLS handshake is covered too, and at
    ``request``, for a kept-alive connection)."""

    def _join(self) -> None:
        watch: _Watch | None = getattr(_local, "watch", None)
        if watch is not None:
            watch.add(self)  # type: ignore[arg-type]

    def connect(self) -> None:
        self._join()
        super().connect()  # type: ignore[misc]

    def request(self, *args: Any, **kwargs: Any) -> Any:
        self._join()
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter with pools whose connections obey the watch."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
        return manager


class _NoAuth(AuthBase):
    """Sends no credentials, and keeps requests from looking some up in ``~/.netrc``."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (``localhost``, ``127.0.0.1``, ``::1``)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_session(url: str) -> requests.Session:
    """A session for the server at ``url`` whose :func:`fetch` requests have a total deadline.

    Proxy variables are for the outside world: a server on the loopback is reached directly.
    Credentials never come from requests' own ``~/.netrc`` look-up, which would send a
    password the redaction does not know of: the session's auth is a no-op until the caller
    sets the credentials it resolved (:mod:`loader.store.credentials`).
    """
    session = requests.Session()
    session.trust_env = not is_loopback(url)
    session.auth = _NoAuth()
    adapter = _WatchedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def fetch(
    session: requests.Session,
    method: str,
    url: str,
    *,
    seconds: float,
    limit: int = DEFAULT_MAX_ANSWER,
    read_body: bool = True,
    **kwargs: Any,
) -> requests.Response:
    """Send one request and read its whole answer within ``seconds`` and ``limit`` bytes.

    The response comes back with its body read (``response.content``; empty when not
    ``read_body``: only the status and headers were wanted), the connection closed or free.

    Raises:
        DeadlineExceeded: the request (connection, redirects, answer) took too long.
        AnswerTooLarge: the answer is larger than ``limit``.
        requests.RequestException: the connection failed for another reason.
    """
    watch = _Watch(seconds)
    previous = getattr(_local, "watch", None)
    _local.watch = watch
    watch.start()
    try:
        response = session.request(method, url, stream=True, timeout=seconds, **kwargs)
        try:
            body = _read(response, limit) if read_body else b""
        finally:
            response.close()
    except requests.Timeout:
        raise DeadlineExceeded(seconds) from None
    except (requests.RequestException, OSError):
        if watch.expired:
            raise DeadlineExceeded(seconds) from None
        raise
    finally:
        watch.cancel()
        _local.watch = previous
    if watch.expired:  # a body without length ends at the shutdown as if it were complete
        raise DeadlineExceeded(seconds)
    response._content = body
    return response


def _read(response: requests.Response, limit: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise AnswerTooLarge(limit)
    body = io.BytesIO()  # getvalue() hands over its buffer: no second copy of the answer
    size = 0
    for chunk in response.iter_content(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise AnswerTooLarge(limit)
        body.write(chunk)
    return body.getvalue()
