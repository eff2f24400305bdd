"""The ``tradekg serve`` front: one Starlette application on the port users know.

It answers the query browser (``/queries/``), the REST API (``/api/NAME``,
``/api/openapi.json``), the SPARQL editor (``/sparql/``) and the built site (``/site/``), and
passes the SPARQL protocol (``/query``, ``/update``, ``/store``) through to the Oxigraph server
behind it. Writes are refused when the server is read-only, and, when it is writable, when
they come from a page of another site (:mod:`loader.web.guard`).

Why Starlette (with uvicorn): it is small (no ORM, no templates we do not use), typed,
well kept, and its routing, responses and streaming are all this front needs; uvicorn is a
production-grade server that can be handed the socket ``serve`` bound itself (so a busy port
is found before anything starts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from loader.problems import InputError, Problem
from loader.web import api, pages, yasgui
from loader.web.guard import SAFE_METHODS, foreign_write, own_origins
from loader.web.proxy import Backend
from loader.web.service import MAX_ROWS, BackendError, NoSuchQuery, QueryService, limit_of

#: Rows a page shows unless ``limit`` says otherwise (the API returns up to MAX_ROWS).
PAGE_ROWS = 1000
#: The ``Server`` header of every answer.
SERVER = "tradekg-serve (Oxigraph)"
#: Files of the Oxigraph server the editor page loads.
OXIGRAPH_FILES = ("/yasgui.min.js", "/yasgui.min.css", "/logo.svg")


@dataclass(frozen=True)
class Settings:
    """What the front needs to know about the server it stands in front of."""

    port: int
    writable: bool
    version: str


def problems_json(problems: list[Problem], status: int) -> JSONResponse:
    """A 4xx/5xx answer with every problem: ``{"error": first message, "problems": […]}``."""
    return JSONResponse(
        {
            "error": problems[0].message if problems else "error",
            "problems": [{"code": p.code, "message": p.message, "hint": p.hint} for p in problems],
        },
        status_code=status,
    )


def request_values(
    request: Request, controls: tuple[str, ...], query_params: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The request's parameter values and its control values (``format``, ``limit``).

    A name that is also a parameter of the query is the query's. A name given twice is an
    input error, as ``--param`` twice is on the command line.

    Raises:
        InputError: a name is given twice.
    """
    given: dict[str, str] = {}
    control: dict[str, str] = {}
    twice: list[Problem] = []
    for name, value in request.query_params.multi_items():
        target = control if name in controls and name not in query_params else given
        if name in target:
            twice.append(Problem("bad-parameter-syntax", f"'{name}' is given twice"))
        target[name] = value
    if twice:
        raise InputError(twice)
    return given, control


