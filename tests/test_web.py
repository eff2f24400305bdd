"""The query browser and REST API of ``tradekg serve``, over real HTTP and in a real browser.

A copy of the seed project is built and served by the real ``tradekg serve`` (a subprocess with
a real Oxigraph server behind the web front). The API is asked with plain HTTP requests; a
headless Chromium fills the form of ``tariffs-at-or-above-rate``, reads the answer table and
follows its CSV link. Nothing here depends on what ``data/notes/`` holds beyond the seed notes.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import Browser
from click.testing import CliRunner
from load_support import serving
from seed_project import copy_seed_project

from loader.cli import main

pytestmark = pytest.mark.requires("oxigraph")

MALAYSIA = "https://w3id.org/tradekg/id/state/MYS"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_seed_project(tmp_path_factory.mktemp("web"))
    for args in (["build", "--quiet"], ["site"]):
        done = CliRunner().invoke(main, [*args, "--project", str(root)])
        assert done.exit_code == 0, done.output
    return root


@pytest.fixture(scope="module")
def base(project: Path) -> Iterator[str]:
    with serving(project) as (url, banner):
        assert f"{url}/queries/" in banner and f"{url}/api/openapi.json" in banner
        yield url


def get(url: str, accept: str | None = None) -> tuple[int, str, str]:
    """Status, content type and text of a GET (error statuses included)."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def api(base: str, name: str, **params: str) -> str:
    return f"{base}/api/{name}?{urllib.parse.urlencode(params)}"


def test_the_listing_names_every_saved_query(project: Path, base: str) -> None:
    status, kind, html = get(base + "/queries/")
    assert status == 200 and kind.startswith("text/html")
    names = [path.stem for path in (project / "queries").glob("*.rq")]
    assert names
    for name in names:
        assert f'href="/queries/{name}"' in html, name
    assert "rate <span class=muted>(decimal, default 19)</span>" in html  # a parameter and its type


def test_json_rows_carry_iris_labels_and_units(base: str) -> None:
    status, kind, text = get(api(base, "tariffs-at-or-above-rate", imposer="USA", rate="19"))
    assert status == 200 and kind == "application/json"
    answer = json.loads(text)
    assert answer["count"] == len(answer["rows"]) == answer["total"]
    malaysia = [row for row in answer["rows"] if row["target"] == MALAYSIA]
    assert len(malaysia) == 1
    row = malaysia[0]
    assert row["target_label"] == "Malaysia"
    assert row["rate"] == 19 and row["rate_unit"] == "percent"
    assert row["status_label"] == "maintained"
    assert all(r["rate"] >= 19 for r in answer["rows"])


def test_csv_and_tsv_by_accept_header_or_format(project: Path, base: str) -> None:
    url = api(base, "tariffs-at-or-above-rate", imposer="USA", rate="19")
    status, kind, by_accept = get(url, accept="text/csv")
    assert status == 200 and kind.startswith("text/csv")
    assert get(url + "&format=csv")[2] == by_accept
    rows = list(csv.DictReader(io.StringIO(by_accept)))
    assert {"target": "Malaysia", "rate": "19"}.items() <= next(
        r for r in rows if r["target"] == "Malaysia"
    ).items()
    status, kind, tsv = get(url, accept="text/tab-separated-values")
    assert status == 200 and kind.startswith("text/tab-separated-values")
    assert tsv.splitlines()[0].startswith("?measure\t?target\t?rate")
    # the same table as the command line writes
    cli = CliRunner().invoke(
        main,
        [
            *("query", "tariffs-at-or-above-rate", "--format", "csv", "--project", str(project)),
            *("--param", "imposer=USA", "--param", "rate=19"),
        ],
    )
    assert cli.exit_code == 0
    assert cli.stdout.replace("\r\n", "\n") == by_accept.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"rate": "high"}, 400, "parameter 'rate' (decimal): 'high' is not a decimal number"),
        ({"colour": "red"}, 400, "the query has no parameter 'colour'"),
        ({"imposer": "USA> } ; DROP ALL ; SELECT * { <x"}, 400, "parameter 'imposer' (iri)"),
        ({"rate": "19) || true || (1"}, 400, "parameter 'rate' (decimal)"),
        ({"limit": "1000000000"}, 400, "limit must be a whole number from 1 to 10,000"),
        ({"limit": "-1"}, 400, "limit must be a whole number"),
        ({"format": "xml"}, 400, "format must be json, csv or tsv"),
    ],
)
def test_a_wrong_value_is_a_400_with_the_message(
    base: str, params: dict[str, str], status: int, words: str
) -> None:
    code, kind, text = get(api(base, "tariffs-at-or-above-rate", **params))
    assert code == status and kind == "application/json"
    assert words in json.loads(text)["error"]
    # the server keeps serving
    assert get(api(base, "tariffs-at-or-above-rate"))[0] == 200


def test_the_api_says_what_the_cli_says(project: Path, base: str) -> None:
    cli = CliRunner().invoke(
        main, ["query", "tariffs-at-or-above-rate", "-p", "rate=high", "--project", str(project)]
    )
    assert cli.exit_code == 2
    message = json.loads(get(api(base, "tariffs-at-or-above-rate", rate="high"))[2])["error"]
    assert message in cli.stderr


