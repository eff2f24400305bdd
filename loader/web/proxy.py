"""Pass SPARQL and Graph Store requests through to the Oxigraph server behind the front.

The front owns the port users know; the Oxigraph server listens on a private loopback port.
Requests are forwarded as they are (method, query string, body, the headers that matter to
SPARQL) and answers streamed back, so ``tradekg query --endpoint``, ``tradekg load`` and
YASGUI see exactly Oxigraph's protocol.
"""

from __future__ import annotations

from collections.abc import Iterator

import requests
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

#: Request headers sent on to Oxigraph (others — cookies, Origin — stay at the front).
FORWARDED = ("accept", "content-type", "content-encoding")
#: Answer headers sent back.
RETURNED = ("content-type", "content-disposition", "location")
#: Bytes per chunk of a streamed answer.
CHUNK = 1 << 16


class Backend:
    """The Oxigraph server's base URL, and one HTTP session to it."""

    def __init__(self, url: str, *, timeout: float = 600.0) -> None:
        self.url = url
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # loopback only: never through a proxy

    async def forward(self, request: Request) -> Response:
        """The Oxigraph server's answer to ``request`` (502 when it does not answer)."""
        from starlette.concurrency import run_in_threadpool

        body = await request.body()
        headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED}
        target = self.url + request.url.path
        if request.url.query:
            target += "?" + request.url.query
        try:
            answer = await run_in_threadpool(
                self.session.request,
                request.method,
                target,
                data=body or None,
                headers=headers,
                stream=True,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            return PlainTextResponse(
                f"the Oxigraph server behind tradekg serve did not answer: {type(error).__name__}",
                status_code=502,
            )
        kept = {k: v for k, v in answer.headers.items() if k.lower() in RETURNED}

        def chunks() -> Iterator[bytes]:
            try:
                yield from answer.iter_content(CHUNK)
            finally:
                answer.close()

        return StreamingResponse(chunks(), status_code=answer.status_code, headers=kept)

    def get(self, path: str) -> requests.Response:
        """A GET of the Oxigraph server's own file (its bundled YASGUI script and style)."""
        return self.session.get(self.url + path, timeout=30)

    def close(self) -> None:
        self.session.close()
