"""Credentials never follow a redirect to another host.

A server (or a proxy in front of it) that answers ``302 Location: http://elsewhere/…`` must
not receive the user's password on the way. ``requests`` (which ``load`` and ``query`` send
through) drops a Basic ``Authorization`` header when the host changes, but its Digest
handler answers the new host's challenge again. So when credentials are in play, a redirect
to another scheme, host or port is not followed at all: it is an error that names where it
pointed, and the user decides. Redirects within the same origin are followed as usual.
"""

from __future__ import annotations

from typing import Any
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
