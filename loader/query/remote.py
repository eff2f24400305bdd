"""Run a query on a SPARQL 1.1 endpoint over HTTP (SPARQLWrapper), with optional credentials.

SELECT and ASK ask for SPARQL JSON results; CONSTRUCT and DESCRIBE ask for Turtle and parse the
bytes with pyoxigraph (SPARQLWrapper would otherwise build an rdflib graph, with a
DeprecationWarning under rdflib 7.6). Queries are POSTed, so long queries and their parameter
values do not end up in URLs and server logs.

Credentials come from ``TRADEKG_USER``/``TRADEKG_PASSWORD`` or, failing that, ``~/.netrc``
(by the endpoint's host). They are never printed: :class:`Credentials` hides the password in
its repr, error messages name the endpoint without any user-info, and an endpoint URL that
carries ``user:password@`` is refused.
"""

from __future__ import annotations

import dataclasses
import json
import os
import urllib.error
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from loader.problems import InputError, Problem
from loader.query.result import QueryResult, ResultFormatError, Triples, from_sparql_json
from loader.store.credentials import PASSWORD_ENV, USER_ENV, Credentials, bare_url, redact
from loader.store.redirects import CrossHostRedirect, guard_urllib

USER_VARIABLE = USER_ENV
PASSWORD_VARIABLE = PASSWORD_ENV
REALM_VARIABLE = "TRADEKG_REALM"


def _fail(code: str, message: str, hint: str | None = None) -> InputError:
    return InputError([Problem(code, message, hint=hint)])


def check_endpoint(url: str) -> str:
    """The endpoint URL, checked to be http(s) and free of credentials.

    Raises:
        InputError: not an http(s) URL, or it contains ``user:password@``.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _fail("bad-endpoint", "the endpoint must be an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise _fail(
            "credentials-in-url",
            "the endpoint URL contains credentials; they were not used and are not shown",
            hint=f"set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or use ~/.netrc",
        )
    return url


def credentials_for(
    url: str, *, environ: Mapping[str, str] | None = None, netrc_file: Path | None = None
) -> Credentials | None:
    """Credentials for ``url``: from the environment if both variables are set, else ~/.netrc.

    Raises:
        InputError: only one of the two variables is set, or ~/.netrc exists but cannot be
            parsed (the message gives its line, never its content).
    """
    env = os.environ if environ is None else environ
    user, password = env.get(USER_VARIABLE), env.get(PASSWORD_VARIABLE)
    if user and password:
        return Credentials(user, password, "environment")
    if user or password:
        raise _fail(
            "incomplete-credentials",
            f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither",
        )
    import netrc

    path = netrc_file or Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except netrc.NetrcParseError as error:
        raise _fail(
            "bad-netrc", f"{path} cannot be read (line {error.lineno}); its content is not shown"
        ) from None
    except OSError as error:
        raise _fail("bad-netrc", f"{path} cannot be read: {error.strerror}") from None
    if entry is None:
        return None
    login, _account, secret = entry
    if not login or not secret:
        return None
    return Credentials(login, secret, "~/.netrc")


def run_remote(
    endpoint: str,
    text: str,
    *,
    form: str,
    credentials: Credentials | None = None,
    auth: str = "basic",
    timeout: float = 120.0,
) -> QueryResult:
    """POST ``text`` (already bound) to ``endpoint`` and read the answer.

    ``auth`` is ``basic`` or ``digest`` (Virtuoso's ``/sparql-auth`` wants digest, realm from
    ``TRADEKG_REALM``, default ``SPARQL``). ``timeout`` covers the connection, not the
    server's query time.

    Raises:
        InputError: the endpoint is unreachable, refuses the credentials, rejects the query
            (the server's message is passed on), or answers in a form we cannot read.
    """
    import warnings

    from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper import SPARQLExceptions as errors

    check_endpoint(endpoint)
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setMethod(POST)
    wrapper.setTimeout(int(timeout))
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    wrapper.setReturnFormat(TURTLE if graph_form else JSON)
    if credentials is not None:
        if auth == "digest":
            wrapper.setHTTPAuth(DIGEST)
            realm = os.environ.get(REALM_VARIABLE, "SPARQL")
            wrapper.setCredentials(credentials.user, credentials.password, realm=realm)
        else:
            wrapper.setCredentials(credentials.user, credentials.password)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # query-type guessing chatter
        wrapper.setQuery(text)
    wrapper.queryType = form  # we know the form; do not rely on SPARQLWrapper's regex
    where = bare_url(endpoint)
    who = f" as the user from {credentials.origin}" if credentials else " without credentials"
    if credentials is not None:
        guard_urllib()  # credentials never follow a redirect to another host
    try:
        return _ask(wrapper, graph_form=graph_form, where=where, who=who, errors=errors)
    except InputError as error:
        if credentials is None:
            raise
        # a server may quote the request back: never let the password through
        scrubbed = [
            dataclasses.replace(p, message=redact(p.message, credentials.secrets()))
            for p in error.problems
        ]
        raise InputError(scrubbed) from None


def _ask(wrapper: Any, *, graph_form: bool, where: str, who: str, errors: Any) -> QueryResult:
    """Send the request and read the answer; failures become :class:`InputError`."""
    try:
        response = wrapper.query().response
        body: bytes = response.read()
        media_type: str = response.headers.get_content_type()
    except errors.QueryBadFormed as error:
        message = f"{where} rejected the query: {_server_message(error)}"
        raise _fail("query-syntax", message) from None
    except errors.Unauthorized:
        raise _fail(
            "endpoint-unauthorized",
            f"{where} refused the request{who} (HTTP 401)",
            hint=f"set {USER_VARIABLE}/{PASSWORD_VARIABLE} or ~/.netrc; try --auth digest",
        ) from None
    except errors.EndPointNotFound:
        raise _fail("endpoint-not-found", f"{where} answered 404: is the URL right?") from None
    except errors.SPARQLWrapperException as error:
        raise _fail("endpoint-failed", f"{where} failed: {_server_message(error)}") from None
    except urllib.error.HTTPError as error:
        raise _fail("endpoint-failed", f"{where} answered HTTP {error.code}{who}") from None
    except CrossHostRedirect as error:
        raise _fail("redirect-to-other-host", str(error.reason)) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise _fail("endpoint-unreachable", f"cannot reach {where}: {reason}") from None
    if graph_form:
        return _triples(body, media_type, where)
    try:
        return from_sparql_json(json.loads(body))
    except (ValueError, ResultFormatError) as error:
        raise _fail(
            "bad-endpoint-answer", f"{where} did not answer in SPARQL JSON ({media_type}): {error}"
        ) from None


def _triples(body: bytes, media_type: str, where: str) -> Triples:
    import pyoxigraph as ox

    rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
    try:
        quads = ox.parse(body, format=rdf_format)
        return Triples(tuple(q.triple for q in quads))
    except (SyntaxError, ValueError) as error:
        raise _fail(
            "bad-endpoint-answer", f"{where} answered {media_type} that is not RDF: {error}"
        ) from None


def _server_message(error: Exception) -> str:
    """The server's explanation from a SPARQLWrapper exception, on one short line."""
    text = str(error)
    marker = "Response:"
    if marker in text:
        text = text.split(marker, 1)[1]
    text = text.strip().removeprefix("b'").removeprefix('b"').rstrip("'\"")
    text = text.replace("\\n", " ").replace("\n", " ")
    return text[:500]
