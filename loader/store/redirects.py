"""Credentials never follow a redirect to another host.

A server (or a proxy in front of it) that answers ``302 Location: http://elsewhere/…`` must
not receive the user's password on the way. ``requests`` drops a Basic ``Authorization``
header when the host changes, but its Digest handler answers the new host's challenge
again; ``urllib`` (under SPARQLWrapper) copies every header, ``Authorization`` included, to
the new host. So when credentials are in play, a redirect to another scheme, host or port is
not followed at all: it is an error that names where it pointed, and the user decides.
Redirects within the same origin are followed as usual.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import requests

from loader.store.credentials import bare_url


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: what must stay the same for credentials to be sent."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def refusal(source: str, target: str) -> str:
    """The message for a redirect that was not followed."""
    return (
        f"{bare_url(source)} redirected to {bare_url(target)}, another host: not followed, so the "
        f"credentials were not sent there; if that server is the right one, give its URL as "
        "--endpoint"
    )


class CrossHostRedirect(urllib.error.URLError):
    """A redirect to another origin, refused because the request carries credentials."""


class SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirect handling, except that credentials never leave their origin."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        target = urljoin(req.full_url, newurl)
        carries = req.has_header("Authorization") or req.has_header("Proxy-authorization")
        if carries and origin(target) != origin(req.full_url):
            raise CrossHostRedirect(refusal(req.full_url, target))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def refuse_cross_host_redirects(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """A ``requests`` response hook for sessions with credentials (see the module docstring).

    Raises:
        requests.TooManyRedirects: the response redirects to another origin (not followed).
    """
    if not response.is_redirect:
        return
    target = urljoin(response.url, response.headers.get("Location", ""))
    if origin(target) != origin(response.url):
        raise requests.TooManyRedirects(refusal(response.url, target), response=response)


def guard_urllib() -> None:
    """Make ``urllib.request.urlopen`` (which SPARQLWrapper calls) refuse cross-host redirects
    of requests with credentials.

    urllib has one process-wide opener, so this is called right before every query that
    sends credentials. With Digest auth SPARQLWrapper installs its own opener inside
    ``query()``, replacing this one; that is safe all the same, because urllib's Digest
    handler sends its ``Authorization`` as an unredirected header, which urllib never copies
    to a redirected request (tests/test_connection.py checks both schemes).
    """
    urllib.request.install_opener(urllib.request.build_opener(SameOriginRedirects()))
