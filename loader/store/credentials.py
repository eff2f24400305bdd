"""Credentials for a triplestore, and keeping them out of everything the loader prints.

Looked up in this order: user info in the endpoint URL (``http://user:pw@host/…``), the
environment (``TRADEKG_USER`` / ``TRADEKG_PASSWORD``), then ``~/.netrc`` for the host.
The password lives only in :class:`Credentials` (whose ``repr`` hides it) and in the HTTP
auth handler; URLs are shown without user info, and :func:`redact`
(:mod:`loader.store.scrub`) scrubs any text that might quote them back (a server's error
message, an exception from the HTTP library), in every form they travel in.
"""

from __future__ import annotations

import base64
import netrc
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote, urlsplit, urlunsplit

from loader.store.scrub import MASK as MASK
from loader.store.scrub import redact as redact

USER_ENV = "TRADEKG_USER"
PASSWORD_ENV = "TRADEKG_PASSWORD"


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user name and password; ``repr``/``str`` never show the password."""

    user: str
    password: str = field(repr=False)
    origin: str = "environment"

    def __str__(self) -> str:
        return f"user {self.user!r} (from {self.origin})"

    def secrets(self) -> tuple[str, ...]:
        """The strings that must never be printed: the password as typed and as it travels
        (percent-encoded in a URL or form, inside the Basic base64 of ``user:password`` with
        and without padding, URL-safe or not)."""
        if not self.password:
            return ()
        pair = f"{self.user}:{self.password}".encode()
        encoded = [base64.b64encode(pair), base64.urlsafe_b64encode(pair)]
        forms = {self.password, quote(self.password, safe=""), quote_plus(self.password)}
        for value in encoded:
            text = value.decode("ascii")
            forms |= {text, text.rstrip("=")}
        return tuple(sorted(forms, key=len, reverse=True))


def strip_userinfo(url: str) -> tuple[str, Credentials | None]:
    """``url`` without ``user:password@``, and the credentials it carried (if any)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    credentials = Credentials(
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        origin="the endpoint URL",
    )
    return clean, credentials


def mask_url(url: str) -> str:
    """``url`` fit to print: any ``user:password@`` replaced by ``***@``."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    netloc = MASK + "@" + parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def bare_url(url: str) -> str:
    """``url`` without user info, query string or fragment: scheme, host, port and path,
    for messages that name a server."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


def resolve_credentials(
    endpoint: str,
    *,
    environ: Mapping[str, str] | None = None,
    netrc_file: Path | None = None,
) -> tuple[str, Credentials | None]:
    """The endpoint without user info, and the credentials to use for it (or None).

    A broken ``~/.netrc`` is ignored rather than fatal: stores without authentication
    (Oxigraph, a local Fuseki) must keep working whatever that file holds.
    """
    clean, from_url = strip_userinfo(endpoint)
    if from_url is not None:
        return clean, from_url
    env = os.environ if environ is None else environ
    user = env.get(USER_ENV)
    password = env.get(PASSWORD_ENV)
    if user or password:
        return clean, Credentials(user=user or "", password=password or "", origin="environment")
    host = urlsplit(clean).hostname
    path = netrc_file if netrc_file is not None else Path.home() / ".netrc"
    if host and path.is_file():
        try:
            entry = netrc.netrc(str(path)).authenticators(host)
        except (netrc.NetrcParseError, OSError):
            entry = None
        if entry is not None:
            login, _account, secret = entry
            return clean, Credentials(user=login or "", password=secret or "", origin=str(path))
    return clean, None
