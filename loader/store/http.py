"""HTTP to a triplestore: Graph Store Protocol writes, SPARQL queries and updates, retried.

One :class:`StoreClient` per load keeps one keep-alive session (a thousand note graphs are
a thousand requests). Every request goes through :meth:`StoreClient._request`, which

* retries what is worth retrying — connection errors, timeouts, 502/503/504 — with
  exponential backoff and a bounded number of tries, because a store that is restarting or
  behind a proxy that is reloading usually answers a few seconds later;
* fails at once on anything else (400 bad data, 401/403 credentials, 404 wrong URL, 500),
  because repeating the same request would give the same answer;
* gives up on a request that is not answered in full within ``timeout`` seconds (a total
  deadline, :mod:`loader.store.transport`), without retrying it: a store that could not
  answer in that time is unlikely to the next time, and a silent server must not hold a
  load for minutes;
* turns every failure into a :class:`StoreError` that names the graph, the URL (never with
  credentials) and the server's own message, shortened, redacted and with its control
  characters made visible.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from loader.store.credentials import Credentials, bare_url
from loader.store.limits import DEFAULT_MAX_ANSWER, describe_size
from loader.store.profiles import AuthScheme, StoreProfile
from loader.store.redirects import refuse_cross_host_redirects
from loader.store.scrub import scrub
from loader.store.transport import AnswerTooLarge, DeadlineExceeded, fetch, new_session

TRANSIENT_STATUS = frozenset({502, 503, 504})
MESSAGE_LIMIT = 300
_TAG = re.compile(r"<![^>]*>|</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_SPACE = re.compile(r"\s+")


class StoreError(Exception):
    """A request to the store failed; the message says what, for which graph, and why.

    ``transient`` is true for failures that a later run may not meet (the server was
    unreachable, slow or overloaded), false for ones it will (bad data, bad credentials).
    """

    def __init__(
        self,
        message: str,
        *,
        graph: str | None = None,
        status: int | None = None,
        transient: bool = False,
    ) -> None:
        super().__init__(message)
        self.graph = graph
        self.status = status
        self.transient = transient


def server_message(response: requests.Response, secrets: Iterable[str] = ()) -> str:
    """The server's explanation from an error response: tags removed, one line, scrubbed
    (:func:`~loader.store.scrub.scrub`, before it is shortened, so that a cut cannot leave
    half a credential unrecognised), shortened.

    Virtuoso answers errors with an HTML page whose text quotes IRIs in ``<…>``; only real
    tags are removed (``<urn:…>`` and ``<https://…>`` are kept).
    """
    text = response.content[: 20 * MESSAGE_LIMIT].decode("utf-8", errors="replace")
    text = scrub(html.unescape(_SPACE.sub(" ", _TAG.sub(" ", text))).strip(), secrets)
    if len(text) > MESSAGE_LIMIT:
        text = text[: MESSAGE_LIMIT - 1].rstrip() + "…"
    return text or "(no message)"


def describe_connection_error(error: Exception) -> str:
    """Why a connection failed, in words (requests nests the cause in repr text)."""
    text = str(error)
    if "Connection refused" in text:
        return "connection refused (is the store running and is --endpoint right?)"
    if "RemoteDisconnected" in text or "Connection aborted" in text or "reset by peer" in text:
        return "the server closed the connection (did it stop or crash?)"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host"
    return text.split("(Caused by", 1)[-1].strip(" ()") or text


def _auth(profile: StoreProfile, credentials: Credentials) -> AuthBase:
    if profile.auth is AuthScheme.DIGEST:
        return HTTPDigestAuth(credentials.user, credentials.password)
    return HTTPBasicAuth(credentials.user, credentials.password)


class StoreClient:
    """Requests to one store described by a :class:`StoreProfile`.

    ``retries`` is how many times a transient failure is retried (so ``retries + 1`` tries
    at most); the waits are ``backoff``, ``2 * backoff``, ``4 * backoff`` … seconds.
    ``on_retry`` is told about each retry (the CLI prints it on stderr).
    """

    def __init__(
        self,
        profile: StoreProfile,
        *,
        credentials: Credentials | None = None,
        timeout: float = 60.0,
        max_answer: int = DEFAULT_MAX_ANSWER,
        retries: int = 3,
        backoff: float = 0.5,
        on_retry: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.profile = profile
        self.timeout = timeout
        self.max_answer = max_answer
        self.retries = max(0, retries)
        self.backoff = backoff
        self.on_retry = on_retry
        self._sleep = sleep
        self._secrets = credentials.secrets() if credentials is not None else ()
        self._session = new_session(profile.gsp_url)
        if credentials is not None:
            self._session.auth = _auth(profile, credentials)
            self._session.hooks["response"].append(refuse_cross_host_redirects)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> StoreClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def redact(self, text: str) -> str:
        """Text fit to show: credentials redacted, control characters visible."""
        return scrub(text, self._secrets)

    def _request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        graph: str | None = None,
        data: bytes | Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        ok: Sequence[int] = (200, 201, 204),
        retries: int | None = None,
    ) -> requests.Response:
        """Send one request, retrying transient failures; raise :class:`StoreError` otherwise.

        ``retries`` overrides the client's count (0 for best-effort clean-up).

        Raises:
            StoreError: the store refused the request, or kept failing transiently.
        """
        subject = f"{what} of graph <{graph}>" if graph else what
        retries = self.retries if retries is None else retries
        tries = retries + 1
        failure: StoreError | None = None
        for attempt in range(1, tries + 1):
            try:
                response = fetch(
                    self._session,
                    method,
                    url,
                    seconds=self.timeout,
                    limit=self.max_answer,
                    data=data,
                    headers=dict(headers or {}),
                )
            except DeadlineExceeded:
                raise StoreError(
                    self.redact(
                        f"{subject} failed: {bare_url(url)} gave no complete answer within "
                        f"{self.timeout:g} s (the whole request) — if the store is just slow, "
                        "raise --timeout"
                    ),
                    graph=graph,
                    transient=True,
                ) from None
            except AnswerTooLarge:
                raise StoreError(
                    self.redact(
                        f"{subject} failed: {bare_url(url)} answered more than "
                        f"{describe_size(self.max_answer)}; not read further"
                    ),
                    graph=graph,
                ) from None
            except requests.ConnectionError as error:
                reason = describe_connection_error(error)
                failure = StoreError(
                    self.redact(f"{subject} failed: {reason} ({url})"), graph=graph, transient=True
                )
            except requests.RequestException as error:
                raise StoreError(
                    self.redact(f"{subject} failed: {error} ({url})"), graph=graph
                ) from None
            else:
                if response.status_code in ok:
                    return response
                status = response.status_code
                message = server_message(response, self._secrets)
                hint = ""
                if status == 403 and "read-only" in message.lower():
                    hint = (
                        " — the server refuses writes (`tradekg serve` is read-only unless "
                        "started with --writable)"
                    )
                elif status in (401, 403):
                    hint = (
                        " — check the credentials (TRADEKG_USER / TRADEKG_PASSWORD or ~/.netrc)"
                        + (
                            ", sent with HTTP Digest"
                            if self.profile.auth is AuthScheme.DIGEST
                            else ""
                        )
                    )
                failure = StoreError(
                    self.redact(f"{subject} failed: HTTP {status} from {url}: {message}{hint}"),
                    graph=graph,
                    status=status,
                    transient=status in TRANSIENT_STATUS,
                )
                if not failure.transient:
                    raise failure
            if attempt < tries:
                wait = self.backoff * 2 ** (attempt - 1)
                if self.on_retry is not None:
                    self.on_retry(f"{failure}; retry {attempt}/{retries} in {wait:g} s")
                self._sleep(wait)
        assert failure is not None
        raise failure

    # -- Graph Store Protocol -------------------------------------------------------------

    def put_graph(self, graph_iri: str, body: bytes, *, label: str | None = None) -> None:
        """Replace the graph with ``body`` (N-Triples). ``label`` names it in errors.

        Raises:
            StoreError: the store refused or could not be reached.
        """
        self._send_graph("PUT", graph_iri, body, label=label)

    def post_graph(self, graph_iri: str, body: bytes, *, label: str | None = None) -> None:
        """Add ``body`` (N-Triples) to the graph.

        Raises:
            StoreError: the store refused or could not be reached.
        """
        self._send_graph("POST", graph_iri, body, label=label)

    def _send_graph(self, method: str, graph_iri: str, body: bytes, *, label: str | None) -> None:
        self._request(
            method,
            self.profile.graph_url(graph_iri),
            what=method,
            graph=label or graph_iri,
            data=body,
            headers={"Content-Type": self.profile.content_type},
        )

    def delete_graph(self, graph_iri: str, *, retries: int | None = None) -> None:
        """Remove the graph: SPARQL ``DROP SILENT`` where there is an update endpoint
        (Virtuoso refuses plain ``DROP`` of graphs made through GSP), else GSP ``DELETE``
        with 404 (already absent) accepted.

        Raises:
            StoreError: the store refused or could not be reached.
        """
        if self.profile.update_url is not None:
            self.update(
                self.profile.drop_update(graph_iri), graph=graph_iri, what="DROP", retries=retries
            )
            return
        self._request(
            "DELETE",
            self.profile.graph_url(graph_iri),
            what="DELETE",
            graph=graph_iri,
            ok=(200, 204, 404),
            retries=retries,
        )

    # -- SPARQL ---------------------------------------------------------------------------

    def update(
        self,
        sparql: str | bytes,
        *,
        graph: str | None = None,
        what: str = "update",
        retries: int | None = None,
    ) -> None:
        """Run one SPARQL Update request (which the stores apply as one transaction).

        A ``str`` is sent form-encoded (``update=…``), which every store accepts; ``bytes``
        (UTF-8) are sent as the body with ``Content-Type: application/sparql-update``, which
        spares percent-encoding megabytes of ``INSERT DATA`` (SPARQL 1.1 Protocol, 2.2.2).

        Raises:
            StoreError: there is no update endpoint, or the store refused the update.
        """
        if self.profile.update_url is None:
            raise StoreError(
                f"{what} needs a SPARQL Update endpoint (--update-endpoint)", graph=graph
            )
        if isinstance(sparql, bytes):
            self._request(
                "POST",
                self.profile.update_url,
                what=what,
                graph=graph,
                data=sparql,
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
                retries=retries,
            )
            return
        self._request(
            "POST",
            self.profile.update_url,
            what=what,
            graph=graph,
            data={"update": sparql},
            retries=retries,
        )

    def select(
        self, sparql: str, *, graph: str | None = None, what: str = "query"
    ) -> list[dict[str, str]]:
        """The rows of a SELECT query as ``{variable: lexical value}``.

        Raises:
            StoreError: the store refused the query or answered with something that is not
                SPARQL JSON results.
        """
        response = self._request(
            "POST",
            self.profile.query_url,
            what=what,
            graph=graph,
            data={"query": sparql},
            headers={"Accept": "application/sparql-results+json"},
        )
        try:
            document: Any = response.json()
            bindings = document["results"]["bindings"]
            return [{name: str(term["value"]) for name, term in row.items()} for row in bindings]
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise StoreError(
                self.redact(
                    f"{what} failed: {self.profile.query_url} did not answer with SPARQL JSON "
                    f"results: {server_message(response, self._secrets)}"
                ),
                graph=graph,
            ) from None

    def count_triples(self, graph_iri: str) -> int:
        """How many triples the store holds in ``graph_iri`` (0 if the graph is absent).

        Raises:
            StoreError: the query failed or the answer is not a number.
        """
        rows = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}",
            graph=graph_iri,
            what="count",
        )
        try:
            return int(rows[0]["n"]) if rows else 0
        except (KeyError, ValueError):
            raise StoreError(
                self.redact(f"count of graph <{graph_iri}>: not a number: {rows[:3]!r}")
            ) from None

    def list_graphs(self, prefix: str) -> list[str]:
        """The IRIs of the non-empty named graphs on the store that start with ``prefix``.

        Raises:
            StoreError: the query failed.
        """
        literal = prefix.replace("\\", "\\\\").replace('"', '\\"')
        rows = self.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{literal}")) }}',
            what=f"listing the graphs under {prefix}",
        )
        return sorted({row["g"] for row in rows if "g" in row})
