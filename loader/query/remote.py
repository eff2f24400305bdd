"""Run a query on a SPARQL 1.1 endpoint over HTTP, with optional credentials.

SELECT and ASK ask for SPARQL JSON results; CONSTRUCT and DESCRIBE ask for Turtle and parse the
bytes with pyoxigraph. Queries are POSTed (form-encoded, SPARQL 1.1 Protocol 2.1.2), so long
queries and their parameter values do not end up in URLs and server logs. The request follows
the loader's one HTTP policy (:mod:`loader.store.transport`): a total deadline, a size limit
on the answer, read as a stream; whatever the server says is shown only through
:func:`~loader.store.scrub.scrub`.

Credentials come from ``TRADEKG_USER``/``TRADEKG_PASSWORD`` or, failing that, ``~/.netrc``
(by the endpoint's host). They are never printed: :class:`Credentials` hides the password in
its repr, error messages name the endpoint without any user-info, and an endpoint URL that
carries ``user:password@`` is refused.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Mapping
from pathlib import Path

from loader.problems import InputError, Problem
from loader.query.result import QueryResult, ResultFormatError, Triples, from_sparql_json
from loader.store.credentials import PASSWORD_ENV, USER_ENV, Credentials, bare_url
from loader.store.limits import DEFAULT_MAX_ANSWER, describe_size

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
    max_answer: int = DEFAULT_MAX_ANSWER,
) -> QueryResult:
    """POST ``text`` (already bound) to ``endpoint`` and read the answer.

    ``auth`` is ``basic`` or ``digest`` (Virtuoso's ``/sparql-auth`` wants digest).
    ``timeout`` is the deadline of the whole request, the server's query time and the
    answer's transfer included; ``max_answer`` the most bytes the answer may have.

    Raises:
        InputError: the endpoint is unreachable, too slow, refuses the credentials, rejects
            the query (the server's message is passed on, scrubbed), answers more than
            ``max_answer`` bytes, or answers in a form we cannot read.
    """
    import requests
    from requests.auth import HTTPBasicAuth, HTTPDigestAuth

    from loader.store.http import describe_connection_error, server_message
    from loader.store.redirects import refuse_cross_host_redirects
    from loader.store.scrub import scrub
    from loader.store.transport import AnswerTooLarge, DeadlineExceeded, fetch, new_session

    check_endpoint(endpoint)
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    accept = (
        "text/turtle, application/n-triples;q=0.9"
        if graph_form
        else "application/sparql-results+json, application/json;q=0.9"
    )
    where = bare_url(endpoint)
    who = f" as the user from {credentials.origin}" if credentials else " without credentials"
    secrets = credentials.secrets() if credentials is not None else ()

    def fail(code: str, message: str, hint: str | None = None) -> InputError:
        return _fail(code, scrub(message, secrets), hint)

    with new_session(endpoint) as session:
        if credentials is not None:
            session.auth = (
                HTTPDigestAuth(credentials.user, credentials.password)
                if auth == "digest"
                else HTTPBasicAuth(credentials.user, credentials.password)
            )
            session.hooks["response"].append(refuse_cross_host_redirects)
        try:
            response = fetch(
                session,
                "POST",
                endpoint,
                seconds=timeout,
                limit=max_answer,
                data={"query": text},
                headers={"Accept": accept},
            )
        except DeadlineExceeded:
            raise fail(
                "endpoint-timeout",
                f"{where} gave no complete answer within {timeout:g} s (the whole request)",
                hint="if the endpoint is just slow, raise --timeout (seconds)",
            ) from None
        except AnswerTooLarge:
            raise fail(
                "answer-too-large",
                f"{where} answered more than {describe_size(max_answer)}; not read further",
                hint="raise --max-answer (MB), or narrow the query (LIMIT, fewer columns)",
            ) from None
        except requests.TooManyRedirects as error:
            code = "redirect-to-other-host" if "another host" in str(error) else "endpoint-failed"
            raise fail(code, str(error)) from None
        except requests.ConnectionError as error:
            reason = describe_connection_error(error)
            raise fail("endpoint-unreachable", f"cannot reach {where}: {reason}") from None
        except requests.RequestException as error:
            raise fail("endpoint-failed", f"{where} failed: {error}") from None
    status = response.status_code
    if status >= 300:
        message = server_message(response, secrets)
        if status == 400:
            raise fail("query-syntax", f"{where} rejected the query: {message}")
        if status == 401:
            raise fail(
                "endpoint-unauthorized",
                f"{where} refused the request{who} (HTTP 401)",
                hint=f"set {USER_VARIABLE}/{PASSWORD_VARIABLE} or ~/.netrc; try --auth digest",
            )
        if status == 404:
            raise fail("endpoint-not-found", f"{where} answered 404: is the URL right?")
        raise fail("endpoint-failed", f"{where} answered HTTP {status}{who}: {message}")
    media_type = response.headers.get("Content-Type", "").partition(";")[0].strip().lower()
    try:
        if graph_form:
            return _triples(response.content, media_type, where)
        return from_sparql_json(json.loads(response.content))
    except InputError as error:
        raise InputError(
            [Problem(p.code, scrub(p.message, secrets), hint=p.hint) for p in error.problems]
        ) from None
    except (ValueError, ResultFormatError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise fail(
            "bad-endpoint-answer",
            f"{where} did not answer in SPARQL JSON ({media_type or 'no media type'}): {reason}",
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