def create_app(service: QueryService, backend: Backend, settings: Settings) -> Starlette:
    """The application; ``service`` runs the saved queries, ``backend`` is the Oxigraph server."""
    origins = own_origins(settings.port)

    async def listing(request: Request) -> Response:
        return HTMLResponse(pages.listing(await _threaded(service.queries)))

    async def query_page(request: Request) -> Response:
        name = request.path_params["name"]
        try:
            query = service.query(name)
            given, control = request_values(request, ("limit",), set(query.params))
        except NoSuchQuery as error:
            return HTMLResponse(pages.shell("No such query", _missing(str(error))), 404)
        except InputError as error:
            return HTMLResponse(
                pages.shell("Bad request", _missing(error.problems[0].message)), 400
            )
        shown = {**given, **control}
        choices, suggestions = await _threaded(
            lambda: (service.choices(query), service.suggestions(query))
        )
        answer, problems, status = None, [], 200
        try:
            limit = limit_of(control.get("limit"), PAGE_ROWS)
            answer = await _threaded(lambda: service.run(query, given, limit=limit))
        except BackendError as error:
            problems, status = error.problems, 502
        except InputError as error:
            problems, status = error.problems, 400
        html = pages.query_page(
            query,
            shown,
            choices=choices,
            suggestions=suggestions,
            answer=answer,
            problems=problems,
            site_page=service.site_page,
        )
        return HTMLResponse(html, status_code=status)

    async def api_answer(request: Request) -> Response:
        name = request.path_params["name"]
        try:
            query = service.query(name)
            given, control = request_values(request, api.CONTROLS, set(query.params))
        except NoSuchQuery as error:
            return problems_json([Problem("unknown-query", str(error))], 404)
        except InputError as error:
            return problems_json(error.problems, 400)
        fmt = api.choose_format(control.get("format"), request.headers.get("accept"))
        if fmt is None:
            shown = control.get("format", "")[:40]
            message = f"format must be json, csv or tsv, got {shown!r}"
            return problems_json([Problem("bad-format", message)], 400)
        try:
            limit = limit_of(control.get("limit"), MAX_ROWS)
            answer = await _threaded(lambda: service.run(query, given, limit=limit))
        except BackendError as error:
            return problems_json(error.problems, 502)
        except InputError as error:
            return problems_json(error.problems, 400)
        if fmt == "json":
            return JSONResponse(api.rows_json(answer))
        text = api.rows_text(answer, fmt)
        disposition = f'inline; filename="{query.name}.{fmt}"'
        return Response(
            text,
            media_type=api.MEDIA_TYPES[fmt] + "; charset=utf-8",
            headers={"Content-Disposition": disposition},
        )

    async def openapi(request: Request) -> Response:
        def document() -> dict[str, object]:
            queries = service.queries()
            choices = {q.name: service.choices(q) for q in queries}
            server = f"{request.url.scheme}://{request.url.netloc}"
            return api.openapi(queries, choices, server=server, version=settings.version)

        return JSONResponse(await _threaded(document))

    async def editor(request: Request) -> Response:
        return HTMLResponse(yasgui.page(await _threaded(service.queries)))

    async def oxigraph_file(request: Request) -> Response:
        return await backend.forward(request)

    async def sparql(request: Request) -> Response:
        writes = request.method not in SAFE_METHODS and request.url.path != "/query"
        if writes and not settings.writable:
            return PlainTextResponse(
                "this server is read-only: updates and Graph Store writes are refused "
                "(start tradekg serve --writable to allow them)",
                status_code=403,
            )
        if writes:
            why = foreign_write({k.lower(): v for k, v in request.headers.items()}, origins)
            if why is not None:
                return PlainTextResponse(
                    f"write refused: {why}. Writes are accepted from tools (curl, tradekg "
                    "load) and from this server's own pages only.",
                    status_code=403,
                )
        return await backend.forward(request)

    async def site(request: Request) -> Response:
        root = service.site_dir().resolve()
        wanted = (root / request.path_params["path"]).resolve()
        if not wanted.is_relative_to(root) or not wanted.is_file():
            message = (
                "no such page of the site"
                if root.is_dir()
                else "there is no site yet: run `tradekg site`, then reload"
            )
            return PlainTextResponse(message, status_code=404)
        return FileResponse(wanted)

    methods = ["GET", "HEAD", "POST", "PUT", "DELETE"]
    routes = [
        Route("/", lambda request: RedirectResponse("/queries/")),
        Route("/queries", lambda request: RedirectResponse("/queries/")),
        Route("/queries/", listing),
        Route("/queries/{name}", query_page),
        Route("/api/openapi.json", openapi),
        Route("/api/{name}", api_answer),
        Route("/sparql/", editor),
        *[Route(path, oxigraph_file) for path in OXIGRAPH_FILES],
        Route("/query", sparql, methods=methods),
        Route("/update", sparql, methods=methods),
        Route("/store", sparql, methods=methods),
        Route("/site/{path:path}", site),
    ]
    middleware = [
        Middleware(ServerHeader),
        Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"]),
    ]
    return Starlette(routes=routes, middleware=middleware)


class ServerHeader:
    """Say ``Server: tradekg-serve (Oxigraph)`` on every answer: tools that tell stores apart
    by that header (``tradekg query --store``'s check) see the Oxigraph protocol they get."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                message = {**message, "headers": [*headers, (b"server", SERVER.encode())]}
            await send(message)

        await self.app(scope, receive, with_header)


def _missing(message: str) -> str:
    from html import escape

    return (
        f"<h1>Not found</h1><p>{escape(message)}</p>"
        "<p><a href='/queries/'>All saved queries</a></p>"
    )


T = TypeVar("T")


async def _threaded(work: Callable[[], T]) -> T:
    """Run blocking work (files, the embedded store, HTTP to Oxigraph) off the event loop."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(work)
