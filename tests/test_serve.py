"""``tradekg serve`` is read-only unless asked, and its base URL is all other commands need.

A copy of the project is built, then served by the real ``tradekg serve`` (a subprocess with
a real Oxigraph server). The saved queries answer the same through
``--endpoint BASE --store oxigraph`` (or a ``--profile``) as on the embedded store, and the
same base URL loads with ``tradekg load``.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import json
import re
import socket
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import Browser
from click.testing import CliRunner
from load_support import TRADEKG, graph_counts, serving
from seed_project import copy_seed_project

from loader.cli import main
from loader.query.result import QueryResult, from_sparql_json, same_answer
from loader.store.server import OxigraphUnavailable, running_server, start_server

REPO = Path(__file__).resolve().parent.parent
QUERIES = sorted(p.stem for p in (REPO / "queries").glob("*.rq"))
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
INSERT = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> <urn:x:o> } }"

pytestmark = pytest.mark.requires("oxigraph")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_seed_project(tmp_path_factory.mktemp("served"))
    built = CliRunner().invoke(main, ["build", "--project", str(root), "--quiet"])
    assert built.exit_code == 0, built.output
    return root


def status(request: urllib.request.Request) -> int:
    """The HTTP status the server answers ``request`` with (an error status included)."""
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def post_update(base: str, update: str) -> int:
    return status(
        urllib.request.Request(
            base + "/update",
            data=update.encode(),
            method="POST",
            headers={"Content-Type": "application/sparql-update"},
        )
    )


def put_graph(base: str) -> int:
    return status(
        urllib.request.Request(
            base + "/store?graph=urn:x:h",
            data=b"<urn:x:s> <urn:x:p> <urn:x:o> .\n",
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
    )


def test_serve_refuses_updates_by_default(project: Path) -> None:
    with serving(project) as (base, banner):
        assert "read-only" in banner and "--writable" in banner
        before = graph_counts(base + "/query")
        assert post_update(base, INSERT) == 403
        assert put_graph(base) == 403
        assert graph_counts(base + "/query") == before


def test_serve_writable_accepts_updates(project: Path) -> None:
    with serving(project, "--writable") as (base, banner):
        assert "WRITABLE" in banner
        assert post_update(base, INSERT) in (200, 204)
        assert graph_counts(base + "/query")["urn:x:g"] == 1


def answer(project: Path, name: str, *args: str) -> QueryResult:
    result = CliRunner().invoke(
        main, ["query", name, "--project", str(project), "--format", "json", *args]
    )
    assert result.exit_code == 0, f"tradekg query {name} {' '.join(args)}: {result.output}"
    return from_sparql_json(json.loads(result.stdout))


def test_saved_queries_answer_the_same_through_the_base_url(project: Path) -> None:
    with serving(project) as (base, _banner):
        (project / "tradekg.toml").write_text(
            f'[profiles.served]\nendpoint = "{base}"\nstore = "oxigraph"\n', encoding="utf-8"
        )
        for name in QUERIES:
            ordered = bool(_ORDER_BY.search((REPO / "queries" / f"{name}.rq").read_text()))
            local = answer(project, name)
            remote = answer(project, name, "--endpoint", base, "--store", "oxigraph")
            assert same_answer(remote, local, ordered=ordered), name
            assert same_answer(answer(project, name, "--profile", "served"), local, ordered=ordered)
        # the full query URL keeps working with --store generic
        generic = answer(project, QUERIES[0], "--endpoint", base + "/query", "--store", "generic")
        assert same_answer(generic, answer(project, QUERIES[0]), ordered=False)


def test_the_same_base_url_loads(project: Path) -> None:
    manifest = json.loads((project / "dist" / "manifest.json").read_text(encoding="utf-8"))
    with serving(project, "--writable") as (base, _banner):
        loaded = CliRunner().invoke(
            main, ["load", "--project", str(project), "--endpoint", base, "--store", "oxigraph"]
        )
        assert loaded.exit_code == 0, loaded.output
        assert "all counts verified" in loaded.stderr
        expected = {g["iri"]: g["triples"] for g in manifest["graphs"] if g["triples"]}
        assert graph_counts(base + "/query") == expected


def test_loading_into_a_read_only_server_says_why(project: Path) -> None:
    with serving(project) as (base, _banner):
        loaded = CliRunner().invoke(main, ["load", "--project", str(project), "--endpoint", base])
        assert loaded.exit_code == 1
        assert "--writable" in loaded.stderr
        assert "Traceback" not in loaded.output


def test_wrong_store_for_the_server_is_a_usage_error(project: Path) -> None:
    with serving(project) as (base, _banner):
        for command in ("query", "load"):
            args = [command, "--project", str(project), "--endpoint", base, "--store", "fuseki"]
            if command == "query":
                args.insert(1, QUERIES[0])
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 2, result.output
            assert "an Oxigraph server" in result.stderr and "--store oxigraph" in result.stderr
            assert "Traceback" not in result.output


# ------------------------------------------------------------------ cross-site writes, busy port

FORM_INSERT = "INSERT DATA { GRAPH <urn:x:attack> { <urn:x:s> <urn:x:p> <urn:x:o> } }"


@contextlib.contextmanager
def other_site(page: str) -> Iterator[str]:
    """A real web server on another origin (another port) serving ``page`` at ``/``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def attack_page(base: str) -> str:
    """A page of another site that tries both ways a page can write: a script's fetch and a
    form that submits itself (the classic cross-site request forgery)."""
    update = html.escape(FORM_INSERT, quote=True)
    body = json.dumps(urllib.parse.urlencode({"update": FORM_INSERT}))
    return f"""<!DOCTYPE html><html><body>
<form id="f" method="POST" action="{base}/update">
<input type="hidden" name="update" value="{update}"></form>
<script>
fetch("{base}/update", {{method: "POST", mode: "no-cors",
  headers: {{"Content-Type": "application/x-www-form-urlencoded"}}, body: {body}}})
  .finally(() => document.getElementById("f").submit());
</script></body></html>"""