def test_an_unknown_query_suggests_the_closest(base: str) -> None:
    status, _kind, text = get(base + "/api/tarifs-at-or-above-rate")
    assert status == 404
    assert "did you mean tariffs-at-or-above-rate" in json.loads(text)["error"]
    status, kind, html = get(base + "/queries/tarifs-at-or-above-rate")
    assert status == 404 and kind.startswith("text/html") and "tariffs-at-or-above-rate" in html


def test_a_parameter_given_twice_is_refused(base: str) -> None:
    status, _kind, text = get(base + "/api/tariffs-at-or-above-rate?rate=19&rate=20")
    assert status == 400 and "'rate' is given twice" in text


def test_openapi_describes_every_query_and_a_new_one_appears(project: Path, base: str) -> None:
    names = {path.stem for path in (project / "queries").glob("*.rq")}
    status, kind, text = get(base + "/api/openapi.json")
    assert status == 200 and kind == "application/json"
    document = json.loads(text)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {f"/api/{name}" for name in names}
    operation = document["paths"]["/api/tariffs-at-or-above-rate"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["rate"]["schema"] == {"type": "number", "default": "19"}
    assert params["imposer"]["required"] is False
    assert set(operation["responses"]["200"]["content"]) >= {"application/json", "text/csv"}
    stage = document["paths"]["/api/agreements-by-stage"]["get"]["parameters"]
    assert "announced" in next(p for p in stage if p["name"] == "stage")["schema"]["enum"]

    new = project / "queries" / "states-named.rq"
    new.write_text(
        "#+ summary: States whose name contains a text\n"
        "PREFIX tkg: <https://w3id.org/tradekg/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?state ?name WHERE { ?state a tkg:SovereignState ; rdfs:label ?name .\n"
        "  FILTER(CONTAINS(LCASE(STR(?name)), LCASE(?_text))) } ORDER BY ?name\n",
        encoding="utf-8",
    )
    try:
        document = json.loads(get(base + "/api/openapi.json")[2])
        assert document["paths"]["/api/states-named"]["get"]["parameters"][0]["name"] == "text"
        answer = json.loads(get(api(base, "states-named", text="malays"))[2])
        assert [row["state"] for row in answer["rows"]] == [MALAYSIA]
    finally:
        new.unlink()


def test_the_query_page_shows_a_form_a_table_and_the_sparql(base: str) -> None:
    status, _kind, html = get(base + "/queries/agreements-by-stage?stage=announced")
    assert status == 200
    assert "<select id=p-stage name=stage>" in html  # a value set is a choice
    assert '<option value="announced" selected>' in html
    assert "<h2>SPARQL</h2>" in html and "VALUES" in html  # the bound text
    status, _kind, html = get(base + "/queries/tariffs-at-or-above-rate?rate=high")
    assert status == 400
    assert 'value="high"' in html  # the wrong value stays in the form …
    assert "&#x27;high&#x27; is not a decimal number" in html  # … with the CLI's message


def test_the_sparql_editor_has_the_prefixes_and_the_saved_queries(base: str) -> None:
    status, _kind, html = get(base + "/sparql/")
    assert status == 200
    assert "PREFIX tkg: <https://w3id.org/tradekg/ontology#>" in html
    assert "tariffs-at-or-above-rate" in html
    assert 'src="/yasgui.min.js"' in html and "https://" not in html.split("<body>")[0]
    status, kind, script = get(base + "/yasgui.min.js")
    assert status == 200 and "javascript" in kind and len(script) > 100_000


@pytest.mark.requires("chromium")
def test_chromium_fills_the_form_reads_malaysia_and_follows_the_csv_link(
    base: str, tmp_path: Path
) -> None:
    with Browser(tmp_path / "profile") as browser:
        browser.open(base + "/queries/")
        browser.evaluate(
            "document.querySelector('a[href=\"/queries/tariffs-at-or-above-rate\"]').click()"
        )
        browser.wait_for("document.getElementById('p-rate') !== null")
        browser.evaluate(
            "document.getElementById('p-imposer').value = 'USA';"
            "document.getElementById('p-rate').value = '19';"
            "document.querySelector('form.params button[type=submit]').click()"
        )
        browser.wait_for(
            "location.search.includes('rate=19') && document.readyState === 'complete'"
        )
        rows = browser.evaluate(
            "[...document.querySelectorAll('main table tbody tr')]"
            ".map(tr => [...tr.cells].map(td => td.innerText.trim()))"
        )
        header = browser.evaluate(
            "[...document.querySelectorAll('main table thead th')].map(th => th.innerText)"
        )
        shown = [dict(zip(header, row, strict=True)) for row in rows]
        malaysia = [row for row in shown if row["target"] == "Malaysia"]
        assert len(malaysia) == 1 and malaysia[0]["rate"] == "19 %"
        assert browser.evaluate("location.href").startswith(
            base + "/queries/tariffs-at-or-above-rate?"
        )
        link = browser.evaluate("[...document.links].find(a => a.innerText === 'CSV').href")
        text = browser.evaluate(f"fetch({json.dumps(link)}).then(r => r.text())")
        site = browser.evaluate(
            "[...document.links].find(a => a.innerText === 'Malaysia').getAttribute('href')"
        )
    table = list(csv.DictReader(io.StringIO(text)))
    assert {"target": "Malaysia", "rate": "19"}.items() <= next(
        r for r in table if r["target"] == "Malaysia"
    ).items()
    assert len(table) == len(rows)
    assert site == "/site/state/MYS.html" and get(base + site)[0] == 200
