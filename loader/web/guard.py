"""Who may write: same-origin tools yes, pages of other sites no (issue 22: a page on another
origin could POST ``DROP ALL`` to a writable server).

A browser marks every request a page makes with ``Sec-Fetch-Site`` (Chromium, Firefox,
Safari) and ``Origin`` (every browser, on a POST); a tool such as curl or ``tradekg load``
sends neither. So a write is refused when either header says the request came from another
site, and accepted when both are absent or both name this server. ``Host`` is checked too,
so a page on a domain that resolves to 127.0.0.1 (DNS rebinding) is not this server.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

#: ``Sec-Fetch-Site`` values a write may carry: the server's own pages, or typed by the user.
SAME_SITE_FETCH = frozenset({"same-origin", "none"})
#: Methods that never change the graph.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def own_origins(port: int) -> frozenset[str]:
    """The origins this server's own pages have."""
    return frozenset({f"http://127.0.0.1:{port}", f"http://localhost:{port}"})


def own_hosts(port: int) -> frozenset[str]:
    """The ``Host`` headers a request to this server carries."""
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})


def foreign_write(headers: Mapping[str, str], origins: Collection[str]) -> str | None:
    """Why a write with these headers must be refused, or None when it may go ahead.

    >>> mine = own_origins(7878)
    >>> foreign_write({}, mine) is None                                 # curl, tradekg load
    True
    >>> foreign_write({"origin": "http://127.0.0.1:7878", "sec-fetch-site": "same-origin"}, mine)
    >>> foreign_write({"origin": "http://evil.example"}, mine)
    'the request comes from a page of http://evil.example, not from this server'
    >>> foreign_write({"sec-fetch-site": "cross-site"}, mine)
    'the request comes from a page of another site (Sec-Fetch-Site: cross-site)'
    """
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in SAME_SITE_FETCH:
        return f"the request comes from a page of another site (Sec-Fetch-Site: {fetch_site})"
    origin = headers.get("origin")
    if origin is not None and origin not in origins:
        return f"the request comes from a page of {origin[:80]}, not from this server"
    return None