@pytest.mark.requires("chromium")
def test_a_page_of_another_site_cannot_write_to_a_writable_serve(
    project: Path, tmp_path: Path
) -> None:
    with serving(project, "--writable") as (base, banner):
        assert "writes from pages of other sites are refused" in banner
        with other_site(attack_page(base)) as page, Browser(tmp_path / "profile") as browser:
            browser.go(page)
            browser.wait_for(f"location.href.startsWith({json.dumps(base)})")
            browser.wait_for("document.readyState === 'complete'")
            shown = browser.evaluate("document.body.innerText")
        assert "write refused: the request comes from a page of another site" in shown
        assert "urn:x:attack" not in graph_counts(base + "/query")
        # the same update from a tool (no Origin, no Sec-Fetch-Site) is accepted
        form = urllib.parse.urlencode({"update": FORM_INSERT}).encode()
        request = urllib.request.Request(
            base + "/update",
            data=form,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status(request) in (200, 204)
        assert graph_counts(base + "/query")["urn:x:attack"] == 1


def test_a_write_naming_another_origin_is_refused_and_this_servers_own_is_not(
    project: Path,
) -> None:
    with serving(project, "--writable") as (base, _banner):
        for headers, expected in (
            ({"Origin": "http://evil.example"}, 403),
            ({"Sec-Fetch-Site": "cross-site"}, 403),
            ({"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"}, 403),
            ({"Origin": base, "Sec-Fetch-Site": "same-origin"}, 204),
        ):
            request = urllib.request.Request(
                base + "/update",
                data=INSERT.encode(),
                method="POST",
                headers={"Content-Type": "application/sparql-update", **headers},
            )
            assert status(request) == expected, headers


def test_a_busy_port_is_a_clear_error_and_no_other_server_is_vouched_for(project: Path) -> None:
    with running_server() as other, socket.create_server(("127.0.0.1", 0)) as held:
        for port in (other.port, held.getsockname()[1]):
            result = subprocess.run(
                [str(TRADEKG), "serve", "--project", str(project), "--port", str(port)],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert result.returncode == 2, result.stderr
            assert f"port {port} on 127.0.0.1 is already in use by another program" in result.stderr
            assert "--port" in result.stderr and "Traceback" not in result.stderr
            assert "counts verified" not in result.stdout


def test_start_server_refuses_a_port_another_server_holds() -> None:
    with running_server() as other, pytest.raises(OxigraphUnavailable, match="already in use"):
        start_server(port=other.port)
