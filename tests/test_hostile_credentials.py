"""Credentials are never printed, even by a server that echoes the request back.

The peer answers 500 with a page (plain text or JSON) that quotes every request header,
``Authorization: Basic <base64 of user:password>`` included, and the request body; ``query``
and ``load`` run as real subprocesses with credentials in the environment, and nothing they
print may hold the password or any encoded form of it.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote

import pytest
from hostile_support import (
    CREDENTIALS,
    PASSWORD,
    USER,
    Behaviour,
    challenge_then,
    echo_headers,
    echo_headers_json,
    hostile_server,
    query_project,
    tradekg,
)
from load_support import sample_dataset, write_dist

from loader.store.credentials import Credentials
from loader.store.scrub import redact

PAIR = f"{USER}:{PASSWORD}".encode()
#: every form the password travels in
FORBIDDEN = (
    PASSWORD,
    base64.b64encode(PAIR).decode(),
    base64.b64encode(PAIR).decode().rstrip("="),
    base64.urlsafe_b64encode(PAIR).decode(),
    quote(PASSWORD, safe=""),
)


def assert_no_credentials(text: str) -> None:
    leaked = [form for form in FORBIDDEN if form in text]
    assert not leaked, f"credentials printed ({leaked}):\n{text}"


ECHOES = {
    "text": echo_headers(),
    "json": echo_headers_json(),
    "digest-text": challenge_then(echo_headers()),
    "digest-json": challenge_then(echo_headers_json()),
}


@pytest.mark.parametrize(
    ("echo", "auth"),
    [
        ("text", "basic"),  # Basic is sent with the first request
        ("json", "basic"),
        ("digest-text", "basic"),
        ("digest-text", "digest"),  # Digest only in answer to the challenge
        ("digest-json", "digest"),
    ],
)
def test_query_never_prints_echoed_credentials(tmp_path: Path, echo: str, auth: str) -> None:
    project = query_project(tmp_path / "project")
    with hostile_server(ECHOES[echo]) as peer:
        result = tradekg(
            "query", "anything", "--endpoint", peer.url, "--store", "generic", "--auth", auth,
            project=project, env=CREDENTIALS,
        )  # fmt: skip
    assert result.code == 2, result.output
    assert "answered HTTP 500" in result.stderr
    assert "Authorization" in result.stderr  # the echo did reach the message
    assert_no_credentials(result.output)
    assert "Traceback" not in result.output
    sent = [h["Authorization"] for h in peer.seen if "Authorization" in h]
    assert sent, "the peer never received credentials: the test would prove nothing"
    if echo.startswith("digest") and auth == "digest":
        assert sent[0].startswith("Digest ") and f'username="{USER}"' in sent[0]


@pytest.mark.parametrize("echo", sorted(ECHOES))
def test_load_never_prints_echoed_credentials(tmp_path: Path, echo: str) -> None:
    project = tmp_path / "dist-project"
    write_dist(project, sample_dataset(big=10))
    behaviour: Behaviour = ECHOES[echo]
    with hostile_server(behaviour) as peer:
        result = tradekg(
            "load", "--endpoint", peer.url, "--retries", "0", project=project, env=CREDENTIALS
        )
    assert result.code == 1, result.output
    assert "HTTP 500" in result.stderr
    assert_no_credentials(result.output)
    assert "Traceback" not in result.output
    assert any("Authorization" in headers for headers in peer.seen)  # they were sent


def test_the_password_in_the_endpoint_url_is_not_printed_either(tmp_path: Path) -> None:
    project = tmp_path / "dist-project"
    write_dist(project, sample_dataset(big=10))
    with hostile_server(echo_headers()) as peer:
        url = peer.url.replace("http://", f"http://{USER}:{quote(PASSWORD, safe='')}@")
        result = tradekg("load", "--endpoint", url, "--retries", "0", project=project)
    assert result.code == 1, result.output
    assert_no_credentials(result.output)


def test_redact_masks_headers_tokens_and_every_form_of_the_password() -> None:
    secrets = Credentials(USER, PASSWORD).secrets()
    assert set(FORBIDDEN) <= set(secrets)
    text = "\n".join(
        [
            f"Authorization: Basic {base64.b64encode(PAIR).decode()}",
            '"authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc"',
            "Proxy-Authorization: Digest username=alice, response=0123abcd",
            "Cookie: session=4f2a9c1e77; theme=dark",
            "Set-Cookie: sid=998877665544; HttpOnly",
            f"posted: query=ASK&password={quote(PASSWORD, safe='')}",
            "GET /sparql?access_token=tok-123456789&x=1",
            '{"api_key": "k-abcdefgh"}',
            f"the password is {PASSWORD}",
            f"echo of a header without its name: Basic {base64.b64encode(PAIR).decode()}",
        ]
    )
    shown = redact(text, secrets)
    assert_no_credentials(shown)
    for secret in ("eyJhbGciOiJIUzI1NiJ9", "0123abcd", "4f2a9c1e77", "998877665544"):
        assert secret not in shown
    for secret in ("tok-123456789", "k-abcdefgh"):
        assert secret not in shown
    digest = '{"Authorization": "Digest username=\\"alice\\", response=\\"5ccc069c4\\""}'
    assert redact(digest) == '{"Authorization": "***"}'
    for plain in ("authorization failed: wrong user", "no cookie needed"):
        assert redact(plain) == plain
    assert "Authorization: ***" in shown and "password=***" in shown
    # text without credentials is left as it is
    plain = "HTTP 500 from http://127.0.0.1/query: graph <urn:x:g> is not valid: line 3"
    assert redact(plain, secrets) == plain
